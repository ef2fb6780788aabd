#pragma once
// A simnet block: a Kaspa header (level-0 parents only) and its transactions, coinbase first.
#include <cstdint>
#include <vector>

#include "core/bytes.hpp"
#include "core/uint256.hpp"
#include "kaspa/header.hpp"
#include "kaspa/transaction.hpp"

namespace igra::simnet {

using BlockHash = core::Hash32;

// Simnet difficulty: the rusty-kaspa simnet genesis bits (target ~ 2^255, work 2 per block). PoW is skipped.
inline constexpr std::uint32_t kSimnetBits = 0x207fffff;

struct Block {
  kaspa::BlockHeader header;
  std::vector<kaspa::Transaction> transactions;  // coinbase first
};

// Target of compact `bits` (as rusty-kaspa Uint256::from_compact_target_bits).
core::uint256 target_from_bits(std::uint32_t bits) noexcept;
// work(bits) = floor((2^256 - 1 - T) / (T + 1)) + 1 (rusty-kaspa consensus/src/processes/difficulty.rs calc_work).
core::uint256 calc_work(std::uint32_t bits) noexcept;

// Blue work <-> header Uint192 (24 big-endian bytes; the top 8 bytes of a uint256 are dropped).
kaspa::BlueWork to_header_blue_work(const core::uint256& w) noexcept;
core::uint256 from_header_blue_work(const kaspa::BlueWork& w) noexcept;

}  // namespace igra::simnet
