#include "crypto/blake2f.hpp"

#include "core/blake2b.hpp"

namespace igra::crypto {

std::uint64_t blake2f_gas(core::ByteView input) noexcept {
  if (input.size() != kBlake2fInputSize) return 0;
  return core::load_be<std::uint32_t>(input.data());
}

core::Result<core::FixedBytes<64>> blake2f(core::ByteView input) {
  if (input.size() != kBlake2fInputSize)
    return core::make_error("blake2f: input must be 213 bytes, got " + std::to_string(input.size()));
  const std::uint8_t flag = input[212];
  if (flag > 1) return core::make_error("blake2f: final block flag must be 0 or 1");
  const std::uint32_t rounds = core::load_be<std::uint32_t>(input.data());
  std::uint64_t h[8], m[16], t[2];
  const std::uint8_t* p = input.data() + 4;
  for (auto& w : h) w = core::load_le<std::uint64_t>(p), p += 8;
  for (auto& w : m) w = core::load_le<std::uint64_t>(p), p += 8;
  for (auto& w : t) w = core::load_le<std::uint64_t>(p), p += 8;
  core::blake2b_compress(rounds, h, m, t, flag == 1);
  core::FixedBytes<64> out;
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j) out[8 * i + j] = static_cast<std::uint8_t>(h[i] >> (8 * j));
  return out;
}

}  // namespace igra::crypto
