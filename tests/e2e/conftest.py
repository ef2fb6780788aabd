# Fixtures of the web3.py end-to-end tests: one `igrad dev` process for the session (embedded Kaspa simnet,
# node and relayer on a fresh temporary datadir), its RPC URL and funded accounts parsed from the banner, and
# the contracts of tests/e2e/contracts compiled by solc-js (tests/e2e/compile.mjs).
#
# Environment: IGRAD (the igrad binary; default build/release/apps/igrad/igrad), NODE (node.js; default `node`).
import json
import os
import queue
import re
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from eth_account import Account
from web3 import HTTPProvider, Web3

ROOT = Path(__file__).resolve().parents[2]
IGRAD = os.environ.get("IGRAD") or str(ROOT / "build/release/apps/igrad/igrad")
NODE = os.environ.get("NODE") or "node"
STARTUP_TIMEOUT_S = 60
CHAIN_ID = 38830


class DevNode:
    def __init__(self, proc, log_path, url, ws_url, kaspad, accounts):
        self.proc = proc
        self.log_path = log_path
        self.url = url
        self.ws_url = ws_url
        self.kaspad = kaspad  # host:port of the embedded simnet's gRPC (kaspad API)
        self.accounts = accounts  # [LocalAccount] in banner order

    def log_tail(self, n=40):
        try:
            return "".join(Path(self.log_path).read_text(errors="replace").splitlines(True)[-n:])
        except OSError:
            return ""


def _start_dev_node():
    if not Path(IGRAD).is_file():
        pytest.fail(f"igrad binary not found at {IGRAD} (build it or set IGRAD)")
    log = tempfile.NamedTemporaryFile(prefix="igrad-dev-e2e-", suffix=".log", delete=False)
    proc = subprocess.Popen([IGRAD, "dev", "--http-addr", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=log,
                            stdin=subprocess.DEVNULL, text=True, bufsize=1)
    lines = queue.Queue()

    def pump():
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    url = ws_url = kaspad = None
    accounts = []
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while len(accounts) < 10:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            line = None
        if line is None:
            proc.kill()
            proc.wait()
            tail = Path(log.name).read_text(errors="replace")[-4000:]
            pytest.fail(f"igrad dev did not print its banner within {STARTUP_TIMEOUT_S} s "
                        f"(exit code {proc.returncode}); log:\n{tail}")
        if m := re.search(r"RPC\s+(http://\S+)\s+\(WebSocket (ws://\S+)\)", line):
            url, ws_url = m.group(1), m.group(2)
        elif m := re.search(r"kaspad gRPC\s+(\S+)", line):
            kaspad = m.group(1)
        elif m := re.search(r"\((\d+)\) (0x[0-9a-fA-F]{40})\s+key (0x[0-9a-fA-F]{64})", line):
            acct = Account.from_key(m.group(3))
            assert acct.address.lower() == m.group(2).lower(), line
            accounts.append(acct)
    assert url and ws_url, "no RPC line in the igrad dev banner"
    return DevNode(proc, log.name, url, ws_url, kaspad, accounts)


def _stop(node):
    if node.proc.poll() is None:
        node.proc.send_signal(signal.SIGTERM)
        try:
            node.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            node.proc.kill()
            node.proc.wait()
            pytest.fail("igrad dev did not stop within 30 s of SIGTERM")
    rc = node.proc.returncode
    if rc != 0:
        print(f"igrad dev exited with {rc}; log tail:\n{node.log_tail()}")
    else:
        os.unlink(node.log_path)
    return rc


@pytest.fixture(scope="session")
def dev_node():
    node = _start_dev_node()
    yield node
    rc = _stop(node)
    assert rc == 0, f"igrad dev exited with {rc} after SIGTERM"


@pytest.fixture(scope="session")
def w3(dev_node):
    w = Web3(HTTPProvider(dev_node.url, request_kwargs={"timeout": 30}))
    assert w.is_connected()
    return w


@pytest.fixture(scope="session")
def accounts(dev_node):
    return dev_node.accounts


@pytest.fixture(scope="session")
def artifacts():
    out = subprocess.run([NODE, str(Path(__file__).with_name("compile.mjs"))], check=True, capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    return json.loads(out.stdout)
