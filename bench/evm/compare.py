#!/usr/bin/env python3
"""Side-by-side EVM benchmark: our EVM (bench/evm_bench), revm (pyrevm) and geth's `evm` tool on the same inputs.

Workloads: every ipsilon/evm-benchmarks case (../shared/fixtures/evm-benchmarks.tar.xz) and the ERC-20 transfer
loop (bench/evm/Erc20Loop.sol compiled by solc-js: loop(1000) = 1,000 checked transfers with events).
Each engine executes the same call (sender -> contract, same calldata and gas) on the same pre-state, repeated
until --min-seconds have passed; the median time per call is reported, with gas used as a cross-check (all
three must agree on it up to the intrinsic-gas convention noted in the table), and our speed-up over each peer.

Usage: .venv/bin/python bench/evm/compare.py [--build build/release] [--min-seconds 1] [--filter S]
                                             [--no-geth] [--no-revm] [--transfers N] [--repeat N]
                                             [--workloads FILE_OR_DIR ...] [--gas-rate] [--fork cancun|prague]
--workloads runs the given state-test files (directories: every *.json below) instead of the default set, e.g. the
per-precompile workloads of bench/precompiles/make_workloads.py. --gas-rate adds Mgas/s per engine (gas used by our
EVM for the whole transaction / time per transaction: the same work for all three) and, when a workload records
"_calls", the gas per call. --fork sets the fork of revm and geth (default: cancun, or the workload's "_fork");
our evm_bench always runs Prague.
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
                              "data": data, "gas": int(tx["gasLimit"][0], 16), "gas_price": int(tx["gasPrice"], 16),
                              "fork": t.get("_fork", "Cancun"), "calls": t.get("_calls")})
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


def run_revm(case, min_seconds, fork=None):
    from pyrevm import EVM, AccountInfo, BlockEnv
    evm = EVM(spec_id=(fork or case.get("fork") or "Cancun").upper(), gas_limit=2**63)
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
        try:
            evm.message_call(caller=case["sender"], to=case["to"], calldata=data, value=0, gas=case["gas"],
                             gas_price=case["gas_price"])
        except RuntimeError as e:  # pyrevm raises on revert and halt
            return {"error": "revm: " + str(e).split(",")[0][:60]}
        dt = time.perf_counter() - t0
        gas = evm.result.gas_used
        ok = evm.result.is_success
        evm.revert(cp)
        if not ok:
            return {"error": f"revm: {evm.result.reason}"}
        times.append(dt)
        total += dt
    return {"median_s": statistics.median(times), "gas_used": gas, "runs": len(times)}


def run_geth(geth, case, min_seconds, tmp, fork=None):
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
    if (fork or case.get("fork") or "Cancun").lower() == "prague":
        genesis["config"]["pragueTime"] = 0
        genesis["config"]["blobSchedule"]["prague"] = {"target": 6, "max": 9, "baseFeeUpdateFraction": 5007716}
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
    if re.search(r"^EVM gas used:", text, re.M) is None or "error:" in text.lower():
        err = [ln for ln in text.splitlines() if "error" in ln.lower()]
        if err:
            return {"error": "geth: " + err[0].strip()[:80]}
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
    ap.add_argument("--workloads", nargs="+", default=None, metavar="FILE_OR_DIR",
                    help="state-test files or directories to run instead of evm-benchmarks and the ERC-20 loop")
    ap.add_argument("--gas-rate", action="store_true", help="also print Mgas/s per engine and gas per call")
    ap.add_argument("--fork", choices=["cancun", "prague"], default=None,
                    help="fork for revm and geth (default: the workload's _fork, else cancun)")
    args = ap.parse_args()

    build = Path(args.build)
    bench = build / "bench" / "evm_bench"
    if not bench.exists():
        sys.exit(f"{bench} is missing: cmake --build --preset release --target evm_bench")
    if args.workloads:
        files = []
        for w in map(Path, args.workloads):
            files += sorted(w.rglob("*.json")) if w.is_dir() else [w]
    else:
        shared = Path(os.environ.get("IGRA_SHARED_DIR", ROOT.parent / "shared"))
        wdir = build / "bench" / "evm-benchmarks"
        if not (wdir / "benchmarks").exists():
            wdir.mkdir(parents=True, exist_ok=True)
            subprocess.run(["tar", "-xJf", str(shared / "fixtures" / "evm-benchmarks.tar.xz"), "-C", str(wdir)],
                           check=True)
        files = sorted((wdir / "benchmarks").rglob("*.json"))
        erc20 = build / "bench" / "erc20_transfer_loop.json"
        subprocess.run(["node", str(ROOT / "bench" / "evm" / "make_erc20_workload.js"), str(erc20),
                        str(args.transfers)], check=True, capture_output=True)
        files.append(erc20)

    cases = load_cases(files, args.filter)
    ours = run_ours(bench, files, args.min_seconds, args.filter) if args.repeat <= 1 else {}
    geth = os.environ.get("GETH_EVM") or str(ROOT / ".tools" / "bin" / "evm")
    use_geth = not args.no_geth and shutil.which(geth) is not None
    if not args.no_geth and not use_geth:
        print(f"note: geth evm not found at {geth} (scripts/install-geth-evm.sh); geth column skipped", file=sys.stderr)

    if args.gas_rate:
        print("| workload | gas/call | gas (ours) | ours ms | ours Mgas/s | revm ms | revm Mgas/s | geth ms | geth Mgas/s "
              "| revm/ours | geth/ours |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
    else:
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
                        rr_ = run_revm(c, args.min_seconds, args.fork)
                        if "median_s" not in rr_:
                            r = rr_
                            break
                        if r is None or rr_["median_s"] < r["median_s"]:
                            r = rr_
            else:
                o = ours.get(c["name"], {})
                r = None
            if "median_s" not in o or o.get("status", "success") != "success":
                print(f"| {c['name']} | {o.get('error', o.get('status', 'missing'))} | | | | | |")
                continue
            if args.repeat <= 1:
                r = None if args.no_revm else run_revm(c, args.min_seconds, args.fork)
            g = run_geth(geth, c, args.min_seconds, tmp, args.fork) if use_geth else None
            om = o["median_s"]
            r_err = r.get("error") if r else None
            if r_err:
                r = None
            rr = r["median_s"] / om if r else None
            gr = g["median_s"] / om if g and "median_s" in g else None
            if rr:
                ratios_revm.append(rr)
            if gr:
                ratios_geth.append(gr)
            fmt = lambda x: f"{x * 1e3:.3f}" if x is not None else "-"
            if args.gas_rate:
                gas = o["gas_used"]
                rate = lambda x: f"{gas / x / 1e6:.1f}" if x else "-"
                gm_ = g.get("median_s") if g else None
                per_call = f"{(gas - 21000) / c['calls']:.0f}" if c.get("calls") else "-"
                print(f"| {c['name']} | {per_call} | {gas} | {fmt(om)} | {rate(om)} | "
                      f"{fmt(r['median_s']) if r else (r_err or '-')} | {rate(r['median_s'] if r else None)} | "
                      f"{fmt(gm_) if gm_ else (g or {}).get('error', '-')} | {rate(gm_)} | "
                      f"{f'{rr:.2f}x' if rr else '-'} | {f'{gr:.2f}x' if gr else '-'} |", flush=True)
                continue
            print(f"| {c['name']} | {o['gas_used']} | {fmt(om)} | {fmt(r['median_s']) if r else (r_err or '-')} | "
                  f"{fmt(g.get('median_s') if g else None) if g and 'median_s' in g else (g or {}).get('error', '-')} | "
                  f"{f'{rr:.2f}x' if rr else '-'} | {f'{gr:.2f}x' if gr else '-'} |", flush=True)
    gm = lambda xs: statistics.geometric_mean(xs) if xs else float("nan")
    print(f"\ngeometric mean speed-up: {gm(ratios_revm):.2f}x over revm ({len(ratios_revm)} workloads), "
          f"{gm(ratios_geth):.2f}x over geth ({len(ratios_geth)} workloads); >1 means we are faster")


if __name__ == "__main__":
    main()
