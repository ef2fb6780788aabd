#pragma once
// Test-only helpers (included by *_test.cpp only): reading shared/vectors/kaspa-vectors.json into our types.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "core/hex.hpp"
#include "kaspa/header.hpp"
#include "kaspa/transaction.hpp"
#include "kaspa/tx_json.hpp"
#include "support/testing.hpp"

namespace igra::kaspa::vectors_testing {

inline const nlohmann::json& kaspa_vectors() {
  static const nlohmann::json j = igra::testing::load_json(igra::testing::shared_path("vectors/kaspa-vectors.json"));
  return j;
}

// Parses a vectors-form tx. Inputs of v1 vectors that hold a SigopCount variant carry only a note
// ("SigopCount(5) variant; in v1 encodings it is written as compute_budget=0"); reproduce that variant.
inline Transaction tx_from_json(const nlohmann::json& j) {
  auto tx = transaction_from_vector_json(j.dump());
  if (!tx) {
    ADD_FAILURE() << "tx json: " << tx.error().message;
    return {};
  }
  const auto& inputs = j.at("inputs");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].contains("compute_commit_note")) continue;
    const std::string note = inputs[i]["compute_commit_note"].get<std::string>();
    std::smatch m;
    if (std::regex_search(note, m, std::regex(R"(SigopCount\((\d+)\))")))
      tx->inputs[i].compute_commit = SigOpCount{static_cast<std::uint8_t>(std::stoi(m[1].str()))};
    else
      ADD_FAILURE() << "unrecognized compute_commit_note: " << note;
  }
  return *tx;
}

inline std::vector<UtxoEntry> utxos_from_json(const nlohmann::json& arr) {
  std::vector<UtxoEntry> out;
  for (const auto& e : arr) {
    auto u = utxo_entry_from_vector_json(e.dump());
    if (!u) {
      ADD_FAILURE() << "utxo json: " << u.error().message;
      continue;
    }
    out.push_back(*u);
  }
  return out;
}

inline core::Hash32 hash_from(const nlohmann::json& j) {
  auto h = core::fixed_from_hex<32>(j.get<std::string>());
  if (!h) {
    ADD_FAILURE() << "bad hash hex: " << j;
    return {};
  }
  return *h;
}

inline std::uint64_t u64_from(const nlohmann::json& j) {
  return j.is_string() ? std::stoull(j.get<std::string>()) : j.get<std::uint64_t>();
}

// Parses a header_vectors "header" object.
inline BlockHeader header_from(const nlohmann::json& j) {
  BlockHeader h;
  h.version = j.at("version").get<std::uint16_t>();
  for (const auto& level : j.at("parents_by_level")) {
    std::vector<core::Hash32> l;
    for (const auto& p : level) l.push_back(hash_from(p));
    h.parents_by_level.push_back(l);
  }
  h.hash_merkle_root = hash_from(j.at("hash_merkle_root"));
  h.accepted_id_merkle_root = hash_from(j.at("accepted_id_merkle_root"));
  h.utxo_commitment = hash_from(j.at("utxo_commitment"));
  h.timestamp = u64_from(j.at("timestamp_ms"));
  h.bits = j.at("bits").get<std::uint32_t>();
  h.nonce = u64_from(j.at("nonce"));
  h.daa_score = u64_from(j.at("daa_score"));
  auto bw = blue_work_from_hex(j.at("blue_work_hex").get<std::string>());
  EXPECT_TRUE(bw.ok());
  h.blue_work = *bw;
  h.blue_score = u64_from(j.at("blue_score"));
  h.pruning_point = hash_from(j.at("pruning_point"));
  return h;
}

}  // namespace igra::kaspa::vectors_testing
