// IdMiner::find_nonce (multi-lane BLAKE2b for v0, compact BLAKE3 mid-state for v1) returns exactly the nonce of
// the naive sequential search: the first nonce, counting up (wrapping) from `start`, whose id has the prefix.
#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

#include "core/blake2b_multi.hpp"
#include "core/hex.hpp"
#include "kaspa/transaction.hpp"
#include "kaspa/tx_id.hpp"

namespace igra::kaspa {
namespace {

Transaction mining_tx(std::uint16_t version, std::size_t payload_len, std::uint8_t seed) {
  Transaction tx;
  tx.version = version;
  TransactionInput in;
  for (std::size_t i = 0; i < 32; ++i) in.previous_outpoint.transaction_id[i] = static_cast<std::uint8_t>(i * 7 + seed);
  in.previous_outpoint.index = seed;
  in.sequence = 5;
  in.compute_commit = version == 0 ? ComputeCommit(SigOpCount{1}) : ComputeCommit(ComputeBudget{10});
  tx.inputs.push_back(in);
  TransactionOutput out;
  out.value = 1'000'000 + seed;
  out.script_public_key.script.assign(34, static_cast<std::uint8_t>(0x20 + seed));
  tx.outputs.push_back(out);
  tx.payload.resize(payload_len);
  for (std::size_t i = 0; i < payload_len; ++i) tx.payload[i] = static_cast<std::uint8_t>(i * 13 + seed);
  return tx;
}

bool has_prefix(const TransactionId& id, core::ByteView prefix) {
  for (std::size_t k = 0; k < prefix.size(); ++k)
    if (id[k] != prefix[k]) return false;
  return true;
}

// The reference: serialize the whole transaction for every nonce.
std::optional<std::pair<std::uint32_t, TransactionId>> naive_search(Transaction tx, core::ByteView prefix,
                                                                    std::uint32_t start, std::uint64_t max_tries) {
  std::uint32_t nonce = start;
  for (std::uint64_t i = 0; i < max_tries; ++i, ++nonce) {
    EXPECT_TRUE(set_payload_nonce(tx, nonce));
    const TransactionId id = transaction_id(tx);
    if (has_prefix(id, prefix)) return std::make_pair(nonce, id);
  }
  return std::nullopt;
}

std::vector<core::Blake2bBackend> backends() {
  std::vector<core::Blake2bBackend> out;
  for (auto b : {core::Blake2bBackend::kScalar, core::Blake2bBackend::kAvx2, core::Blake2bBackend::kAvx512})
    if (core::blake2b_backend_available(b)) out.push_back(b);
  return out;
}

// v0 id preimage = 62 + 52 + (18 + 34) + payload = 166 + payload bytes; with the key block, the nonce (last 4
// bytes) ends at 128 + 166 + payload. Payload sizes put it mid-block, at a block start, straddling a boundary,
// ending a block (the mid-state buffer full: 94), and several blocks in.
constexpr std::size_t kPayloads[] = {4, 5, 40, 84, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 200, 222, 600};

TEST(IdMinerFindNonce, V0EveryBackendMatchesNaiveSearch) {
  const std::vector<std::vector<std::uint8_t>> prefixes = {{}, {0x97}, {0x00}, {0x97, 0xb1}};
  std::uint8_t seed = 1;
  for (std::size_t payload_len : kPayloads) {
    const Transaction tx = mining_tx(0, payload_len, seed++);
    auto miner = IdMiner::create(tx);
    ASSERT_TRUE(miner) << miner.error().message;
    for (const auto& p : prefixes) {
      // The 2-byte prefix takes ~65k naive tries: check it on a few shapes only.
      if (p.size() == 2 && payload_len != 84 && payload_len != 90 && payload_len != 600) continue;
      const core::ByteView prefix(p.data(), p.size());
      for (std::uint32_t start : {0u, 12345u, 0xfffffff0u}) {
        const auto expected = naive_search(tx, prefix, start, 1u << 20);
        ASSERT_TRUE(expected) << "payload=" << payload_len;
        for (auto b : backends()) {
          const auto got = miner->find_nonce(prefix, start, 1u << 20, b);
          ASSERT_TRUE(got) << core::blake2b_backend_name(b);
          EXPECT_EQ(got->first, expected->first)
              << core::blake2b_backend_name(b) << " payload=" << payload_len << " prefix=" << core::to_hex(prefix)
              << " start=" << start;
          EXPECT_EQ(core::to_hex(got->second), core::to_hex(expected->second));
          // max_tries ending right before / at the match.
          const std::uint64_t tries_to_match = static_cast<std::uint32_t>(expected->first - start) + 1ull;
          EXPECT_FALSE(miner->find_nonce(prefix, start, tries_to_match - 1, b)) << core::blake2b_backend_name(b);
          const auto at = miner->find_nonce(prefix, start, tries_to_match, b);
          ASSERT_TRUE(at);
          EXPECT_EQ(at->first, expected->first);
        }
        // The default backend, too.
        const auto def = miner->find_nonce(prefix, start, 1u << 20);
        ASSERT_TRUE(def);
        EXPECT_EQ(def->first, expected->first);
      }
    }
  }
}

TEST(IdMinerFindNonce, V0LongPrefixAndNoMatch) {
  const Transaction tx = mining_tx(0, 84, 9);
  auto miner = IdMiner::create(tx);
  ASSERT_TRUE(miner);
  // A full-id prefix: only the exact nonce matches (exercises the bytes beyond the first digest word).
  Transaction t2 = tx;
  ASSERT_TRUE(set_payload_nonce(t2, 1000));
  const TransactionId target = transaction_id(t2);
  for (auto b : backends()) {
    for (std::size_t len : {8, 9, 16, 31, 32}) {
      const auto got = miner->find_nonce(core::ByteView(target.data(), len), 990, 64, b);
      ASSERT_TRUE(got) << core::blake2b_backend_name(b) << " len=" << len;
      EXPECT_EQ(got->first, 1000u);
      EXPECT_EQ(got->second, target);
    }
    EXPECT_FALSE(miner->find_nonce(core::ByteView(target.data(), 32), 0, 1000, b));
    EXPECT_FALSE(miner->find_nonce(core::ByteView(target.data(), 32), 1001, 3, b));
    EXPECT_FALSE(miner->find_nonce(core::ByteView(target.data(), 1), 0, 0, b));
  }
  std::uint8_t too_long[33] = {};
  EXPECT_FALSE(miner->find_nonce(core::ByteView(too_long, 33), 0, 100));
}

// The parallel search returns the sequential search's nonce (the first match in nonce order), for v0 and v1,
// with several thread counts, also across the u32 wrap and when nothing matches.
TEST(IdMinerFindNonce, ParallelMatchesSequential) {
  for (std::uint16_t version : {0, 1}) {
    const Transaction tx = mining_tx(version, 84, static_cast<std::uint8_t>(40 + version));
    auto miner = IdMiner::create(tx);
    ASSERT_TRUE(miner);
    const std::uint8_t p2[2] = {0x97, 0xae};
    for (std::uint32_t start : {0u, 123'456u, 0xfffff000u}) {
      const auto seq = miner->find_nonce(core::ByteView(p2, 2), start, 1ull << 32);
      ASSERT_TRUE(seq);
      for (unsigned threads : {1u, 2u, 3u, 8u}) {
        const auto par = miner->find_nonce_parallel(core::ByteView(p2, 2), start, 1ull << 32, threads);
        ASSERT_TRUE(par) << "threads=" << threads;
        EXPECT_EQ(par->first, seq->first) << "v" << version << " start=" << start << " threads=" << threads;
        EXPECT_EQ(par->second, seq->second);
      }
    }
    const std::uint8_t never[32] = {1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_FALSE(miner->find_nonce_parallel(core::ByteView(never, 32), 0, 200'000, 3));
  }
}

TEST(IdMinerFindNonce, V1MatchesNaiveSearch) {
  std::uint8_t seed = 3;
  for (std::size_t payload_len : {4, 60, 64, 66, 84, 1020, 1024, 1026, 1030, 2100}) {
    const Transaction tx = mining_tx(1, payload_len, seed++);
    auto miner = IdMiner::create(tx);
    ASSERT_TRUE(miner) << miner.error().message;
    for (std::uint32_t n : {0u, 7u, 0xffffffffu}) {
      Transaction t2 = tx;
      ASSERT_TRUE(set_payload_nonce(t2, n));
      EXPECT_EQ(miner->id_with_nonce(n), transaction_id(t2)) << "payload=" << payload_len << " nonce=" << n;
    }
    const std::uint8_t p[1] = {0x97};
    for (std::uint32_t start : {0u, 0xffffff00u}) {
      const auto expected = naive_search(tx, core::ByteView(p, 1), start, 1u << 16);
      const auto got = miner->find_nonce(core::ByteView(p, 1), start, 1u << 16);
      ASSERT_TRUE(expected);
      ASSERT_TRUE(got);
      EXPECT_EQ(got->first, expected->first) << "payload=" << payload_len;
      EXPECT_EQ(got->second, expected->second);
    }
  }
}

}  // namespace
}  // namespace igra::kaspa
