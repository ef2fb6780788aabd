"""Runs the Hardhat contract test suite (tests/hardhat/test/*.test.js) against `igrad dev` as an external network.

Starts `igrad dev` on a free port (tests/e2e/igrad_dev.py: binary from $IGRAD, default build/release/apps/igrad/igrad),
exports its RPC URL as IGRA_RPC_URL (and the banner's dev addresses as IGRA_DEV_ACCOUNTS), runs
`npx hardhat --config tests/hardhat/hardhat.config.js test --network igra` from the repository root (so the
repository's node_modules are used; scripts/setup.sh installs them), streams its output and exits with its exit code.
Hardhat's cache and artifacts go to a temporary directory that is removed afterwards (HARDHAT_OUT_DIR).

Run: .venv/bin/python tests/hardhat/run_hardhat.py   (extra arguments are passed to `hardhat test`)
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from igrad_dev import IgradDev  # noqa: E402

HARDHAT_TIMEOUT_S = 240


def main(argv: list[str]) -> int:
    hardhat = REPO / "node_modules" / ".bin" / "hardhat"
    if not hardhat.exists():
        print(f"run_hardhat: {hardhat} is missing: run scripts/setup.sh (npm ci)", file=sys.stderr)
        return 1
    t0 = time.monotonic()
    out_dir = tempfile.mkdtemp(prefix="igra-hardhat-")
    dev = IgradDev()
    try:
        dev.start()
        print(f"run_hardhat: igrad dev at {dev.url} (up in {time.monotonic() - t0:.1f} s)", flush=True)
        env = dict(os.environ)
        env.update({
            "IGRA_RPC_URL": dev.url,
            "IGRA_DEV_ACCOUNTS": ",".join(addr for addr, _ in dev.accounts),
            "HARDHAT_OUT_DIR": out_dir,
            "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true",
            "CI": "true",
            "NODE_PATH": str(REPO / "node_modules"),
        })
        if os.environ.get("NODE"):  # the node CMake found (tests/e2e/CMakeLists.txt): its npx first on PATH
            env["PATH"] = str(Path(os.environ["NODE"]).resolve().parent) + os.pathsep + env.get("PATH", "")
        cmd = ["npx", "--no-install", "hardhat", "--config", str(HERE / "hardhat.config.js"),
               "test", "--network", "igra", *argv]
        # Output is inherited (streamed as it comes). Hardhat's own stdin must not wait on a terminal.
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdin=subprocess.DEVNULL)
        try:
            rc = proc.wait(timeout=HARDHAT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            print(f"run_hardhat: hardhat test did not finish within {HARDHAT_TIMEOUT_S} s", file=sys.stderr)
            rc = 1
        if not dev.alive():
            print("run_hardhat: igrad dev exited during the tests:\n" + dev.stderr_tail(), file=sys.stderr)
            rc = rc or 1
        elif rc != 0:
            print("run_hardhat: last lines of igrad dev's log:\n" + dev.stderr_tail(), file=sys.stderr)
        print(f"run_hardhat: exit code {rc}, {time.monotonic() - t0:.1f} s in all", flush=True)
        return rc
    finally:
        dev.stop()
        shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
