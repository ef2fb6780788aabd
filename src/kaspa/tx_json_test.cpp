#include "kaspa/tx_json.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "kaspa/tx_id.hpp"
#include "kaspa/tx_vectors_testing.hpp"

namespace igra::kaspa {
namespace {

using vectors_testing::kaspa_vectors;
using vectors_testing::tx_from_json;

TEST(TxJson, VectorFormRoundTrip) {
  int n = 0;
  for (const auto& v : kaspa_vectors().at("tx_vectors")) {
    const Transaction tx = tx_from_json(v.at("tx"));
    const std::string printed = transaction_to_vector_json(tx);
    auto back = transaction_from_vector_json(printed);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, tx);
    // Printing keeps the vectors' conventions: compare with the vector where it has no notes.
    auto original = nlohmann::json::parse(printed);
    bool has_note = false;
    for (const auto& in : v.at("tx").at("inputs")) has_note |= in.contains("compute_commit_note");
    if (!has_note) {
      EXPECT_EQ(original, v.at("tx"));
    }
    ++n;
  }
  EXPECT_EQ(n, 20);
}

TEST(TxJson, RpcFormRoundTripAndShape) {
  for (const auto& v : kaspa_vectors().at("sighash_vectors")) {
    const Transaction tx = tx_from_json(v.at("tx"));
    const std::string rpc = transaction_to_rpc_json(tx, true);
    auto j = nlohmann::json::parse(rpc);
    EXPECT_TRUE(j.contains("lockTime"));
    EXPECT_EQ(j["storageMass"], j["mass"]);
    EXPECT_EQ(j["verboseData"]["transactionId"].get<std::string>(), core::to_hex(transaction_id(tx)));
    EXPECT_EQ(j["inputs"][0]["previousOutpoint"]["transactionId"].get<std::string>(),
              core::to_hex(tx.inputs[0].previous_outpoint.transaction_id));
    // scriptPublicKey = hex(u16 BE version || script)
    EXPECT_EQ(j["outputs"][0]["scriptPublicKey"].get<std::string>(),
              "0000" + core::to_hex(tx.outputs[0].script_public_key.script));
    auto back = transaction_from_rpc_json(rpc);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, tx);
    auto detected = transaction_from_json(rpc);
    ASSERT_TRUE(detected.ok());
    EXPECT_EQ(*detected, tx);
  }
}

TEST(TxJson, RpcMassRules) {
  const std::string base =
      R"({"version":1,"inputs":[],"outputs":[],"lockTime":0,"subnetworkId":"0000000000000000000000000000000000000000","gas":0,"payload":"")";
  auto only_mass = transaction_from_rpc_json(base + R"(,"mass":123,"verboseData":null})");
  ASSERT_TRUE(only_mass.ok());
  EXPECT_EQ(only_mass->storage_mass, 123u);
  auto both = transaction_from_rpc_json(base + R"(,"storageMass":123,"mass":123})");
  ASSERT_TRUE(both.ok());
  auto conflict = transaction_from_rpc_json(base + R"(,"storageMass":123,"mass":456})");
  ASSERT_FALSE(conflict.ok());
  EXPECT_NE(conflict.error().message.find("must match"), std::string::npos);
  EXPECT_FALSE(transaction_from_rpc_json(base + "}").ok());
}

TEST(TxJson, StrictErrors) {
  EXPECT_FALSE(transaction_from_vector_json("").ok());
  EXPECT_FALSE(transaction_from_vector_json("{").ok());
  EXPECT_FALSE(transaction_from_vector_json("[1,]").ok());
  EXPECT_FALSE(transaction_from_vector_json(R"({"version":0} x)").ok());
  auto missing = transaction_from_vector_json(R"({"version":0,"inputs":[],"outputs":[]})");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("lock_time"), std::string::npos);
  const std::string tail =
      R"(,"inputs":[],"outputs":[],"lock_time":"0","subnetwork_id":"0000000000000000000000000000000000000000","gas":"0","payload":"","storage_mass":"0"})";
  EXPECT_FALSE(transaction_from_vector_json(R"({"version":65536)" + tail).ok());
  EXPECT_FALSE(transaction_from_vector_json(R"({"version":-1)" + tail).ok());
  EXPECT_FALSE(transaction_from_vector_json(R"({"version":1.5)" + tail).ok());
  EXPECT_TRUE(transaction_from_vector_json(R"({"version":"1")" + tail).ok());
  auto big = transaction_from_vector_json(
      R"({"version":0,"inputs":[],"outputs":[],"lock_time":"18446744073709551615","subnetwork_id":"0000000000000000000000000000000000000000","gas":"0","payload":"","storage_mass":"0"})");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->lock_time, UINT64_MAX);
  EXPECT_FALSE(transaction_from_vector_json(
                   R"({"version":0,"inputs":[],"outputs":[],"lock_time":"18446744073709551616","subnetwork_id":"0000000000000000000000000000000000000000","gas":"0","payload":"","storage_mass":"0"})")
                   .ok());
  EXPECT_FALSE(transaction_from_vector_json(
                   R"({"version":0,"inputs":[],"outputs":[],"lock_time":"0","subnetwork_id":"00","gas":"0","payload":"","storage_mass":"0"})")
                   .ok());
  // Deep nesting is bounded.
  EXPECT_FALSE(transaction_from_vector_json(std::string(10000, '[')).ok());
}

TEST(TxJson, UtxoEntries) {
  auto e = utxo_entry_from_vector_json(R"({"amount":"100","script_public_key":{"version":0,"script":"20aaac"}})");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->amount, 100u);
  EXPECT_EQ(core::to_hex(e->script_public_key.script), "20aaac");
  UtxoEntry u = *e;
  u.block_daa_score = 77;
  u.is_coinbase = true;
  u.covenant_id = core::Hash32{};
  auto back = utxo_entry_from_rpc_json(utxo_entry_to_rpc_json(u));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, u);
}

}  // namespace
}  // namespace igra::kaspa
