#include "crypto/bip39.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "crypto/sha256.hpp"

namespace igra::crypto {
namespace {

constexpr std::array<std::string_view, kBip39Words> kEnglish = {
#include "crypto/bip39_english.inc"
};

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (i < s.size()) {
    while (i < s.size() && space(s[i])) ++i;
    const std::size_t b = i;
    while (i < s.size() && !space(s[i])) ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

}  // namespace

std::string_view bip39_word(std::size_t i) noexcept { return i < kBip39Words ? kEnglish[i] : std::string_view(); }

int bip39_index(std::string_view word) noexcept {
  const auto it = std::lower_bound(kEnglish.begin(), kEnglish.end(), word);
  if (it == kEnglish.end() || *it != word) return -1;
  return static_cast<int>(it - kEnglish.begin());
}

core::Result<std::string> bip39_mnemonic(core::ByteView entropy) {
  const std::size_t n = entropy.size();
  if (n < 16 || n > 32 || n % 4 != 0)
    return core::make_error(core::ErrorCode::kInvalidArgument,
                            "BIP-39 entropy must be 16, 20, 24, 28 or 32 bytes, not " + std::to_string(n));
  const core::Hash32 check = sha256(entropy);
  const std::size_t bits = n * 8 + n / 4;  // entropy + checksum bits
  auto bit = [&](std::size_t k) -> unsigned {
    const std::uint8_t byte = k < n * 8 ? entropy[k / 8] : check[(k - n * 8) / 8];
    return (byte >> (7 - k % 8)) & 1u;
  };
  std::string out;
  for (std::size_t w = 0; w < bits / 11; ++w) {
    unsigned idx = 0;
    for (std::size_t k = 0; k < 11; ++k) idx = (idx << 1) | bit(w * 11 + k);
    if (!out.empty()) out += ' ';
    out += kEnglish[idx];
  }
  return out;
}

core::Result<core::Bytes> bip39_entropy(std::string_view mnemonic) {
  const auto words = split_words(mnemonic);
  const std::size_t count = words.size();
  if (count < 12 || count > 24 || count % 3 != 0)
    return core::make_error(core::ErrorCode::kInvalidArgument,
                            "a BIP-39 mnemonic has 12, 15, 18, 21 or 24 words, this one has " + std::to_string(count));
  std::vector<unsigned> idx;
  for (std::size_t i = 0; i < count; ++i) {
    const int k = bip39_index(words[i]);
    if (k < 0) {
      std::string msg = "word " + std::to_string(i + 1) + " '" + std::string(words[i]) +
                        "' is not in the BIP-39 English word list";
      if (words[i].size() >= 4) {
        const auto it = std::lower_bound(kEnglish.begin(), kEnglish.end(), words[i].substr(0, 4));
        if (it != kEnglish.end() && it->substr(0, 4) == words[i].substr(0, 4))
          msg += " (did you mean '" + std::string(*it) + "'?)";
      }
      return core::make_error(core::ErrorCode::kInvalidArgument, msg);
    }
    idx.push_back(static_cast<unsigned>(k));
  }
  const std::size_t total_bits = count * 11;
  const std::size_t cs_bits = total_bits / 33;
  const std::size_t ent_bytes = (total_bits - cs_bits) / 8;
  core::Bytes ent(ent_bytes, 0);
  auto bit = [&](std::size_t k) -> unsigned { return (idx[k / 11] >> (10 - k % 11)) & 1u; };
  for (std::size_t k = 0; k < ent_bytes * 8; ++k) ent[k / 8] = static_cast<std::uint8_t>(ent[k / 8] | (bit(k) << (7 - k % 8)));
  const core::Hash32 check = sha256(ent);
  for (std::size_t k = 0; k < cs_bits; ++k) {
    if (bit(ent_bytes * 8 + k) != ((check[k / 8] >> (7 - k % 8)) & 1u))
      return core::make_error(core::ErrorCode::kInvalidArgument,
                              "the mnemonic's checksum does not match (a word is wrong or the words are out of order)");
  }
  return ent;
}

core::Result<std::string> bip39_canonical(std::string_view mnemonic) {
  IGRA_TRY(const core::Bytes entropy, bip39_entropy(mnemonic));
  return bip39_mnemonic(entropy);
}

}  // namespace igra::crypto
