// igra-kaspa-tx-tool: exposes our Kaspa transaction code to the oracle tests (tests/oracle/test_kaspa_tx.py).
//
// Reads one JSON request per line on stdin and writes one JSON response per line on stdout, in order. Every
// response carries "ok": true, or "ok": false with "error". Transactions and UTXO entries use the "vectors" JSON
// form of kaspa/tx_json.hpp (shared/vectors/kaspa-vectors.json `tx` objects).
//
//   {"op":"analyze","tx":T,"utxos":[U...]?,"sighash_types":[1,2,4,0x81,...]?}
//       -> {"id","hash","preimage_id_len","sighashes":[{"input","type","schnorr","ecdsa"}...],
//           "mass":{"compute","transient","storage"|null}}    (sighashes and mass need "utxos")
//   {"op":"sign","tx":T,"utxos":[U...],"signers":[{"input","secret","sighash_type","ecdsa"}...]}
//       -> {"signature_scripts":[hex|null per input],"tx":T_signed,"id"}
//   {"op":"sign_all","tx":T,"utxos":[U...],"secrets":[hex...]}      (kaspa::sign_transaction, SIGHASH_ALL)
//       -> {"signature_scripts":[...],"tx":T_signed}
//   {"op":"verify","tx":T,"utxos":[U...]}
//       -> {"results":[{"input","valid","error"|null}...],"all_valid"}
//   {"op":"keys","secret":hex}
//       -> {"xonly","compressed","addresses":{"kaspa":{"schnorr","ecdsa"},...},"p2pk_script","p2pk_ecdsa_script"}
//   {"op":"mine","tx":T,"nonces":[u32...]}
//       -> {"ids":[hex...]} from IdMiner::id_with_nonce (checked here against set_payload_nonce+transaction_id)
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/hex.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/address.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/script_engine.hpp"
#include "kaspa/sighash.hpp"
#include "kaspa/sign.hpp"
#include "kaspa/transaction.hpp"
#include "kaspa/tx_id.hpp"
#include "kaspa/tx_json.hpp"

namespace {

using nlohmann::json;
using namespace igra;
using namespace igra::kaspa;

// Thrown for request errors; turned into {"ok": false, "error": ...}.
struct RequestError : std::exception {
  std::string message;
  explicit RequestError(std::string m) : message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};

template <typename T>
T unwrap(core::Result<T> r, const std::string& what) {
  if (!r) throw RequestError(what + ": " + r.error().message);
  return std::move(r).value();
}
void unwrap(core::Result<void> r, const std::string& what) {
  if (!r) throw RequestError(what + ": " + r.error().message);
}

Transaction parse_tx(const json& j) { return unwrap(transaction_from_vector_json(j.dump()), "tx"); }

std::vector<UtxoEntry> parse_utxos(const json& j, const Transaction& tx) {
  if (!j.is_array()) throw RequestError("utxos: not an array");
  std::vector<UtxoEntry> out;
  for (const auto& u : j) out.push_back(unwrap(utxo_entry_from_vector_json(u.dump()), "utxo"));
  if (out.size() != tx.inputs.size())
    throw RequestError("utxos: " + std::to_string(out.size()) + " entries for " + std::to_string(tx.inputs.size()) +
                       " inputs");
  return out;
}

crypto::SecretKey parse_secret(const json& j) {
  return unwrap(core::fixed_from_hex<32>(j.get<std::string>()), "secret");
}

SigHashType parse_type(const json& j) {
  return unwrap(sighash_type_from_u8(static_cast<std::uint8_t>(j.get<unsigned>())), "sighash_type");
}

std::string hex(core::ByteView b) { return core::to_hex(b); }
template <std::size_t N>
std::string hex(const core::FixedBytes<N>& b) {
  return core::to_hex(b);
}

json tx_to_json(const Transaction& tx) { return json::parse(transaction_to_vector_json(tx)); }

json op_analyze(const json& req) {
  const Transaction tx = parse_tx(req.at("tx"));
  json out;
  out["id"] = hex(transaction_id(tx));
  out["hash"] = hex(transaction_hash(tx));
  out["preimage_id_len"] = transaction_preimage_size(tx, kTxExcludeSignatureScript | kTxExcludeMassCommit);
  if (!req.contains("utxos") || req["utxos"].is_null()) return out;
  const auto utxos = parse_utxos(req["utxos"], tx);

  json sighashes = json::array();
  if (req.contains("sighash_types")) {
    std::vector<SigHashType> types;
    for (const auto& t : req["sighash_types"]) types.push_back(parse_type(t));
    SigHashReusedValues reused;
    for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
      for (SigHashType t : types) {
        const auto s = unwrap(schnorr_sighash(tx, utxos, i, t, reused), "schnorr_sighash");
        const auto e = unwrap(ecdsa_sighash(tx, utxos, i, t), "ecdsa_sighash");
        // The reused-values path must agree with the one-shot path.
        const auto s1 = unwrap(schnorr_sighash(tx, utxos, i, t), "schnorr_sighash");
        if (s1 != s) throw RequestError("schnorr_sighash: reused and one-shot results differ");
        if (ecdsa_sighash_from_schnorr(s) != e) throw RequestError("ecdsa_sighash != ecdsa_sighash_from_schnorr");
        sighashes.push_back({{"input", i}, {"type", to_u8(t)}, {"schnorr", hex(s)}, {"ecdsa", hex(e)}});
      }
    }
  }
  out["sighashes"] = std::move(sighashes);

  const auto m = calc_non_contextual_masses(tx);
  json mass = {{"compute", m.compute_mass}, {"transient", m.transient_mass}};
  const auto storage = calc_storage_mass(tx, utxos);
  mass["storage"] = storage ? json(*storage) : json(nullptr);
  mass["estimated_size"] = transaction_estimated_serialized_size(tx);
  out["mass"] = std::move(mass);
  return out;
}

json op_sign(const json& req) {
  Transaction tx = parse_tx(req.at("tx"));
  const auto utxos = parse_utxos(req.at("utxos"), tx);
  std::vector<json> scripts(tx.inputs.size(), nullptr);
  std::vector<core::Bytes> produced(tx.inputs.size());
  std::vector<bool> have(tx.inputs.size(), false);
  // All signatures are computed over the unsigned tx (signature scripts are not committed by the sighash).
  SigHashReusedValues reused;
  for (const auto& s : req.at("signers")) {
    const std::size_t i = s.at("input").get<std::size_t>();
    if (i >= tx.inputs.size()) throw RequestError("signer input out of range");
    const auto key = parse_secret(s.at("secret"));
    const SigHashType type = s.contains("sighash_type") ? parse_type(s["sighash_type"]) : SigHashType::kAll;
    const bool ecdsa = s.value("ecdsa", false);
    core::Bytes script;
    if (ecdsa) {
      script = unwrap(sign_input_ecdsa(tx, utxos, i, key, type, reused), "sign_input_ecdsa");
    } else {
      core::Hash32 aux{};
      if (s.contains("aux_rand")) aux = unwrap(core::fixed_from_hex<32>(s["aux_rand"].get<std::string>()), "aux");
      script = unwrap(sign_input_schnorr(tx, utxos, i, key, type, reused, aux), "sign_input_schnorr");
    }
    scripts[i] = hex(script);
    produced[i] = std::move(script);
    have[i] = true;
  }
  for (std::size_t i = 0; i < tx.inputs.size(); ++i)
    if (have[i]) tx.inputs[i].signature_script = produced[i];
  json out;
  out["signature_scripts"] = scripts;
  out["tx"] = tx_to_json(tx);
  out["id"] = hex(transaction_id(tx));
  return out;
}

json op_sign_all(const json& req) {
  Transaction tx = parse_tx(req.at("tx"));
  const auto utxos = parse_utxos(req.at("utxos"), tx);
  std::vector<crypto::SecretKey> keys;
  for (const auto& s : req.at("secrets")) keys.push_back(parse_secret(s));
  unwrap(sign_transaction(tx, utxos, keys), "sign_transaction");
  json scripts = json::array();
  for (const auto& in : tx.inputs) scripts.push_back(hex(in.signature_script));
  return {{"signature_scripts", scripts}, {"tx", tx_to_json(tx)}};
}

json op_verify(const json& req) {
  const Transaction tx = parse_tx(req.at("tx"));
  const auto utxos = parse_utxos(req.at("utxos"), tx);
  json results = json::array();
  bool all = true;
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    const auto r = verify_input(tx, utxos, i);
    all = all && r.ok();
    results.push_back({{"input", i}, {"valid", r.ok()}, {"error", r.ok() ? json(nullptr) : json(r.error().message)}});
  }
  const auto whole = verify_transaction_scripts(tx, utxos);
  if (whole.ok() != all) throw RequestError("verify_transaction_scripts disagrees with verify_input");
  return {{"results", results}, {"all_valid", all}};
}

json op_keys(const json& req) {
  const auto key = parse_secret(req.at("secret"));
  const auto xonly = unwrap(crypto::schnorr_public_key(key), "schnorr_public_key");
  const auto compressed = unwrap(crypto::ecdsa_public_key_compressed(key), "ecdsa_public_key_compressed");
  json addrs;
  for (Prefix p : {Prefix::kMainnet, Prefix::kTestnet, Prefix::kSimnet, Prefix::kDevnet}) {
    Address a{p, AddressVersion::kPubKey, core::Bytes(xonly.begin(), xonly.end())};
    Address e{p, AddressVersion::kPubKeyEcdsa, core::Bytes(compressed.begin(), compressed.end())};
    addrs[std::string(prefix_name(p))] = {{"schnorr", a.to_string()}, {"ecdsa", e.to_string()}};
  }
  return {{"xonly", hex(xonly)},
          {"compressed", hex(compressed)},
          {"addresses", addrs},
          {"p2pk_script", hex(p2pk_script(xonly).script)},
          {"p2pk_ecdsa_script", hex(p2pk_ecdsa_script(compressed).script)}};
}

json op_mine(const json& req) {
  Transaction tx = parse_tx(req.at("tx"));
  const auto miner = unwrap(IdMiner::create(tx), "IdMiner::create");
  json ids = json::array();
  for (const auto& n : req.at("nonces")) {
    const auto nonce = n.get<std::uint32_t>();
    const auto id = miner.id_with_nonce(nonce);
    unwrap(set_payload_nonce(tx, nonce), "set_payload_nonce");
    if (transaction_id(tx) != id) throw RequestError("IdMiner::id_with_nonce != transaction_id(set_payload_nonce)");
    ids.push_back(hex(id));
  }
  return {{"ids", ids}};
}

json handle(const json& req) {
  const std::string op = req.at("op").get<std::string>();
  if (op == "analyze") return op_analyze(req);
  if (op == "sign") return op_sign(req);
  if (op == "sign_all") return op_sign_all(req);
  if (op == "verify") return op_verify(req);
  if (op == "keys") return op_keys(req);
  if (op == "mine") return op_mine(req);
  throw RequestError("unknown op '" + op + "'");
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json resp;
    try {
      resp = handle(json::parse(line));
      resp["ok"] = true;
    } catch (const std::exception& e) {
      resp = {{"ok", false}, {"error", e.what()}};
    }
    std::cout << resp.dump() << '\n';
  }
  std::cout.flush();
  return 0;
}
