"""Issue 9 acceptance, end to end on `igrad dev` (real-time simnet, and `--fast`: virtual clock, blocks on demand):
1,000 L2 transactions from 20 concurrent senders through
eth_sendRawTransaction all land exactly once, in each sender's nonce order, while the node (with its relayer
and the embedded Kaspa simnet) is killed with SIGKILL and restarted on its datadir, and while a forced Kaspa
reorg unwinds and re-derives L2 blocks.

What would fail if the relayer were wrong: a lost transaction (the killed process had it only in memory or in
the simnet's mempool) leaves a sender's nonce short; a transaction sent twice on L1 would show up as a dropped
duplicate or a wrong balance; an out-of-order L1 acceptance drops a nonce (NONCE_TOO_HIGH) and the count stops.
"""
from __future__ import annotations

import signal
import tempfile

import pytest
import threading
import time
from pathlib import Path

from igrad_dev import IgradDev, address_of, keccak, sign_tx

PER_SENDER = 50
SENDERS = 20
GWEI = 10**9


class Node:
    """The current igrad dev process (replaced on restart); callers retry while it is down."""

    def __init__(self, datadir, extra=()):
        self.datadir = datadir
        self.extra = list(extra)
        self.lock = threading.Lock()
        self.up = threading.Event()
        self.dev = None

    def start(self):
        dev = IgradDev(["--datadir", self.datadir, *self.extra]).start()
        with self.lock:
            self.dev = dev
        self.up.set()
        return dev

    def kill(self):
        self.up.clear()
        with self.lock:
            dev = self.dev
        dev.proc.send_signal(signal.SIGKILL)
        dev.proc.wait()

    def call(self, method, params):
        while True:
            self.up.wait(120)
            with self.lock:
                dev = self.dev
            try:
                return dev.call(method, params, timeout=30)
            except OSError:
                time.sleep(0.2)  # down or restarting


@pytest.mark.parametrize("mode", ["realtime", "fast"])
def test_1000_transactions_20_senders_through_a_crash_and_a_reorg(mode):
    with tempfile.TemporaryDirectory(prefix="igra-relayer-load-") as tmp:
        node = Node(str(Path(tmp) / "dev"), ["--fast"] if mode == "fast" else [])
        dev = node.start()
        try:
            funders = [k for _, k in dev.accounts]
            extra = [keccak(f"igra relayer load sender {i}".encode()) for i in range(SENDERS - len(funders))]
            # Fund the extra senders (one transfer each from a development account).
            hashes = []
            for i, k in enumerate(extra):
                tx = {"type": 2, "nonce": 0, "gas": 21000, "to": address_of(k), "value": 10**21,
                      "maxFeePerGas": 10 * GWEI, "maxPriorityFeePerGas": GWEI}
                hashes.append(dev.result("eth_sendRawTransaction", ["0x" + sign_tx(funders[i], tx).hex()]))
            # The relayer's view right after submission: on L1 (submitted or accepted, with its L1 id) or executed.
            fate = dev.result("igra_getTransactionFate", [hashes[-1]])
            assert fate["status"] in ("pendingOnL1", "executed"), fate
            if fate["status"] == "pendingOnL1":
                assert fate["relay"]["state"] in ("submitted", "accepted"), fate
                assert len(fate["relay"]["l1TxId"]) == 64 and fate["relay"]["l1TxId"].startswith("97ae"), fate
            for h in hashes:
                assert dev.wait_receipt(h, timeout=120)["status"] == "0x1"
            senders = [k for k in funders] + extra
            start_nonce = {address_of(k): int(dev.result("eth_getTransactionCount", [address_of(k), "latest"]), 16)
                           for k in senders}
            recipients = {address_of(k): "0x" + keccak(b"recipient" + k)[:20].hex() for k in senders}

            progress, errors = [], []
            threads = []
            for k in senders:
                base = start_nonce[address_of(k)]

                def run(k=k, base=base):
                    # nonces base .. base+49
                    for n in range(PER_SENDER):
                        nonce = base + n
                        raw = "0x" + sign_tx(k, {"type": 2, "nonce": nonce, "gas": 21000,
                                                 "to": recipients[address_of(k)], "value": n + 1,
                                                 "maxFeePerGas": 10 * GWEI, "maxPriorityFeePerGas": GWEI}).hex()
                        while True:
                            r = node.call("eth_sendRawTransaction", [raw])
                            if "result" in r:
                                break
                            msg = r["error"]["message"]
                            if "nonce too low" in msg:
                                break
                            if "L1" in msg or "relayer" in msg or "kaspad" in msg:
                                time.sleep(0.2)
                                continue
                            errors.append(f"{address_of(k)} nonce {nonce}: {msg}")
                            return
                        progress.append(1)

                threads.append(threading.Thread(target=run, daemon=True))
            for t in threads:
                t.start()
            # Crash the node in the middle of the run, then restart it on the same datadir.
            deadline = time.time() + 240
            while len(progress) < 300 and time.time() < deadline and not errors:
                time.sleep(0.05)
            node.kill()
            time.sleep(1)
            dev = node.start()
            # A forced Kaspa reorg later in the run.
            while len(progress) < 650 and time.time() < deadline and not errors:
                time.sleep(0.05)
            reorg = dev.call("igra_devReorg", [5])
            assert "result" in reorg, reorg
            for t in threads:
                t.join(timeout=max(1, deadline - time.time()))
            assert not errors, errors[:5]
            assert len(progress) == SENDERS * PER_SENDER

            # Every transaction lands exactly once, in nonce order.
            deadline = time.time() + 240
            pending = {address_of(k) for k in senders}
            while pending and time.time() < deadline:
                for a in list(pending):
                    if int(dev.result("eth_getTransactionCount", [a, "latest"]), 16) == start_nonce[a] + PER_SENDER:
                        pending.discard(a)
                time.sleep(0.5)
            assert not pending, f"{len(pending)} senders did not reach their final nonce\n" + dev.stderr_tail()
            want = PER_SENDER * (PER_SENDER + 1) // 2
            for k in senders:
                got = int(dev.result("eth_getBalance", [recipients[address_of(k)], "latest"]), 16)
                assert got == want, (address_of(k), got, want)
        finally:
            with node.lock:
                d = node.dev
            d.stop()
