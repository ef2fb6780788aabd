// Block execution (execution-specs `apply_body`): system calls, transactions with receipts, withdrawals,
// requests, the two transaction policies and the BlockChanges handed to the state layer. Whole-block
// conformance is covered by the blockchain-test gate (apps/igra-blocktest, ctest label fixtures).
#include "chain/block_executor.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "chain/transaction_codec.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "crypto/secp256k1.hpp"

namespace igra::chain {
namespace {

using core::Address20;
using core::Bytes;
using core::Hash32;
using core::uint256;
using evm::Revision;

Address20 addr_hex(const char* hex) { return Address20::from_view(*core::from_hex(hex)); }
Hash32 hash_hex(const char* hex) { return Hash32::from_view(*core::from_hex(hex)); }

// keccak256(rlp("")): the root of an empty trie.
const Hash32 kEmptyTrieRoot = hash_hex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
const Address20 kBeaconRoots = addr_hex("000f3df6d732807ef1319fb7b8bb8522d0beac02");
const Address20 kSystem = addr_hex("fffffffffffffffffffffffffffffffffffffffe");
// The EIP-4788 beacon-roots contract (runtime code from the EIP).
const char* kBeaconRootsCode =
    "3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414"
    "603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500";

struct Key {
  crypto::SecretKey secret;
  Address20 address;
};
Key test_key() {
  Key k;
  k.secret = crypto::SecretKey::from_view(
      *core::from_hex("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8"));
  k.address = crypto::public_key_to_address(*crypto::public_key_from_secret(k.secret));
  return k;
}

Bytes sign(Transaction tx, const Key& key) {
  auto sig = crypto::ecdsa_sign_recoverable(signing_hash(tx), key.secret);
  tx.r = uint256::load_be(sig->r);
  tx.s = uint256::load_be(sig->s);
  tx.v = sig->recovery_id;
  return encode_transaction(tx);
}

Transaction transfer(std::uint64_t nonce, const Address20& to, const uint256& value) {
  Transaction tx;
  tx.type = TxType::kDynamicFee;
  tx.chain_id = uint256(1);
  tx.nonce = nonce;
  tx.max_fee_per_gas = 100;
  tx.max_priority_fee_per_gas = 1;
  tx.gas_limit = 21000;
  tx.to = to;
  tx.value = value;
  return tx;
}

BlockInput block_input() {
  BlockInput in;
  in.header.number = 1;
  in.header.timestamp = 12;
  in.header.gas_limit = 30'000'000;
  in.header.coinbase = addr_hex("2adc25665018aa1fe0e6bc666dac8fc2697ff9ba");
  in.header.base_fee_per_gas = uint256(7);
  in.header.excess_blob_gas = 0;
  in.header.blob_gas_used = 0;
  in.header.parent_beacon_block_root = Hash32{};
  return in;
}

ChainConfig cancun_config() {
  ChainConfig c;
  c.revision = Revision::kCancun;
  c.requests = false;
  return c;
}

const state::AccountChange* find_account(const state::BlockChanges& ch, const Address20& a) {
  for (const auto& ac : ch.accounts)
    if (ac.address == a) return &ac;
  return nullptr;
}

TEST(BlockExecutor, EmptyBlockRoots) {
  evm::InMemoryState pre;
  auto r = execute_block(pre, cancun_config(), block_input(), {}, TxPolicy::kRejectBlock);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->transactions_root, kEmptyTrieRoot);
  EXPECT_EQ(r->receipts_root, kEmptyTrieRoot);
  EXPECT_EQ(r->withdrawals_root, kEmptyTrieRoot);
  EXPECT_EQ(r->requests_hash, kEmptyRequestsHash);
  EXPECT_EQ(r->gas_used, 0u);
  EXPECT_TRUE(r->changes.accounts.empty());
  EXPECT_TRUE(r->changes.storage.empty());
}

TEST(BlockExecutor, ZeroWithdrawalToMissingAccountCreatesNothing) {
  // execution-specs process_withdrawals: an account left empty after its withdrawal is destroyed.
  evm::InMemoryState pre;
  BlockInput in = block_input();
  const Address20 empty_target = addr_hex("00000000000000000000000000000000000000aa");
  const Address20 paid_target = addr_hex("00000000000000000000000000000000000000bb");
  in.withdrawals.push_back(Withdrawal{0, 0, empty_target, 0});
  in.withdrawals.push_back(Withdrawal{1, 0, paid_target, 3});
  auto r = execute_block(pre, cancun_config(), in, {}, TxPolicy::kRejectBlock);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(find_account(r->changes, empty_target), nullptr);
  const auto* paid = find_account(r->changes, paid_target);
  ASSERT_NE(paid, nullptr);
  ASSERT_TRUE(paid->account);
  EXPECT_EQ(paid->account->balance, uint256(3'000'000'000ull));
  EXPECT_EQ(r->withdrawals_root, withdrawals_root(in.withdrawals));
  EXPECT_NE(r->withdrawals_root, kEmptyTrieRoot);
}

TEST(BlockExecutor, ZeroWithdrawalRemovesExistingEmptyAccount) {
  evm::InMemoryState pre;
  const Address20 target = addr_hex("00000000000000000000000000000000000000aa");
  pre.set_account(target, 0, uint256(), {}, {});
  BlockInput in = block_input();
  in.withdrawals.push_back(Withdrawal{0, 0, target, 0});
  auto r = execute_block(pre, cancun_config(), in, {}, TxPolicy::kRejectBlock);
  ASSERT_TRUE(r) << r.error().message;
  const auto* ac = find_account(r->changes, target);
  ASSERT_NE(ac, nullptr);
  EXPECT_FALSE(ac->account);
}

TEST(BlockExecutor, TransfersReceiptsAndChanges) {
  const Key key = test_key();
  evm::InMemoryState pre;
  pre.set_account(key.address, 0, uint256(1'000'000'000'000ull), {}, {});
  const Address20 contract = addr_hex("00000000000000000000000000000000000000cc");
  pre.set_account(contract, 1, uint256(), Bytes{0x00}, {});  // STOP
  BlockInput in = block_input();
  in.transactions.push_back(sign(transfer(0, contract, uint256(5)), key));
  in.transactions.push_back(sign(transfer(1, contract, uint256(6)), key));
  auto r = execute_block(pre, cancun_config(), in, {}, TxPolicy::kRejectBlock);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->receipts.size(), 2u);
  EXPECT_EQ(r->receipts[0].cumulative_gas_used, 21000u);
  EXPECT_EQ(r->receipts[1].cumulative_gas_used, 42000u);
  EXPECT_TRUE(r->receipts[1].status);
  EXPECT_EQ(r->receipts[1].type, TxType::kDynamicFee);
  EXPECT_EQ(r->gas_used, 42000u);
  EXPECT_EQ(r->included.size(), 2u);
  EXPECT_EQ(r->included[0].sender, key.address);
  EXPECT_EQ(r->transactions_root, transactions_root(in.transactions));
  EXPECT_EQ(r->receipts_root, receipts_root(r->receipts));
  // Sender: nonce 2, balance - 2 * 21000 * (7 + 1) - 11; contract: balance 11, code not re-emitted;
  // coinbase: 2 * 21000 * 1 priority fee.
  const auto* s = find_account(r->changes, key.address);
  ASSERT_TRUE(s && s->account);
  EXPECT_EQ(s->account->nonce, 2u);
  EXPECT_EQ(s->account->balance, uint256(1'000'000'000'000ull - 2 * 21000 * 8 - 11));
  const auto* c = find_account(r->changes, contract);
  ASSERT_TRUE(c && c->account);
  EXPECT_EQ(c->account->balance, uint256(11));
  EXPECT_EQ(c->account->code_hash, core::keccak256(Bytes{0x00}));
  EXPECT_TRUE(r->changes.code.empty());
  const auto* cb = find_account(r->changes, in.header.coinbase);
  ASSERT_TRUE(cb && cb->account);
  EXPECT_EQ(cb->account->balance, uint256(42000));
}

TEST(BlockExecutor, DropPolicyRecordsNonceGapWithoutStateChange) {
  const Key key = test_key();
  evm::InMemoryState pre;
  pre.set_account(key.address, 0, uint256(1'000'000'000'000ull), {}, {});
  BlockInput in = block_input();
  in.transactions.push_back(sign(transfer(1, addr_hex("00000000000000000000000000000000000000dd"), uint256(5)), key));

  auto dropped = execute_block(pre, cancun_config(), in, {}, TxPolicy::kDrop);
  ASSERT_TRUE(dropped) << dropped.error().message;
  ASSERT_EQ(dropped->dropped.size(), 1u);
  EXPECT_EQ(dropped->dropped[0].input_index, 0u);
  EXPECT_EQ(dropped->dropped[0].hash, core::keccak256(in.transactions[0]));
  EXPECT_EQ(dropped->dropped[0].reason.rfind("NONCE_TOO_HIGH", 0), 0u) << dropped->dropped[0].reason;
  EXPECT_TRUE(dropped->included.empty());
  EXPECT_TRUE(dropped->receipts.empty());
  EXPECT_EQ(dropped->gas_used, 0u);
  EXPECT_EQ(dropped->transactions_root, kEmptyTrieRoot);
  EXPECT_TRUE(dropped->changes.accounts.empty());
  EXPECT_TRUE(dropped->changes.storage.empty());

  auto rejected = execute_block(pre, cancun_config(), in, {}, TxPolicy::kRejectBlock);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().message.rfind("NONCE_TOO_HIGH", 0), 0u) << rejected.error().message;
}

TEST(BlockExecutor, DropPolicyKeepsLaterValidTransactions) {
  const Key key = test_key();
  evm::InMemoryState pre;
  pre.set_account(key.address, 0, uint256(1'000'000'000'000ull), {}, {});
  BlockInput in = block_input();
  const Address20 to = addr_hex("00000000000000000000000000000000000000dd");
  in.transactions.push_back(sign(transfer(0, to, uint256(5)), key));
  in.transactions.push_back(sign(transfer(0, to, uint256(5)), key));  // replayed nonce
  in.transactions.push_back(Bytes{0x02, 0xc0});                       // undecodable
  in.transactions.push_back(sign(transfer(1, to, uint256(5)), key));
  auto r = execute_block(pre, cancun_config(), in, {}, TxPolicy::kDrop);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->included.size(), 2u);
  EXPECT_EQ(r->included[1].input_index, 3u);
  ASSERT_EQ(r->dropped.size(), 2u);
  EXPECT_EQ(r->dropped[0].reason.rfind("NONCE_TOO_LOW", 0), 0u) << r->dropped[0].reason;
  EXPECT_EQ(r->dropped[1].input_index, 2u);
  EXPECT_EQ(r->receipts[1].cumulative_gas_used, 42000u);
  EXPECT_EQ(r->transactions_root, transactions_root(r->raw_included));
}

TEST(BlockExecutor, AdmissionCheckDrops) {
  const Key key = test_key();
  evm::InMemoryState pre;
  pre.set_account(key.address, 0, uint256(1'000'000'000'000ull), {}, {});
  BlockInput in = block_input();
  in.transactions.push_back(sign(transfer(0, addr_hex("00000000000000000000000000000000000000dd"), uint256(5)), key));
  AdmissionCheck check = [](const Transaction&, const Address20&, evm::State&, const evm::BlockEnv&) {
    return std::optional<std::string>("IGRA_TEST: refused");
  };
  auto r = execute_block(pre, cancun_config(), in, {}, TxPolicy::kDrop, check);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->dropped.size(), 1u);
  EXPECT_EQ(r->dropped[0].reason, "IGRA_TEST: refused");
  EXPECT_TRUE(r->changes.accounts.empty());
}

TEST(BlockExecutor, BalanceAtEffectivePrice) {
  // A 1559 transfer with max fee 100 and base fee 7 (priority 0): Ethereum requires 21000 * 100 + value,
  // Igra 21000 * 7 + value.
  const Key key = test_key();
  evm::InMemoryState pre;
  pre.set_account(key.address, 0, uint256(21000 * 7 + 5), {}, {});
  Transaction tx = transfer(0, addr_hex("00000000000000000000000000000000000000dd"), uint256(5));
  tx.max_priority_fee_per_gas = 0;
  BlockInput in = block_input();
  in.transactions.push_back(sign(tx, key));

  auto eth = execute_block(pre, cancun_config(), in, {}, TxPolicy::kRejectBlock);
  ASSERT_FALSE(eth);
  EXPECT_EQ(eth.error().message.rfind("INSUFFICIENT_ACCOUNT_FUNDS", 0), 0u) << eth.error().message;

  ChainConfig igra = cancun_config();
  igra.balance_at_effective_price = true;
  auto r = execute_block(pre, igra, in, {}, TxPolicy::kRejectBlock);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->gas_used, 21000u);
  const auto* s = find_account(r->changes, key.address);
  ASSERT_TRUE(s && s->account);
  EXPECT_EQ(s->account->balance, uint256(0));
  EXPECT_EQ(s->account->nonce, 1u);

  // One wei short fails under the Igra rule too.
  evm::InMemoryState poorer;
  poorer.set_account(key.address, 0, uint256(21000 * 7 + 4), {}, {});
  auto short_funds = execute_block(poorer, igra, in, {}, TxPolicy::kRejectBlock);
  ASSERT_FALSE(short_funds);
  EXPECT_EQ(short_funds.error().message.rfind("INSUFFICIENT_ACCOUNT_FUNDS", 0), 0u);
}

TEST(BlockExecutor, BeaconRootsSystemCall) {
  // EIP-4788: the contract stores timestamp at timestamp % 8191 and the root at that + 8191; the system
  // address is not created.
  evm::InMemoryState pre;
  pre.set_account(kBeaconRoots, 1, uint256(), *core::from_hex(kBeaconRootsCode), {});
  BlockInput in = block_input();
  in.header.timestamp = 8191 + 12;
  const Hash32 root = hash_hex("6c31fc15422ebad28aaf9089c306702f67540b53c7eea8b7d2941044b027100f");
  in.header.parent_beacon_block_root = root;
  auto r = execute_block(pre, cancun_config(), in, {}, TxPolicy::kRejectBlock);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(find_account(r->changes, kSystem), nullptr);
  EXPECT_EQ(r->gas_used, 0u);
  std::optional<uint256> ts_slot, root_slot;
  for (const auto& s : r->changes.storage) {
    ASSERT_EQ(s.address, kBeaconRoots);
    const uint256 k = uint256::load_be(s.slot);
    if (k == uint256(12)) ts_slot = s.value;
    if (k == uint256(12 + 8191)) root_slot = s.value;
  }
  ASSERT_TRUE(ts_slot && root_slot);
  EXPECT_EQ(*ts_slot, uint256(8191 + 12));
  EXPECT_EQ(*root_slot, uint256::load_be(root));
}

TEST(BlockExecutor, PragueRequestsNeedSystemContracts) {
  // Prague with requests: the EIP-7002 contract is missing, which invalidates the block.
  evm::InMemoryState pre;
  ChainConfig c;
  c.revision = Revision::kPrague;
  c.requests = true;
  BlockInput in = block_input();
  in.header.requests_hash = kEmptyRequestsHash;
  auto r = execute_block(pre, c, in, {}, TxPolicy::kRejectBlock);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.rfind("SYSTEM_CONTRACT_EMPTY", 0), 0u) << r.error().message;
  // Igra (no requests): the empty requests hash.
  c.requests = false;
  auto igra = execute_block(pre, c, in, {}, TxPolicy::kDrop);
  ASSERT_TRUE(igra) << igra.error().message;
  EXPECT_EQ(igra->requests_hash, kEmptyRequestsHash);
  EXPECT_TRUE(igra->requests.empty());
}

TEST(BlockExecutor, CreateEmitsCodeOnce) {
  // A contract creation: the new code appears in BlockChanges::code and the storage it writes in storage.
  const Key key = test_key();
  evm::InMemoryState pre;
  pre.set_account(key.address, 0, uint256(1'000'000'000'000ull), {}, {});
  Transaction tx = transfer(0, {}, uint256());
  tx.to.reset();
  tx.gas_limit = 200'000;
  // initcode: SSTORE(0, 0x2a); return 1 byte 0x00 (STOP) as runtime code.
  tx.data = *core::from_hex("602a5f55" "5f5f53" "60015ff3");
  BlockInput in = block_input();
  in.transactions.push_back(sign(tx, key));
  auto r = execute_block(pre, cancun_config(), in, {}, TxPolicy::kRejectBlock);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->included.size(), 1u);
  ASSERT_TRUE(r->included[0].execution.success());
  const Address20 created = *r->included[0].execution.contract_address;
  EXPECT_EQ(created, evm::create_address(key.address, 0));
  ASSERT_EQ(r->changes.code.size(), 1u);
  EXPECT_EQ(r->changes.code[0], Bytes{0x00});
  const auto* c = find_account(r->changes, created);
  ASSERT_TRUE(c && c->account);
  EXPECT_EQ(c->account->nonce, 1u);
  EXPECT_EQ(c->account->code_hash, core::keccak256(Bytes{0x00}));
  ASSERT_EQ(r->changes.storage.size(), 1u);
  EXPECT_EQ(r->changes.storage[0].address, created);
  EXPECT_EQ(r->changes.storage[0].value, uint256(0x2a));
}

}  // namespace
}  // namespace igra::chain
