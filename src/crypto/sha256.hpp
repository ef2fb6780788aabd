#pragma once
// SHA-256 and RIPEMD-160 (OpenSSL). Sha256 is copyable, so a state fed a fixed prefix can be reused.
#include <cstdint>

#include "core/bytes.hpp"

namespace igra::crypto {

class Sha256 {
 public:
  Sha256() noexcept;
  void update(core::ByteView data) noexcept;
  core::Hash32 finalize() noexcept;

 private:
  std::uint32_t h_[8];
  std::uint64_t len_ = 0;
  std::uint8_t buf_[64];
  std::size_t buf_len_ = 0;
};

core::Hash32 sha256(core::ByteView data) noexcept;
core::FixedBytes<20> ripemd160(core::ByteView data) noexcept;

}  // namespace igra::crypto
