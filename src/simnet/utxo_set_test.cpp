#include "simnet/utxo_set.hpp"

#include <gtest/gtest.h>

#include "simnet/tx_test_support.hpp"

namespace igra::simnet {
namespace {

using testing::fake_txid;
using testing::kKas;
using testing::utxo;

kaspa::ScriptPublicKey spk_of(std::uint8_t b) { return kaspa::ScriptPublicKey{0, core::Bytes(34, b)}; }

TEST(UtxoSet, InsertGetErase) {
  UtxoSet set;
  const kaspa::Outpoint op{fake_txid(1), 0};
  EXPECT_FALSE(set.get(op).has_value());
  EXPECT_TRUE(set.insert(op, utxo(5, spk_of(1))));
  ASSERT_TRUE(set.get(op).has_value());
  EXPECT_EQ(set.get(op)->amount, 5u);
  EXPECT_FALSE(set.insert(op, utxo(6, spk_of(2))));  // overwrite
  EXPECT_EQ(set.balance_by_script(spk_of(1)), 0u);
  EXPECT_EQ(set.balance_by_script(spk_of(2)), 6u);
  auto e = set.erase(op);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->amount, 6u);
  EXPECT_FALSE(set.erase(op).has_value());
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.count_by_script(spk_of(2)), 0u);
}

TEST(UtxoSet, ApplyAndUndoDiff) {
  UtxoSet set;
  const kaspa::Outpoint a{fake_txid(1), 0}, b{fake_txid(1), 1}, c{fake_txid(2), 0};
  set.insert(a, utxo(10, spk_of(1)));
  set.insert(b, utxo(20, spk_of(1)));
  const UtxoSet before = set;

  UtxoDiff d;
  diff_remove(d, a, utxo(10, spk_of(1)));
  diff_add(d, c, utxo(9, spk_of(2), 7));
  ASSERT_TRUE(set.apply(d).ok());
  EXPECT_FALSE(set.contains(a));
  EXPECT_TRUE(set.contains(c));
  EXPECT_EQ(set.balance_by_script(spk_of(1)), 20u);
  EXPECT_EQ(set.balance_by_script(spk_of(2)), 9u);

  ASSERT_TRUE(set.undo(d).ok());
  EXPECT_TRUE(set == before);
  EXPECT_EQ(set.digest(), before.digest());
  EXPECT_EQ(set.balance_by_script(spk_of(1)), 30u);
  EXPECT_EQ(set.balance_by_script(spk_of(2)), 0u);
}

TEST(UtxoSet, ApplyRejectsBadDiffsWithoutChanges) {
  UtxoSet set;
  const kaspa::Outpoint a{fake_txid(1), 0}, c{fake_txid(2), 0};
  set.insert(a, utxo(10, spk_of(1)));
  const UtxoSet before = set;

  UtxoDiff missing;
  diff_add(missing, c, utxo(1, spk_of(1)));
  diff_remove(missing, kaspa::Outpoint{fake_txid(9), 3}, utxo(1, spk_of(1)));
  auto r = set.apply(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "utxo diff: cannot remove missing outpoint " + outpoint_to_string({fake_txid(9), 3}));
  EXPECT_TRUE(set == before);

  UtxoDiff dup;
  diff_add(dup, a, utxo(10, spk_of(1)));
  r = set.apply(dup);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("already exists"), std::string::npos);
  EXPECT_TRUE(set == before);

  UtxoDiff mismatch;
  diff_remove(mismatch, a, utxo(11, spk_of(1)));
  EXPECT_FALSE(set.apply(mismatch).ok());
  EXPECT_TRUE(set == before);
}

TEST(UtxoSet, LayeredViewChainsTransactionsInsideABlock) {
  const auto w = testing::wallet(1);
  UtxoSet set;
  const kaspa::Outpoint funding{fake_txid(1), 0};
  set.insert(funding, utxo(100 * kKas, w.spk, 5));

  // tx1 spends the funding output; tx2 spends tx1's output 0 inside the same block.
  auto tx1 = testing::build_tx({{funding, utxo(100 * kKas, w.spk, 5)}}, {{60 * kKas, w.spk}, {39 * kKas, w.spk}});
  const auto id1 = kaspa::transaction_id(tx1);
  LayeredUtxoView layer(set);
  const kaspa::UtxoEntry spent1[] = {*layer.get(funding)};
  layer.add_transaction(tx1, id1, spent1, 77);
  EXPECT_FALSE(layer.get(funding).has_value());
  ASSERT_TRUE(layer.get({id1, 0}).has_value());
  EXPECT_EQ(layer.get({id1, 0})->block_daa_score, 77u);  // the accepting block's DAA score
  EXPECT_FALSE(layer.get({id1, 0})->is_coinbase);

  auto tx2 = testing::build_tx({{{id1, 0}, *layer.get({id1, 0})}}, {{59 * kKas, w.spk}});
  const auto id2 = kaspa::transaction_id(tx2);
  const kaspa::UtxoEntry spent2[] = {*layer.get({id1, 0})};
  layer.add_transaction(tx2, id2, spent2, 77);
  EXPECT_FALSE(layer.get({id1, 0}).has_value());

  // The intermediate output never reaches the diff.
  const UtxoDiff& d = layer.diff();
  EXPECT_EQ(d.removed.size(), 1u);
  EXPECT_TRUE(d.removed.count(funding));
  EXPECT_EQ(d.added.size(), 2u);
  EXPECT_TRUE(d.added.count({id1, 1}));
  EXPECT_TRUE(d.added.count({id2, 0}));
  EXPECT_FALSE(d.added.count({id1, 0}));
  // The base is untouched until applied.
  EXPECT_TRUE(set.contains(funding));
  ASSERT_TRUE(set.apply(d).ok());
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.balance_by_script(w.spk), 98 * kKas);
  const auto entries = set.entries_by_script(w.spk);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_LT(entries[0].first, entries[1].first);  // ordered by outpoint
}

TEST(UtxoSet, DiffComposeAndInverse) {
  const kaspa::Outpoint a{fake_txid(1), 0}, b{fake_txid(2), 0}, c{fake_txid(3), 0};
  UtxoSet set;
  set.insert(a, utxo(1, spk_of(1)));
  UtxoDiff d1, d2;
  diff_remove(d1, a, utxo(1, spk_of(1)));
  diff_add(d1, b, utxo(2, spk_of(1)));
  diff_remove(d2, b, utxo(2, spk_of(1)));
  diff_add(d2, c, utxo(3, spk_of(1)));
  const UtxoDiff both = diff_compose(d1, d2);
  EXPECT_EQ(both.added.size(), 1u);
  EXPECT_TRUE(both.added.count(c));
  EXPECT_EQ(both.removed.size(), 1u);
  EXPECT_TRUE(both.removed.count(a));

  UtxoSet seq = set;
  ASSERT_TRUE(seq.apply(d1).ok());
  ASSERT_TRUE(seq.apply(d2).ok());
  UtxoSet once = set;
  ASSERT_TRUE(once.apply(both).ok());
  EXPECT_TRUE(seq == once);
  ASSERT_TRUE(once.apply(diff_inverse(both)).ok());
  EXPECT_TRUE(once == set);
}

TEST(UtxoSet, ChangesForScripts) {
  UtxoDiff d;
  diff_add(d, {fake_txid(2), 0}, utxo(1, spk_of(1)));
  diff_add(d, {fake_txid(2), 1}, utxo(2, spk_of(2)));
  diff_add(d, {fake_txid(1), 5}, utxo(3, spk_of(1)));
  diff_remove(d, {fake_txid(9), 0}, utxo(4, spk_of(1)));
  diff_remove(d, {fake_txid(9), 1}, utxo(5, spk_of(3)));
  const kaspa::ScriptPublicKey one[] = {spk_of(1)};
  auto c = diff_changes_for_scripts(d, one);
  ASSERT_EQ(c.added.size(), 2u);
  EXPECT_EQ(c.added[0].first, (kaspa::Outpoint{fake_txid(1), 5}));
  EXPECT_EQ(c.added[1].first, (kaspa::Outpoint{fake_txid(2), 0}));
  ASSERT_EQ(c.removed.size(), 1u);
  EXPECT_EQ(c.removed[0].second.amount, 4u);
  auto all = diff_changes_for_scripts(d, {});
  EXPECT_EQ(all.added.size(), 3u);
  EXPECT_EQ(all.removed.size(), 2u);
}

TEST(UtxoSet, CoinbaseOutputsAreMarked) {
  kaspa::Transaction cb;
  cb.subnetwork_id = kaspa::subnetwork_coinbase();
  cb.outputs.push_back({50 * kKas, spk_of(4), std::nullopt});
  UtxoDiff d;
  diff_add_transaction(d, cb, kaspa::transaction_id(cb), {}, 1234);
  ASSERT_EQ(d.added.size(), 1u);
  const auto& e = d.added.begin()->second;
  EXPECT_TRUE(e.is_coinbase);
  EXPECT_EQ(e.block_daa_score, 1234u);
  EXPECT_EQ(e.amount, 50 * kKas);
}

}  // namespace
}  // namespace igra::simnet
