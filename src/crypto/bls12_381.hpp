#pragma once
// BLS12-381 precompiles of EIP-2537 (Prague, final version), over blst (the library geth and reth use).
//
// Encodings (EIP-2537): a base-field element is 64 bytes big-endian whose top 16 bytes must be zero and whose
// value must be < p; an Fp2 element c0 + c1*u is c0 || c1; a G1 point is x || y (128 bytes), a G2 point
// x || y over Fp2 (256 bytes); the point at infinity is all zeros; a scalar is 32 bytes big-endian, any value
// (not reduced, not required < r). Every point must be on its curve. MSM and pairing inputs must also be in the
// prime-order subgroup; ADD inputs need not be (the EIP drops that check for them).
//
// Each precompile is a pure function of its input: an error means the call fails (the caller consumes all the
// gas it gave the precompile); the gas functions below tell what to charge before calling it.
#include <cstddef>
#include <cstdint>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::crypto {

// Precompile addresses (the low byte of 0x00..00XX).
inline constexpr std::uint8_t kBls12G1AddAddress = 0x0b;
inline constexpr std::uint8_t kBls12G1MsmAddress = 0x0c;
inline constexpr std::uint8_t kBls12G2AddAddress = 0x0d;
inline constexpr std::uint8_t kBls12G2MsmAddress = 0x0e;
inline constexpr std::uint8_t kBls12PairingCheckAddress = 0x0f;
inline constexpr std::uint8_t kBls12MapFpToG1Address = 0x10;
inline constexpr std::uint8_t kBls12MapFp2ToG2Address = 0x11;

// Sizes of the encodings.
inline constexpr std::size_t kBls12FpSize = 64;
inline constexpr std::size_t kBls12G1Size = 128;
inline constexpr std::size_t kBls12G2Size = 256;
inline constexpr std::size_t kBls12ScalarSize = 32;
inline constexpr std::size_t kBls12G1MsmPairSize = kBls12G1Size + kBls12ScalarSize;  // 160
inline constexpr std::size_t kBls12G2MsmPairSize = kBls12G2Size + kBls12ScalarSize;  // 288
inline constexpr std::size_t kBls12PairingPairSize = kBls12G1Size + kBls12G2Size;    // 384

// Gas schedule (EIP-2537, final).
inline constexpr std::uint64_t kBls12G1AddGas = 375;
inline constexpr std::uint64_t kBls12G2AddGas = 600;
inline constexpr std::uint64_t kBls12G1MulGas = 12000;  // MSM base price per pair, before the discount
inline constexpr std::uint64_t kBls12G2MulGas = 22500;
inline constexpr std::uint64_t kBls12PairingBaseGas = 37700;
inline constexpr std::uint64_t kBls12PairingPerPairGas = 32600;
inline constexpr std::uint64_t kBls12MapFpToG1Gas = 5500;
inline constexpr std::uint64_t kBls12MapFp2ToG2Gas = 23800;

// 0x0b: input 256 bytes (two G1 points, on the curve, no subgroup check) -> their sum, 128 bytes.
core::Result<core::Bytes> bls12_g1_add(core::ByteView input);
// 0x0c: input k * 160 bytes, k >= 1 (G1 point in G1 || scalar) -> sum of scalar_i * P_i, 128 bytes.
core::Result<core::Bytes> bls12_g1_msm(core::ByteView input);
// 0x0d: input 512 bytes (two G2 points, on the curve, no subgroup check) -> their sum, 256 bytes.
core::Result<core::Bytes> bls12_g2_add(core::ByteView input);
// 0x0e: input k * 288 bytes, k >= 1 (G2 point in G2 || scalar) -> sum of scalar_i * Q_i, 256 bytes.
core::Result<core::Bytes> bls12_g2_msm(core::ByteView input);
// 0x0f: input k * 384 bytes, k >= 1 (G1 point || G2 point, both in their subgroups) -> the 32-byte word 1 if
// the product of the pairings e(P_i, Q_i) is the identity of GT, else 0.
core::Result<core::Bytes> bls12_pairing_check(core::ByteView input);
// 0x10: input 64 bytes (an Fp element) -> the G1 point of RFC 9380 map_to_curve (simplified SWU on the 11-isogenous
// curve) followed by clear_cofactor, 128 bytes. No hashing.
core::Result<core::Bytes> bls12_map_fp_to_g1(core::ByteView input);
// 0x11: input 128 bytes (an Fp2 element) -> the G2 point of map_to_curve + clear_cofactor, 256 bytes.
core::Result<core::Bytes> bls12_map_fp2_to_g2(core::ByteView input);

std::uint64_t bls12_g1_add_gas() noexcept;
std::uint64_t bls12_g2_add_gas() noexcept;
// k = input_len / 160 (rounded down); k * 12000 * discount(k) / 1000, with the EIP's G1 discount table
// (discount(k) for k > 128 is discount(128)); 0 when k = 0 (such a call fails on its length anyway).
std::uint64_t bls12_g1_msm_gas(std::size_t input_len) noexcept;
// Same with k = input_len / 288, 22500 and the G2 discount table.
std::uint64_t bls12_g2_msm_gas(std::size_t input_len) noexcept;
// 32600 * (input_len / 384) + 37700.
std::uint64_t bls12_pairing_gas(std::size_t input_len) noexcept;
std::uint64_t bls12_map_fp_to_g1_gas() noexcept;
std::uint64_t bls12_map_fp2_to_g2_gas() noexcept;

}  // namespace igra::crypto
