// SenderPrefetcher: results equal recover_sender(decode_transaction(raw)); every transaction is recovered once
// (by the worker or by the caller that takes it over); unknown and cleared hashes are misses.
#include "chain/sender_prefetcher.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "chain/transaction_codec.hpp"
#include "core/keccak.hpp"
#include "crypto/secp256k1.hpp"

namespace igra::chain {
namespace {

core::Bytes signed_tx(std::uint64_t nonce, std::uint8_t key_byte) {
  Transaction tx;
  tx.type = TxType::kDynamicFee;
  tx.chain_id = core::uint256(38830);
  tx.nonce = nonce;
  tx.max_fee_per_gas = core::uint256(2'000'000'000ull);
  tx.max_priority_fee_per_gas = core::uint256(1'000'000'000ull);
  tx.gas_limit = 21'000;
  tx.to = core::Address20{};
  core::FixedBytes<32> key;
  key[31] = key_byte;
  key[0] = 0x42;
  EXPECT_TRUE(sign_transaction(tx, key).ok());
  return encode_transaction(tx);
}

core::Address20 expected_sender(const core::Bytes& raw) {
  return recover_sender(decode_transaction(raw).value()).value();
}

TEST(SenderPrefetcher, RecoversAheadAndHandsOutEachResultOnce) {
  std::vector<core::Bytes> txs;
  for (std::uint64_t i = 0; i < 64; ++i) txs.push_back(signed_tx(i, static_cast<std::uint8_t>(1 + i % 5)));
  SenderPrefetcher p;
  p.submit(txs);
  // Wait until the worker has recovered everything.
  for (int i = 0; i < 500 && p.recovered_total() < txs.size(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(p.recovered_total(), txs.size());
  for (const auto& raw : txs) {
    auto r = p.lookup(core::keccak256(raw));
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->ok());
    EXPECT_EQ(**r, expected_sender(raw));
    // Handed out once: a second lookup is a miss.
    EXPECT_FALSE(p.lookup(core::keccak256(raw)).has_value());
  }
}

TEST(SenderPrefetcher, CallerTakesOverQueuedItemsAndBadSignaturesAreErrors) {
  SenderPrefetcher p;
  std::vector<core::Bytes> txs;
  for (std::uint64_t i = 0; i < 400; ++i) txs.push_back(signed_tx(i, 7));
  // An undecodable "transaction" yields an error result, not a crash.
  txs.push_back(core::Bytes{0x02, 0xc0});
  p.submit(txs);
  std::size_t taken_over = 0, from_worker = 0;
  for (std::size_t i = txs.size(); i-- > 0;) {  // from the back: most are still queued
    auto r = p.lookup(core::keccak256(txs[i]));
    if (!r) {
      ++taken_over;
      continue;
    }
    ++from_worker;
    if (i == txs.size() - 1) {
      EXPECT_FALSE(r->ok());
    } else {
      ASSERT_TRUE(r->ok());
      EXPECT_EQ(**r, expected_sender(txs[i]));
    }
  }
  EXPECT_EQ(taken_over + from_worker, txs.size());
  EXPECT_GT(taken_over, 0u);
  // The worker never recovers what a caller took over.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(p.recovered_total(), from_worker);
}

TEST(SenderPrefetcher, UnknownAndClearedHashesMiss) {
  SenderPrefetcher p;
  EXPECT_FALSE(p.lookup(core::Hash32{}).has_value());
  const auto raw = signed_tx(1, 3);
  p.submit({raw});
  p.clear();
  EXPECT_FALSE(p.lookup(core::keccak256(raw)).has_value());
}

}  // namespace
}  // namespace igra::chain
