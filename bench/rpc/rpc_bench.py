#!/usr/bin/env python3
"""JSON-RPC benchmark: igrad vs geth --dev, side by side, with wrk on loopback.

Both nodes get the same contract state: the ERC-20 of tests/e2e/contracts/Token.sol (solc-js), deployed by
Hardhat account 0, and the same number of token transfers spread over at least 10,000 blocks.
  igrad: `igrad dev --bps 500` (50 L2 blocks/s) builds the chain in a data directory, then the chain is
         served by `igrad serve` (RPC only, nothing else running);
  geth:  `geth --dev` (a block per transaction): funding, the token, and 10,000 transactions.
Workloads (wrk, POST bodies): eth_blockNumber, eth_getBalance(latest), eth_call balanceOf(latest),
eth_getLogs(token, the last 10,000 blocks). Prints requests/s and p99 latency per node and the ratio.

Usage: bench/rpc/rpc_bench.py [--blocks 10000] [--transfers 100] [--duration 10] [--connections 16]
Needs build/release/apps/igrad/igrad, .tools/bin/geth (scripts/install-geth.sh), wrk, node + solc (npm ci).
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import igrad_dev  # noqa: E402  (signing, RLP, JSON-RPC over http.client)

KEY0 = bytes.fromhex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
ADDR0 = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
RECIPIENT = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def abi_word(v: int) -> bytes:
    return v.to_bytes(32, "big")


def abi_string_args(name: str, symbol: str, supply: int) -> bytes:
    def enc(s):
        b = s.encode()
        return abi_word(len(b)) + b + b"\0" * ((32 - len(b) % 32) % 32)
    head_size = 3 * 32
    n, s = enc(name), enc(symbol)
    return abi_word(head_size) + abi_word(head_size + len(n)) + abi_word(supply) + n + s


def token_creation_code() -> bytes:
    out = subprocess.run(["node", os.path.join(ROOT, "tests", "e2e", "compile.mjs")], check=True, capture_output=True,
                         text=True, cwd=ROOT).stdout
    code = bytes.fromhex(json.loads(out)["Token"]["bytecode"][2:])
    return code + abi_string_args("Bench", "BNC", 10**24)


def transfer_data(to: str, amount: int) -> bytes:
    return bytes.fromhex("a9059cbb") + b"\0" * 12 + bytes.fromhex(to[2:]) + abi_word(amount)


class Rpc:
    """Minimal JSON-RPC client with igrad_dev.IgradDev's transport."""

    def __init__(self, url):
        self.node = igrad_dev.IgradDev.__new__(igrad_dev.IgradDev)
        from urllib.parse import urlparse
        u = urlparse(url)
        self.node.host, self.node.port, self.node.url = u.hostname, u.port, url

    def result(self, method, params=None):
        return self.node.result(method, params or [])

    def wait_receipt(self, h, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.result("eth_getTransactionReceipt", [h])
            if r:
                return r
            time.sleep(0.05)
        raise RuntimeError("no receipt for " + h)


def send(rpc, chain_id, nonce, to, data=b"", value=0, gas=100_000, price=2_000_000_000):
    raw = igrad_dev.sign_tx(KEY0, {"type": 0, "nonce": nonce, "gasPrice": price, "gas": gas, "to": to,
                                   "value": value, "data": data, "chainId": chain_id})
    return rpc.result("eth_sendRawTransaction", ["0x" + raw.hex()])


def wait_http(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            Rpc(url).result("eth_blockNumber")
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(url + " did not come up")


def build_igrad(datadir, blocks, transfers):
    log(f"igrad: building a chain of >= {blocks} blocks with {transfers} token transfers (igrad dev --bps 500)")
    dev = igrad_dev.IgradDev(["--bps", "500", "--datadir", datadir, "--rpc-rate-limit", "0"], startup_timeout=120)
    dev.start()
    rpc = Rpc(dev.url)
    try:
        code = token_creation_code()
        h = send(rpc, 38830, 0, None, code, gas=3_000_000)
        token = rpc.wait_receipt(h)["contractAddress"]
        # Spread the transfers over the block range.
        per = max(1, blocks // transfers)
        nonce, sent = 1, 0
        last = None
        while True:
            head = int(rpc.result("eth_blockNumber"), 16)
            if sent < transfers and head >= sent * per:
                last = send(rpc, 38830, nonce, token, transfer_data(RECIPIENT, 1 + sent))
                nonce += 1
                sent += 1
            if sent == transfers and head >= blocks + 5:
                break
            time.sleep(0.05)
        rpc.wait_receipt(last)
        head = int(rpc.result("eth_blockNumber"), 16)
        log(f"igrad: head {head}, token {token}")
        return token
    finally:
        dev.stop()


def build_geth(geth, datadir, port, blocks, transfers):
    log(f"geth: building a chain of >= {blocks} blocks with {transfers} token transfers (geth --dev)")
    p = subprocess.Popen([geth, "--dev", "--datadir", datadir, "--http", "--http.addr", "127.0.0.1", "--http.port",
                          str(port), "--http.api", "eth,net,web3", "--verbosity", "1", "--ipcdisable", "--nodiscover",
                          "--dev.gaslimit", "60000000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_http(url)
    rpc = Rpc(url)
    chain_id = int(rpc.result("eth_chainId"), 16)
    dev_account = rpc.result("eth_accounts")[0]
    h = rpc.result("eth_sendTransaction", [{"from": dev_account, "to": ADDR0, "value": hex(10**24)}])
    rpc.wait_receipt(h)
    code = token_creation_code()
    h = send(rpc, chain_id, 0, None, code, gas=3_000_000)
    token = rpc.wait_receipt(h)["contractAddress"]
    per = max(1, blocks // transfers)
    nonce, sent = 1, 0
    while int(rpc.result("eth_blockNumber"), 16) < blocks + 5:
        head = int(rpc.result("eth_blockNumber"), 16)
        if sent < transfers and head >= sent * per:
            h = send(rpc, chain_id, nonce, token, transfer_data(RECIPIENT, 1 + sent))
            sent += 1
        else:
            h = send(rpc, chain_id, nonce, RECIPIENT, value=1, gas=21_000)
        nonce += 1
        rpc.wait_receipt(h)
    log(f"geth: head {int(rpc.result('eth_blockNumber'), 16)}, token {token}")
    return p, url, token


LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("WRK_BODY")
"""


def run_wrk(url, body, duration, connections, threads):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
        script = f.name
    env = dict(os.environ, WRK_BODY=body)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script, url],
                         capture_output=True, text=True, env=env).stdout
    os.unlink(script)
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    m = re.search(r"99%\s+([0-9.]+)(us|ms|s)", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        raise RuntimeError("non-2xx responses from " + url + ":\n" + out)
    return rps, p99


def workloads(url, token):
    rpc = Rpc(url)
    head = int(rpc.result("eth_blockNumber"), 16)
    call = {"to": token, "data": "0x70a08231" + "0" * 24 + ADDR0[2:]}
    logs_filter = {"address": token, "fromBlock": hex(max(0, head - 9999)), "toBlock": hex(head)}
    n_logs = len(rpc.result("eth_getLogs", [logs_filter]))
    bodies = {
        "eth_blockNumber": {"method": "eth_blockNumber", "params": []},
        "eth_getBalance": {"method": "eth_getBalance", "params": [ADDR0, "latest"]},
        "eth_call balanceOf": {"method": "eth_call", "params": [call, "latest"]},
        f"eth_getLogs 10k blocks": {"method": "eth_getLogs", "params": [logs_filter]},
    }
    out = {}
    for name, b in bodies.items():
        b = dict(b, jsonrpc="2.0", id=1)
        res = rpc.node.request(b)
        if "result" not in res:
            raise RuntimeError(f"{name} failed on {url}: {res}")
        out[name] = json.dumps(b)
    return out, n_logs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--blocks", type=int, default=10_000)
    ap.add_argument("--transfers", type=int, default=100)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--geth", default=os.path.join(ROOT, ".tools", "bin", "geth"))
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (scripts/setup.sh installs it)")
    if not os.access(args.geth, os.X_OK):
        sys.exit(f"{args.geth} missing: run scripts/install-geth.sh")
    work = tempfile.mkdtemp(prefix="rpc-bench-")
    igrad_dir, geth_dir = os.path.join(work, "igrad"), os.path.join(work, "geth")
    geth_proc = serve = None
    try:
        token_i = build_igrad(igrad_dir, args.blocks, args.transfers)
        geth_proc, geth_url, token_g = build_geth(args.geth, geth_dir, 28545, args.blocks, args.transfers)
        serve = subprocess.Popen([igrad_dev.igrad_binary(), "--log-level", "warn", "serve", "--network", "devnet",
                                  "--datadir", igrad_dir, "--http-addr", "127.0.0.1:28546", "--rpc-rate-limit", "0"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        igrad_url = "http://127.0.0.1:28546"
        wait_http(igrad_url)
        w_i, logs_i = workloads(igrad_url, token_i)
        w_g, logs_g = workloads(geth_url, token_g)
        log(f"eth_getLogs result size: igrad {logs_i} logs, geth {logs_g} logs")
        rows = []
        for name in w_i:
            # Only one server is loaded at a time; the other sits idle.
            ri, pi = run_wrk(igrad_url, w_i[name], args.duration, args.connections, args.threads)
            rg, pg = run_wrk(geth_url, w_g[name], args.duration, args.connections, args.threads)
            rows.append((name, ri, pi, rg, pg))
        print(f"\nJSON-RPC on loopback, wrk -t{args.threads} -c{args.connections} -d{args.duration}s "
              f"({os.cpu_count()} cores shared by wrk and the server)\n")
        print("| workload | igrad req/s | igrad p99 ms | geth req/s | geth p99 ms | req/s ratio igrad/geth |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, ri, pi, rg, pg in rows:
            print(f"| {name} | {ri:,.0f} | {pi:.2f} | {rg:,.0f} | {pg:.2f} | {ri / rg:.2f}x |")
    finally:
        for p in (serve, geth_proc):
            if p and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
