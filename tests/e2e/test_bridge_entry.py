"""The Entry flow (issue 9) with `igra-cli bridge entry` against `igrad dev`: a valid entry mints exactly
sompi x 10 gwei of iKAS to the L2 recipient; entries below the minimum, paying another script, locking at another
output index or with a payload amount that differs from the locked amount are refused by igra-cli unless
--force, and with --force the node mints nothing (igra_getTransactionFate reports rejectedEntry)."""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from igrad_dev import REPO, IgradDev, keccak

CLI = os.environ.get("IGRA_CLI") or str(REPO / "build" / "release" / "apps" / "igra-cli" / "igra-cli")
DEV_RELAYER_KEY = keccak(b"igra dev relayer key")  # igrad dev's miner pays its coinbases to this key


@pytest.fixture(scope="module")
def node():
    dev = IgradDev().start()
    dev.wait_block(6)  # enough mature coinbase outputs of the funding key (maturity 20 DAA, 50 DAA per L2 block)
    yield dev
    dev.stop()


@pytest.fixture(scope="module")
def key_file():
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "funder.key"
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, (DEV_RELAYER_KEY.hex() + "\n").encode())
        os.close(fd)
        yield str(p)


def entry(node, key_file, to, *extra):
    return subprocess.run([CLI, "bridge", "entry", "--network", "devnet", "--kaspad", node.kaspad, "--key", key_file,
                           "--to", to, "--rpc", node.url, "--wait", "90", "--coinbase-maturity", "20", *extra],
                          capture_output=True, text=True, timeout=180)


def balance(node, addr):
    return int(node.result("eth_getBalance", [addr, "latest"]), 16)


def test_valid_entry_mints_sompi_times_10_gwei(node, key_file):
    minimum = node.result("igra_networkParameters")["entryMinimumSompi"]
    minimum = int(minimum, 0) if isinstance(minimum, str) else minimum
    amount = minimum + 123_456
    to = "0x" + "e1" * 20
    r = entry(node, key_file, to, "--amount-sompi", str(amount))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "minted" in r.stdout
    assert balance(node, to) == amount * 10 * 10**9


@pytest.mark.parametrize("name,args,complaint", [
    ("below_minimum", ["--amount-sompi", "MINIMUM-1"], "below the network's entry minimum"),
    ("wrong_script", ["--lock-script", "20" + "11" * 32 + "ac"], "another script"),
    ("wrong_output_index", ["--output-index", "1"], "not output 0"),
    ("amount_mismatch", ["--payload-amount", "1"], "payload's amount differs"),
])
def test_invalid_entries_are_refused_and_mint_nothing(node, key_file, name, args, complaint):
    params = node.result("igra_networkParameters")
    minimum = params["entryMinimumSompi"]
    minimum = int(minimum, 0) if isinstance(minimum, str) else minimum
    amount = ["--amount-sompi", str(minimum + 1000)] if name != "below_minimum" else []
    args = [str(minimum - 1) if a == "MINIMUM-1" else a for a in args]
    to = "0x" + keccak(name.encode())[:20].hex()
    refused = entry(node, key_file, to, *amount, *args)
    assert refused.returncode != 0
    assert complaint in refused.stderr, refused.stderr
    assert "refusing" in refused.stderr
    forced = entry(node, key_file, to, *amount, *args, "--force")
    assert forced.returncode == 3, forced.stdout + forced.stderr
    assert "rejected the entry" in forced.stdout
    assert balance(node, to) == 0
