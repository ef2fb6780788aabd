#pragma once
// Keccak-256 (the original Keccak padding 0x01, as Ethereum uses; not SHA3-256).
#include <cstdint>

#include "core/bytes.hpp"

namespace igra::core {

// The Keccak-f[1600] permutation on 25 lanes (little-endian lanes, as in the reference).
void keccak_f1600(std::uint64_t state[25]) noexcept;

class Keccak256 {
 public:
  Keccak256() noexcept = default;
  void update(ByteView data) noexcept;
  Hash32 finalize() noexcept;  // the object must not be updated after finalize

 private:
  std::uint64_t state_[25] = {};
  std::uint8_t buf_[136] = {};
  std::size_t buf_len_ = 0;
};

Hash32 keccak256(ByteView data) noexcept;

}  // namespace igra::core
