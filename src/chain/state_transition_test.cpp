// Transaction-level rules: intrinsic gas (Yellow Paper, EIP-2028/2930/3860/7623/7702), fees (EIP-1559),
// blob pricing (EIP-4844/7691), validation errors and EIP-7702 authorizations.
#include "chain/state_transition.hpp"

#include <gtest/gtest.h>

#include "chain/base_fee.hpp"
#include "chain/state_root.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "crypto/secp256k1.hpp"
#include "state/mpt.hpp"

namespace igra::chain {
namespace {

using core::Address20;
using core::uint256;
using evm::Revision;

Address20 addr(std::uint8_t last, std::uint8_t first = 0) {
  Address20 a;
  a[0] = first;
  a[19] = last;
  return a;
}

TEST(IntrinsicGas, CalldataCreateAndFloor) {
  Transaction tx;
  tx.to = addr(1);
  tx.data = {0x00, 0x01};
  EXPECT_EQ(intrinsic_gas(tx, Revision::kCancun).intrinsic, 21000u + 4 + 16);
  EXPECT_EQ(intrinsic_gas(tx, Revision::kCancun).floor, 0u);
  // EIP-7623: tokens = zeros + 4 * nonzeros = 5; floor = 21000 + 10 * 5.
  EXPECT_EQ(intrinsic_gas(tx, Revision::kPrague).floor, 21050u);
  Transaction create;
  create.data.assign(33, 0xff);
  // 32000 create + EIP-3860 2 gas per initcode word (2 words).
  EXPECT_EQ(intrinsic_gas(create, Revision::kCancun).intrinsic, 21000u + 33 * 16 + 32000 + 4);
  Transaction al;
  al.to = addr(1);
  al.access_list.push_back({addr(2), {core::Hash32{}, core::Hash32{}}});
  al.authorization_list.resize(2);
  EXPECT_EQ(intrinsic_gas(al, Revision::kPrague).intrinsic, 21000u + 2400 + 2 * 1900 + 2 * 25000);
}

TEST(BaseFee, Eip1559Adjustment) {
  const uint256 base(1'000'000'000);
  EXPECT_EQ(next_base_fee(30'000'000, 15'000'000, base), base);
  EXPECT_EQ(next_base_fee(30'000'000, 30'000'000, base), uint256(1'125'000'000));
  EXPECT_EQ(next_base_fee(30'000'000, 0, base), uint256(875'000'000));
  // Tiny base fee still increases by at least 1.
  EXPECT_EQ(next_base_fee(30'000'000, 15'000'001, uint256(7)), uint256(8));
}

TEST(BaseFee, BlobBaseFeeFakeExponential) {
  EXPECT_EQ(blob_base_fee(0, 3338477), uint256(1));
  EXPECT_EQ(blob_base_fee(3338477, 3338477), uint256(2));           // floor(e)
  EXPECT_EQ(blob_base_fee(10 * 3338477ull, 3338477), uint256(22026));  // floor(e^10)
  EXPECT_EQ(next_excess_blob_gas(0, 6 * kGasPerBlob, blob_schedule(Revision::kCancun)), 3 * kGasPerBlob);
  EXPECT_EQ(next_excess_blob_gas(0, 6 * kGasPerBlob, blob_schedule(Revision::kPrague)), 0u);
}

struct Fixture {
  evm::InMemoryState pre;
  evm::BlockEnv block;
  Address20 sender = addr(0x01, 0xaa);
  Address20 coinbase = addr(0xcb, 0xcc);
  Fixture() {
    block.number = 1;
    block.gas_limit = 30'000'000;
    block.coinbase = coinbase;
    block.base_fee = 7;
    block.blob_base_fee = 1;
    pre.set_account(sender, 0, uint256(10'000'000), {}, {});
  }
};

TEST(StateTransition, ValueTransferFees) {
  Fixture f;
  Transaction tx;
  tx.to = addr(0x02, 0xbb);
  tx.gas_limit = 30000;
  tx.gas_price = 10;
  tx.value = 1;
  evm::State st(f.pre);
  auto r = apply_transaction(st, f.block, Revision::kCancun, tx, f.sender);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->success());
  EXPECT_EQ(r->gas_used, 21000u);
  EXPECT_EQ(st.balance(f.sender), uint256(10'000'000 - 21000 * 10 - 1));
  EXPECT_EQ(st.balance(addr(0x02, 0xbb)), uint256(1));
  EXPECT_EQ(st.balance(f.coinbase), uint256(21000 * 3));  // priority fee 10 - 7; the base fee is burned
  EXPECT_EQ(st.nonce(f.sender), 1u);
}

TEST(StateTransition, InvalidTransactionsLeaveStateUntouched) {
  Fixture f;
  Transaction tx;
  tx.to = addr(0x02, 0xbb);
  tx.gas_limit = 21000;
  tx.gas_price = 10;
  evm::State st(f.pre);
  tx.nonce = 1;
  auto r = apply_transaction(st, f.block, Revision::kCancun, tx, f.sender);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("NONCE"), std::string::npos);
  tx.nonce = 0;
  tx.gas_limit = 20999;
  r = apply_transaction(st, f.block, Revision::kCancun, tx, f.sender);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("INTRINSIC_GAS_TOO_LOW"), std::string::npos);
  tx.gas_limit = 21000;
  tx.value = 10'000'000;  // value + gas cost exceeds the balance
  r = apply_transaction(st, f.block, Revision::kCancun, tx, f.sender);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("INSUFFICIENT_ACCOUNT_FUNDS"), std::string::npos);
  tx.value = 0;
  tx.gas_price = 6;
  r = apply_transaction(st, f.block, Revision::kCancun, tx, f.sender);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("INSUFFICIENT_MAX_FEE_PER_GAS"), std::string::npos);
  tx.chain_id = uint256(2);
  r = apply_transaction(st, f.block, Revision::kCancun, tx, f.sender);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("INVALID_CHAINID"), std::string::npos);
  tx.chain_id = uint256(1);
  tx.type = TxType::kSetCode;
  tx.gas_price = 0;
  tx.max_fee_per_gas = 10;
  r = apply_transaction(st, f.block, Revision::kCancun, tx, f.sender);
  ASSERT_FALSE(r.ok());
  r = apply_transaction(st, f.block, Revision::kPrague, tx, f.sender);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("TYPE_4_EMPTY_AUTHORIZATION_LIST"), std::string::npos);
  EXPECT_EQ(st.nonce(f.sender), 0u);
  EXPECT_EQ(st.balance(f.sender), uint256(10'000'000));
}

TEST(StateTransition, BlobRules) {
  Fixture f;
  Transaction tx;
  tx.type = TxType::kBlob;
  tx.to = addr(0x02, 0xbb);
  tx.gas_limit = 21000;
  tx.max_fee_per_gas = 10;
  tx.max_fee_per_blob_gas = 1;
  evm::State st(f.pre);
  auto r = apply_transaction(st, f.block, Revision::kCancun, tx, f.sender);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("TYPE_3_TX_ZERO_BLOBS"), std::string::npos);
  core::Hash32 h;
  h[0] = 0x01;
  tx.blob_versioned_hashes.assign(7, h);
  r = apply_transaction(st, f.block, Revision::kCancun, tx, f.sender);  // Cancun allows 6
  ASSERT_FALSE(r.ok());
  tx.blob_versioned_hashes.assign(7, h);
  r = apply_transaction(st, f.block, Revision::kPrague, tx, f.sender);  // Prague allows 9
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->blob_gas_used, 7 * kGasPerBlob);
  // gas 21000 at the base fee 7 (no priority fee) plus 7 blobs at blob base fee 1.
  EXPECT_EQ(st.balance(f.sender), uint256(10'000'000 - 21000 * 7 - 7 * kGasPerBlob));
}

TEST(StateTransition, Eip7702AuthorizationSetsDelegation) {
  Fixture f;
  crypto::SecretKey key;
  key[31] = 0x42;
  const auto pub = crypto::public_key_from_secret(key);
  ASSERT_TRUE(pub.ok());
  const Address20 authority = crypto::public_key_to_address(*pub);
  f.pre.set_account(authority, 0, uint256(5), {}, {});
  Authorization auth;
  auth.chain_id = 1;
  auth.address = addr(0xd0, 0xdd);
  auth.nonce = 0;
  core::RlpEncoder e;
  auto l = e.begin_list();
  e.add_uint(auth.chain_id);
  e.add_bytes(auth.address);
  e.add_uint(auth.nonce);
  e.end_list(l);
  core::Bytes msg{0x05};
  core::append(msg, std::move(e).finish());
  const auto sig = crypto::ecdsa_sign_recoverable(core::keccak256(msg), key);
  ASSERT_TRUE(sig.ok());
  auth.r = uint256::load_be(sig->r);
  auth.s = uint256::load_be(sig->s);
  auth.y_parity = sig->recovery_id;

  Transaction tx;
  tx.type = TxType::kSetCode;
  tx.to = addr(0x02, 0xbb);
  tx.gas_limit = 100000;
  tx.max_fee_per_gas = 10;
  tx.authorization_list = {auth};
  evm::State st(f.pre);
  auto r = apply_transaction(st, f.block, Revision::kPrague, tx, f.sender);
  ASSERT_TRUE(r.ok()) << r.error().message;
  core::Bytes expected{0xef, 0x01, 0x00};
  core::append(expected, auth.address);
  EXPECT_EQ(st.code(authority), expected);
  EXPECT_EQ(st.nonce(authority), 1u);
  // Intrinsic 21000 + 25000; the authority existed, so 12500 is refunded, capped at gas_used / 5 = 9200.
  EXPECT_EQ(r->gas_used, 46000u - 9200u);
}

TEST(StateRoot, EmptyAndLogs) {
  evm::InMemoryState s;
  EXPECT_EQ(state_root(s), state::kEmptyTrieRoot);
  // keccak256(rlp([])) = 1dcc4de8...: the logs hash of a transaction without logs.
  EXPECT_EQ(core::to_hex(logs_hash({})), "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
}

}  // namespace
}  // namespace igra::chain
