// Exposes the BLS12-381 precompiles (EIP-2537) and the KZG point evaluation (EIP-4844) of igra::crypto to
// tests/oracle/test_bls_precompiles.py. Reads one JSON command per line on stdin, writes one JSON object per line
// on stdout. Byte strings are lowercase hex without 0x. A failing call prints {"error": "...", "gas": n}.
//   {"op":"g1_add"|"g1_msm"|"g2_add"|"g2_msm"|"pairing"|"map_fp_to_g1"|"map_fp2_to_g2"|"kzg","input":H}
//     -> {"output":H,"gas":n}
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/hex.hpp"
#include "crypto/bls12_381.hpp"
#include "crypto/kzg.hpp"

namespace {

using nlohmann::json;
using namespace igra;

json reply(const core::Result<core::Bytes>& r, std::uint64_t gas) {
  if (!r.ok()) return json{{"error", r.error().message}, {"gas", gas}};
  return json{{"output", core::to_hex(*r)}, {"gas", gas}};
}

json run(const json& cmd) {
  if (!cmd.is_object() || !cmd.contains("op") || !cmd["op"].is_string() || !cmd.contains("input") ||
      !cmd["input"].is_string())
    return json{{"error", "need string fields op and input"}};
  auto input = core::from_hex(cmd["input"].get<std::string>());
  if (!input) return json{{"error", input.error().message}};
  const std::string op = cmd["op"];
  const std::size_t n = input->size();
  if (op == "g1_add") return reply(crypto::bls12_g1_add(*input), crypto::bls12_g1_add_gas());
  if (op == "g1_msm") return reply(crypto::bls12_g1_msm(*input), crypto::bls12_g1_msm_gas(n));
  if (op == "g2_add") return reply(crypto::bls12_g2_add(*input), crypto::bls12_g2_add_gas());
  if (op == "g2_msm") return reply(crypto::bls12_g2_msm(*input), crypto::bls12_g2_msm_gas(n));
  if (op == "pairing") return reply(crypto::bls12_pairing_check(*input), crypto::bls12_pairing_gas(n));
  if (op == "map_fp_to_g1") return reply(crypto::bls12_map_fp_to_g1(*input), crypto::bls12_map_fp_to_g1_gas());
  if (op == "map_fp2_to_g2") return reply(crypto::bls12_map_fp2_to_g2(*input), crypto::bls12_map_fp2_to_g2_gas());
  if (op == "kzg") return reply(crypto::kzg_point_evaluation(*input), crypto::kzg_point_evaluation_gas());
  return json{{"error", "unknown op " + op}};
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    const json cmd = json::parse(line, nullptr, /*allow_exceptions=*/false);
    const json out = cmd.is_discarded() ? json{{"error", "invalid JSON"}} : run(cmd);
    std::cout << out.dump() << '\n';
    std::cout.flush();
  }
  return 0;
}
