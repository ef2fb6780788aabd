"""Malformed and hostile input against igrad's JSON-RPC server (raw HTTP over http.client / sockets, and
WebSocket with `websockets`), on a running `igrad dev`. After every case the node must still answer
eth_blockNumber (autouse fixture). A second node with --rpc-rate-limit 50 checks the per-IP rate limiter.

Run: IGRAD=build/release/apps/igrad/igrad .venv/bin/python -m pytest -q tests/e2e/test_rpc_malformed.py
"""
from __future__ import annotations

import concurrent.futures
import http.client
import json
import socket
import sys
import time
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as ws_connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from igrad_dev import IgradDev  # noqa: E402

MAX_REQUEST = 5 << 20  # igrad's default --rpc-max-request-bytes


@pytest.fixture(scope="module")
def node():
    n = IgradDev().start()
    yield n
    n.stop()


@pytest.fixture(autouse=True)
def still_alive(request):
    yield
    if "node" in request.fixturenames:
        n = request.getfixturevalue("node")
        assert n.alive(), "igrad exited:\n" + n.stderr_tail()
        r = n.call("eth_blockNumber", timeout=10)
        assert r["result"].startswith("0x"), r


def req(method="eth_blockNumber", params=None, id=1):
    r = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        r["params"] = params
    return r


def error_code(resp):
    assert isinstance(resp, dict) and "error" in resp, resp
    return resp["error"]["code"]


def post(node, body, **kw):
    status, resp = node.post(body, **kw)
    assert status == 200, (status, resp)
    return resp


# ---- request-level -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ['{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"', "{", "nope", "[1,2",
                                  '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}}', ""])
def test_bad_json(node, body):
    r = post(node, body)
    assert error_code(r) == -32700 and r["id"] is None, r


def test_wrong_jsonrpc_version(node):
    for v in ("1.0", 2.0, None):
        r = post(node, json.dumps({"jsonrpc": v, "id": 7, "method": "eth_blockNumber"}))
        assert error_code(r) in (-32600, -32006) and r["id"] == 7, r
    r = post(node, json.dumps({"id": 7, "method": "eth_blockNumber"}))  # missing
    assert error_code(r) == -32600, r


@pytest.mark.parametrize("body", ["1", '"eth_blockNumber"', "null", "true"])
def test_non_object_request(node, body):
    assert error_code(post(node, body)) == -32600


@pytest.mark.parametrize("method", [1, None, ["eth_blockNumber"], {"a": 1}])
def test_method_not_a_string(node, method):
    r = post(node, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method}))
    assert error_code(r) == -32600, r


@pytest.mark.parametrize("params", [1, "0x1", True])
def test_params_not_array_or_object(node, params):
    r = post(node, json.dumps(req("eth_getBalance", params)))
    assert error_code(r) in (-32600, -32602), r


def test_bad_id(node):
    r = post(node, json.dumps({"jsonrpc": "2.0", "id": {"x": 1}, "method": "eth_blockNumber"}))
    assert error_code(r) == -32600, r


ADDR = "0x" + "11" * 20


@pytest.mark.parametrize("method,params", [
    ("eth_getBalance", [12345, "latest"]),  # number where an address is expected
    ("eth_getBalance", ["11" * 20, "latest"]),  # hex without 0x
    ("eth_getBalance", ["0x" + "1" * 39, "latest"]),  # odd-length hex
    ("eth_getBalance", ["0x" + "11" * 21, "latest"]),  # 21-byte address
    ("eth_getBalance", ["0x" + "11" * 19, "latest"]),  # 19-byte address
    ("eth_getBalance", [ADDR, "0x" + "1" * 65]),  # 65-hex-digit quantity
    ("eth_getBalance", [ADDR, "0x1g"]),  # invalid hex digit
    ("eth_getBalance", [ADDR, "latestt"]),  # unknown tag
    ("eth_getBalance", [ADDR, "0x"]),  # empty quantity
    ("eth_getBlockByNumber", ["0x1", "true"]),  # string where a bool is expected
    ("eth_getBlockByNumber", [1.5, False]),  # float block number
    ("eth_getBlockByNumber", [-1, False]),  # negative block number
    ("eth_getBlockByHash", ["0x" + "ab" * 31, False]),  # 31-byte hash
    ("eth_getTransactionByHash", ["0x" + "ab" * 33]),  # 33-byte hash
    ("eth_getTransactionByHash", [None]),
    ("eth_call", ["not an object", "latest"]),
    ("eth_call", [{"to": ADDR, "value": "0x" + "f" * 65}, "latest"]),  # value > 256 bits
    ("eth_call", [{"to": ADDR, "data": "0x123"}, "latest"]),  # odd-length data
    ("eth_getLogs", [{"address": "0x1234"}]),
    ("eth_getLogs", [{"topics": ["0x12"]}]),
    ("eth_getLogs", ["latest"]),
    ("eth_feeHistory", ["0x" + "f" * 17, "latest", []]),
    ("eth_feeHistory", ["0x1", "latest", [50, 10]]),  # decreasing percentiles
    ("eth_getStorageAt", [ADDR, "0x" + "0" * 65, "latest"]),
    ("eth_sendRawTransaction", ["0x"]),
    ("eth_sendRawTransaction", ["0xzz"]),
    ("eth_sendRawTransaction", [12]),
    ("eth_blockNumber", [1, 2, 3]),  # too many arguments
    ("eth_getBalance", []),  # missing argument
])
def test_wrong_param_types(node, method, params):
    r = post(node, json.dumps(req(method, params)))
    assert error_code(r) in (-32602, -32000), r  # invalid params (geth answers some of these with -32000)
    assert isinstance(r["error"]["message"], str) and r["error"]["message"]


def test_unknown_method(node):
    r = post(node, json.dumps(req("eth_noSuchMethod", [])))
    assert error_code(r) == -32601 and r["id"] == 1, r


def test_notification_gets_no_response(node):
    status, resp = node.post(json.dumps({"jsonrpc": "2.0", "method": "eth_blockNumber"}))
    assert status == 200 and resp is None, (status, resp)
    # In a batch: only the items with an id are answered.
    r = post(node, json.dumps([{"jsonrpc": "2.0", "method": "eth_blockNumber"}, req(id=5),
                               {"jsonrpc": "2.0", "method": "eth_noSuchMethod"}]))
    assert [x["id"] for x in r] == [5] and "result" in r[0], r


# ---- batches -----------------------------------------------------------------------------------------------

def test_empty_batch(node):
    r = post(node, "[]")
    assert error_code(r) == -32600, r


def test_huge_batch(node):
    c = http.client.HTTPConnection(node.host, node.port, timeout=30)
    try:
        body = json.dumps([req(id=i) for i in range(1001)])
        c.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = json.loads(r.read())
        assert r.status == 200
        assert error_code(data) == -32005, data
        # The same keep-alive connection stays usable.
        c.request("POST", "/", body=json.dumps(req()), headers={"Content-Type": "application/json"})
        r = c.getresponse()
        assert r.status == 200 and "result" in json.loads(r.read())
        # 1000 items are fine.
        c.request("POST", "/", body=json.dumps([req(id=i) for i in range(1000)]),
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        out = json.loads(r.read())
        assert len(out) == 1000 and all("result" in x for x in out)
    finally:
        c.close()


def test_mixed_batch_answered_in_order(node):
    items = [req(id=1), 5, {"jsonrpc": "2.0", "id": 3, "method": 7}, req("eth_noSuchMethod", [], id=4),
             req("eth_getBalance", ["0x12", "latest"], id="five"), {"jsonrpc": "1.0", "id": 6, "method": "eth_chainId"},
             req("eth_chainId", [], id=7), {"jsonrpc": "2.0", "method": "eth_chainId"}, req(id=None)]
    r = post(node, json.dumps(items))
    assert isinstance(r, list) and len(r) == 8, r  # the notification is not answered
    assert [x["id"] for x in r] == [1, None, 3, 4, "five", 6, 7, None], r
    assert "result" in r[0]
    assert error_code(r[1]) == -32600
    assert error_code(r[2]) == -32600
    assert error_code(r[3]) == -32601
    assert error_code(r[4]) == -32602
    assert error_code(r[5]) in (-32600, -32006)
    assert r[6]["result"] == hex(38830)
    assert "result" in r[7]


# ---- size, depth, encoding ---------------------------------------------------------------------------------

def test_deep_nesting(node):
    depth = 100_000
    for body in ("[" * depth + "]" * depth,
                 '{"jsonrpc":"2.0","id":1,"method":"eth_call","params":' + "[" * depth + "]" * depth + "}",
                 "[" * depth):  # unterminated too
        r = post(node, body)
        assert error_code(r) in (-32600, -32700), r
        assert "nest" in r["error"]["message"] or r["error"]["code"] == -32700, r


def test_oversized_body_413(node):
    size = 6 << 20
    s = socket.create_connection((node.host, node.port), timeout=30)
    try:
        s.sendall(f"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
                  .encode())
        try:
            s.sendall(b"[" + b" " * (1 << 20))  # the first MB; the server may answer before reading it all
        except OSError:
            pass
        status, headers, body = _read_http_response(s)
    finally:
        s.close()
    assert status == 413, (status, body[:200])
    j = json.loads(body)
    assert error_code(j) == -32005, j


def test_oversized_body_full_upload(node):
    """The client sends all 6 MB before reading (what most HTTP clients do): it still gets the 413 with a
    JSON-RPC error (the server drains the rejected body before closing), and the server keeps serving."""
    body = b"[" + b" " * ((6 << 20) - 2) + b"]"
    status, resp = node.post(body, timeout=30)
    assert status == 413, (status, resp)
    assert error_code(resp) == -32005


def test_invalid_utf8(node):
    for body in (b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","x":"\xff\xfe"}',
                 b'{"jsonrpc":"2.0","id":1,"method":"eth_\xc3\x28"}',
                 b'\xef\xbb\xbf{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}'):  # BOM
        status, resp = node.post(body)
        assert status == 200, (status, resp)
        assert isinstance(resp, dict), resp
        if "error" in resp:
            assert resp["error"]["code"] in (-32700, -32600, -32601), resp


def test_http_edge_cases(node):
    c = http.client.HTTPConnection(node.host, node.port, timeout=10)
    try:
        c.request("POST", "/", body=json.dumps(req()), headers={"Content-Type": "text/plain"})
        r = c.getresponse()
        data = r.read()
        assert r.status == 415 and error_code(json.loads(data)) == -32600
        c.request("PUT", "/", body="{}", headers={"Content-Type": "application/json"})
        r = c.getresponse()
        assert r.status == 405 and error_code(json.loads(r.read())) == -32600
        c.request("GET", "/nope")
        r = c.getresponse()
        assert r.status == 404
        r.read()
        c.request("OPTIONS", "/", headers={"Origin": "http://x", "Access-Control-Request-Method": "POST"})
        r = c.getresponse()
        r.read()
        assert r.status == 204 and r.getheader("Access-Control-Allow-Origin") == "*"
        c.request("POST", "/", body=json.dumps(req()), headers={"Content-Type": "application/json; charset=utf-8"})
        r = c.getresponse()
        assert r.status == 200 and "result" in json.loads(r.read())
    finally:
        c.close()


# ---- connections -------------------------------------------------------------------------------------------

def _read_http_response(s):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a response: {buf!r}")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:])}
    n = int(headers.get("content-length", "0"))
    while len(rest) < n:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:n]


def test_200_concurrent_connections(node):
    socks = [socket.create_connection((node.host, node.port), timeout=30) for _ in range(200)]
    try:
        body = json.dumps(req()).encode()
        msg = (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
               str(len(body)).encode() + b"\r\n\r\n" + body)
        for s in socks:
            s.sendall(msg)
        with concurrent.futures.ThreadPoolExecutor(32) as ex:
            results = list(ex.map(_read_http_response, socks))
        assert all(st == 200 and "result" in json.loads(b) for st, _, b in results)
    finally:
        for s in socks:
            s.close()
    # And 200 parallel clients each doing a few requests.
    def client(i):
        return [node.call("eth_getBlockByNumber", ["latest", False])["result"]["number"] for _ in range(3)]
    with concurrent.futures.ThreadPoolExecutor(200) as ex:
        assert all(len(r) == 3 for r in ex.map(client, range(200)))


def test_slowloris_does_not_block_others(node):
    slow = []
    try:
        for _ in range(50):
            s = socket.create_connection((node.host, node.port), timeout=30)
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Le")
            slow.append(s)
        half = socket.create_connection((node.host, node.port), timeout=30)
        half.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[")
        slow.append(half)
        ws = ws_connect(f"ws://{node.host}:{node.port}", open_timeout=10)
        ws.send('{"jsonrpc":"2.0","id":1,"method":"eth_bl')  # a partial-looking (invalid) frame: answered -32700
        slow_ws_answer = json.loads(ws.recv(timeout=10))
        assert error_code(slow_ws_answer) == -32700
        t0 = time.time()
        for _ in range(20):
            assert "result" in node.call("eth_blockNumber", timeout=5)
        assert time.time() - t0 < 5
        # The slow connections trickle more bytes; others are still served meanwhile.
        for s in slow[:10]:
            s.sendall(b"n")
        assert "result" in node.call("eth_chainId", timeout=5)
        ws.close()
    finally:
        for s in slow:
            s.close()


# ---- WebSocket ---------------------------------------------------------------------------------------------

def test_websocket_basic_and_malformed(node):
    with ws_connect(f"ws://{node.host}:{node.port}", open_timeout=10, max_size=None) as ws:
        ws.send(json.dumps(req()))
        assert "result" in json.loads(ws.recv(timeout=10))
        ws.send("{bad json")
        assert error_code(json.loads(ws.recv(timeout=10))) == -32700
        ws.send("[]")
        assert error_code(json.loads(ws.recv(timeout=10))) == -32600
        ws.send(json.dumps([req(id=i) for i in range(1001)]))
        assert error_code(json.loads(ws.recv(timeout=10))) == -32005
        ws.send("[" * 100_000 + "]" * 100_000)
        assert error_code(json.loads(ws.recv(timeout=10))) == -32600
        ws.send(b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}')  # binary frame
        assert "result" in json.loads(ws.recv(timeout=10))
        ws.send(json.dumps({"jsonrpc": "2.0", "method": "eth_blockNumber"}))  # notification: no answer
        ws.send(json.dumps(req("eth_chainId", [], id=9)))
        r = json.loads(ws.recv(timeout=10))
        assert r["id"] == 9, r


def test_websocket_message_too_big(node):
    """A message over the request limit gets a JSON-RPC -32005 error on the open connection, which keeps
    serving; one over 4 x the limit is closed by the server (1009, or a reset while the client still sends)."""
    with ws_connect(f"ws://{node.host}:{node.port}", open_timeout=10, max_size=None) as ws:
        big = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[],"pad":"' + "x" * (MAX_REQUEST + 1024) + '"}'
        ws.send(big)
        j = json.loads(ws.recv(timeout=20))
        assert error_code(j) == -32005, j
        ws.send(json.dumps(req()))
        assert "result" in json.loads(ws.recv(timeout=10))
    ws = ws_connect(f"ws://{node.host}:{node.port}", open_timeout=10, max_size=None)
    huge = '{"pad":"' + "x" * (4 * MAX_REQUEST + 1024) + '"}'
    try:
        ws.send(huge)
    except ConnectionClosed:
        pass
    with pytest.raises(ConnectionClosed):
        ws.recv(timeout=20)
    ws.close()
    # The server keeps serving new connections.
    with ws_connect(f"ws://{node.host}:{node.port}", open_timeout=10) as ws2:
        ws2.send(json.dumps(req()))
        assert "result" in json.loads(ws2.recv(timeout=10))


# ---- rate limiter ------------------------------------------------------------------------------------------

def test_rate_limit():
    n = IgradDev(extra_args=["--rpc-rate-limit", "50"]).start()
    try:
        time.sleep(2.5)  # let the bucket refill after start-up polling
        body = json.dumps(req()).encode()

        def one(_):
            try:
                st, resp = n.post(body, timeout=15)
                return st, resp
            except OSError as e:  # a dropped connection fails the test below
                return "dropped", repr(e)
        with concurrent.futures.ThreadPoolExecutor(30) as ex:
            results = list(ex.map(one, range(300)))
        dropped = [r for r in results if r[0] != 200]
        assert not dropped, dropped[:5]
        limited = [r for _, r in results if "error" in r]
        ok = [r for _, r in results if "result" in r]
        assert limited and ok, (len(limited), len(ok))
        assert all(r["error"]["code"] == -32005 and "rate limit exceeded" in r["error"]["message"] for r in limited)
        # A batch is charged per item: 200 items against an exhausted bucket are mostly refused, in one answer.
        st, resp = n.post(json.dumps([req(id=i) for i in range(200)]))
        assert st == 200 and len(resp) == 200 and any("error" in x for x in resp)
        time.sleep(1.5)
        assert "result" in n.call("eth_blockNumber")  # refills
    finally:
        n.stop()
