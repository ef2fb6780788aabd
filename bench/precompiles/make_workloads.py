#!/usr/bin/env python3
"""Generate one state-test-format workload per precompile (0x01 .. 0x11) for bench/evm/compare.py and evm_bench.

Each workload is a contract that CODECOPYs a fixed, valid, representative input (embedded after its code) into memory
once, then STATICCALLs the precompile N times in a loop, reverting if any call fails; after the loop it checks the
last call's output (RETURNDATASIZE and, where we know it, keccak-256 of the output against the value computed here),
so a successful transaction proves the success path was measured, never the error path. N is chosen so that a
transaction spends about --target-gas (at most 1,000 calls); it is recorded in the file as "_calls".

Inputs: ecrecover signs a fixed hash with coincurve; bn254 and BLS12-381 points are fixed multiples of the
generators computed with py_ecc (the pairings are e(aP, bQ) * e(-abP, Q) = 1, so they take the full pairing path
and return 1); modexp is 256-byte base, exponent and odd modulus (EIP-2565 pricing, 2,047 squarings); blake2f is the
EIP-152 12-round vector; the KZG point evaluation input is EEST's cancun/eip4844_blobs test_valid_inputs
"mainnet_1" case; the map-to-curve inputs are arbitrary field elements (every element < p is valid).

Usage: .venv/bin/python bench/precompiles/make_workloads.py [--out build/release/bench/precompiles]
                                                           [--target-gas 5000000]
Writes one <name>.json per precompile into --out (a build directory: generated data is not committed).
"""
import argparse
import hashlib
import json
from pathlib import Path

from Crypto.Hash import RIPEMD160
from coincurve import PrivateKey
from eth_hash.auto import keccak
from py_ecc import optimized_bls12_381 as bls
from py_ecc import optimized_bn128 as bn

ROOT = Path(__file__).resolve().parents[2]
SENDER = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"
CONTRACT = "0xbe7c43a580000000000000000000000000000100"


def u32be(x):
    return x.to_bytes(4, "big")


def u256(x):
    return x.to_bytes(32, "big")


# --- bn254 (EIP-196/197 encoding: G2 coordinates as (imaginary, real)) ---
def bn_g1(p):
    x, y = bn.normalize(p)
    return u256(x.n) + u256(y.n)


def bn_g2(p):
    x, y = bn.normalize(p)
    return u256(x.coeffs[1]) + u256(x.coeffs[0]) + u256(y.coeffs[1]) + u256(y.coeffs[0])


# --- BLS12-381 (EIP-2537 encoding: 64-byte Fp, G2 coordinates as (c0, c1)) ---
def fp(x):
    return int(x).to_bytes(64, "big")


def bls_g1(p):
    x, y = bls.normalize(p)
    return fp(x.n) + fp(y.n)


def bls_g2(p):
    x, y = bls.normalize(p)
    return fp(x.coeffs[0]) + fp(x.coeffs[1]) + fp(y.coeffs[0]) + fp(y.coeffs[1])


def scalars(n, seed):
    return [int.from_bytes(keccak(seed + bytes([i])), "big") for i in range(n)]


def cases():
    out = []  # (name, address, input, expected output or None, expected output size)

    # 0x01 ecrecover: a valid signature of a fixed hash.
    key = PrivateKey(bytes.fromhex("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8"))
    h = keccak(b"igra precompile bench")
    sig = key.sign_recoverable(h, hasher=None)
    addr = keccak(key.public_key.format(compressed=False)[1:])[12:]
    out.append(("01_ecrecover", 0x01, h + u256(27 + sig[64]) + sig[:32] + sig[32:64], bytes(12) + addr, 32))

    kib = bytes((i * 7 + 3) & 0xFF for i in range(1024))
    out.append(("02_sha256_1KiB", 0x02, kib, hashlib.sha256(kib).digest(), 32))
    out.append(("03_ripemd160_1KiB", 0x03, kib, bytes(12) + RIPEMD160.new(kib).digest(), 32))
    out.append(("04_identity_1KiB", 0x04, kib, kib, 1024))

    # 0x05 modexp: 256-byte base, exponent (top bit set) and odd modulus.
    base = int.from_bytes(keccak(b"b") * 8, "big")
    exp = int.from_bytes(keccak(b"e") * 8, "big") | (1 << 2047)
    mod = int.from_bytes(keccak(b"m") * 8, "big") | (1 << 2047) | 1
    out.append(("05_modexp_256B", 0x05, u256(256) * 3 + base.to_bytes(256, "big") + exp.to_bytes(256, "big") +
                mod.to_bytes(256, "big"), pow(base, exp, mod).to_bytes(256, "big"), 256))

    a, b = scalars(2, b"bn")
    p1, p2 = bn.multiply(bn.G1, a), bn.multiply(bn.G1, b)
    out.append(("06_bn254_add", 0x06, bn_g1(p1) + bn_g1(p2), bn_g1(bn.add(p1, p2)), 64))
    k = a % bn.curve_order
    out.append(("07_bn254_mul", 0x07, bn_g1(p2) + u256(k), bn_g1(bn.multiply(p2, k)), 64))
    q = bn.multiply(bn.G2, b % bn.curve_order)
    pairing = bn_g1(p1) + bn_g2(q) + bn_g1(bn.neg(bn.multiply(bn.G1, a * b % bn.curve_order))) + bn_g2(bn.G2)
    out.append(("08_bn254_pairing_2", 0x08, pairing, u256(1), 32))

    # 0x09 blake2f: EIP-152 test vector 5 (12 rounds of "abc").
    b2 = (u32be(12) + bytes.fromhex(
        "48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f"
        "79217e1319cde05b") + b"abc".ljust(128, b"\0") + (3).to_bytes(8, "little") + bytes(8) + b"\x01")
    b2_out = hashlib.blake2b(b"abc").digest()  # one 12-round compression of the final block is BLAKE2b-512("abc")
    out.append(("09_blake2f_12r", 0x09, b2, b2_out, 64))

    # 0x0a KZG point evaluation: EEST test_point_evaluation_precompile.py::test_valid_inputs[mainnet_1].
    kzg = bytes.fromhex(
        "018156b94fe9735e573bab36dad05d60feb720d424ccd20aaf719343c31e4246019123bcb9d06356701f7be08b4494625b87a7b02edc5661"
        "26fb81f6306e915f6c2eb1e94c2532935b8465351ba1bd88eabe2b3fa1aadff7d1cd816e8315bd38a9546d41993e10df2a7429b849039"
        "4ea9ee62807bae6f326d1044a51581306f58d4b9dfd5931e044688855280ff3799ea2ea83d9391e0ee42e0c650acc7a1f842a7d385189485"
        "ddb4fd54ade3d9fd50d608167dca6c776aad4b8ad5c20691bfe")
    bls_modulus = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
    out.append(("0a_kzg_point_evaluation", 0x0A, kzg, u256(4096) + u256(bls_modulus), 64))

    # EIP-2537 BLS12-381.
    r = bls.curve_order
    s = scalars(16, b"bls")
    g1s = [bls.multiply(bls.G1, x % r) for x in s]
    g2s = [bls.multiply(bls.G2, x % r) for x in s]
    out.append(("0b_bls_g1add", 0x0B, bls_g1(g1s[0]) + bls_g1(g1s[1]), bls_g1(bls.add(g1s[0], g1s[1])), 128))
    ks = scalars(16, b"msm")
    acc = None
    for p, x in zip(g1s, ks):
        t = bls.multiply(p, x % r)
        acc = t if acc is None else bls.add(acc, t)
    out.append(("0c_bls_g1msm_16", 0x0C, b"".join(bls_g1(p) + u256(x) for p, x in zip(g1s, ks)), bls_g1(acc), 128))
    out.append(("0d_bls_g2add", 0x0D, bls_g2(g2s[0]) + bls_g2(g2s[1]), bls_g2(bls.add(g2s[0], g2s[1])), 256))
    # G2 MSM expected value via scalar arithmetic (points are s_i * G2): sum k_i * s_i * G2.
    acc2 = bls.multiply(bls.G2, sum((x % r) * (y % r) for x, y in zip(ks, s)) % r)
    out.append(("0e_bls_g2msm_16", 0x0E, b"".join(bls_g2(p) + u256(x) for p, x in zip(g2s, ks)), bls_g2(acc2), 256))
    a, b = s[2] % r, s[3] % r
    pair = (bls_g1(bls.multiply(bls.G1, a)) + bls_g2(bls.multiply(bls.G2, b)) +
            bls_g1(bls.neg(bls.multiply(bls.G1, a * b % r))) + bls_g2(bls.G2))
    out.append(("0f_bls_pairing_2", 0x0F, pair, u256(1), 32))
    field = bls.field_modulus
    out.append(("10_bls_map_fp_to_g1", 0x10, fp(int.from_bytes(keccak(b"fp"), "big") * 2**100 % field), None, 128))
    out.append(("11_bls_map_fp2_to_g2", 0x11, fp(int.from_bytes(keccak(b"c0"), "big") * 2**100 % field) +
                fp(int.from_bytes(keccak(b"c1"), "big") * 2**100 % field), None, 256))
    return out


# Approximate gas of one call (only used to choose the loop count; the report measures gas itself).
APPROX_GAS = {0x01: 3000, 0x02: 60 + 12 * 32, 0x03: 600 + 120 * 32, 0x04: 15 + 3 * 32, 0x05: 698709, 0x06: 150,
              0x07: 6000, 0x08: 45000 + 2 * 34000, 0x09: 12, 0x0A: 50000, 0x0B: 375, 0x0C: 16 * 12000 * 700 // 1000,
              0x0D: 600, 0x0E: 16 * 22500 * 720 // 1000, 0x0F: 37700 + 2 * 32600, 0x10: 5500, 0x11: 23800}


def push(n, width=None):
    width = width or max(1, (n.bit_length() + 7) // 8)
    return bytes([0x5F + width]) + n.to_bytes(width, "big")


def contract(addr, inp, expected, out_size, calls):
    """Bytecode: copy input to memory, loop `calls` STATICCALLs (revert on failure), check the last output."""
    out_off = (len(inp) + 31) // 32 * 32
    labels = {}

    def build(data_off):
        c = bytearray()
        c += push(len(inp), 2) + push(data_off, 2) + push(0, 1) + b"\x39"          # CODECOPY(0, data, len)
        c += push(calls, 2)                                                          # counter
        labels["loop"] = len(c)
        c += b"\x5b"                                                                 # JUMPDEST
        c += push(out_size, 2) + push(out_off, 2) + push(len(inp), 2) + push(0, 1) + push(addr, 1) + b"\x5a\xfa"
        c += b"\x15" + push(labels.get("fail", 0), 2) + b"\x57"                      # ISZERO fail JUMPI
        c += push(1, 1) + b"\x90\x03" + b"\x80" + push(labels["loop"], 2) + b"\x57"  # counter-1, DUP, loop JUMPI
        c += b"\x50"                                                                 # POP counter
        c += b"\x3d" + push(out_size, 2) + b"\x14\x15" + push(labels.get("fail", 0), 2) + b"\x57"  # RETURNDATASIZE
        if expected is not None:
            c += push(out_size, 2) + push(out_off, 2) + b"\x20" + b"\x7f" + keccak(expected) + b"\x14\x15"
            c += push(labels.get("fail", 0), 2) + b"\x57"                            # keccak(output) == expected
        c += b"\x00"                                                                 # STOP
        labels["fail"] = len(c)
        c += b"\x5b" + push(0, 1) + b"\x80\xfd"                                      # JUMPDEST REVERT(0, 0)
        return bytes(c)

    code = build(0)
    code = build(len(code))  # second pass: labels and data offset resolved (all pushes have fixed width)
    return code + inp


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "build" / "release" / "bench" / "precompiles"))
    ap.add_argument("--target-gas", type=int, default=5_000_000)
    args = ap.parse_args()
    outdir = Path(args.out)
    outdir.mkdir(parents=True, exist_ok=True)
    for name, addr, inp, expected, out_size in cases():
        calls = max(1, min(1000, args.target_gas // APPROX_GAS[addr]))
        code = contract(addr, inp, expected, out_size, calls)
        gas_limit = min(1_000_000_000, 3 * calls * (APPROX_GAS[addr] + 1000) + 200_000)
        doc = {name: {
            "_calls": calls, "_precompile": f"0x{addr:02x}", "_fork": "Prague" if addr >= 0x0B else "Cancun",
            "env": {"currentBaseFee": "0x01", "currentCoinbase": "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba",
                    "currentDifficulty": "0x00", "currentGasLimit": "0x3b9aca00", "currentNumber": "0x01",
                    "currentRandom": "0x" + "00" * 31 + "01", "currentTimestamp": "0x61a8d289"},
            "pre": {SENDER: {"balance": "0xffffffffffffffff", "code": "0x", "nonce": "0x00", "storage": {}},
                    CONTRACT: {"balance": "0x00", "code": "0x" + code.hex(), "nonce": "0x01", "storage": {}}},
            "transaction": {"data": ["0x"], "gasLimit": [hex(gas_limit)], "gasPrice": "0x01", "nonce": "0x00",
                            "sender": SENDER, "to": CONTRACT, "value": ["0x00"]},
        }}
        (outdir / f"{name}.json").write_text(json.dumps(doc, indent=1) + "\n")
        print(f"{outdir / (name + '.json')}: {calls} calls, input {len(inp)} B")


if __name__ == "__main__":
    main()
