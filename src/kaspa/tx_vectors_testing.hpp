#pragma once
// Test-only helpers (included by *_test.cpp only): reading shared/vectors/kaspa-vectors.json into our types.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "core/hex.hpp"
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

}  // namespace igra::kaspa::vectors_testing
