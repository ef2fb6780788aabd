#pragma once
// MODEXP precompile (address 0x05) arithmetic: EIP-198 input/output semantics, EIP-2565 gas.
//
// Input: base_len, exp_len, mod_len as 32-byte big-endian words, then base, exponent and modulus as
// big-endian numbers of those lengths. Input shorter than a field is read as if padded with zero bytes on
// the right; bytes past the last field are ignored. Output: base^exp mod modulus, left-padded to mod_len
// bytes (all zeros when the modulus is 0; empty when mod_len is 0).
#include <cstdint>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::crypto {

// EIP-2565 price: max(200, mult_complexity * iteration_count / 3), with the iteration count of the
// consensus clients (an all-zero exponent head contributes 0, not -1, for exp_len > 32). Saturates at UINT64_MAX for lengths no
// transaction could pay for, so callers can compare against the available gas without overflow.
std::uint64_t modexp_gas(core::ByteView input) noexcept;

// The precompile's output. Call only after charging modexp_gas: an error (kOutOfRange) is returned only for
// lengths above 2^32 bytes, which that price makes unreachable.
core::Result<core::Bytes> modexp(core::ByteView input);

}  // namespace igra::crypto
