#pragma once
// Secret key files: one secp256k1 secret key as 64 hex digits (surrounding whitespace allowed), in a file that
// only its owner may read (mode 0600 or stricter; anything readable by group or others is refused).
#include <string>

#include "core/error.hpp"
#include "crypto/secp256k1.hpp"

namespace igra::crypto {

// `purpose` completes the refusal message ("... it holds <purpose>").
core::Result<SecretKey> read_secret_key_file(const std::string& path, const std::string& purpose = "a secret key");

// A BIP-39 mnemonic kept in a file (same permission rule), and the key at `path` (BIP-32) derived from it.
core::Result<SecretKey> read_mnemonic_key_file(const std::string& file, const std::string& path,
                                               const std::string& purpose = "a mnemonic");

// Writes `key` as hex to a new file created with mode 0600 (an existing file is not overwritten).
core::Result<void> write_secret_key_file(const std::string& path, const SecretKey& key);

}  // namespace igra::crypto
