#pragma once
// SHA-256 and RIPEMD-160 (OpenSSL). Sha256 is copyable, so a state fed a fixed prefix can be reused.
#include <cstddef>
#include <cstdint>

#include "core/bytes.hpp"

namespace igra::crypto {

class Sha256 {
 public:
  Sha256() noexcept;
  void update(core::ByteView data) noexcept;
  core::Hash32 finalize() noexcept;

  // The object must not be updated after finalize (construct or copy a fresh one instead).

 private:
  // Storage for OpenSSL's SHA256_CTX (a trivially copyable struct, 112 bytes; SHA-NI/AVX2 when available).
  // Kept opaque so OpenSSL headers do not leak into every includer; size and alignment are checked in the .cpp.
  alignas(8) unsigned char ctx_[112];
};

core::Hash32 sha256(core::ByteView data) noexcept;
core::FixedBytes<20> ripemd160(core::ByteView data) noexcept;

}  // namespace igra::crypto
