"""`igrad dev --datadir DIR` resumes an existing dev chain (issue 7): the embedded simnet's Kaspa blocks are
replayed from DIR/simnet/blocks.journal and the L2 chain continues from its committed head.

Checked over real processes and JSON-RPC: after a SIGTERM and after a SIGKILL, a restarted `igrad dev` on the
same datadir serves the same block hashes, receipts and balances as before, accepts the sender's next nonce,
keeps producing blocks, and executes a transaction that was relayed just before the crash (the relayer's
persistent queue sends it again when the crash lost it); an unrelated directory holding a chain without a journal is refused.
"""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from igrad_dev import IgradDev, address_of, igrad_binary, sign_tx

RECIPIENT = "0x" + "ab" * 20


def send_transfer(node: IgradDev, key: bytes, value: int) -> dict:
    sender = address_of(key)
    nonce = int(node.result("eth_getTransactionCount", [sender, "pending"]), 16)
    tx = {"type": 2, "nonce": nonce, "gas": 21000, "to": RECIPIENT, "value": value,
          "maxFeePerGas": 10 * 10**9, "maxPriorityFeePerGas": 10**9}
    h = node.result("eth_sendRawTransaction", ["0x" + sign_tx(key, tx).hex()])
    receipt = node.wait_receipt(h, timeout=90)
    assert receipt["status"] == "0x1"
    return receipt


def snapshot(node: IgradDev, height: int) -> dict:
    return {n: node.result("eth_getBlockByNumber", [hex(n), False])["hash"] for n in range(0, height + 1)}


def test_dev_chain_resumes_after_sigterm_and_sigkill():
    with tempfile.TemporaryDirectory(prefix="igra-dev-resume-") as tmp:
        datadir = str(Path(tmp) / "dev")
        first = IgradDev(["--datadir", datadir]).start()
        try:
            key = first.accounts[0][1]
            r1 = send_transfer(first, key, 12345)
            first.wait_block(int(r1["blockNumber"], 16) + 2)
            head1 = first.block_number()
            hashes1 = snapshot(first, head1)
            balance1 = first.result("eth_getBalance", [RECIPIENT, "latest"])
        finally:
            first.stop()
        assert first.proc.returncode == 0
        assert (Path(datadir) / "simnet" / "blocks.journal").stat().st_size > 0

        # Orderly restart: everything that was served before is served again, and the chain goes on.
        second = IgradDev(["--datadir", datadir]).start()
        try:
            assert second.block_number() >= head1
            assert snapshot(second, head1) == hashes1
            assert second.result("eth_getTransactionReceipt", [r1["transactionHash"]])["blockHash"] == r1["blockHash"]
            assert second.result("eth_getBalance", [RECIPIENT, hex(head1)]) == balance1
            r2 = send_transfer(second, key, 1000)  # the next nonce of the same sender
            assert int(r2["blockNumber"], 16) > head1
            second.wait_block(int(r2["blockNumber"], 16) + 1)
            head2 = second.block_number()
            hashes2 = snapshot(second, head2)
            assert int(second.result("eth_getBalance", [RECIPIENT, "latest"]), 16) == 12345 + 1000
            # Relayed, then the process dies at once: the L1 transaction was in the embedded simnet's mempool
            # (lost with the process) or in a block; either way the relayer's queue has it recorded.
            nonce = int(second.result("eth_getTransactionCount", [address_of(key), "pending"]), 16)
            tx3 = {"type": 2, "nonce": nonce, "gas": 21000, "to": RECIPIENT, "value": 7,
                   "maxFeePerGas": 10 * 10**9, "maxPriorityFeePerGas": 10**9}
            h3 = second.result("eth_sendRawTransaction", ["0x" + sign_tx(key, tx3).hex()])
        finally:
            # A crash: no shutdown path runs.
            second.proc.send_signal(signal.SIGKILL)
            second.proc.wait()

        third = IgradDev(["--datadir", datadir]).start()
        try:
            assert third.block_number() >= head2
            assert snapshot(third, head2) == hashes2
            assert third.result("eth_getTransactionReceipt", [r2["transactionHash"]])["blockHash"] == r2["blockHash"]
            third.wait_block(head2 + 3)  # still deriving from the resumed simnet
            # The transaction relayed just before the crash lands (sent again from the relayer's queue if the
            # crash lost it), exactly once.
            r3 = third.wait_receipt(h3, timeout=120)
            assert r3["status"] == "0x1"
            assert int(third.result("eth_getBalance", [RECIPIENT, "latest"]), 16) == 12345 + 1000 + 7
            assert int(third.result("eth_getTransactionCount", [address_of(key), "latest"]), 16) == nonce + 1
        finally:
            third.stop()


def test_chain_without_journal_is_refused():
    with tempfile.TemporaryDirectory(prefix="igra-dev-resume-") as tmp:
        datadir = Path(tmp) / "old"
        (datadir / "chaindata").mkdir(parents=True)
        p = subprocess.run([igrad_binary(), "dev", "--datadir", str(datadir), "--http-addr", "127.0.0.1:0"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode != 0
        assert "no simnet journal" in p.stderr
