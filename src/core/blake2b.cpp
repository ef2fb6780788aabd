// BLAKE2b (RFC 7693). Portable, fully unrolled 64-bit implementation.
#include "core/blake2b.hpp"
#include "core/blake2b_constants.hpp"

#include <cstring>

namespace igra::core {
namespace {

using blake2b_detail::kIv;
using blake2b_detail::kSigma;

inline std::uint64_t rotr64(std::uint64_t x, unsigned n) noexcept { return (x >> n) | (x << (64 - n)); }

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

#define IGRA_B2B_G(a, b, c, d, x, y) \
  do {                               \
    a = a + b + (x);                 \
    d = rotr64(d ^ a, 32);           \
    c = c + d;                       \
    b = rotr64(b ^ c, 24);           \
    a = a + b + (y);                 \
    d = rotr64(d ^ a, 16);           \
    c = c + d;                       \
    b = rotr64(b ^ c, 63);           \
  } while (0)

#define IGRA_B2B_ROUND(s)                                                   \
  do {                                                                      \
    IGRA_B2B_G(v0, v4, v8, v12, m[(s)[0]], m[(s)[1]]);                      \
    IGRA_B2B_G(v1, v5, v9, v13, m[(s)[2]], m[(s)[3]]);                      \
    IGRA_B2B_G(v2, v6, v10, v14, m[(s)[4]], m[(s)[5]]);                     \
    IGRA_B2B_G(v3, v7, v11, v15, m[(s)[6]], m[(s)[7]]);                     \
    IGRA_B2B_G(v0, v5, v10, v15, m[(s)[8]], m[(s)[9]]);                     \
    IGRA_B2B_G(v1, v6, v11, v12, m[(s)[10]], m[(s)[11]]);                   \
    IGRA_B2B_G(v2, v7, v8, v13, m[(s)[12]], m[(s)[13]]);                    \
    IGRA_B2B_G(v3, v4, v9, v14, m[(s)[14]], m[(s)[15]]);                    \
  } while (0)

// Shared core: `rounds` < 0 selects the standard, fully unrolled 12 rounds.
inline void compress_words(std::uint64_t h[8], const std::uint64_t m[16], std::uint64_t t0, std::uint64_t t1,
                           bool last, std::uint32_t rounds, bool standard) noexcept {
  std::uint64_t v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
  std::uint64_t v8 = kIv[0], v9 = kIv[1], v10 = kIv[2], v11 = kIv[3];
  std::uint64_t v12 = kIv[4] ^ t0, v13 = kIv[5] ^ t1;
  std::uint64_t v14 = last ? ~kIv[6] : kIv[6], v15 = kIv[7];
  if (standard) {
    IGRA_B2B_ROUND(kSigma[0]);
    IGRA_B2B_ROUND(kSigma[1]);
    IGRA_B2B_ROUND(kSigma[2]);
    IGRA_B2B_ROUND(kSigma[3]);
    IGRA_B2B_ROUND(kSigma[4]);
    IGRA_B2B_ROUND(kSigma[5]);
    IGRA_B2B_ROUND(kSigma[6]);
    IGRA_B2B_ROUND(kSigma[7]);
    IGRA_B2B_ROUND(kSigma[8]);
    IGRA_B2B_ROUND(kSigma[9]);
    IGRA_B2B_ROUND(kSigma[0]);
    IGRA_B2B_ROUND(kSigma[1]);
  } else {
    std::uint32_t r = 0;
    for (std::uint32_t i = 0; i < rounds; ++i) {
      IGRA_B2B_ROUND(kSigma[r]);
      if (++r == 10) r = 0;
    }
  }
  h[0] ^= v0 ^ v8;
  h[1] ^= v1 ^ v9;
  h[2] ^= v2 ^ v10;
  h[3] ^= v3 ^ v11;
  h[4] ^= v4 ^ v12;
  h[5] ^= v5 ^ v13;
  h[6] ^= v6 ^ v14;
  h[7] ^= v7 ^ v15;
}

#undef IGRA_B2B_ROUND
#undef IGRA_B2B_G

}  // namespace

Blake2b::Blake2b(std::size_t out_len, ByteView key) noexcept : out_len_(out_len) {
  if (out_len_ == 0) out_len_ = 1;
  if (out_len_ > 64) out_len_ = 64;
  std::size_t key_len = key.size() > 64 ? 64 : key.size();
  for (int i = 0; i < 8; ++i) h_[i] = kIv[i];
  // Parameter block word 0: digest length, key length, fanout 1, depth 1.
  h_[0] ^= 0x01010000ULL ^ (static_cast<std::uint64_t>(key_len) << 8) ^ static_cast<std::uint64_t>(out_len_);
  std::memset(buf_, 0, sizeof(buf_));
  if (key_len > 0) {
    // The zero-padded key block is buffered like ordinary data: it is compressed only once more data
    // follows, or as the final block when the message is empty.
    std::memcpy(buf_, key.data(), key_len);
    buf_len_ = 128;
    t_ = 128;
  }
}

void Blake2b::compress(const std::uint8_t* block, bool last) noexcept {
  std::uint64_t m[16];
  for (int i = 0; i < 16; ++i) m[i] = load64(block + 8 * i);
  compress_words(h_, m, t_, 0, last, 12, true);
}

void Blake2b::update(ByteView data) noexcept {
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  if (n == 0) return;
  if (buf_len_ + n > 128) {
    // More data follows the buffered bytes: the buffered block is not the last one.
    std::size_t fill = 128 - buf_len_;
    std::memcpy(buf_ + buf_len_, p, fill);
    t_ += fill;
    p += fill;
    n -= fill;
    compress(buf_, false);
    buf_len_ = 0;
    // Whole blocks straight from the input, keeping at least one byte back for finalize.
    while (n > 128) {
      t_ += 128;
      compress(p, false);
      p += 128;
      n -= 128;
    }
  }
  std::memcpy(buf_ + buf_len_, p, n);
  buf_len_ += n;
  t_ += n;
}

void Blake2b::finalize(std::uint8_t* out) noexcept {
  std::memset(buf_ + buf_len_, 0, 128 - buf_len_);
  compress(buf_, true);
  std::uint8_t full[64];
  for (int i = 0; i < 8; ++i) store64(full + 8 * i, h_[i]);
  std::memcpy(out, full, out_len_);
}

Hash32 Blake2b::finalize32() noexcept {
  Hash32 out;
  finalize(out.data());
  return out;
}

Blake2bState Blake2b::export_state() const noexcept {
  Blake2bState s;
  std::memcpy(s.h, h_, sizeof(h_));
  s.t = t_;
  std::memcpy(s.buf, buf_, sizeof(buf_));
  s.buf_len = buf_len_;
  s.out_len = out_len_;
  return s;
}

Hash32 blake2b_256(ByteView data) noexcept {
  Blake2b h(32);
  h.update(data);
  return h.finalize32();
}

Hash32 blake2b_256_keyed(std::string_view key, ByteView data) noexcept {
  Blake2b h(32, as_bytes(key));
  h.update(data);
  return h.finalize32();
}

void blake2b_compress(std::uint32_t rounds, std::uint64_t h[8], const std::uint64_t m[16], const std::uint64_t t[2],
                      bool last) noexcept {
  compress_words(h, m, t[0], t[1], last, rounds, rounds == 12);  // 12 = the unrolled standard path
}

}  // namespace igra::core
