#include "simnet/mempool.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/hex.hpp"
#include "simnet/fee_estimator.hpp"
#include "simnet/tx_test_support.hpp"

namespace igra::simnet {
namespace {

using testing::fake_txid;
using testing::kKas;
using testing::Spend;
using testing::utxo;
using testing::Wallet;

std::string hex(const kaspa::TransactionId& id) { return core::to_hex(id); }

class MempoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    w = testing::wallet(1);
    w2 = testing::wallet(2);
    for (std::uint32_t i = 0; i < 10; ++i) {
      fund.push_back({kaspa::Outpoint{fake_txid(1), i}, utxo(100 * kKas, w.spk, 10)});
      utxos.insert(fund.back().outpoint, fund.back().entry);
    }
    vs.daa_score = 2000;
    vs.past_median_time_ms = 1'700'000'000'000ull;
    MempoolConfig cfg;
    cfg.clock_ms = [this] { return now; };
    mp = Mempool(cfg);
  }

  // A signed tx from w spending `ins` to one output to w2 (and change to w when `split`), paying `fee`.
  kaspa::Transaction spend(const std::vector<Spend>& ins, std::uint64_t fee, bool split = false,
                           bool zero_mass = true) {
    std::uint64_t total = 0;
    for (const auto& s : ins) total += s.entry.amount;
    std::vector<std::pair<std::uint64_t, kaspa::ScriptPublicKey>> outs;
    if (split) {
      outs.push_back({total / 2, w2.spk});
      outs.push_back({total - total / 2 - fee, w.spk});
    } else {
      outs.push_back({total - fee, w.spk});
    }
    auto tx = testing::build_tx(ins, outs);
    if (zero_mass) tx.storage_mass = 0;  // the mempool fills the commitment in
    testing::sign(tx, ins, {w.key, w2.key});
    return tx;
  }

  Spend pool_output(const kaspa::Transaction& tx, std::uint32_t i) {
    return {kaspa::Outpoint{kaspa::transaction_id(tx), i}, utxo(tx.outputs[i].value, tx.outputs[i].script_public_key,
                                                                kUnacceptedDaaScore)};
  }

  core::Result<SubmitResult> submit(const kaspa::Transaction& tx) { return mp.submit(tx, utxos, vs); }
  std::string submit_error(const kaspa::Transaction& tx) {
    auto r = submit(tx);
    return r.ok() ? "ok" : r.error().message;
  }
  std::string replace_error(const kaspa::Transaction& tx) {
    auto r = mp.submit_replacement(tx, utxos, vs);
    return r.ok() ? "ok" : r.error().message;
  }

  // Accepts `txs` into the UTXO set as a chain block at DAA `daa` would; returns the diff.
  UtxoDiff accept(const std::vector<kaspa::Transaction>& txs, std::uint64_t daa) {
    LayeredUtxoView layer(utxos);
    TxValidator v;
    TxValidationContext ctx;
    ctx.pov_daa_score = daa;
    ctx.past_median_time_ms = vs.past_median_time_ms;
    for (const auto& tx : txs) {
      auto r = v.validate_in_utxo_context(tx, layer, ctx);
      EXPECT_TRUE(r.ok()) << r.error().message;
      if (!r.ok()) continue;
      layer.add_transaction(tx, kaspa::transaction_id(tx), r->entries, daa);
    }
    UtxoDiff d = layer.take_diff();
    EXPECT_TRUE(utxos.apply(d).ok());
    return d;
  }

  Wallet w, w2;
  std::vector<Spend> fund;
  UtxoSet utxos;
  VirtualState vs;
  std::uint64_t now = 1'000;
  Mempool mp;
};

TEST_F(MempoolTest, SubmitFillsTheMassCommitmentAndReportsTheFee) {
  auto tx = spend({fund[0]}, 5'000, /*split=*/true);
  ASSERT_EQ(tx.storage_mass, 0u);
  auto r = submit(tx);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->fee, 5'000u);
  EXPECT_EQ(r->id, kaspa::transaction_id(tx));
  const MempoolEntry* e = mp.find(r->id);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->tx.storage_mass, *kaspa::calc_storage_mass(tx, testing::entries_of({fund[0]})));
  EXPECT_GT(e->tx.storage_mass, 0u);
  EXPECT_EQ(e->fee, 5'000u);
  EXPECT_EQ(e->added_at_ms, now);
  EXPECT_EQ(mp.entries().size(), 1u);
  EXPECT_EQ(mp.spender_of(fund[0].outpoint), r->id);
  EXPECT_EQ(mp.entries_paying_to(w2.spk).size(), 1u);
  EXPECT_EQ(mp.entries_paying_to(testing::wallet(9).spk).size(), 0u);

  EXPECT_EQ(submit_error(tx), "transaction " + hex(r->id) + " is already in the mempool");

  // A correct non-zero commitment is accepted as is; a wrong one is rejected.
  auto tx2 = spend({fund[1]}, 5'000, true, /*zero_mass=*/false);
  EXPECT_EQ(submit_error(tx2), "ok");
  auto tx3 = spend({fund[2]}, 5'000, true, false);
  tx3.storage_mass += 1;
  EXPECT_NE(submit_error(tx3).find("is not equal to the committed mass field"), std::string::npos);
}

TEST_F(MempoolTest, OrphansAreRejected) {
  Spend ghost{kaspa::Outpoint{fake_txid(77), 2}, utxo(10 * kKas, w.spk)};
  auto tx = spend({ghost}, 5'000);
  auto r = submit(tx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::kNotFound);
  // kaspad 2.1's exact message (observed over gRPC with the L1 suite).
  EXPECT_EQ(r.error().message,
            "transaction " + hex(kaspa::transaction_id(tx)) + " is an orphan where orphan is disallowed");
  EXPECT_EQ(mp.size(), 0u);
}

TEST_F(MempoolTest, AlreadyAcceptedTransactions) {
  auto tx = spend({fund[0]}, 5'000);
  auto with_mass = tx;
  with_mass.storage_mass = *kaspa::calc_storage_mass(tx, testing::entries_of({fund[0]}));
  accept({with_mass}, 2000);
  EXPECT_EQ(submit_error(tx), "transaction " + hex(kaspa::transaction_id(tx)) + " was already accepted by the consensus");
}

TEST_F(MempoolTest, ConsensusAndStandardnessErrorsPassThrough) {
  auto bad_sig = spend({fund[0]}, 5'000);
  bad_sig.inputs[0].signature_script[5] ^= 1;
  EXPECT_EQ(submit_error(bad_sig).rfind("failed to verify the signature script: EvalFalse", 0), 0u);

  auto low_fee = spend({fund[0]}, 100, true);
  EXPECT_NE(submit_error(low_fee).find("is not standard: transaction has 100 fees which is under the required amount"),
            std::string::npos);

  Spend cb{kaspa::Outpoint{fake_txid(3), 0}, utxo(50 * kKas, w.spk, 1500, /*coinbase=*/true)};
  utxos.insert(cb.outpoint, cb.entry);
  auto immature = spend({cb}, 5'000);
  EXPECT_EQ(submit_error(immature).rfind("one of the transaction inputs spends an immature UTXO: transaction input #0 "
                                         "tried to spend coinbase outpoint", 0),
            0u);
  vs.daa_score = 2500;  // 1500 + 1000 <= 2500
  EXPECT_EQ(submit_error(immature), "ok");

  auto locked = testing::build_tx({fund[1]}, {{99 * kKas, w.spk}});
  locked.lock_time = 3000;
  testing::sign(locked, {fund[1]}, {w.key});
  EXPECT_EQ(submit_error(locked), "transaction input #0 is not finalized");

  kaspa::Transaction coinbase;
  coinbase.subnetwork_id = kaspa::subnetwork_coinbase();
  coinbase.payload = core::Bytes(19, 0);
  coinbase.outputs.push_back({kKas, w.spk, std::nullopt});
  EXPECT_NE(submit_error(coinbase).find("is an invalid coinbase transaction"), std::string::npos);
}

TEST_F(MempoolTest, ChainedUnconfirmedTransactions) {
  auto a = spend({fund[0]}, 5'000, true);
  ASSERT_EQ(submit_error(a), "ok");
  auto b = spend({pool_output(a, 1)}, 5'000);
  ASSERT_EQ(submit_error(b), "ok");
  auto c = spend({pool_output(b, 0)}, 5'000);
  ASSERT_EQ(submit_error(c), "ok");
  const auto ida = kaspa::transaction_id(a), idb = kaspa::transaction_id(b), idc = kaspa::transaction_id(c);
  EXPECT_EQ(mp.find(idb)->parents, std::set<kaspa::TransactionId>{ida});
  EXPECT_EQ(mp.find(ida)->children, std::set<kaspa::TransactionId>{idb});
  EXPECT_EQ(mp.find(idb)->entries[0].block_daa_score, kUnacceptedDaaScore);

  // A non-existent output of a pool tx is an orphan.
  Spend bogus{kaspa::Outpoint{ida, 7}, utxo(kKas, w.spk)};
  EXPECT_NE(submit_error(spend({bogus}, 5'000)).find("is an orphan"), std::string::npos);

  // Removing a parent removes its descendants.
  auto removed = mp.remove(idb);
  EXPECT_EQ(removed.size(), 2u);
  EXPECT_TRUE(mp.contains(ida));
  EXPECT_FALSE(mp.contains(idc));
  EXPECT_TRUE(mp.find(ida)->children.empty());
}

TEST_F(MempoolTest, DoubleSpendsInsideThePoolAreRejected) {
  auto a = spend({fund[0]}, 5'000);
  ASSERT_EQ(submit_error(a), "ok");
  auto a2 = spend({fund[0]}, 50'000, true);
  EXPECT_EQ(submit_error(a2), "output (" + hex(fake_txid(1)) + ", 0) already spent by transaction " +
                                  hex(kaspa::transaction_id(a)) + " in the memory pool");
  EXPECT_EQ(mp.size(), 1u);
}

TEST_F(MempoolTest, ReplacementByHigherFeeRate) {
  auto a = spend({fund[0]}, 5'000, true);
  ASSERT_EQ(submit_error(a), "ok");
  auto b = spend({pool_output(a, 1)}, 5'000);  // a descendant of a
  ASSERT_EQ(submit_error(b), "ok");
  auto other = spend({fund[1]}, 5'000);
  ASSERT_EQ(submit_error(other), "ok");

  // Not a double spend.
  EXPECT_EQ(replace_error(spend({fund[2]}, 5'000)), "replace by fee found no double spending transaction in the mempool");
  // Same fee rate (same shape, same fee): rejected, pool unchanged.
  auto same = spend({fund[0]}, 5'000, true);
  same.outputs[0].script_public_key = w.spk;  // different tx, same masses
  testing::sign(same, {fund[0]}, {w.key});
  EXPECT_EQ(replace_error(same),
            "fee rate per contextual mass gram is not greater than the fee rate of the replaced transaction");
  EXPECT_TRUE(mp.contains(kaspa::transaction_id(a)));
  EXPECT_TRUE(mp.contains(kaspa::transaction_id(b)));

  // A replacement may not spend the outputs of what it replaces.
  auto self_ref = spend({fund[0], pool_output(a, 0)}, 100'000, true);
  EXPECT_NE(replace_error(self_ref).find("is an orphan"), std::string::npos);

  // Conflicting with two pool transactions.
  auto two = spend({fund[0], fund[1]}, 100'000, true);
  EXPECT_EQ(replace_error(two), "replace by fee found more than one double spending transaction in the mempool");

  // Higher fee rate: a and its descendant b are replaced.
  auto better = spend({fund[0]}, 50'000, true);
  auto r = mp.submit_replacement(better, utxos, vs);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->replaced.size(), 2u);
  EXPECT_EQ(kaspa::transaction_id(r->replaced[0]), kaspa::transaction_id(a));
  EXPECT_EQ(kaspa::transaction_id(r->replaced[1]), kaspa::transaction_id(b));
  EXPECT_FALSE(mp.contains(kaspa::transaction_id(a)));
  EXPECT_FALSE(mp.contains(kaspa::transaction_id(b)));
  EXPECT_TRUE(mp.contains(kaspa::transaction_id(better)));
  EXPECT_TRUE(mp.contains(kaspa::transaction_id(other)));
  EXPECT_EQ(mp.spender_of(fund[0].outpoint), kaspa::transaction_id(better));
  EXPECT_FALSE(mp.spender_of(pool_output(a, 1).outpoint).has_value());
  EXPECT_EQ(mp.size(), 2u);
}

TEST_F(MempoolTest, AcceptedTransactionsAndTheirConflictsLeaveThePool) {
  auto a = spend({fund[0]}, 5'000, true);
  auto b = spend({pool_output(a, 1)}, 5'000);
  auto d = spend({fund[1]}, 5'000, true);
  auto e = spend({pool_output(d, 0)}, 5'000);
  auto keep = spend({fund[2]}, 5'000);
  for (const auto* t : {&a, &b, &d, &e, &keep}) ASSERT_EQ(submit_error(*t), "ok");

  // A block accepts a (from the pool, with its filled-in commitment) and x, another node's double spend of d's input.
  const kaspa::Transaction a_pool = mp.find(kaspa::transaction_id(a))->tx;
  auto x = spend({fund[1]}, 9'000, false, false);
  accept({a_pool, x}, 2001);
  vs.daa_score = 2001;
  const kaspa::Transaction block_txs[] = {a_pool, x};
  auto conflicts = mp.remove_accepted(block_txs);
  std::sort(conflicts.begin(), conflicts.end());
  std::vector<kaspa::TransactionId> want{kaspa::transaction_id(d), kaspa::transaction_id(e)};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(conflicts, want);
  EXPECT_FALSE(mp.contains(kaspa::transaction_id(a)));
  EXPECT_TRUE(mp.contains(kaspa::transaction_id(b)));  // now spends a confirmed output
  EXPECT_TRUE(mp.find(kaspa::transaction_id(b))->parents.empty());
  EXPECT_TRUE(mp.contains(kaspa::transaction_id(keep)));
  EXPECT_EQ(mp.size(), 2u);
  EXPECT_TRUE(mp.revalidate(utxos, vs).empty());
  // b's spent entry now carries the accepting DAA score.
  EXPECT_EQ(mp.find(kaspa::transaction_id(b))->entries[0].block_daa_score, 2001u);
}

TEST_F(MempoolTest, ReorgReinsertsTransactionsOfRemovedChainBlocks) {
  auto a = spend({fund[0]}, 5'000, true);
  auto b = spend({pool_output(a, 1)}, 5'000);
  ASSERT_EQ(submit_error(a), "ok");
  ASSERT_EQ(submit_error(b), "ok");
  const kaspa::Transaction a_pool = mp.find(kaspa::transaction_id(a))->tx;

  // Chain block accepts a.
  kaspa::Transaction coinbase;
  coinbase.subnetwork_id = kaspa::subnetwork_coinbase();
  coinbase.payload = core::Bytes(19, 1);
  coinbase.outputs.push_back({50 * kKas, w.spk, std::nullopt});
  const UtxoDiff d = accept({coinbase, a_pool}, 2001);
  vs.daa_score = 2001;
  const std::vector<kaspa::Transaction> block{coinbase, a_pool};
  EXPECT_TRUE(mp.handle_virtual_change({}, block, utxos, vs).empty());
  EXPECT_FALSE(mp.contains(kaspa::transaction_id(a)));
  EXPECT_TRUE(mp.contains(kaspa::transaction_id(b)));

  // Reorg: that block leaves the chain; the new chain accepts nothing.
  ASSERT_TRUE(utxos.undo(d).ok());
  auto back = mp.handle_virtual_change(block, {}, utxos, vs);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], kaspa::transaction_id(a));
  EXPECT_TRUE(mp.contains(kaspa::transaction_id(a)));
  EXPECT_TRUE(mp.contains(kaspa::transaction_id(b)));
  EXPECT_EQ(mp.find(kaspa::transaction_id(b))->parents, std::set<kaspa::TransactionId>{kaspa::transaction_id(a)});
  EXPECT_EQ(mp.find(kaspa::transaction_id(a))->children, std::set<kaspa::TransactionId>{kaspa::transaction_id(b)});
  // The template puts the parent first even though b entered the pool earlier.
  auto t = mp.select_for_block();
  ASSERT_EQ(t.ids.size(), 2u);
  EXPECT_EQ(t.ids[0], kaspa::transaction_id(a));
  EXPECT_EQ(t.ids[1], kaspa::transaction_id(b));

  // Reorg to a chain accepting a conflicting a*: a cannot come back and b is dropped.
  const UtxoDiff d2 = accept({a_pool}, 2001);
  mp.handle_virtual_change({}, std::vector<kaspa::Transaction>{a_pool}, utxos, vs);
  ASSERT_TRUE(utxos.undo(d2).ok());
  auto a_star = spend({fund[0]}, 7'000, false, false);
  accept({a_star}, 2002);
  vs.daa_score = 2002;
  auto back2 = mp.handle_virtual_change(std::vector<kaspa::Transaction>{a_pool},
                                        std::vector<kaspa::Transaction>{a_star}, utxos, vs);
  EXPECT_TRUE(back2.empty());
  EXPECT_FALSE(mp.contains(kaspa::transaction_id(a)));
  EXPECT_FALSE(mp.contains(kaspa::transaction_id(b)));
  EXPECT_EQ(mp.size(), 0u);
}

TEST_F(MempoolTest, ExpiryAfter24Hours) {
  auto a = spend({fund[0]}, 5'000, true);
  ASSERT_EQ(submit_error(a), "ok");
  now += 1000;
  auto b = spend({pool_output(a, 1)}, 5'000);
  ASSERT_EQ(submit_error(b), "ok");
  auto c = spend({fund[1]}, 5'000);
  now += 12ull * 3600 * 1000;
  ASSERT_EQ(submit_error(c), "ok");

  now = 1'000 + kDefaultMempoolExpiryMs;  // exactly 24 h after a: not yet expired
  EXPECT_TRUE(mp.expire().empty());
  now += 1;
  auto removed = mp.expire();
  EXPECT_EQ(removed.size(), 2u);  // a, and b with it
  EXPECT_FALSE(mp.contains(kaspa::transaction_id(a)));
  EXPECT_FALSE(mp.contains(kaspa::transaction_id(b)));
  EXPECT_TRUE(mp.contains(kaspa::transaction_id(c)));
}

TEST_F(MempoolTest, TemplateSelectionOrderLimitsAndDependencies) {
  // Four independent txs with the same shape and fees 10k, 40k, 20k, 30k; a child of the 10k one paying 90k.
  std::vector<kaspa::Transaction> txs;
  for (std::uint64_t f : {10'000ull, 40'000ull, 20'000ull, 30'000ull}) {
    txs.push_back(spend({fund[txs.size()]}, f));
    ASSERT_EQ(submit_error(txs.back()), "ok");
  }
  auto child = spend({pool_output(txs[0], 0)}, 90'000);
  ASSERT_EQ(submit_error(child), "ok");
  const auto id = [](const kaspa::Transaction& t) { return kaspa::transaction_id(t); };

  auto all = mp.select_for_block();
  ASSERT_EQ(all.ids.size(), 5u);
  std::vector<kaspa::TransactionId> want{id(txs[1]), id(txs[3]), id(txs[2]), id(txs[0]), id(child)};
  EXPECT_EQ(all.ids, want);
  EXPECT_EQ(all.total_fees, 190'000u);
  std::uint64_t compute = 0, storage = 0, transient = 0;
  for (const auto& t : all.transactions) {
    const auto m = kaspa::calc_non_contextual_masses(t);
    compute += m.compute_mass;
    transient += m.transient_mass;
    storage += t.storage_mass;
  }
  EXPECT_EQ(all.compute_mass, compute);
  EXPECT_EQ(all.transient_mass, transient);
  EXPECT_EQ(all.storage_mass, storage);

  // Room for two txs by compute mass: the two best fee rates.
  const std::uint64_t one = kaspa::calc_non_contextual_masses(txs[0]).compute_mass;
  BlockMassLimits limits;
  limits.compute = 2 * one + one / 2;
  auto two = mp.select_for_block(limits);
  EXPECT_EQ(two.ids, (std::vector<kaspa::TransactionId>{id(txs[1]), id(txs[3])}));
  EXPECT_LE(two.compute_mass, limits.compute);

  // The child never precedes (or comes without) its parent.
  limits.compute = 4 * one + one / 2;
  auto four = mp.select_for_block(limits);
  ASSERT_EQ(four.ids.size(), 4u);
  EXPECT_EQ(std::count(four.ids.begin(), four.ids.end(), id(child)), 0);

  // A transaction count limit keeps the best prefix.
  BlockMassLimits three;
  three.max_transactions = 3;
  EXPECT_EQ(mp.select_for_block(three).ids, (std::vector<kaspa::TransactionId>{id(txs[1]), id(txs[3]), id(txs[2])}));

  // The transient limit: room for one tx only.
  BlockMassLimits tiny;
  tiny.transient = kaspa::calc_non_contextual_masses(txs[0]).transient_mass;
  EXPECT_EQ(mp.select_for_block(tiny).ids, (std::vector<kaspa::TransactionId>{id(txs[1])}));

  // The storage limit: a split payment (storage mass > 0) with the best fee rate is skipped when it does not fit.
  auto split = spend({fund[5]}, 500'000, /*split=*/true);
  ASSERT_EQ(submit_error(split), "ok");
  const std::uint64_t split_storage = mp.find(id(split))->storage_mass;
  ASSERT_GT(split_storage, 0u);
  EXPECT_EQ(mp.select_for_block().ids.front(), id(split));
  tiny = {};
  tiny.storage = split_storage - 1;
  auto no_split = mp.select_for_block(tiny);
  EXPECT_EQ(no_split.ids.size(), 5u);
  EXPECT_EQ(std::count(no_split.ids.begin(), no_split.ids.end(), id(split)), 0);
}

TEST_F(MempoolTest, ToccataModeAcceptsVersionOneTransactions) {
  auto v1 = [&](std::uint64_t fee) {
    auto tx = testing::build_tx({fund[0]}, {{50 * kKas, w2.spk}, {50 * kKas - fee, w.spk}});
    tx.version = kaspa::kTxVersionToccata;
    tx.inputs[0].compute_commit = kaspa::ComputeBudget{10};
    testing::sign(tx, {fund[0]}, {w.key});
    tx.storage_mass = 0;
    return tx;
  };
  // Crescendo rules: v1 is unknown.
  EXPECT_EQ(submit_error(v1(300'000)), "transaction version 1 is unknown");

  MempoolConfig cfg = MempoolConfig::toccata();
  cfg.clock_ms = [this] { return now; };
  mp = Mempool(cfg);
  // 100 * max(compute 2038, 2 * size 318) = 203,800 sompi (see StandardnessTest.MinimumRelayFeeToccata).
  auto low = v1(203'799);
  EXPECT_EQ(submit_error(low), "transaction " + hex(kaspa::transaction_id(low)) +
                                   " is not standard: transaction has 203799 fees which is under the required amount "
                                   "of 203800");
  auto ok = v1(203'800);
  EXPECT_EQ(submit_error(ok), "ok");
  EXPECT_EQ(kaspa::transaction_id(ok), kaspa::transaction_id_v1(ok));
  EXPECT_TRUE(mp.contains(kaspa::transaction_id_v1(ok)));
  // A v0 tx still needs the Toccata minimum fee: 100 * max(2036, 632) = 203,600.
  auto v0 = spend({fund[1]}, 203'599, true);
  EXPECT_NE(submit_error(v0).find("under the required amount of 203600"), std::string::npos);
  EXPECT_EQ(submit_error(spend({fund[1]}, 203'600, true)), "ok");
}

TEST_F(MempoolTest, FeeEstimates) {
  FeeEstimatorConfig cfg;  // 10 BPS, 500,000 grams per block, 1 sompi/gram minimum
  auto empty = estimate_fees(mp, cfg);
  EXPECT_DOUBLE_EQ(empty.priority_bucket.feerate, 1.0);
  EXPECT_DOUBLE_EQ(empty.priority_bucket.estimated_seconds, 0.1);
  ASSERT_EQ(empty.normal_buckets.size(), 1u);
  ASSERT_EQ(empty.low_buckets.size(), 1u);
  EXPECT_DOUBLE_EQ(empty.normal_buckets[0].feerate, 1.0);
  EXPECT_DOUBLE_EQ(empty.low_buckets[0].feerate, 1.0);

  std::uint64_t fee = 10'000;
  for (int i = 0; i < 6; ++i, fee += 10'000) ASSERT_EQ(submit_error(spend({fund[static_cast<std::size_t>(i)]}, fee)), "ok");
  // A block holding about two of these txs: the next-block fee rate must beat the 5th best.
  const std::uint64_t m = mp.entries()[0]->mass();
  cfg.block_mass_capacity = 2 * m + m / 2;
  auto est = estimate_fees(mp, cfg);
  std::vector<double> rates;
  for (const auto* e : mp.entries()) rates.push_back(e->fee_rate());
  std::sort(rates.rbegin(), rates.rend());
  EXPECT_GT(est.priority_bucket.feerate, rates[2]);
  EXPECT_GE(est.priority_bucket.feerate, est.normal_buckets[0].feerate);
  EXPECT_GE(est.normal_buckets[0].feerate, est.low_buckets[0].feerate);
  EXPECT_GE(est.low_buckets[0].feerate, 1.0);
  EXPECT_DOUBLE_EQ(est.priority_bucket.estimated_seconds, 0.1);
  EXPECT_GE(est.low_buckets[0].estimated_seconds, est.priority_bucket.estimated_seconds);

  // Toccata policy: 100 sompi/gram minimum.
  auto toccata = FeeEstimatorConfig::for_policy(StandardnessPolicy::toccata_rules());
  EXPECT_DOUBLE_EQ(toccata.minimum_feerate, 100.0);
}

}  // namespace
}  // namespace igra::simnet
