#include "chain/base_fee.hpp"

namespace igra::chain {

using core::uint256;

uint256 next_base_fee(std::uint64_t parent_gas_limit, std::uint64_t parent_gas_used, const uint256& parent_base_fee) {
  const std::uint64_t target = parent_gas_limit / 2;
  if (target == 0 || parent_gas_used == target) return parent_base_fee;
  if (parent_gas_used > target) {
    const uint256 delta = parent_base_fee * uint256(parent_gas_used - target) / uint256(target) / uint256(8);
    return parent_base_fee + (delta.is_zero() ? uint256(1) : delta);
  }
  const uint256 delta = parent_base_fee * uint256(target - parent_gas_used) / uint256(target) / uint256(8);
  return parent_base_fee - delta;
}

BlobSchedule blob_schedule(evm::Revision rev) noexcept {
  if (rev >= evm::Revision::kPrague) return BlobSchedule{6, 9, 5007716};
  return BlobSchedule{3, 6, 3338477};
}

uint256 blob_base_fee(std::uint64_t excess_blob_gas, std::uint64_t update_fraction) {
  // output = sum_{i>=0} factor * denominator * (numerator/denominator)^i / i!, then / denominator; each term
  // is computed from the previous one as acc * numerator / (denominator * i) with a 512-bit product so that
  // large excess values cannot wrap.
  const uint256 denominator(update_fraction);
  uint256 output;
  uint256 acc = denominator;  // factor (1) * denominator
  for (std::uint64_t i = 1; !acc.is_zero(); ++i) {
    output += acc;
    const auto wide = core::mul_wide(acc, uint256(excess_blob_gas));
    const uint256 div = denominator * uint256(i);
    std::uint64_t quot[8] = {};
    core::divrem_limbs(wide.data(), 8, div, quot);
    if (quot[4] | quot[5] | quot[6] | quot[7]) return uint256::max();  // beyond any payable fee
    acc = uint256::from_limbs(quot[0], quot[1], quot[2], quot[3]);
  }
  return output / denominator;
}

std::uint64_t next_excess_blob_gas(std::uint64_t parent_excess, std::uint64_t parent_blob_gas_used,
                                   const BlobSchedule& schedule) {
  const std::uint64_t target = schedule.target_blobs * kGasPerBlob;
  if (parent_excess + parent_blob_gas_used < target) return 0;
  return parent_excess + parent_blob_gas_used - target;
}

}  // namespace igra::chain
