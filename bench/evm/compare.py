#!/usr/bin/env python3
"""Side-by-side EVM benchmark: our EVM (bench/evm_bench), revm (pyrevm) and geth's `evm` tool on the same inputs.

Workloads: every ipsilon/evm-benchmarks case (../shared/fixtures/evm-benchmarks.tar.xz) and the ERC-20 transfer
loop (bench/evm/Erc20Loop.sol compiled by solc-js: loop(1000) = 1,000 checked transfers with events).
Each engine executes the same call (sender -> contract, same calldata and gas) on the same pre-state, repeated
until --min-seconds have passed; the median time per call is reported, with gas used as a cross-check (all
three must agree on it up to the intrinsic-gas convention noted in the table), and our speed-up over each peer.

Usage: .venv/bin/python bench/evm/compare.py [--build build/release] [--min-seconds 1] [--filter S]
                                             [--no-geth] [--no-revm] [--transfers N] [--repeat N]
--repeat N (N > 1) times ours and revm back to back on each workload, N times, keeping each one's best median:
on a machine shared with other jobs this compares them under the same load.
geth's evm is taken from .tools/bin/evm (scripts/install-geth-evm.sh installs it there) or $GETH_EVM.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_cases(files, name_filter):
    cases = []
    for f in files:
        doc = json.loads(Path(f).read_text())
        for name, t in doc.items():
            tx = t["transaction"]
            for d, data in enumerate(tx["data"]):
                n = name + (f"/{d}" if len(tx["data"]) > 1 else "")
                if name_filter and name_filter not in n:
                    continue
                cases.append({"name": n, "file": f, "pre": t["pre"], "env": t["env"], "sender": tx["sender"], "to": tx["to"],
                              "data": data, "gas": int(tx["gasLimit"][0], 16), "gas_price": int(tx["gasPrice"], 16)})
    return cases


def run_ours(bench, files, min_seconds, name_filter):
    cmd = [str(bench), "--json", "--min-seconds", str(min_seconds)]
    if name_filter:
        cmd += ["--filter", name_filter]
    out = subprocess.run(cmd + [str(f) for f in files], check=True, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        r = json.loads(line)
        res[r["name"]] = r
    return res


def run_revm(case, min_seconds):
    from pyrevm import EVM, AccountInfo, BlockEnv
    evm = EVM(spec_id="CANCUN", gas_limit=2**63)
    for addr, acc in case["pre"].items():
        code = bytes.fromhex(acc["code"][2:])
        evm.insert_account_info(addr, AccountInfo(balance=int(acc["balance"], 16), nonce=int(acc["nonce"], 16),
                                                  code=code))
        for k, v in acc["storage"].items():
            evm.insert_account_storage(addr, int(k, 16), int(v, 16))
    env = case["env"]
    evm.set_block_env(BlockEnv(number=int(env["currentNumber"], 16), timestamp=int(env["currentTimestamp"], 16),
                               coinbase=env["currentCoinbase"], basefee=int(env.get("currentBaseFee", "0x0"), 16),
                               prevrandao=bytes.fromhex(env["currentRandom"][2:]) if "currentRandom" in env else None,
                               gas_limit=int(env["currentGasLimit"], 16)))
    data = bytes.fromhex(case["data"][2:])
    times, total, gas = [], 0.0, None
    while len(times) < 3 or total < min_seconds:
        cp = evm.snapshot()
        t0 = time.perf_counter()
        evm.message_call(caller=case["sender"], to=case["to"], calldata=data, value=0, gas=case["gas"],
                         gas_price=case["gas_price"])
        dt = time.perf_counter() - t0
        gas = evm.result.gas_used
        evm.revert(cp)
        times.append(dt)
        total += dt
    return {"median_s": statistics.median(times), "gas_used": gas, "runs": len(times)}


def run_geth(geth, case, min_seconds, tmp):
    alloc = {}
    for addr, acc in case["pre"].items():
        alloc[addr] = {"balance": acc["balance"], "nonce": acc["nonce"], "code": acc["code"],
                       "storage": {k: "0x" + v[2:].rjust(64, "0") for k, v in acc["storage"].items()}}
    genesis = {"config": {"chainId": 1, "homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
                          "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0,
                          "berlinBlock": 0, "londonBlock": 0, "mergeNetsplitBlock": 0, "shanghaiTime": 0,
                          "cancunTime": 0, "terminalTotalDifficulty": 0,
                          "blobSchedule": {"cancun": {"target": 3, "max": 6, "baseFeeUpdateFraction": 3338477}}},
               "alloc": alloc, "gasLimit": case["env"]["currentGasLimit"], "difficulty": "0x0",
               "baseFeePerGas": case["env"].get("currentBaseFee", "0x0"), "timestamp": case["env"]["currentTimestamp"],
               "number": "0x0"}
    gpath = Path(tmp) / "genesis.json"
    gpath.write_text(json.dumps(genesis))
    code = case["pre"][case["to"]]["code"][2:]
    cpath = Path(tmp) / "code.hex"
    cpath.write_text(code)
    # `--bench` makes geth repeat the call itself (Go's testing.Benchmark, about 1 s) and print its mean.
    cmd = [geth, "run", "--prestate", str(gpath), "--sender", case["sender"], "--receiver", case["to"],
           "--codefile", str(cpath), "--input", case["data"][2:], "--gas", str(case["gas"]), "--bench"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    text = p.stdout + p.stderr
    m = re.search(r"execution time:\s*([0-9.]+)(ns|µs|us|ms|s)\b", text)
    g = re.search(r"EVM gas used:\s*(\d+)", text)
    if not m:
        return {"error": text.strip().splitlines()[-1] if text.strip() else f"exit {p.returncode}"}
    unit = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]
    return {"median_s": float(m.group(1)) * unit, "gas_used": int(g.group(1)) if g else None, "runs": "bench"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=str(ROOT / "build" / "release"))
    ap.add_argument("--min-seconds", type=float, default=1.0)
    ap.add_argument("--filter", default="")
    ap.add_argument("--no-geth", action="store_true")
    ap.add_argument("--no-revm", action="store_true")
    ap.add_argument("--transfers", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1,
                    help="interleave: time ours and revm on each workload back to back, N times each, and keep each "
                         "engine's best median (evens out load from other jobs on a shared machine)")
    args = ap.parse_args()

    build = Path(args.build)
    bench = build / "bench" / "evm_bench"
    if not bench.exists():
        sys.exit(f"{bench} is missing: cmake --build --preset release --target evm_bench")
    shared = Path(os.environ.get("IGRA_SHARED_DIR", ROOT.parent / "shared"))
    wdir = build / "bench" / "evm-benchmarks"
    if not (wdir / "benchmarks").exists():
        wdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(["tar", "-xJf", str(shared / "fixtures" / "evm-benchmarks.tar.xz"), "-C", str(wdir)], check=True)
    files = sorted((wdir / "benchmarks").rglob("*.json"))
    erc20 = build / "bench" / "erc20_transfer_loop.json"
    subprocess.run(["node", str(ROOT / "bench" / "evm" / "make_erc20_workload.js"), str(erc20), str(args.transfers)],
                   check=True, capture_output=True)
    files.append(erc20)

    cases = load_cases(files, args.filter)
    ours = run_ours(bench, files, args.min_seconds, args.filter) if args.repeat <= 1 else {}
    geth = os.environ.get("GETH_EVM") or str(ROOT / ".tools" / "bin" / "evm")
    use_geth = not args.no_geth and shutil.which(geth) is not None
    if not args.no_geth and not use_geth:
        print(f"note: geth evm not found at {geth} (scripts/install-geth-evm.sh); geth column skipped", file=sys.stderr)

    print("| workload | gas (ours) | ours ms | revm ms | geth ms | revm/ours | geth/ours |")
    print("|---|---|---|---|---|---|---|")
    ratios_revm, ratios_geth = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for c in cases:
            if args.repeat > 1:
                o, r = {}, None
                for _ in range(args.repeat):
                    oo = run_ours(bench, [c["file"]], args.min_seconds, c["name"]).get(c["name"], {})
                    if "median_s" not in oo:
                        o = oo
                        break
                    if "median_s" not in o or oo["median_s"] < o["median_s"]:
                        o = oo
                    if not args.no_revm:
                        rr_ = run_revm(c, args.min_seconds)
                        if r is None or rr_["median_s"] < r["median_s"]:
                            r = rr_
            else:
                o = ours.get(c["name"], {})
                r = None
            if "median_s" not in o:
                print(f"| {c['name']} | {o.get('error', 'missing')} | | | | | |")
                continue
            if args.repeat <= 1:
                r = None if args.no_revm else run_revm(c, args.min_seconds)
            g = run_geth(geth, c, args.min_seconds, tmp) if use_geth else None
            om = o["median_s"]
            rr = r["median_s"] / om if r else None
            gr = g["median_s"] / om if g and "median_s" in g else None
            if rr:
                ratios_revm.append(rr)
            if gr:
                ratios_geth.append(gr)
            fmt = lambda x: f"{x * 1e3:.3f}" if x is not None else "-"
            print(f"| {c['name']} | {o['gas_used']} | {fmt(om)} | {fmt(r['median_s'] if r else None)} | "
                  f"{fmt(g.get('median_s') if g else None) if g and 'median_s' in g else (g or {}).get('error', '-')} | "
                  f"{f'{rr:.2f}x' if rr else '-'} | {f'{gr:.2f}x' if gr else '-'} |", flush=True)
    gm = lambda xs: statistics.geometric_mean(xs) if xs else float("nan")
    print(f"\ngeometric mean speed-up: {gm(ratios_revm):.2f}x over revm ({len(ratios_revm)} workloads), "
          f"{gm(ratios_geth):.2f}x over geth ({len(ratios_geth)} workloads); >1 means we are faster")


if __name__ == "__main__":
    main()
