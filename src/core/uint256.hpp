#pragma once
// 256-bit unsigned integer with EVM semantics: wrapping arithmetic mod 2^256, x / 0 == 0 and x % 0 == 0,
// two's-complement signed helpers (sdiv, smod, slt, sgt, sar, signextend).
//
// Representation: four 64-bit limbs, least significant first. No heap, trivially copyable.
// Add/sub/mul/shifts/comparisons are constexpr and inline; division, mulmod, addmod, exp and the string
// conversions live in uint256.cpp.
#include <array>
#include <bit>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::core {

namespace uint256_detail {
using U128 = unsigned __int128;

// a + b + carry (carry in {0, 1}); carry is set to the carry out. Compiles to ADC on x86-64.
constexpr std::uint64_t addc(std::uint64_t a, std::uint64_t b, std::uint64_t& carry) noexcept {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long out;
    carry = __builtin_ia32_addcarryx_u64(static_cast<unsigned char>(carry), a, b, &out);
    return out;
  }
#endif
  const U128 t = static_cast<U128>(a) + b + carry;
  carry = static_cast<std::uint64_t>(t >> 64);
  return static_cast<std::uint64_t>(t);
}

// a - b - borrow (borrow in {0, 1}); borrow is set to the borrow out. Compiles to SBB on x86-64.
constexpr std::uint64_t subb(std::uint64_t a, std::uint64_t b, std::uint64_t& borrow) noexcept {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long out;
#if defined(__clang__)
    borrow = __builtin_ia32_subborrow_u64(static_cast<unsigned char>(borrow), a, b, &out);
#else
    borrow = __builtin_ia32_sbb_u64(static_cast<unsigned char>(borrow), a, b, &out);
#endif
    return out;
  }
#endif
  const U128 t = static_cast<U128>(a) - b - borrow;
  borrow = static_cast<std::uint64_t>(t >> 64) & 1;
  return static_cast<std::uint64_t>(t);
}

// Multiply-accumulate: a * b + c + d, low limb returned, high limb in hi. Cannot overflow 128 bits.
constexpr std::uint64_t mac(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d,
                            std::uint64_t& hi) noexcept {
  const U128 t = static_cast<U128>(a) * b + c + d;
  hi = static_cast<std::uint64_t>(t >> 64);
  return static_cast<std::uint64_t>(t);
}
}  // namespace uint256_detail

class uint256 {
  // Big-endian <-> native for one 64-bit word (a byte swap on little-endian hosts).
  static constexpr std::uint64_t to_big_endian64(std::uint64_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(v);
    return v;
  }

 public:
  // The big-endian 64-bit word at p (unaligned).
  static std::uint64_t load_be64(const std::uint8_t* p) noexcept {
    std::uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return to_big_endian64(v);
  }

  using Limbs = std::array<std::uint64_t, 4>;

  constexpr uint256() noexcept = default;
  // Implicit from uint64 so that `x + 1` and `x == 0` read naturally.
  constexpr uint256(std::uint64_t v) noexcept : w_{v, 0, 0, 0} {}

  // l0 is the least significant limb.
  static constexpr uint256 from_limbs(std::uint64_t l0, std::uint64_t l1, std::uint64_t l2,
                                      std::uint64_t l3) noexcept {
    uint256 r;
    r.w_ = {l0, l1, l2, l3};
    return r;
  }
  static constexpr uint256 max() noexcept { return from_limbs(~0ull, ~0ull, ~0ull, ~0ull); }
  // 2^255: the most negative value in two's complement.
  static constexpr uint256 min_signed() noexcept { return from_limbs(0, 0, 0, 1ull << 63); }

  constexpr std::uint64_t limb(std::size_t i) const noexcept { return w_[i]; }
  constexpr std::uint64_t& limb(std::size_t i) noexcept { return w_[i]; }
  constexpr const Limbs& limbs() const noexcept { return w_; }
  constexpr Limbs& limbs() noexcept { return w_; }

  constexpr bool is_zero() const noexcept { return (w_[0] | w_[1] | w_[2] | w_[3]) == 0; }
  constexpr explicit operator bool() const noexcept { return !is_zero(); }
  // Sign bit set (negative as a two's-complement value).
  constexpr bool is_negative() const noexcept { return (w_[3] >> 63) != 0; }
  constexpr bool fits_uint64() const noexcept { return (w_[1] | w_[2] | w_[3]) == 0; }
  constexpr std::uint64_t low64() const noexcept { return w_[0]; }
  constexpr bool bit(unsigned i) const noexcept { return i < 256 && ((w_[i / 64] >> (i % 64)) & 1) != 0; }

  // Number of significant bits (0 for zero) and bytes (0 for zero).
  constexpr unsigned bit_width() const noexcept {
    for (int i = 3; i >= 0; --i)
      if (w_[i]) return static_cast<unsigned>(64 * i + std::bit_width(w_[i]));
    return 0;
  }
  constexpr unsigned byte_width() const noexcept { return (bit_width() + 7) / 8; }

  // 32-byte big-endian conversions.
  static constexpr uint256 load_be(const std::uint8_t* p) noexcept {
    uint256 r;
    if (!std::is_constant_evaluated())  // four byte-swapped 64-bit loads, straight into the result
      return from_limbs(load_be64(p + 24), load_be64(p + 16), load_be64(p + 8), load_be64(p));
    for (int i = 0; i < 4; ++i) {
      std::uint64_t v = 0;
      for (int j = 0; j < 8; ++j) v = (v << 8) | p[8 * (3 - i) + j];
      r.w_[i] = v;
    }
    return r;
  }
  static uint256 load_be(const FixedBytes<32>& b) noexcept { return load_be(b.data()); }
  constexpr void store_be(std::uint8_t* out) const noexcept {
    if (!std::is_constant_evaluated()) {
      const std::uint64_t v0 = to_big_endian64(w_[0]), v1 = to_big_endian64(w_[1]), v2 = to_big_endian64(w_[2]),
                          v3 = to_big_endian64(w_[3]);
      __builtin_memcpy(out, &v3, 8);
      __builtin_memcpy(out + 8, &v2, 8);
      __builtin_memcpy(out + 16, &v1, 8);
      __builtin_memcpy(out + 24, &v0, 8);
      return;
    }
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 8; ++j) out[8 * (3 - i) + j] = static_cast<std::uint8_t>(w_[i] >> (56 - 8 * j));
  }
  FixedBytes<32> to_be32() const noexcept {
    FixedBytes<32> out;
    store_be(out.data());
    return out;
  }
  // Big-endian bytes of any length up to 32 (shorter input is zero-extended on the left). Precondition:
  // v.size() <= 32 (longer input keeps only its last 32 bytes).
  static constexpr uint256 from_be_bytes(ByteView v) noexcept {
    uint256 r;
    std::size_t n = v.size() > 32 ? 32 : v.size();
    const std::uint8_t* p = v.data() + (v.size() - n);
    for (std::size_t k = 0; k < n; ++k) {
      std::size_t bit_pos = 8 * (n - 1 - k);
      r.w_[bit_pos / 64] |= static_cast<std::uint64_t>(p[k]) << (bit_pos % 64);
    }
    return r;
  }
  // Minimal big-endian bytes (empty for zero), as RLP and JSON-RPC quantities use.
  Bytes to_be_trimmed() const;

  // Strings. from_hex accepts an optional 0x/0X prefix, upper or lower case, leading zeros; at least one
  // digit. from_decimal accepts ASCII digits only. from_string picks hex for a 0x prefix, else decimal.
  static Result<uint256> from_hex(std::string_view s);
  static Result<uint256> from_decimal(std::string_view s);
  static Result<uint256> from_string(std::string_view s);
  // Minimal lowercase hex ("0" for zero), with "0x" unless with_prefix is false.
  std::string to_hex(bool with_prefix = true) const;
  std::string to_decimal() const;

  friend constexpr bool operator==(const uint256&, const uint256&) noexcept = default;

 private:
  Limbs w_{};
};

static_assert(std::is_trivially_copyable_v<uint256>);
static_assert(sizeof(uint256) == 32);

// ---- addition, subtraction, multiplication (wrapping mod 2^256) ----

constexpr uint256 operator+(const uint256& x, const uint256& y) noexcept {
  using uint256_detail::addc;
  const auto& a = x.limbs();
  const auto& b = y.limbs();
  std::uint64_t c = 0;
  const std::uint64_t r0 = addc(a[0], b[0], c);
  const std::uint64_t r1 = addc(a[1], b[1], c);
  const std::uint64_t r2 = addc(a[2], b[2], c);
  const std::uint64_t r3 = addc(a[3], b[3], c);
  return uint256::from_limbs(r0, r1, r2, r3);
}

// x - y and the borrow out (1 if y > x).
struct SubResult {
  uint256 value;
  bool borrow;
};
constexpr SubResult sub_with_borrow(const uint256& x, const uint256& y) noexcept {
  using uint256_detail::subb;
  const auto& a = x.limbs();
  const auto& b = y.limbs();
  std::uint64_t c = 0;
  const std::uint64_t r0 = subb(a[0], b[0], c);
  const std::uint64_t r1 = subb(a[1], b[1], c);
  const std::uint64_t r2 = subb(a[2], b[2], c);
  const std::uint64_t r3 = subb(a[3], b[3], c);
  return {uint256::from_limbs(r0, r1, r2, r3), c != 0};
}

constexpr uint256 operator-(const uint256& x, const uint256& y) noexcept { return sub_with_borrow(x, y).value; }
constexpr uint256 operator-(const uint256& x) noexcept { return uint256() - x; }

// Truncated schoolbook product: 6 full 64x64->128 products and 4 low-half ones, written out (GCC -O2 does
// not fully unroll the triangular loop).
constexpr uint256 operator*(const uint256& x, const uint256& y) noexcept {
  using uint256_detail::mac;
  const auto& a = x.limbs();
  const auto& b = y.limbs();
  std::uint64_t c;
  // row a[0]
  std::uint64_t r0 = mac(a[0], b[0], 0, 0, c);
  std::uint64_t r1 = mac(a[0], b[1], c, 0, c);
  std::uint64_t r2 = mac(a[0], b[2], c, 0, c);
  std::uint64_t r3 = a[0] * b[3] + c;
  // row a[1]
  r1 = mac(a[1], b[0], r1, 0, c);
  r2 = mac(a[1], b[1], r2, c, c);
  r3 += a[1] * b[2] + c;
  // row a[2]
  r2 = mac(a[2], b[0], r2, 0, c);
  r3 += a[2] * b[1] + c;
  // row a[3]
  r3 += a[3] * b[0];
  return uint256::from_limbs(r0, r1, r2, r3);
}

// Full 512-bit product, 8 limbs least significant first.
constexpr std::array<std::uint64_t, 8> mul_wide(const uint256& x, const uint256& y) noexcept {
  using uint256_detail::U128;
  const auto& a = x.limbs();
  const auto& b = y.limbs();
  std::array<std::uint64_t, 8> r{};
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    std::uint64_t carry = 0;
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      U128 t = static_cast<U128>(a[i]) * b[j] + r[i + j] + carry;
      r[i + j] = static_cast<std::uint64_t>(t);
      carry = static_cast<std::uint64_t>(t >> 64);
    }
    r[i + 4] = carry;
  }
  return r;
}

// ---- bitwise ----

constexpr uint256 operator&(const uint256& a, const uint256& b) noexcept {
  return uint256::from_limbs(a.limb(0) & b.limb(0), a.limb(1) & b.limb(1), a.limb(2) & b.limb(2),
                             a.limb(3) & b.limb(3));
}
constexpr uint256 operator|(const uint256& a, const uint256& b) noexcept {
  return uint256::from_limbs(a.limb(0) | b.limb(0), a.limb(1) | b.limb(1), a.limb(2) | b.limb(2),
                             a.limb(3) | b.limb(3));
}
constexpr uint256 operator^(const uint256& a, const uint256& b) noexcept {
  return uint256::from_limbs(a.limb(0) ^ b.limb(0), a.limb(1) ^ b.limb(1), a.limb(2) ^ b.limb(2),
                             a.limb(3) ^ b.limb(3));
}
constexpr uint256 operator~(const uint256& a) noexcept {
  return uint256::from_limbs(~a.limb(0), ~a.limb(1), ~a.limb(2), ~a.limb(3));
}

// ---- shifts (any amount; >= 256 gives 0, or sign fill for sar) ----

namespace uint256_detail {
// Branch-free limb shifts over a zero-extended copy (the (v << 1) << (63 - s) form avoids the undefined
// shift by 64 when s == 0).
constexpr uint256 shl(const uint256& x, unsigned n) noexcept {
  if (n >= 256) return {};
  const unsigned q = n / 64, s = n % 64;
  const std::uint64_t w[8] = {0, 0, 0, 0, x.limb(0), x.limb(1), x.limb(2), x.limb(3)};
  const auto limb = [&](unsigned i) { return (w[i + 4 - q] << s) | ((w[i + 3 - q] >> 1) >> (63 - s)); };
  return uint256::from_limbs(limb(0), limb(1), limb(2), limb(3));
}
constexpr uint256 shr(const uint256& x, unsigned n) noexcept {
  if (n >= 256) return {};
  const unsigned q = n / 64, s = n % 64;
  const std::uint64_t w[8] = {x.limb(0), x.limb(1), x.limb(2), x.limb(3), 0, 0, 0, 0};
  const auto limb = [&](unsigned i) { return (w[i + q] >> s) | ((w[i + q + 1] << 1) << (63 - s)); };
  return uint256::from_limbs(limb(0), limb(1), limb(2), limb(3));
}
// Any integral shift amount mapped to [0, 256]; negative or >= 256 amounts give 256.
template <std::integral T>
constexpr unsigned clamp_shift(T n) noexcept {
  if constexpr (std::is_signed_v<T>) {
    if (n < 0) return 256;
  }
  return static_cast<std::make_unsigned_t<T>>(n) < 256u ? static_cast<unsigned>(n) : 256u;
}
constexpr unsigned clamp_shift(const uint256& n) noexcept {
  return n.fits_uint64() && n.low64() < 256 ? static_cast<unsigned>(n.low64()) : 256u;
}
}  // namespace uint256_detail

// The shift amount may be any integral type or a uint256 (EVM SHL/SHR take (shift, value); these take
// (value, shift)).
template <std::integral T>
constexpr uint256 operator<<(const uint256& x, T n) noexcept {
  return uint256_detail::shl(x, uint256_detail::clamp_shift(n));
}
template <std::integral T>
constexpr uint256 operator>>(const uint256& x, T n) noexcept {
  return uint256_detail::shr(x, uint256_detail::clamp_shift(n));
}
constexpr uint256 operator<<(const uint256& x, const uint256& n) noexcept {
  return uint256_detail::shl(x, uint256_detail::clamp_shift(n));
}
constexpr uint256 operator>>(const uint256& x, const uint256& n) noexcept {
  return uint256_detail::shr(x, uint256_detail::clamp_shift(n));
}
// Arithmetic shift right of x as a two's-complement value (sign fill for amounts >= 256).
constexpr uint256 sar(const uint256& x, const uint256& n) noexcept {
  const unsigned k = uint256_detail::clamp_shift(n);
  return x.is_negative() ? ~uint256_detail::shr(~x, k) : uint256_detail::shr(x, k);
}
template <std::integral T>
constexpr uint256 sar(const uint256& x, T n) noexcept {
  const unsigned k = uint256_detail::clamp_shift(n);
  return x.is_negative() ? ~uint256_detail::shr(~x, k) : uint256_detail::shr(x, k);
}

// ---- comparisons ----

constexpr bool operator<(const uint256& a, const uint256& b) noexcept { return sub_with_borrow(a, b).borrow; }
constexpr bool operator>(const uint256& a, const uint256& b) noexcept { return b < a; }
constexpr bool operator<=(const uint256& a, const uint256& b) noexcept { return !(b < a); }
constexpr bool operator>=(const uint256& a, const uint256& b) noexcept { return !(a < b); }
constexpr std::strong_ordering operator<=>(const uint256& a, const uint256& b) noexcept {
  for (int i = 3; i >= 0; --i)
    if (a.limb(i) != b.limb(i)) return a.limb(i) < b.limb(i) ? std::strong_ordering::less : std::strong_ordering::greater;
  return std::strong_ordering::equal;
}
// Signed (two's-complement) comparisons.
constexpr bool slt(const uint256& a, const uint256& b) noexcept {
  const uint256 flip = uint256::min_signed();
  return (a ^ flip) < (b ^ flip);
}
constexpr bool sgt(const uint256& a, const uint256& b) noexcept { return slt(b, a); }

// ---- EVM byte helpers ----

// EVM BYTE: the i-th byte of x counting from the most significant (i = 0); 0 when i >= 32.
constexpr uint256 byte(const uint256& i, const uint256& x) noexcept {
  if (!i.fits_uint64() || i.low64() >= 32) return {};
  const unsigned k = 31 - static_cast<unsigned>(i.low64());  // byte index from the least significant end
  return uint256((x.limb(k / 8) >> (8 * (k % 8))) & 0xff);
}
// EVM SIGNEXTEND: extends the sign of the (b+1)-byte value in the low bytes of x; x unchanged when b >= 31.
constexpr uint256 signextend(const uint256& b, const uint256& x) noexcept {
  if (!b.fits_uint64() || b.low64() >= 31) return x;
  // Works on the limb holding the sign byte; the limbs above it become the sign fill.
  const unsigned e = static_cast<unsigned>(b.low64());
  const unsigned word = e / 8, shift = 8 * (e % 8);
  const std::uint64_t w = x.limb(word);
  const auto sign_byte = static_cast<std::int64_t>(static_cast<std::int8_t>(static_cast<std::uint8_t>(w >> shift)));
  const std::uint64_t high = static_cast<std::uint64_t>(sign_byte) << shift;  // sign byte and fill above it
  const std::uint64_t low = shift == 0 ? 0 : w & ((std::uint64_t{1} << shift) - 1);
  const std::uint64_t fill = sign_byte < 0 ? ~0ull : 0;
  // Per-limb selects (no stores into r at a variable index, which would defeat store-to-load forwarding).
  const std::uint64_t mid = high | low;
  const auto pick = [&](unsigned i) { return i < word ? x.limb(i) : i == word ? mid : fill; };
  return uint256::from_limbs(pick(0), pick(1), pick(2), pick(3));
}

// ---- compound assignment ----

constexpr uint256& operator+=(uint256& a, const uint256& b) noexcept { return a = a + b; }
constexpr uint256& operator-=(uint256& a, const uint256& b) noexcept { return a = a - b; }
constexpr uint256& operator*=(uint256& a, const uint256& b) noexcept { return a = a * b; }
constexpr uint256& operator&=(uint256& a, const uint256& b) noexcept { return a = a & b; }
constexpr uint256& operator|=(uint256& a, const uint256& b) noexcept { return a = a | b; }
constexpr uint256& operator^=(uint256& a, const uint256& b) noexcept { return a = a ^ b; }
template <std::integral T>
constexpr uint256& operator<<=(uint256& a, T n) noexcept { return a = a << n; }
template <std::integral T>
constexpr uint256& operator>>=(uint256& a, T n) noexcept { return a = a >> n; }
constexpr uint256& operator++(uint256& a) noexcept { return a = a + 1; }
constexpr uint256& operator--(uint256& a) noexcept { return a = a - 1; }

// ---- division and modular arithmetic (uint256.cpp) ----

struct DivResult {
  uint256 quot;
  uint256 rem;
};
// Unsigned quotient and remainder; both 0 when d == 0 (EVM semantics).
DivResult udivrem(const uint256& n, const uint256& d) noexcept;
uint256 operator/(const uint256& n, const uint256& d) noexcept;
uint256 operator%(const uint256& n, const uint256& d) noexcept;
inline uint256& operator/=(uint256& a, const uint256& b) noexcept { return a = a / b; }
inline uint256& operator%=(uint256& a, const uint256& b) noexcept { return a = a % b; }

// Signed division truncating towards zero; x / 0 == 0, MIN / -1 == MIN.
uint256 sdiv(const uint256& n, const uint256& d) noexcept;
// Signed remainder with the sign of the dividend; x % 0 == 0.
uint256 smod(const uint256& n, const uint256& d) noexcept;
// (a + b) mod m and (a * b) mod m computed exactly (257- and 512-bit intermediates); 0 when m == 0.
uint256 addmod(const uint256& a, const uint256& b, const uint256& m) noexcept;
uint256 mulmod(const uint256& a, const uint256& b, const uint256& m) noexcept;
// base^exponent mod 2^256 (0^0 == 1).
uint256 exp(uint256 base, const uint256& exponent) noexcept;

// Remainder of a little-endian multi-limb number (up to 8 limbs) by d; quot (n limbs) may be null.
// Precondition: d != 0, n <= 8.
uint256 divrem_limbs(const std::uint64_t* u, std::size_t n, const uint256& d, std::uint64_t* quot) noexcept;

}  // namespace igra::core

template <>
struct std::hash<igra::core::uint256> {
  std::size_t operator()(const igra::core::uint256& v) const noexcept {
    return static_cast<std::size_t>(v.limb(0) ^ (v.limb(1) * 0x9e3779b97f4a7c15ull) ^ v.limb(2) ^ v.limb(3));
  }
};
