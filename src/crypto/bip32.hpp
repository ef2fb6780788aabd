#pragma once
// BIP-39 mnemonic to seed (PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic" + passphrase) and BIP-32
// hierarchical deterministic secp256k1 keys (private derivation, hardened and normal children), as wallets
// use for Ethereum (m/44'/60'/0'/0/i) and Kaspa (m/44'/111111'/0'/0/i) accounts.
//
// bip39_seed does not check the words (the seed is defined over the sentence whatever its words); callers that
// accept user input validate it first with bip39_entropy (bip39.hpp) and hash the canonical sentence.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/secp256k1.hpp"

namespace igra::crypto {

inline constexpr std::uint32_t kHardened = 0x8000'0000u;

core::FixedBytes<64> bip39_seed(std::string_view mnemonic, std::string_view passphrase = {});

struct ExtendedKey {
  SecretKey key;
  core::Hash32 chain_code;
};

core::Result<ExtendedKey> bip32_master(core::ByteView seed);
core::Result<ExtendedKey> bip32_child(const ExtendedKey& parent, std::uint32_t index);
// Parses "m/44'/60'/0'/0/3" (also "h" or "H" for hardened).
core::Result<std::vector<std::uint32_t>> parse_derivation_path(std::string_view path);
core::Result<ExtendedKey> bip32_derive(core::ByteView seed, std::string_view path);

}  // namespace igra::crypto
