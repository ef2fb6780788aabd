#pragma once
// Standard script-public-key classes (rusty-kaspa crypto/txscript/src/script_class.rs, standard.rs @v1.1.0) and
// the address <-> script-public-key conversions built on them.
#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "kaspa/address.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

inline constexpr std::uint16_t kMaxScriptPublicKeyVersion = 0;

enum class ScriptClass : std::uint8_t { kNonStandard = 0, kPubKey, kPubKeyEcdsa, kScriptHash };

// "nonstandard", "pubkey", "pubkeyecdsa", "scripthash".
std::string_view script_class_name(ScriptClass c) noexcept;

// Byte-pattern checks on the script alone (any SPK version).
bool is_pay_to_pubkey(core::ByteView script) noexcept;        // 20 <32> ac
bool is_pay_to_pubkey_ecdsa(core::ByteView script) noexcept;  // 21 <33> ab
bool is_pay_to_script_hash(core::ByteView script) noexcept;   // aa 20 <32> 87

// Class of a script public key; any version other than 0 is non-standard.
ScriptClass classify_script_public_key(const ScriptPublicKey& spk) noexcept;

// The address paying to `spk` (standard classes only). Error "PubKeyFormat: ..." for non-standard scripts or
// an SPK version above 0, as in rusty-kaspa extract_script_pub_key_address.
core::Result<Address> extract_script_public_key_address(const ScriptPublicKey& spk, Prefix prefix);

// The script public key paying to `address` (pay_to_address_script). Error if the payload length does not
// match the version.
core::Result<ScriptPublicKey> pay_to_address_script(const Address& address);

}  // namespace igra::kaspa
