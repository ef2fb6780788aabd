// Randomized flow: many signed transactions (including double spends, replacements, immature coinbase spends and
// low-fee ones) go through the mempool into "blocks" accepted the way a chain block accepts transactions (§6.3),
// with occasional reorgs. Checked after every block: block templates are always fully valid in sequence, the UTXO
// set never sees a double spend, the pool stays conflict-free and consistent with the virtual UTXO set, and at the
// end the UTXO set equals the replay of the accepted transactions from the initial set.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "simnet/mempool.hpp"
#include "simnet/tx_test_support.hpp"

namespace igra::simnet {
namespace {

using testing::fake_txid;
using testing::kKas;
using testing::Spend;
using testing::utxo;
using testing::Wallet;

struct TestBlock {
  std::uint64_t daa_score = 0;
  std::vector<kaspa::Transaction> accepted;
  UtxoDiff diff;
};

// The virtual UTXO set plus the pool's outputs, as the mempool sees it.
LayeredUtxoView pool_view(const UtxoSet& chain, const Mempool& mp) {
  UtxoDiff d;
  for (const MempoolEntry* e : mp.entries())
    for (std::uint32_t i = 0; i < e->tx.outputs.size(); ++i)
      diff_add(d, {e->id, i}, utxo(e->tx.outputs[i].value, e->tx.outputs[i].script_public_key, kUnacceptedDaaScore));
  return LayeredUtxoView(chain, std::move(d));
}

void check_pool_invariants(const Mempool& mp, const UtxoSet& chain, const VirtualState& vs) {
  std::set<kaspa::Outpoint> spent;
  for (const MempoolEntry* e : mp.entries()) {
    for (const auto& in : e->tx.inputs) {
      ASSERT_TRUE(spent.insert(in.previous_outpoint).second) << "two pool transactions spend the same outpoint";
      const bool confirmed = chain.contains(in.previous_outpoint);
      const bool unconfirmed = mp.contains(in.previous_outpoint.transaction_id);
      ASSERT_TRUE(confirmed != unconfirmed) << "pool input neither confirmed nor a pool output";
      ASSERT_EQ(mp.spender_of(in.previous_outpoint), e->id);
    }
    for (const auto& p : e->parents) ASSERT_TRUE(mp.find(p)->children.count(e->id));
  }
  // Every pool tx is valid against the virtual (revalidation removes nothing).
  Mempool copy = mp;
  ASSERT_TRUE(copy.revalidate(chain, vs).empty());
}

// Toccata mode: version-1 transactions (compute budgets, v1 ids and sighashes) and the HEAD fee rules.
void run_flow(bool toccata) {
  const std::uint64_t fee_scale = toccata ? 100 : 1;  // Toccata's minimum relay fee is 100x
  // IGRA_MEMPOOL_SEED overrides the seed (for soak runs).
  const char* seed_env = std::getenv("IGRA_MEMPOOL_SEED");
  std::mt19937_64 rng(seed_env ? std::strtoull(seed_env, nullptr, 10) : 0x5eed2026ull);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };

  std::vector<Wallet> wallets;
  for (std::uint8_t i = 1; i <= 5; ++i) wallets.push_back(testing::wallet(i));
  std::vector<crypto::SecretKey> all_keys;
  for (const auto& w : wallets) all_keys.push_back(w.key);

  UtxoSet chain;
  for (std::uint32_t i = 0; i < 40; ++i)
    chain.insert({fake_txid(1000 + i / 8), i % 8}, utxo(10 * kKas + rng() % kKas, wallets[pick(5)].spk, 0));
  const UtxoSet genesis = chain;

  std::uint64_t now = 0;
  MempoolConfig cfg = toccata ? MempoolConfig::toccata() : MempoolConfig{};
  cfg.coinbase_maturity = 5;
  cfg.clock_ms = [&now] { return now; };
  Mempool mp(cfg);
  TxValidator validator(cfg.validator);
  VirtualState vs{10, 1'700'000'000'000ull};
  std::vector<TestBlock> blocks;

  std::size_t submitted = 0, admitted = 0, rejected = 0, replaced = 0, evicted_conflicts = 0, reinserted = 0,
              foreign_accepted = 0, reorgs = 0;

  auto sorted_chain_utxos = [&] {
    std::vector<Spend> v;
    for (const auto& [op, e] : chain.entries()) v.push_back({op, e});
    std::sort(v.begin(), v.end(), [](const Spend& a, const Spend& b) { return a.outpoint < b.outpoint; });
    return v;
  };
  auto make_tx = [&](const std::vector<Spend>& ins, std::uint64_t fee, std::size_t n_out) {
    std::uint64_t total = 0;
    for (const auto& s : ins) total += s.entry.amount;
    std::vector<std::pair<std::uint64_t, kaspa::ScriptPublicKey>> outs;
    const std::uint64_t value = total - fee;
    if (n_out == 2) {
      const std::uint64_t first = value / 2 + rng() % (value / 4);
      outs.push_back({first, wallets[pick(5)].spk});
      outs.push_back({value - first, wallets[pick(5)].spk});
    } else {
      outs.push_back({value, wallets[pick(5)].spk});
    }
    kaspa::Transaction tx = testing::build_tx(ins, outs);
    if (toccata) {
      tx.version = kaspa::kTxVersionToccata;
      for (auto& in : tx.inputs) in.compute_commit = kaspa::ComputeBudget{kaspa::kStandardComputeBudgetPerSignature};
    }
    if (rng() % 2) tx.storage_mass = 0;  // let the mempool fill the commitment in
    testing::sign(tx, ins, all_keys);
    return tx;
  };

  for (int round = 0; round < 80; ++round) {
    // --- submissions ---
    std::vector<Spend> candidates = sorted_chain_utxos();
    for (const MempoolEntry* e : mp.entries())
      for (std::uint32_t i = 0; i < e->tx.outputs.size(); ++i)
        candidates.push_back({{e->id, i}, utxo(e->tx.outputs[i].value, e->tx.outputs[i].script_public_key,
                                               kUnacceptedDaaScore)});
    const std::size_t n_submit = 1 + pick(6);
    std::vector<Spend> contested;  // outpoints some pool tx spends
    for (const auto& c : candidates)
      if (mp.spender_of(c.outpoint)) contested.push_back(c);
    for (std::size_t s = 0; s < n_submit && !candidates.empty(); ++s) {
      const bool replacement = rng() % 4 == 0 && !contested.empty();
      std::vector<Spend> ins{replacement ? contested[pick(contested.size())] : candidates[pick(candidates.size())]};
      if (rng() % 3 == 0) {
        const Spend& second = candidates[pick(candidates.size())];
        if (!(second.outpoint == ins[0].outpoint)) ins.push_back(second);
      }
      // Sometimes below the minimum relay fee; replacements usually pay more.
      const std::uint64_t fee = fee_scale * (replacement ? 10'000 + rng() % 80'000 : 2'000 + rng() % 30'000);
      std::uint64_t total = 0;
      for (const auto& sp : ins) total += sp.entry.amount;
      if (total < fee + 1'000) continue;
      kaspa::Transaction tx = make_tx(ins, fee, 1 + pick(2));
      ++submitted;
      auto r = replacement ? mp.submit_replacement(tx, chain, vs) : mp.submit(tx, chain, vs);
      if (r.ok()) {
        ++admitted;
        replaced += r->replaced.size();
      } else {
        ++rejected;
      }
    }
    ASSERT_NO_FATAL_FAILURE(check_pool_invariants(mp, chain, vs));

    // --- mine a chain block: coinbase, a template limited to a few txs, maybe another node's tx ---
    TestBlock block;
    block.daa_score = vs.daa_score + 1;
    BlockMassLimits limits;
    limits.compute = 8'000 + pick(8'000);
    const BlockTemplateTxs tmpl = mp.select_for_block(limits);
    ASSERT_LE(tmpl.compute_mass, limits.compute);

    kaspa::Transaction coinbase;
    coinbase.subnetwork_id = kaspa::subnetwork_coinbase();
    coinbase.payload = core::Bytes(19, 0);
    coinbase.payload[0] = static_cast<std::uint8_t>(round);
    coinbase.payload[1] = static_cast<std::uint8_t>(blocks.size());
    coinbase.payload[2] = static_cast<std::uint8_t>(reorgs);
    coinbase.outputs.push_back({50 * kKas, wallets[pick(5)].spk, std::nullopt});

    LayeredUtxoView layer(chain);
    TxValidationContext ctx;
    ctx.pov_daa_score = block.daa_score;
    ctx.past_median_time_ms = vs.past_median_time_ms;
    ctx.coinbase_maturity = cfg.coinbase_maturity;
    ASSERT_TRUE(validator.validate_in_isolation(coinbase).ok());
    layer.add_transaction(coinbase, kaspa::transaction_id(coinbase), {}, block.daa_score);
    block.accepted.push_back(coinbase);
    for (const auto& tx : tmpl.transactions) {
      ASSERT_TRUE(validator.validate_in_isolation(tx).ok());
      auto r = validator.validate_in_utxo_context(tx, layer, ctx);
      ASSERT_TRUE(r.ok()) << "template tx invalid in sequence: " << r.error().message;
      layer.add_transaction(tx, kaspa::transaction_id(tx), r->entries, block.daa_score);
      block.accepted.push_back(tx);
    }
    if (rng() % 3 == 0) {
      // Another node's tx, preferring an outpoint that a pool tx left out of the template spends.
      const auto utxos_now = sorted_chain_utxos();
      std::vector<Spend> contested;
      for (const auto& s : utxos_now) {
        auto spender = mp.spender_of(s.outpoint);
        if (spender && std::find(tmpl.ids.begin(), tmpl.ids.end(), *spender) == tmpl.ids.end())
          contested.push_back(s);
      }
      const Spend in = !contested.empty() ? contested[pick(contested.size())] : utxos_now[pick(utxos_now.size())];
      kaspa::Transaction foreign = make_tx({in}, 10'000 * fee_scale, 1);
      foreign.storage_mass = *kaspa::calc_storage_mass(foreign, testing::entries_of({in}));
      if (validator.validate_in_isolation(foreign).ok()) {
        auto r = validator.validate_in_utxo_context(foreign, layer, ctx);
        if (r.ok()) {  // e.g. an immature coinbase spend is silently not accepted
          layer.add_transaction(foreign, kaspa::transaction_id(foreign), r->entries, block.daa_score);
          block.accepted.push_back(foreign);
          ++foreign_accepted;
        }
      }
    }
    block.diff = layer.take_diff();
    // No double spend reaches the UTXO set: every removed outpoint exists (apply checks it) exactly once.
    ASSERT_TRUE(chain.apply(block.diff).ok());
    vs.daa_score = block.daa_score;
    now += 1'000;
    const std::size_t before = mp.size();
    std::size_t in_pool_accepted = 0;
    for (const auto& tx : block.accepted) in_pool_accepted += mp.contains(kaspa::transaction_id(tx)) ? 1 : 0;
    mp.handle_virtual_change({}, block.accepted, chain, vs);
    evicted_conflicts += before - in_pool_accepted - mp.size();
    for (const auto& tx : block.accepted) ASSERT_FALSE(mp.contains(kaspa::transaction_id(tx)));
    blocks.push_back(std::move(block));
    ASSERT_NO_FATAL_FAILURE(check_pool_invariants(mp, chain, vs));

    // --- occasionally, a reorg drops the last 1-2 chain blocks ---
    if (round % 9 == 8 && blocks.size() >= 3) {
      ++reorgs;
      const std::size_t depth = 1 + pick(2);
      std::vector<kaspa::Transaction> removed_accepted;
      for (std::size_t d = 0; d < depth; ++d) {
        ASSERT_TRUE(chain.undo(blocks.back().diff).ok());
        removed_accepted.insert(removed_accepted.begin(), blocks.back().accepted.begin(),
                                blocks.back().accepted.end());  // oldest block first
        blocks.pop_back();
      }
      vs.daa_score = blocks.back().daa_score;
      auto back = mp.handle_virtual_change(removed_accepted, {}, chain, vs);
      reinserted += back.size();
      ASSERT_NO_FATAL_FAILURE(check_pool_invariants(mp, chain, vs));
      // Every removed tx is back in the pool, unless it is no longer valid (e.g. it spent a removed coinbase).
      const LayeredUtxoView view = pool_view(chain, mp);
      TxValidationContext c;
      c.pov_daa_score = vs.daa_score;
      c.past_median_time_ms = vs.past_median_time_ms;
      c.coinbase_maturity = cfg.coinbase_maturity;
      c.skip_script_check = true;
      c.check_mass_commitment = false;
      for (const auto& tx : removed_accepted) {
        if (tx.is_coinbase() || mp.contains(kaspa::transaction_id(tx))) continue;
        bool conflict = false;
        for (const auto& in : tx.inputs) conflict = conflict || mp.spender_of(in.previous_outpoint).has_value();
        EXPECT_TRUE(conflict || !validator.validate_in_utxo_context(tx, view, c).ok())
            << "a valid transaction of a removed chain block was lost";
      }
    }
  }

  // The UTXO set equals the replay of the accepted transactions of the current chain.
  UtxoSet replay = genesis;
  for (const auto& b : blocks) {
    for (const auto& tx : b.accepted) {
      std::vector<kaspa::UtxoEntry> spent;
      for (const auto& in : tx.inputs) {
        auto e = replay.get(in.previous_outpoint);
        ASSERT_TRUE(e.has_value()) << "replay: accepted tx spends a missing outpoint";
        spent.push_back(*e);
      }
      UtxoDiff d;
      diff_add_transaction(d, tx, kaspa::transaction_id(tx), spent, b.daa_score);
      ASSERT_TRUE(replay.apply(d).ok());
    }
  }
  EXPECT_TRUE(replay == chain);
  EXPECT_EQ(replay.digest(), chain.digest());

  // The run exercised every path.
  std::size_t accepted_total = 0;
  for (const auto& b : blocks) accepted_total += b.accepted.size() - 1;
  EXPECT_GT(accepted_total, 40u);
  EXPECT_GT(admitted, 60u);
  EXPECT_GT(rejected, 10u);
  EXPECT_GT(replaced, 0u);
  EXPECT_GT(foreign_accepted, 0u);
  EXPECT_GT(evicted_conflicts, 0u);
  EXPECT_GT(reinserted, 0u);
  std::printf("randomized mempool (%s): submitted %zu admitted %zu rejected %zu replaced %zu accepted %zu "
              "conflicts evicted %zu foreign %zu reorgs %zu reinserted %zu\n",
              toccata ? "toccata" : "crescendo", submitted, admitted, rejected, replaced, accepted_total, evicted_conflicts, foreign_accepted, reorgs,
              reinserted);
}

TEST(MempoolRandomized, TransactionsFlowIntoBlocksWithoutDoubleSpends) { run_flow(false); }
TEST(MempoolRandomized, ToccataTransactionsFlowIntoBlocksWithoutDoubleSpends) { run_flow(true); }

}  // namespace
}  // namespace igra::simnet
