// libFuzzer target: the EIP-2537 precompiles on arbitrary input. None may crash; a successful call must return
// an output of the precompile's fixed size that is itself a valid encoding (G1/G2 results are accepted back by
// the ADD precompiles and unchanged by adding infinity). A structured mode builds valid subgroup points from the
// input (through the map precompiles) and checks MSM linearity and a pairing identity, so the arithmetic paths
// are reached too, not just the parsers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "crypto/bls12_381.hpp"

namespace {

using namespace igra;
using core::Bytes;
using core::ByteView;

constexpr std::size_t kG1 = crypto::kBls12G1Size;
constexpr std::size_t kG2 = crypto::kBls12G2Size;

Bytes cat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

void check_g1_output(const core::Result<Bytes>& r) {
  if (!r.ok()) return;
  if (r->size() != kG1) std::abort();
  auto again = crypto::bls12_g1_add(cat({*r, Bytes(kG1, 0)}));
  if (!again.ok() || *again != *r) std::abort();
}

void check_g2_output(const core::Result<Bytes>& r) {
  if (!r.ok()) return;
  if (r->size() != kG2) std::abort();
  auto again = crypto::bls12_g2_add(cat({*r, Bytes(kG2, 0)}));
  if (!again.ok() || *again != *r) std::abort();
}

// A valid field element from 48 input bytes: padding zero, top byte masked below p's (0x1a).
Bytes field_element(const std::uint8_t* in) {
  Bytes fp(64, 0);
  std::memcpy(fp.data() + 16, in, 48);
  fp[16] &= 0x0f;
  return fp;
}

void structured(const std::uint8_t* data, std::size_t size) {
  // 48 bytes for u1, 96 for u2, then two 32-byte scalars.
  if (size < 48 + 96 + 64) return;
  auto p = crypto::bls12_map_fp_to_g1(field_element(data));
  auto q = crypto::bls12_map_fp2_to_g2(cat({field_element(data + 48), field_element(data + 96)}));
  if (!p.ok() || !q.ok()) std::abort();  // valid field elements always map
  const ByteView a(data + 144, 32), b(data + 176, 32);
  // MSM linearity: aP + bP computed in one MSM equals the sum of two single-term MSMs.
  auto ap = crypto::bls12_g1_msm(cat({*p, a}));
  auto bp = crypto::bls12_g1_msm(cat({*p, b}));
  auto both = crypto::bls12_g1_msm(cat({*p, a, *p, b}));
  if (!ap.ok() || !bp.ok() || !both.ok()) std::abort();
  auto sum = crypto::bls12_g1_add(cat({*ap, *bp}));
  if (!sum.ok() || *sum != *both) std::abort();
  auto aq = crypto::bls12_g2_msm(cat({*q, a}));
  auto bq = crypto::bls12_g2_msm(cat({*q, b}));
  auto both2 = crypto::bls12_g2_msm(cat({*q, a, *q, b}));
  if (!aq.ok() || !bq.ok() || !both2.ok()) std::abort();
  auto sum2 = crypto::bls12_g2_add(cat({*aq, *bq}));
  if (!sum2.ok() || *sum2 != *both2) std::abort();
  // Bilinearity: e(aP, Q) * e(P, -aQ) == 1, with -aQ = (r - 1) * aQ.
  static const Bytes kRMinus1 = [] {
    const std::uint8_t r1[32] = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                                 0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                                 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00};
    return Bytes(r1, r1 + 32);
  }();
  auto neg_aq = crypto::bls12_g2_msm(cat({*aq, kRMinus1}));
  if (!neg_aq.ok()) std::abort();
  auto e = crypto::bls12_pairing_check(cat({*ap, *q, *p, *neg_aq}));
  if (!e.ok() || e->size() != 32 || (*e)[31] != 1) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0] % 8;
  const ByteView in(data + 1, size - 1);
  switch (mode) {
    case 0: check_g1_output(crypto::bls12_g1_add(in)); break;
    case 1: check_g1_output(crypto::bls12_g1_msm(in.subspan(0, std::min<std::size_t>(in.size(), 8 * 160)))); break;
    case 2: check_g2_output(crypto::bls12_g2_add(in)); break;
    case 3: check_g2_output(crypto::bls12_g2_msm(in.subspan(0, std::min<std::size_t>(in.size(), 4 * 288)))); break;
    case 4: {
      auto r = crypto::bls12_pairing_check(in.subspan(0, std::min<std::size_t>(in.size(), 3 * 384)));
      if (r.ok() && (r->size() != 32 || (*r)[31] > 1)) std::abort();
      break;
    }
    case 5: check_g1_output(crypto::bls12_map_fp_to_g1(in)); break;
    case 6: check_g2_output(crypto::bls12_map_fp2_to_g2(in)); break;
    default: structured(in.data(), in.size()); break;
  }
  // The gas functions are total.
  static_cast<void>(crypto::bls12_g1_msm_gas(in.size()) + crypto::bls12_g2_msm_gas(in.size()) +
                    crypto::bls12_pairing_gas(in.size()));
  return 0;
}
