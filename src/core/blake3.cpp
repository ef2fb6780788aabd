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
