#include "core/uint256.hpp"

#include <cassert>

namespace igra::core {

namespace {

using uint256_detail::U128;

// (hi:lo) / d for hi < d: the quotient fits in 64 bits.
inline std::uint64_t div_128_by_64(std::uint64_t hi, std::uint64_t lo, std::uint64_t d, std::uint64_t& rem) noexcept {
#if defined(__x86_64__)
  std::uint64_t q, r;
  __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d) : "cc");
  rem = r;
  return q;
#else
  const U128 n = (static_cast<U128>(hi) << 64) | lo;
  rem = static_cast<std::uint64_t>(n % d);
  return static_cast<std::uint64_t>(n / d);
#endif
}

inline std::size_t significant_limbs(const std::uint64_t* u, std::size_t n) noexcept {
  while (n > 0 && u[n - 1] == 0) --n;
  return n;
}

// Division by invariant integers with reciprocals (Möller and Granlund, "Improved division by invariant
// integers", 2011): one hardware division per divisor instead of one per quotient limb.

// floor((2^128 - 1) / d) - 2^64 for a normalized d (top bit set); ~d < d, so one 128-by-64 division.
inline std::uint64_t reciprocal_2by1(std::uint64_t d) noexcept {
  std::uint64_t r;
  return div_128_by_64(~d, ~0ull, d, r);
}

// The reciprocal of the normalized two-limb divisor (d1:d0) for udivrem_3by2 (Algorithm 6).
inline std::uint64_t reciprocal_3by2(std::uint64_t d1, std::uint64_t d0) noexcept {
  std::uint64_t v = reciprocal_2by1(d1);
  std::uint64_t p = d1 * v;
  p += d0;
  if (p < d0) {
    --v;
    if (p >= d1) {
      --v;
      p -= d1;
    }
    p -= d1;
  }
  const U128 t = static_cast<U128>(v) * d0;
  const std::uint64_t t1 = static_cast<std::uint64_t>(t >> 64), t0 = static_cast<std::uint64_t>(t);
  p += t1;
  if (p < t1) {
    --v;
    if (p >= d1 && (p > d1 || t0 >= d0)) --v;
  }
  return v;
}

// (u1:u0) / d for normalized d and u1 < d, with v = reciprocal_2by1(d) (Algorithm 4).
inline std::uint64_t udivrem_2by1(std::uint64_t u1, std::uint64_t u0, std::uint64_t d, std::uint64_t v,
                                  std::uint64_t& rem) noexcept {
  U128 q = static_cast<U128>(v) * u1;
  q += (static_cast<U128>(u1) << 64) | u0;
  std::uint64_t q1 = static_cast<std::uint64_t>(q >> 64) + 1;
  const std::uint64_t q0 = static_cast<std::uint64_t>(q);
  std::uint64_t r = u0 - q1 * d;
  if (r > q0) {
    --q1;
    r += d;
  }
  if (r >= d) {
    ++q1;
    r -= d;
  }
  rem = r;
  return q1;
}

// (u2:u1:u0) / (d1:d0) for a normalized divisor and (u2:u1) < (d1:d0), with v = reciprocal_3by2(d1, d0)
// (Algorithm 5). The remainder (two limbs) goes to rem.
inline std::uint64_t udivrem_3by2(std::uint64_t u2, std::uint64_t u1, std::uint64_t u0, std::uint64_t d1,
                                  std::uint64_t d0, std::uint64_t v, U128& rem) noexcept {
  U128 q = static_cast<U128>(v) * u2;
  q += (static_cast<U128>(u2) << 64) | u1;
  std::uint64_t q1 = static_cast<std::uint64_t>(q >> 64);
  const std::uint64_t q0 = static_cast<std::uint64_t>(q);
  const std::uint64_t r1 = u1 - q1 * d1;
  const U128 d = (static_cast<U128>(d1) << 64) | d0;
  const U128 t = static_cast<U128>(d0) * q1;
  U128 r = ((static_cast<U128>(r1) << 64) | u0) - t - d;
  ++q1;
  if (static_cast<std::uint64_t>(r >> 64) >= q0) {
    --q1;
    r += d;
  }
  if (r >= d) {
    ++q1;
    r -= d;
  }
  rem = r;
  return q1;
}

// u (m limbs) / d (one limb, nonzero). Returns the remainder; writes m quotient limbs if q is non-null.
inline std::uint64_t divrem_by_limb(const std::uint64_t* u, std::size_t m, std::uint64_t d, std::uint64_t* q) noexcept {
  if (m == 0) return 0;
  const unsigned s = static_cast<unsigned>(std::countl_zero(d));
  const std::uint64_t dn = d << s;
  const std::uint64_t v = reciprocal_2by1(dn);
  std::uint64_t r = s ? u[m - 1] >> (64 - s) : 0;  // the extra top limb of u << s, < dn
  for (std::size_t i = m; i-- > 0;) {
    const std::uint64_t ui = (u[i] << s) | (s && i > 0 ? u[i - 1] >> (64 - s) : 0);
    const std::uint64_t qi = udivrem_2by1(r, ui, dn, v, r);
    if (q) q[i] = qi;
  }
  return r >> s;
}

// Knuth, TAOCP vol. 2, 4.3.1, algorithm D, with the quotient limb estimated by udivrem_3by2. u has m limbs, v
// has n limbs with v[n-1] != 0, 2 <= n <= 4, n <= m <= 8. Writes m-n+1 quotient limbs to q (if non-null) and n
// remainder limbs to r.
// The divisor length n is a template parameter so that the inner loops unroll.
template <std::size_t n>
void divrem_knuth(const std::uint64_t* u, std::size_t m, const std::uint64_t* v, std::uint64_t* q,
                  std::uint64_t* r) noexcept {
  const unsigned s = static_cast<unsigned>(std::countl_zero(v[n - 1]));
  std::uint64_t vn[4];
  std::uint64_t un[9];
  // D1: normalize so that the divisor's top bit is set.
  for (std::size_t i = n - 1; i > 0; --i) vn[i] = (v[i] << s) | (s ? v[i - 1] >> (64 - s) : 0);
  vn[0] = v[0] << s;
  un[m] = s ? u[m - 1] >> (64 - s) : 0;
  for (std::size_t i = m - 1; i > 0; --i) un[i] = (u[i] << s) | (s ? u[i - 1] >> (64 - s) : 0);
  un[0] = u[0] << s;

  const std::uint64_t d1 = vn[n - 1], d0 = vn[n - 2];
  const std::uint64_t recip = reciprocal_3by2(d1, d0);
  for (std::size_t jj = m - n + 1; jj-- > 0;) {
    const std::size_t j = jj;
    // Invariant: the current remainder un[j..j+n] is below vn * B, so (u2:u1) <= (d1:d0).
    const std::uint64_t u2 = un[j + n], u1 = un[j + n - 1], u0 = un[j + n - 2];
    std::uint64_t qhat;
    if (u2 == d1 && u1 == d0) [[unlikely]] {
      // The 3-by-2 division would overflow: qhat = B - 1 is exact or one too large (D3-D6 in full).
      qhat = ~0ull;
      std::uint64_t mul_carry = 0, borrow = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const U128 p = static_cast<U128>(qhat) * vn[i] + mul_carry;
        mul_carry = static_cast<std::uint64_t>(p >> 64);
        const U128 t = static_cast<U128>(un[i + j]) - static_cast<std::uint64_t>(p) - borrow;
        un[i + j] = static_cast<std::uint64_t>(t);
        borrow = static_cast<std::uint64_t>(t >> 64) & 1;
      }
      const U128 t = static_cast<U128>(un[j + n]) - mul_carry - borrow;
      un[j + n] = static_cast<std::uint64_t>(t);
      while ((un[j + n] >> 63) != 0) {  // negative: add the divisor back
        --qhat;
        std::uint64_t carry = 0;
        for (std::size_t i = 0; i < n; ++i) {
          const U128 s2 = static_cast<U128>(un[i + j]) + vn[i] + carry;
          un[i + j] = static_cast<std::uint64_t>(s2);
          carry = static_cast<std::uint64_t>(s2 >> 64);
        }
        un[j + n] += carry;
      }
    } else {
      U128 rhat;
      qhat = udivrem_3by2(u2, u1, u0, d1, d0, recip, rhat);
      // Subtract qhat * vn[0..n-2) from un[j..j+n-2); the top two limbs of the difference are rhat minus the
      // borrow out of that.
      std::uint64_t borrow = 0;
      for (std::size_t i = 0; i + 2 < n; ++i) {
        const U128 p = static_cast<U128>(vn[i]) * qhat + borrow;
        const std::uint64_t lo = static_cast<std::uint64_t>(p);
        const std::uint64_t x = un[j + i];
        un[j + i] = x - lo;
        borrow = static_cast<std::uint64_t>(p >> 64) + (x < lo);
      }
      const std::uint64_t r0 = static_cast<std::uint64_t>(rhat), r1 = static_cast<std::uint64_t>(rhat >> 64);
      un[j + n - 2] = r0 - borrow;
      const std::uint64_t c = r0 < borrow;
      un[j + n - 1] = r1 - c;
      if (r1 < c) {
        // qhat was one too large (rare): add the divisor back.
        --qhat;
        std::uint64_t carry = 0;
        for (std::size_t i = 0; i + 1 < n; ++i) {
          const U128 s2 = static_cast<U128>(un[j + i]) + vn[i] + carry;
          un[j + i] = static_cast<std::uint64_t>(s2);
          carry = static_cast<std::uint64_t>(s2 >> 64);
        }
        un[j + n - 1] += d1 + carry;
      }
      un[j + n] = 0;
    }
    if (q) q[j] = qhat;
  }
  // D8: unnormalize the remainder (un[n] is zero here).
  for (std::size_t i = 0; i < n; ++i) r[i] = (un[i] >> s) | (s ? un[i + 1] << (64 - s) : 0);
}

}  // namespace

uint256 divrem_limbs(const std::uint64_t* u, std::size_t m, const uint256& d, std::uint64_t* quot) noexcept {
  assert(!d.is_zero() && m <= 8);
  if (quot)
    for (std::size_t i = 0; i < m; ++i) quot[i] = 0;
  const std::size_t n = significant_limbs(d.limbs().data(), 4);
  const std::size_t mu = significant_limbs(u, m);
  uint256 rem;
  if (mu < n) {  // u < d
    for (std::size_t i = 0; i < mu; ++i) rem.limb(i) = u[i];
    return rem;
  }
  if (n == 1) {
    rem.limb(0) = divrem_by_limb(u, mu, d.limb(0), quot);
    return rem;
  }
  switch (n) {
    case 2: divrem_knuth<2>(u, mu, d.limbs().data(), quot, rem.limbs().data()); break;
    case 3: divrem_knuth<3>(u, mu, d.limbs().data(), quot, rem.limbs().data()); break;
    default: divrem_knuth<4>(u, mu, d.limbs().data(), quot, rem.limbs().data()); break;
  }
  return rem;
}

DivResult udivrem(const uint256& n, const uint256& d) noexcept {
  if (d.is_zero()) return {};
  if (n.fits_uint64() && d.fits_uint64()) return {uint256(n.low64() / d.low64()), uint256(n.low64() % d.low64())};
  if (n < d) return {uint256(), n};
  const uint256 d_minus_1 = d - 1;
  if ((d & d_minus_1).is_zero()) return {n >> (d.bit_width() - 1), n & d_minus_1};  // a power of two
  DivResult out;
  out.rem = divrem_limbs(n.limbs().data(), 4, d, out.quot.limbs().data());
  return out;
}

uint256 operator/(const uint256& n, const uint256& d) noexcept { return udivrem(n, d).quot; }
uint256 operator%(const uint256& n, const uint256& d) noexcept { return udivrem(n, d).rem; }

uint256 sdiv(const uint256& n, const uint256& d) noexcept {
  const bool nn = n.is_negative(), dn = d.is_negative();
  const uint256 q = udivrem(nn ? -n : n, dn ? -d : d).quot;
  return nn != dn ? -q : q;  // MIN / -1: |MIN| = MIN, quotient MIN, negated stays MIN
}

uint256 smod(const uint256& n, const uint256& d) noexcept {
  const bool nn = n.is_negative();
  const uint256 r = udivrem(nn ? -n : n, d.is_negative() ? -d : d).rem;
  return nn ? -r : r;
}

uint256 addmod(const uint256& a, const uint256& b, const uint256& m) noexcept {
  if (m.is_zero()) return {};
  if (a < m && b < m) {  // the usual case in modular arithmetic: one conditional subtraction
    const uint256 sum = a + b;
    return sum < a || sum >= m ? sum - m : sum;
  }
  std::uint64_t s[5];
  std::uint64_t carry = 0;
  for (int i = 0; i < 4; ++i) {
    const U128 t = static_cast<U128>(a.limb(i)) + b.limb(i) + carry;
    s[i] = static_cast<std::uint64_t>(t);
    carry = static_cast<std::uint64_t>(t >> 64);
  }
  s[4] = carry;
  if (carry == 0) {
    const uint256 sum = uint256::from_limbs(s[0], s[1], s[2], s[3]);
    if (sum < m) return sum;
  }
  return divrem_limbs(s, 5, m, nullptr);
}

uint256 mulmod(const uint256& a, const uint256& b, const uint256& m) noexcept {
  if (m.is_zero()) return {};
  const auto p = mul_wide(a, b);
  return divrem_limbs(p.data(), 8, m, nullptr);
}

uint256 exp(uint256 base, const uint256& exponent) noexcept {
  uint256 result(1);
  const unsigned bits = exponent.bit_width();
  for (unsigned i = 0; i < bits; ++i) {
    if (exponent.bit(i)) result *= base;
    if (i + 1 < bits) base *= base;
  }
  return result;
}

Bytes uint256::to_be_trimmed() const {
  std::uint8_t buf[32];
  store_be(buf);
  const unsigned n = byte_width();
  return Bytes(buf + (32 - n), buf + 32);
}

namespace {
int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Result<uint256> uint256::from_hex(std::string_view s) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.empty()) return make_error("uint256: empty hex string");
  uint256 r;
  unsigned significant = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const int d = hex_digit(s[i]);
    if (d < 0) return make_error("uint256: invalid hex digit at position " + std::to_string(i));
    if (significant == 0 && d == 0) continue;
    if (++significant > 64) return make_error(ErrorCode::kOutOfRange, "uint256: hex value exceeds 256 bits");
    r = (r << 4) | uint256(static_cast<std::uint64_t>(d));
  }
  return r;
}

Result<uint256> uint256::from_decimal(std::string_view s) {
  if (s.empty()) return make_error("uint256: empty decimal string");
  uint256 r;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return make_error("uint256: invalid decimal digit at position " + std::to_string(i));
    std::uint64_t carry = static_cast<std::uint64_t>(c - '0');
    for (int k = 0; k < 4; ++k) {  // r = r * 10 + digit, detecting overflow out of the top limb
      const U128 t = static_cast<U128>(r.limb(k)) * 10 + carry;
      r.limb(k) = static_cast<std::uint64_t>(t);
      carry = static_cast<std::uint64_t>(t >> 64);
    }
    if (carry != 0) return make_error(ErrorCode::kOutOfRange, "uint256: decimal value exceeds 256 bits");
  }
  return r;
}

Result<uint256> uint256::from_string(std::string_view s) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return from_hex(s);
  return from_decimal(s);
}

std::string uint256::to_hex(bool with_prefix) const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = with_prefix ? "0x" : "";
  const unsigned bits = bit_width();
  if (bits == 0) return out + "0";
  for (unsigned nib = (bits + 3) / 4; nib-- > 0;) out.push_back(kDigits[(w_[nib / 16] >> (4 * (nib % 16))) & 0xf]);
  return out;
}

std::string uint256::to_decimal() const {
  constexpr std::uint64_t kChunk = 10000000000000000000ull;  // 10^19
  if (is_zero()) return "0";
  std::uint64_t u[4] = {w_[0], w_[1], w_[2], w_[3]};
  std::size_t n = significant_limbs(u, 4);
  std::uint64_t chunks[5];  // 2^256 < 10^(19*5)
  std::size_t nc = 0;
  while (n > 0) {
    chunks[nc++] = divrem_by_limb(u, n, kChunk, u);
    n = significant_limbs(u, n);
  }
  std::string out = std::to_string(chunks[nc - 1]);
  for (std::size_t i = nc - 1; i-- > 0;) {
    std::string part = std::to_string(chunks[i]);
    out.append(19 - part.size(), '0');
    out += part;
  }
  return out;
}

}  // namespace igra::core
