#pragma once
// EIP-4844 point evaluation precompile (0x0a): verifies a KZG proof that the polynomial committed to by a blob
// commitment evaluates to y at z, with blst pairings and the Ethereum KZG ceremony's [tau]G2.
#include <cstddef>
#include <cstdint>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::crypto {

inline constexpr std::uint8_t kKzgPointEvaluationAddress = 0x0a;
inline constexpr std::uint64_t kKzgPointEvaluationGas = 50000;
inline constexpr std::size_t kKzgPointEvaluationInputSize = 192;
inline constexpr std::uint64_t kKzgFieldElementsPerBlob = 4096;
inline constexpr std::uint8_t kKzgVersionedHashVersion = 0x01;

using KzgCommitment = core::FixedBytes<48>;  // compressed G1 point (ZCash serialization)
using KzgProof = core::FixedBytes<48>;

// 0x01 || sha256(commitment)[1:32].
core::Hash32 kzg_to_versioned_hash(const KzgCommitment& commitment) noexcept;

// Verifies e(commitment - [y]G1, G2) == e(proof, [tau]G2 - [z]G2). z and y are 32-byte big-endian scalars.
// Errors: z or y not below the BLS12-381 scalar modulus r, or a commitment/proof that is not a valid compressed
// G1 point in the subgroup (infinity is allowed). `false`: well-formed but the proof does not verify.
core::Result<bool> verify_kzg_proof(const KzgCommitment& commitment, const core::Hash32& z, const core::Hash32& y,
                                    const KzgProof& proof);

// The precompile: input versioned_hash (32) || z (32) || y (32) || commitment (48) || proof (48), exactly 192
// bytes. Fails on another length, a versioned hash that is not kzg_to_versioned_hash(commitment), any error of
// verify_kzg_proof or a proof that does not verify. On success returns FIELD_ELEMENTS_PER_BLOB (4096) and the
// scalar modulus r, each as a 32-byte big-endian word (64 bytes).
core::Result<core::Bytes> kzg_point_evaluation(core::ByteView input);
inline std::uint64_t kzg_point_evaluation_gas() noexcept { return kKzgPointEvaluationGas; }

// The trusted setup's [tau]G2, compressed (96 bytes); exposed so tests can compare it with the ceremony file.
core::FixedBytes<96> kzg_trusted_setup_tau_g2() noexcept;

}  // namespace igra::crypto
