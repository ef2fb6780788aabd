#!/usr/bin/env python3
"""Differential fuzzer for whole precompile calls (0x01-0x11): our EVM against geth's `evm statetest`.

Each case is a state test whose contract STATICCALLs one precompile up to CALLS times, each time with an input
from that precompile's generator and a random gas allowance (sometimes below the price), and stores for every
call: success, the gas the call used (GAS before minus GAS after), RETURNDATASIZE and keccak-256 of the return
data. Our `igra-statetest --fill` writes our post-state root; geth re-executes and compares it, so any difference
in validity, output bytes or gas charged is a DIFF.

Inputs mix valid ones, built with independent code (coincurve for secp256k1, py_ecc for bn254 and BLS12-381
points, pairs and multi-scalar multiplications, EEST's KZG vector), and invalid ones: mutated bytes, wrong lengths,
coordinates >= p, points off the curve, G1 points outside the subgroup, infinity encodings, scalars >= the order,
pairing products that are not 1, modexp lengths far beyond the input, blake2f flags other than 0/1.

Usage: .venv/bin/python tests/diff/precompile_diff.py --precompile NAME|all [--minutes M | --rounds R]
                                                      [--batch B] [--seed S] [--out DIR]
NAME: ecrecover sha256 ripemd160 identity modexp bn_add bn_mul bn_pairing blake2f kzg bls_g1add bls_g1msm
bls_g2add bls_g2msm bls_pairing bls_map_g1 bls_map_g2. Prints "N cases (K calls), N differences"; exit 1 on any.
Needs build/release/apps/igra-statetest/igra-statetest and geth's evm (.tools/bin/evm or $GETH_EVM).
"""
import argparse
import json
import random
import sys
import time
from pathlib import Path

from coincurve import PrivateKey
from py_ecc import optimized_bls12_381 as bls
from py_ecc import optimized_bn128 as bn

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "precompiles"))
import make_workloads as mw  # noqa: E402  (encodings and the EEST KZG vector)

sys.path.insert(0, str(Path(__file__).parent))
from statetest_batch import run_batch, tools  # noqa: E402

SENDER_KEY = 0x45A915E4D060149EB4365960E6A7A45F334393093061116B197E3240065FF2D8
SENDER = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"
CONTRACT = "0x00000000000000000000000000000000c0de0001"
CALLS = 12
BN_P = bn.field_modulus
BLS_P = bls.field_modulus

NAMES = {"ecrecover": 1, "sha256": 2, "ripemd160": 3, "identity": 4, "modexp": 5, "bn_add": 6, "bn_mul": 7,
         "bn_pairing": 8, "blake2f": 9, "kzg": 10, "bls_g1add": 11, "bls_g1msm": 12, "bls_g2add": 13,
         "bls_g2msm": 14, "bls_pairing": 15, "bls_map_g1": 16, "bls_map_g2": 17}


def u256(x):
    return (x % (1 << 256)).to_bytes(32, "big")


class Inputs:
    """Valid-or-invalid input generators, one per precompile."""

    def __init__(self, rng):
        self.r = rng
        self._pools = {}

    def pool(self, key, make, size=32):
        """A random member of a lazily built pool of `size` values from make() (G2 scalar multiplications take
        tens of milliseconds in py_ecc; pairs are drawn from a pool so that inputs stay cheap to generate)."""
        if key not in self._pools:
            self._pools[key] = [make() for _ in range(size)]
        return self.r.choice(self._pools[key])

    def bn_g2_multiple(self):
        """(b, b*G2) for a random b from the pool."""
        def make():
            b = self.r.randrange(1, bn.curve_order)
            return b, bn.multiply(bn.G2, b)
        return self.pool("bn_g2", make)

    def bls_g2_multiple(self):
        def make():
            b = self.r.randrange(1, bls.curve_order)
            return b, bls.multiply(bls.G2, b)
        return self.pool("bls_g2", make)

    def scalar(self, order):
        c = self.r.random()
        if c < 0.05:
            return 0
        if c < 0.1:
            return order
        if c < 0.15:
            return order - 1
        if c < 0.2:
            return (1 << 256) - 1
        if c < 0.3:
            return self.r.randrange(1, 1000)
        return self.r.getrandbits(256)

    def mutate(self, data):
        """Mostly unchanged; sometimes a flipped bit, a truncation, an extension or random bytes."""
        c = self.r.random()
        if c < 0.6 or not data:
            return data
        b = bytearray(data)
        if c < 0.75:
            i = self.r.randrange(len(b))
            b[i] ^= 1 << self.r.randrange(8)
        elif c < 0.85:
            b = b[:self.r.randrange(len(b))]
        elif c < 0.92:
            b += bytes(self.r.randrange(256) for _ in range(self.r.choice([1, 31, 32, 64])))
        else:
            b = bytearray(self.r.randrange(256) for _ in range(len(b)))
        return bytes(b)

    # --- secp256k1, hashes, modexp, blake2f ---
    def ecrecover(self):
        key = PrivateKey(self.r.getrandbits(255).to_bytes(32, "big") or b"\x01" * 32)
        h = self.r.getrandbits(256).to_bytes(32, "big")
        sig = key.sign_recoverable(h, hasher=None)
        v = 27 + sig[64]
        c = self.r.random()
        r_, s_ = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big")
        n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
        if c < 0.1:
            v = self.r.choice([0, 1, 26, 29, 27 + (1 << 200)])
        elif c < 0.15:
            s_ = n - s_  # the other s: a different (valid) recovery
        elif c < 0.2:
            r_ = self.r.choice([0, n, n + 1, (1 << 256) - 1])
        elif c < 0.25:
            s_ = self.r.choice([0, n])
        return self.mutate(h + u256(v) + u256(r_) + u256(s_))

    def hash_input(self):
        return bytes(self.r.randrange(256) for _ in range(self.r.choice([0, 1, 31, 32, 33, 55, 56, 64, 119, 300])))

    def modexp(self):
        c = self.r.random()
        lens = [self.r.choice([0, 1, 2, 8, 31, 32, 33, 64, 65, 128, self.r.randrange(0, 200)]) for _ in range(3)]
        if c < 0.05:
            lens[self.r.randrange(3)] = self.r.choice([2**32, 2**64 - 1, 1025, 1 << 255])
        vals = []
        for k, n in enumerate(lens):
            n = min(n, 300)
            v = self.r.getrandbits(8 * n) if n else 0
            if k == 1 and n and self.r.random() < 0.3:
                v = self.r.choice([0, 1, 2, 3, (1 << (8 * n)) - 1])
            vals.append(v.to_bytes(n, "big") if n else b"")
        body = b"".join(vals)
        if self.r.random() < 0.2:
            body = body[:self.r.randrange(len(body) + 1)]  # shorter than the lengths say: zero-padded
        return u256(lens[0]) + u256(lens[1]) + u256(lens[2]) + body

    def blake2f(self):
        rounds = self.r.choice([0, 1, 2, 12, self.r.randrange(0, 64), self.r.randrange(0, 3000)])
        data = rounds.to_bytes(4, "big") + bytes(self.r.randrange(256) for _ in range(208))
        data += bytes([self.r.choice([0, 1, 1, 2, 255])])
        if self.r.random() < 0.1:
            data = data[:self.r.choice([0, 212, 100])] if self.r.random() < 0.5 else data + b"\x00"
        return data

    # --- bn254 ---
    def bn_point(self):
        c = self.r.random()
        if c < 0.08:
            return bytes(64)  # infinity
        if c < 0.14:
            return u256(self.r.randrange(BN_P)) + u256(self.r.randrange(BN_P))  # off the curve
        if c < 0.18:
            x, y = bn.normalize(bn.multiply(bn.G1, self.r.randrange(1, bn.curve_order)))
            return u256(x.n + BN_P) + u256(y.n)  # coordinate >= p
        return mw.bn_g1(bn.multiply(bn.G1, self.r.randrange(1, bn.curve_order)))

    def bn_g2(self):
        c = self.r.random()
        if c < 0.08:
            return bytes(128)
        if c < 0.15:
            return b"".join(u256(self.r.randrange(BN_P)) for _ in range(4))
        return mw.bn_g2(self.bn_g2_multiple()[1])

    def bn_add(self):
        return self.mutate(self.bn_point() + self.bn_point())

    def bn_mul(self):
        return self.mutate(self.bn_point() + u256(self.scalar(bn.curve_order)))

    def bn_pairing(self):
        k = self.r.choice([0, 1, 2, 2, 3])
        if k >= 2 and self.r.random() < 0.6:  # a product that is 1: e(aP, bQ) e(-abP, Q) ...
            a = self.r.randrange(1, bn.curve_order)
            b, bq = self.bn_g2_multiple()
            data = (mw.bn_g1(bn.multiply(bn.G1, a)) + mw.bn_g2(bq) +
                    mw.bn_g1(bn.neg(bn.multiply(bn.G1, a * b % bn.curve_order))) + mw.bn_g2(bn.G2))
            for _ in range(k - 2):
                data += bytes(64) + mw.bn_g2(bn.G2)  # infinity pairs change nothing
        else:
            data = b"".join(self.bn_point() + self.bn_g2() for _ in range(k))
        return self.mutate(data)

    # --- KZG ---
    def kzg(self):
        base = bytes.fromhex(
            "018156b94fe9735e573bab36dad05d60feb720d424ccd20aaf719343c31e4246019123bcb9d06356701f7be08b4494625b87a7b02edc"
            "566126fb81f6306e915f6c2eb1e94c2532935b8465351ba1bd88eabe2b3fa1aadff7d1cd816e8315bd38a9546d41993e10df2a7429b8"
            "490394ea9ee62807bae6f326d1044a51581306f58d4b9dfd5931e044688855280ff3799ea2ea83d9391e0ee42e0c650acc7a1f842a7d"
            "385189485ddb4fd54ade3d9fd50d608167dca6c776aad4b8ad5c20691bfe")
        return self.mutate(base)

    # --- BLS12-381 (EIP-2537) ---
    def fp_elem(self):
        c = self.r.random()
        if c < 0.05:
            return BLS_P
        if c < 0.1:
            return BLS_P - 1
        return self.r.randrange(BLS_P)

    def g1_not_in_subgroup(self):
        while True:  # a point of y^2 = x^3 + 4 over Fp, almost surely outside the order-r subgroup
            x = self.r.randrange(BLS_P)
            rhs = (pow(x, 3, BLS_P) + 4) % BLS_P
            y = pow(rhs, (BLS_P + 1) // 4, BLS_P)
            if y * y % BLS_P == rhs:
                return mw.fp(x) + mw.fp(y)

    def bls_g1(self):
        c = self.r.random()
        if c < 0.06:
            return bytes(128)
        if c < 0.12:
            return mw.fp(self.fp_elem()) + mw.fp(self.fp_elem())
        if c < 0.18:
            return self.g1_not_in_subgroup()
        if c < 0.21:
            b = bytearray(mw.bls_g1(bls.multiply(bls.G1, 5)))
            b[self.r.choice([0, 15, 64])] = 1  # non-zero top padding byte
            return bytes(b)
        return mw.bls_g1(bls.multiply(bls.G1, self.r.randrange(1, bls.curve_order)))

    def bls_g2(self):
        c = self.r.random()
        if c < 0.06:
            return bytes(256)
        if c < 0.14:
            return b"".join(mw.fp(self.fp_elem()) for _ in range(4))
        return mw.bls_g2(self.bls_g2_multiple()[1])

    def bls_g1add(self):
        return self.mutate(self.bls_g1() + self.bls_g1())

    def bls_g2add(self):
        return self.mutate(self.bls_g2() + self.bls_g2())

    def bls_g1msm(self):
        k = self.r.choice([0, 1, 1, 2, 3, 5])
        return self.mutate(b"".join(self.bls_g1() + u256(self.scalar(bls.curve_order)) for _ in range(k)))

    def bls_g2msm(self):
        k = self.r.choice([0, 1, 1, 2, 3])
        return self.mutate(b"".join(self.bls_g2() + u256(self.scalar(bls.curve_order)) for _ in range(k)))

    def bls_pairing(self):
        k = self.r.choice([0, 1, 2, 2, 3])
        if k >= 2 and self.r.random() < 0.6:
            a = self.r.randrange(1, bls.curve_order)
            b, bq = self.bls_g2_multiple()
            r = bls.curve_order
            data = (mw.bls_g1(bls.multiply(bls.G1, a)) + mw.bls_g2(bq) +
                    mw.bls_g1(bls.neg(bls.multiply(bls.G1, a * b % r))) + mw.bls_g2(bls.G2))
            for _ in range(k - 2):
                data += bytes(128) + mw.bls_g2(bls.G2)
        else:
            data = b"".join(self.bls_g1() + self.bls_g2() for _ in range(k))
        return self.mutate(data)

    def bls_map_g1(self):
        return self.mutate(mw.fp(self.fp_elem()))

    def bls_map_g2(self):
        return self.mutate(mw.fp(self.fp_elem()) + mw.fp(self.fp_elem()))


def generator(inputs, name):
    return {"ecrecover": inputs.ecrecover, "sha256": inputs.hash_input, "ripemd160": inputs.hash_input,
            "identity": inputs.hash_input, "modexp": inputs.modexp, "bn_add": inputs.bn_add,
            "bn_mul": inputs.bn_mul, "bn_pairing": inputs.bn_pairing, "blake2f": inputs.blake2f,
            "kzg": inputs.kzg, "bls_g1add": inputs.bls_g1add, "bls_g1msm": inputs.bls_g1msm,
            "bls_g2add": inputs.bls_g2add, "bls_g2msm": inputs.bls_g2msm, "bls_pairing": inputs.bls_pairing,
            "bls_map_g1": inputs.bls_map_g1, "bls_map_g2": inputs.bls_map_g2}[name]


def push(v):
    b = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
    return bytes([0x5F + len(b)]) + b


def contract(addr, calls):
    """Code: for each (input, gas): CODECOPY the input to memory 0, GAS, STATICCALL, GAS, store success, gas
    used, RETURNDATASIZE and keccak(return data) in slots 4i..4i+3; the inputs follow a STOP."""
    # The data offsets depend on the code length, which depends on their PUSH sizes: repeat until stable.
    data_off = 0
    while True:
        code = b""
        off = data_off
        for i, (inp, gas) in enumerate(calls):
            n = len(inp)
            code += push(n) + push(off) + push(0) + b"\x39"              # CODECOPY(0, off, n)
            code += b"\x5a"                                               # GAS
            code += push(0) + push(0) + push(n) + push(0) + push(addr) + push(gas) + b"\xfa"  # STATICCALL
            code += b"\x5a"                                               # GAS       [g0 ok g1]
            code += b"\x90" + push(4 * i) + b"\x55"                       # SSTORE(4i, ok)   [g0 g1]
            code += b"\x90\x03" + push(4 * i + 1) + b"\x55"               # SSTORE(4i+1, g0 - g1)
            code += b"\x3d\x80" + push(0) + push(0) + b"\x3e"             # RETURNDATACOPY(0, 0, rds)  [rds]
            code += b"\x80" + push(4 * i + 2) + b"\x55"                   # SSTORE(4i+2, rds)
            code += push(0) + b"\x20" + push(4 * i + 3) + b"\x55"         # SSTORE(4i+3, keccak(mem[0:rds]))
            off += n
        code += b"\x00"
        if len(code) == data_off:
            break
        data_off = len(code)
    return code + b"".join(inp for inp, _ in calls)


def make_test(rng, inputs, name, fork, test_name):
    addr = NAMES[name]
    gen = generator(inputs, name)
    calls = []
    for _ in range(rng.randrange(1, CALLS + 1)):
        inp = gen()
        c = rng.random()
        gas = (rng.randrange(0, 200) if c < 0.1 else rng.randrange(0, 60000) if c < 0.25
               else rng.choice([100000, 500000, 2000000]))
        calls.append((inp, gas))
    code = contract(addr, calls)
    pre = {SENDER: {"balance": hex(10**21), "nonce": "0x00", "code": "0x", "storage": {}},
           CONTRACT: {"balance": "0x00", "nonce": "0x01", "code": "0x" + code.hex(), "storage": {}}}
    tx = {"nonce": "0x00", "to": CONTRACT, "data": ["0x"], "gasLimit": [hex(25_000_000)], "value": ["0x00"],
          "secretKey": f"0x{SENDER_KEY:064x}", "sender": SENDER, "maxFeePerGas": "0x14",
          "maxPriorityFeePerGas": "0x01"}
    env = {"currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba", "currentDifficulty": "0x0",
           "currentGasLimit": hex(30_000_000), "currentNumber": "0x1", "currentTimestamp": "0x3e8",
           "currentBaseFee": "0xa", "currentRandom": "0x" + "00" * 31 + "01", "currentExcessBlobGas": "0x0"}
    post = {fork: [{"hash": "0x" + "00" * 32, "logs": "0x" + "00" * 32, "indexes": {"data": 0, "gas": 0, "value": 0}}]}
    return test_name, {"env": env, "pre": pre, "transaction": tx, "post": post}, len(calls)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--precompile", default="all", help="a name from the list above, or all (round robin)")
    ap.add_argument("--minutes", type=float, default=0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--build", default=str(ROOT / "build" / "release"))
    ap.add_argument("--out", default=str(ROOT / "build" / "precompile-diff"))
    args = ap.parse_args()
    names = list(NAMES) if args.precompile == "all" else args.precompile.split(",")
    for n in names:
        if n not in NAMES:
            sys.exit(f"unknown precompile {n}; one of: {' '.join(NAMES)}")
    ours, geth, out = tools(args.build, args.out)
    rng = random.Random(args.seed)
    inputs = Inputs(rng)
    print(f"seed {args.seed}, precompiles {','.join(names)}", flush=True)
    deadline = time.time() + args.minutes * 60 if args.minutes else None
    cases = calls = diffs = rounds = 0
    per = {n: 0 for n in names}
    while (deadline and time.time() < deadline) or (not deadline and rounds < args.rounds):
        rounds += 1
        tests = {}
        for i in range(args.batch):
            name = names[(rounds * args.batch + i) % len(names)]
            fork = "Prague" if NAMES[name] > 10 or rng.random() < 0.7 else "Cancun"
            tn, t, k = make_test(rng, inputs, name, fork, f"r{rounds}_{i}_{name}_{fork}")
            tests[tn] = t
            calls += k
            per[name] += k
        c, d = run_batch(tests, ours, geth, out, f"{args.seed}_{rounds}")
        cases += c
        diffs += d
        if rounds % 10 == 0 or not deadline:
            print(f"round {rounds}: {cases} cases, {calls} calls, {diffs} differences", flush=True)
    print("calls per precompile: " + ", ".join(f"{n} {k}" for n, k in per.items()))
    print(f"{cases} cases ({calls} calls), {diffs} differences")
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
