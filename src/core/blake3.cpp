// BLAKE3 (hash and keyed_hash modes, 32-byte output). Portable implementation following the BLAKE3
// specification: 1024-byte chunks of 64-byte blocks, binary tree of parent nodes built with a stack of
// chaining values (one entry per set bit of the number of completed chunks).
#include "core/blake3.hpp"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace igra::core {
namespace {

constexpr std::uint32_t kIv[8] = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
                                  0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};

constexpr std::uint32_t kChunkStart = 1u << 0;
constexpr std::uint32_t kChunkEnd = 1u << 1;
constexpr std::uint32_t kParent = 1u << 2;
constexpr std::uint32_t kRoot = 1u << 3;
constexpr std::uint32_t kKeyedHash = 1u << 4;

constexpr std::size_t kBlockLen = 64;
constexpr std::size_t kChunkLen = 1024;

// Message word order of each of the 7 rounds: round r uses the spec's permutation applied r times.
struct Schedule {
  std::uint8_t s[7][16];
};
constexpr Schedule make_schedule() {
  constexpr std::uint8_t perm[16] = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};
  Schedule out{};
  for (int i = 0; i < 16; ++i) out.s[0][i] = static_cast<std::uint8_t>(i);
  for (int r = 1; r < 7; ++r)
    for (int i = 0; i < 16; ++i) out.s[r][i] = out.s[r - 1][perm[i]];
  return out;
}
constexpr Schedule kSchedule = make_schedule();

inline std::uint32_t rotr32(std::uint32_t x, unsigned n) noexcept { return (x >> n) | (x << (32 - n)); }

inline std::uint32_t load32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap32(v);
#endif
  return v;
}

inline void store32(std::uint8_t* p, std::uint32_t v) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap32(v);
#endif
  std::memcpy(p, &v, 4);
}

#define IGRA_B3_G(a, b, c, d, x, y) \
  do {                              \
    a = a + b + (x);                \
    d = rotr32(d ^ a, 16);          \
    c = c + d;                      \
    b = rotr32(b ^ c, 12);          \
    a = a + b + (y);                \
    d = rotr32(d ^ a, 8);           \
    c = c + d;                      \
    b = rotr32(b ^ c, 7);           \
  } while (0)

#define IGRA_B3_ROUND(r)                                                                   \
  do {                                                                                     \
    const std::uint8_t* s = kSchedule.s[r];                                                \
    IGRA_B3_G(v0, v4, v8, v12, m[s[0]], m[s[1]]);                                          \
    IGRA_B3_G(v1, v5, v9, v13, m[s[2]], m[s[3]]);                                          \
    IGRA_B3_G(v2, v6, v10, v14, m[s[4]], m[s[5]]);                                         \
    IGRA_B3_G(v3, v7, v11, v15, m[s[6]], m[s[7]]);                                         \
    IGRA_B3_G(v0, v5, v10, v15, m[s[8]], m[s[9]]);                                         \
    IGRA_B3_G(v1, v6, v11, v12, m[s[10]], m[s[11]]);                                       \
    IGRA_B3_G(v2, v7, v8, v13, m[s[12]], m[s[13]]);                                        \
    IGRA_B3_G(v3, v4, v9, v14, m[s[14]], m[s[15]]);                                        \
  } while (0)

// The compression function, truncated to the 8-word chaining value (we only produce 32-byte outputs).
void compress_cv(std::uint32_t cv[8], const std::uint8_t block[64], std::uint8_t block_len, std::uint64_t counter,
                 std::uint32_t flags) noexcept {
  std::uint32_t m[16];
  for (int i = 0; i < 16; ++i) m[i] = load32(block + 4 * i);
  std::uint32_t v0 = cv[0], v1 = cv[1], v2 = cv[2], v3 = cv[3], v4 = cv[4], v5 = cv[5], v6 = cv[6], v7 = cv[7];
  std::uint32_t v8 = kIv[0], v9 = kIv[1], v10 = kIv[2], v11 = kIv[3];
  std::uint32_t v12 = static_cast<std::uint32_t>(counter), v13 = static_cast<std::uint32_t>(counter >> 32);
  std::uint32_t v14 = block_len, v15 = flags;
  IGRA_B3_ROUND(0);
  IGRA_B3_ROUND(1);
  IGRA_B3_ROUND(2);
  IGRA_B3_ROUND(3);
  IGRA_B3_ROUND(4);
  IGRA_B3_ROUND(5);
  IGRA_B3_ROUND(6);
  cv[0] = v0 ^ v8;
  cv[1] = v1 ^ v9;
  cv[2] = v2 ^ v10;
  cv[3] = v3 ^ v11;
  cv[4] = v4 ^ v12;
  cv[5] = v5 ^ v13;
  cv[6] = v6 ^ v14;
  cv[7] = v7 ^ v15;
}

#undef IGRA_B3_ROUND
#undef IGRA_B3_G

// Eight compressions side by side: lane l compresses cv[l] with block[l]; block_len, counter and flags are the
// same for every lane.
using CompressLanesFn = void (*)(std::uint32_t cv[8][8], const std::uint8_t block[8][64], std::uint8_t block_len,
                                 std::uint64_t counter, std::uint32_t flags);

void compress_lanes_scalar(std::uint32_t cv[8][8], const std::uint8_t block[8][64], std::uint8_t block_len,
                           std::uint64_t counter, std::uint32_t flags) {
  for (int l = 0; l < 8; ++l) compress_cv(cv[l], block[l], block_len, counter, flags);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) void compress_lanes_avx2(std::uint32_t cv[8][8], const std::uint8_t block[8][64],
                                                          std::uint8_t block_len, std::uint64_t counter,
                                                          std::uint32_t flags) {
  __m256i m[16];
  for (int j = 0; j < 16; ++j)
    m[j] = _mm256_setr_epi32(static_cast<int>(load32(block[0] + 4 * j)), static_cast<int>(load32(block[1] + 4 * j)),
                             static_cast<int>(load32(block[2] + 4 * j)), static_cast<int>(load32(block[3] + 4 * j)),
                             static_cast<int>(load32(block[4] + 4 * j)), static_cast<int>(load32(block[5] + 4 * j)),
                             static_cast<int>(load32(block[6] + 4 * j)), static_cast<int>(load32(block[7] + 4 * j)));
  __m256i v[16];
  for (int i = 0; i < 8; ++i)
    v[i] = _mm256_setr_epi32(static_cast<int>(cv[0][i]), static_cast<int>(cv[1][i]), static_cast<int>(cv[2][i]),
                             static_cast<int>(cv[3][i]), static_cast<int>(cv[4][i]), static_cast<int>(cv[5][i]),
                             static_cast<int>(cv[6][i]), static_cast<int>(cv[7][i]));
  for (int i = 0; i < 4; ++i) v[8 + i] = _mm256_set1_epi32(static_cast<int>(kIv[i]));
  v[12] = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(counter)));
  v[13] = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(counter >> 32)));
  v[14] = _mm256_set1_epi32(block_len);
  v[15] = _mm256_set1_epi32(static_cast<int>(flags));
#define IGRA_B3_ROTR(x, n) _mm256_or_si256(_mm256_srli_epi32((x), (n)), _mm256_slli_epi32((x), 32 - (n)))
  // Byte-aligned rotations as byte shuffles (one instruction instead of three).
  const __m256i rot16 = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5,
                                         10, 11, 8, 9, 14, 15, 12, 13);
  const __m256i rot8 = _mm256_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, 1, 2, 3, 0, 5, 6, 7, 4,
                                        9, 10, 11, 8, 13, 14, 15, 12);
#define IGRA_B3_G8(a, b, c, d, x, y)                                          \
  do {                                                                        \
    v[a] = _mm256_add_epi32(_mm256_add_epi32(v[a], v[b]), (x));              \
    v[d] = _mm256_shuffle_epi8(_mm256_xor_si256(v[d], v[a]), rot16);         \
    v[c] = _mm256_add_epi32(v[c], v[d]);                                     \
    v[b] = IGRA_B3_ROTR(_mm256_xor_si256(v[b], v[c]), 12);                  \
    v[a] = _mm256_add_epi32(_mm256_add_epi32(v[a], v[b]), (y));              \
    v[d] = _mm256_shuffle_epi8(_mm256_xor_si256(v[d], v[a]), rot8);          \
    v[c] = _mm256_add_epi32(v[c], v[d]);                                     \
    v[b] = IGRA_B3_ROTR(_mm256_xor_si256(v[b], v[c]), 7);                   \
  } while (0)
  for (int r = 0; r < 7; ++r) {
    const std::uint8_t* sc = kSchedule.s[r];
    IGRA_B3_G8(0, 4, 8, 12, m[sc[0]], m[sc[1]]);
    IGRA_B3_G8(1, 5, 9, 13, m[sc[2]], m[sc[3]]);
    IGRA_B3_G8(2, 6, 10, 14, m[sc[4]], m[sc[5]]);
    IGRA_B3_G8(3, 7, 11, 15, m[sc[6]], m[sc[7]]);
    IGRA_B3_G8(0, 5, 10, 15, m[sc[8]], m[sc[9]]);
    IGRA_B3_G8(1, 6, 11, 12, m[sc[10]], m[sc[11]]);
    IGRA_B3_G8(2, 7, 8, 13, m[sc[12]], m[sc[13]]);
    IGRA_B3_G8(3, 4, 9, 14, m[sc[14]], m[sc[15]]);
  }
#undef IGRA_B3_G8
#undef IGRA_B3_ROTR
  alignas(32) std::uint32_t out[8][8];
  for (int i = 0; i < 8; ++i) _mm256_store_si256(reinterpret_cast<__m256i*>(out[i]), _mm256_xor_si256(v[i], v[i + 8]));
  for (int l = 0; l < 8; ++l)
    for (int i = 0; i < 8; ++i) cv[l][i] = out[i][l];
}
#endif

CompressLanesFn pick_compress_lanes() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) return &compress_lanes_avx2;
#endif
  return &compress_lanes_scalar;
}
const CompressLanesFn compress_lanes = pick_compress_lanes();

// ---- Nonce search over a chain of two hashes (Blake3::search_nonce_chain) ----
// Everything constant across nonces, computed once in scalar code.
struct SearchPlan {
  std::uint32_t cv1[8];      // chaining value before the block that ends with the 4-byte tail
  std::uint32_t m1[16];      // that block's words with the tail bytes zero
  unsigned tail_word = 0;    // word holding the tail's first byte
  unsigned tail_shift = 0;   // bit offset of that byte in the word (0, 8, 16, 24)
  std::uint32_t counter1_lo = 0, counter1_hi = 0, block_len1 = 0, flags1 = 0;  // flags1 has kRoot when no stack
  std::uint32_t stack[54][8];  // left siblings still to merge, top of the stack first
  unsigned stack_len = 0;
  std::uint32_t key1[8];
  std::uint32_t parent_flags = 0;  // kRoot added at the last merge
  std::uint32_t key2[8];           // the second hash: one 64-byte block, first digest || suffix
  std::uint32_t counter2_lo = 0, counter2_hi = 0, flags2 = 0;
  std::uint32_t suffix[8];
  std::uint32_t pmask = 0, pval = 0;  // filter on the digest's first word: (w0 & pmask) == pval
};

// Scans `groups` groups of W consecutive nonces from `start` (lane l of group g: start + g*W + l, wrapping). Returns
// the index of the first group with a lane passing the first-word filter and sets *mask to its lanes (bit l), or
// returns `groups` with *mask = 0.
using ScanFn = std::uint64_t (*)(const SearchPlan& p, std::uint32_t start, std::uint64_t groups, std::uint32_t* mask);

// One compression of W lanes: state words V v[16] from the chaining value vectors CV[8], message vectors M[16].
#define IGRA_B3S_G(a, b, c, d, x, y)           \
  do {                                         \
    v[a] = V_ADD(V_ADD(v[a], v[b]), (x));      \
    v[d] = V_ROR16(V_XOR(v[d], v[a]));         \
    v[c] = V_ADD(v[c], v[d]);                  \
    v[b] = V_ROR12(V_XOR(v[b], v[c]));         \
    v[a] = V_ADD(V_ADD(v[a], v[b]), (y));      \
    v[d] = V_ROR8(V_XOR(v[d], v[a]));          \
    v[c] = V_ADD(v[c], v[d]);                  \
    v[b] = V_ROR7(V_XOR(v[b], v[c]));          \
  } while (0)
#define IGRA_B3S_COMPRESS(CV, M, ctr_lo, ctr_hi, blen, flg)                        \
  do {                                                                             \
    for (int i_ = 0; i_ < 8; ++i_) v[i_] = (CV)[i_];                               \
    for (int i_ = 0; i_ < 4; ++i_) v[8 + i_] = iv[i_];                             \
    v[12] = V_SET1(ctr_lo);                                                        \
    v[13] = V_SET1(ctr_hi);                                                        \
    v[14] = V_SET1(blen);                                                          \
    v[15] = V_SET1(flg);                                                           \
    for (int r_ = 0; r_ < 7; ++r_) {                                               \
      const std::uint8_t* sc = kSchedule.s[r_];                                    \
      IGRA_B3S_G(0, 4, 8, 12, (M)[sc[0]], (M)[sc[1]]);                             \
      IGRA_B3S_G(1, 5, 9, 13, (M)[sc[2]], (M)[sc[3]]);                             \
      IGRA_B3S_G(2, 6, 10, 14, (M)[sc[4]], (M)[sc[5]]);                            \
      IGRA_B3S_G(3, 7, 11, 15, (M)[sc[6]], (M)[sc[7]]);                            \
      IGRA_B3S_G(0, 5, 10, 15, (M)[sc[8]], (M)[sc[9]]);                            \
      IGRA_B3S_G(1, 6, 11, 12, (M)[sc[10]], (M)[sc[11]]);                          \
      IGRA_B3S_G(2, 7, 8, 13, (M)[sc[12]], (M)[sc[13]]);                           \
      IGRA_B3S_G(3, 4, 9, 14, (M)[sc[14]], (M)[sc[15]]);                           \
    }                                                                              \
  } while (0)
#if defined(__x86_64__)
__attribute__((target("avx2"))) std::uint64_t scan_avx2(const SearchPlan& p, std::uint32_t start,
                                                        std::uint64_t groups, std::uint32_t* mask) {
  using V = __m256i;
  constexpr std::uint32_t W = 8;
  const V rot16 = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5,
                                   10, 11, 8, 9, 14, 15, 12, 13);
  const V rot8 = _mm256_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, 1, 2, 3, 0, 5, 6, 7, 4,
                                  9, 10, 11, 8, 13, 14, 15, 12);
  const V bswap = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4,
                                   11, 10, 9, 8, 15, 14, 13, 12);
#define V_SET1(x) _mm256_set1_epi32(static_cast<int>(x))
#define V_ADD(a, b) _mm256_add_epi32(a, b)
#define V_XOR(a, b) _mm256_xor_si256(a, b)
#define V_OR(a, b) _mm256_or_si256(a, b)
#define V_AND(a, b) _mm256_and_si256(a, b)
#define V_ROR16(x) _mm256_shuffle_epi8(x, rot16)
#define V_ROR8(x) _mm256_shuffle_epi8(x, rot8)
#define V_ROR12(x) _mm256_or_si256(_mm256_srli_epi32(x, 12), _mm256_slli_epi32(x, 20))
#define V_ROR7(x) _mm256_or_si256(_mm256_srli_epi32(x, 7), _mm256_slli_epi32(x, 25))
#define V_BSWAP(x) _mm256_shuffle_epi8(x, bswap)
#define V_SLL(x, n) _mm256_sll_epi32(x, _mm_cvtsi32_si128(static_cast<int>(n)))
#define V_SRL(x, n) _mm256_srl_epi32(x, _mm_cvtsi32_si128(static_cast<int>(n)))
#define V_LANES _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#define V_EQMASK(a, b) static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(a, b))))
#include "core/blake3_search_body.inc"
}

// AVX-512: 16 lanes, native rotates. The all-ones maskz forms compile to the plain instructions and avoid GCC 12's
// -Wuninitialized false positives in the unmasked intrinsics (as in blake2b_multi.cpp).
__attribute__((target("avx512f,avx512bw"))) std::uint64_t scan_avx512(const SearchPlan& p, std::uint32_t start,
                                                                      std::uint64_t groups, std::uint32_t* mask) {
  using V = __m512i;
  constexpr std::uint32_t W = 16;
  const V bswap = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);  // byte order reversed per word
#define V_SET1(x) _mm512_set1_epi32(static_cast<int>(x))
#define V_ADD(a, b) _mm512_add_epi32(a, b)
#define V_XOR(a, b) _mm512_xor_si512(a, b)
#define V_OR(a, b) _mm512_or_si512(a, b)
#define V_AND(a, b) _mm512_and_si512(a, b)
#define V_ROR16(x) _mm512_maskz_ror_epi32(0xffff, x, 16)
#define V_ROR8(x) _mm512_maskz_ror_epi32(0xffff, x, 8)
#define V_ROR12(x) _mm512_maskz_ror_epi32(0xffff, x, 12)
#define V_ROR7(x) _mm512_maskz_ror_epi32(0xffff, x, 7)
#define V_BSWAP(x) _mm512_shuffle_epi8(x, bswap)
#define V_SLL(x, n) _mm512_maskz_sll_epi32(0xffff, x, _mm_cvtsi32_si128(static_cast<int>(n)))
#define V_SRL(x, n) _mm512_maskz_srl_epi32(0xffff, x, _mm_cvtsi32_si128(static_cast<int>(n)))
#define V_LANES _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define V_EQMASK(a, b) static_cast<std::uint32_t>(_mm512_cmpeq_epi32_mask(a, b))
#include "core/blake3_search_body.inc"
}
#endif

#undef IGRA_B3S_COMPRESS
#undef IGRA_B3S_G

// The scan function and its lane count for `lanes` (0: the best this CPU has); {nullptr, 0} when unavailable.
std::pair<ScanFn, unsigned> pick_scan(unsigned lanes) noexcept {
#if defined(__x86_64__)
  const bool has512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  const bool has2 = __builtin_cpu_supports("avx2");
  if ((lanes == 0 || lanes == 16) && has512) return {&scan_avx512, 16};
  if ((lanes == 0 || lanes == 8) && has2) return {&scan_avx2, 8};
#endif
  (void)lanes;
  return {nullptr, 0};
}

// A parent node's input block: left child CV || right child CV.
inline void parent_block(std::uint8_t block[64], const std::uint32_t left[8], const std::uint32_t right[8]) noexcept {
  for (int i = 0; i < 8; ++i) store32(block + 4 * i, left[i]);
  for (int i = 0; i < 8; ++i) store32(block + 32 + 4 * i, right[i]);
}

}  // namespace

Blake3::Blake3() noexcept : flags_(0) {
  std::memcpy(key_, kIv, sizeof(key_));
  chunk_init(0);
}

Blake3::Blake3(const Hash32& key) noexcept : flags_(kKeyedHash) {
  for (int i = 0; i < 8; ++i) key_[i] = load32(key.data() + 4 * i);
  chunk_init(0);
}

Blake3 Blake3::keyed_domain(std::string_view domain) noexcept {
  Hash32 key;
  std::size_t n = domain.size() < 32 ? domain.size() : 32;
  std::memcpy(key.data(), domain.data(), n);
  return Blake3(key);
}

void Blake3::chunk_init(std::uint64_t counter) noexcept {
  std::memcpy(chunk_.cv, key_, sizeof(key_));
  chunk_.chunk_counter = counter;
  std::memset(chunk_.block, 0, sizeof(chunk_.block));
  chunk_.block_len = 0;
  chunk_.blocks_compressed = 0;
  chunk_.flags = flags_;
}

void Blake3::push_cv(const std::uint32_t cv[8], std::uint64_t total_chunks) noexcept {
  // Merge completed subtrees: each trailing zero bit of total_chunks closes one parent node.
  std::uint32_t node[8];
  std::memcpy(node, cv, sizeof(node));
  std::uint8_t block[64];
  while ((total_chunks & 1) == 0) {
    --cv_stack_len_;
    parent_block(block, cv_stack_[cv_stack_len_], node);
    std::memcpy(node, key_, sizeof(node));
    compress_cv(node, block, 64, 0, flags_ | kParent);
    total_chunks >>= 1;
  }
  std::memcpy(cv_stack_[cv_stack_len_], node, sizeof(node));
  ++cv_stack_len_;
}

void Blake3::update(ByteView data) noexcept {
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  while (n > 0) {
    // A full chunk is finished only once more input arrives (it might be the root otherwise).
    std::size_t chunk_len = std::size_t{chunk_.blocks_compressed} * kBlockLen + chunk_.block_len;
    if (chunk_len == kChunkLen) {
      compress_cv(chunk_.cv, chunk_.block, chunk_.block_len, chunk_.chunk_counter,
                  chunk_.flags | (chunk_.blocks_compressed == 0 ? kChunkStart : 0) | kChunkEnd);
      std::uint32_t cv[8];
      std::memcpy(cv, chunk_.cv, sizeof(cv));
      std::uint64_t total = chunk_.chunk_counter + 1;
      push_cv(cv, total);
      chunk_init(total);
      continue;
    }
    // Within a chunk: a full block buffer is compressed only once more input for this chunk arrives.
    if (chunk_.block_len == kBlockLen) {
      compress_cv(chunk_.cv, chunk_.block, 64, chunk_.chunk_counter,
                  chunk_.flags | (chunk_.blocks_compressed == 0 ? kChunkStart : 0));
      ++chunk_.blocks_compressed;
      chunk_.block_len = 0;
      std::memset(chunk_.block, 0, sizeof(chunk_.block));
    }
    // Fast path: whole blocks straight from the input when the buffer is empty and more data follows
    // within this chunk.
    while (chunk_.block_len == 0 && n > kBlockLen && chunk_.blocks_compressed < kChunkLen / kBlockLen - 1) {
      compress_cv(chunk_.cv, p, 64, chunk_.chunk_counter,
                  chunk_.flags | (chunk_.blocks_compressed == 0 ? kChunkStart : 0));
      ++chunk_.blocks_compressed;
      p += kBlockLen;
      n -= kBlockLen;
    }
    std::size_t take = kBlockLen - chunk_.block_len;
    if (take > n) take = n;
    std::memcpy(chunk_.block + chunk_.block_len, p, take);
    chunk_.block_len = static_cast<std::uint8_t>(chunk_.block_len + take);
    p += take;
    n -= take;
  }
}

Hash32 Blake3::finalize() const noexcept { return finalize_chunk(chunk_); }

Hash32 Blake3::finalize_with(ByteView tail) const noexcept {
  const std::size_t chunk_len = std::size_t{chunk_.blocks_compressed} * kBlockLen + chunk_.block_len;
  if (chunk_len + tail.size() > kChunkLen) {
    // The tail completes the chunk: the CV stack changes, take the general path.
    Blake3 copy = *this;
    copy.update(tail);
    return copy.finalize();
  }
  // Same block handling as update() within one chunk, on a local copy of the chunk state.
  ChunkState c = chunk_;
  const std::uint8_t* p = tail.data();
  std::size_t n = tail.size();
  while (n > 0) {
    if (c.block_len == kBlockLen) {
      compress_cv(c.cv, c.block, 64, c.chunk_counter, c.flags | (c.blocks_compressed == 0 ? kChunkStart : 0));
      ++c.blocks_compressed;
      c.block_len = 0;
    }
    std::size_t take = kBlockLen - c.block_len;
    if (take > n) take = n;
    std::memcpy(c.block + c.block_len, p, take);
    c.block_len = static_cast<std::uint8_t>(c.block_len + take);
    p += take;
    n -= take;
  }
  return finalize_chunk(c);
}

void Blake3::finalize_with_lanes(const std::uint8_t* tails, std::size_t tail_len, Hash32 out[kLanes]) const noexcept {
  const std::size_t chunk_len = std::size_t{chunk_.blocks_compressed} * kBlockLen + chunk_.block_len;
  if (chunk_len + tail_len > kChunkLen) {
    for (std::size_t l = 0; l < kLanes; ++l) out[l] = finalize_with(ByteView(tails + l * tail_len, tail_len));
    return;
  }
  // finalize_with's block handling, for every lane at once: all lanes share the control flow (same lengths).
  std::uint32_t cv[8][8];
  std::uint8_t block[8][64];
  for (std::size_t l = 0; l < kLanes; ++l) {
    std::memcpy(cv[l], chunk_.cv, sizeof(chunk_.cv));
    std::memcpy(block[l], chunk_.block, 64);
  }
  std::size_t block_len = chunk_.block_len;
  std::uint8_t blocks_compressed = chunk_.blocks_compressed;
  std::size_t done = 0;
  while (done < tail_len) {
    if (block_len == kBlockLen) {
      compress_lanes(cv, block, 64, chunk_.chunk_counter, chunk_.flags | (blocks_compressed == 0 ? kChunkStart : 0));
      ++blocks_compressed;
      block_len = 0;
    }
    std::size_t take = kBlockLen - block_len;
    if (take > tail_len - done) take = tail_len - done;
    for (std::size_t l = 0; l < kLanes; ++l) std::memcpy(block[l] + block_len, tails + l * tail_len + done, take);
    block_len += take;
    done += take;
  }
  // finalize_chunk, lane-parallel.
  for (std::size_t l = 0; l < kLanes; ++l) std::memset(block[l] + block_len, 0, 64 - block_len);
  std::uint64_t counter = chunk_.chunk_counter;
  std::uint32_t flags = chunk_.flags | (blocks_compressed == 0 ? kChunkStart : 0) | kChunkEnd;
  for (std::size_t i = cv_stack_len_; i-- > 0;) {
    compress_lanes(cv, block, static_cast<std::uint8_t>(block_len), counter, flags);
    for (std::size_t l = 0; l < kLanes; ++l) {
      parent_block(block[l], cv_stack_[i], cv[l]);
      std::memcpy(cv[l], key_, sizeof(key_));
    }
    block_len = 64;
    counter = 0;
    flags = flags_ | kParent;
  }
  compress_lanes(cv, block, static_cast<std::uint8_t>(block_len), counter, flags | kRoot);
  for (std::size_t l = 0; l < kLanes; ++l)
    for (int i = 0; i < 8; ++i) store32(out[l].data() + 4 * i, cv[l][i]);
}

unsigned Blake3::nonce_search_lanes() noexcept { return pick_scan(0).second; }

Blake3::NonceSearch Blake3::search_nonce_chain(const Blake3& second, const Hash32& suffix, ByteView prefix,
                                               std::uint32_t start, std::uint64_t max_tries,
                                               unsigned lanes) const noexcept {
  NonceSearch out;
  const auto [scan, width] = pick_scan(lanes);
  if (scan == nullptr || prefix.size() > 32) return out;
  // The second hash must be empty: its only block is (first digest || suffix).
  if (second.cv_stack_len_ != 0 || second.chunk_.blocks_compressed != 0 || second.chunk_.block_len != 0) return out;
  SearchPlan p;
  // finalize_with's block handling for a 4-byte tail, done once: where the tail lands and what precedes it.
  constexpr std::size_t kTail = 4;
  const std::size_t chunk_len = std::size_t{chunk_.blocks_compressed} * kBlockLen + chunk_.block_len;
  if (chunk_len + kTail > kChunkLen) return out;
  std::memcpy(p.cv1, chunk_.cv, sizeof(p.cv1));
  std::uint8_t block[64];
  std::memcpy(block, chunk_.block, 64);
  std::size_t block_len = chunk_.block_len;
  std::uint8_t blocks_compressed = chunk_.blocks_compressed;
  if (block_len == kBlockLen) {  // a full buffered block is compressed before the tail starts a new one
    compress_cv(p.cv1, block, 64, chunk_.chunk_counter, chunk_.flags | (blocks_compressed == 0 ? kChunkStart : 0));
    ++blocks_compressed;
    block_len = 0;
  }
  if (block_len + kTail > kBlockLen) return out;  // the tail would straddle two blocks
  std::memset(block + block_len, 0, 64 - block_len);
  for (int i = 0; i < 16; ++i) p.m1[i] = load32(block + 4 * i);
  p.tail_word = static_cast<unsigned>(block_len / 4);
  p.tail_shift = static_cast<unsigned>(8 * (block_len % 4));
  p.counter1_lo = static_cast<std::uint32_t>(chunk_.chunk_counter);
  p.counter1_hi = static_cast<std::uint32_t>(chunk_.chunk_counter >> 32);
  p.block_len1 = static_cast<std::uint32_t>(block_len + kTail);
  p.flags1 = chunk_.flags | (blocks_compressed == 0 ? kChunkStart : 0) | kChunkEnd | (cv_stack_len_ == 0 ? kRoot : 0);
  p.stack_len = cv_stack_len_;
  for (unsigned k = 0; k < p.stack_len; ++k) std::memcpy(p.stack[k], cv_stack_[cv_stack_len_ - 1 - k], 32);
  std::memcpy(p.key1, key_, sizeof(p.key1));
  p.parent_flags = flags_ | kParent;
  std::memcpy(p.key2, second.chunk_.cv, sizeof(p.key2));
  p.counter2_lo = static_cast<std::uint32_t>(second.chunk_.chunk_counter);
  p.counter2_hi = static_cast<std::uint32_t>(second.chunk_.chunk_counter >> 32);
  p.flags2 = second.chunk_.flags | kChunkStart | kChunkEnd | kRoot;
  for (int i = 0; i < 8; ++i) p.suffix[i] = load32(suffix.data() + 4 * i);
  std::uint8_t pfx[4] = {0, 0, 0, 0}, pmask[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < prefix.size() && i < 4; ++i) {
    pfx[i] = prefix[i];
    pmask[i] = 0xff;
  }
  p.pval = load32(pfx);
  p.pmask = load32(pmask);
  out.supported = true;

  // Candidates from the vector filter are confirmed with the scalar chain (the whole prefix, every byte).
  auto digest = [&](std::uint32_t n) {
    const std::uint8_t nb[kTail] = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                                    static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    const Hash32 d1 = finalize_with(ByteView(nb, kTail));
    std::uint8_t msg[64];
    std::memcpy(msg, d1.data(), 32);
    std::memcpy(msg + 32, suffix.data(), 32);
    return second.finalize_with(ByteView(msg, 64));
  };
  auto try_nonce = [&](std::uint32_t n) {
    const Hash32 d = digest(n);
    if (prefix.size() > 0 && std::memcmp(d.data(), prefix.data(), prefix.size()) != 0) return false;
    out.found = std::make_pair(n, d);
    return true;
  };
  const std::uint64_t groups = max_tries / width;
  std::uint64_t g = 0;
  while (g < groups) {
    std::uint32_t mask = 0;
    const std::uint32_t base = start + static_cast<std::uint32_t>(g * width);
    const std::uint64_t at = scan(p, base, groups - g, &mask);
    if (mask == 0) break;
    const std::uint32_t group_start = base + static_cast<std::uint32_t>(at * width);
    for (unsigned l = 0; l < width; ++l)
      if (((mask >> l) & 1) != 0 && try_nonce(group_start + l)) return out;
    g += at + 1;
  }
  for (std::uint64_t i = groups * width; i < max_tries; ++i)
    if (try_nonce(start + static_cast<std::uint32_t>(i))) return out;
  return out;
}

Hash32 Blake3::finalize_chunk(const ChunkState& chunk) const noexcept {
  // Output node of the current chunk: its last (possibly partial or empty) block.
  std::uint32_t cv[8];
  std::memcpy(cv, chunk.cv, sizeof(cv));
  std::uint8_t block[64];
  std::memcpy(block, chunk.block, 64);
  std::memset(block + chunk.block_len, 0, 64 - chunk.block_len);
  std::uint8_t block_len = chunk.block_len;
  std::uint64_t counter = chunk.chunk_counter;
  std::uint32_t flags = chunk.flags | (chunk.blocks_compressed == 0 ? kChunkStart : 0) | kChunkEnd;
  // Fold the stack from the top: every remaining entry is a left sibling of the running right node.
  for (std::size_t i = cv_stack_len_; i-- > 0;) {
    compress_cv(cv, block, block_len, counter, flags);  // non-root: reduce the pending node to its CV
    parent_block(block, cv_stack_[i], cv);
    std::memcpy(cv, key_, sizeof(cv));
    block_len = 64;
    counter = 0;
    flags = flags_ | kParent;
  }
  compress_cv(cv, block, block_len, counter, flags | kRoot);
  Hash32 out;
  for (int i = 0; i < 8; ++i) store32(out.data() + 4 * i, cv[i]);
  return out;
}

Hash32 blake3_hash(ByteView data) noexcept {
  Blake3 h;
  h.update(data);
  return h.finalize();
}

Hash32 blake3_keyed(const Hash32& key, ByteView data) noexcept {
  Blake3 h(key);
  h.update(data);
  return h.finalize();
}

Hash32 blake3_keyed_domain(std::string_view domain, ByteView data) noexcept {
  Blake3 h = Blake3::keyed_domain(domain);
  h.update(data);
  return h.finalize();
}

}  // namespace igra::core
