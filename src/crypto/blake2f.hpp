#pragma once
// BLAKE2F precompile (address 0x09, EIP-152): one call of the BLAKE2b compression function F.
//
// Input, exactly 213 bytes: rounds (4 bytes, big-endian) || h (8 x 8 bytes, little-endian) || m (16 x 8
// bytes, little-endian) || t (2 x 8 bytes, little-endian) || f (1 byte, 0 or 1). Output: the new h, 64 bytes
// little-endian. Gas: 1 per round.
#include <cstdint>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::crypto {

inline constexpr std::size_t kBlake2fInputSize = 213;

// `rounds` for a 213-byte input; 0 otherwise (the call then fails in blake2f, consuming all gas given).
std::uint64_t blake2f_gas(core::ByteView input) noexcept;
// Fails on an input length other than 213 or a final-block flag other than 0 or 1.
core::Result<core::FixedBytes<64>> blake2f(core::ByteView input);

}  // namespace igra::crypto
