// Consensus throughput with real signed transactions: blocks of up to 300 P2PK transfers (3,000 tx/s at 10 BPS).
// Prints the rate reached in fast mode; the assertions check that the transactions are offered and accepted.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <set>

#include "crypto/secp256k1.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/sign.hpp"
#include "kaspa/tx_id.hpp"
#include "simnet/simnet.hpp"

namespace igra::simnet {
namespace {

TEST(SimnetThroughput, ThreeHundredSignedTxsPerBlock) {
  constexpr std::uint64_t kMaturity = 5;
  constexpr std::size_t kTxsPerBlock = 300;
  crypto::SecretKey key;
  key[31] = 7;
  const crypto::SecretKey keys[1] = {key};
  const kaspa::ScriptPublicKey spk = kaspa::p2pk_script(*crypto::schnorr_public_key(key));
  SimnetConfig cfg;
  cfg.seed = 5;
  cfg.consensus.ghostdag.k = 18;
  cfg.consensus.coinbase_maturity = kMaturity;
  cfg.consensus.subsidy = 100'000 * kaspa::kSompiPerKaspa;
  cfg.miners.push_back(MinerConfig{spk, {}, 1.0});
  Consensus* cons = nullptr;
  std::set<kaspa::Outpoint> used;
  bool enabled = false;
  std::size_t offered = 0;
  double wallet_s = 0;  // time spent building and signing txs (the test's wallet, not the node)
  cfg.tx_source = [&](std::size_t) {
    const auto w0 = std::chrono::steady_clock::now();
    struct Timer {
      double& acc; std::chrono::steady_clock::time_point t;
      ~Timer() { acc += std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count(); }
    } timer{wallet_s, w0};
    std::vector<kaspa::Transaction> out;
    if (!enabled) return out;
    const UtxoSet& set = cons->sink_utxos();
    const std::uint64_t vdaa = cons->virtual_daa_score();
    std::vector<std::pair<kaspa::Outpoint, kaspa::UtxoEntry>> mine;
    for (const auto& [op, e] : set.entries())
      if (!used.count(op) && (!e.is_coinbase || e.block_daa_score + kMaturity <= vdaa)) mine.emplace_back(op, e);
    std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [op, e] : mine) {
      if (out.size() == kTxsPerBlock) break;
      kaspa::Transaction tx;
      kaspa::TransactionInput in;
      in.previous_outpoint = op;
      tx.inputs.push_back(in);
      const std::uint64_t fee = 20'000;
      const std::size_t n_out = e.amount > 1'000'000 * fee ? 10 : 1;
      const std::uint64_t each = (e.amount - fee) / n_out;
      for (std::size_t i = 0; i < n_out; ++i) tx.outputs.push_back({each, spk, std::nullopt});
      const kaspa::UtxoEntry entries[1] = {e};
      tx.storage_mass = kaspa::calc_storage_mass(tx, entries).value_or(0);
      kaspa::set_standard_compute_commits(tx);
      if (!kaspa::sign_transaction(tx, entries, keys).ok()) continue;
      used.insert(op);
      out.push_back(std::move(tx));
    }
    offered += out.size();
    return out;
  };
  Simnet sim(cfg);
  cons = sim.with_consensus([](Consensus& c) { return &c; });
  ASSERT_TRUE(sim.mine_blocks(10).ok());
  enabled = true;
  // Warm up the fan-out until blocks are full.
  ASSERT_TRUE(sim.mine_blocks(30).ok());
  const std::size_t offered_before = offered;
  wallet_s = 0;
  const auto t0 = std::chrono::steady_clock::now();
  constexpr std::size_t kBlocks = 60;
  ASSERT_TRUE(sim.mine_blocks(kBlocks).ok());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::size_t txs = offered - offered_before;
  std::size_t accepted = 0;
  sim.with_consensus([&](Consensus& c) {
    for (BlockId b : c.selected_chain()) accepted += c.acceptance(b).accepted_ids.size();
    return 0;
  });
  const double node_s = s - wallet_s;
  std::printf("with txs: %zu blocks in %.3f s (%.3f s of it in the test wallet signing) = node %.1f blocks/s, "
              "%.0f tx/s; %zu txs, %zu ids accepted on the chain\n",
              kBlocks, s, wallet_s, kBlocks / node_s, txs / node_s, txs, accepted);
  EXPECT_GT(txs, kBlocks * kTxsPerBlock / 2);
  EXPECT_GT(accepted, txs);
  // The rate is printed, not asserted (tests never assert timings); bench/simnet_realtime_bench measures it.
}

}  // namespace
}  // namespace igra::simnet
