"""Helpers shared by the RPC conformance tests (test_execution_apis.py, test_rpc_malformed.py).

- IgradDev: starts `igrad dev --http-addr 127.0.0.1:0` (binary from $IGRAD, default
  build/release/apps/igrad/igrad), parses the RPC URL and the funded dev keys from the banner, stops it with
  SIGTERM.
- rpc(): one JSON-RPC call over HTTP (http.client, no third-party client).
- Transaction signing for types 0 / 1 / 2 with coincurve and a small RLP encoder (no web3 / eth_account).
- A tiny EVM assembler with labels, and the test contract used for content (logs, storage, reverts).
"""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from Crypto.Hash import keccak as _keccak
from coincurve import PrivateKey

REPO = Path(__file__).resolve().parents[2]
CHAIN_ID = 38830


def igrad_binary() -> str:
    return os.environ.get("IGRAD") or str(REPO / "build" / "release" / "apps" / "igrad" / "igrad")


def keccak(b: bytes) -> bytes:
    return _keccak.new(digest_bits=256, data=b).digest()


# ---- node process ------------------------------------------------------------------------------------------

class IgradDev:
    def __init__(self, extra_args=(), startup_timeout=60.0):
        self.args = [igrad_binary(), "dev", "--http-addr", "127.0.0.1:0", *extra_args]
        self.startup_timeout = startup_timeout
        self.proc = None
        self.url = None
        self.host = None
        self.port = None
        self.accounts = []  # [(address, key_bytes)]
        self.kaspad = None  # the embedded simnet's gRPC address
        self._stderr_tail = []

    def start(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        deadline = time.time() + self.startup_timeout
        banner = []
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                if self.proc.poll() is not None:
                    raise RuntimeError("igrad dev exited: " + "".join(banner) + "".join(self._stderr_tail[-20:]))
                continue
            banner.append(line)
            m = re.search(r"RPC\s+(http://[0-9.]+:\d+)", line)
            if m:
                self.url = m.group(1)
            m = re.search(r"kaspad gRPC\s+(\S+)", line)
            if m:
                self.kaspad = m.group(1)
            m = re.search(r"\((\d+)\)\s+(0x[0-9a-fA-F]{40})\s+key\s+(0x[0-9a-fA-F]{64})", line)
            if m:
                self.accounts.append((m.group(2).lower(), bytes.fromhex(m.group(3)[2:])))
            if self.url and len(self.accounts) == 10:
                break
        if not self.url or len(self.accounts) < 10:
            self.stop()
            raise RuntimeError("no banner from igrad dev: " + "".join(banner))
        threading.Thread(target=self._drain_stdout, daemon=True).start()
        u = urlparse(self.url)
        self.host, self.port = u.hostname, u.port
        # Wait until the RPC answers and the first L2 block exists.
        while time.time() < deadline:
            try:
                r = self.call("eth_blockNumber")
                if "result" in r:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("igrad dev RPC did not come up")

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self._stderr_tail.append(line)
            del self._stderr_tail[:-200]

    def _drain_stdout(self):
        for _ in self.proc.stdout:
            pass

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def stderr_tail(self, n=30) -> str:
        return "".join(self._stderr_tail[-n:])

    # ---- JSON-RPC over HTTP ----

    def post(self, body, timeout=30.0, headers=None):
        """POSTs raw bytes / str; returns (status, parsed JSON or raw text)."""
        if isinstance(body, str):
            body = body.encode()
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            h = {"Content-Type": "application/json"}
            h.update(headers or {})
            c.request("POST", "/", body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            try:
                return r.status, json.loads(data) if data else None
            except ValueError:
                return r.status, data
        finally:
            c.close()

    def request(self, req: dict, timeout=30.0) -> dict:
        status, resp = self.post(json.dumps(req), timeout=timeout)
        assert status == 200, (status, resp)
        return resp

    def call(self, method, params=None, timeout=30.0) -> dict:
        req = {"jsonrpc": "2.0", "id": 1, "method": method}
        if params is not None:
            req["params"] = params
        return self.request(req, timeout=timeout)

    def result(self, method, params=None):
        r = self.call(method, params)
        if "error" in r:
            raise RuntimeError(f"{method} {params}: {r['error']}")
        return r["result"]

    def block_number(self) -> int:
        return int(self.result("eth_blockNumber"), 16)

    def wait_receipt(self, tx_hash: str, timeout=60.0) -> dict:
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.result("eth_getTransactionReceipt", [tx_hash])
            if r is not None:
                return r
            time.sleep(0.25)
        raise TimeoutError(f"no receipt for {tx_hash} after {timeout}s\n" + self.stderr_tail())

    def wait_block(self, n: int, timeout=60.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.block_number() >= n:
                return
            time.sleep(0.2)
        raise TimeoutError(f"block {n} not reached")


# ---- RLP and transactions ----------------------------------------------------------------------------------

def _int_bytes(v: int) -> bytes:
    return b"" if v == 0 else v.to_bytes((v.bit_length() + 7) // 8, "big")


def rlp(item) -> bytes:
    if isinstance(item, int):
        item = _int_bytes(item)
    if isinstance(item, (bytes, bytearray)):
        item = bytes(item)
        if len(item) == 1 and item[0] < 0x80:
            return item
        return _rlp_len(len(item), 0x80) + item
    payload = b"".join(rlp(x) for x in item)
    return _rlp_len(len(payload), 0xC0) + payload


def _rlp_len(n: int, offset: int) -> bytes:
    if n < 56:
        return bytes([offset + n])
    b = _int_bytes(n)
    return bytes([offset + 55 + len(b)]) + b


def address_of(key: bytes) -> str:
    pub = PrivateKey(key).public_key.format(compressed=False)[1:]
    return "0x" + keccak(pub)[12:].hex()


def _sign(key: bytes, digest: bytes):
    sig = PrivateKey(key).sign_recoverable(digest, hasher=None)
    return int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big"), sig[64]


def _addr(a) -> bytes:
    if a is None:
        return b""
    return bytes.fromhex(a[2:]) if isinstance(a, str) else a


def _access_list(al):
    return [[_addr(e["address"]), [bytes.fromhex(k[2:]) for k in e["storageKeys"]]] for e in al or []]


def sign_tx(key: bytes, tx: dict) -> bytes:
    """tx: type (0/1/2), nonce, gas, to (hex or None), value, data (bytes), gasPrice or maxFeePerGas /
    maxPriorityFeePerGas, accessList (list of {address, storageKeys})."""
    t = tx.get("type", 0)
    to, data, cid = _addr(tx.get("to")), tx.get("data", b""), tx.get("chainId", CHAIN_ID)
    if t == 0:
        fields = [tx["nonce"], tx["gasPrice"], tx["gas"], to, tx.get("value", 0), data]
        r, s, yp = _sign(key, keccak(rlp(fields + [cid, 0, 0])))
        return rlp(fields + [cid * 2 + 35 + yp, r, s])
    if t == 1:
        fields = [cid, tx["nonce"], tx["gasPrice"], tx["gas"], to, tx.get("value", 0), data,
                  _access_list(tx.get("accessList"))]
    elif t == 2:
        fields = [cid, tx["nonce"], tx["maxPriorityFeePerGas"], tx["maxFeePerGas"], tx["gas"], to,
                  tx.get("value", 0), data, _access_list(tx.get("accessList"))]
    else:
        raise ValueError(f"type {t}")
    r, s, yp = _sign(key, keccak(bytes([t]) + rlp(fields)))
    return bytes([t]) + rlp(fields + [yp, r, s])


def create_address(sender: str, nonce: int) -> str:
    return "0x" + keccak(rlp([bytes.fromhex(sender[2:]), nonce]))[12:].hex()


# ---- EVM assembly ------------------------------------------------------------------------------------------

OPS = {"STOP": 0x00, "ADD": 0x01, "EQ": 0x14, "SHL": 0x1B, "SHR": 0x1C, "CALLER": 0x33, "CALLVALUE": 0x34,
       "CALLDATALOAD": 0x35, "CALLDATASIZE": 0x36, "CODECOPY": 0x39, "POP": 0x50, "MSTORE": 0x52,
       "SLOAD": 0x54, "SSTORE": 0x55, "JUMPI": 0x57, "JUMPDEST": 0x5B, "DUP1": 0x80, "LOG2": 0xA2,
       "RETURN": 0xF3, "REVERT": 0xFD}


def assemble(prog) -> bytes:
    """prog: list of op names, ("PUSH", int, width), ("LABEL", name) and ("PUSHL", name) (2-byte label)."""
    def size(x):
        if isinstance(x, str):
            return 1
        if x[0] == "PUSH":
            return 1 + x[2]
        if x[0] == "PUSHL":
            return 3
        return 1  # LABEL emits JUMPDEST
    labels, pc = {}, 0
    for x in prog:
        if isinstance(x, tuple) and x[0] == "LABEL":
            labels[x[1]] = pc
        pc += size(x)
    out = bytearray()
    for x in prog:
        if isinstance(x, str):
            out.append(OPS[x])
        elif x[0] == "PUSH":
            out.append(0x5F + x[2])
            out += x[1].to_bytes(x[2], "big")
        elif x[0] == "PUSHL":
            out.append(0x61)
            out += labels[x[1]].to_bytes(2, "big")
        else:
            out.append(OPS["JUMPDEST"])
    return bytes(out)


EMIT_TOPIC = "0x" + (0x656D6974).to_bytes(32, "big").hex()  # "emit", as hive's emit contract


def emit_contract_runtime() -> bytes:
    """First calldata byte 0x01: revert Error("user error"); 0x02: revert Panic(1); anything else:
    slot0 += 1, LOG2(topic0 = "emit", topic1 = caller, data = new value), return the new value."""
    P = lambda v, w=1: ("PUSH", v, w)  # noqa: E731
    return assemble([
        P(0), "CALLDATALOAD", P(0xF8), "SHR",
        "DUP1", P(1), "EQ", ("PUSHL", "err"), "JUMPI",
        "DUP1", P(2), "EQ", ("PUSHL", "panic"), "JUMPI",
        "POP",
        P(0), "SLOAD", P(1), "ADD", "DUP1", P(0), "SSTORE",
        P(0), "MSTORE",
        "CALLER", P(0x656D6974, 4), P(0x20), P(0), "LOG2",
        P(0x20), P(0), "RETURN",
        ("LABEL", "err"),
        P(0x08C379A0, 4), P(0xE0), "SHL", P(0), "MSTORE",
        P(0x20), P(4), "MSTORE",
        P(10), P(0x24), "MSTORE",
        P(int.from_bytes(b"user error", "big"), 10), P(0xB0), "SHL", P(0x44), "MSTORE",
        P(0x64), P(0), "REVERT",
        ("LABEL", "panic"),
        P(0x4E487B71, 4), P(0xE0), "SHL", P(0), "MSTORE",
        P(1), P(4), "MSTORE",
        P(0x24), P(0), "REVERT",
    ])


def deploy_code(runtime: bytes) -> bytes:
    """Init code: slot0 = 7, then return `runtime`."""
    n = len(runtime)
    P = lambda v, w=1: ("PUSH", v, w)  # noqa: E731
    head_len = len(assemble([P(7), P(0), "SSTORE", P(n, 2), "DUP1", P(0, 2), P(0), "CODECOPY", P(0), "RETURN"]))
    init = assemble([P(7), P(0), "SSTORE", P(n, 2), "DUP1", P(head_len, 2), P(0), "CODECOPY", P(0), "RETURN"])
    return init + runtime
