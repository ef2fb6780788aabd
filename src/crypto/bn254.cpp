// BN254 arithmetic for the alt_bn128 precompiles. Written for clarity first: affine Miller loop with sparse
// line values, a plain square-and-multiply hard part in the final exponentiation, Jacobian coordinates for
// scalar multiplication. Every input is public, so nothing here needs to be constant-time.
#include "crypto/bn254.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include <gmp.h>

namespace igra::crypto {

namespace {

using U128 = unsigned __int128;
using Limbs = std::array<std::uint64_t, 4>;  // least significant first

// p, the base field modulus.
constexpr Limbs kP = {0x3c208c16d87cfd47ull, 0x97816a916871ca8dull, 0xb85045b68181585dull, 0x30644e72e131a029ull};
// r, the order of G1 and G2.
constexpr Limbs kR = {0x43e1f593f0000001ull, 0x2833e84879b97091ull, 0xb85045b68181585dull, 0x30644e72e131a029ull};
// Montgomery constants: R = 2^256 mod p (the form of 1), R^2 mod p, -p^-1 mod 2^64.
constexpr Limbs kMontOne = {0xd35d438dc58f0d9dull, 0x0a78eb28f5c70b3dull, 0x666ea36f7879462cull, 0x0e0a77c19a07df2full};
constexpr Limbs kMontR2 = {0xf32cfc5b538afa89ull, 0xb5e71911d44501fbull, 0x47ab1eff0a417ff6ull, 0x06d89f71cab8351full};
constexpr std::uint64_t kMontInv = 0x87d20782e4866389ull;
constexpr Limbs kPMinus2 = {0x3c208c16d87cfd45ull, 0x97816a916871ca8dull, 0xb85045b68181585dull, 0x30644e72e131a029ull};
// (p - 1) / 6: xi^((p-1)/6) is the Frobenius twist constant.
constexpr Limbs kPMinus1Over6 = {0x34b017592414d4e1ull, 0xee9591c2e6bda1c2ull, 0xf40d60f3c0403964ull,
                                 0x0810b7bdd032f006ull};
// 6x + 2 for the BN parameter x = 4965661367192848881: the optimal ate Miller loop length (65 bits).
constexpr U128 kAteLoop = (static_cast<U128>(0x1) << 64) | 0x9d797039be763ba8ull;
// The BN parameter x (p = 36x^4 + 36x^3 + 24x^2 + 6x + 1).
constexpr std::uint64_t kBnX = 4965661367192848881ull;

bool limbs_less(const Limbs& a, const Limbs& b) noexcept {
  for (int i = 3; i >= 0; --i)
    if (a[i] != b[i]) return a[i] < b[i];
  return false;
}

// a - b, returns the borrow.
std::uint64_t limbs_sub(Limbs& out, const Limbs& a, const Limbs& b) noexcept {
  std::uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const U128 d = static_cast<U128>(a[i]) - b[i] - borrow;
    out[i] = static_cast<std::uint64_t>(d);
    borrow = static_cast<std::uint64_t>(d >> 64) & 1;
  }
  return borrow;
}

std::uint64_t limbs_add(Limbs& out, const Limbs& a, const Limbs& b) noexcept {
  std::uint64_t carry = 0;
  for (int i = 0; i < 4; ++i) {
    const U128 s = static_cast<U128>(a[i]) + b[i] + carry;
    out[i] = static_cast<std::uint64_t>(s);
    carry = static_cast<std::uint64_t>(s >> 64);
  }
  return carry;
}

Limbs limbs_from_be(const std::uint8_t* p) noexcept {
  Limbs l{};
  for (int i = 0; i < 4; ++i) l[3 - i] = core::load_be<std::uint64_t>(p + 8 * i);
  return l;
}

void limbs_to_be(const Limbs& l, std::uint8_t* p) noexcept {
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 8; ++j) p[8 * i + j] = static_cast<std::uint8_t>(l[3 - i] >> (56 - 8 * j));
}

// ---- Fp: Montgomery form, values in [0, p) ------------------------------------------------------------

struct Fp {
  Limbs v{};  // a * 2^256 mod p

  static Fp zero() noexcept { return Fp{}; }
  static Fp one() noexcept { return Fp{kMontOne}; }
  bool is_zero() const noexcept { return (v[0] | v[1] | v[2] | v[3]) == 0; }
  friend bool operator==(const Fp& a, const Fp& b) noexcept { return a.v == b.v; }
  friend bool operator!=(const Fp& a, const Fp& b) noexcept { return a.v != b.v; }
};

// CIOS Montgomery multiplication: a * b / 2^256 mod p. p < 2^254 keeps every intermediate below 2p.
Fp mont_mul(const Limbs& a, const Limbs& b) noexcept {
  std::uint64_t t[6] = {0, 0, 0, 0, 0, 0};
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    std::uint64_t c = 0;
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      const U128 s = static_cast<U128>(a[j]) * b[i] + t[j] + c;
      t[j] = static_cast<std::uint64_t>(s);
      c = static_cast<std::uint64_t>(s >> 64);
    }
    U128 s = static_cast<U128>(t[4]) + c;
    t[4] = static_cast<std::uint64_t>(s);
    t[5] = static_cast<std::uint64_t>(s >> 64);

    const std::uint64_t m = t[0] * kMontInv;
    s = static_cast<U128>(m) * kP[0] + t[0];
    c = static_cast<std::uint64_t>(s >> 64);
#pragma GCC unroll 3
    for (int j = 1; j < 4; ++j) {
      s = static_cast<U128>(m) * kP[j] + t[j] + c;
      t[j - 1] = static_cast<std::uint64_t>(s);
      c = static_cast<std::uint64_t>(s >> 64);
    }
    s = static_cast<U128>(t[4]) + c;
    t[3] = static_cast<std::uint64_t>(s);
    t[4] = t[5] + static_cast<std::uint64_t>(s >> 64);
  }
  Fp out{{t[0], t[1], t[2], t[3]}};
  if (t[4] != 0 || !limbs_less(out.v, kP)) limbs_sub(out.v, out.v, kP);
  return out;
}

Fp operator*(const Fp& a, const Fp& b) noexcept { return mont_mul(a.v, b.v); }
Fp operator+(const Fp& a, const Fp& b) noexcept {
  Fp r;
  const std::uint64_t carry = limbs_add(r.v, a.v, b.v);
  if (carry || !limbs_less(r.v, kP)) limbs_sub(r.v, r.v, kP);
  return r;
}
Fp operator-(const Fp& a, const Fp& b) noexcept {
  Fp r;
  if (limbs_sub(r.v, a.v, b.v)) limbs_add(r.v, r.v, kP);
  return r;
}
Fp operator-(const Fp& a) noexcept { return Fp::zero() - a; }

Fp fp_pow(const Fp& a, const Limbs& e) noexcept {
  Fp r = Fp::one();
  for (int i = 255; i >= 0; --i) {
    r = r * r;
    if ((e[i / 64] >> (i % 64)) & 1) r = r * a;
  }
  return r;
}
// R^3 mod p: mont_mul(R^2, R^2).
static_assert(sizeof(mp_limb_t) == sizeof(std::uint64_t), "GMP limbs must be 64-bit");
const Limbs& mont_r3() noexcept {
  static const Limbs r3 = mont_mul(kMontR2, kMontR2).v;
  return r3;
}

// Inverse in Montgomery form; inverse(0) = 0. For a = xR, GMP's extended-gcd inversion gives (xR)^-1 and one
// Montgomery multiplication by R^3 turns it into x^-1 R (about 8x faster than Fermat's a^(p-2)).
Fp inverse(const Fp& a) noexcept {
  if (a.is_zero()) return a;
  const mp_limb_t* av = reinterpret_cast<const mp_limb_t*>(a.v.data());
  const mp_limb_t* pv = reinterpret_cast<const mp_limb_t*>(kP.data());
  mpz_t x, m, r;
  mpz_roinit_n(x, av, 4);
  mpz_roinit_n(m, pv, 4);
  mpz_init2(r, 256);
  const int ok = mpz_invert(r, x, m);  // p is prime and 0 < a < p: always invertible
  Limbs inv{};
  if (ok) mpz_export(inv.data(), nullptr, -1, sizeof(std::uint64_t), 0, 0, r);
  mpz_clear(r);
  if (!ok) return fp_pow(a, kPMinus2);
  return mont_mul(inv, mont_r3());
}

// Canonical integer (< p) to Montgomery form.
Fp fp_from_limbs(const Limbs& x) noexcept { return mont_mul(x, kMontR2); }
Fp fp_from_u64(std::uint64_t x) noexcept { return fp_from_limbs({x, 0, 0, 0}); }
Limbs fp_to_limbs(const Fp& a) noexcept { return mont_mul(a.v, {1, 0, 0, 0}).v; }

// Parses a 32-byte big-endian word that must be < p.
core::Result<Fp> fp_from_be(const std::uint8_t* p) {
  const Limbs l = limbs_from_be(p);
  if (!limbs_less(l, kP)) return core::make_error("bn254: coordinate not below the field modulus");
  return fp_from_limbs(l);
}

// ---- Fp2 = Fp[u] / (u^2 + 1) ----------------------------------------------------------------------------

struct Fp2 {
  Fp c0, c1;  // c0 + c1 u
  static Fp2 zero() noexcept { return Fp2{}; }
  static Fp2 one() noexcept { return Fp2{Fp::one(), Fp::zero()}; }
  bool is_zero() const noexcept { return c0.is_zero() && c1.is_zero(); }
  friend bool operator==(const Fp2& a, const Fp2& b) noexcept { return a.c0 == b.c0 && a.c1 == b.c1; }
  friend bool operator!=(const Fp2& a, const Fp2& b) noexcept { return !(a == b); }
};

Fp2 operator+(const Fp2& a, const Fp2& b) noexcept { return {a.c0 + b.c0, a.c1 + b.c1}; }
Fp2 operator-(const Fp2& a, const Fp2& b) noexcept { return {a.c0 - b.c0, a.c1 - b.c1}; }
Fp2 operator-(const Fp2& a) noexcept { return {-a.c0, -a.c1}; }
Fp2 operator*(const Fp2& a, const Fp2& b) noexcept {
  const Fp t0 = a.c0 * b.c0, t1 = a.c1 * b.c1;
  return {t0 - t1, (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
}
Fp2 operator*(const Fp2& a, const Fp& s) noexcept { return {a.c0 * s, a.c1 * s}; }
Fp2 conj(const Fp2& a) noexcept { return {a.c0, -a.c1}; }
Fp2 inverse(const Fp2& a) noexcept {
  const Fp n = inverse(a.c0 * a.c0 + a.c1 * a.c1);
  return {a.c0 * n, -(a.c1 * n)};
}
// Multiplication by xi = 9 + u: (c0 + c1 u)(9 + u) = (9 c0 - c1) + (c0 + 9 c1) u.
Fp2 mul_by_xi(const Fp2& a) noexcept {
  const Fp two0 = a.c0 + a.c0, four0 = two0 + two0, eight0 = four0 + four0;
  const Fp two1 = a.c1 + a.c1, four1 = two1 + two1, eight1 = four1 + four1;
  return {eight0 + a.c0 - a.c1, a.c0 + eight1 + a.c1};
}
Fp2 fp2_pow(const Fp2& a, const Limbs& e) noexcept {
  Fp2 r = Fp2::one();
  for (int i = 255; i >= 0; --i) {
    r = r * r;
    if ((e[i / 64] >> (i % 64)) & 1) r = r * a;
  }
  return r;
}

// ---- Fp6 = Fp2[v] / (v^3 - xi), Fp12 = Fp6[w] / (w^2 - v) ----------------------------------------------

struct Fp6 {
  Fp2 c0, c1, c2;  // c0 + c1 v + c2 v^2
  static Fp6 zero() noexcept { return Fp6{}; }
  static Fp6 one() noexcept { return Fp6{Fp2::one(), Fp2::zero(), Fp2::zero()}; }
  friend bool operator==(const Fp6& a, const Fp6& b) noexcept { return a.c0 == b.c0 && a.c1 == b.c1 && a.c2 == b.c2; }
};

Fp6 operator+(const Fp6& a, const Fp6& b) noexcept { return {a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2}; }
Fp6 operator-(const Fp6& a, const Fp6& b) noexcept { return {a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2}; }
Fp6 operator-(const Fp6& a) noexcept { return {-a.c0, -a.c1, -a.c2}; }
Fp6 operator*(const Fp6& a, const Fp6& b) noexcept {
  const Fp2 t0 = a.c0 * b.c0, t1 = a.c1 * b.c1, t2 = a.c2 * b.c2;
  return {t0 + mul_by_xi(a.c1 * b.c2 + a.c2 * b.c1), a.c0 * b.c1 + a.c1 * b.c0 + mul_by_xi(t2),
          a.c0 * b.c2 + t1 + a.c2 * b.c0};
}
// Multiplication by v: (c0, c1, c2) v = (xi c2, c0, c1).
Fp6 mul_by_v(const Fp6& a) noexcept { return {mul_by_xi(a.c2), a.c0, a.c1}; }
Fp6 inverse(const Fp6& a) noexcept {
  const Fp2 t0 = a.c0 * a.c0 - mul_by_xi(a.c1 * a.c2);
  const Fp2 t1 = mul_by_xi(a.c2 * a.c2) - a.c0 * a.c1;
  const Fp2 t2 = a.c1 * a.c1 - a.c0 * a.c2;
  const Fp2 det = a.c0 * t0 + mul_by_xi(a.c2 * t1 + a.c1 * t2);
  const Fp2 d = inverse(det);
  return {t0 * d, t1 * d, t2 * d};
}

struct Fp12 {
  Fp6 c0, c1;  // c0 + c1 w
  static Fp12 one() noexcept { return Fp12{Fp6::one(), Fp6::zero()}; }
  friend bool operator==(const Fp12& a, const Fp12& b) noexcept { return a.c0 == b.c0 && a.c1 == b.c1; }
};

Fp12 operator*(const Fp12& a, const Fp12& b) noexcept {
  const Fp6 t0 = a.c0 * b.c0, t1 = a.c1 * b.c1;
  return {t0 + mul_by_v(t1), (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
}
// (a + b w)^2 = (a^2 + b^2 v) + 2ab w, with a^2 + b^2 v = (a + b)(a + b v) - ab - ab v: two Fp6
// multiplications instead of three.
Fp12 square(const Fp12& f) noexcept {
  const Fp6 ab = f.c0 * f.c1;
  const Fp6 c0 = (f.c0 + f.c1) * (f.c0 + mul_by_v(f.c1)) - ab - mul_by_v(ab);
  return {c0, ab + ab};
}
// f * l for a line value l = (A, 0, 0) + (B0, B1, 0) w (see line_value): 18 Fp2 multiplications instead of
// 27. With f = f0 + f1 w: f l = (f0 A + f1 (B0 + B1 v) v) + (f0 (B0 + B1 v) + f1 A) w.
Fp6 mul_by_fp2(const Fp6& a, const Fp2& s) noexcept { return {a.c0 * s, a.c1 * s, a.c2 * s}; }
// (c0 + c1 v + c2 v^2)(B0 + B1 v) = (c0 B0 + xi c2 B1) + (c0 B1 + c1 B0) v + (c1 B1 + c2 B0) v^2.
Fp6 mul_by_01(const Fp6& c, const Fp2& b0, const Fp2& b1) noexcept {
  return {c.c0 * b0 + mul_by_xi(c.c2 * b1), c.c0 * b1 + c.c1 * b0, c.c1 * b1 + c.c2 * b0};
}
Fp12 mul_by_line(const Fp12& f, const Fp12& l) noexcept {
  const Fp2& a = l.c0.c0;
  const Fp2& b0 = l.c1.c0;
  const Fp2& b1 = l.c1.c1;
  return {mul_by_fp2(f.c0, a) + mul_by_v(mul_by_01(f.c1, b0, b1)), mul_by_01(f.c0, b0, b1) + mul_by_fp2(f.c1, a)};
}
Fp12 conj(const Fp12& a) noexcept { return {a.c0, -a.c1}; }  // a^(p^6)
Fp12 inverse(const Fp12& a) noexcept {
  // (c0 + c1 w)^-1 = (c0 - c1 w) / (c0^2 - c1^2 v)
  const Fp6 d = inverse(a.c0 * a.c0 - mul_by_v(a.c1 * a.c1));
  return {a.c0 * d, -(a.c1 * d)};
}

// Frobenius constants gamma_i = xi^(i (p - 1) / 6), i = 0..5: w^(i p) = gamma_i w^i.
struct Constants {
  std::array<Fp2, 6> gamma;
  Fp2 twist_b;  // 3 / xi, the twist curve's b
  Fp b;         // 3
  Constants() {
    const Fp2 xi{fp_from_u64(9), fp_from_u64(1)};
    const Fp2 g = fp2_pow(xi, kPMinus1Over6);
    gamma[0] = Fp2::one();
    for (int i = 1; i < 6; ++i) gamma[i] = gamma[i - 1] * g;
    b = fp_from_u64(3);
    twist_b = Fp2{b, Fp::zero()} * inverse(xi);
  }
};
const Constants& constants() {
  static const Constants c;
  return c;
}

// f^p. Writing f = sum c_i w^i (c_i in Fp2, w^2 = v: c0.c0, c1.c0, c0.c1, c1.c1, c0.c2, c1.c2 are the
// coefficients of w^0..w^5), f^p = sum conj(c_i) gamma_i w^i.
Fp12 frobenius(const Fp12& f) noexcept {
  const auto& g = constants().gamma;
  return {{conj(f.c0.c0) * g[0], conj(f.c0.c1) * g[2], conj(f.c0.c2) * g[4]},
          {conj(f.c1.c0) * g[1], conj(f.c1.c1) * g[3], conj(f.c1.c2) * g[5]}};
}

// ---- curve points -------------------------------------------------------------------------------------

template <typename F>
struct Affine {
  F x, y;
  bool infinity = true;
};

// Jacobian (X, Y, Z) = (X / Z^2, Y / Z^3) on y^2 = x^3 + b; Z = 0 is infinity. Formulas for a = 0
// (dbl-2009-l, add-2007-bl from the Explicit-Formulas Database).
template <typename F>
struct Jacobian {
  F x, y, z;  // z zero = infinity

  static Jacobian infinity() { return Jacobian{F::one(), F::one(), F::zero()}; }
  static Jacobian from(const Affine<F>& a) { return a.infinity ? infinity() : Jacobian{a.x, a.y, F::one()}; }
  bool is_infinity() const { return z.is_zero(); }

  Jacobian dbl() const {
    if (is_infinity()) return *this;
    const F a = x * x, b = y * y, c = b * b;
    F d = (x + b) * (x + b) - a - c;
    d = d + d;
    const F e = a + a + a, f = e * e;
    const F x3 = f - (d + d);
    F c8 = c + c;
    c8 = c8 + c8;
    c8 = c8 + c8;
    const F y3 = e * (d - x3) - c8;
    const F yz = y * z;
    return Jacobian{x3, y3, yz + yz};
  }

  Jacobian add(const Jacobian& o) const {
    if (is_infinity()) return o;
    if (o.is_infinity()) return *this;
    const F z1z1 = z * z, z2z2 = o.z * o.z;
    const F u1 = x * z2z2, u2 = o.x * z1z1;
    const F s1 = y * o.z * z2z2, s2 = o.y * z * z1z1;
    if (u1 == u2) return s1 == s2 ? dbl() : infinity();
    const F h = u2 - u1, h2 = h + h, i = h2 * h2, j = h * i;
    F r = s2 - s1;
    r = r + r;
    const F v = u1 * i;
    const F x3 = r * r - j - (v + v);
    const F s1j = s1 * j;
    const F y3 = r * (v - x3) - (s1j + s1j);
    const F z3 = ((z + o.z) * (z + o.z) - z1z1 - z2z2) * h;
    return Jacobian{x3, y3, z3};
  }

  // Scalar multiplication by a 256-bit scalar (limbs least significant first), MSB first.
  template <std::size_t N>
  Jacobian mul(const std::array<std::uint64_t, N>& k) const {
    Jacobian acc = infinity();
    for (int i = static_cast<int>(64 * N) - 1; i >= 0; --i) {
      acc = acc.dbl();
      if ((k[i / 64] >> (i % 64)) & 1) acc = acc.add(*this);
    }
    return acc;
  }

  Affine<F> to_affine() const {
    if (is_infinity()) return Affine<F>{};
    const F zi = inverse(z), zi2 = zi * zi;
    return Affine<F>{x * zi2, y * zi2 * zi, false};
  }
};

using G1 = Affine<Fp>;
using G2 = Affine<Fp2>;

bool on_curve(const G1& p) { return p.infinity || p.y * p.y == p.x * p.x * p.x + constants().b; }
bool on_curve(const G2& p) { return p.infinity || p.y * p.y == p.x * p.x * p.x + constants().twist_b; }

core::Result<G1> parse_g1(const std::uint8_t* in) {
  IGRA_TRY(Fp x, fp_from_be(in));
  IGRA_TRY(Fp y, fp_from_be(in + 32));
  if (x.is_zero() && y.is_zero()) return G1{};
  G1 p{x, y, false};
  if (!on_curve(p)) return core::make_error("bn254: G1 point not on curve");
  return p;
}

core::Result<G2> parse_g2(const std::uint8_t* in) {
  IGRA_TRY(Fp x_im, fp_from_be(in));
  IGRA_TRY(Fp x_re, fp_from_be(in + 32));
  IGRA_TRY(Fp y_im, fp_from_be(in + 64));
  IGRA_TRY(Fp y_re, fp_from_be(in + 96));
  const Fp2 x{x_re, x_im}, y{y_re, y_im};
  if (x.is_zero() && y.is_zero()) return G2{};
  G2 p{x, y, false};
  if (!on_curve(p)) return core::make_error("bn254: G2 point not on curve");
  // The twist has a large cofactor: points outside the order-r subgroup must be rejected (EIP-197).
  if (!Jacobian<Fp2>::from(p).mul(kR).is_infinity()) return core::make_error("bn254: G2 point not in subgroup");
  return p;
}

core::FixedBytes<64> encode_g1(const G1& p) {
  core::FixedBytes<64> out;
  if (p.infinity) return out;
  limbs_to_be(fp_to_limbs(p.x), out.data());
  limbs_to_be(fp_to_limbs(p.y), out.data() + 32);
  return out;
}

// ---- pairing ------------------------------------------------------------------------------------------

// The line through the untwisted images of T (on the twist) with slope lambda (in twist coordinates),
// evaluated at P in G1. With psi(x, y) = (x w^2, y w^3) the slope upstairs is lambda w, and
// l(P) = y_P - lambda x_P w + (lambda x_T - y_T) w^3, i.e. c0 = (y_P, 0, 0), c1 = (-lambda x_P, lambda x_T - y_T, 0).
Fp12 line_value(const Fp2& lambda, const G2& t, const G1& p) {
  return Fp12{Fp6{Fp2{p.y, Fp::zero()}, Fp2::zero(), Fp2::zero()},
              Fp6{-(lambda * p.x), lambda * t.x - t.y, Fp2::zero()}};
}

// T <- T + Q (or 2T when Q == T) and the line through them at P. Vertical lines (T = -Q) lie in Fp6 and
// are erased by the final exponentiation, so they contribute 1.
Fp12 add_step(G2& t, const G2& q, const G1& p) {
  if (t.infinity) {
    t = q;
    return Fp12::one();
  }
  if (q.infinity) return Fp12::one();
  Fp2 lambda;
  if (t.x == q.x) {
    if (t.y != q.y || t.y.is_zero()) {
      t = G2{};
      return Fp12::one();
    }
    const Fp2 x2 = t.x * t.x;
    lambda = (x2 + x2 + x2) * inverse(t.y + t.y);
  } else {
    lambda = (q.y - t.y) * inverse(q.x - t.x);
  }
  const Fp12 l = line_value(lambda, t, p);
  const Fp2 x3 = lambda * lambda - t.x - q.x;
  const Fp2 y3 = lambda * (t.x - x3) - t.y;
  t = G2{x3, y3, false};
  return l;
}

// pi(Q) on the twist: the p-power Frobenius of psi(Q) pulled back, (conj(x) gamma_2, conj(y) gamma_3).
G2 twist_frobenius(const G2& q) {
  const auto& g = constants().gamma;
  return G2{conj(q.x) * g[2], conj(q.y) * g[3], q.infinity};
}

// Jacobian doubling step of the Miller loop: T <- 2T and the tangent line at T evaluated at P, scaled by
// the Fp2 factor D = 2 Y Z^3 (with x = X / Z^2, y = Y / Z^3, lambda = 3X^2 / (2YZ)):
//   D * l = 2YZ^3 y_P - 3X^2 Z^2 x_P w + (3X^3 - 2Y^2) w^3.
// Factors in a proper subfield are erased by the final exponentiation, so no inversion is needed.
Fp12 double_step(Jacobian<Fp2>& t, const G1& p) {
  const Fp2 x2 = t.x * t.x, y2 = t.y * t.y, z2 = t.z * t.z;
  const Fp2 three_x2 = x2 + x2 + x2;
  const Fp2 yz3 = t.y * z2 * t.z;
  const Fp12 l{Fp6{(yz3 + yz3) * p.y, Fp2::zero(), Fp2::zero()},
               Fp6{-(three_x2 * z2 * p.x), three_x2 * t.x - (y2 + y2), Fp2::zero()}};
  t = t.dbl();
  return l;
}

// Mixed addition step: T <- T + Q (Q affine) and the line through them at P, scaled by D = Z H with
// N = y_Q Z^3 - Y, H = x_Q Z^2 - X (lambda = N / (Z H)), written through Q:
//   D * l = Z H y_P - N x_P w + (N x_Q - y_Q Z H) w^3.
// The degenerate cases (T at infinity, T = +-Q) go through the affine step.
Fp12 add_step_jacobian(Jacobian<Fp2>& t, const G2& q, const G1& p) {
  if (!t.is_infinity()) {
    const Fp2 z2 = t.z * t.z;
    const Fp2 h = q.x * z2 - t.x;
    if (!h.is_zero()) {
      const Fp2 n = q.y * z2 * t.z - t.y;
      const Fp2 zh = t.z * h;
      const Fp12 l{Fp6{zh * p.y, Fp2::zero(), Fp2::zero()}, Fp6{-(n * p.x), n * q.x - q.y * zh, Fp2::zero()}};
      t = t.add(Jacobian<Fp2>::from(q));
      return l;
    }
  }
  G2 a = t.to_affine();
  const Fp12 l = add_step(a, q, p);
  t = Jacobian<Fp2>::from(a);
  return l;
}

// Optimal ate Miller loop f_{6x+2,Q}(P) * l_{T,pi(Q)}(P) * l_{T',-pi^2(Q)}(P).
Fp12 miller_loop(const G1& p, const G2& q) {
  Fp12 f = Fp12::one();
  Jacobian<Fp2> t = Jacobian<Fp2>::from(q);
  int top = 127;
  while (!((kAteLoop >> top) & 1)) --top;
  for (int i = top - 1; i >= 0; --i) {
    f = square(f);
    f = mul_by_line(f, double_step(t, p));
    if ((kAteLoop >> i) & 1) f = mul_by_line(f, add_step_jacobian(t, q, p));
  }
  const G2 q1 = twist_frobenius(q);
  G2 q2 = twist_frobenius(q1);
  q2.y = -q2.y;
  f = mul_by_line(f, add_step_jacobian(t, q1, p));
  f = mul_by_line(f, add_step_jacobian(t, q2, p));
  return f;
}

// g^k for a small k (square-and-multiply).
Fp12 pow_small(const Fp12& g, unsigned k) {
  if (k == 0) return Fp12::one();
  int top = 31;
  while (!((k >> top) & 1)) --top;
  Fp12 r = g;
  for (int i = top - 1; i >= 0; --i) {
    r = square(r);
    if ((k >> i) & 1) r = r * g;
  }
  return r;
}

// g^x for the BN parameter x.
Fp12 pow_x(const Fp12& g) {
  Fp12 r = g;
  for (int i = 61; i >= 0; --i) {  // x has 63 bits; the top one is the initial r = g
    r = square(r);
    if ((kBnX >> i) & 1) r = r * g;
  }
  return r;
}

// f^((p^12 - 1) / r) = (f^((p^6 - 1)(p^2 + 1)))^((p^4 - p^2 + 1) / r).
//
// Hard part: (p^4 - p^2 + 1) / r = l0 + l1 p + l2 p^2 + l3 p^3 exactly, with (checked numerically)
//   l3 = 1, l2 = 6x^2 + 1, l1 = -36x^3 - 18x^2 - 12x + 1, l0 = -36x^3 - 30x^2 - 18x - 2,
// so three exponentiations by x plus Frobenius maps replace a 761-bit exponentiation. After the easy part
// t lies in the cyclotomic subgroup, where t^-1 = conj(t).
Fp12 final_exponentiation(const Fp12& f) {
  Fp12 t = conj(f) * inverse(f);     // ^(p^6 - 1)
  t = frobenius(frobenius(t)) * t;  // ^(p^2 + 1)
  const Fp12 a = pow_x(t), b = pow_x(a), c = pow_x(b);  // t^x, t^(x^2), t^(x^3)
  const Fp12 c36 = pow_small(c, 36);
  const Fp12 l0 = conj(c36 * pow_small(b, 30) * pow_small(a, 18) * t * t);
  const Fp12 l1 = conj(c36 * pow_small(b, 18) * pow_small(a, 12)) * t;
  const Fp12 l2 = pow_small(b, 6) * t;
  const Fp12 l3 = t;
  return l0 * frobenius(l1) * frobenius(frobenius(l2)) * frobenius(frobenius(frobenius(l3)));
}

// The first N bytes of input in a zero-padded buffer (precompile inputs are implicitly padded).
template <std::size_t N>
std::array<std::uint8_t, N> padded(core::ByteView in) {
  std::array<std::uint8_t, N> buf{};
  if (!in.empty()) std::memcpy(buf.data(), in.data(), std::min(in.size(), N));  // data() may be null
  return buf;
}

}  // namespace

core::Result<core::FixedBytes<64>> bn254_add(core::ByteView input) {
  const auto buf = padded<128>(input);
  IGRA_TRY(G1 a, parse_g1(buf.data()));
  IGRA_TRY(G1 b, parse_g1(buf.data() + 64));
  return encode_g1(Jacobian<Fp>::from(a).add(Jacobian<Fp>::from(b)).to_affine());
}

core::Result<core::FixedBytes<64>> bn254_mul(core::ByteView input) {
  const auto buf = padded<96>(input);
  IGRA_TRY(G1 a, parse_g1(buf.data()));
  const Limbs k = limbs_from_be(buf.data() + 64);
  return encode_g1(Jacobian<Fp>::from(a).mul(k).to_affine());
}

core::Result<core::Hash32> bn254_pairing_check(core::ByteView input) {
  if (input.size() % kBn254PairSize != 0)
    return core::make_error("bn254: pairing input length " + std::to_string(input.size()) +
                            " is not a multiple of 192");
  Fp12 acc = Fp12::one();
  for (std::size_t off = 0; off < input.size(); off += kBn254PairSize) {
    IGRA_TRY(G1 p, parse_g1(input.data() + off));
    IGRA_TRY(G2 q, parse_g2(input.data() + off + 64));
    if (p.infinity || q.infinity) continue;  // e(O, Q) = e(P, O) = 1
    acc = acc * miller_loop(p, q);
  }
  core::Hash32 out;
  if (final_exponentiation(acc) == Fp12::one()) out[31] = 1;
  return out;
}

std::uint64_t bn254_pairing_gas(core::ByteView input) noexcept {
  return kBn254PairingBaseGas + kBn254PairingPerPairGas * static_cast<std::uint64_t>(input.size() / kBn254PairSize);
}

}  // namespace igra::crypto
