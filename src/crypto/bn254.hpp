#pragma once
// alt_bn128 (BN254) precompiles: ECADD (0x06, EIP-196), ECMUL (0x07, EIP-196) and the pairing check
// (0x08, EIP-197), with EIP-1108 (Istanbul) prices. Our own field and curve arithmetic: Montgomery Fp with
// 4 x 64-bit limbs, the tower Fp2 = Fp[u]/(u^2 + 1), Fp6 = Fp2[v]/(v^3 - (9 + u)), Fp12 = Fp6[w]/(w^2 - v),
// and the optimal ate pairing.
//
// Encodings (all big-endian 32-byte words): a G1 point is x || y, with (0, 0) the point at infinity; a G2
// point is x_im || x_re || y_im || y_re (an Fp2 element a*u + b is written a || b), all zero = infinity.
// Every coordinate must be < p and the point on its curve; G2 points must also be in the order-r subgroup.
#include <cstdint>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::crypto {

inline constexpr std::uint64_t kBn254AddGas = 150;               // EIP-1108
inline constexpr std::uint64_t kBn254MulGas = 6000;              // EIP-1108
inline constexpr std::uint64_t kBn254PairingBaseGas = 45000;     // EIP-1108
inline constexpr std::uint64_t kBn254PairingPerPairGas = 34000;  // EIP-1108
inline constexpr std::size_t kBn254PairSize = 192;               // G1 (64) + G2 (128)

// ECADD: the input is read as 128 bytes (zero-padded on the right, extra bytes ignored); output x || y.
// Fails on a coordinate >= p or a point not on the curve.
core::Result<core::FixedBytes<64>> bn254_add(core::ByteView input);
// ECMUL: 96 bytes (point || 256-bit scalar), padded / truncated like ECADD.
core::Result<core::FixedBytes<64>> bn254_mul(core::ByteView input);
// Pairing check: input of k * 192 bytes (k >= 0) holding pairs (G1, G2); output the word 1 if the product of
// the k pairings is 1 (also for k = 0), else 0. Fails on a length not a multiple of 192 or an invalid point.
core::Result<core::Hash32> bn254_pairing_check(core::ByteView input);
// 45000 + 34000 * (input.size() / 192).
std::uint64_t bn254_pairing_gas(core::ByteView input) noexcept;

}  // namespace igra::crypto
