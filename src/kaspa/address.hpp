#pragma once
// Kaspa addresses (rusty-kaspa crypto/addresses/src/{lib,bech32}.rs): "prefix:payload" with a CashAddr-style
// bech32 variant (40-bit BCH checksum over the prefix, a zero separator and the 5-bit data).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::kaspa {

enum class Prefix : std::uint8_t { kMainnet, kTestnet, kSimnet, kDevnet };

enum class AddressVersion : std::uint8_t {
  kPubKey = 0,       // 32-byte x-only Schnorr key
  kPubKeyEcdsa = 1,  // 33-byte compressed ECDSA key
  kScriptHash = 8,   // 32-byte BLAKE2b-256 of a redeem script
};

// "kaspa", "kaspatest", "kaspasim", "kaspadev".
std::string_view prefix_name(Prefix prefix) noexcept;
// Exact (lower-case) match of one of the four prefixes.
std::optional<Prefix> prefix_from_name(std::string_view name) noexcept;
// 32, 33 or 32 bytes.
std::size_t address_payload_length(AddressVersion version) noexcept;
std::optional<AddressVersion> address_version_from_u8(std::uint8_t v) noexcept;

struct Address {
  Prefix prefix = Prefix::kMainnet;
  AddressVersion version = AddressVersion::kPubKey;
  core::Bytes payload;

  // The canonical lower-case string. Does not validate the payload length (see is_valid()).
  std::string to_string() const;
  // True if the payload length matches the version.
  bool is_valid() const noexcept { return payload.size() == address_payload_length(version); }

  friend bool operator==(const Address&, const Address&) = default;
};

// Parses and validates an address: prefix, case, charset, checksum, padding, version and payload length.
// All-upper-case input is accepted and normalized (CashAddr rule); mixed case is rejected. Errors:
//   "address: missing ':' separator", "address: unknown prefix 'x'", "address: mixed case",
//   "address: invalid character 'c' at position N", "address: too short", "address: bad checksum",
//   "address: bad padding", "address: unknown version N", "address: payload of N bytes, version V needs M".
core::Result<Address> decode_address(std::string_view text);
std::string encode_address(const Address& address);

// --- Raw bech32 layer (any prefix, any version byte, any payload length) ------------------------------------
// Used by the tests with rusty-kaspa's test-only prefixes ("a", "b") and by tools.
struct RawAddress {
  std::string prefix;
  std::uint8_t version = 0;
  core::Bytes payload;
};
std::string encode_raw_address(std::string_view prefix, std::uint8_t version, core::ByteView payload);
// Checks separator, prefix charset (non-empty, a-z/0-9 after case-folding), case, data charset, checksum and
// padding; does not check the version or the payload length.
core::Result<RawAddress> decode_raw_address(std::string_view text);

}  // namespace igra::kaspa
