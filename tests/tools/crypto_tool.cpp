// Exposes igra::crypto to the differential oracle tests (tests/oracle/test_crypto.py).
// Reads one JSON command per line on stdin, writes one JSON object per line on stdout. All byte strings
// are lowercase hex without 0x. A failing command prints {"error": "..."} and processing continues.
//   {"op":"sha256","data":H}                           -> {"hash":H}
//   {"op":"ripemd160","data":H}                        -> {"hash":H}
//   {"op":"schnorr_pubkey","key":H}                    -> {"pub":H}
//   {"op":"schnorr_sign","key":H,"msg":H[,"aux":H]}    -> {"sig":H,"pub":H}
//   {"op":"schnorr_verify","msg":H,"sig":H,"pub":H}    -> {"valid":bool}
//   {"op":"ecdsa_sign_recoverable","key":H,"msg":H}    -> {"r":H,"s":H,"recid":n,"pub":H(64),"address":H}
//   {"op":"ecdsa_recover","msg":H,"r":H,"s":H,"recid":n} -> {"pub":H(64),"address":H}
//   {"op":"ecdsa_sign_compact","key":H,"msg":H}        -> {"sig":H,"pub":H(33)}
//   {"op":"ecdsa_verify_compact","msg":H,"sig":H,"pub":H} -> {"valid":bool}
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/hex.hpp"
#include "crypto/secp256k1.hpp"
#include "crypto/sha256.hpp"

namespace {

using nlohmann::json;
using namespace igra;

template <std::size_t N>
core::Result<core::FixedBytes<N>> field(const json& cmd, const char* name) {
  if (!cmd.contains(name) || !cmd[name].is_string()) return core::make_error(std::string("missing string field ") + name);
  auto r = core::fixed_from_hex<N>(cmd[name].get<std::string>());
  if (!r) return r.error().context(name);
  return r;
}

core::Result<json> run(const json& cmd) {
  if (!cmd.is_object() || !cmd.contains("op") || !cmd["op"].is_string()) return core::make_error("missing op");
  const std::string op = cmd["op"];
  if (op == "sha256" || op == "ripemd160") {
    if (!cmd.contains("data") || !cmd["data"].is_string()) return core::make_error("missing string field data");
    IGRA_TRY(auto data, core::from_hex(cmd["data"].get<std::string>()));
    if (op == "sha256") return json{{"hash", core::to_hex(crypto::sha256(data))}};
    return json{{"hash", core::to_hex(crypto::ripemd160(data))}};
  }
  if (op == "schnorr_pubkey") {
    IGRA_TRY(auto key, field<32>(cmd, "key"));
    IGRA_TRY(auto pub, crypto::schnorr_public_key(key));
    return json{{"pub", core::to_hex(pub)}};
  }
  if (op == "schnorr_sign") {
    IGRA_TRY(auto key, field<32>(cmd, "key"));
    IGRA_TRY(auto msg, field<32>(cmd, "msg"));
    core::Hash32 aux{};
    if (cmd.contains("aux")) {
      IGRA_TRY(aux, field<32>(cmd, "aux"));
    }
    IGRA_TRY(auto sig, crypto::schnorr_sign(msg, key, aux));
    IGRA_TRY(auto pub, crypto::schnorr_public_key(key));
    return json{{"sig", core::to_hex(sig)}, {"pub", core::to_hex(pub)}};
  }
  if (op == "schnorr_verify") {
    IGRA_TRY(auto msg, field<32>(cmd, "msg"));
    IGRA_TRY(auto sig, field<64>(cmd, "sig"));
    IGRA_TRY(auto pub, field<32>(cmd, "pub"));
    return json{{"valid", crypto::schnorr_verify(msg, sig, pub)}};
  }
  if (op == "ecdsa_sign_recoverable") {
    IGRA_TRY(auto key, field<32>(cmd, "key"));
    IGRA_TRY(auto msg, field<32>(cmd, "msg"));
    IGRA_TRY(auto sig, crypto::ecdsa_sign_recoverable(msg, key));
    IGRA_TRY(auto pub, crypto::public_key_from_secret(key));
    return json{{"r", core::to_hex(sig.r)},
                {"s", core::to_hex(sig.s)},
                {"recid", sig.recovery_id},
                {"pub", core::to_hex(pub)},
                {"address", core::to_hex(crypto::public_key_to_address(pub))}};
  }
  if (op == "ecdsa_recover") {
    IGRA_TRY(auto msg, field<32>(cmd, "msg"));
    crypto::RecoverableSignature sig;
    IGRA_TRY(sig.r, field<32>(cmd, "r"));
    IGRA_TRY(sig.s, field<32>(cmd, "s"));
    if (!cmd.contains("recid") || !cmd["recid"].is_number_unsigned() || cmd["recid"].get<unsigned>() > 255)
      return core::make_error("recid must be an integer in 0..255");
    sig.recovery_id = static_cast<std::uint8_t>(cmd["recid"].get<unsigned>());
    IGRA_TRY(auto pub, crypto::ecdsa_recover(msg, sig));
    return json{{"pub", core::to_hex(pub)}, {"address", core::to_hex(crypto::public_key_to_address(pub))}};
  }
  if (op == "ecdsa_sign_compact") {
    IGRA_TRY(auto key, field<32>(cmd, "key"));
    IGRA_TRY(auto msg, field<32>(cmd, "msg"));
    IGRA_TRY(auto sig, crypto::ecdsa_sign_compact(msg, key));
    IGRA_TRY(auto pub, crypto::ecdsa_public_key_compressed(key));
    return json{{"sig", core::to_hex(sig)}, {"pub", core::to_hex(pub)}};
  }
  if (op == "ecdsa_verify_compact") {
    IGRA_TRY(auto msg, field<32>(cmd, "msg"));
    IGRA_TRY(auto sig, field<64>(cmd, "sig"));
    IGRA_TRY(auto pub, field<33>(cmd, "pub"));
    return json{{"valid", crypto::ecdsa_verify_compact(msg, sig, pub)}};
  }
  return core::make_error("unknown op " + op);
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json cmd = json::parse(line, nullptr, /*allow_exceptions=*/false);
    json out;
    if (cmd.is_discarded()) {
      out = json{{"error", "invalid JSON"}};
    } else {
      auto r = run(cmd);
      out = r.ok() ? std::move(*r) : json{{"error", r.error().message}};
    }
    std::cout << out.dump() << '\n';
    std::cout.flush();
  }
  return 0;
}
