// Unit tests of the relayer's payload encoder, transaction builder and wallet, without a node. Payloads are
// checked against the igra layer's decoder (igra/payload.hpp, allowed in tests only); transactions against the
// documented txid prefix, lane gate and fee rules (igra-protocol.md §1, decisions.md).
#include <gtest/gtest.h>

#include <cmath>

#include <algorithm>

#include "chain/transaction.hpp"
#include "chain/transaction_codec.hpp"
#include "igra/network.hpp"
#include "igra/payload.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/sign.hpp"
#include "kaspa/tx_id.hpp"
#include "relayer/l1_payload.hpp"
#include "relayer/tx_builder.hpp"
#include "relayer/wallet.hpp"
#include "support/igra_l1.hpp"

namespace igra::relayer {
namespace {

// A signed legacy transfer with `data_bytes` of calldata: compressible (mostly zero), or pseudo-random.
core::Bytes raw_transfer(std::uint64_t nonce, std::size_t data_bytes = 0, bool random = false) {
  chain::Transaction tx = testing::legacy_tx(nonce, testing::fresh_address(1, 1), testing::kGwei, testing::kGwei);
  tx.data.assign(data_bytes, 0x00);
  std::uint32_t x = 2463534242u;
  for (std::size_t i = 0; i < data_bytes; ++i) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    if (random) tx.data[i] = static_cast<std::uint8_t>(x);
    else if (i % 7 == 0) tx.data[i] = 0x5a;
  }
  tx.gas_limit = 21000 + 40 * data_bytes;
  return testing::sign_l2(tx, testing::dev(0));
}

crypto::SecretKey key_of(std::uint8_t n) {
  crypto::SecretKey k;
  k[0] = 0x22;
  k[31] = n;
  return k;
}

kaspa::ScriptPublicKey spk_of(const crypto::SecretKey& k) { return kaspa::p2pk_script(crypto::schnorr_public_key(k).value()); }

Coin coin(std::uint64_t amount, const kaspa::ScriptPublicKey& spk, std::uint8_t tag, std::uint64_t daa = 0,
          bool coinbase = false) {
  Coin c;
  c.outpoint.transaction_id[0] = tag;
  c.outpoint.index = tag;
  c.entry.amount = amount;
  c.entry.script_public_key = spk;
  c.entry.block_daa_score = daa;
  c.entry.is_coinbase = coinbase;
  return c;
}

kaspa::rpc::UtxosByAddressesEntry utxo_entry(const Coin& c) {
  kaspa::rpc::UtxosByAddressesEntry e;
  e.outpoint = c.outpoint;
  e.utxo_entry = c.entry;
  return e;
}

constexpr std::uint8_t kPrefix[2] = {0x97, 0xae};

TEST(relayer_payload, IncompressibleTransactionIsUnzippedAndDecodesToTheRawBytes) {
  const core::Bytes raw = raw_transfer(0, 300, /*random=*/true);
  ASSERT_GE(zlib_compress(raw).size(), raw.size());
  auto p = encode_l2_tx_payload(raw);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)[0], 0x94);
  EXPECT_EQ(p->size(), 1 + raw.size() + 4);
  EXPECT_EQ(igra::classify_payload(*p), igra::PayloadKind::kL2Tx);
  auto back = igra::l2_tx_bytes(*p);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, raw);
}

TEST(relayer_payload, CompressibleTransactionIsZippedAndDecodesToTheRawBytes) {
  const core::Bytes raw = raw_transfer(0, 20'000);
  auto p = encode_l2_tx_payload(raw);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)[0], 0x95);
  EXPECT_LT(p->size(), raw.size() / 4);
  auto back = igra::l2_tx_bytes(*p);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, raw);
}

TEST(relayer_payload, ZippedExactlyWhenSmaller) {
  // A plain transfer (many zero bytes in its fields) may compress by a few bytes: the smaller form is used.
  for (std::size_t n : {0u, 10u, 100u, 1000u}) {
    for (bool random : {false, true}) {
      const core::Bytes raw = raw_transfer(n, n, random);
      const core::Bytes p = *encode_l2_tx_payload(raw);
      const bool smaller = zlib_compress(raw).size() < raw.size();
      EXPECT_EQ(p[0], smaller ? 0x95 : 0x94) << n << " " << random;
      EXPECT_EQ(p.size(), 1 + std::min(zlib_compress(raw).size(), raw.size()) + 4);
      EXPECT_EQ(*igra::l2_tx_bytes(p), raw);
    }
  }
}

TEST(relayer_payload, LimitsAndNonce) {
  EXPECT_FALSE(encode_l2_tx_payload({}).ok());
  const core::Bytes at_limit(kMaxL2DataBytes, 0x01);
  EXPECT_TRUE(encode_l2_tx_payload(at_limit).ok());
  const core::Bytes over(kMaxL2DataBytes + 1, 0x01);
  auto r = encode_l2_tx_payload(over);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("24800"), std::string::npos) << r.error().message;

  core::Bytes p = *encode_l2_tx_payload(raw_transfer(1));
  set_payload_nonce(p, 0x01020304);
  EXPECT_EQ(core::Bytes(p.end() - 4, p.end()), (core::Bytes{1, 2, 3, 4}));  // big-endian (igra-protocol.md §1.1)
  EXPECT_EQ(*igra::l2_tx_bytes(p), raw_transfer(1));
}

TEST(relayer_tx_builder, V0TransactionHasThePrefixValidSignatureAndPolicyFee) {
  const auto key = key_of(1);
  const auto spk = spk_of(key);
  const Coin c = coin(5 * kaspa::kSompiPerKaspa, spk, 1);
  const core::Bytes raw = raw_transfer(0);
  auto b = build_l1_transaction(c, key, spk, *encode_l2_tx_payload(raw), kPrefix, TxShape{}, 20'000'000);
  ASSERT_TRUE(b.ok()) << b.error().message;
  const kaspa::Transaction& tx = b->tx;
  EXPECT_EQ(tx.version, 0);
  EXPECT_EQ(tx.subnetwork_id, kaspa::subnetwork_native());
  EXPECT_EQ(kaspa::transaction_id(tx), b->id);
  EXPECT_EQ(b->id[0], 0x97);
  EXPECT_EQ(b->id[1], 0xae);
  EXPECT_EQ(*igra::l2_tx_bytes(tx.payload), raw);
  const kaspa::UtxoEntry entries[1] = {c.entry};
  EXPECT_TRUE(kaspa::verify_p2pk_signatures(tx, entries).ok());
  ASSERT_EQ(tx.outputs.size(), 1u);
  EXPECT_EQ(tx.outputs[0].script_public_key, spk);
  EXPECT_EQ(tx.outputs[0].value + b->fee, c.entry.amount);
  EXPECT_EQ(tx.storage_mass, kaspa::calc_storage_mass(tx, entries).value());
  const auto m = kaspa::calc_non_contextual_masses(tx);
  EXPECT_EQ(b->fee, 2 * std::max(kaspa::minimum_relay_fee_crescendo(m), kaspa::minimum_relay_fee_toccata(m)) + 1000);
  auto devnet = igra::builtin_network("devnet");
  ASSERT_TRUE(devnet.ok());
  EXPECT_TRUE(igra::matches_prefix(b->id, *devnet));
  EXPECT_TRUE(igra::passes_lane_gate(tx, *devnet, 100));
}

// With kaspad's fee estimate (sompi per gram), the fee is mass x feerate + 1000 once that exceeds the policy fee;
// a low feerate leaves the policy fee.
TEST(relayer_tx_builder, FeeFollowsTheEstimatedFeerate) {
  const auto key = key_of(1);
  const auto spk = spk_of(key);
  const Coin c = coin(5 * kaspa::kSompiPerKaspa, spk, 1);
  const core::Bytes payload = *encode_l2_tx_payload(raw_transfer(0));
  TxShape shape;
  shape.feerate = 1000.5;
  auto b = build_l1_transaction(c, key, spk, payload, kPrefix, shape, 20'000'000);
  ASSERT_TRUE(b.ok()) << b.error().message;
  const auto m = kaspa::calc_non_contextual_masses(b->tx);
  const std::uint64_t mass = std::max(m.compute_mass, m.transient_mass);
  EXPECT_EQ(b->fee, static_cast<std::uint64_t>(std::ceil(static_cast<double>(mass) * 1000.5)) + 1000);
  EXPECT_EQ(b->tx.outputs[0].value + b->fee, c.entry.amount);
  EXPECT_EQ(*relay_fee(spk, payload, shape), b->fee);
  shape.feerate = 0.01;
  EXPECT_EQ(*relay_fee(spk, payload, shape),
            2 * std::max(kaspa::minimum_relay_fee_crescendo(m), kaspa::minimum_relay_fee_toccata(m)) + 1000);
}

TEST(relayer_tx_builder, V1TransactionIsOnTheIgraLane) {
  const auto key = key_of(2);
  const auto spk = spk_of(key);
  const Coin c = coin(5 * kaspa::kSompiPerKaspa, spk, 2);
  TxShape shape;
  shape.v1_lane = true;
  auto b = build_l1_transaction(c, key, spk, *encode_l2_tx_payload(raw_transfer(0)), kPrefix, shape, 20'000'000);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->tx.version, 1);
  EXPECT_EQ(b->tx.subnetwork_id, kaspa::subnetwork_lane(0x97b10000));
  EXPECT_EQ(b->tx.inputs[0].compute_budget(), 10);
  EXPECT_EQ(kaspa::transaction_id_v1(b->tx), b->id);
  EXPECT_EQ(b->id[0], 0x97);
  EXPECT_EQ(b->id[1], 0xae);
  const kaspa::UtxoEntry entries[1] = {c.entry};
  EXPECT_TRUE(kaspa::verify_p2pk_signatures(b->tx, entries).ok());
  auto net = igra::builtin_network("devnet").value();
  net.toccata_daa_score = 50;
  EXPECT_TRUE(igra::passes_lane_gate(b->tx, net, 60));
  EXPECT_FALSE(igra::passes_lane_gate(b->tx, net, 40));
}

TEST(relayer_tx_builder, CoinTooSmallOrForeignIsAnError) {
  const auto key = key_of(3);
  const auto spk = spk_of(key);
  const core::Bytes payload = *encode_l2_tx_payload(raw_transfer(0));
  auto small = build_l1_transaction(coin(1'000'000, spk, 3), key, spk, payload, kPrefix, TxShape{}, 20'000'000);
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.error().message.find("less than the fee"), std::string::npos) << small.error().message;
  const auto other = spk_of(key_of(4));
  auto foreign = build_l1_transaction(coin(kaspa::kSompiPerKaspa, other, 4), key, spk, payload, kPrefix, TxShape{},
                                      20'000'000);
  EXPECT_FALSE(foreign.ok());
}

TEST(relayer_wallet, ReservesSpentCoinsSkipsImmatureAndChainsChange) {
  const auto spk = spk_of(key_of(5));
  Wallet w(spk, /*maturity=*/10, /*use_unconfirmed_change=*/true);
  const Coin a = coin(5 * kaspa::kSompiPerKaspa, spk, 1, 100, true);
  const Coin b = coin(5 * kaspa::kSompiPerKaspa, spk, 2, 105, true);  // mature at 115
  const Coin small = coin(1000, spk, 3, 50, false);
  const std::vector<kaspa::rpc::UtxosByAddressesEntry> utxos = {utxo_entry(b), utxo_entry(a), utxo_entry(small)};
  w.update(utxos, 110);
  EXPECT_EQ(w.counts().immature, 1u);
  EXPECT_EQ(w.balance(), a.entry.amount + small.entry.amount);

  auto t1 = w.take(kaspa::kSompiPerKaspa);
  ASSERT_TRUE(t1);
  EXPECT_EQ(t1->outpoint, a.outpoint);
  Coin change = coin(4 * kaspa::kSompiPerKaspa, spk, 9);
  w.spent(*t1, change);
  // The same UTXO answer again (the spend is still in the mempool): a is not offered again.
  w.update(utxos, 115);
  auto t2 = w.take(kaspa::kSompiPerKaspa, /*allow_unconfirmed=*/false);
  ASSERT_TRUE(t2);
  EXPECT_EQ(t2->outpoint, b.outpoint);  // now mature
  w.release(*t2);
  auto t3 = w.take(kaspa::kSompiPerKaspa, false);
  ASSERT_TRUE(t3);
  EXPECT_EQ(t3->outpoint, b.outpoint);
  w.spent(*t3, coin(4 * kaspa::kSompiPerKaspa, spk, 10));
  EXPECT_FALSE(w.take(kaspa::kSompiPerKaspa, false));
  // Unconfirmed change (both have depth 1).
  auto t4 = w.take(kaspa::kSompiPerKaspa);
  ASSERT_TRUE(t4);
  EXPECT_TRUE(t4->outpoint == change.outpoint || t4->outpoint.index == 10);
  w.spent(*t4, coin(3 * kaspa::kSompiPerKaspa, spk, 11));
  // The tip of the own unconfirmed chain (the depth-2 change) is spent first: acceptance order = submission order.
  auto t5 = w.take(kaspa::kSompiPerKaspa);
  ASSERT_TRUE(t5);
  EXPECT_EQ(t5->outpoint.index, 11u);
  // With the tip taken, the other depth-1 change.
  auto t6 = w.take(kaspa::kSompiPerKaspa);
  ASSERT_TRUE(t6);
  EXPECT_NE(t6->outpoint, t4->outpoint);
  EXPECT_NE(t6->outpoint.index, 11u);
  w.discard(*t6);
  w.release(*t5);

  // Everything confirmed: a and b left the set, the change outputs are in it.
  std::vector<kaspa::rpc::UtxosByAddressesEntry> later = {utxo_entry(small), utxo_entry(coin(3 * kaspa::kSompiPerKaspa, spk, 11, 120))};
  w.update(later, 130);
  EXPECT_FALSE(w.is_reserved(a.outpoint));
  EXPECT_FALSE(w.is_reserved(b.outpoint));
  EXPECT_EQ(w.balance(), small.entry.amount + 3 * kaspa::kSompiPerKaspa);
  auto t7 = w.take(kaspa::kSompiPerKaspa);
  ASSERT_TRUE(t7);
  EXPECT_EQ(t7->outpoint.index, 11u);
  EXPECT_FALSE(w.take(kaspa::kSompiPerKaspa));
}

TEST(relayer_wallet, ReservationsOfOutpointsNeverSeenExpire) {
  const auto spk = spk_of(key_of(7));
  auto t = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  Wallet w(spk, 10, true, std::chrono::minutes(10), [&t] { return t; });
  const Coin a = coin(5 * kaspa::kSompiPerKaspa, spk, 1, 1, false);
  w.update({utxo_entry(a)}, 100);
  auto ta = w.take(1);
  ASSERT_TRUE(ta);
  const Coin change = coin(4 * kaspa::kSompiPerKaspa, spk, 2);
  w.spent(*ta, change);
  auto tc = w.take(1);  // the unconfirmed change
  ASSERT_TRUE(tc);
  EXPECT_EQ(tc->outpoint, change.outpoint);
  w.spent(*tc, coin(3 * kaspa::kSompiPerKaspa, spk, 3));
  // Both confirmed between two queries: `a` left the set (pruned at once), the change never showed up.
  const Coin last = coin(3 * kaspa::kSompiPerKaspa, spk, 3, 110);
  w.update({utxo_entry(last)}, 120);
  EXPECT_FALSE(w.is_reserved(a.outpoint));
  EXPECT_TRUE(w.is_reserved(change.outpoint));
  t += std::chrono::minutes(11);
  w.update({utxo_entry(last)}, 130);
  EXPECT_FALSE(w.is_reserved(change.outpoint));
  EXPECT_EQ(w.counts().reserved, 0u);
}

TEST(relayer_wallet, WithoutChainingUnconfirmedChangeIsNotOffered) {
  const auto spk = spk_of(key_of(6));
  Wallet w(spk, 10, /*use_unconfirmed_change=*/false);
  const Coin a = coin(5 * kaspa::kSompiPerKaspa, spk, 1, 1, false);
  w.update({utxo_entry(a)}, 100);
  auto t = w.take(1);
  ASSERT_TRUE(t);
  w.spent(*t, coin(4 * kaspa::kSompiPerKaspa, spk, 2));
  EXPECT_FALSE(w.take(1));
  EXPECT_FALSE(w.has_coin(1));
}

}  // namespace
}  // namespace igra::relayer
