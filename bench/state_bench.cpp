// State database benchmark: builds a state of N accounts (default 1,000,000), then applies and commits
// blocks of 1,000 and 10,000 random storage writes and prints a table: blocks per second, mean / p50 /
// max block time, the share of the time spent on the state root (trie loads, edits, hashing and trie row
// writes) and its p50, the commit's p50, the mean cost of the periodic trie-row and index batches, and the
// database size per million accounts. First it measures the trie alone on a hash map (no LMDB), split into
// its parts.
//
//   state_bench [--accounts N] [--dir PATH] [--keep] [--reuse] [--blocks-1k N] [--blocks-10k N]
//               [--no-memory-bound | --memory-only]
//
// Scenarios: "spread" writes one random slot of a random account per write (every write touches a
// different account: the worst case for the state trie); "hot" writes random slots of 100 contracts (the
// usual shape of token traffic). Each is run with fsync on every commit (the node's setting) and without.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/keccak.hpp"
#include "state/incremental_trie.hpp"
#include "state/state_db.hpp"

using namespace igra;
using namespace igra::state;

namespace {

core::Address20 account_address(std::uint64_t i) {
  core::Address20 a;
  for (int k = 0; k < 8; ++k) a[12 + k] = static_cast<std::uint8_t>(i >> (56 - 8 * k));
  a[0] = 0x42;
  return a;
}

struct Row {
  std::string name;
  std::size_t writes = 0;
  bool sync = true;
  std::vector<double> total, trie, commit, flush, flat;
  std::size_t rows = 0, loads = 0;
};

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}
double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void fail(const core::Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  std::exit(1);
}

// Rows of one trie in a hash map: the in-memory lower bound of the state-root work (no LMDB at all).
class MemStore final : public NodeStore {
 public:
  core::Result<std::optional<core::Bytes>> load(core::ByteView path) override {
    loads.fetch_add(1, std::memory_order_relaxed);
    auto it = rows.find(std::string(path.begin(), path.end()));
    if (it == rows.end()) return std::optional<core::Bytes>();
    return std::optional<core::Bytes>(it->second);
  }
  bool trusted() const noexcept override { return true; }  // like the node's writer
  void apply(const TrieWrites& w) {
    for (const auto& d : w.deletes) rows.erase(std::string(d.begin(), d.end()));
    for (const auto& [k, v] : w.puts) rows[std::string(k.begin(), k.end())] = v;
  }
  std::unordered_map<std::string, core::Bytes> rows;
  std::atomic<std::size_t> loads{0};
};

// 10,000 account-leaf updates (each with a fresh one-slot storage trie) on a state trie of `accounts`
// leaves held in memory: how long the root takes when nothing touches the disk.
void memory_trie_bound(std::uint64_t accounts) {
  MemStore store;
  {
    IncrementalTrie trie(&store);
    for (std::uint64_t i = 0; i < accounts; ++i) {
      Account a;
      a.nonce = 1;
      a.balance = core::uint256(i);
      if (!trie.put(core::keccak256(account_address(i).view()).view(), encode_account(a)).ok()) std::exit(1);
    }
    store.apply(*trie.take_writes());
  }
  std::mt19937_64 rng(7);
  std::vector<double> times, storage_ms, account_ms, root_ms, rows_ms;
  using SteadyClock = std::chrono::steady_clock;
  auto since = [](SteadyClock::time_point t) {
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
  };
  for (int b = 0; b < 6; ++b) {
    const auto t0 = SteadyClock::now();
    store.loads = 0;
    double st_ms = 0, acc_ms = 0;
    IncrementalTrie trie(&store);
    std::vector<std::pair<core::Hash32, core::Bytes>> updates;
    for (int w = 0; w < 10000; ++w) {
      const auto ts = SteadyClock::now();
      const std::uint64_t i = rng() % accounts;
      IncrementalTrie storage(nullptr);
      core::Hash32 slot;
      slot[31] = static_cast<std::uint8_t>(rng());
      if (!storage.put(core::keccak256(slot.view()).view(), encode_storage_value(core::uint256(1 + rng() % 1000))).ok())
        std::exit(1);
      Account a;
      a.nonce = 2;
      a.balance = core::uint256(i);
      a.storage_root = *storage.root_hash();
      st_ms += since(ts);
      updates.emplace_back(core::keccak256(account_address(i).view()), encode_account(a));
    }
    // As the node's writer does it: the state trie's subtries on two threads.
    const auto ta = SteadyClock::now();
    if (!trie.put_batch(updates, [](std::function<void()> work) { return std::thread(std::move(work)); }).ok())
      std::exit(1);
    acc_ms += since(ta);
    const auto tr = SteadyClock::now();
    auto root = trie.root_hash();
    const double r_ms = since(tr);
    const auto tw = SteadyClock::now();
    auto writes = trie.take_writes();
    const double w_ms = since(tw);
    const double ms = since(t0);
    store.apply(*writes);
    if (b >= 1) {
      times.push_back(ms);
      storage_ms.push_back(st_ms);
      account_ms.push_back(acc_ms);
      root_ms.push_back(r_ms);
      rows_ms.push_back(w_ms);
    }
    (void)root;
  }
  std::printf("in-memory trie only (no LMDB, two threads), 10000 account updates with one-slot storage tries over %llu accounts:"
              " p50 %.1f ms, min %.1f ms (p50 of the parts: storage tries %.1f, account trie edits with loads %.1f,"
              " root hash %.1f, row collection %.1f; %zu rows loaded in the last block)\n",
              static_cast<unsigned long long>(accounts), pct(times, 0.5), pct(times, 0), pct(storage_ms, 0.5),
              pct(account_ms, 0.5), pct(root_ms, 0.5), pct(rows_ms, 0.5), store.loads.load());
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t accounts = 1'000'000;
  std::string dir;
  bool keep = false, reuse = false, memory = true, memory_only = false;
  int blocks_1k = 40, blocks_10k = 20;
  std::string only, fsync_only;  // empty: every scenario, fsync on and off
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--accounts" && i + 1 < argc) accounts = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--keep") keep = true;
    else if (a == "--reuse") reuse = keep = true;
    else if (a == "--no-memory-bound") memory = false;
    else if (a == "--memory-only") memory_only = true;
    else if (a == "--blocks-1k" && i + 1 < argc) blocks_1k = std::atoi(argv[++i]);
    else if (a == "--blocks-10k" && i + 1 < argc) blocks_10k = std::atoi(argv[++i]);
    else if (a == "--only" && i + 1 < argc) only = argv[++i];
    else if (a == "--fsync" && i + 1 < argc) fsync_only = argv[++i];
    else if (a.rfind("--benchmark", 0) == 0) continue;  // tolerate Google Benchmark flags from runners
    else {
      std::fprintf(stderr,
                   "usage: %s [--accounts N] [--dir PATH] [--keep] [--reuse] [--no-memory-bound] [--blocks-1k N] "
                   "[--blocks-10k N] [--memory-only] [--only spread|hot-100] [--fsync on|off]\n"
                   "  --reuse            keep the database of --dir when it exists (skips the load; implies --keep)\n"
                   "  --no-memory-bound  skip the in-memory trie measurement\n"
                   "  --memory-only      only the in-memory trie measurement (for profiling the trie)\n"
                   "  --only NAME        only the scenarios called NAME (spread or hot-100)\n"
                   "  --fsync on|off     only the runs with fsync on / off\n",
                   argv[0]);
      return 2;
    }
  }
  if (memory || memory_only) memory_trie_bound(accounts);
  if (memory_only) return 0;
  if (dir.empty()) dir = (std::filesystem::temp_directory_path() / ("igra-state-bench-" + std::to_string(::getpid()))).string();
  const bool reusing = reuse && std::filesystem::exists(std::filesystem::path(dir) / "data.mdb");
  if (!reusing) std::filesystem::remove_all(dir);

  EnvOptions opt;
  opt.path = dir;
  opt.initial_map_size = 1ull << 30;
  opt.sync = false;  // the bulk load is not what we measure
  std::uint64_t next_block = 0;
  std::size_t size_after_load = 0;
  {
    auto db_r = StateDb::open(opt);
    if (!db_r.ok()) fail(db_r.error());
    auto& db = **db_r;
    const auto t0 = std::chrono::steady_clock::now();
    constexpr std::uint64_t kPerBlock = 50'000;
    if (reusing) next_block = db.head() ? *db.head() + 1 : 0;
    for (std::uint64_t first = 0; !reusing && first < accounts; first += kPerBlock) {
      BlockChanges ch;
      for (std::uint64_t i = first; i < std::min(accounts, first + kPerBlock); ++i) {
        Account acc;
        acc.nonce = 1;
        acc.balance = core::uint256(1'000'000'000ull + i);
        ch.accounts.push_back({account_address(i), acc, false});
      }
      BlockData d;
      d.number = next_block++;
      auto r = db.apply_block(d, ch);
      if (!r.ok()) fail(r.error());
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    size_after_load = db.stats().used_bytes;
    std::printf("loaded %llu accounts in %.1f s (%.0f accounts/s); database %.1f MiB = %.1f MiB per million accounts\n",
                static_cast<unsigned long long>(accounts), secs, static_cast<double>(accounts) / secs,
                static_cast<double>(size_after_load) / (1 << 20),
                static_cast<double>(size_after_load) / (1 << 20) * 1e6 / static_cast<double>(accounts));
  }

  std::vector<Row> rows;
  std::mt19937_64 rng(12345 + next_block);  // a reused database gets new writes, not the same ones again
  for (const bool sync : {true, false}) {
    if (!fsync_only.empty() && (fsync_only == "on") != sync) continue;
    opt.sync = sync;
    auto db_r = StateDb::open(opt);
    if (!db_r.ok()) fail(db_r.error());
    auto& db = **db_r;
    struct Scenario {
      const char* name;
      std::size_t writes;
      int blocks;
      std::uint64_t contracts;  // 0: any account
    };
    const Scenario scenarios[] = {{"spread", 1000, blocks_1k, 0},
                                  {"spread", 10000, blocks_10k, 0},
                                  {"hot-100", 10000, blocks_10k, 100}};
    for (const auto& sc : scenarios) {
      if (!only.empty() && only != sc.name) continue;
      Row row;
      row.name = sc.name;
      row.writes = sc.writes;
      row.sync = sync;
      for (int b = 0; b < sc.blocks + 2; ++b) {
        BlockChanges ch;
        ch.storage.reserve(sc.writes);
        for (std::size_t w = 0; w < sc.writes; ++w) {
          const std::uint64_t acct = sc.contracts ? rng() % sc.contracts : rng() % accounts;
          core::Hash32 slot;
          for (int k = 0; k < 4; ++k) slot[28 + k] = static_cast<std::uint8_t>(rng());
          ch.storage.push_back({account_address(acct), slot, core::uint256(1 + rng() % 1'000'000'000)});
        }
        BlockData d;
        d.number = next_block++;
        auto r = db.apply_block(d, ch);
        if (!r.ok()) fail(r.error());
        if (b < 2) continue;  // warm-up
        const auto& t = db.last_apply_timings();
        row.total.push_back(t.total_ms);
        row.trie.push_back(t.trie_ms);
        row.commit.push_back(t.commit_ms);
        row.flush.push_back(t.flush_ms);
        row.flat.push_back(t.flat_ms);
        row.rows += t.trie_rows_written;
        row.loads += t.trie_loads;
      }
      rows.push_back(std::move(row));
    }
    if (!sync) size_after_load = db.stats().used_bytes;
  }

  std::printf("\n%-8s %7s %5s %9s %9s %9s %9s %11s %9s %9s %10s %9s %12s %9s\n", "scenario", "writes", "fsync",
              "blocks/s", "mean ms", "p50 ms", "max ms", "root share", "root p50", "flat p50", "commit p50", "flush ms",
              "trie rows/blk", "loads/blk");
  for (const auto& r : rows) {
    const double m = mean(r.total);
    std::printf("%-8s %7zu %5s %9.1f %9.2f %9.2f %9.2f %10.1f%% %9.2f %9.2f %10.2f %9.2f %12zu %9zu\n", r.name.c_str(),
                r.writes, r.sync ? "on" : "off", 1000.0 / m, m, pct(r.total, 0.5), pct(r.total, 1.0),
                100.0 * mean(r.trie) / m, pct(r.trie, 0.5), pct(r.flat, 0.5), pct(r.commit, 0.5), mean(r.flush),
                r.total.empty() ? 0 : r.rows / r.total.size(), r.total.empty() ? 0 : r.loads / r.total.size());
  }
  std::printf("(root: trie loads, edits, hashing and the trie rows of flushing blocks; flat: old values, changesets and\n"
              " PlainDiff rows, or the plain-table writes of flushing blocks; flush ms: mean per block of the trie-row,\n"
              " plain-table and index batches written every few blocks, included in the totals)\n");
  std::ifstream load("/proc/loadavg");
  std::string la;
  std::getline(load, la);
  std::printf("\nload average at the end (the machine is shared; wall times scale with it): %s\n", la.c_str());
  std::printf("\ndatabase after the benchmark: %.1f MiB\n", static_cast<double>(size_after_load) / (1 << 20));
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
