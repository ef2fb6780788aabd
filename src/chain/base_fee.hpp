#pragma once
// EIP-1559 base fee and EIP-4844/EIP-7691 blob gas pricing.
#include <cstdint>

#include "core/uint256.hpp"
#include "evm/evm.hpp"

namespace igra::chain {

// Base fee of the block after a parent with the given gas limit, gas used and base fee (EIP-1559:
// elasticity multiplier 2, change denominator 8).
core::uint256 next_base_fee(std::uint64_t parent_gas_limit, std::uint64_t parent_gas_used,
                            const core::uint256& parent_base_fee);

inline constexpr std::uint64_t kGasPerBlob = 131072;  // 2^17

// Blob parameters of a revision (EIP-4844 for Cancun, EIP-7691 for Prague).
struct BlobSchedule {
  std::uint64_t target_blobs;
  std::uint64_t max_blobs;
  std::uint64_t update_fraction;
};
BlobSchedule blob_schedule(evm::Revision rev) noexcept;

// fake_exponential(1, excess_blob_gas, update_fraction) of EIP-4844 (exact; wide intermediates).
core::uint256 blob_base_fee(std::uint64_t excess_blob_gas, std::uint64_t update_fraction);
// Excess blob gas of a block from its parent's excess and blob gas used.
std::uint64_t next_excess_blob_gas(std::uint64_t parent_excess, std::uint64_t parent_blob_gas_used,
                                   const BlobSchedule& schedule);

}  // namespace igra::chain
