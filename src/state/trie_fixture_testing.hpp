#pragma once
// Test-only: reading ethereum/tests TrieTests entries (shared by the one-shot and the incremental trie tests).
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bytes.hpp"
#include "core/hex.hpp"

namespace igra::state::testing {

// Fixture convention (as in go-ethereum's trie tests): "0x..." is hex, any other string its raw bytes,
// null an absent value (a deletion).
inline core::Bytes fixture_bytes(const nlohmann::json& j) {
  if (j.is_null()) return {};
  const std::string s = j.get<std::string>();
  if (s.rfind("0x", 0) == 0) return core::hex_or_die(s);
  return core::Bytes(s.begin(), s.end());
}

// The "in" section: a list of [key, value] pairs or an object (key order kept as given).
inline std::vector<std::pair<core::Bytes, core::Bytes>> fixture_entries(const nlohmann::json& in) {
  std::vector<std::pair<core::Bytes, core::Bytes>> out;
  if (in.is_array()) {
    for (const auto& kv : in) out.emplace_back(fixture_bytes(kv[0]), fixture_bytes(kv[1]));
  } else {
    for (const auto& [k, v] : in.items()) out.emplace_back(fixture_bytes(nlohmann::json(k)), fixture_bytes(v));
  }
  return out;
}

}  // namespace igra::state::testing
