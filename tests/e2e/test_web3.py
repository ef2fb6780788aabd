# End-to-end tests with web3.py against `igrad dev` (fixtures in conftest.py): transfers with exact balance
# deltas, an ERC-20 and a contract with events, revert strings, custom errors and panics, receipts, logs,
# estimates, filters, pending nonces, transaction and block objects.
#
# Run: .venv/bin/python -m pytest -q tests/e2e/test_web3.py   (IGRAD=path/to/igrad to choose the binary)
import time

import pytest
from eth_abi import decode as abi_decode
from eth_account import Account as EA
from eth_abi import encode as abi_encode
from eth_utils import function_signature_to_4byte_selector, keccak, to_checksum_address
from web3 import Web3
from web3.exceptions import BlockNotFound, ContractCustomError, ContractLogicError, ContractPanicError
from web3.utils.address import get_create_address

from conftest import CHAIN_ID

ETHER = 10**18
GWEI = 10**9
RECEIPT_TIMEOUT_S = 30

# Accounts by role, so that balance checks of one test are not disturbed by another's transactions.
DEPLOYER, LEGACY, DYNAMIC, EVENTS, NONCES, RECEIVER, REORG, UNTOUCHED = 0, 1, 2, 3, 4, 5, 8, 9


def new_address(w3, tag):
    return to_checksum_address(keccak(text=f"igra-e2e-{tag}-{time.time_ns()}")[:20])


def send(w3, acct, tx):
    """Signs tx (with chainId, nonce from the pending count, fees and gas filled when missing) and sends it."""
    tx = dict(tx)
    tx.setdefault("chainId", CHAIN_ID)
    tx.setdefault("from", acct.address)
    tx.setdefault("nonce", w3.eth.get_transaction_count(acct.address, "pending"))
    if "gasPrice" not in tx and "maxFeePerGas" not in tx:
        prio = w3.eth.max_priority_fee
        tx["maxPriorityFeePerGas"] = prio
        tx["maxFeePerGas"] = 2 * w3.eth.get_block("latest")["baseFeePerGas"] + prio
    if "gas" not in tx:
        tx["gas"] = w3.eth.estimate_gas(tx)
    signed = acct.sign_transaction(tx)
    h = w3.eth.send_raw_transaction(signed.raw_transaction)
    assert h == signed.hash
    return h


def wait(w3, h):
    return w3.eth.wait_for_transaction_receipt(h, timeout=RECEIPT_TIMEOUT_S, poll_latency=0.1)


def poll_until(fn, what, timeout=RECEIPT_TIMEOUT_S, interval=0.1):
    deadline = time.monotonic() + timeout
    while True:
        r = fn()
        if r:
            return r
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def rpc_error(w3, method, params):
    """The raw JSON-RPC error object of a call that must fail."""
    resp = w3.provider.make_request(method, params)
    assert "error" in resp, f"{method} {params} unexpectedly succeeded: {resp}"
    return resp["error"]


# ---- chain and accounts -------------------------------------------------------------------------------------

def test_chain_id(w3):
    assert w3.eth.chain_id == CHAIN_ID
    assert w3.net.version == str(CHAIN_ID)
    assert w3.eth.block_number >= 0
    assert isinstance(w3.client_version, str) and w3.client_version


def test_dev_accounts_are_funded(w3, accounts):
    assert len(accounts) == 10
    EA.enable_unaudited_hdwallet_features()
    mnemonic = "test test test test test test test test test test test junk"
    for i, a in enumerate(accounts):
        assert EA.from_mnemonic(mnemonic, account_path=f"m/44'/60'/0'/0/{i}").address == a.address
        assert w3.eth.get_balance(a.address, 0) == 10_000 * ETHER
    assert w3.eth.get_balance(accounts[UNTOUCHED].address) == 10_000 * ETHER
    assert w3.eth.get_transaction_count(accounts[UNTOUCHED].address) == 0


def test_fee_fields(w3):
    assert w3.eth.max_priority_fee >= GWEI
    latest = w3.eth.get_block("latest")
    assert latest["baseFeePerGas"] >= 0
    assert w3.eth.gas_price >= GWEI
    hist = w3.eth.fee_history(4, "latest", [50])
    assert len(hist["baseFeePerGas"]) == len(hist["gasUsedRatio"]) + 1


# ---- ETH transfers --------------------------------------------------------------------------------------------

def check_transfer(w3, sender, to, value, receipt):
    n = receipt["blockNumber"]
    cost = receipt["gasUsed"] * receipt["effectiveGasPrice"]
    assert receipt["status"] == 1
    assert receipt["gasUsed"] == 21_000
    assert w3.eth.get_balance(sender, n - 1) - w3.eth.get_balance(sender, n) == value + cost
    assert w3.eth.get_balance(to, n) == value
    assert w3.eth.get_balance(to, n - 1) == 0


def test_legacy_transfer(w3, accounts):
    a = accounts[LEGACY]
    to = new_address(w3, "legacy")
    value = 12_345 * GWEI
    price = w3.eth.gas_price
    before = w3.eth.get_balance(a.address)
    h = send(w3, a, {"to": to, "value": value, "gas": 21_000, "gasPrice": price})
    r = wait(w3, h)
    assert r["type"] == 0
    assert r["effectiveGasPrice"] == price
    assert r["from"] == a.address and r["to"] == to
    assert r["contractAddress"] is None
    check_transfer(w3, a.address, to, value, r)
    assert before - w3.eth.get_balance(a.address) == value + 21_000 * price
    tx = w3.eth.get_transaction(h)
    assert tx["type"] == 0 and tx["gasPrice"] == price and tx["value"] == value and tx["chainId"] == CHAIN_ID
    assert tx["v"] in (2 * CHAIN_ID + 35, 2 * CHAIN_ID + 36)  # EIP-155


def test_eip1559_transfer(w3, accounts):
    a = accounts[DYNAMIC]
    to = new_address(w3, "dynamic")
    value = ETHER // 3
    prio = w3.eth.max_priority_fee
    max_fee = 2 * w3.eth.get_block("latest")["baseFeePerGas"] + prio
    before = w3.eth.get_balance(a.address)
    h = send(w3, a, {"to": to, "value": value, "maxPriorityFeePerGas": prio, "maxFeePerGas": max_fee, "type": 2})
    r = wait(w3, h)
    assert r["type"] == 2
    base = w3.eth.get_block(r["blockNumber"])["baseFeePerGas"]
    assert r["effectiveGasPrice"] == min(max_fee, base + prio)
    check_transfer(w3, a.address, to, value, r)
    assert before - w3.eth.get_balance(a.address) == value + 21_000 * r["effectiveGasPrice"]


def test_pending_nonce_three_back_to_back(w3, accounts):
    a = accounts[NONCES]
    start = w3.eth.get_transaction_count(a.address, "latest")
    to = new_address(w3, "nonces")
    hashes, nonces = [], []
    for i in range(3):
        nonce = w3.eth.get_transaction_count(a.address, "pending")
        nonces.append(nonce)
        hashes.append(send(w3, a, {"to": to, "value": 1000 + i, "gas": 21_000, "nonce": nonce}))
    assert nonces == [start, start + 1, start + 2]
    receipts = [wait(w3, h) for h in hashes]
    assert all(r["status"] == 1 for r in receipts)
    assert w3.eth.get_transaction_count(a.address, "latest") == start + 3
    assert w3.eth.get_transaction_count(a.address, "pending") == start + 3
    assert w3.eth.get_balance(to) == 1000 + 1001 + 1002
    # Ordered by nonce: by block, then by index within a block.
    places = [(r["blockNumber"], r["transactionIndex"]) for r in receipts]
    assert places == sorted(places)


# ---- ERC-20 ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def token(w3, accounts, artifacts):
    a = accounts[DEPLOYER]
    factory = w3.eth.contract(abi=artifacts["Token"]["abi"], bytecode=artifacts["Token"]["bytecode"])
    ctor = factory.constructor("Igra Test", "IGT", 1_000_000 * ETHER)
    estimate = ctor.estimate_gas({"from": a.address})
    nonce = w3.eth.get_transaction_count(a.address, "pending")
    tx = ctor.build_transaction({"from": a.address, "nonce": nonce, "gas": estimate, "chainId": CHAIN_ID})
    h = send(w3, a, tx)
    r = wait(w3, h)
    assert r["status"] == 1
    assert r["contractAddress"] == get_create_address(a.address, nonce)
    assert r["to"] is None
    assert r["gasUsed"] <= estimate
    c = w3.eth.contract(address=r["contractAddress"], abi=artifacts["Token"]["abi"])
    return {"contract": c, "receipt": r, "estimate": estimate}


def test_token_deployed(w3, accounts, token):
    c = token["contract"]
    assert len(w3.eth.get_code(c.address)) > 0
    assert c.functions.name().call() == "Igra Test"
    assert c.functions.symbol().call() == "IGT"
    assert c.functions.decimals().call() == 18
    assert c.functions.totalSupply().call() == 1_000_000 * ETHER
    # The mint event of the constructor.
    (ev,) = c.events.Transfer().process_receipt(token["receipt"])
    assert ev["args"]["from"] == "0x" + "00" * 20
    assert ev["args"]["to"] == accounts[DEPLOYER].address
    assert ev["args"]["value"] == 1_000_000 * ETHER
    assert ev["address"] == c.address


def token_transfer(w3, token, sender, to, amount):
    c = token["contract"]
    fn = c.functions.transfer(to, amount)
    estimate = fn.estimate_gas({"from": sender.address})
    tx = fn.build_transaction({"from": sender.address, "gas": estimate, "chainId": CHAIN_ID,
                               "nonce": w3.eth.get_transaction_count(sender.address, "pending")})
    r = wait(w3, send(w3, sender, tx))
    assert r["status"] == 1
    assert r["gasUsed"] <= estimate
    return r


def test_token_transfer_receipt_and_logs(w3, accounts, token):
    c = token["contract"]
    a, b = accounts[DEPLOYER], accounts[RECEIVER]
    before_a = c.functions.balanceOf(a.address).call()
    before_b = c.functions.balanceOf(b.address).call()
    r = token_transfer(w3, token, a, b.address, 777 * ETHER)
    assert c.functions.balanceOf(a.address).call() == before_a - 777 * ETHER
    assert c.functions.balanceOf(b.address).call() == before_b + 777 * ETHER
    # balanceOf at the blocks around the transfer.
    n = r["blockNumber"]
    assert c.functions.balanceOf(b.address).call(block_identifier=n) == before_b + 777 * ETHER
    assert c.functions.balanceOf(b.address).call(block_identifier=n - 1) == before_b
    (ev,) = c.events.Transfer().process_receipt(r)
    assert ev["args"] == {"from": a.address, "to": b.address, "value": 777 * ETHER}
    assert ev["transactionHash"] == r["transactionHash"]
    assert ev["blockHash"] == r["blockHash"] and ev["blockNumber"] == n
    (log,) = r["logs"]
    assert log["address"] == c.address
    assert log["topics"][0] == keccak(text="Transfer(address,address,uint256)")
    assert log["transactionIndex"] == r["transactionIndex"]
    assert log["removed"] is False
    assert r["to"] == c.address and r["contractAddress"] is None
    assert r["cumulativeGasUsed"] >= r["gasUsed"]
    assert int.from_bytes(r["logsBloom"], "big") != 0
    # The same receipt from eth_getBlockReceipts.
    block_receipts = w3.eth.get_block_receipts(n)
    assert block_receipts[r["transactionIndex"]] == r

    # eth_getLogs by address, and by address + topics (to = receiver).
    deploy_block = token["receipt"]["blockNumber"]
    by_addr = w3.eth.get_logs({"address": c.address, "fromBlock": deploy_block, "toBlock": "latest"})
    assert len(by_addr) >= 2
    assert by_addr[0]["blockNumber"] == deploy_block
    assert any(x["transactionHash"] == r["transactionHash"] for x in by_addr)
    to_topic = "0x" + "00" * 12 + b.address[2:].lower()
    by_topic = w3.eth.get_logs({"fromBlock": deploy_block, "toBlock": "latest", "address": c.address,
                                "topics": [Web3.to_hex(keccak(text="Transfer(address,address,uint256)")), None,
                                           to_topic]})
    assert [x["transactionHash"] for x in by_topic] == [r["transactionHash"]]
    assert by_topic[0] == log
    by_hash = w3.eth.get_logs({"blockHash": r["blockHash"], "address": c.address})
    assert by_hash == [log]
    # web3's event helper (eth_getLogs with argument filters).
    evs = c.events.Transfer.get_logs(from_block=deploy_block, argument_filters={"to": b.address})
    assert [e["args"]["value"] for e in evs] == [777 * ETHER]
    # Nothing for an unknown topic.
    assert w3.eth.get_logs({"fromBlock": deploy_block, "topics": ["0x" + "ab" * 32]}) == []


def test_token_custom_error(w3, accounts, token):
    c = token["contract"]
    poor = accounts[UNTOUCHED]  # holds no tokens
    with pytest.raises(ContractCustomError) as e:
        c.functions.transfer(accounts[RECEIVER].address, 5).call({"from": poor.address})
    sel = function_signature_to_4byte_selector("InsufficientBalance(uint256,uint256)")
    data = bytes.fromhex(e.value.data[2:])
    assert data[:4] == sel
    assert abi_decode(["uint256", "uint256"], data[4:]) == (0, 5)
    # The raw error object: code 3, data = selector + arguments (geth's shape).
    call = {"from": poor.address, "to": c.address,
            "data": c.encode_abi("transfer", [accounts[RECEIVER].address, 5])}
    err = rpc_error(w3, "eth_call", [call, "latest"])
    assert err["code"] == 3
    assert err["data"] == Web3.to_hex(sel + abi_encode(["uint256", "uint256"], [0, 5]))
    assert err["message"].startswith("execution reverted")
    err = rpc_error(w3, "eth_estimateGas", [call])
    assert err["code"] == 3 and err["data"] == Web3.to_hex(sel + abi_encode(["uint256", "uint256"], [0, 5]))
    with pytest.raises(ContractCustomError):
        c.functions.transfer(accounts[RECEIVER].address, 5).estimate_gas({"from": poor.address})


def test_token_approve_transfer_from_filter(w3, accounts, token):
    c = token["contract"]
    owner, spender = accounts[DEPLOYER], accounts[RECEIVER]
    to = new_address(w3, "transferFrom")
    # From the next block: eth_getFilterLogs then returns the same logs as the filter's changes.
    flt = w3.eth.filter({"address": c.address, "fromBlock": w3.eth.block_number + 1})
    transfer_filter = c.events.Transfer.create_filter(from_block="latest", argument_filters={"to": to})
    fn = c.functions.approve(spender.address, 50)
    r1 = wait(w3, send(w3, owner, fn.build_transaction({"from": owner.address, "chainId": CHAIN_ID,
                                                        "nonce": w3.eth.get_transaction_count(owner.address,
                                                                                              "pending")})))
    assert r1["status"] == 1
    (ap,) = c.events.Approval().process_receipt(r1)
    assert ap["args"] == {"owner": owner.address, "spender": spender.address, "value": 50}
    assert c.functions.allowance(owner.address, spender.address).call() == 50
    # transferFrom beyond the allowance: custom error InsufficientAllowance(50, 60).
    with pytest.raises(ContractCustomError) as e:
        c.functions.transferFrom(owner.address, to, 60).call({"from": spender.address})
    assert e.value.data == Web3.to_hex(function_signature_to_4byte_selector("InsufficientAllowance(uint256,uint256)")
                                       + abi_encode(["uint256", "uint256"], [50, 60]))
    fn = c.functions.transferFrom(owner.address, to, 30)
    r2 = wait(w3, send(w3, spender, fn.build_transaction(
        {"from": spender.address, "chainId": CHAIN_ID,
         "nonce": w3.eth.get_transaction_count(spender.address, "pending")})))
    assert r2["status"] == 1
    assert c.functions.allowance(owner.address, spender.address).call() == 20
    assert c.functions.balanceOf(to).call() == 30

    # eth_newFilter + eth_getFilterChanges saw the Approval and the Transfer (in order, each once).
    seen = []

    def both():
        seen.extend(w3.eth.get_filter_changes(flt.filter_id))
        return {x["transactionHash"] for x in seen} >= {r1["transactionHash"], r2["transactionHash"]}

    poll_until(both, "the filter's Approval and Transfer logs")
    assert [x["transactionHash"] for x in seen] == [r1["transactionHash"], r2["transactionHash"]]
    assert seen[0]["topics"][0] == keccak(text="Approval(address,address,uint256)")
    assert all(x["removed"] is False for x in seen)
    assert w3.eth.get_filter_changes(flt.filter_id) == []  # drained
    # eth_getFilterLogs: the same logs again.
    assert [x["transactionHash"] for x in w3.eth.get_filter_logs(flt.filter_id)] == [
        r1["transactionHash"], r2["transactionHash"]]
    # web3's event filter with an argument filter: only the Transfer to `to`.
    entries = poll_until(lambda: transfer_filter.get_new_entries(), "the event filter's Transfer")
    assert [(e["event"], e["args"]["to"], e["args"]["value"]) for e in entries] == [("Transfer", to, 30)]
    assert w3.eth.uninstall_filter(flt.filter_id) is True
    assert w3.eth.uninstall_filter(flt.filter_id) is False
    err = rpc_error(w3, "eth_getFilterChanges", [flt.filter_id])
    assert "filter not found" in err["message"]


# ---- events, reverts, panics -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def events(w3, accounts, artifacts):
    a = accounts[EVENTS]
    factory = w3.eth.contract(abi=artifacts["Events"]["abi"], bytecode=artifacts["Events"]["bytecode"])
    tx = factory.constructor().build_transaction({"from": a.address, "chainId": CHAIN_ID,
                                                  "nonce": w3.eth.get_transaction_count(a.address, "pending")})
    r = wait(w3, send(w3, a, tx))
    assert r["status"] == 1
    return w3.eth.contract(address=r["contractAddress"], abi=artifacts["Events"]["abi"])


def test_events_indexed_and_non_indexed(w3, accounts, events):
    a = accounts[EVENTS]
    fn = events.functions.store(42, 4242, "hello igra")
    r = wait(w3, send(w3, a, fn.build_transaction({"from": a.address, "chainId": CHAIN_ID,
                                                   "nonce": w3.eth.get_transaction_count(a.address, "pending")})))
    assert r["status"] == 1
    (stored,) = events.events.Stored().process_receipt(r)
    assert stored["args"] == {"who": a.address, "key": 42, "value": 4242, "note": "hello igra"}
    (bumped,) = events.events.Bumped().process_receipt(r)
    assert bumped["args"]["counter"] == events.functions.counter().call()
    assert stored["logIndex"] + 1 == bumped["logIndex"]
    log = r["logs"][0]
    assert len(log["topics"]) == 3
    assert log["topics"][1] == bytes(12) + bytes.fromhex(a.address[2:])
    assert log["topics"][2] == (42).to_bytes(32, "big")
    # Topic filters on the indexed key: match and mismatch.
    q = {"address": events.address, "fromBlock": r["blockNumber"], "toBlock": r["blockNumber"]}
    assert len(w3.eth.get_logs({**q, "topics": [None, None, Web3.to_hex((42).to_bytes(32, "big"))]})) == 1
    assert w3.eth.get_logs({**q, "topics": [None, None, Web3.to_hex((43).to_bytes(32, "big"))]}) == []
    # OR within one position.
    assert len(w3.eth.get_logs({**q, "topics": [[Web3.to_hex(keccak(text="Stored(address,uint256,uint256,string)")),
                                                 Web3.to_hex(keccak(text="Bumped(uint256)"))]]})) == 2


def test_revert_string(w3, accounts, events):
    with pytest.raises(ContractLogicError) as e:
        events.functions.failString().call()
    assert e.value.message == "execution reverted: nope"
    assert e.value.data == Web3.to_hex(function_signature_to_4byte_selector("Error(string)")
                                       + abi_encode(["string"], ["nope"]))
    err = rpc_error(w3, "eth_call", [{"to": events.address, "data": events.encode_abi("failString")}])
    assert err["code"] == 3 and err["message"] == "execution reverted: nope"
    # estimate_gas of a reverting call raises too.
    with pytest.raises(ContractLogicError) as e:
        events.functions.failString().estimate_gas({"from": accounts[EVENTS].address})
    assert "nope" in e.value.message


def test_custom_error(w3, accounts, events):
    a = accounts[EVENTS]
    with pytest.raises(ContractCustomError) as e:
        events.functions.failCustom(7).call({"from": a.address})
    expected = Web3.to_hex(function_signature_to_4byte_selector("Custom(address,uint256)")
                           + abi_encode(["address", "uint256"], [a.address, 7]))
    assert e.value.data == expected
    err = rpc_error(w3, "eth_call", [{"from": a.address, "to": events.address,
                                      "data": events.encode_abi("failCustom", [7])}, "latest"])
    assert err["code"] == 3 and err["data"] == expected
    with pytest.raises(ContractCustomError):
        events.functions.failCustom(7).estimate_gas({"from": a.address})


def test_panics(w3, events):
    with pytest.raises(ContractPanicError) as e:
        events.functions.failAssert().call()
    assert "Assert evaluates to false" in e.value.message
    assert e.value.data == Web3.to_hex(function_signature_to_4byte_selector("Panic(uint256)")
                                       + abi_encode(["uint256"], [1]))
    with pytest.raises(ContractPanicError) as e:
        events.functions.divide(1, 0).call()
    assert "Division by zero" in e.value.message
    assert events.functions.divide(10, 3).call() == 3


def test_reverted_transaction_is_mined_with_status_0(w3, accounts, events):
    a = accounts[EVENTS]
    counter = events.functions.counter().call()
    fn = events.functions.bumpThenFail()
    # An explicit gas limit: the estimate would (correctly) fail.
    tx = fn.build_transaction({"from": a.address, "gas": 100_000, "chainId": CHAIN_ID,
                               "nonce": w3.eth.get_transaction_count(a.address, "pending")})
    before = w3.eth.get_balance(a.address)
    r = wait(w3, send(w3, a, tx))
    assert r["status"] == 0
    assert r["logs"] == []
    assert 21_000 < r["gasUsed"] < 100_000
    assert before - w3.eth.get_balance(a.address) == r["gasUsed"] * r["effectiveGasPrice"]
    assert events.functions.counter().call() == counter


def test_estimate_gas(w3, accounts, events):
    a = accounts[EVENTS]
    est = events.functions.store(1, 2, "x" * 100).estimate_gas({"from": a.address})
    assert 21_000 < est < 200_000
    assert w3.eth.estimate_gas({"from": a.address, "to": new_address(w3, "est"), "value": 1}) == 21_000
    # The estimate is tight: the call succeeds with it and runs out of gas with one less.
    call = {"from": a.address, "to": events.address, "data": events.encode_abi("store", [1, 2, "x" * 100])}
    w3.eth.call({**call, "gas": est})
    err = rpc_error(w3, "eth_call", [{**call, "gas": hex(est - 1)}])
    assert "out of gas" in err["message"]
    # A sender without funds cannot transfer value.
    err = rpc_error(w3, "eth_estimateGas", [{"from": new_address(w3, "poor"), "to": a.address, "value": hex(ETHER),
                                             "gasPrice": hex(GWEI)}])
    assert "insufficient funds" in err["message"]


# ---- filters -----------------------------------------------------------------------------------------------------

def test_block_filter(w3):
    flt = w3.eth.filter("latest")
    hashes = []

    def two():
        hashes.extend(w3.eth.get_filter_changes(flt.filter_id))
        return len(hashes) >= 2

    poll_until(two, "two new blocks on a block filter")
    blocks = [w3.eth.get_block(h) for h in hashes]
    for prev, cur in zip(blocks, blocks[1:]):
        assert cur["number"] == prev["number"] + 1
        assert cur["parentHash"] == prev["hash"]
    assert w3.eth.uninstall_filter(flt.filter_id)


def test_pending_transaction_filter(w3, accounts):
    flt = w3.eth.filter("pending")
    a = accounts[LEGACY]
    h = send(w3, a, {"to": new_address(w3, "pending"), "value": 1, "gas": 21_000, "gasPrice": w3.eth.gas_price})
    got = poll_until(lambda: w3.eth.get_filter_changes(flt.filter_id), "the pending transaction filter")
    assert h in got
    wait(w3, h)


# ---- transaction and block objects ---------------------------------------------------------------------------------

def test_transaction_and_block_fields(w3, accounts):
    a = accounts[DYNAMIC]
    to = new_address(w3, "fields")
    prio = w3.eth.max_priority_fee
    max_fee = 2 * w3.eth.get_block("latest")["baseFeePerGas"] + prio
    h = send(w3, a, {"to": to, "value": 99, "gas": 30_000, "maxPriorityFeePerGas": prio, "maxFeePerGas": max_fee,
                     "data": "0x1234", "accessList": [{"address": to, "storageKeys": ["0x" + "00" * 31 + "01"]}]})
    r = wait(w3, h)
    assert r["status"] == 1
    tx = w3.eth.get_transaction(h)
    assert tx["hash"] == h
    assert tx["from"] == a.address and tx["to"] == to and tx["value"] == 99
    assert tx["gas"] == 30_000 and tx["input"] == bytes.fromhex("1234")
    assert tx["type"] == 2 and tx["chainId"] == CHAIN_ID
    assert tx["maxFeePerGas"] == max_fee and tx["maxPriorityFeePerGas"] == prio
    assert tx["gasPrice"] == r["effectiveGasPrice"]
    assert tx["accessList"] == [{"address": to, "storageKeys": ["0x" + "00" * 31 + "01"]}]
    assert tx["yParity"] in (0, 1) and tx["v"] == tx["yParity"]
    assert tx["blockHash"] == r["blockHash"] and tx["blockNumber"] == r["blockNumber"]
    assert tx["transactionIndex"] == r["transactionIndex"]
    assert tx["nonce"] == w3.eth.get_transaction_count(a.address) - 1
    raw = w3.eth.get_raw_transaction(h)
    assert keccak(raw) == h
    assert w3.eth.get_transaction_by_block(r["blockNumber"], r["transactionIndex"]) == tx

    block = w3.eth.get_block(r["blockNumber"], full_transactions=True)
    assert block["hash"] == r["blockHash"] and block["number"] == r["blockNumber"]
    assert block["transactions"][r["transactionIndex"]] == tx
    assert block["gasUsed"] >= r["cumulativeGasUsed"] >= r["gasUsed"]
    parent = w3.eth.get_block(r["blockNumber"] - 1)
    assert block["parentHash"] == parent["hash"]
    assert block["timestamp"] >= parent["timestamp"]
    for k in ("baseFeePerGas", "gasLimit", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom",
              "mixHash", "nonce", "difficulty", "extraData", "size", "sha3Uncles", "uncles", "withdrawals",
              "withdrawalsRoot"):
        assert k in block, k
    assert block["uncles"] == []
    by_hash = w3.eth.get_block(block["hash"], full_transactions=True)
    assert by_hash == block
    short = w3.eth.get_block(block["hash"])
    assert short["transactions"] == [t["hash"] for t in block["transactions"]]
    assert w3.eth.get_block_transaction_count(block["number"]) == len(block["transactions"])
    with pytest.raises(BlockNotFound):
        w3.eth.get_block(block["number"] + 10_000)
    assert w3.provider.make_request("eth_getBlockByNumber", [hex(block["number"] + 10_000), False])["result"] is None


# ---- a forced Kaspa reorg (igrad dev's igra_devReorg) --------------------------------------------------------

def test_filters_across_a_forced_reorg(w3, accounts, events):
    """A Stored log seen through web3's event filter and a raw eth_newFilter is reported again with
    removed=True when a Kaspa reorg unwinds its block, then once more (removed=False) from the block that
    re-executes the transaction; the receipt then points at the new block."""
    a = accounts[REORG]
    event_filter = events.events.Stored.create_filter(from_block="latest")
    raw_filter = w3.eth.filter({"address": events.address})
    fn = events.functions.store(77, 7, "before reorg")
    h = send(w3, a, fn.build_transaction({"from": a.address, "chainId": CHAIN_ID,
                                          "nonce": w3.eth.get_transaction_count(a.address, "pending")}))
    first = wait(w3, h)
    assert first["status"] == 1
    poll_until(lambda: w3.eth.block_number >= first["blockNumber"] + 2, "two more blocks")
    depth = (w3.eth.block_number - first["blockNumber"] + 2) * 10 + 5  # Kaspa chain blocks, 10 per window
    resp = w3.provider.make_request("igra_devReorg", [depth])
    assert resp["result"]["removedChainBlocks"] > 0, resp

    def moved_receipt():
        r = w3.provider.make_request("eth_getTransactionReceipt", [h.to_0x_hex()])["result"]
        return r if r and r["blockHash"] != first["blockHash"].to_0x_hex() else None

    moved = poll_until(moved_receipt, "the receipt of the re-executed transaction")
    assert moved["status"] == "0x1"
    seen = []

    def added_removed_added():
        seen.extend(w3.eth.get_filter_changes(raw_filter.filter_id))
        flags = [x["removed"] for x in seen if x["transactionHash"] == h]
        return len(flags) >= 3 and True in flags and flags[-1] is False

    poll_until(added_removed_added, "added, removed and re-added logs")
    mine = [x for x in seen if x["transactionHash"] == h]
    assert mine[0]["removed"] is False and mine[0]["blockHash"] == first["blockHash"]
    removed = [x for x in mine if x["removed"]]
    assert removed[0]["blockHash"] == first["blockHash"]
    assert mine.index(removed[0]) > 0
    assert mine[-1]["removed"] is False and mine[-1]["blockHash"].to_0x_hex() == moved["blockHash"]
    # web3's decoded event filter reported the event with its arguments.
    entries = poll_until(lambda: event_filter.get_new_entries(), "the event filter's entries")
    assert entries[0]["args"]["note"] == "before reorg" and entries[0]["args"]["key"] == 77
    # The canonical block at that height is the replacement.
    assert w3.eth.get_block(int(moved["blockNumber"], 16))["hash"].to_0x_hex() == moved["blockHash"]

