#include "kaspa/tx_codec.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "kaspa/tx_id.hpp"
#include "kaspa/tx_vectors_testing.hpp"

namespace igra::kaspa {
namespace {

using vectors_testing::kaspa_vectors;
using vectors_testing::tx_from_json;

std::vector<Transaction> all_vector_txs() {
  std::vector<Transaction> out;
  for (const auto& v : kaspa_vectors().at("tx_vectors")) {
    Transaction tx = tx_from_json(v.at("tx"));
    if (tx.version <= 1) out.push_back(tx);
  }
  for (const auto& v : kaspa_vectors().at("sighash_vectors")) out.push_back(tx_from_json(v.at("tx")));
  for (const auto& t : kaspa_vectors().at("merkle_vectors")[0].at("transactions")) out.push_back(tx_from_json(t));
  return out;
}

// The canonical form of the compute commitment the encoding carries (v0 sig-op count, v1 budget).
Transaction canonical(Transaction tx) {
  for (auto& in : tx.inputs) {
    if (tx.version >= 1)
      in.compute_commit = ComputeBudget{in.compute_budget()};
    else
      in.compute_commit = SigOpCount{in.sig_op_count()};
  }
  return tx;
}

TEST(TxCodec, RoundTripsVectorTransactions) {
  int n = 0;
  for (const auto& tx : all_vector_txs()) {
    const core::Bytes enc = encode_transaction(tx);
    EXPECT_EQ(enc, transaction_preimage(tx, kTxEncodeFull));
    auto dec = decode_transaction(enc);
    ASSERT_TRUE(dec.ok()) << dec.error().message;
    EXPECT_EQ(*dec, canonical(tx));
    EXPECT_EQ(encode_transaction(*dec), enc);
    EXPECT_EQ(transaction_hash(*dec), transaction_hash(tx));
    EXPECT_EQ(transaction_id(*dec), transaction_id(tx));
    ++n;
  }
  EXPECT_GT(n, 40);
}

TEST(TxCodec, RoundTripsMassAndCovenants) {
  Transaction tx;
  tx.version = 1;
  TransactionInput in;
  in.compute_commit = ComputeBudget{500};
  in.signature_script = {1, 2, 3};
  tx.inputs.push_back(in);
  TransactionOutput out;
  out.value = 5;
  out.covenant = CovenantBinding{3, core::Hash32{}};
  out.covenant->covenant_id[31] = 9;
  tx.outputs.push_back(out);
  tx.outputs.push_back(TransactionOutput{7, {}, std::nullopt});
  tx.storage_mass = 0;
  auto dec = decode_transaction(encode_transaction(tx));
  ASSERT_TRUE(dec.ok()) << dec.error().message;
  EXPECT_EQ(*dec, tx);

  Transaction v0;
  v0.inputs.push_back(TransactionInput{});
  v0.storage_mass = 12345;
  auto d0 = decode_transaction(encode_transaction(v0));
  ASSERT_TRUE(d0.ok()) << d0.error().message;
  EXPECT_EQ(d0->storage_mass, 12345u);
}

TEST(TxCodec, RejectsMalformedInput) {
  Transaction tx;
  tx.inputs.push_back(TransactionInput{});
  tx.outputs.push_back(TransactionOutput{1, {0, {0xac}}, std::nullopt});
  tx.payload = {1, 2, 3};
  const core::Bytes good = encode_transaction(tx);
  ASSERT_TRUE(decode_transaction(good).ok());

  // Every strict prefix fails, with a message.
  for (std::size_t n = 0; n < good.size(); ++n) {
    auto r = decode_transaction(core::ByteView(good).first(n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_FALSE(r.error().message.empty());
  }
  // Trailing bytes (1..7 is neither nothing nor a mass; 9 is mass + 1).
  for (std::size_t extra : {1u, 7u, 9u}) {
    core::Bytes bad = good;
    bad.resize(good.size() + extra, 1);
    EXPECT_FALSE(decode_transaction(bad).ok()) << extra;
  }
  // An explicit zero mass is non-canonical for v0.
  {
    core::Bytes bad = good;
    bad.resize(good.size() + 8, 0);
    EXPECT_FALSE(decode_transaction(bad).ok());
  }
  // Version 2.
  {
    core::Bytes bad = good;
    bad[0] = 2;
    auto r = decode_transaction(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("version"), std::string::npos);
  }
  // Huge counts and lengths fail before allocating.
  {
    core::Bytes bad = good;
    for (int i = 0; i < 8; ++i) bad[2 + i] = 0xff;
    EXPECT_FALSE(decode_transaction(bad).ok());
    core::Bytes bad2 = good;
    bad2[2] = 0x40;
    bad2[3] = 0x42;
    bad2[4] = 0x0f;  // 1,000,000 inputs, not enough bytes
    EXPECT_FALSE(decode_transaction(bad2).ok());
    core::Bytes bad3 = good;
    bad3[2 + 8 + 36 + 7] = 0x7f;  // signature script length
    EXPECT_FALSE(decode_transaction(bad3).ok());
  }
  // v1 covenant flag other than 0/1.
  {
    Transaction v1 = tx;
    v1.version = 1;
    core::Bytes enc = encode_transaction(v1);
    ASSERT_TRUE(decode_transaction(enc).ok());
    // The flag follows the single output's script: find it from the end:
    // flag | lock 8 | subnet 20 | gas 8 | payload 8+3 | mass 8
    const std::size_t flag_at = enc.size() - (8 + 20 + 8 + 11 + 8) - 1;
    ASSERT_EQ(enc[flag_at], 0);
    enc[flag_at] = 2;
    EXPECT_FALSE(decode_transaction(enc).ok());
  }
}

}  // namespace
}  // namespace igra::kaspa
