#!/usr/bin/env python3
"""Differential fuzzer: random bytecode and transactions, executed by our EVM and by geth's `evm` tool.

Each round generates a batch of random state tests (random contracts that call each other, create, log, revert,
touch storage and transient storage, expand memory, self-destruct, loop backwards, do modular and signed
arithmetic on boundary-limb operands; random transactions of types 0, 1, 2 and, for Prague, 4 with signed EIP-7702
authorizations, sometimes sent to an authority; contracts call the authorities too) and
  1. runs them through our `igra-statetest --fill`, which writes our post-state root, logs hash and, for an
     invalid transaction, our exception into the tests' `post` sections;
  2. runs the filled tests through geth's `evm statetest`, which re-executes them and checks the root (all
     balances, nonces, code and storage), the logs hash and the validity verdict against ours.
Any disagreement is written to --out (the test file plus geth's message) and counted. Ends with
"N cases, N differences".

Usage: .venv/bin/python tests/diff/evm_diff.py [--minutes M | --rounds R] [--batch B] [--seed S]
                                              [--fork Prague|Cancun|both] [--out DIR]
Needs build/release/apps/igra-statetest/igra-statetest and geth's evm (.tools/bin/evm or $GETH_EVM;
scripts/install-geth-evm.sh installs it). geth's statetest only checks that an expected exception occurred, not
its name (tests/state_test_util.go checkError), so our "TransactionException.<NAME>" strings need not match
its error texts. Copy igra-statetest elsewhere and pass --build when rebuilding during a long run.
"""
import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SENDER_KEY = 0x45A915E4D060149EB4365960E6A7A45F334393093061116B197E3240065FF2D8
SENDER = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"
CONTRACTS = [f"0x{0xc0de0000 + i:040x}" for i in range(5)]
COINBASE = "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba"
AUTH_KEYS = [0x1000 + i for i in range(3)]  # EOAs that sign 7702 authorizations
PRECOMPILES = [f"0x{i:040x}" for i in (1, 2, 3, 4)]

# Opcode groups with their stack inputs.
SIMPLE = {  # opcode: number of stack inputs
    0x01: 2, 0x02: 2, 0x03: 2, 0x04: 2, 0x05: 2, 0x06: 2, 0x07: 2, 0x08: 3, 0x09: 3, 0x0A: 2, 0x0B: 2,
    0x10: 2, 0x11: 2, 0x12: 2, 0x13: 2, 0x14: 2, 0x15: 1, 0x16: 2, 0x17: 2, 0x18: 2, 0x19: 1, 0x1A: 2,
    0x1B: 2, 0x1C: 2, 0x1D: 2,
    0x30: 0, 0x31: 1, 0x32: 0, 0x33: 0, 0x34: 0, 0x35: 1, 0x36: 0, 0x38: 0, 0x3A: 0, 0x3B: 1, 0x3D: 0,
    0x3F: 1, 0x40: 1, 0x41: 0, 0x42: 0, 0x43: 0, 0x44: 0, 0x45: 0, 0x46: 0, 0x47: 0, 0x48: 0, 0x49: 1,
    0x4A: 0, 0x50: 1, 0x51: 1, 0x54: 1, 0x58: 0, 0x59: 0, 0x5A: 0, 0x5C: 1, 0x5F: 0,
}


class Gen:
    def __init__(self, rng, fork):
        self.r = rng
        self.fork = fork

    def small(self):
        r = self.r.random()
        if r < 0.5:
            return self.r.randrange(0, 64)
        if r < 0.7:
            return self.r.choice([0, 1, 2, 31, 32, 33, 255, 256, 1024, 0xFFFF])
        if r < 0.85:
            return int(self.r.choice(CONTRACTS + PRECOMPILES + [SENDER, COINBASE]), 16)
        if r < 0.92:
            return self.r.getrandbits(256)
        if r < 0.96:  # limbs from boundary values: rare paths of 256-bit division and modular arithmetic
            pool = [0, 1, 2, 2**64 - 1, 2**64 - 2, 2**63, 2**63 - 1, 2**63 + 1, 2**32]
            v = 0
            for _ in range(4):
                v = (v << 64) | (self.r.getrandbits(64) if self.r.random() < 0.3 else self.r.choice(pool))
            return v >> self.r.choice([0, 0, 0, 1, 63, 64, 65, 128, 190])
        return self.r.choice([2**255, 2**256 - 1, 2**64, 2**32 - 1, 2**128])

    def push(self, v):
        if v == 0 and self.fork != "Cancun_no_push0":
            return bytes([0x5F])
        b = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
        return bytes([0x60 + len(b) - 1]) + b

    def mem_off(self):
        return self.r.choice([0, 0, 32, 64, self.r.randrange(0, 300), self.r.randrange(0, 70000)]) \
            if self.r.random() < 0.97 else self.r.choice([2**32, 2**64, 2**256 - 1])

    def mem_len(self):
        return self.r.choice([0, 1, 20, 32, 64, self.r.randrange(0, 200)]) if self.r.random() < 0.97 else 100000

    def addr(self):
        # Prague: also the EIP-7702 authorities (delegated EOAs once an authorization applied).
        extra = auth_addresses() if self.fork == "Prague" else []
        return int(self.r.choice(CONTRACTS + CONTRACTS + PRECOMPILES + extra + [SENDER, COINBASE,
                                 f"0x{self.r.getrandbits(160):040x}"]), 16)

    def gas(self):
        return self.r.choice([0, 100, 2300, 5000, 30000, 100000, 2**64, self.r.randrange(0, 200000)])

    def snippet(self):
        r = self.r.random()
        p = self.push
        out = b""
        if r < 0.30:
            op = self.r.choice(list(SIMPLE))
            for _ in range(SIMPLE[op]):
                out += p(self.small() if op not in (0x31, 0x3B, 0x3F) else self.addr())
            out += bytes([op])
            if self.r.random() < 0.5 and op not in (0x50,):
                out += p(self.r.randrange(0, 8)) + bytes([0x55])  # SSTORE result
        elif r < 0.40:  # SSTORE / TSTORE / SLOAD
            op = self.r.choice([0x55, 0x55, 0x5D, 0x54, 0x5C])
            if op in (0x55, 0x5D):
                out += p(self.r.choice([0, 1, 2, self.small()])) + p(self.r.randrange(0, 8)) + bytes([op])
            else:
                out += p(self.r.randrange(0, 8)) + bytes([op, 0x50])
        elif r < 0.50:  # memory ops
            op = self.r.choice([0x52, 0x53, 0x51, 0x5E, 0x37, 0x39, 0x3E, 0x20])
            if op in (0x52, 0x53):
                out += p(self.small()) + p(self.mem_off()) + bytes([op])
            elif op == 0x51:
                out += p(self.mem_off()) + bytes([op, 0x50])
            elif op == 0x20:
                out += p(self.mem_len()) + p(self.mem_off()) + bytes([op]) + p(self.r.randrange(0, 8)) + bytes([0x55])
            elif op == 0x5E:
                out += p(self.mem_len()) + p(self.mem_off()) + p(self.mem_off()) + bytes([op])
            else:  # CALLDATACOPY / CODECOPY / RETURNDATACOPY: dst, src, len
                out += p(self.mem_len()) + p(self.r.randrange(0, 100)) + p(self.mem_off()) + bytes([op])
        elif r < 0.62:  # calls
            op = self.r.choice([0xF1, 0xF1, 0xF2, 0xF4, 0xFA])
            out += p(self.r.choice([0, 32, 64])) + p(self.r.choice([0, 32])) + p(self.mem_len()) + p(self.r.choice([0, 32]))
            if op in (0xF1, 0xF2):
                out += p(self.r.choice([0, 0, 1, 1000, 10**18]))
            out += p(self.addr()) + p(self.gas()) + bytes([op])
            out += p(self.r.randrange(8, 16)) + bytes([0x55])  # record success
        elif r < 0.68:  # create / create2 with a small initcode written to memory
            init = self.initcode()
            out += p(int.from_bytes(init.ljust(32, b"\0")[:32], "big")) + p(0) + bytes([0x52])
            if self.r.random() < 0.5:
                out += p(min(len(init), 32)) + p(0) + p(self.r.choice([0, 0, 1])) + bytes([0xF0])
            else:
                out += p(self.r.randrange(0, 4)) + p(min(len(init), 32)) + p(0) + p(self.r.choice([0, 1])) + bytes([0xF5])
            out += p(self.r.randrange(16, 20)) + bytes([0x55])
        elif r < 0.76:  # logs
            n = self.r.randrange(0, 5)
            for _ in range(n):
                out += p(self.small())
            out += p(self.mem_len()) + p(self.mem_off()) + bytes([0xA0 + n])
        elif r < 0.80:  # a forward conditional jump over a few bytes
            body = self.r.choice([b"\x01", b"\x5b", bytes([0x60, 0x5b])])
            out += p(self.r.choice([0, 1])) + b""
            # target computed by the assembler pass below
            out += b"\xfe\xfe" + body  # placeholder, replaced by assemble()
        elif r < 0.84:
            out += bytes([self.r.choice([0x80, 0x81, 0x82, 0x90, 0x91, 0x50, 0x58, 0x59, 0x5A, 0x5B, 0x3D])])
        elif r < 0.87:  # blobhash / blockhash / balance of sender
            out += p(self.r.choice([0, 1, 2])) + bytes([self.r.choice([0x49, 0x40])]) + p(20) + bytes([0x55])
        elif r < 0.89:
            out += p(self.addr()) + bytes([0xFF])  # SELFDESTRUCT
        elif r < 0.91:
            out += p(self.mem_len()) + p(self.mem_off()) + bytes([self.r.choice([0xF3, 0xFD])])
        elif r < 0.92:
            out += bytes([self.r.choice([0xFE, 0x0C, 0xEF, 0x00])])
        elif r < 0.95:
            out += p(self.small()) + p(self.small()) + bytes([self.r.choice([0x01, 0x02, 0x04, 0x06, 0x0A, 0x1B, 0x1C, 0x1D])])
            out += p(self.r.randrange(0, 8)) + bytes([0x55])
        elif r < 0.965:
            out += self.precompile_call()
        elif r < 0.98:  # modular and signed arithmetic on structured operands
            op = self.r.choice([0x05, 0x07, 0x08, 0x09, 0x08, 0x09])
            for _ in range(3 if op in (0x08, 0x09) else 2):
                out += p(self.small())
            out += bytes([op]) + p(self.r.randrange(0, 8)) + bytes([0x55])
        else:  # a short backward loop: counter; JUMPDEST ... counter-1, DUP, JUMPI back
            out += b"\xfd\xfd" + bytes([self.r.randrange(1, 6)])  # placeholder, replaced by assemble()
        return out

    def precompile_call(self):
        # Input for one of the precompiles (0x01-0x0a; 0x0b-0x11 from Prague) written to memory [0, n), then a
        # CALL or STATICCALL with random gas; success, RETURNDATASIZE and the first output word are stored.
        p = self.push
        last = 0x11 if self.fork == "Prague" else 0x0A
        idx = self.r.randrange(1, last + 1)
        words = lambda n: b"".join(p(self.r.getrandbits(256)) + p(32 * k) + b"\x52" for k in range(n))
        out = b""
        if idx == 5:  # modexp: base, exponent and modulus lengths, then the numbers
            lens = [self.r.choice([0, 1, 2, 8, 31, 32, 33, 64, self.r.randrange(0, 100)]) for _ in range(3)]
            if self.r.random() < 0.05:
                lens[self.r.randrange(3)] = self.r.choice([2**32, 2**64 - 1, 1024])
            out += words(8)
            for k, v in enumerate(lens):
                out += p(v) + p(32 * k) + b"\x52"
            n = 96 + sum(min(v, 200) for v in lens)
        elif idx == 9:  # blake2f: rounds (4 bytes) | h | m | t | final flag
            out += words(7)
            out += p((self.r.randrange(0, 24) << 224) | self.r.getrandbits(224)) + p(0) + b"\x52"
            out += p(self.r.choice([0, 1, 1, 2])) + p(212) + b"\x53"
            n = self.r.choice([213, 213, 213, 212, 214])
        else:
            base = {1: 128, 2: 64, 3: 64, 4: 64, 6: 128, 7: 96, 8: 192, 10: 192, 11: 256, 12: 160, 13: 512,
                    14: 288, 15: 384, 16: 64, 17: 128}[idx]
            n = base * self.r.choice([0, 1, 1, 1, 2]) + self.r.choice([0, 0, 0, 1, 31])
            out += words(min((n + 31) // 32, 20))
            if idx == 1 and self.r.random() < 0.5:
                out += p(self.r.choice([27, 28])) + p(32) + b"\x52"  # a well-formed v
        op = self.r.choice([0xF1, 0xFA])
        out += p(64) + p(0x800) + p(n) + p(0)
        if op == 0xF1:
            out += p(self.r.choice([0, 0, 1]))
        out += p(idx) + p(self.gas()) + bytes([op])
        out += p(self.r.randrange(20, 24)) + b"\x55"
        out += b"\x3d" + p(self.r.randrange(24, 28)) + b"\x55"  # RETURNDATASIZE
        out += p(0x800) + b"\x51" + p(self.r.randrange(28, 32)) + b"\x55"
        return out

    def initcode(self):
        # Deploys a tiny runtime (or reverts / fails), fitting in 32 bytes.
        kind = self.r.random()
        if kind < 0.6:
            rt = bytes([0x60, self.r.randrange(256), 0x60, 0x00, 0x55, 0x00])  # SSTORE(0, x); STOP
            return bytes([0x60, len(rt), 0x80, 0x60, 0x0C, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3]) + b"\x00" + rt
        if kind < 0.75:
            return bytes([0x60, 0x01, 0x60, 0x00, 0xFD])  # REVERT(0, 1)
        if kind < 0.85:
            return bytes([0x60, 0xEF, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xF3])  # returns 0xEF (EIP-3541)
        return bytes([self.r.randrange(256) for _ in range(self.r.randrange(1, 20))])

    def program(self, n):
        code = b""
        for _ in range(n):
            code += self.snippet()
        return assemble(code, self.r)


def assemble(code, rng):
    # Replace each FE FE placeholder (pushed condition already on the stack) by PUSH2 target, JUMPI, with the
    # target at the following JUMPDEST we insert after the body.
    out = bytearray()
    i = 0
    while i < len(code):
        if code[i] == 0xFD and i + 1 < len(code) and code[i + 1] == 0xFD:
            # PUSH1 n; L: JUMPDEST PUSH1 1 SWAP1 SUB DUP1 PUSH2 L JUMPI POP
            n = code[i + 2]
            out += bytes([0x60, n])
            target = len(out)
            out += bytes([0x5B, 0x60, 0x01, 0x90, 0x03, 0x80, 0x61, target >> 8, target & 0xFF, 0x57, 0x50])
            i += 3
            continue
        if code[i] == 0xFE and i + 1 < len(code) and code[i + 1] == 0xFE:
            body = code[i + 2:i + 3]
            target = len(out) + 4 + len(body)
            out += bytes([0x61, target >> 8, target & 0xFF, 0x57]) + body + b"\x5b"
            i += 3
            continue
        op = code[i]
        if 0x60 <= op <= 0x7F:
            n = op - 0x5F
            out += code[i:i + 1 + n]
            i += 1 + n
            continue
        out.append(op)
        i += 1
    return bytes(out)


def sign_authorization(key, chain_id, address, nonce):
    from coincurve import PrivateKey
    import rlp_min
    msg = b"\x05" + rlp_min.encode([chain_id, bytes.fromhex(address[2:]), nonce])
    from Crypto.Hash import keccak
    h = keccak.new(digest_bits=256, data=msg).digest()
    sig = PrivateKey(key.to_bytes(32, "big")).sign_recoverable(h, hasher=None)
    return {"chainId": hex(chain_id), "address": address, "nonce": hex(nonce), "v": hex(sig[64]),
            "yParity": hex(sig[64]), "r": "0x" + sig[:32].hex(), "s": "0x" + sig[32:64].hex(), "signer": None}


def make_test(rng, fork, name):
    g = Gen(rng, fork)
    pre = {SENDER: {"balance": hex(10**21), "nonce": "0x00", "code": "0x", "storage": {}}}
    for c in CONTRACTS:
        # geth decodes storage keys and values as even-length hex (storageJSON).
        storage = {f"0x{k:064x}": f"0x{rng.choice([1, 2, rng.getrandbits(64)]):064x}" for k in range(8)
                   if rng.random() < 0.3}
        pre[c] = {"balance": hex(rng.choice([0, 0, 1, 10**18])), "nonce": hex(rng.choice([0, 1])),
                  "code": "0x" + g.program(rng.randrange(1, 25)).hex(), "storage": storage}
    tx_type = rng.choice([0, 1, 2, 2] + ([4] if fork == "Prague" else []))
    to = rng.choice(CONTRACTS + CONTRACTS + [None if tx_type != 4 else CONTRACTS[0]] + PRECOMPILES)
    data = bytes(rng.randrange(256) for _ in range(rng.choice([0, 4, 36, 100])))
    if to is None:
        data = g.initcode() + data
    tx = {"nonce": "0x00", "to": to or "", "data": ["0x" + data.hex()],
          "gasLimit": [hex(rng.choice([21000, 60000, 200000, 1000000, 3000000, rng.randrange(21000, 5000000)]))],
          "value": [hex(rng.choice([0, 0, 1, 10**15]))], "secretKey": f"0x{SENDER_KEY:064x}", "sender": SENDER}
    if tx_type in (0, 1):
        tx["gasPrice"] = hex(rng.choice([10, 10, 11, 1000]))
    else:
        tx["maxFeePerGas"] = hex(rng.choice([10, 20, 1000]))
        tx["maxPriorityFeePerGas"] = hex(rng.choice([0, 1, 2, 20]))
    if tx_type >= 1:
        al = []
        for _ in range(rng.randrange(0, 3)):
            al.append({"address": rng.choice(CONTRACTS + PRECOMPILES),
                       "storageKeys": [f"0x{rng.randrange(0, 8):064x}" for _ in range(rng.randrange(0, 3))]})
        tx["accessLists"] = [al]
    if tx_type == 4:
        if rng.random() < 0.3:
            tx["to"] = rng.choice(auth_addresses())  # a call to a (possibly just) delegated account
        auths = []
        from coincurve import PrivateKey
        for k in rng.sample(AUTH_KEYS, rng.randrange(1, 3)):
            addr = "0x" + keccak256(PrivateKey(k.to_bytes(32, "big")).public_key.format(False)[1:])[-20:].hex()
            if addr not in pre and rng.random() < 0.7:
                pre[addr] = {"balance": hex(10**18), "nonce": "0x00", "code": "0x", "storage": {}}
            a = sign_authorization(k, rng.choice([1, 1, 0, 7]), rng.choice(CONTRACTS), rng.choice([0, 0, 1]))
            a["signer"] = addr
            auths.append(a)
        tx["authorizationList"] = auths
    env = {"currentCoinbase": COINBASE, "currentDifficulty": "0x0", "currentGasLimit": "0x1c9c380",
           "currentNumber": "0x1", "currentTimestamp": "0x3e8", "currentBaseFee": "0xa",
           "currentRandom": "0x" + rng.getrandbits(256).to_bytes(32, "big").hex(), "currentExcessBlobGas": "0x0"}
    post = {fork: [{"hash": "0x" + "00" * 32, "logs": "0x" + "00" * 32,
                    "indexes": {"data": 0, "gas": 0, "value": 0}}]}
    return name, {"env": env, "pre": pre, "transaction": tx, "post": post}


_AUTH_ADDRESSES = []


def auth_addresses():
    if not _AUTH_ADDRESSES:
        from coincurve import PrivateKey
        for k in AUTH_KEYS:
            pub = PrivateKey(k.to_bytes(32, "big")).public_key.format(False)[1:]
            _AUTH_ADDRESSES.append("0x" + keccak256(pub)[-20:].hex())
    return _AUTH_ADDRESSES


def keccak256(b):
    from Crypto.Hash import keccak
    return keccak.new(digest_bits=256, data=b).digest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=0)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--fork", default="both", choices=["Prague", "Cancun", "both"])
    ap.add_argument("--build", default=str(ROOT / "build" / "release"))
    ap.add_argument("--out", default=str(ROOT / "build" / "evm-diff"))
    args = ap.parse_args()

    sys.path.insert(0, str(Path(__file__).parent))
    from statetest_batch import run_batch, tools
    ours, geth, out = tools(args.build, args.out)
    rng = random.Random(args.seed)
    forks = ["Prague", "Cancun"] if args.fork == "both" else [args.fork]
    print(f"seed {args.seed}", flush=True)
    deadline = time.time() + args.minutes * 60 if args.minutes else None
    cases = diffs = rounds = 0
    while (deadline and time.time() < deadline) or (not deadline and rounds < args.rounds):
        rounds += 1
        tests = {}
        for i in range(args.batch):
            fork = forks[i % len(forks)]
            n, t = make_test(rng, fork, f"r{rounds}_{i}_{fork}")
            tests[n] = t
        c, d = run_batch(tests, ours, geth, out, f"{args.seed}_{rounds}")
        cases += c
        diffs += d
        print(f"round {rounds}: {cases} cases, {diffs} differences", flush=True)
    print(f"{cases} cases, {diffs} differences")
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
