#include "simnet/block.hpp"

namespace igra::simnet {

core::uint256 target_from_bits(std::uint32_t bits) noexcept {
  const std::uint32_t mantissa = bits & 0x007fffff;
  const unsigned exponent = bits >> 24;
  if (exponent <= 3) return core::uint256(mantissa >> (8 * (3 - exponent)));
  return core::uint256(mantissa) << (8 * (exponent - 3));
}

core::uint256 calc_work(std::uint32_t bits) noexcept {
  const core::uint256 t = target_from_bits(bits);
  if (t.is_zero()) return core::uint256(0);
  // (2^256 - 1 - T) / (T + 1) + 1
  return (core::uint256::max() - t) / (t + 1) + 1;
}

kaspa::BlueWork to_header_blue_work(const core::uint256& w) noexcept {
  const auto be = w.to_be32();
  kaspa::BlueWork out;
  for (std::size_t i = 0; i < 24; ++i) out[i] = be[8 + i];
  return out;
}

core::uint256 from_header_blue_work(const kaspa::BlueWork& w) noexcept {
  return core::uint256::from_be_bytes(w.view());
}

}  // namespace igra::simnet
