// Multi-lane BLAKE2b finalization (see blake2b_multi.hpp).
//
// Layout: lane l's message word w of a block sits at m[w][l] (structure of arrays), so one vector load yields word w
// of every lane. The chaining value is either shared (broadcast) or per lane (h[word][lane]); the counter and the
// final flag are shared, since every lane's message has the same length.
#include "core/blake2b_multi.hpp"

#include "core/blake2b_constants.hpp"

#include <cstdlib>
#include <cstring>
#include <string_view>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define IGRA_B2BM_X86 1
#include <immintrin.h>
#else
#define IGRA_B2BM_X86 0
#endif

namespace igra::core {
namespace {

using blake2b_detail::kIv;
using blake2b_detail::kSigma;

inline std::uint64_t load64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

inline void store64(std::uint8_t* p, std::uint64_t v) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  std::memcpy(p, &v, 8);
}

constexpr std::size_t kL = Blake2bFinalBatch::kMaxLanes;

// --- scalar backend (1 lane) ---------------------------------------------------------------------------------

void kernel_scalar(const std::uint64_t* h_in, bool h_per_lane, std::uint64_t t0, bool last,
                   const std::uint64_t (*m)[kL], std::uint64_t (*h_out)[kL]) {
  std::uint64_t h[8], mm[16];
  for (int i = 0; i < 8; ++i) h[i] = h_per_lane ? h_in[kL * i] : h_in[i];
  for (int w = 0; w < 16; ++w) mm[w] = m[w][0];
  const std::uint64_t t[2] = {t0, 0};
  blake2b_compress(12, h, mm, t, last);
  for (int i = 0; i < 8; ++i) h_out[i][0] = h[i];
}

// --- SIMD backends -------------------------------------------------------------------------------------------
// One kernel body, instantiated per ISA through the V_* operation macros.

#define IGRA_B2BM_G(a, b, c, d, x, y)          \
  do {                                         \
    a = V_ADD(V_ADD(a, b), V_LOADM(x));        \
    d = V_ROT32(V_XOR(d, a));                  \
    c = V_ADD(c, d);                           \
    b = V_ROT24(V_XOR(b, c));                  \
    a = V_ADD(V_ADD(a, b), V_LOADM(y));        \
    d = V_ROT16(V_XOR(d, a));                  \
    c = V_ADD(c, d);                           \
    b = V_ROT63(V_XOR(b, c));                  \
  } while (0)

#define IGRA_B2BM_ROUND(r)                                                   \
  do {                                                                       \
    IGRA_B2BM_G(v0, v4, v8, v12, kSigma[r][0], kSigma[r][1]);                \
    IGRA_B2BM_G(v1, v5, v9, v13, kSigma[r][2], kSigma[r][3]);                \
    IGRA_B2BM_G(v2, v6, v10, v14, kSigma[r][4], kSigma[r][5]);               \
    IGRA_B2BM_G(v3, v7, v11, v15, kSigma[r][6], kSigma[r][7]);               \
    IGRA_B2BM_G(v0, v5, v10, v15, kSigma[r][8], kSigma[r][9]);               \
    IGRA_B2BM_G(v1, v6, v11, v12, kSigma[r][10], kSigma[r][11]);             \
    IGRA_B2BM_G(v2, v7, v8, v13, kSigma[r][12], kSigma[r][13]);              \
    IGRA_B2BM_G(v3, v4, v9, v14, kSigma[r][14], kSigma[r][15]);              \
  } while (0)

#define IGRA_B2BM_LOADH(i) (h_per_lane ? V_LOAD(h_in + kL * (i)) : V_SET1(h_in[i]))

#define IGRA_B2BM_BODY                                                                                     \
  V v0 = IGRA_B2BM_LOADH(0), v1 = IGRA_B2BM_LOADH(1), v2 = IGRA_B2BM_LOADH(2), v3 = IGRA_B2BM_LOADH(3);  \
  V v4 = IGRA_B2BM_LOADH(4), v5 = IGRA_B2BM_LOADH(5), v6 = IGRA_B2BM_LOADH(6), v7 = IGRA_B2BM_LOADH(7);  \
  V v8 = V_SET1(kIv[0]), v9 = V_SET1(kIv[1]), v10 = V_SET1(kIv[2]), v11 = V_SET1(kIv[3]);              \
  V v12 = V_SET1(kIv[4] ^ t0), v13 = V_SET1(kIv[5]);                                                     \
  V v14 = V_SET1(last ? ~kIv[6] : kIv[6]), v15 = V_SET1(kIv[7]);                                         \
  IGRA_B2BM_ROUND(0);                                                                                    \
  IGRA_B2BM_ROUND(1);                                                                                    \
  IGRA_B2BM_ROUND(2);                                                                                    \
  IGRA_B2BM_ROUND(3);                                                                                    \
  IGRA_B2BM_ROUND(4);                                                                                    \
  IGRA_B2BM_ROUND(5);                                                                                    \
  IGRA_B2BM_ROUND(6);                                                                                    \
  IGRA_B2BM_ROUND(7);                                                                                    \
  IGRA_B2BM_ROUND(8);                                                                                    \
  IGRA_B2BM_ROUND(9);                                                                                    \
  IGRA_B2BM_ROUND(0);                                                                                    \
  IGRA_B2BM_ROUND(1);                                                                                    \
  /* h_out may alias h_in: each word is read before it is written */                                    \
  V_STORE(h_out[0], V_XOR(IGRA_B2BM_LOADH(0), V_XOR(v0, v8)));                                           \
  V_STORE(h_out[1], V_XOR(IGRA_B2BM_LOADH(1), V_XOR(v1, v9)));                                           \
  V_STORE(h_out[2], V_XOR(IGRA_B2BM_LOADH(2), V_XOR(v2, v10)));                                          \
  V_STORE(h_out[3], V_XOR(IGRA_B2BM_LOADH(3), V_XOR(v3, v11)));                                          \
  V_STORE(h_out[4], V_XOR(IGRA_B2BM_LOADH(4), V_XOR(v4, v12)));                                          \
  V_STORE(h_out[5], V_XOR(IGRA_B2BM_LOADH(5), V_XOR(v5, v13)));                                          \
  V_STORE(h_out[6], V_XOR(IGRA_B2BM_LOADH(6), V_XOR(v6, v14)));                                          \
  V_STORE(h_out[7], V_XOR(IGRA_B2BM_LOADH(7), V_XOR(v7, v15)))

#if IGRA_B2BM_X86

__attribute__((target("avx2"), always_inline)) inline __m256i rot63_avx2(__m256i x) {
  return _mm256_or_si256(_mm256_srli_epi64(x, 63), _mm256_add_epi64(x, x));
}

// AVX2: 4 lanes in a ymm register. Rotations by 32/24/16 are byte shuffles, by 63 an add+shift.
__attribute__((target("avx2"))) void kernel_avx2(const std::uint64_t* h_in, bool h_per_lane, std::uint64_t t0,
                                                 bool last, const std::uint64_t (*m)[kL],
                                                 std::uint64_t (*h_out)[kL]) {
  using V = __m256i;
  const V rot24 = _mm256_setr_epi8(3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11,
                                   12, 13, 14, 15, 8, 9, 10);
  const V rot16 = _mm256_setr_epi8(2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10,
                                   11, 12, 13, 14, 15, 8, 9);
#define V_LOAD(p) _mm256_load_si256(reinterpret_cast<const __m256i*>(p))
#define V_LOADM(w) V_LOAD(m[w])
#define V_STORE(p, x) _mm256_store_si256(reinterpret_cast<__m256i*>(p), x)
#define V_SET1(x) _mm256_set1_epi64x(static_cast<long long>(x))
#define V_ADD(a, b) _mm256_add_epi64(a, b)
#define V_XOR(a, b) _mm256_xor_si256(a, b)
#define V_ROT32(x) _mm256_shuffle_epi32(x, 0xb1)
#define V_ROT24(x) _mm256_shuffle_epi8(x, rot24)
#define V_ROT16(x) _mm256_shuffle_epi8(x, rot16)
#define V_ROT63(x) rot63_avx2(x)
  IGRA_B2BM_BODY;
#undef V_LOAD
#undef V_LOADM
#undef V_STORE
#undef V_SET1
#undef V_ADD
#undef V_XOR
#undef V_ROT32
#undef V_ROT24
#undef V_ROT16
#undef V_ROT63
}

// AVX-512F: 8 lanes in a zmm register, native 64-bit rotates (the all-ones maskz form compiles to a plain vprorq
// and avoids a GCC 12 -Wuninitialized false positive in _mm512_ror_epi64).
__attribute__((target("avx512f"))) void kernel_avx512(const std::uint64_t* h_in, bool h_per_lane, std::uint64_t t0,
                                                      bool last, const std::uint64_t (*m)[kL],
                                                      std::uint64_t (*h_out)[kL]) {
  using V = __m512i;
#define V_LOAD(p) _mm512_load_si512(static_cast<const void*>(p))
#define V_LOADM(w) V_LOAD(m[w])
#define V_STORE(p, x) _mm512_store_si512(static_cast<void*>(p), x)
#define V_SET1(x) _mm512_set1_epi64(static_cast<long long>(x))
#define V_ADD(a, b) _mm512_add_epi64(a, b)
#define V_XOR(a, b) _mm512_xor_si512(a, b)
#define V_ROT32(x) _mm512_maskz_ror_epi64(0xff, x, 32)
#define V_ROT24(x) _mm512_maskz_ror_epi64(0xff, x, 24)
#define V_ROT16(x) _mm512_maskz_ror_epi64(0xff, x, 16)
#define V_ROT63(x) _mm512_maskz_ror_epi64(0xff, x, 63)
  IGRA_B2BM_BODY;
#undef V_LOAD
#undef V_LOADM
#undef V_STORE
#undef V_SET1
#undef V_ADD
#undef V_XOR
#undef V_ROT32
#undef V_ROT24
#undef V_ROT16
#undef V_ROT63
}

#endif  // IGRA_B2BM_X86

#undef IGRA_B2BM_BODY
#undef IGRA_B2BM_LOADH
#undef IGRA_B2BM_ROUND
#undef IGRA_B2BM_G

Blake2bFinalBatch::Kernel kernel_for(Blake2bBackend b) noexcept {
#if IGRA_B2BM_X86
  if (b == Blake2bBackend::kAvx512) return &kernel_avx512;
  if (b == Blake2bBackend::kAvx2) return &kernel_avx2;
#endif
  (void)b;
  return &kernel_scalar;
}

bool cpu_has(Blake2bBackend b) noexcept {
  switch (b) {
    case Blake2bBackend::kScalar:
      return true;
#if IGRA_B2BM_X86
    case Blake2bBackend::kAvx2:
      return __builtin_cpu_supports("avx2");
    case Blake2bBackend::kAvx512:
      return __builtin_cpu_supports("avx512f");
#endif
    default:
      return false;
  }
}

Blake2bBackend detect_best() noexcept {
  Blake2bBackend cap = Blake2bBackend::kAvx512;
  if (const char* env = std::getenv("IGRA_BLAKE2B_BACKEND")) {
    const std::string_view e(env);
    if (e == "scalar") cap = Blake2bBackend::kScalar;
    if (e == "avx2") cap = Blake2bBackend::kAvx2;
  }
  for (auto b : {Blake2bBackend::kAvx512, Blake2bBackend::kAvx2}) {
    if (static_cast<int>(b) <= static_cast<int>(cap) && cpu_has(b)) return b;
  }
  return Blake2bBackend::kScalar;
}

}  // namespace

bool blake2b_backend_available(Blake2bBackend b) noexcept {
  static const bool avail[3] = {true, cpu_has(Blake2bBackend::kAvx2), cpu_has(Blake2bBackend::kAvx512)};
  const auto i = static_cast<std::size_t>(b);
  return i < 3 && avail[i];
}

Blake2bBackend blake2b_best_backend() noexcept {
  static const Blake2bBackend best = detect_best();
  return best;
}

std::size_t blake2b_backend_lanes(Blake2bBackend b) noexcept {
  switch (b) {
    case Blake2bBackend::kAvx2:
      return 4;
    case Blake2bBackend::kAvx512:
      return 8;
    default:
      return 1;
  }
}

const char* blake2b_backend_name(Blake2bBackend b) noexcept {
  switch (b) {
    case Blake2bBackend::kAvx2:
      return "avx2";
    case Blake2bBackend::kAvx512:
      return "avx512";
    default:
      return "scalar";
  }
}

Blake2bFinalBatch::Blake2bFinalBatch(const Blake2b& midstate, std::size_t tail_len, Blake2bBackend backend) noexcept {
  backend_ = blake2b_backend_available(backend) ? backend : Blake2bBackend::kScalar;
  lanes_ = blake2b_backend_lanes(backend_);
  kernel_ = kernel_for(backend_);
  tail_len_ = tail_len < kMaxTail ? tail_len : kMaxTail;

  const Blake2bState s = midstate.export_state();
  out_len_ = s.out_len;
  std::memcpy(h_, s.h, sizeof(h_));
  std::size_t buffered = s.buf_len;
  std::uint8_t blocks[256] = {};
  if (buffered == 128 && tail_len_ > 0) {
    // The buffered block is full and more data follows: it is a shared, non-final block. Compress it once.
    std::uint64_t mm[16];
    for (int w = 0; w < 16; ++w) mm[w] = load64(s.buf + 8 * w);
    const std::uint64_t t[2] = {s.t, 0};
    blake2b_compress(12, h_, mm, t, false);
    buffered = 0;
  } else {
    std::memcpy(blocks, s.buf, buffered);
  }
  tail_off_ = buffered;
  // s.t counts the buffered bytes already.
  if (buffered + tail_len_ <= 128) {
    blocks_ = 1;
    counter_[0] = s.t + tail_len_;
    counter_[1] = 0;
  } else {
    blocks_ = 2;
    counter_[0] = s.t + (128 - buffered);
    counter_[1] = s.t + tail_len_;
  }
  word0_ = tail_off_ / 8 < 32 ? tail_off_ / 8 : 31;
  shift_ = static_cast<unsigned>(8 * (tail_off_ % 8));
  two_words_ = tail_off_ % 8 + tail_len_ > 8 && word0_ + 1 < 32;
  for (std::size_t w = 0; w < 32; ++w) {
    tmpl_[w] = load64(blocks + 8 * w);
    for (std::size_t l = 0; l < kMaxLanes; ++l) m_[w / 16][w % 16][l] = tmpl_[w];
  }
}

void Blake2bFinalBatch::set_tail(std::size_t lane, const std::uint8_t* tail) noexcept {
  std::size_t pos = tail_off_;
  std::size_t rem = tail_len_;
  while (rem > 0) {
    const std::size_t w = pos / 8, b = pos % 8;
    const std::size_t take = 8 - b < rem ? 8 - b : rem;
    std::uint64_t v = tmpl_[w];
    for (std::size_t k = 0; k < take; ++k) v |= static_cast<std::uint64_t>(tail[k]) << (8 * (b + k));
    m_[w / 16][w % 16][lane] = v;
    pos += take;
    tail += take;
    rem -= take;
  }
}

void Blake2bFinalBatch::compute_words(std::uint64_t h[8][kMaxLanes]) const noexcept {
  if (blocks_ == 1) {
    kernel_(h_, false, counter_[0], true, m_[0], h);
  } else {
    kernel_(h_, false, counter_[0], false, m_[0], h);
    kernel_(&h[0][0], true, counter_[1], true, m_[1], h);
  }
}

void Blake2bFinalBatch::compute(std::uint8_t* out) const noexcept {
  alignas(64) std::uint64_t h[8][kMaxLanes];
  compute_words(h);
  const std::size_t full = out_len_ / 8, part = out_len_ % 8;
  for (std::size_t l = 0; l < lanes_; ++l) {
    std::uint8_t* o = out + l * out_len_;
    for (std::size_t i = 0; i < full; ++i) store64(o + 8 * i, h[i][l]);
    for (std::size_t k = 0; k < part; ++k) o[8 * full + k] = static_cast<std::uint8_t>(h[full][l] >> (8 * k));
  }
}

void blake2b_final_many(const Blake2b& midstate, const std::uint8_t* const tails[], std::size_t tail_len,
                        std::size_t n, std::uint8_t* out, Blake2bBackend backend) noexcept {
  const std::size_t out_len = midstate.out_len();
  if (tail_len > Blake2bFinalBatch::kMaxTail) {
    for (std::size_t i = 0; i < n; ++i) {
      Blake2b h = midstate;
      h.update(ByteView(tails[i], tail_len));
      h.finalize(out + i * out_len);
    }
    return;
  }
  Blake2bFinalBatch batch(midstate, tail_len, backend);
  const std::size_t lanes = batch.lanes();
  std::uint8_t tmp[Blake2bFinalBatch::kMaxLanes * 64];
  for (std::size_t i = 0; i < n; i += lanes) {
    const std::size_t k = n - i < lanes ? n - i : lanes;
    for (std::size_t j = 0; j < k; ++j) batch.set_tail(j, tails[i + j]);
    if (k == lanes) {
      batch.compute(out + i * out_len);
    } else {
      batch.compute(tmp);
      std::memcpy(out + i * out_len, tmp, k * out_len);
    }
  }
}

}  // namespace igra::core
