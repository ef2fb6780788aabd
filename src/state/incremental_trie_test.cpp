// The incremental trie against the one-shot builder (mpt.hpp) and ethereum/tests TrieTests: roots after
// every batch of random changes, stored rows equal to those of a from-scratch build (no stale rows after
// deletes), and proofs.
#include "state/incremental_trie.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <map>
#include <random>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "state/mpt.hpp"
#include "state/trie_fixture_testing.hpp"
#include "support/testing.hpp"

using namespace igra::core;
using namespace igra::state;
using nlohmann::json;

namespace {

// Byte-wise key order for test maps (std::less<std::vector> trips a spurious GCC 12 -Wstringop-overread).
struct BytesLess {
  bool operator()(const Bytes& a, const Bytes& b) const noexcept {
    const std::size_t n = std::min(a.size(), b.size());
    const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
    return c < 0 || (c == 0 && a.size() < b.size());
  }
};
using RowMap = std::map<Bytes, Bytes, BytesLess>;

class MemStore final : public NodeStore {
 public:
  Result<std::optional<Bytes>> load(ByteView path) override {
    ++loads;
    auto it = rows.find(Bytes(path.begin(), path.end()));
    if (it == rows.end()) return std::optional<Bytes>();
    return std::optional<Bytes>(it->second);
  }
  void apply(const TrieWrites& w) {
    if (w.wipe) rows.clear();
    for (const auto& d : w.deletes) rows.erase(d);
    for (const auto& [k, v] : w.puts) rows[k] = v;
  }
  RowMap rows;
  std::atomic<std::size_t> loads{0};  // put_batch loads on two threads
};

using igra::state::testing::fixture_bytes;
using igra::state::testing::fixture_entries;

// Applies the entries one at a time, persisting after each and reopening the trie from the store, so every
// step loads the nodes it edits. Returns the final root.
Hash32 incremental_root(const std::vector<std::pair<Bytes, Bytes>>& entries, bool secure) {
  MemStore store;
  for (const auto& [k, v] : entries) {
    IncrementalTrie trie(&store);
    const Hash32 hk = keccak256(k);
      const Bytes key = secure ? Bytes(hk.begin(), hk.end()) : k;
    EXPECT_TRUE(trie.put(key, v).ok());
    auto w = trie.take_writes();
    EXPECT_TRUE(w.ok());
    store.apply(*w);
  }
  IncrementalTrie trie(&store);
  auto r = trie.root_hash();
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : Hash32{};
}

int run_file(const std::string& name, bool secure) {
  const auto dir = igra::testing::unpacked_fixture("ethereum-tests.tar.xz") / "TrieTests";
  const json doc = igra::testing::load_json(dir / name);
  int n = 0;
  for (const auto& [case_name, c] : doc.items()) {
    const auto entries = fixture_entries(c.at("in"));
    EXPECT_EQ(to_hex(incremental_root(entries, secure), true), c.at("root").get<std::string>())
        << name << " / " << case_name;
    // Also in one batch (all edits in memory before the first hash).
    IncrementalTrie trie(nullptr);
    for (const auto& [k, v] : entries) {
      const Hash32 hk = keccak256(k);
      const Bytes key = secure ? Bytes(hk.begin(), hk.end()) : k;
      EXPECT_TRUE(trie.put(key, v).ok());
    }
    EXPECT_EQ(to_hex(*trie.root_hash(), true), c.at("root").get<std::string>()) << name << " / " << case_name;
    ++n;
  }
  return n;
}

}  // namespace

TEST(IncrementalTrieFixtures, TrieTest) { EXPECT_EQ(run_file("trietest.json", false), 5); }
TEST(IncrementalTrieFixtures, TrieAnyOrder) { EXPECT_EQ(run_file("trieanyorder.json", false), 7); }
TEST(IncrementalTrieFixtures, TrieTestSecure) { EXPECT_EQ(run_file("trietest_secureTrie.json", true), 3); }
TEST(IncrementalTrieFixtures, TrieAnyOrderSecure) { EXPECT_EQ(run_file("trieanyorder_secureTrie.json", true), 7); }
TEST(IncrementalTrieFixtures, HexEncodedSecure) { EXPECT_EQ(run_file("hex_encoded_securetrie_test.json", true), 3); }

// Random batches over a key space that makes every node shape (short raw keys that are prefixes of each
// other, values below and above the 32-byte inline limit, hashed 32-byte keys), checked after each batch
// against the one-shot root, against the rows of a from-scratch build, and through proofs.
class IncrementalTrieRandom : public ::testing::TestWithParam<bool> {};

TEST_P(IncrementalTrieRandom, MatchesOneShotBuilderAndCanonicalRows) {
  const bool hashed_keys = GetParam();
  std::mt19937_64 rng(hashed_keys ? 7 : 11);
  MemStore store;
  RowMap model;
  auto random_key = [&]() {
    if (hashed_keys) {
      const std::uint64_t i = rng() % 600;
      Bytes b;
      put_be(b, i);
      const Hash32 h = keccak256(b);
      return Bytes(h.begin(), h.end());
    }
    Bytes k(1 + rng() % 3);
    for (auto& x : k) x = static_cast<std::uint8_t>(rng() % 4 * 0x11);  // few distinct nibbles: deep sharing
    return k;
  };
  for (int batch = 0; batch < 300; ++batch) {
    IncrementalTrie trie(&store);
    const int ops = 1 + static_cast<int>(rng() % 20);
    for (int i = 0; i < ops; ++i) {
      const Bytes k = random_key();
      Bytes v;
      if (rng() % 3 != 0) {
        v.resize(1 + rng() % 40);
        for (auto& x : v) x = static_cast<std::uint8_t>(rng());
      }
      ASSERT_TRUE(trie.put(k, v).ok());
      if (v.empty())
        model.erase(k);
      else
        model[k] = v;
    }
    if (batch % 37 == 5) {
      // Wipe and rebuild part of it in the same batch.
      trie.clear();
      model.clear();
      for (int i = 0; i < 3; ++i) {
        const Bytes k = random_key();
        const Bytes v{1, 2, 3};
        ASSERT_TRUE(trie.put(k, v).ok());
        model[k] = v;
      }
    }
    std::vector<std::pair<Bytes, Bytes>> entries(model.begin(), model.end());
    const Hash32 expected = mpt_root(entries);
    auto root = trie.root_hash();
    ASSERT_TRUE(root.ok()) << root.error().message;
    ASSERT_EQ(to_hex(*root), to_hex(expected)) << "batch " << batch;
    auto w = trie.take_writes();
    ASSERT_TRUE(w.ok());
    store.apply(*w);

    MemStore fresh;
    IncrementalTrie full(&fresh);
    for (const auto& [k, v] : model) ASSERT_TRUE(full.put(k, v).ok());
    auto fw = full.take_writes();
    ASSERT_TRUE(fw.ok());
    fresh.apply(*fw);
    ASSERT_EQ(store.rows, fresh.rows) << "batch " << batch;

    // Proofs of a few present and absent keys, through a reopened trie.
    IncrementalTrie reader(&store);
    for (int i = 0; i < 4; ++i) {
      const Bytes k = random_key();
      auto proof = reader.prove(k);
      ASSERT_TRUE(proof.ok()) << proof.error().message;
      auto got = verify_proof(expected, k, *proof);
      ASSERT_TRUE(got.ok()) << got.error().message;
      const auto it = model.find(k);
      EXPECT_EQ(*got, it == model.end() ? Bytes{} : it->second);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Keys, IncrementalTrieRandom, ::testing::Values(false, true));

// put_batch on two threads gives the same root and the same rows as the same updates put one by one: random
// batches of inserts, overwrites and deletions over a stored trie, down to deleting every key.
TEST(IncrementalTrie, PutBatchMatchesSequentialPuts) {
  std::mt19937_64 rng(23);
  MemStore batched, sequential;
  RowMap model;
  std::size_t spawned = 0;
  const IncrementalTrie::Spawn spawn = [&spawned](std::function<void()> work) {
    ++spawned;
    return std::thread(std::move(work));
  };
  auto key_of = [](std::uint64_t i) {
    Bytes b;
    put_be(b, i);
    return keccak256(b);
  };
  for (int round = 0; round < 40; ++round) {
    std::vector<std::pair<Hash32, Bytes>> updates;
    const bool last = round == 39;
    const std::size_t n = last ? 0 : 200 + rng() % 1500;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t id = rng() % 3000;
      Bytes v;
      if (rng() % 4 != 0) v.assign(1 + rng() % 60, static_cast<std::uint8_t>(rng()));
      updates.emplace_back(key_of(id), v);
    }
    if (last)  // delete everything that is left
      for (const auto& [k, v] : model) updates.emplace_back(Hash32::from_view(k), Bytes{});
    for (const auto& [k, v] : updates) {
      const Bytes kb(k.begin(), k.end());
      if (v.empty()) model.erase(kb); else model[kb] = v;
    }
    IncrementalTrie a(&batched), b(&sequential);
    auto r = a.put_batch(updates, spawn);
    ASSERT_TRUE(r.ok()) << r.error().message;
    for (const auto& [k, v] : updates) ASSERT_TRUE(b.put(k.view(), v).ok());
    auto ra = a.root_hash(), rb = b.root_hash();
    ASSERT_TRUE(ra.ok() && rb.ok());
    std::vector<std::pair<Bytes, Bytes>> entries(model.begin(), model.end());
    EXPECT_EQ(to_hex(*ra), to_hex(mpt_root(entries))) << "round " << round;
    EXPECT_EQ(to_hex(*ra), to_hex(*rb)) << "round " << round;
    batched.apply(*a.take_writes());
    sequential.apply(*b.take_writes());
    ASSERT_EQ(batched.rows, sequential.rows) << "round " << round;
  }
  EXPECT_TRUE(model.empty());
  EXPECT_TRUE(batched.rows.empty());
  EXPECT_GT(spawned, 20u);  // the two-thread path ran
}

TEST(IncrementalTrie, LoadsOnlyTouchedPaths) {
  MemStore store;
  {
    IncrementalTrie trie(&store);
    for (std::uint64_t i = 0; i < 5000; ++i) {
      Bytes b;
      put_be(b, i);
      ASSERT_TRUE(trie.put(keccak256(b).view(), Bytes(40, 7)).ok());
    }
    store.apply(*trie.take_writes());
  }
  store.loads = 0;
  IncrementalTrie trie(&store);
  Bytes b;
  put_be(b, std::uint64_t{42});
  ASSERT_TRUE(trie.put(keccak256(b).view(), Bytes(40, 8)).ok());
  ASSERT_TRUE(trie.root_hash().ok());
  EXPECT_LE(store.loads, 6u);  // root, ~3 branch levels, the leaf
}

TEST(IncrementalTrie, TamperedRowIsAnError) {
  MemStore store;
  {
    IncrementalTrie trie(&store);
    for (std::uint8_t i = 0; i < 40; ++i) ASSERT_TRUE(trie.put(keccak256(Bytes{i}).view(), Bytes(40, i)).ok());
    store.apply(*trie.take_writes());
  }
  // Corrupt one non-root row: loading it must fail (its hash no longer matches the parent's reference).
  for (auto& [k, v] : store.rows)
    if (k.size() > 1) {
      v.back() ^= 1;
      break;
    }
  IncrementalTrie trie(&store);
  bool failed = false;
  for (std::uint8_t i = 0; i < 40 && !failed; ++i) failed = !trie.put(keccak256(Bytes{i}).view(), Bytes(40, 99)).ok();
  EXPECT_TRUE(failed);
}
