"""One batch of a differential run: our `igra-statetest --fill` writes our post-state root, logs hash and validity
verdict into the tests, geth's `evm statetest` re-executes them and checks. Shared by evm_diff.py and
precompile_diff.py."""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def tools(build, out):
    """(our igra-statetest under `build`, geth's evm, the output directory, created); exits when a tool is missing."""
    ours = Path(build) / "apps" / "igra-statetest" / "igra-statetest"
    geth = os.environ.get("GETH_EVM") or str(ROOT / ".tools" / "bin" / "evm")
    if not ours.exists():
        sys.exit(f"{ours} missing")
    if not Path(geth).exists():
        sys.exit(f"geth evm missing at {geth} (scripts/install-geth-evm.sh)")
    Path(out).mkdir(parents=True, exist_ok=True)
    return ours, geth, Path(out)


def run_batch(tests, ours, geth, out, tag):
    """Runs `tests` (name -> state test) through both. Returns (cases, differences); every difference is written to
    `out` (the filled test, named after it and `tag`) and printed."""
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "batch.json"
        f.write_text(json.dumps(tests))
        p = subprocess.run([str(ours), "--fill", str(f)], capture_output=True, text=True)
        if p.returncode not in (0, 1):
            print(f"igra-statetest --fill crashed (exit {p.returncode}): {p.stderr[-2000:]}", flush=True)
            (Path(out) / f"crash_{tag}.json").write_text(json.dumps(tests))
            return 0, 1
        g = subprocess.run([str(geth), "statetest", str(f)], capture_output=True, text=True)
        try:
            results = json.loads(g.stdout)
        except json.JSONDecodeError:
            print(f"geth output not JSON: {g.stdout[-500:]} {g.stderr[-500:]}", flush=True)
            return 0, 1
        filled = json.loads(f.read_text())
        cases = diffs = 0
        for r in results:
            cases += 1
            if not r.get("pass"):
                diffs += 1
                name = r["name"]
                (Path(out) / f"{name}_{tag}.json").write_text(json.dumps({name: filled[name]}, indent=1))
                print(f"DIFF {name} ({r.get('fork')}): {r.get('error')}", flush=True)
        return cases, diffs
