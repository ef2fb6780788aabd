#include "kaspa/script_class.hpp"

#include <string>

#include "kaspa/script_opcodes.hpp"

namespace igra::kaspa {

namespace op = opcodes;

std::string_view script_class_name(ScriptClass c) noexcept {
  switch (c) {
    case ScriptClass::kNonStandard: return "nonstandard";
    case ScriptClass::kPubKey: return "pubkey";
    case ScriptClass::kPubKeyEcdsa: return "pubkeyecdsa";
    case ScriptClass::kScriptHash: return "scripthash";
  }
  return "nonstandard";
}

bool is_pay_to_pubkey(core::ByteView s) noexcept {
  return s.size() == 34 && s[0] == op::kOpData32 && s[33] == op::kOpCheckSig;
}

bool is_pay_to_pubkey_ecdsa(core::ByteView s) noexcept {
  return s.size() == 35 && s[0] == op::kOpData33 && s[34] == op::kOpCheckSigEcdsa;
}

bool is_pay_to_script_hash(core::ByteView s) noexcept {
  return s.size() == 35 && s[0] == op::kOpBlake2b && s[1] == op::kOpData32 && s[34] == op::kOpEqual;
}

ScriptClass classify_script_public_key(const ScriptPublicKey& spk) noexcept {
  if (spk.version != kMaxScriptPublicKeyVersion) return ScriptClass::kNonStandard;
  if (is_pay_to_pubkey(spk.script)) return ScriptClass::kPubKey;
  if (is_pay_to_pubkey_ecdsa(spk.script)) return ScriptClass::kPubKeyEcdsa;
  if (is_pay_to_script_hash(spk.script)) return ScriptClass::kScriptHash;
  return ScriptClass::kNonStandard;
}

core::Result<Address> extract_script_public_key_address(const ScriptPublicKey& spk, Prefix prefix) {
  if (spk.version > kMaxScriptPublicKeyVersion)
    return core::make_error("PubKeyFormat: script public key version " + std::to_string(spk.version) +
                            " has no address");
  const auto& s = spk.script;
  switch (classify_script_public_key(spk)) {
    case ScriptClass::kPubKey:
      return Address{prefix, AddressVersion::kPubKey, core::Bytes(s.begin() + 1, s.begin() + 33)};
    case ScriptClass::kPubKeyEcdsa:
      return Address{prefix, AddressVersion::kPubKeyEcdsa, core::Bytes(s.begin() + 1, s.begin() + 34)};
    case ScriptClass::kScriptHash:
      return Address{prefix, AddressVersion::kScriptHash, core::Bytes(s.begin() + 2, s.begin() + 34)};
    case ScriptClass::kNonStandard:
      break;
  }
  return core::make_error("PubKeyFormat: non-standard script public key has no address");
}

core::Result<ScriptPublicKey> pay_to_address_script(const Address& address) {
  if (!address.is_valid())
    return core::make_error("address: payload of " + std::to_string(address.payload.size()) + " bytes, version " +
                            std::to_string(static_cast<int>(address.version)) + " needs " +
                            std::to_string(address_payload_length(address.version)));
  ScriptPublicKey spk;
  auto& s = spk.script;
  switch (address.version) {
    case AddressVersion::kPubKey:
      s.push_back(op::kOpData32);
      core::append(s, address.payload);
      s.push_back(op::kOpCheckSig);
      break;
    case AddressVersion::kPubKeyEcdsa:
      s.push_back(op::kOpData33);
      core::append(s, address.payload);
      s.push_back(op::kOpCheckSigEcdsa);
      break;
    case AddressVersion::kScriptHash:
      s.push_back(op::kOpBlake2b);
      s.push_back(op::kOpData32);
      core::append(s, address.payload);
      s.push_back(op::kOpEqual);
      break;
  }
  return spk;
}

}  // namespace igra::kaspa
