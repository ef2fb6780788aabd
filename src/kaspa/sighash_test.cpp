#include "kaspa/sighash.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "kaspa/tx_vectors_testing.hpp"

namespace igra::kaspa {
namespace {

using vectors_testing::kaspa_vectors;
using vectors_testing::tx_from_json;
using vectors_testing::utxos_from_json;

TEST(SigHash, AllSighashVectors) {
  const auto& vecs = kaspa_vectors().at("sighash_vectors");
  ASSERT_EQ(vecs.size(), 22u);
  int schnorr = 0, ecdsa = 0;
  for (const auto& v : vecs) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    const Transaction tx = tx_from_json(v.at("tx"));
    const auto utxos = utxos_from_json(v.at("utxo_entries"));
    auto type = sighash_type_from_u8(v.at("sighash_type").get<std::uint8_t>());
    ASSERT_TRUE(type.ok());
    const std::size_t index = v.at("input_index").get<std::size_t>();
    auto h = schnorr_sighash(tx, utxos, index, *type);
    ASSERT_TRUE(h.ok()) << h.error().message;
    EXPECT_EQ(core::to_hex(*h), v.at("expected_sighash").get<std::string>());
    ++schnorr;
    auto e = ecdsa_sighash(tx, utxos, index, *type);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(core::to_hex(*e), v.at("expected_ecdsa_sighash_derived").get<std::string>());
    ++ecdsa;
  }
  EXPECT_EQ(schnorr, 22);
  EXPECT_EQ(ecdsa, 22);
}

// The same values with one SigHashReusedValues shared over every input and type of each tx (the cache must
// not leak a value computed for another type into a type that zeroes it).
TEST(SigHash, ReusedValuesAcrossInputsAndTypes) {
  const std::uint8_t kTypes[] = {0x01, 0x02, 0x04, 0x81, 0x82, 0x84};
  for (const auto& v : kaspa_vectors().at("sighash_vectors")) {
    const Transaction tx = tx_from_json(v.at("tx"));
    const auto utxos = utxos_from_json(v.at("utxo_entries"));
    SigHashReusedValues reused;
    for (int round = 0; round < 2; ++round) {
      for (std::uint8_t t : kTypes) {
        for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
          auto fresh = schnorr_sighash(tx, utxos, i, static_cast<SigHashType>(t));
          auto shared = schnorr_sighash(tx, utxos, i, static_cast<SigHashType>(t), reused);
          ASSERT_TRUE(fresh.ok() && shared.ok());
          EXPECT_EQ(*fresh, *shared);
        }
      }
    }
  }
}

TEST(SigHash, DerivedPayloadVectorUsesPostCrescendoRule) {
  const auto& v = kaspa_vectors().at("derived_vectors")[0];
  const Transaction tx = tx_from_json(v.at("tx"));
  const auto utxos = utxos_from_json(v.at("utxo_entries"));
  auto h = schnorr_sighash(tx, utxos, 0, SigHashType::kAll);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(core::to_hex(*h), v.at("expected_sighash_all_input0_post_crescendo").get<std::string>());
  EXPECT_NE(core::to_hex(*h), v.at("sighash_all_input0_pre_crescendo_rule_WRONG_TODAY").get<std::string>());
}

TEST(SigHash, TypeValidationAndErrors) {
  for (int t = 0; t < 256; ++t) {
    const bool valid = t == 1 || t == 2 || t == 4 || t == 0x81 || t == 0x82 || t == 0x84;
    EXPECT_EQ(sighash_type_from_u8(static_cast<std::uint8_t>(t)).ok(), valid) << t;
  }
  const auto& v = kaspa_vectors().at("sighash_vectors")[0];
  const Transaction tx = tx_from_json(v.at("tx"));
  const auto utxos = utxos_from_json(v.at("utxo_entries"));
  EXPECT_FALSE(schnorr_sighash(tx, utxos, tx.inputs.size(), SigHashType::kAll).ok());
  EXPECT_FALSE(schnorr_sighash(tx, std::span(utxos).first(1), 0, SigHashType::kAll).ok());
  EXPECT_FALSE(schnorr_sighash(tx, utxos, 0, static_cast<SigHashType>(0x03)).ok());
}

// §3: in v1 the compute budget is not signed; in v0 the sig-op count is.
TEST(SigHash, ComputeCommitCoverage) {
  for (const auto& v : kaspa_vectors().at("sighash_vectors")) {
    Transaction tx = tx_from_json(v.at("tx"));
    const auto utxos = utxos_from_json(v.at("utxo_entries"));
    auto before = schnorr_sighash(tx, utxos, 0, SigHashType::kAll);
    if (tx.version == 1)
      tx.inputs[0].compute_commit = ComputeBudget{static_cast<std::uint16_t>(tx.inputs[0].compute_budget() + 1)};
    else
      tx.inputs[0].compute_commit = SigOpCount{static_cast<std::uint8_t>(tx.inputs[0].sig_op_count() + 1)};
    auto after = schnorr_sighash(tx, utxos, 0, SigHashType::kAll);
    ASSERT_TRUE(before.ok() && after.ok());
    if (tx.version == 1)
      EXPECT_EQ(*before, *after);
    else
      EXPECT_NE(*before, *after);
  }
}

}  // namespace
}  // namespace igra::kaspa
