"""Reorg-correct notifications: logs of L2 blocks unwound by a Kaspa reorg are re-sent with "removed": true
before their replacements, over a real WebSocket subscription and through an eth_newFilter poll.

`igrad dev` is driven with its development control igra_devReorg(depth): the embedded simnet flips its selected
chain `depth` blocks below the sink, the node unwinds the L2 blocks anchored on the removed chain blocks and
re-derives; the L1 transaction carrying our L2 transaction is merged again by the new chain, so the same L2
transaction is executed again in a later block.
"""
import asyncio
import json
import time

import pytest
import websockets

import igrad_dev


def emit_call(node, key, nonce, contract):
    raw = igrad_dev.sign_tx(key, {"type": 2, "nonce": nonce, "maxPriorityFeePerGas": 10**9, "maxFeePerGas": 10**10,
                                  "gas": 100_000, "to": contract, "data": b"\x00"})
    return node.result("eth_sendRawTransaction", ["0x" + raw.hex()])


@pytest.fixture(scope="module")
def node():
    n = igrad_dev.IgradDev().start()
    yield n
    n.stop()


async def collect(ws_url, sub_params, node, action, until, timeout=60.0):
    """Subscribes, runs action() (in a thread), then collects notifications until until(list) is true."""
    async with websockets.connect(ws_url, max_size=None) as ws:
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": sub_params}))
        sub_id = json.loads(await ws.recv())["result"]
        got = []
        task = asyncio.get_running_loop().run_in_executor(None, action)
        deadline = time.time() + timeout
        while time.time() < deadline and not until(got):
            try:
                msg = json.loads(await asyncio.wait_for(ws.recv(), timeout=1.0))
            except asyncio.TimeoutError:
                continue
            assert msg["method"] == "eth_subscription"
            assert msg["params"]["subscription"] == sub_id
            got.append(msg["params"]["result"])
        await task
        return got


def test_removed_logs_are_resent_before_their_replacement(node):
    addr, key = node.accounts[3]
    nonce = int(node.result("eth_getTransactionCount", [addr, "pending"]), 16)
    h = node.result("eth_sendRawTransaction", ["0x" + igrad_dev.sign_tx(key, {
        "type": 2, "nonce": nonce, "maxPriorityFeePerGas": 10**9, "maxFeePerGas": 10**10, "gas": 200_000,
        "to": None, "data": igrad_dev.deploy_code(igrad_dev.emit_contract_runtime())}).hex()])
    contract = node.wait_receipt(h)["contractAddress"]
    nonce += 1
    flt = node.result("eth_newFilter", [{"address": contract}])
    state = {}

    def action():
        tx = emit_call(node, key, nonce, contract)
        state["tx"] = tx
        first = node.wait_receipt(tx)
        state["first_block"] = first["blockNumber"]
        # Wait for a few more blocks so that the reorg depth is known to cover the log's block.
        node.wait_block(int(first["blockNumber"], 16) + 2)
        head_before = node.block_number()
        depth = (head_before - int(first["blockNumber"], 16) + 2) * 10 + 5  # Kaspa chain blocks (10 per window)
        state["reorg"] = node.result("igra_devReorg", [depth])

    ws_url = node.url.replace("http://", "ws://")
    got = asyncio.run(collect(ws_url, ["logs", {"address": contract}], node, action,
                              until=lambda g: any(x["removed"] for x in g) and g and not g[-1]["removed"]))
    assert state["reorg"]["removedChainBlocks"] > 0, state
    removed = [x for x in got if x["removed"]]
    assert removed, got
    # The first notification is the original log; its removal comes before the replacement.
    assert got[0]["removed"] is False and got[0]["transactionHash"] == state["tx"]
    assert got[0]["blockNumber"] == state["first_block"]
    first_removed = got.index(removed[0])
    assert removed[0]["transactionHash"] == state["tx"]
    assert removed[0]["blockHash"] == got[0]["blockHash"]
    replacement = got[-1]
    assert replacement["removed"] is False and replacement["transactionHash"] == state["tx"]
    assert got.index(replacement) > first_removed
    # The canonical chain now has the transaction in the replacement block.
    receipt = node.wait_receipt(state["tx"])
    assert receipt["blockHash"] == replacement["blockHash"]
    assert node.result("eth_getBlockByHash", [got[0]["blockHash"], False]) is None or \
        got[0]["blockHash"] == replacement["blockHash"]
    # The polling filter saw the same sequence: added, removed, added again.
    changes = node.result("eth_getFilterChanges", [flt])
    flags = [c["removed"] for c in changes if c["transactionHash"] == state["tx"]]
    assert flags[:1] == [False] and True in flags and flags[-1] is False, changes


def test_new_heads_follow_the_reorged_chain(node):
    def action():
        node.wait_block(node.block_number() + 2)
        node.result("igra_devReorg", [30])
        node.wait_block(node.block_number() + 3)

    heads = asyncio.run(collect(node.url.replace("http://", "ws://"), ["newHeads"], node, action,
                                until=lambda g: len(g) >= 8, timeout=60))
    assert len(heads) >= 4
    # Each head's parent is the previous head or an earlier block (after an unwind the numbers step back).
    numbers = [int(h["number"], 16) for h in heads]
    assert any(b <= a for a, b in zip(numbers, numbers[1:])), numbers  # the reorg shows as a step back
    final = heads[-1]
    assert node.result("eth_getBlockByNumber", [final["number"], False])["hash"] == final["hash"]
