// Exposes the precompile arithmetic of igra::crypto to tests/oracle/test_precompiles.py.
// Reads one JSON command per line on stdin, writes one JSON object per line on stdout. Byte strings are
// lowercase hex without 0x. A failing call prints {"error": "...", "gas": n} and processing continues.
//   {"op":"modexp","input":H}        -> {"output":H,"gas":n}   (gas: EIP-2565)
//   {"op":"blake2f","input":H}       -> {"output":H,"gas":n}
//   {"op":"bn254_add","input":H}     -> {"output":H,"gas":150}
//   {"op":"bn254_mul","input":H}     -> {"output":H,"gas":6000}
//   {"op":"bn254_pairing","input":H} -> {"output":H,"gas":n}
// and for tests/oracle/test_bls_precompiles.py the BLS12-381 precompiles (EIP-2537) and KZG point evaluation:
//   {"op":"g1_add"|"g1_msm"|"g2_add"|"g2_msm"|"pairing"|"map_fp_to_g1"|"map_fp2_to_g2"|"kzg","input":H}
//     -> {"output":H,"gas":n}
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/hex.hpp"
#include "crypto/blake2f.hpp"
#include "crypto/bls12_381.hpp"
#include "crypto/bn254.hpp"
#include "crypto/kzg.hpp"
#include "crypto/modexp.hpp"

namespace {

using nlohmann::json;
using namespace igra;

template <typename T>
json reply(const core::Result<T>& r, std::uint64_t gas) {
  if (!r.ok()) return json{{"error", r.error().message}, {"gas", gas}};
  if constexpr (std::is_same_v<T, core::Bytes>)
    return json{{"output", core::to_hex(*r)}, {"gas", gas}};
  else
    return json{{"output", core::to_hex(r->view())}, {"gas", gas}};
}

json run(const json& cmd) {
  if (!cmd.is_object() || !cmd.contains("op") || !cmd["op"].is_string() || !cmd.contains("input") ||
      !cmd["input"].is_string())
    return json{{"error", "need string fields op and input"}};
  auto input = core::from_hex(cmd["input"].get<std::string>());
  if (!input) return json{{"error", input.error().message}};
  const std::string op = cmd["op"];
  if (op == "modexp") return reply(crypto::modexp(*input), crypto::modexp_gas(*input));
  if (op == "blake2f") return reply(crypto::blake2f(*input), crypto::blake2f_gas(*input));
  if (op == "bn254_add") return reply(crypto::bn254_add(*input), crypto::kBn254AddGas);
  if (op == "bn254_mul") return reply(crypto::bn254_mul(*input), crypto::kBn254MulGas);
  if (op == "bn254_pairing") return reply(crypto::bn254_pairing_check(*input), crypto::bn254_pairing_gas(*input));
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
