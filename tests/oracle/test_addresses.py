"""Differential tests: our Kaspa addresses, standard scripts and script builder against the `kaspa` Python SDK
v2.1.0 (rusty-kaspa bindings).

Our side is <build>/tests/igra-kaspa-script-tool (tests/tools/kaspa_script_tool.cpp), JSON lines in and out.

Findings about the oracle (SDK 2.1.0, a Toccata-era rusty-kaspa tree):
  * Networks are named "mainnet", "testnet", "simnet", "devnet" (prefixes kaspa, kaspatest, kaspasim, kaspadev).
  * kaspa.PublicKey(hex) accepts a 33-byte compressed key; .to_address(net) is the Schnorr P2PK address of its
    x-only part, .to_address_ecdsa(net) the ECDSA one. A bare 32-byte x-only hex string is rejected.
  * kaspa.create_multisig_address(m, [PublicKey], net, ecdsa) builds OP_m <keys> OP_n OP_CHECKMULTISIG(ECDSA) and
    returns the P2SH address. It accepts more than 20 keys (unspendable); our builder rejects n > 20, so only
    n <= 20 is compared. With a single key it returns that key's P2PK address instead of a 1-of-1 P2SH (a
    wallet convenience), so only n >= 2 is compared.
  * kaspa.ScriptBuilder follows the HEAD limits (1,000,000 bytes), not v1.1.0's 520-byte element / 10,000-byte
    script limits that our builder enforces, so only data within the v1.1.0 limits is compared.
  * ScriptBuilder.add_data(b"\\x00") gives OP_DATA_1 0x00 (HEAD). rusty-kaspa v1.1.0 gave OP_0; we follow HEAD.
  * kaspa.Address(s) / Address.validate(s) reject upper-case addresses; we accept all-upper-case (CashAddr rule),
    so case variants are not compared.
"""
from __future__ import annotations

import random

import kaspa
import pytest

NETWORKS = {"mainnet": "kaspa", "testnet": "kaspatest", "simnet": "kaspasim", "devnet": "kaspadev"}
N_KEYS = 1000


@pytest.fixture(scope="module")
def tool(tool_factory):
    return tool_factory("kaspa-script")


@pytest.fixture(scope="module")
def rng():
    return random.Random(0x16A5C81)


@pytest.fixture(scope="module")
def secrets(rng):
    out = []
    while len(out) < N_KEYS:
        s = rng.getrandbits(256).to_bytes(32, "big").hex()
        try:
            kaspa.PrivateKey(s)
        except Exception:  # out of range (astronomically unlikely)
            continue
        out.append(s)
    return out


def test_public_keys_and_p2pk_addresses(tool, secrets):
    ours = tool.run([{"op": "keys", "secret": s} for s in secrets])
    requests, expected = [], []
    for s, mine in zip(secrets, ours):
        assert "error" not in mine, mine
        pub = kaspa.PrivateKey(s).to_public_key()
        assert mine["compressed"] == pub.to_string()
        assert mine["xonly"] == pub.to_x_only_public_key().to_string()
        for net, prefix in NETWORKS.items():
            requests.append({"op": "address", "prefix": prefix, "version": 0, "payload": mine["xonly"]})
            expected.append(pub.to_address(net).to_string())
            requests.append({"op": "address", "prefix": prefix, "version": 1, "payload": mine["compressed"]})
            expected.append(pub.to_address_ecdsa(net).to_string())
    got = tool.run(requests)
    assert len(got) == 8 * N_KEYS
    for req, exp, g in zip(requests, expected, got):
        assert g.get("address") == exp, (req, g)


def test_decode_and_script_public_keys(tool, secrets):
    # Addresses produced by the SDK: decode, address -> SPK, SPK -> address, classification.
    addrs = []
    for i, s in enumerate(secrets[:300]):
        pub = kaspa.PrivateKey(s).to_public_key()
        net = list(NETWORKS)[i % 4]
        addrs.append((net, pub.to_address(net)))
        addrs.append((net, pub.to_address_ecdsa(net)))
    requests = []
    for net, a in addrs:
        requests.append({"op": "decode", "address": a.to_string()})
        requests.append({"op": "address_spk", "address": a.to_string()})
    got = tool.run(requests)
    spk_requests = []
    for k, (net, a) in enumerate(addrs):
        dec, spk = got[2 * k], got[2 * k + 1]
        assert dec["prefix"] == a.prefix and NETWORKS[net] == a.prefix
        assert dec["version"] == {"PubKey": 0, "PubKeyECDSA": 1, "ScriptHash": 8}[a.version]
        sdk_spk = kaspa.pay_to_address_script(a)
        assert spk["version"] == sdk_spk.version
        assert spk["script"] == sdk_spk.script
        spk_requests.append({"op": "spk_address", "version": sdk_spk.version, "script": sdk_spk.script,
                             "prefix": NETWORKS[net]})
        spk_requests.append({"op": "classify", "version": sdk_spk.version, "script": sdk_spk.script})
    got = tool.run(spk_requests)
    for k, (net, a) in enumerate(addrs):
        sdk_spk = kaspa.pay_to_address_script(a)
        assert got[2 * k]["address"] == kaspa.address_from_script_public_key(sdk_spk, net).to_string()
        expected_class = "pubkey" if kaspa.is_script_pay_to_pubkey(bytes.fromhex(sdk_spk.script)) else "pubkeyecdsa"
        assert got[2 * k + 1]["class"] == expected_class


def test_p2sh_addresses_random_redeem_scripts(tool, rng):
    requests, expected = [], []
    for i in range(400):
        redeem = rng.randbytes(rng.choice([0, 1, 2, 33, 75, 76, 255, 256, 520, rng.randrange(1, 521)]))
        net = list(NETWORKS)[i % 4]
        sdk_spk = kaspa.pay_to_script_hash_script(redeem)
        requests.append({"op": "p2sh", "redeem": redeem.hex(), "prefix": NETWORKS[net]})
        expected.append((sdk_spk.script, kaspa.address_from_script_public_key(sdk_spk, net).to_string()))
    for req, (spk, addr), g in zip(requests, expected, tool.run(requests)):
        assert g.get("spk") == spk, req
        assert g.get("address") == addr, req


def test_multisig_addresses(tool, secrets, rng):
    pubs = [kaspa.PrivateKey(s).to_public_key() for s in secrets]
    requests, expected = [], []
    for i in range(300):
        n = rng.randint(2, 20)
        m = rng.randint(0, n)
        ecdsa = bool(i % 2)
        net = list(NETWORKS)[i % 4]
        keys = rng.sample(pubs, n)
        hexkeys = [k.to_string() if ecdsa else k.to_x_only_public_key().to_string() for k in keys]
        requests.append({"op": "multisig", "required": m, "keys": hexkeys, "ecdsa": ecdsa, "prefix": NETWORKS[net]})
        expected.append(kaspa.create_multisig_address(m, keys, net, ecdsa).to_string())
    got = tool.run(requests)
    for req, exp, g in zip(requests, expected, got):
        assert "error" not in g, (req, g)
        assert g["address"] == exp, req
        # The redeem script also equals the SDK ScriptBuilder's canonical encoding.
        sb = kaspa.ScriptBuilder()
        sb.add_i64(req["required"])
        for k in req["keys"]:
            sb.add_data(bytes.fromhex(k))
        sb.add_i64(len(req["keys"]))
        sb.add_op(0xa9 if req["ecdsa"] else 0xae)
        assert g["redeem"] == sb.to_string()
        assert g["spk"] == kaspa.pay_to_script_hash_script(bytes.fromhex(g["redeem"])).script


def test_cltv_multisig_redeem_scripts(tool, secrets, rng):
    xonly = [kaspa.PrivateKey(s).to_public_key().to_x_only_public_key().to_string() for s in secrets[:50]]
    lock_times = [0, 1, 16, 17, 255, 1000, 499_999_999_999, 500_000_000_000, 1_775_001_600_000, 2**64 - 1]
    lock_times += [rng.getrandbits(rng.randint(1, 64)) for _ in range(40)]
    requests, expected = [], []
    for lt in lock_times:
        keys = rng.sample(xonly, 5)
        requests.append({"op": "multisig", "required": 3, "keys": keys, "prefix": "kaspa", "lock_time": lt})
        sb = kaspa.ScriptBuilder()
        sb.add_lock_time(lt)
        sb.add_op(0xb0)  # OP_CHECKLOCKTIMEVERIFY (pops its operand: no OP_DROP)
        sb.add_i64(3)
        for k in keys:
            sb.add_data(bytes.fromhex(k))
        sb.add_i64(5)
        sb.add_op(0xae)
        expected.append(sb.to_string())
    for req, exp, g in zip(requests, expected, tool.run(requests)):
        assert g.get("redeem") == exp, req
        spk = kaspa.pay_to_script_hash_script(bytes.fromhex(exp))
        assert g["spk"] == spk.script
        assert g["address"] == kaspa.address_from_script_public_key(spk, "mainnet").to_string()


def _random_items(rng):
    items = []
    for _ in range(rng.randint(1, 12)):
        kind = rng.randrange(5)
        if kind == 0:
            items.append({"op": rng.randrange(256)})
        elif kind == 1:
            n = rng.choice([0, 1, 1, 1, 2, 75, 76, 255, 256, 520, rng.randrange(0, 521)])
            data = rng.randbytes(n)
            if n == 1 and rng.random() < 0.5:
                data = bytes([rng.choice([0, 1, 16, 17, 0x80, 0x81, 0xff])])
            items.append({"data": data.hex()})
        elif kind == 2:
            v = rng.choice([0, -1, 1, 16, 17, -2, 127, 128, -128, 255, 256, 2**31 - 1, -(2**31), 2**63 - 1,
                            -(2**63 - 1), rng.randint(-(2**63 - 1), 2**63 - 1), rng.randint(-1000, 1000)])
            items.append({"i64": v})
        elif kind == 3:
            items.append({"lock_time": rng.getrandbits(rng.randint(0, 64))})
        else:
            items.append({"sequence": rng.getrandbits(rng.randint(0, 64))})
    return items


def test_script_builder_matches_sdk(tool, rng):
    cases = [_random_items(rng) for _ in range(1000)]
    expected = []
    for items in cases:
        sb = kaspa.ScriptBuilder()
        for it in items:
            if "op" in it:
                sb.add_op(it["op"])
            elif "data" in it:
                sb.add_data(bytes.fromhex(it["data"]))
            elif "i64" in it:
                sb.add_i64(it["i64"])
            elif "lock_time" in it:
                sb.add_lock_time(it["lock_time"])
            else:
                sb.add_sequence(it["sequence"])
        expected.append(sb.to_string())
    got = tool.run([{"op": "build", "items": items} for items in cases])
    for items, exp, g in zip(cases, expected, got):
        assert g.get("script") == exp, items


def test_script_builder_v110_limits(tool):
    # Beyond v1.1.0's limits our builder fails (the SDK, at HEAD limits, does not).
    g = tool.one({"op": "build", "items": [{"data": "01" * 521}]})
    assert "error" in g and "521" in g["error"]
    g = tool.one({"op": "build", "items": [{"op": 0x61}] * 10_001})
    assert "error" in g
    g = tool.one({"op": "build", "items": [{"i64": -(2**63)}]})
    assert "error" in g


def test_p2sh_signature_scripts(tool, rng):
    requests, expected = [], []
    for _ in range(200):
        redeem = rng.randbytes(rng.choice([1, 34, 75, 76, 200, 255, 256, 520]))
        sig = rng.randbytes(rng.choice([0, 65, 66 * 2]))
        requests.append({"op": "p2sh_sig", "redeem": redeem.hex(), "signature": sig.hex()})
        expected.append(kaspa.pay_to_script_hash_signature_script(redeem, sig.hex()))
    for req, exp, g in zip(requests, expected, tool.run(requests)):
        assert g.get("script") == exp, req


def test_classification_of_random_scripts(tool, rng):
    scripts = []
    for _ in range(500):
        shape = rng.randrange(4)
        if shape == 0:
            s = bytes([0x20]) + rng.randbytes(32) + bytes([rng.choice([0xac, 0xab, 0x87])])
        elif shape == 1:
            s = bytes([0x21]) + rng.randbytes(33) + bytes([rng.choice([0xab, 0xac])])
        elif shape == 2:
            s = bytes([0xaa, rng.choice([0x20, 0x21])]) + rng.randbytes(32) + bytes([rng.choice([0x87, 0x88])])
        else:
            s = rng.randbytes(rng.randrange(0, 40))
        scripts.append(s)
    got = tool.run([{"op": "classify", "version": 0, "script": s.hex()} for s in scripts])
    for s, g in zip(scripts, got):
        if kaspa.is_script_pay_to_pubkey(s):
            exp = "pubkey"
        elif kaspa.is_script_pay_to_pubkey_ecdsa(s):
            exp = "pubkeyecdsa"
        elif kaspa.is_script_pay_to_script_hash(s):
            exp = "scripthash"
        else:
            exp = "nonstandard"
        assert g["class"] == exp, s.hex()


def test_decode_rejections_agree(tool, secrets, rng):
    # Lower-case single-character corruptions of valid addresses: we accept exactly what the SDK accepts.
    charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    others = "bio1-_:Z!"
    cases = []
    for s in secrets[:200]:
        pub = kaspa.PrivateKey(s).to_public_key()
        a = rng.choice([pub.to_address, pub.to_address_ecdsa])(rng.choice(list(NETWORKS))).to_string()
        colon = a.index(":")
        i = rng.randrange(colon + 1, len(a))
        c = rng.choice(charset + others)
        cases.append(a[:i] + c + a[i + 1:])
        cases.append(a[: rng.randrange(colon + 1, len(a))])  # truncated
        cases.append(a.replace(":", "", 1))  # no separator
    got = tool.run([{"op": "decode", "address": c} for c in cases])
    for c, g in zip(cases, got):
        assert ("error" not in g) == kaspa.Address.validate(c), (c, g)
