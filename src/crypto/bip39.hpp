#pragma once
// BIP-39 mnemonics with the English word list: entropy <-> sentence with its checksum (the first ENT/32 bits of
// SHA-256(entropy) appended to the entropy, read in 11-bit groups as word indices). bip32.hpp turns a sentence into
// a seed; this header decides whether a sentence a user typed is a valid mnemonic at all.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::crypto {

inline constexpr std::size_t kBip39Words = 2048;
// Word `i` (0..2047) of the English list.
std::string_view bip39_word(std::size_t i) noexcept;
// Index of `word` in the list (exact, lower case), or -1.
int bip39_index(std::string_view word) noexcept;

// The sentence (words separated by one space) of 16, 20, 24, 28 or 32 bytes of entropy (12..24 words).
core::Result<std::string> bip39_mnemonic(core::ByteView entropy);

// Checks a typed sentence: 12, 15, 18, 21 or 24 words separated by any whitespace, each in the English list, and a
// matching checksum. Returns the entropy. The error names the first unknown word (with the list word sharing its
// first four letters, which identify a word uniquely) or says the checksum does not match.
core::Result<core::Bytes> bip39_entropy(std::string_view mnemonic);

// A typed sentence checked as bip39_entropy does, in its canonical form (the words separated by one space): the
// sentence wallets hash into the seed, so extra whitespace never derives another key.
core::Result<std::string> bip39_canonical(std::string_view mnemonic);

}  // namespace igra::crypto
