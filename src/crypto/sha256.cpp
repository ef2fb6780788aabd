// SHA-256 and RIPEMD-160 via OpenSSL's low-level digest API. The low-level functions are deprecated in
// OpenSSL 3 but remain the fastest path (no EVP fetch/alloc per hash; SHA-NI when the CPU has it) and,
// unlike EVP "RIPEMD160" on some 3.0.x builds, need no legacy provider.
#include "crypto/sha256.hpp"

#include <new>
#include <type_traits>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <openssl/ripemd.h>
#include <openssl/sha.h>

namespace igra::crypto {

namespace {
static_assert(std::is_trivially_copyable_v<SHA256_CTX>, "SHA256_CTX must be copyable byte-wise");
static_assert(alignof(SHA256_CTX) <= 8, "Sha256::ctx_ alignment too small for SHA256_CTX");

SHA256_CTX* ctx_of(unsigned char* storage) noexcept {
  return std::launder(reinterpret_cast<SHA256_CTX*>(storage));
}
}  // namespace

Sha256::Sha256() noexcept {
  static_assert(sizeof(ctx_) >= sizeof(SHA256_CTX), "Sha256::ctx_ too small for SHA256_CTX");
  auto* ctx = new (ctx_) SHA256_CTX;
  SHA256_Init(ctx);
}

void Sha256::update(core::ByteView data) noexcept {
  if (!data.empty()) SHA256_Update(ctx_of(ctx_), data.data(), data.size());
}

core::Hash32 Sha256::finalize() noexcept {
  core::Hash32 out;
  SHA256_Final(out.data(), ctx_of(ctx_));
  return out;
}

core::Hash32 sha256(core::ByteView data) noexcept {
  core::Hash32 out;
  SHA256(data.data(), data.size(), out.data());
  return out;
}

core::FixedBytes<20> ripemd160(core::ByteView data) noexcept {
  core::FixedBytes<20> out;
  RIPEMD160(data.data(), data.size(), out.data());
  return out;
}

}  // namespace igra::crypto

#pragma GCC diagnostic pop
