"""Differential test of the state database (incremental trie, unwinds, eth_getProof-style proofs) against
py-trie (the `trie` package, ethereum's Python Merkle-Patricia trie).

A seeded random scenario of blocks (account updates, deletions, re-creations with storage wipes, storage
writes, code) and unwinds is applied through tests/tools/state_proof_tool.cpp. py-trie computes every state
root from our Python model independently; then account and storage proofs of many (address, slot, block)
triples -- present and absent keys, head and older blocks -- are checked with HexaryTrie.get_from_proof
against py-trie's roots. Needs IGRA_BUILD_DIR pointing at a build with tests/igra-state-proof-tool.
"""
from __future__ import annotations

import copy
import random

import pytest
import rlp
from Crypto.Hash import keccak as _keccak
from trie import HexaryTrie
from trie.exceptions import BadTrieProof

EMPTY_CODE_HASH = bytes.fromhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
N_ADDRESSES = 25
N_SLOTS = 10


def keccak(b: bytes) -> bytes:
    return _keccak.new(digest_bits=256, data=b).digest()


def address(i: int) -> bytes:
    return bytes([0xAB]) + bytes(11) + i.to_bytes(8, "big")


def slot(i: int) -> bytes:
    return i.to_bytes(32, "big")


def storage_root(storage: dict[bytes, int]) -> bytes:
    t = HexaryTrie({})
    for s, v in storage.items():
        if v:
            t[keccak(s)] = rlp.encode(v)
    return t.root_hash


def account_rlp(acc: dict) -> bytes:
    return rlp.encode([acc["nonce"], acc["balance"], storage_root(acc["storage"]), acc["code_hash"]])


def state_root(state: dict[bytes, dict]) -> bytes:
    t = HexaryTrie({})
    for a, acc in state.items():
        t[keccak(a)] = account_rlp(acc)
    return t.root_hash


def random_block(rng: random.Random):
    """A block (request for the tool) and a function applying it to a model state."""
    accounts, storage = [], []
    for _ in range(rng.randrange(5)):
        a = address(rng.randrange(N_ADDRESSES))
        kind = rng.randrange(10)
        entry = {"address": "0x" + a.hex()}
        if kind < 2:
            entry["delete"] = True
        else:
            entry.update(nonce=rng.randrange(100), balance=hex(rng.randrange(1, 1 << 100)))
            if rng.randrange(4) == 0:
                entry["code"] = "0x" + rng.randbytes(rng.randrange(1, 50)).hex()
            if kind >= 8:
                entry["wipe"] = True
        accounts.append(entry)
    written = set()
    for _ in range(rng.randrange(14)):
        a = address(rng.randrange(N_ADDRESSES))
        v = 0 if rng.randrange(4) == 0 else rng.randrange(1, 1 << rng.choice([8, 64, 256]))
        storage.append({"address": "0x" + a.hex(), "slot": "0x" + slot(rng.randrange(N_SLOTS)).hex(), "value": hex(v)})
        written.add(a)
    for a in sorted(written):  # storage writes need the account to exist after the block
        accounts.append({"address": "0x" + a.hex(), "nonce": 1, "balance": hex(rng.randrange(1, 1000))})
    return {"op": "apply", "accounts": accounts, "storage": storage}


def apply_model(state: dict[bytes, dict], req: dict) -> dict[bytes, dict]:
    state = copy.deepcopy(state)
    last, wipe = {}, set()
    for e in req["accounts"]:
        a = bytes.fromhex(e["address"][2:])
        last[a] = e
        if e.get("delete") or e.get("wipe"):
            wipe.add(a)
    for a, e in last.items():
        old_storage = {} if a in wipe or a not in state else state[a]["storage"]
        if e.get("delete"):
            state.pop(a, None)
            continue
        code_hash = keccak(bytes.fromhex(e["code"][2:])) if "code" in e else EMPTY_CODE_HASH
        state[a] = {"nonce": e["nonce"], "balance": int(e["balance"], 16), "code_hash": code_hash,
                    "storage": old_storage}
    for s in req["storage"]:
        a = bytes.fromhex(s["address"][2:])
        k = bytes.fromhex(s["slot"][2:])
        v = int(s["value"], 16)
        if v:
            state[a]["storage"][k] = v
        else:
            state[a]["storage"].pop(k, None)
    return state


def decode_nodes(hex_nodes: list[str]) -> list:
    return [rlp.decode(bytes.fromhex(n[2:])) for n in hex_nodes]


@pytest.fixture(scope="module")
def scenario(tool_factory):
    tool = tool_factory("state-proof")
    rng = random.Random(20261121)
    requests, snapshots, expected_roots = [], [], []
    state: dict[bytes, dict] = {}
    for step in range(120):
        if len(snapshots) > 10 and rng.randrange(8) == 0:
            target = len(snapshots) - 1 - rng.randrange(1, 8)
            requests.append({"op": "unwind", "block": target})
            del snapshots[target + 1:]
            state = snapshots[-1]
            expected_roots.append(None)
            continue
        req = random_block(rng)
        state = apply_model(state, req)
        snapshots.append(state)
        requests.append(req)
        expected_roots.append(state_root(state))
    head = len(snapshots) - 1
    queries = []
    for _ in range(150):
        b = head - rng.randrange(min(40, head + 1))
        a = address(rng.randrange(N_ADDRESSES + 3))  # a few never-created addresses
        slots = [slot(rng.randrange(N_SLOTS + 2)) for _ in range(3)]
        queries.append((b, a, slots))
        requests.append({"op": "proof", "address": "0x" + a.hex(), "slots": ["0x" + s.hex() for s in slots],
                         "block": b})
    responses = tool.run(requests)
    return requests, responses, expected_roots, snapshots, queries


def test_roots_match_py_trie_after_every_block_and_unwind(scenario):
    requests, responses, expected_roots, _, _ = scenario
    applied = 0
    for req, resp, root in zip(requests, responses, expected_roots):
        assert "error" not in resp, resp
        if req["op"] == "apply":
            assert resp["root"] == "0x" + root.hex(), f"block {resp['block']}"
            applied += 1
    assert applied >= 100


def test_account_and_storage_proofs_verify_with_py_trie(scenario):
    requests, responses, _, snapshots, queries = scenario
    proof_responses = responses[len(responses) - len(queries):]
    present = absent = slots_checked = 0
    for (b, a, slots), resp in zip(queries, proof_responses):
        assert "error" not in resp, resp
        state = snapshots[b]
        root = state_root(state)
        assert resp["root"] == "0x" + root.hex()
        got = HexaryTrie.get_from_proof(root, keccak(a), decode_nodes(resp["accountProof"]))
        if a in state:
            assert got == account_rlp(state[a])
            assert resp["exists"] and resp["nonce"] == state[a]["nonce"]
            present += 1
        else:
            assert got == b""
            assert not resp["exists"]
            absent += 1
        sroot = storage_root(state[a]["storage"]) if a in state else HexaryTrie.BLANK_NODE_HASH
        assert resp["storageHash"] == "0x" + sroot.hex()
        for s, sp in zip(slots, resp["storageProof"]):
            value = state[a]["storage"].get(s, 0) if a in state else 0
            got = HexaryTrie.get_from_proof(sroot, keccak(s), decode_nodes(sp["proof"]))
            assert got == (rlp.encode(value) if value else b"")
            assert (int(sp["value"], 16) if sp["value"] != "0x" else 0) == value
            slots_checked += 1
    assert present > 50 and absent > 5 and slots_checked >= 400


def test_tampered_proof_is_rejected(scenario):
    """The verifier is not a rubber stamp: a proof with one node altered fails against the true root."""
    requests, responses, _, snapshots, queries = scenario
    proof_responses = responses[len(responses) - len(queries):]
    for (b, a, _), resp in zip(queries, proof_responses):
        if a in snapshots[b] and len(resp["accountProof"]) >= 2:
            nodes = decode_nodes(resp["accountProof"])
            leaf = nodes[-1]
            leaf[-1] = leaf[-1][:-1] + bytes([leaf[-1][-1] ^ 1])
            with pytest.raises(BadTrieProof):
                HexaryTrie.get_from_proof(state_root(snapshots[b]), keccak(a), nodes)
            return
    pytest.fail("no suitable proof found")
