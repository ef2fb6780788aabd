// EIP-2537 BLS12-381 precompiles over blst. This file does the EIP's parsing and validation; blst does the
// arithmetic (field in Montgomery form, Jacobian points, Pippenger MSM, optimal ate pairing, SSWU maps).
#include "crypto/bls12_381.hpp"

#include <blst.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace igra::crypto {

namespace {

using core::ErrorCode;
using core::make_error;

constexpr std::size_t kFpBytes = 48;                     // the value part of a padded field element
constexpr std::size_t kFpPadBytes = kBls12FpSize - kFpBytes;  // leading zero bytes (16)

// The base-field modulus p, big-endian.
constexpr std::array<std::uint8_t, kFpBytes> kModulusP = {
    0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6, 0x43, 0x4b, 0xac, 0xd7,
    0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf, 0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0, 0xf6, 0x24,
    0x1e, 0xab, 0xff, 0xfe, 0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xab};

// r < 2^255: after reducing scalars mod r, MSM needs only 255 scalar bits.
constexpr std::size_t kScalarBits = 255;

// EIP-2537 discount tables, indexed by k - 1 (k = number of pairs), in units of 1/1000; k > 128 uses the last.
constexpr std::array<std::uint16_t, 128> kG1MsmDiscount = {
    1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665, 661, 658,
    654,  651, 648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615, 613, 611, 609, 608,
    606,  604, 603, 601, 599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581, 580, 579, 577,
    576,  575, 574, 573, 572, 570, 569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559, 558, 557, 556, 555,
    554,  553, 552, 551, 550, 549, 548, 547, 547, 546, 545, 544, 543, 542, 541, 540, 540, 539, 538, 537, 536,
    536,  535, 534, 533, 532, 532, 531, 530, 529, 528, 528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520,
    520,  519};
constexpr std::array<std::uint16_t, 128> kG2MsmDiscount = {
    1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699, 693, 688,
    683,  679,  674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629, 627, 624, 622, 620,
    618,  615,  613, 611, 609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587, 586, 584, 583,
    582,  580,  579, 578, 576, 575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562, 561, 560, 559, 558,
    557,  556,  555, 554, 553, 552, 552, 551, 550, 549, 548, 547, 546, 545, 545, 544, 543, 542, 541, 541, 540,
    539,  538,  537, 537, 536, 535, 535, 534, 533, 532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525,
    524,  524};

std::uint64_t msm_gas(std::size_t k, const std::array<std::uint16_t, 128>& table, std::uint64_t mul_gas) noexcept {
  if (k == 0) return 0;
  const std::uint64_t discount = table[std::min(k, table.size()) - 1];
  // k is bounded by the input size, so k * mul_gas * discount cannot overflow 64 bits in practice; saturate
  // anyway so an absurd length prices the call out instead of wrapping around.
  const unsigned __int128 gas = static_cast<unsigned __int128>(k) * mul_gas * discount / 1000;
  return gas > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(gas);
}

core::Error invalid(std::string what) { return make_error(ErrorCode::kInvalidArgument, "bls12-381: " + what); }

// --- Decoding and encoding ----------------------------------------------------------------------------------

// A padded 64-byte field element: top 16 bytes zero, value < p.
core::Result<blst_fp> decode_fp(const std::uint8_t* in) {
  for (std::size_t i = 0; i < kFpPadBytes; ++i) {
    if (in[i] != 0) return invalid("field element padding is not zero");
  }
  const std::uint8_t* v = in + kFpPadBytes;
  if (std::memcmp(v, kModulusP.data(), kFpBytes) >= 0) return invalid("field element is not below the modulus");
  blst_fp out;
  blst_fp_from_bendian(&out, v);
  return out;
}

core::Result<blst_fp2> decode_fp2(const std::uint8_t* in) {
  blst_fp2 out;
  IGRA_TRY(out.fp[0], decode_fp(in));
  IGRA_TRY(out.fp[1], decode_fp(in + kBls12FpSize));
  return out;
}

void encode_fp(const blst_fp& v, std::uint8_t* out) {
  std::memset(out, 0, kFpPadBytes);
  blst_bendian_from_fp(out + kFpPadBytes, &v);
}

// The two groups behind one interface, so that ADD and MSM are written once.
struct G1 {
  using Affine = blst_p1_affine;
  using Point = blst_p1;
  static constexpr std::size_t kSize = kBls12G1Size;
  static constexpr const char* kName = "G1";

  static core::Result<Affine> decode_coords(const std::uint8_t* in) {
    Affine a;
    IGRA_TRY(a.x, decode_fp(in));
    IGRA_TRY(a.y, decode_fp(in + kBls12FpSize));
    return a;
  }
  // blst treats the all-zero affine point as infinity and reports it as on the curve and in the subgroup,
  // which is exactly the EIP's encoding of infinity.
  static bool on_curve(const Affine& a) { return blst_p1_affine_on_curve(&a); }
  static bool in_group(const Affine& a) { return blst_p1_affine_in_g1(&a); }
  static bool is_inf(const Affine& a) { return blst_p1_affine_is_inf(&a); }
  static void from_affine(Point& p, const Affine& a) { blst_p1_from_affine(&p, &a); }
  static void add(Point& out, const Point& a, const Point& b) { blst_p1_add_or_double(&out, &a, &b); }
  static void encode(const Point& p, std::uint8_t* out) {
    if (blst_p1_is_inf(&p)) {
      std::memset(out, 0, kSize);
      return;
    }
    Affine a;
    blst_p1_to_affine(&a, &p);
    encode_fp(a.x, out);
    encode_fp(a.y, out + kBls12FpSize);
  }
  static std::size_t msm_scratch_bytes(std::size_t n) { return blst_p1s_mult_pippenger_scratch_sizeof(n); }
  static void msm(Point& out, const Affine* const* points, std::size_t n, const std::uint8_t* const* scalars,
                  limb_t* scratch) {
    blst_p1s_mult_pippenger(&out, points, n, scalars, kScalarBits, scratch);
  }
};

struct G2 {
  using Affine = blst_p2_affine;
  using Point = blst_p2;
  static constexpr std::size_t kSize = kBls12G2Size;
  static constexpr const char* kName = "G2";

  static core::Result<Affine> decode_coords(const std::uint8_t* in) {
    Affine a;
    IGRA_TRY(a.x, decode_fp2(in));
    IGRA_TRY(a.y, decode_fp2(in + 2 * kBls12FpSize));
    return a;
  }
  static bool on_curve(const Affine& a) { return blst_p2_affine_on_curve(&a); }
  static bool in_group(const Affine& a) { return blst_p2_affine_in_g2(&a); }
  static bool is_inf(const Affine& a) { return blst_p2_affine_is_inf(&a); }
  static void from_affine(Point& p, const Affine& a) { blst_p2_from_affine(&p, &a); }
  static void add(Point& out, const Point& a, const Point& b) { blst_p2_add_or_double(&out, &a, &b); }
  static void encode(const Point& p, std::uint8_t* out) {
    if (blst_p2_is_inf(&p)) {
      std::memset(out, 0, kSize);
      return;
    }
    Affine a;
    blst_p2_to_affine(&a, &p);
    encode_fp(a.x.fp[0], out);
    encode_fp(a.x.fp[1], out + kBls12FpSize);
    encode_fp(a.y.fp[0], out + 2 * kBls12FpSize);
    encode_fp(a.y.fp[1], out + 3 * kBls12FpSize);
  }
  static std::size_t msm_scratch_bytes(std::size_t n) { return blst_p2s_mult_pippenger_scratch_sizeof(n); }
  static void msm(Point& out, const Affine* const* points, std::size_t n, const std::uint8_t* const* scalars,
                  limb_t* scratch) {
    blst_p2s_mult_pippenger(&out, points, n, scalars, kScalarBits, scratch);
  }
};

// Decodes a point: coordinates valid field elements, point on the curve, and (when asked) in the subgroup.
template <typename G>
core::Result<typename G::Affine> decode_point(const std::uint8_t* in, bool subgroup_check) {
  IGRA_TRY(auto a, G::decode_coords(in));
  if (!G::on_curve(a)) return invalid(std::string(G::kName) + " point is not on the curve");
  if (subgroup_check && !G::in_group(a)) return invalid(std::string(G::kName) + " point is not in the subgroup");
  return a;
}

template <typename G>
core::Result<core::Bytes> add(core::ByteView input) {
  if (input.size() != 2 * G::kSize) {
    return invalid(std::string(G::kName) + " add: input must be " + std::to_string(2 * G::kSize) + " bytes");
  }
  // EIP-2537: no subgroup check for ADD; the group law is the same on the whole curve.
  IGRA_TRY(auto a, decode_point<G>(input.data(), false));
  IGRA_TRY(auto b, decode_point<G>(input.data() + G::kSize, false));
  typename G::Point pa, pb, sum;
  G::from_affine(pa, a);
  G::from_affine(pb, b);
  G::add(sum, pa, pb);
  core::Bytes out(G::kSize);
  G::encode(sum, out.data());
  return out;
}

template <typename G>
core::Result<core::Bytes> msm(core::ByteView input) {
  constexpr std::size_t kPair = G::kSize + kBls12ScalarSize;
  if (input.empty() || input.size() % kPair != 0) {
    return invalid(std::string(G::kName) + " msm: input length must be a positive multiple of " +
                   std::to_string(kPair));
  }
  const std::size_t k = input.size() / kPair;
  std::vector<typename G::Affine> points;
  std::vector<blst_scalar> scalars;
  points.reserve(k);
  scalars.reserve(k);
  for (std::size_t i = 0; i < k; ++i) {
    const std::uint8_t* pair = input.data() + i * kPair;
    // Every point is validated, including those whose term vanishes (zero scalar): the EIP fails the call.
    IGRA_TRY(auto p, decode_point<G>(pair, true));
    // The points have order r, so scalar * P == (scalar mod r) * P; blst reduces any 32 bytes mod r and tells
    // whether the result is non-zero.
    blst_scalar s;
    const bool nonzero = blst_scalar_from_be_bytes(&s, pair + G::kSize, kBls12ScalarSize);
    // Zero terms are dropped: blst's bucket method expects finite points and the terms add nothing.
    if (!nonzero || G::is_inf(p)) continue;
    points.push_back(p);
    scalars.push_back(s);
  }
  core::Bytes out(G::kSize, 0);
  if (points.empty()) return out;  // infinity

  std::vector<const typename G::Affine*> point_ptrs(points.size());
  std::vector<const std::uint8_t*> scalar_ptrs(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    point_ptrs[i] = &points[i];
    scalar_ptrs[i] = scalars[i].b;
  }
  // Scratch space for Pippenger, in limbs for their alignment.
  std::vector<limb_t> scratch((G::msm_scratch_bytes(points.size()) + sizeof(limb_t) - 1) / sizeof(limb_t));
  typename G::Point result;
  G::msm(result, point_ptrs.data(), points.size(), scalar_ptrs.data(), scratch.data());
  G::encode(result, out.data());
  return out;
}

}  // namespace

core::Result<core::Bytes> bls12_g1_add(core::ByteView input) { return add<G1>(input); }
core::Result<core::Bytes> bls12_g2_add(core::ByteView input) { return add<G2>(input); }
core::Result<core::Bytes> bls12_g1_msm(core::ByteView input) { return msm<G1>(input); }
core::Result<core::Bytes> bls12_g2_msm(core::ByteView input) { return msm<G2>(input); }

core::Result<core::Bytes> bls12_pairing_check(core::ByteView input) {
  if (input.empty() || input.size() % kBls12PairingPairSize != 0) {
    return invalid("pairing: input length must be a positive multiple of 384");
  }
  const std::size_t k = input.size() / kBls12PairingPairSize;
  // Validate everything first: an invalid pair anywhere fails the call, whatever the other pairs hold.
  std::vector<blst_p1_affine> g1(k);
  std::vector<blst_p2_affine> g2(k);
  for (std::size_t i = 0; i < k; ++i) {
    const std::uint8_t* pair = input.data() + i * kBls12PairingPairSize;
    IGRA_TRY(g1[i], decode_point<G1>(pair, true));
    IGRA_TRY(g2[i], decode_point<G2>(pair + kBls12G1Size, true));
  }
  // e(P, Q) = 1 when P or Q is infinity, so such pairs are skipped (blst's Miller loop wants finite points).
  blst_fp12 acc = *blst_fp12_one();
  bool any = false;
  for (std::size_t i = 0; i < k; ++i) {
    if (blst_p1_affine_is_inf(&g1[i]) || blst_p2_affine_is_inf(&g2[i])) continue;
    blst_fp12 ml;
    blst_miller_loop(&ml, &g2[i], &g1[i]);
    if (any) {
      blst_fp12_mul(&acc, &acc, &ml);
    } else {
      acc = ml;
      any = true;
    }
  }
  bool is_one = true;
  if (any) {
    blst_fp12 gt;
    blst_final_exp(&gt, &acc);
    is_one = blst_fp12_is_one(&gt);
  }
  core::Bytes out(32, 0);
  out[31] = is_one ? 1 : 0;
  return out;
}

core::Result<core::Bytes> bls12_map_fp_to_g1(core::ByteView input) {
  if (input.size() != kBls12FpSize) return invalid("map_fp_to_g1: input must be 64 bytes");
  IGRA_TRY(auto u, decode_fp(input.data()));
  // blst_map_to_g1 with a single element is RFC 9380 map_to_curve (SSWU + 11-isogeny) then clear_cofactor.
  blst_p1 p;
  blst_map_to_g1(&p, &u, nullptr);
  core::Bytes out(kBls12G1Size);
  G1::encode(p, out.data());
  return out;
}

core::Result<core::Bytes> bls12_map_fp2_to_g2(core::ByteView input) {
  if (input.size() != 2 * kBls12FpSize) return invalid("map_fp2_to_g2: input must be 128 bytes");
  IGRA_TRY(auto u, decode_fp2(input.data()));
  blst_p2 p;
  blst_map_to_g2(&p, &u, nullptr);
  core::Bytes out(kBls12G2Size);
  G2::encode(p, out.data());
  return out;
}

std::uint64_t bls12_g1_add_gas() noexcept { return kBls12G1AddGas; }
std::uint64_t bls12_g2_add_gas() noexcept { return kBls12G2AddGas; }
std::uint64_t bls12_g1_msm_gas(std::size_t input_len) noexcept {
  return msm_gas(input_len / kBls12G1MsmPairSize, kG1MsmDiscount, kBls12G1MulGas);
}
std::uint64_t bls12_g2_msm_gas(std::size_t input_len) noexcept {
  return msm_gas(input_len / kBls12G2MsmPairSize, kG2MsmDiscount, kBls12G2MulGas);
}
std::uint64_t bls12_pairing_gas(std::size_t input_len) noexcept {
  const unsigned __int128 gas =
      static_cast<unsigned __int128>(input_len / kBls12PairingPairSize) * kBls12PairingPerPairGas +
      kBls12PairingBaseGas;
  return gas > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(gas);
}
std::uint64_t bls12_map_fp_to_g1_gas() noexcept { return kBls12MapFpToG1Gas; }
std::uint64_t bls12_map_fp2_to_g2_gas() noexcept { return kBls12MapFp2ToG2Gas; }

}  // namespace igra::crypto
