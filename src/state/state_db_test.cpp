// StateDb against a replay model: thousands of random blocks with random unwinds of 1-64 blocks and
// re-application; after every step the stored root equals the from-scratch root (secure_mpt_root) of the
// model, historical reads equal the model's snapshot of that block, and proofs verify. Plus the crash test
// (a forked writer killed with SIGKILL at random moments), disk-full and map-growth behaviour, block rows.
#include "state/state_db.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <filesystem>
#include <random>
#include <thread>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "state/incremental_trie.hpp"
#include "state/mpt.hpp"
#include "state/state_test_model.hpp"
#include "state/tables.hpp"

using namespace igra::core;
using namespace igra::state;
using namespace igra::state::testmodel;

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

std::string temp_db_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("igra-state-" + name + "-" + std::to_string(::getpid()) + "-" +
                    std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

struct TempDir {
  std::string path;
  explicit TempDir(const std::string& name) : path(temp_db_dir(name)) {}
  ~TempDir() { std::filesystem::remove_all(path); }
};

EnvOptions fast_options(const std::string& path) {
  EnvOptions o;
  o.path = path;
  o.sync = false;  // durability is the crash test's subject, not this one's
  o.initial_map_size = 64ull << 20;
  return o;
}

BlockData block_data(std::uint64_t n, std::uint64_t salt) {
  BlockData d;
  d.number = n;
  Bytes seed;
  put_be(seed, n);
  put_be(seed, salt);
  d.hash = keccak256(seed);
  return d;
}
std::uint64_t seed_of(const Hash32& h) { return load_be<std::uint64_t>(h.data()); }

// Compares every current account and slot of the database with the model.
void expect_state_equals(StateDb& db, const ModelState& m) {
  auto v = db.view();
  ASSERT_TRUE(v.ok());
  auto accounts = v->all_accounts();
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->size(), m.accounts.size());
  for (const auto& [a, acc] : *accounts) {
    ASSERT_TRUE(m.accounts.count(a));
    EXPECT_EQ(acc, m.full_account(a));
    auto st = v->all_storage(a);
    ASSERT_TRUE(st.ok());
    const auto it = m.storage.find(a);
    ASSERT_EQ(st->size(), it == m.storage.end() ? 0u : it->second.size());
    for (const auto& [slot, value] : *st) EXPECT_EQ(value, m.slot(a, slot));
  }
}

}  // namespace

TEST(StateDb, AccountEncodingRoundTrip) {
  Account a;
  a.nonce = 7;
  a.balance = uint256(123456789);
  a.code_hash = keccak256(Bytes{1, 2, 3});
  const Bytes raw = encode_account(a);
  auto d = decode_account(raw);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->nonce, 7u);
  EXPECT_EQ(d->balance, uint256(123456789));
  EXPECT_EQ(d->storage_root, kEmptyTrieRoot);
  EXPECT_EQ(d->code_hash, a.code_hash);
  EXPECT_EQ(keccak256(Bytes{}), kEmptyCodeHash);
}

// The main randomized test, with the trie rows written every block and every 16 blocks (the default:
// proofs and unwinds then also run against rows that lag behind the head).
struct RandomParams {
  std::uint64_t flush_interval;
  std::uint64_t index_interval;
  int steps;
};
class StateDbRandom : public ::testing::TestWithParam<RandomParams> {};

// Block rows of the randomized test: two transactions and one log emitter and topic, all derived from the
// block's hash (so a re-applied block has the same ones).
BlockData with_index_keys(BlockData d) {
  d.tx_hashes = {keccak256(tables::concat({d.hash.view(), Bytes{0}})), keccak256(tables::concat({d.hash.view(), Bytes{1}}))};
  d.log_addresses = {pool_address(d.hash[0] % 5)};
  d.log_topics = {pool_slot(d.hash[1] % 3)};
  return d;
}

TEST_P(StateDbRandom, BlocksUnwindsReappliesHistoricalReadsAndProofs) {
  TempDir dir("random");
  StateDbTuning tuning;
  tuning.trie_flush_interval = GetParam().flush_interval;
  tuning.index_flush_interval = GetParam().index_interval;
  const int steps = GetParam().steps;
  auto db_r = StateDb::open(fast_options(dir.path), tuning);
  ASSERT_TRUE(db_r.ok()) << db_r.error().message;
  auto& db = **db_r;
  std::mt19937_64 rng(2026);
  std::vector<ModelState> snapshots;  // snapshots[n] = model after block n
  int unwinds = 0, proofs = 0, reads = 0, reapplied = 0, blocks_applied = 0;
  std::vector<std::pair<BlockData, Hash32>> applied;  // applied[n]: block n as applied, with its root
  std::vector<Hash32> unwound_txs;                    // transactions of unwound blocks (the newest 64)
  for (int step = 0; step < steps; ++step) {
    if (!snapshots.empty() && rng() % 12 == 0 && snapshots.size() > 1) {
      const std::uint64_t depth = std::min<std::uint64_t>(1 + rng() % 64, snapshots.size() - 1);
      const std::uint64_t target = snapshots.size() - 1 - depth;
      auto r = db.unwind_to(target);
      ASSERT_TRUE(r.ok()) << r.error().message;
      for (std::uint64_t n = target + 1; n < applied.size(); ++n)
        unwound_txs.insert(unwound_txs.end(), applied[n].first.tx_hashes.begin(), applied[n].first.tx_hashes.end());
      if (unwound_txs.size() > 64) unwound_txs.erase(unwound_txs.begin(), unwound_txs.end() - 64);
      snapshots.resize(target + 1);
      ++unwinds;
      if (rng() % 2 == 0) {
        // Re-apply the very blocks that were undone: the same roots must come back.
        for (std::uint64_t n = target + 1; n < applied.size(); ++n) {
          auto again = db.apply_block(applied[n].first, random_block(seed_of(applied[n].first.hash)));
          ASSERT_TRUE(again.ok()) << again.error().message;
          ASSERT_EQ(*again, applied[n].second) << "re-applied block " << n;
          ModelState m = snapshots.back();
          m.apply(random_block(seed_of(applied[n].first.hash)));
          snapshots.push_back(std::move(m));
          ++reapplied;
          ++blocks_applied;
        }
      }
      applied.resize(snapshots.size());
    } else {
      const std::uint64_t n = snapshots.size();
      const BlockData d = with_index_keys(block_data(n, rng()));
      const BlockChanges ch = random_block(seed_of(d.hash));
      ModelState m = snapshots.empty() ? ModelState{} : snapshots.back();
      m.apply(ch);
      auto root = db.apply_block(d, ch);
      ASSERT_TRUE(root.ok()) << root.error().message;
      ASSERT_EQ(to_hex(*root), to_hex(m.root())) << "block " << n;
      snapshots.push_back(std::move(m));
      applied.resize(n);
      applied.emplace_back(d, *root);
      ++blocks_applied;
    }
    const std::uint64_t head = snapshots.size() - 1;
    ASSERT_EQ(db.head(), head);
    auto v = db.view();
    ASSERT_TRUE(v.ok());
    ASSERT_EQ(to_hex(*v->state_root(head)), to_hex(snapshots.back().root()));
    // Historical reads at random blocks.
    for (int i = 0; i < 8; ++i) {
      const std::uint64_t b = rng() % (head + 1);
      const Address20 a = pool_address(rng() % 42);
      const Hash32 s = pool_slot(rng() % 13);
      const ModelState& m = snapshots[b];
      auto acc = v->account(a, b);
      ASSERT_TRUE(acc.ok()) << acc.error().message;
      ASSERT_EQ(acc->has_value(), m.accounts.count(a) == 1) << "block " << b;
      if (acc->has_value()) {
        EXPECT_EQ(**acc, m.full_account(a));
        EXPECT_EQ(*v->balance(a, b), m.accounts.at(a).balance);
        EXPECT_EQ(*v->nonce(a, b), m.accounts.at(a).nonce);
        auto code = v->code(a, b);
        ASSERT_TRUE(code.ok()) << code.error().message;
        const Hash32 ch = m.accounts.at(a).code_hash;
        EXPECT_EQ(ch == kEmptyCodeHash ? Bytes{} : m.code.at(ch), *code);
      }
      auto sv = v->storage(a, s, b);
      ASSERT_TRUE(sv.ok());
      EXPECT_EQ(*sv, m.slot(a, s)) << "block " << b << " step " << step;
      ++reads;
    }
    // Head reads (the executor's pre-state): through a reader's snapshot (PlainDiff rows of the blocks after
    // the last flush) and through the writer's own (its in-memory overlay).
    {
      auto wv = db.writer_view();
      ASSERT_TRUE(wv.ok()) << wv.error().message;
      const ModelState& m = snapshots.back();
      for (int i = 0; i < 6; ++i) {
        const Address20 a = pool_address(rng() % 42);
        const Hash32 s = pool_slot(rng() % 13);
        const std::optional<Account> want = m.accounts.count(a) ? std::optional<Account>(m.full_account(a)) : std::nullopt;
        for (StateView* sv : {&*v, &*wv}) {
          auto acc = sv->head_account(a);
          ASSERT_TRUE(acc.ok()) << acc.error().message;
          EXPECT_EQ(*acc, want) << "step " << step << (sv == &*wv ? " (writer)" : "");
          auto val = sv->head_storage(a, s);
          ASSERT_TRUE(val.ok()) << val.error().message;
          EXPECT_EQ(*val, m.slot(a, s)) << "step " << step << (sv == &*wv ? " (writer)" : "");
        }
      }
    }
    // Transaction and log lookups, served from the indices and from the not yet indexed newest blocks.
    for (int i = 0; i < 2; ++i) {
      const std::uint64_t b = rng() % (head + 1);
      const std::uint32_t k = static_cast<std::uint32_t>(rng() % 2);
      auto loc = v->tx_location(applied[b].first.tx_hashes[k]);
      ASSERT_TRUE(loc.ok()) << loc.error().message;
      ASSERT_TRUE(loc->has_value()) << "block " << b;
      EXPECT_EQ((*loc)->block, b);
      EXPECT_EQ((*loc)->index, k);
    }
    for (const auto& gone : unwound_txs) {
      auto loc = v->tx_location(gone);
      ASSERT_TRUE(loc.ok());
      if (loc->has_value()) {  // only when the same block was re-applied
        ASSERT_LT((*loc)->block, applied.size());
        EXPECT_EQ(applied[(*loc)->block].first.tx_hashes[(*loc)->index], gone);
      }
    }
    {
      const std::uint64_t lo = rng() % (head + 1), hi = lo + rng() % (head + 2 - lo);
      const Address20 a = pool_address(rng() % 5);
      const Hash32 topic = pool_slot(rng() % 3);
      std::vector<std::uint64_t> by_addr, by_topic;
      for (std::uint64_t b = lo; b <= std::min(hi, head); ++b) {
        if (applied[b].first.log_addresses[0] == a) by_addr.push_back(b);
        if (applied[b].first.log_topics[0] == topic) by_topic.push_back(b);
      }
      EXPECT_EQ(*v->log_blocks_by_address(a, lo, hi), by_addr) << lo << ".." << hi;
      EXPECT_EQ(*v->log_blocks_by_topic(topic, lo, hi), by_topic) << lo << ".." << hi;
    }
    // A proof at a recent block, checked with the proof verifier against the stored root.
    if (step % 5 == 0) {
      const std::uint64_t back = std::min<std::uint64_t>(rng() % 80, head);
      const std::uint64_t b = head - back;
      const Address20 a = pool_address(rng() % 42);
      const std::vector<Hash32> slots = {pool_slot(rng() % 13), pool_slot(rng() % 13)};
      auto p = v->proof(a, slots, b);
      ASSERT_TRUE(p.ok()) << p.error().message;
      const Hash32 root = snapshots[b].root();
      ASSERT_EQ(p->state_root, root);
      auto got = verify_proof(root, keccak256(a.view()).view(), p->account_proof);
      ASSERT_TRUE(got.ok()) << got.error().message;
      const bool exists = snapshots[b].accounts.count(a) == 1;
      EXPECT_EQ(*got, exists ? encode_account(snapshots[b].full_account(a)) : Bytes{});
      const Hash32 sroot = exists ? snapshots[b].storage_root(a) : kEmptyTrieRoot;
      EXPECT_EQ(p->storage_root, sroot);
      for (const auto& sp : p->storage) {
        auto sv = verify_proof(sroot, keccak256(sp.slot.view()).view(), sp.proof);
        ASSERT_TRUE(sv.ok()) << sv.error().message;
        EXPECT_EQ(*sv, encode_storage_value(snapshots[b].slot(a, sp.slot)));
        EXPECT_EQ(sp.value, snapshots[b].slot(a, sp.slot));
      }
      ++proofs;
    }
    if (step % 250 == 0) expect_state_equals(db, snapshots.back());
  }
  expect_state_equals(db, snapshots.back());
  EXPECT_GT(unwinds, steps / 30);
  EXPECT_GT(reapplied, steps / 3);
  EXPECT_GT(proofs, steps / 6);
  EXPECT_GT(reads, steps * 7);
  EXPECT_GT(blocks_applied, steps);
  std::printf("%d steps: %d blocks applied (%d of them re-applied after an unwind), %d unwinds of 1-64 blocks, "
              "%d proofs, %d historical reads\n",
              steps, blocks_applied, reapplied, unwinds, proofs, reads);
}

INSTANTIATE_TEST_SUITE_P(FlushInterval, StateDbRandom,
                         ::testing::Values(RandomParams{16, 16, 3000}, RandomParams{1, 1, 1000},
                                           RandomParams{7, 3, 1000}),
                         [](const auto& info) {
                           return "trie_every_" + std::to_string(info.param.flush_interval) + "_index_every_" +
                                  std::to_string(info.param.index_interval);
                         });

// Blocks big enough for the two-thread trie updates (put_batch on the state trie, storage tries split between
// two threads, one contract's many slots through put_batch), with unwinds and re-applied blocks: every root
// equals the model's, and the final state and trie rows are exact.
TEST(StateDb, BigBlocksOnTwoThreads) {
  TempDir dir("big");
  StateDbTuning tuning;
  tuning.trie_flush_interval = 4;
  auto db_r = StateDb::open(fast_options(dir.path), tuning);
  ASSERT_TRUE(db_r.ok()) << db_r.error().message;
  auto& db = **db_r;
  std::mt19937_64 rng(4242);
  std::vector<ModelState> snapshots;
  std::vector<BlockData> applied;
  auto block_of = [](const BlockData& d) {
    const std::uint64_t seed = seed_of(d.hash);
    return random_block(seed, 3000, 600, 1500, 3000, seed % 3 == 0);
  };
  int unwinds = 0;
  for (int step = 0; step < 70; ++step) {
    if (snapshots.size() > 4 && rng() % 7 == 0) {
      const std::uint64_t target = snapshots.size() - 1 - (1 + rng() % 3);
      auto r = db.unwind_to(target);
      ASSERT_TRUE(r.ok()) << r.error().message;
      snapshots.resize(target + 1);
      ++unwinds;
      if (rng() % 2 == 0) {  // the same block again
        const BlockData& d = applied[target + 1];
        ModelState m = snapshots.back();
        m.apply(block_of(d));
        auto root = db.apply_block(d, block_of(d));
        ASSERT_TRUE(root.ok()) << root.error().message;
        ASSERT_EQ(to_hex(*root), to_hex(m.root())) << "re-applied block " << target + 1;
        snapshots.push_back(std::move(m));
      }
      applied.resize(snapshots.size());
      continue;
    }
    const std::uint64_t n = snapshots.size();
    const BlockData d = block_data(n, rng());
    ModelState m = snapshots.empty() ? ModelState{} : snapshots.back();
    m.apply(block_of(d));
    auto root = db.apply_block(d, block_of(d));
    ASSERT_TRUE(root.ok()) << root.error().message;
    ASSERT_EQ(to_hex(*root), to_hex(m.root())) << "block " << n;
    snapshots.push_back(std::move(m));
    applied.resize(n);
    applied.push_back(d);
  }
  EXPECT_GT(unwinds, 3);
  expect_state_equals(db, snapshots.back());
  // Reopened: the trie rows written by the flushes (and recomputed for the blocks after the last one)
  // give the head's root again, and a further block still matches the model.
  db_r->reset();
  auto again = StateDb::open(fast_options(dir.path), tuning);
  ASSERT_TRUE(again.ok()) << again.error().message;
  const std::uint64_t n = snapshots.size();
  const BlockData d = block_data(n, rng());
  ModelState m = snapshots.back();
  m.apply(block_of(d));
  auto root = (*again)->apply_block(d, block_of(d));
  ASSERT_TRUE(root.ok()) << root.error().message;
  EXPECT_EQ(to_hex(*root), to_hex(m.root()));
}

// The trie rows after many blocks and unwinds are exactly those of a from-scratch build of the current
// state (no stale or missing rows), for the state trie and every storage trie.
TEST(StateDb, TrieRowsAreCanonicalAfterUnwinds) {
  TempDir dir("canon");
  auto db_r = StateDb::open(fast_options(dir.path));
  ASSERT_TRUE(db_r.ok());
  auto& db = **db_r;
  std::mt19937_64 rng(99);
  std::uint64_t next = 0;
  for (int step = 0; step < 400; ++step) {
    if (next > 3 && rng() % 6 == 0) {
      const std::uint64_t target = next - 1 - std::min<std::uint64_t>(1 + rng() % 64, next - 1);
      ASSERT_TRUE(db.unwind_to(target).ok());
      next = target + 1;
    } else {
      const BlockData d = block_data(next, rng());
      ASSERT_TRUE(db.apply_block(d, random_block(seed_of(d.hash), 30, 8)).ok());
      ++next;
    }
  }
  ASSERT_TRUE(db.flush_trie().ok());
  auto v = db.view();
  ASSERT_TRUE(v.ok());
  // Rebuild from the plain state into an empty trie and compare row by row with the stored tables.
  class Empty final : public NodeStore {
   public:
    Result<std::optional<Bytes>> load(ByteView) override { return std::optional<Bytes>(); }
  } empty;
  auto rows_of = [&](std::string_view table, ByteView prefix) {
    RowMap out;
    auto c = v->txn().cursor(table);
    auto e = c->seek(prefix);
    while (e.ok() && *e && std::equal(prefix.begin(), prefix.end(), (*e)->first.begin()) &&
           (*e)->first.size() >= prefix.size()) {
      out[Bytes((*e)->first.begin() + static_cast<std::ptrdiff_t>(prefix.size()), (*e)->first.end())] =
          Bytes((*e)->second.begin(), (*e)->second.end());
      e = c->next();
    }
    return out;
  };
  IncrementalTrie state_trie(&empty);
  std::size_t storage_rows = 0;
  const auto all_accounts = *v->all_accounts();
  for (const auto& [a, acc] : all_accounts) {
    ASSERT_TRUE(state_trie.put(keccak256(a.view()).view(), encode_account(acc)).ok());
    IncrementalTrie st(&empty);
    const auto all_storage = *v->all_storage(a);
    for (const auto& [slot, value] : all_storage)
      ASSERT_TRUE(st.put(keccak256(slot.view()).view(), encode_storage_value(value)).ok());
    auto w = st.take_writes();
    RowMap expected(w->puts.begin(), w->puts.end());
    const Hash32 ha = keccak256(a.view());
    EXPECT_EQ(rows_of(tables::kStorageTrie, ha.view()), expected);
    storage_rows += expected.size();
  }
  auto w = state_trie.take_writes();
  RowMap expected(w->puts.begin(), w->puts.end());
  EXPECT_EQ(rows_of(tables::kAccountTrie, {}), expected);
  // No storage-trie rows of accounts that no longer exist.
  EXPECT_EQ(rows_of(tables::kStorageTrie, {}).size(), storage_rows);
}

TEST(StateDb, BlockRowsAndIgraTablesAreUnwound) {
  TempDir dir("rows");
  auto db_r = StateDb::open(fast_options(dir.path));
  ASSERT_TRUE(db_r.ok());
  auto& db = **db_r;
  for (std::uint64_t n = 0; n < 5; ++n) {
    BlockData d = block_data(n, 1);
    d.header = Bytes{0xc0, static_cast<std::uint8_t>(n)};
    d.body = Bytes{0xc1, static_cast<std::uint8_t>(n)};
    d.receipts = {Bytes{1, static_cast<std::uint8_t>(n)}, Bytes{2}};
    d.tx_hashes = {keccak256(Bytes{static_cast<std::uint8_t>(n), 0}), keccak256(Bytes{static_cast<std::uint8_t>(n), 1})};
    d.log_addresses = {pool_address(n % 2)};
    d.log_topics = {pool_slot(7)};
    d.l1_origin = Bytes{0xee, static_cast<std::uint8_t>(n)};
    d.derivation_cursor = Bytes{0xcc, static_cast<std::uint8_t>(n)};
    d.dropped_txs = {{keccak256(Bytes{9, static_cast<std::uint8_t>(n)}), "nonce too low"}};
    ASSERT_TRUE(db.apply_block(d, random_block(n)).ok());
  }
  {
    auto v = db.view();
    EXPECT_EQ(*v->log_blocks_by_address(pool_address(0), 0, 10), (std::vector<std::uint64_t>{0, 2, 4}));
    EXPECT_EQ(*v->log_blocks_by_topic(pool_slot(7), 1, 3), (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_EQ(v->tx_location(keccak256(Bytes{3, 1}))->value().block, 3u);
    EXPECT_EQ(v->tx_location(keccak256(Bytes{3, 1}))->value().index, 1u);
    EXPECT_EQ(v->receipts(4)->size(), 2u);
    EXPECT_EQ(**v->derivation_cursor(), (Bytes{0xcc, 4}));
    EXPECT_EQ(v->dropped_txs(2)->at(0).second, "nonce too low");
  }
  ASSERT_TRUE(db.unwind_to(2).ok());
  auto v = db.view();
  EXPECT_EQ(*v->log_blocks_by_address(pool_address(0), 0, 10), (std::vector<std::uint64_t>{0, 2}));
  EXPECT_FALSE(v->tx_location(keccak256(Bytes{3, 1}))->has_value());
  EXPECT_TRUE(v->tx_location(keccak256(Bytes{2, 1}))->has_value());
  EXPECT_TRUE(v->receipts(3)->empty());
  EXPECT_FALSE(v->header(3)->has_value());
  EXPECT_EQ(**v->header(2), (Bytes{0xc0, 2}));
  EXPECT_FALSE(v->l1_origin(4)->has_value());
  EXPECT_TRUE(v->dropped_txs(3)->empty());
  EXPECT_EQ(**v->derivation_cursor(), (Bytes{0xcc, 2}));
  EXPECT_FALSE(v->canonical_hash(3)->has_value());
  // Reads above the head are errors, not silent zeros.
  EXPECT_FALSE(v->account(pool_address(0), 3).ok());
  // Wrong block number is refused.
  EXPECT_FALSE(db.apply_block(block_data(5, 1), {}).ok());
}

TEST(StateDb, ReadersKeepTheirSnapshotWhileTheWriterCommits) {
  TempDir dir("mvcc");
  auto db_r = StateDb::open(fast_options(dir.path));
  ASSERT_TRUE(db_r.ok());
  auto& db = **db_r;
  BlockChanges ch;
  Account a;
  a.balance = 1;
  ch.accounts.push_back({pool_address(1), a, false});
  ASSERT_TRUE(db.apply_block(block_data(0, 0), ch).ok());
  auto old_view = db.view();
  ASSERT_TRUE(old_view.ok());
  // The writer commits from another thread while the snapshot is open; it must not wait for the reader.
  std::thread writer([&] {
    for (std::uint64_t n = 1; n <= 20; ++n) {
      BlockChanges c;
      Account b;
      b.balance = n + 1;
      c.accounts.push_back({pool_address(1), b, false});
      ASSERT_TRUE(db.apply_block(block_data(n, 0), c).ok());
    }
  });
  writer.join();
  EXPECT_EQ(old_view->head(), 0u);
  EXPECT_EQ(*old_view->balance(pool_address(1), 0), uint256(1));
  auto new_view = db.view();
  EXPECT_EQ(new_view->head(), 20u);
  EXPECT_EQ(*new_view->balance(pool_address(1), 20), uint256(21));
  EXPECT_EQ(*new_view->balance(pool_address(1), 7), uint256(8));
}

TEST(StateDb, MapGrowsAutomatically) {
  TempDir dir("grow");
  EnvOptions o = fast_options(dir.path);
  o.initial_map_size = 1ull << 20;  // 1 MiB: the first blocks already overflow it
  auto db_r = StateDb::open(o);
  ASSERT_TRUE(db_r.ok());
  auto& db = **db_r;
  ModelState m;
  for (std::uint64_t n = 0; n < 40; ++n) {
    BlockChanges ch;
    for (std::uint64_t i = 0; i < 200; ++i) {
      Account a;
      a.nonce = n;
      a.balance = i;
      ch.accounts.push_back({pool_address(n * 1000 + i), a, false});
      ch.storage.push_back({pool_address(n * 1000 + i), pool_slot(i), uint256(n + 1)});
    }
    m.apply(ch);
    auto root = db.apply_block(block_data(n, 0), ch);
    ASSERT_TRUE(root.ok()) << root.error().message;
    ASSERT_EQ(*root, m.root());
  }
  EXPECT_GT(db.stats().map_growths, 0u);
  EXPECT_GT(db.stats().map_size, 1ull << 20);
}

// A write that does not fit on the disk fails with a clear error and leaves the previous block intact.
// The disk is "full" through RLIMIT_FSIZE in a forked child (writes past the limit fail with EFBIG).
TEST(StateDb, DiskFullIsAClearErrorAndNothingHalfWritten) {
  TempDir dir("full");
  std::uint64_t committed = 0;
  {
    auto db_r = StateDb::open(fast_options(dir.path));
    ASSERT_TRUE(db_r.ok());
    for (std::uint64_t n = 0; n < 3; ++n) ASSERT_TRUE((*db_r)->apply_block(block_data(n, 0), random_block(n)).ok());
    committed = 2;
  }
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    auto db_r = StateDb::open(fast_options(dir.path));
    if (!db_r.ok()) ::_exit(10);
    rlimit lim{};
    const rlim_t size = static_cast<rlim_t>(std::filesystem::file_size(dir.path + "/data.mdb"));
    lim.rlim_cur = lim.rlim_max = size + 64 * 1024;
    ::setrlimit(RLIMIT_FSIZE, &lim);
    for (std::uint64_t n = 3; n < 200; ++n) {
      BlockChanges ch;
      for (std::uint64_t i = 0; i < 300; ++i) {
        Account a;
        a.balance = i + 1;
        ch.accounts.push_back({pool_address(n * 1000 + i), a, false});
      }
      auto r = (*db_r)->apply_block(block_data(n, 0), ch);
      if (!r.ok()) {
        const bool clear = r.error().message.find("file size limit") != std::string::npos ||
                           r.error().message.find("disk full") != std::string::npos;
        if (!clear) {
          fprintf(stderr, "unexpected error: %s\n", r.error().message.c_str());
          ::_exit(11);
        }
        // The failed block left nothing behind: the head is the last committed block.
        if ((*db_r)->head() != n - 1) ::_exit(12);
        ::_exit(0);
      }
    }
    ::_exit(13);  // never ran out of space
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto db_r = StateDb::open(fast_options(dir.path));
  ASSERT_TRUE(db_r.ok());
  auto& db = **db_r;
  ASSERT_TRUE(db.head().has_value());
  EXPECT_GE(*db.head(), committed);
  // The database is consistent: the head root is the root of its plain state.
  auto v = db.view();
  ModelState m;
  const auto all_accounts = *v->all_accounts();
  for (const auto& [a, acc] : all_accounts) {
    m.accounts[a] = acc;
    const auto all_storage = *v->all_storage(a);
    for (const auto& [s, val] : all_storage) m.storage[a][s] = val;
  }
  EXPECT_EQ(*v->state_root(*db.head()), m.root());
  // And the writer goes on.
  EXPECT_TRUE(db.apply_block(block_data(*db.head() + 1, 0), random_block(77)).ok());
}

// Crash test: a forked child applies (and sometimes unwinds) blocks with fsync'ed commits and is killed
// with SIGKILL after a random delay, 60 times. Every reopen must find a consistent database: each stored
// block's root equals the replayed model's root, the head root equals the root of the plain state, and the
// writer resumes from there.
TEST(StateDb, CrashAtRandomMomentsLeavesAConsistentDatabase) {
  TempDir dir("crash");
  EnvOptions o;
  o.path = dir.path;
  o.sync = true;
  o.initial_map_size = 2ull << 20;  // small, so map growth also happens under the knife
  std::mt19937_64 rng(4242);
  int kills = 0;
  std::uint64_t max_head = 0;
  for (int iter = 0; iter < 60; ++iter) {
    const std::uint64_t child_seed = rng();
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::mt19937_64 crng(child_seed);
      auto db_r = StateDb::open(o);
      if (!db_r.ok()) ::_exit(20);
      auto& db = **db_r;
      for (;;) {
        const auto head = db.head();
        if (head && *head > 5 && crng() % 12 == 0) {
          const std::uint64_t target = *head - std::min<std::uint64_t>(1 + crng() % 8, *head);
          if (!db.unwind_to(target).ok()) ::_exit(21);
          continue;
        }
        const std::uint64_t n = head ? *head + 1 : 0;
        const BlockData d = block_data(n, crng());
        if (!db.apply_block(d, random_block(seed_of(d.hash), 60, 20)).ok()) ::_exit(22);
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(3000 + rng() % 50000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited by itself with " << WEXITSTATUS(status);
    ++kills;

    auto db_r = StateDb::open(o);
    ASSERT_TRUE(db_r.ok()) << db_r.error().message;
    auto& db = **db_r;
    if (!db.head()) continue;
    const std::uint64_t head = *db.head();
    max_head = std::max(max_head, head);
    auto v = db.view();
    ASSERT_TRUE(v.ok());
    ModelState m;
    for (std::uint64_t b = 0; b <= head; ++b) {
      auto h = v->canonical_hash(b);
      ASSERT_TRUE(h.ok() && h->has_value()) << "block " << b;
      m.apply(random_block(seed_of(**h), 60, 20));
      ASSERT_EQ(to_hex(*v->state_root(b)), to_hex(m.root())) << "iteration " << iter << " block " << b;
    }
    ModelState plain;
    const auto all_accounts = *v->all_accounts();
  for (const auto& [a, acc] : all_accounts) {
      plain.accounts[a] = acc;
      const auto all_storage = *v->all_storage(a);
    for (const auto& [s, val] : all_storage) plain.storage[a][s] = val;
    }
    for (const auto& [a, acc] : m.accounts) {
      EXPECT_TRUE(plain.accounts.count(a)) << "missing account " << to_hex(a);
      if (plain.accounts.count(a)) {
        EXPECT_EQ(plain.full_account(a), m.full_account(a)) << to_hex(a);
      }
    }
    EXPECT_EQ(plain.accounts.size(), m.accounts.size());
    ASSERT_EQ(plain.root(), m.root()) << "iteration " << iter << " head " << head;
    // The stored trie agrees too: a proof of some account verifies against the head root.
    auto p = v->proof(pool_address(iter % 60), {pool_slot(1)}, head);
    ASSERT_TRUE(p.ok()) << p.error().message;
    ASSERT_TRUE(verify_proof(m.root(), keccak256(pool_address(iter % 60).view()).view(), p->account_proof).ok());
  }
  EXPECT_EQ(kills, 60);
  EXPECT_GT(max_head, 20u);
  std::printf("%d SIGKILLs, highest head seen %llu\n", kills, static_cast<unsigned long long>(max_head));
}

// The trie rows trail the head by less than the flush interval (and by less than trie_flush_max_keys
// edits); a reopen brings them to the head.
TEST(StateDb, TrieRowsLagLessThanTheFlushInterval) {
  TempDir dir("lag");
  StateDbTuning tuning;
  tuning.trie_flush_interval = 5;
  tuning.trie_flush_max_keys = 1'000'000;
  std::size_t flushes = 0;
  auto trie_block = [](StateDb& db) {
    auto v = db.view();
    auto row = v->txn().get(tables::kMeta, as_bytes(tables::kMetaTrieBlock));
    return load_be<std::uint64_t>((*row)->data());
  };
  {
    auto db_r = StateDb::open(fast_options(dir.path), tuning);
    ASSERT_TRUE(db_r.ok());
    auto& db = **db_r;
    std::uint64_t last = 0;
    for (std::uint64_t n = 0; n < 23; ++n) {
      ASSERT_TRUE(db.apply_block(block_data(n, 3), random_block(n)).ok());
      const std::uint64_t t = trie_block(db);
      EXPECT_LT(n - t, 5u);
      if (t != last) ++flushes;
      last = t;
    }
    EXPECT_EQ(flushes, 4u);
    EXPECT_EQ(trie_block(db), 20u);
  }
  auto db_r = StateDb::open(fast_options(dir.path), tuning);
  ASSERT_TRUE(db_r.ok());
  EXPECT_EQ(trie_block(**db_r), 22u);
  // A small key budget flushes early.
  tuning.trie_flush_interval = 1000;
  tuning.trie_flush_max_keys = 1;
  auto db2 = StateDb::open(fast_options(dir.path + "-2"), tuning);
  ASSERT_TRUE(db2.ok());
  for (std::uint64_t n = 0; n < 3; ++n) {
    ASSERT_TRUE((*db2)->apply_block(block_data(n, 3), random_block(n + 100)).ok());
    EXPECT_EQ(trie_block(**db2), n);
  }
  std::filesystem::remove_all(dir.path + "-2");
}

// Two-phase commit for a block producer: the root comes first (to build the header), the block rows with
// the header's hash second; a staged block is invisible to readers and can be dropped.
TEST(StateDb, StageCommitAndAbort) {
  TempDir dir("stage");
  auto db_r = StateDb::open(fast_options(dir.path));
  ASSERT_TRUE(db_r.ok());
  auto& db = **db_r;
  ASSERT_TRUE(db.apply_block(block_data(0, 0), random_block(1)).ok());
  const BlockChanges ch = random_block(2);
  ModelState m;
  m.apply(random_block(1));
  m.apply(ch);

  auto root = db.stage_block(1, ch);
  ASSERT_TRUE(root.ok()) << root.error().message;
  EXPECT_EQ(*root, m.root());
  {
    auto v = db.view();  // readers do not see the staged block
    EXPECT_EQ(v->head(), 0u);
  }
  EXPECT_FALSE(db.stage_block(1, ch).ok());  // one staged block at a time
  db.abort_block();
  EXPECT_EQ(db.head(), 0u);

  ASSERT_TRUE(db.stage_block(1, ch).ok());
  BlockData d = block_data(1, 0);
  d.header = Bytes(root->begin(), root->end());  // stands for a header that commits to the root
  EXPECT_FALSE(db.commit_block(block_data(2, 0)).ok());  // wrong number: refused and dropped
  EXPECT_FALSE(db.commit_block(d).ok());                 // nothing staged any more
  ASSERT_TRUE(db.stage_block(1, ch).ok());
  ASSERT_TRUE(db.commit_block(d).ok());
  auto v = db.view();
  EXPECT_EQ(v->head(), 1u);
  EXPECT_EQ(*v->state_root(1), m.root());
  EXPECT_EQ(**v->header(1), Bytes(root->begin(), root->end()));
}
