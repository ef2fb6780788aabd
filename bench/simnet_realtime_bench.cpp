// Simnet real-time mode under transaction load: a SimnetNode mining at 10 BPS in wall-clock time while a
// submitter pushes pre-signed P2PK transactions through the node's SubmitTransaction backend (in process, no
// gRPC) at a target rate (default 3,000 tx/s). Prints submission / acceptance rates, blocks per second, block
// intervals, mempool size over time and rejections.
//
// Setup (before the clock starts): a small coinbase maturity and a large subsidy; blocks are mined with
// mine_blocks() while the real-time thread is stopped; matured coinbases are split twice (1 -> F -> F*F outputs)
// and those split txs mined in; then the pool of 1-in-1-out txs is built and signed.
//
// Flags: --seconds N (20) --rate R (3000) --miners M (2) --delay MS (10) --threads T (1)
//        --regular 1 (block times exactly 1/BPS apart instead of Poisson)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crypto/secp256k1.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/sign.hpp"
#include "kaspa/tx_id.hpp"
#include "simnet/simnet_node.hpp"

namespace {

using namespace igra;
using namespace igra::simnet;
using SteadyClock = std::chrono::steady_clock;

constexpr std::uint64_t kMaturity = 10;
constexpr std::uint64_t kSubsidy = 10'000'000ull * kaspa::kSompiPerKaspa;  // 1e15 sompi
constexpr std::size_t kFan = 150;                                           // outputs per split tx
constexpr std::uint64_t kSplitFee = 100'000'000;                           // 1 KAS (mass ~62k)
constexpr std::uint64_t kLeafFee = 1'000'000;                              // 0.01 KAS (mass ~2k)

struct Coin {
  kaspa::Outpoint op;
  kaspa::UtxoEntry entry;
};

std::uint64_t id_key(const kaspa::TransactionId& id) {
  std::uint64_t k = 0;
  std::memcpy(&k, &id[0], 8);
  return k;
}

double secs(SteadyClock::time_point a, SteadyClock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

struct Signer {
  crypto::SecretKey key;
  kaspa::ScriptPublicKey spk;
  kaspa::Transaction make(const std::vector<Coin>& ins, const std::vector<std::uint64_t>& outs) const {
    kaspa::Transaction tx;
    std::vector<kaspa::UtxoEntry> entries;
    for (const auto& c : ins) {
      kaspa::TransactionInput in;
      in.previous_outpoint = c.op;
      tx.inputs.push_back(in);
      entries.push_back(c.entry);
    }
    for (auto v : outs) tx.outputs.push_back({v, spk, std::nullopt});
    tx.storage_mass = kaspa::calc_storage_mass(tx, entries).value_or(0);
    kaspa::set_standard_compute_commits(tx);
    const crypto::SecretKey keys[1] = {key};
    auto r = kaspa::sign_transaction(tx, entries, keys);
    if (!r.ok()) {
      std::fprintf(stderr, "sign failed: %s\n", r.error().message.c_str());
      std::exit(1);
    }
    return tx;
  }
  // Splits `c` into `n` equal outputs (fee off the top); returns the tx and its outputs as coins.
  kaspa::Transaction split(const Coin& c, std::size_t n, std::uint64_t fee, std::vector<Coin>& out) const {
    const std::uint64_t each = (c.entry.amount - fee) / n;
    kaspa::Transaction tx = make({c}, std::vector<std::uint64_t>(n, each));
    const auto id = kaspa::transaction_id(tx);
    for (std::uint32_t i = 0; i < n; ++i) {
      kaspa::UtxoEntry e;
      e.amount = each;
      e.script_public_key = spk;
      e.is_coinbase = false;
      out.push_back({{id, i}, e});
    }
    return tx;
  }
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = 20, rate = 3000, delay_ms = 10;
  std::size_t miners = 2, threads = 1;
  bool regular = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const double v = std::atof(argv[i + 1]);
    if (a == "--seconds") seconds = v;
    else if (a == "--rate") rate = v;
    else if (a == "--miners") miners = static_cast<std::size_t>(v);
    else if (a == "--delay") delay_ms = v;
    else if (a == "--threads") threads = static_cast<std::size_t>(v);
    else if (a == "--regular") regular = v != 0;
    else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  if (miners == 0) miners = 1;
  if (threads == 0) threads = 1;

  Signer w;
  w.key[0] = 0x11;
  w.key[31] = 7;
  w.spk = kaspa::p2pk_script(*crypto::schnorr_public_key(w.key));

  SimnetNodeConfig cfg;
  cfg.simnet.clock_mode = ClockMode::kRealTime;
  cfg.simnet.blocks_per_second = 10.0;
  cfg.simnet.seed = 42;
  cfg.simnet.consensus.coinbase_maturity = kMaturity;
  cfg.simnet.consensus.subsidy = kSubsidy;
  cfg.simnet.propagation_delay_ms = static_cast<std::uint32_t>(delay_ms);
  cfg.simnet.arrivals = regular ? BlockArrivals::kRegular : BlockArrivals::kPoisson;
  for (std::size_t i = 0; i < miners; ++i) cfg.simnet.miners.push_back(MinerConfig{w.spk, {}, 1.0});
  SimnetNode node(cfg);

  const std::size_t pool_target = static_cast<std::size_t>(rate * seconds * 1.05) + 100;
  const std::size_t per_coinbase = kFan * kFan;
  const std::size_t coinbases = (pool_target + per_coinbase - 1) / per_coinbase;

  // --- setup: mine with the real-time thread stopped (each block waits out the propagation delay) ----------
  const auto t_setup = SteadyClock::now();
  auto mine = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      auto r = node.mine_blocks(1);
      if (!r.ok()) {
        std::fprintf(stderr, "mine: %s\n", r.error().message.c_str());
        std::exit(1);
      }
      if (miners > 1) std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int>(delay_ms * 1600)));
    }
  };
  auto mine_until_empty = [&](std::size_t max_blocks) {
    for (std::size_t i = 0; i < max_blocks && node.mempool_size() > 0; ++i) mine(1);
  };
  auto submit_all = [&](const std::vector<kaspa::Transaction>& txs) {
    for (const auto& tx : txs) {
      auto r = node.submit_transaction(tx, false);
      if (!r.ok()) {
        std::fprintf(stderr, "setup submit: %s\n", r.error().message.c_str());
        std::exit(1);
      }
    }
  };
  mine(coinbases + kMaturity + 4);
  std::vector<Coin> cbs;
  node.simnet().with_consensus([&](Consensus& c) {
    const std::uint64_t vdaa = c.virtual_daa_score();
    for (const auto& [op, e] : c.sink_utxos().entries())
      if (e.is_coinbase && e.amount >= kSubsidy && e.block_daa_score + kMaturity + 1 <= vdaa) cbs.push_back({op, e});
    return 0;
  });
  if (cbs.size() < coinbases) {
    std::fprintf(stderr, "only %zu matured coinbases, need %zu\n", cbs.size(), coinbases);
    return 1;
  }
  cbs.resize(coinbases);
  std::vector<Coin> mid;
  std::vector<kaspa::Transaction> lvl1;
  for (const auto& c : cbs) lvl1.push_back(w.split(c, kFan, kSplitFee, mid));
  submit_all(lvl1);
  std::vector<Coin> leaves;
  std::vector<kaspa::Transaction> lvl2;
  for (const auto& c : mid) lvl2.push_back(w.split(c, kFan, kSplitFee, leaves));
  submit_all(lvl2);
  mine_until_empty(400);
  mine(2);
  if (node.mempool_size() != 0) {
    std::fprintf(stderr, "setup splits not mined (mempool %zu)\n", node.mempool_size());
    return 1;
  }
  const double setup_mine_s = secs(t_setup, SteadyClock::now());

  // --- pool: 1-in-1-out txs, signed before the clock starts --------------------------------------------------
  const auto t_sign = SteadyClock::now();
  leaves.resize(std::min(leaves.size(), pool_target));
  std::vector<kaspa::Transaction> pool(leaves.size());
  std::unordered_set<std::uint64_t> ours;
  {
    std::vector<std::thread> ts;
    const std::size_t nt = 2;
    for (std::size_t t = 0; t < nt; ++t)
      ts.emplace_back([&, t] {
        for (std::size_t i = t; i < leaves.size(); i += nt)
          pool[i] = w.make({leaves[i]}, {leaves[i].entry.amount - kLeafFee});
      });
    for (auto& th : ts) th.join();
    for (const auto& tx : pool) ours.insert(id_key(kaspa::transaction_id(tx)));
  }
  const double sign_s = secs(t_sign, SteadyClock::now());
  {
    const auto m = kaspa::calc_non_contextual_masses(pool[0]);
    std::printf("leaf tx: compute mass %llu, transient mass %llu, storage mass %llu -> at most %llu per block "
                "(500k compute limit)\n",
                (unsigned long long)m.compute_mass, (unsigned long long)m.transient_mass,
                (unsigned long long)pool[0].storage_mass, 500'000ull / m.compute_mass);
  }
  std::printf("setup: %zu coinbases split into %zu leaves; mining %.2f s, signing %zu txs %.2f s\n", coinbases,
              leaves.size(), setup_mine_s, pool.size(), sign_s);

  // --- listeners (run under the simnet lock, in the mining thread) ---------------------------------------------
  std::mutex stat_mu;
  std::vector<double> block_times;     // seconds since t0, every added block
  std::vector<std::size_t> block_txs;  // non-coinbase txs included in each added block
  Consensus* cons = node.simnet().with_consensus([](Consensus& c) { return &c; });
  std::vector<double> accept_times;    // one per accepted pool tx
  std::size_t chain_blocks = 0, removed_blocks = 0;
  std::unordered_map<std::uint64_t, std::size_t> accepted_by_block;  // chain block -> our txs it accepted
  std::atomic<bool> measuring{false};
  SteadyClock::time_point t0;
  node.simnet().on_block_added([&](BlockId id) {
    if (!measuring) return;
    const auto& b = cons->dag().node(id).block;
    std::lock_guard<std::mutex> l(stat_mu);
    block_times.push_back(secs(t0, SteadyClock::now()));
    block_txs.push_back(b && !b->transactions.empty() ? b->transactions.size() - 1 : 0);
  });
  node.simnet().on_chain_changed([&](const ChainChange& ch) {
    if (!measuring) return;
    const double now = secs(t0, SteadyClock::now());
    std::lock_guard<std::mutex> l(stat_mu);
    chain_blocks += ch.added.size();
    removed_blocks += ch.removed.size();
    // A reorg un-accepts the removed chain blocks' txs: drop them again (they are re-accepted later).
    for (const auto& h : ch.removed) {
      auto it = accepted_by_block.find(id_key(h));
      if (it == accepted_by_block.end()) continue;
      for (std::size_t n = it->second; n > 0 && !accept_times.empty(); --n) accept_times.pop_back();
      accepted_by_block.erase(it);
    }
    for (std::size_t i = 0; i < ch.accepted_ids.size(); ++i) {
      std::size_t n = 0;
      for (const auto& id : ch.accepted_ids[i])
        if (ours.count(id_key(id))) accept_times.push_back(now), ++n;
      accepted_by_block[id_key(ch.added[i])] = n;
    }
  });

  // --- run --------------------------------------------------------------------------------------------------
  std::atomic<std::size_t> next{0}, submitted{0}, rejected{0};
  std::mutex rej_mu;
  std::vector<std::string> first_rejections;
  std::atomic<double> submit_busy_s{0};
  struct Sample { double t; std::size_t mempool; std::size_t submitted; std::size_t accepted; };
  std::vector<Sample> samples;

  measuring = true;
  t0 = SteadyClock::now();
  node.start();
  const auto deadline = t0 + std::chrono::duration<double>(seconds);
  std::vector<std::thread> subs;
  for (std::size_t t = 0; t < threads; ++t)
    subs.emplace_back([&] {
      double busy = 0;
      for (;;) {
        const auto now = SteadyClock::now();
        if (now >= deadline) break;
        const auto due = static_cast<std::size_t>(secs(t0, now) * rate);
        std::size_t i = next.load();
        if (i >= due) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          continue;
        }
        if (i >= pool.size()) break;
        if (!next.compare_exchange_weak(i, i + 1)) continue;
        const auto s0 = SteadyClock::now();
        auto r = node.submit_transaction(pool[i], false);
        busy += secs(s0, SteadyClock::now());
        if (r.ok()) {
          ++submitted;
        } else {
          ++rejected;
          std::lock_guard<std::mutex> l(rej_mu);
          if (first_rejections.size() < 5) first_rejections.push_back(r.error().message);
        }
      }
      double cur = submit_busy_s.load();
      while (!submit_busy_s.compare_exchange_weak(cur, cur + busy)) {}
    });
  for (int s = 1; SteadyClock::now() < deadline; ++s) {
    std::this_thread::sleep_until(t0 + std::chrono::seconds(s));
    const std::size_t mp = node.mempool_size();
    std::lock_guard<std::mutex> l(stat_mu);
    samples.push_back({secs(t0, SteadyClock::now()), mp, submitted.load(), accept_times.size()});
  }
  for (auto& th : subs) th.join();
  const double submit_end = secs(t0, SteadyClock::now());
  // Drain: keep mining ~2 s more so the tail is accepted (reported separately).
  std::this_thread::sleep_for(std::chrono::seconds(2));
  node.stop();
  measuring = false;
  const double total = secs(t0, SteadyClock::now());

  // --- report -----------------------------------------------------------------------------------------------
  std::lock_guard<std::mutex> l(stat_mu);
  std::size_t in_window_blocks = 0, accepted_in_window = 0;
  for (double t : block_times) in_window_blocks += t <= seconds;
  for (double t : accept_times) accepted_in_window += t <= seconds;
  double max_iv = 0, sum_iv = 0;
  for (std::size_t i = 1; i < block_times.size(); ++i) {
    const double iv = block_times[i] - block_times[i - 1];
    max_iv = std::max(max_iv, iv);
    sum_iv += iv;
  }
  const double mean_iv = block_times.size() > 1 ? sum_iv / static_cast<double>(block_times.size() - 1) : 0;
  const auto st = node.stats();

  std::printf("\nsimnet real-time bench: %s block times, %zu miner(s), propagation delay %.0f ms, k=%u, %zu submitter thread(s)\n",
              regular ? "regular" : "Poisson", miners, delay_ms, static_cast<unsigned>(cfg.simnet.consensus.ghostdag.k), threads);
  std::printf("| metric                              | value |\n|---|---|\n");
  std::printf("| window (s)                          | %.1f |\n", seconds);
  std::printf("| target submission rate (tx/s)       | %.0f |\n", rate);
  std::printf("| achieved submission rate (tx/s)     | %.0f (%zu ok + %zu rejected in %.2f s) |\n",
              (submitted + rejected) / submit_end, submitted.load(), rejected.load(), submit_end);
  std::printf("| submit call time (mean us)          | %.1f |\n",
              submitted + rejected ? 1e6 * submit_busy_s.load() / static_cast<double>(submitted + rejected) : 0.0);
  std::printf("| accepted tx/s (chain, in window)    | %.0f (%zu) |\n", accepted_in_window / seconds,
              accepted_in_window);
  {
    // Steady state: from 5 s into the window (the pipeline is full) to its end. A transaction is accepted only
    // when a chain block merges the block that carries it, so in-window figures trail submissions by ~0.2 s.
    std::size_t a5 = 0, aend = 0;
    for (double t : accept_times) {
      a5 += t <= 5.0;
      aend += t <= seconds;
    }
    std::size_t b5 = 0;
    for (double t : block_times) b5 += t > 5.0 && t <= seconds;
    if (seconds > 6)
      std::printf("| steady state 5 s..end: tx/s, BPS    | %.0f, %.2f |\n", (aend - a5) / (seconds - 5.0),
                  b5 / (seconds - 5.0));
  }
  std::printf("| accepted incl. 2 s drain            | %zu of %zu submitted |\n", accept_times.size(),
              submitted.load());
  std::printf("| blocks/s (in window)                | %.2f (%zu blocks) |\n", in_window_blocks / seconds,
              in_window_blocks);
  std::printf("| blocks total / run time             | %zu / %.2f s = %.2f BPS |\n", block_times.size(), total,
              block_times.size() / total);
  std::printf("| chain blocks added / removed        | %zu / %zu |\n", chain_blocks, removed_blocks);
  std::printf("| block interval mean / max (ms)      | %.1f / %.1f |\n", 1e3 * mean_iv, 1e3 * max_iv);
  {
    std::size_t inc = 0, empty = 0, mx = 0;
    for (auto n : block_txs) inc += n, empty += n == 0, mx = std::max(mx, n);
    std::printf("| txs included per block mean / max    | %.1f / %zu (%zu of %zu blocks carry none) |\n",
                block_txs.empty() ? 0.0 : double(inc) / double(block_txs.size()), mx, empty, block_txs.size());
    std::printf("| included tx total / unique accepted   | %zu / %zu |\n", inc, accept_times.size());
  }
  std::printf("| txs per block, first 30 blocks       |");
  for (std::size_t i = 0; i < block_txs.size() && i < 30; ++i) std::printf(" %zu", block_txs[i]);
  std::printf(" |\n");
  std::printf("| mempool at end                      | %zu |\n", st.mempool_size);
  std::printf("| rejections                          | %zu |\n", rejected.load());
  for (const auto& m : first_rejections) std::printf("  rejection: %s\n", m.c_str());
  std::printf("\n| t (s) | submitted | accepted | mempool |\n|---|---|---|---|\n");
  for (const auto& s : samples) std::printf("| %.1f | %zu | %zu | %zu |\n", s.t, s.submitted, s.accepted, s.mempool);
  return 0;
}
