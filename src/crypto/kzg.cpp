// EIP-4844 point evaluation over blst. Verification follows the consensus specs' verify_kzg_proof_impl (as in
// c-kzg): a single pairing-product check e(C - [y]G1, -G2) * e(proof, [tau - z]G2) == 1.
#include "crypto/kzg.hpp"

#include <blst.h>

#include <cstring>
#include <string>

#include "crypto/sha256.hpp"

namespace igra::crypto {

namespace {

using core::ErrorCode;
using core::make_error;

// [tau]G2 of the Ethereum KZG ceremony (the point at index 1 of the monomial G2 list; index 0 is the generator),
// compressed. Source: deps/c-kzg/trusted_setup.txt of the c-kzg 4.1.0 package (line 4100), the same value as
// the consensus specs' trusted_setup_4096.json g2_monomial[1]; kzg_test.cpp compares it with that file.
constexpr std::uint8_t kTauG2Compressed[96] = {
    0xb5, 0xbf, 0xd7, 0xdd, 0x8c, 0xde, 0xb1, 0x28, 0x84, 0x3b, 0xc2, 0x87, 0x23, 0x0a, 0xf3, 0x89,
    0x26, 0x18, 0x70, 0x75, 0xcb, 0xfb, 0xef, 0xa8, 0x10, 0x09, 0xa2, 0xce, 0x61, 0x5a, 0xc5, 0x3d,
    0x29, 0x14, 0xe5, 0x87, 0x0c, 0xb4, 0x52, 0xd2, 0xaf, 0xaa, 0xab, 0x24, 0xf3, 0x49, 0x9f, 0x72,
    0x18, 0x5c, 0xbf, 0xee, 0x53, 0x49, 0x27, 0x14, 0x73, 0x44, 0x29, 0xb7, 0xb3, 0x86, 0x08, 0xe2,
    0x39, 0x26, 0xc9, 0x11, 0xcc, 0xec, 0xea, 0xc9, 0xa3, 0x68, 0x51, 0x47, 0x7b, 0xa4, 0xc6, 0x0b,
    0x08, 0x70, 0x41, 0xde, 0x62, 0x10, 0x00, 0xed, 0xc9, 0x8e, 0xda, 0xda, 0x20, 0xc1, 0xde, 0xf2};

// The scalar-field modulus r (BLS_MODULUS), big-endian.
constexpr std::uint8_t kBlsModulus[32] = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                                          0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                                          0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

// r < 2^255.
constexpr std::size_t kScalarBits = 255;

// Decompressed once; the constant is known to be a valid G2 point (a test checks it too), so a failure here
// would be a corrupted binary, reported as an error by every call rather than crashing.
struct TauG2 {
  blst_p2 point;
  bool ok = false;
  TauG2() noexcept {
    blst_p2_affine a;
    ok = blst_p2_uncompress(&a, kTauG2Compressed) == BLST_SUCCESS && blst_p2_affine_in_g2(&a);
    blst_p2_from_affine(&point, &a);
  }
};

const TauG2& tau_g2() noexcept {
  static const TauG2 value;
  return value;
}

// A KZG commitment or proof: a compressed G1 point (blst checks the flags, x < p and that the point is on the
// curve) that is in the subgroup; infinity (0xc0 00..00) is allowed, as in the consensus specs.
core::Result<blst_p1_affine> decode_g1(const core::FixedBytes<48>& in, const char* what) {
  blst_p1_affine a;
  if (blst_p1_uncompress(&a, in.data()) != BLST_SUCCESS) {
    return make_error(ErrorCode::kInvalidArgument, std::string("kzg: ") + what + " is not a valid G1 point");
  }
  if (!blst_p1_affine_is_inf(&a) && !blst_p1_affine_in_g1(&a)) {
    return make_error(ErrorCode::kInvalidArgument, std::string("kzg: ") + what + " is not in the G1 subgroup");
  }
  return a;
}

core::Result<blst_scalar> decode_scalar(const core::Hash32& in, const char* what) {
  if (std::memcmp(in.data(), kBlsModulus, 32) >= 0) {
    return make_error(ErrorCode::kInvalidArgument, std::string("kzg: ") + what + " is not below the BLS modulus");
  }
  blst_scalar s;
  blst_scalar_from_bendian(&s, in.data());
  return s;
}

}  // namespace

core::Hash32 kzg_to_versioned_hash(const KzgCommitment& commitment) noexcept {
  core::Hash32 h = sha256(commitment.view());
  h.data()[0] = kKzgVersionedHashVersion;
  return h;
}

core::FixedBytes<96> kzg_trusted_setup_tau_g2() noexcept {
  core::FixedBytes<96> out;
  std::memcpy(out.data(), kTauG2Compressed, sizeof(kTauG2Compressed));
  return out;
}

core::Result<bool> verify_kzg_proof(const KzgCommitment& commitment, const core::Hash32& z, const core::Hash32& y,
                                    const KzgProof& proof) {
  IGRA_TRY(auto zs, decode_scalar(z, "z"));
  IGRA_TRY(auto ys, decode_scalar(y, "y"));
  IGRA_TRY(auto c, decode_g1(commitment, "commitment"));
  IGRA_TRY(auto pi, decode_g1(proof, "proof"));
  const TauG2& tau = tau_g2();
  if (!tau.ok) return make_error(ErrorCode::kInternal, "kzg: embedded trusted setup point is invalid");

  // [tau - z]G2 = [tau]G2 - [z]G2
  blst_p2 z_g2;
  blst_p2_mult(&z_g2, blst_p2_generator(), zs.b, kScalarBits);
  blst_p2_cneg(&z_g2, true);
  blst_p2 x_minus_z;
  blst_p2_add_or_double(&x_minus_z, &tau.point, &z_g2);

  // C - [y]G1
  blst_p1 y_g1;
  blst_p1_mult(&y_g1, blst_p1_generator(), ys.b, kScalarBits);
  blst_p1_cneg(&y_g1, true);
  blst_p1 c_jac;
  blst_p1_from_affine(&c_jac, &c);
  blst_p1 c_minus_y;
  blst_p1_add_or_double(&c_minus_y, &c_jac, &y_g1);

  // -proof, so that the check is one product equal to 1.
  blst_p1 neg_proof;
  blst_p1_from_affine(&neg_proof, &pi);
  blst_p1_cneg(&neg_proof, true);

  // e(C - y, G2) * e(-proof, [tau - z]G2) == 1. A pair with a point at infinity contributes 1 and is skipped
  // (blst's Miller loop expects finite points).
  blst_p1_affine g1[2];
  blst_p2_affine g2[2];
  blst_p1_to_affine(&g1[0], &c_minus_y);
  g2[0] = *blst_p2_affine_generator();
  blst_p1_to_affine(&g1[1], &neg_proof);
  blst_p2_to_affine(&g2[1], &x_minus_z);
  const bool skip[2] = {blst_p1_is_inf(&c_minus_y),
                        blst_p1_is_inf(&neg_proof) || blst_p2_is_inf(&x_minus_z)};
  blst_fp12 acc = *blst_fp12_one();
  bool any = false;
  for (int i = 0; i < 2; ++i) {
    if (skip[i]) continue;
    blst_fp12 ml;
    blst_miller_loop(&ml, &g2[i], &g1[i]);
    if (any) {
      blst_fp12_mul(&acc, &acc, &ml);
    } else {
      acc = ml;
      any = true;
    }
  }
  if (!any) return true;
  blst_fp12 gt;
  blst_final_exp(&gt, &acc);
  return static_cast<bool>(blst_fp12_is_one(&gt));
}

core::Result<core::Bytes> kzg_point_evaluation(core::ByteView input) {
  if (input.size() != kKzgPointEvaluationInputSize) {
    return make_error(ErrorCode::kInvalidArgument, "kzg: point evaluation input must be 192 bytes");
  }
  core::Hash32 versioned_hash, z, y;
  KzgCommitment commitment;
  KzgProof proof;
  std::memcpy(versioned_hash.data(), input.data(), 32);
  std::memcpy(z.data(), input.data() + 32, 32);
  std::memcpy(y.data(), input.data() + 64, 32);
  std::memcpy(commitment.data(), input.data() + 96, 48);
  std::memcpy(proof.data(), input.data() + 144, 48);
  if (kzg_to_versioned_hash(commitment) != versioned_hash) {
    return make_error(ErrorCode::kVerifyFailed, "kzg: versioned hash does not match the commitment");
  }
  IGRA_TRY(const bool valid, verify_kzg_proof(commitment, z, y, proof));
  if (!valid) return make_error(ErrorCode::kVerifyFailed, "kzg: proof does not verify");
  core::Bytes out(64, 0);
  // FIELD_ELEMENTS_PER_BLOB = 4096 = 0x1000 as a big-endian word, then BLS_MODULUS.
  out[30] = static_cast<std::uint8_t>(kKzgFieldElementsPerBlob >> 8);
  out[31] = static_cast<std::uint8_t>(kKzgFieldElementsPerBlob & 0xff);
  std::memcpy(out.data() + 32, kBlsModulus, 32);
  return out;
}

}  // namespace igra::crypto
