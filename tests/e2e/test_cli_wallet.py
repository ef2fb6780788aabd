"""igra-cli keys / balance / send / tx status against `igrad dev` (issue 9, igra-cli).

Expected addresses come from outside this code base: the standard development mnemonic's first Ethereum account
(m/44'/60'/0'/0/0) is 0xf39f...2266 and the second development key's address 0x7099...79c8, as Hardhat and
Anvil print them."""
from __future__ import annotations

import os
import re
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from igrad_dev import REPO, IgradDev

CLI = os.environ.get("IGRA_CLI") or str(REPO / "build" / "release" / "apps" / "igra-cli" / "igra-cli")
MNEMONIC = "test test test test test test test test test test test junk"


def cli(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def node():
    dev = IgradDev().start()
    yield dev
    dev.stop()


def test_keys_balance_send_and_status(node):
    with tempfile.TemporaryDirectory() as d:
        fresh = str(Path(d) / "fresh.key")
        r = cli("keys", "new", "--key", fresh, "--network", "devnet")
        assert r.returncode == 0, r.stderr
        assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o600
        l1 = re.search(r"L1 address:\s+(kaspasim:\S+)", r.stdout).group(1)
        l2 = re.search(r"L2 address:\s+(0x[0-9a-f]{40})", r.stdout).group(1)
        assert cli("keys", "new", "--key", fresh).returncode != 0  # never overwrites a key
        show = cli("keys", "show", "--key", fresh, "--network", "devnet")
        assert show.returncode == 0 and l1 in show.stdout and l2 in show.stdout

        hardhat0 = str(Path(d) / "hardhat0.key")
        r = cli("keys", "import", "--key", hardhat0, "--mnemonic", MNEMONIC, "--path", "m/44'/60'/0'/0/0")
        assert r.returncode == 0, r.stderr
        assert "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266" in r.stdout
        dev1 = str(Path(d) / "dev1.key")
        r = cli("keys", "import", "--key", dev1, "--secret",
                "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
        assert r.returncode == 0 and "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" in r.stdout
        bad = cli("keys", "import", "--key", str(Path(d) / "bad.key"), "--mnemonic", "too short")
        assert bad.returncode != 0 and "12, 15, 18, 21 or 24 words" in bad.stderr
        typo = cli("keys", "import", "--key", str(Path(d) / "typo.key"), "--mnemonic", MNEMONIC.replace("junk", "junky"))
        assert typo.returncode != 0 and "did you mean 'junk'" in typo.stderr, typo.stderr
        assert not (Path(d) / "typo.key").exists()

        sent = cli("send", "--key", hardhat0, "--rpc", node.url, "--to", l2, "--value", "12345", "--wait", "90")
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert "status success" in sent.stdout
        h = re.search(r"sent (0x[0-9a-f]{64})", sent.stdout).group(1)
        bal = cli("balance", "--key", fresh, "--rpc", node.url, "--kaspad", node.kaspad)
        assert bal.returncode == 0, bal.stderr
        assert f"L2 {l2}: 12345 wei" in bal.stdout
        assert f"L1 {l1}: 0 sompi" in bal.stdout
        st = cli("tx", "status", h, "--rpc", node.url)
        assert st.returncode == 0 and '"status": "executed"' in st.stdout, st.stdout
        unknown = cli("tx", "status", "0x" + "00" * 32, "--rpc", node.url)
        assert unknown.returncode == 2 and '"unknown"' in unknown.stdout
