#include "crypto/bip32.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <cstring>
#include <string>

#include "crypto/secp256k1_api.h"

namespace igra::crypto {
namespace {

const secp256k1_context* sign_ctx() {
  static secp256k1_context* ctx = secp256k1_context_new(SECP256K1_CONTEXT_NONE);
  return ctx;
}

core::FixedBytes<64> hmac_sha512(core::ByteView key, core::ByteView data) {
  core::FixedBytes<64> out;
  unsigned int len = 0;
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len);
  return out;
}

core::Result<ExtendedKey> split(const core::FixedBytes<64>& i) {
  ExtendedKey k;
  std::memcpy(k.key.data(), i.data(), 32);
  std::memcpy(k.chain_code.data(), i.data() + 32, 32);
  if (!is_valid_secret_key(k.key)) return core::Error{core::ErrorCode::kInvalidArgument, "derived key is invalid"};
  return k;
}

}  // namespace

core::FixedBytes<64> bip39_seed(std::string_view mnemonic, std::string_view passphrase) {
  const std::string salt = "mnemonic" + std::string(passphrase);
  core::FixedBytes<64> out;
  PKCS5_PBKDF2_HMAC(mnemonic.data(), static_cast<int>(mnemonic.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), 2048,
                    EVP_sha512(), 64, out.data());
  return out;
}

core::Result<ExtendedKey> bip32_master(core::ByteView seed) {
  static constexpr std::string_view kKey = "Bitcoin seed";
  if (seed.size() < 16 || seed.size() > 64)
    return core::Error{core::ErrorCode::kInvalidArgument, "BIP-32 seed must be 16..64 bytes"};
  return split(hmac_sha512(core::ByteView(reinterpret_cast<const std::uint8_t*>(kKey.data()), kKey.size()), seed));
}

core::Result<ExtendedKey> bip32_child(const ExtendedKey& parent, std::uint32_t index) {
  std::uint8_t data[37];
  if (index & kHardened) {
    data[0] = 0;
    std::memcpy(data + 1, parent.key.data(), 32);
  } else {
    IGRA_TRY(auto pub, ecdsa_public_key_compressed(parent.key));
    std::memcpy(data, pub.data(), 33);
  }
  data[33] = static_cast<std::uint8_t>(index >> 24);
  data[34] = static_cast<std::uint8_t>(index >> 16);
  data[35] = static_cast<std::uint8_t>(index >> 8);
  data[36] = static_cast<std::uint8_t>(index);
  const auto i = hmac_sha512(parent.chain_code, core::ByteView(data, sizeof data));
  ExtendedKey child;
  std::memcpy(child.key.data(), parent.key.data(), 32);
  std::memcpy(child.chain_code.data(), i.data() + 32, 32);
  // child = parse256(IL) + k_par (mod n); IL >= n or a zero result is invalid (BIP-32: skip to next index).
  SecretKey il;
  std::memcpy(il.data(), i.data(), 32);
  if (!is_valid_secret_key(il) || !secp256k1_ec_seckey_tweak_add(sign_ctx(), child.key.data(), il.data()))
    return core::Error{core::ErrorCode::kInvalidArgument, "BIP-32 child key is invalid for this index"};
  return child;
}

core::Result<std::vector<std::uint32_t>> parse_derivation_path(std::string_view path) {
  if (path.empty() || path[0] != 'm') return core::Error{core::ErrorCode::kInvalidArgument, "path must start with m"};
  std::vector<std::uint32_t> out;
  std::size_t pos = 1;
  while (pos < path.size()) {
    if (path[pos] != '/') return core::Error{core::ErrorCode::kInvalidArgument, "bad derivation path: " + std::string(path)};
    ++pos;
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(path.data() + pos, path.data() + path.size(), v);
    if (ec != std::errc() || end == path.data() + pos || v >= kHardened)
      return core::Error{core::ErrorCode::kInvalidArgument, "bad derivation path index: " + std::string(path)};
    pos = static_cast<std::size_t>(end - path.data());
    if (pos < path.size() && (path[pos] == '\'' || path[pos] == 'h' || path[pos] == 'H')) {
      v |= kHardened;
      ++pos;
    }
    out.push_back(v);
  }
  return out;
}

core::Result<ExtendedKey> bip32_derive(core::ByteView seed, std::string_view path) {
  IGRA_TRY(auto indices, parse_derivation_path(path));
  IGRA_TRY(auto key, bip32_master(seed));
  for (std::uint32_t idx : indices) {
    IGRA_TRY(key, bip32_child(key, idx));
  }
  return key;
}

}  // namespace igra::crypto
