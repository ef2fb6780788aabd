// uint256 against GMP as an independent oracle: random operands biased towards edge cases, every operation
// compared with the exact GMP result reduced mod 2^256 (signed semantics derived from GMP by hand), plus
// hand-written EVM edge cases.
#include "core/uint256.hpp"

#include <gmp.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

using namespace igra::core;

namespace {

constexpr int kIterations = 100000;

// RAII wrapper around mpz_t.
class Mpz {
 public:
  Mpz() { mpz_init(v_); }
  explicit Mpz(const uint256& x) {
    mpz_init(v_);
    mpz_import(v_, 4, -1, sizeof(std::uint64_t), 0, 0, x.limbs().data());
  }
  Mpz(const Mpz& o) { mpz_init_set(v_, o.v_); }
  Mpz& operator=(const Mpz& o) {
    mpz_set(v_, o.v_);
    return *this;
  }
  ~Mpz() { mpz_clear(v_); }
  mpz_ptr get() { return v_; }
  mpz_srcptr get() const { return v_; }

 private:
  mpz_t v_;
};

// Two's-complement interpretation of x.
Mpz to_signed(const uint256& x) {
  Mpz r(x);
  if (x.is_negative()) {
    Mpz two256;
    mpz_ui_pow_ui(two256.get(), 2, 256);
    mpz_sub(r.get(), r.get(), two256.get());
  }
  return r;
}

// Any integer (possibly negative or wider than 256 bits) reduced mod 2^256.
uint256 reduce(const Mpz& v) {
  Mpz r;
  mpz_fdiv_r_2exp(r.get(), v.get(), 256);  // floor remainder: always in [0, 2^256)
  std::array<std::uint64_t, 4> limbs{};
  std::size_t count = 0;
  mpz_export(limbs.data(), &count, -1, sizeof(std::uint64_t), 0, 0, r.get());
  return uint256::from_limbs(limbs[0], limbs[1], limbs[2], limbs[3]);
}

std::string gmp_str(const Mpz& v, int base) {
  char* s = mpz_get_str(nullptr, base, v.get());
  std::string out(s);
  void (*free_fn)(void*, std::size_t);
  mp_get_memory_functions(nullptr, nullptr, &free_fn);
  free_fn(s, out.size() + 1);
  return out;
}

// Random operands biased towards edge cases.
class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t u64() { return rng_(); }
  unsigned below(unsigned n) { return static_cast<unsigned>(rng_() % n); }

  uint256 value() {
    uint256 v = base_value();
    switch (below(8)) {  // small perturbations around the edge values
      case 0: return v + 1;
      case 1: return v - 1;
      case 2: return -v;
      case 3: return ~v;
      default: return v;
    }
  }

 private:
  uint256 full() { return uint256::from_limbs(rng_(), rng_(), rng_(), rng_()); }
  std::uint64_t edge_limb() {
    switch (below(6)) {
      case 0: return 0;
      case 1: return ~0ull;
      case 2: return 1ull << below(64);
      case 3: return (1ull << below(64)) - 1;
      case 4: return 1ull << 63;
      default: return rng_();
    }
  }
  uint256 base_value() {
    switch (below(14)) {
      case 0: return uint256(below(4));                           // 0..3
      case 1: return uint256::max();                              // 2^256 - 1
      case 2: return uint256(1) << below(256);                    // 2^k
      case 3: return (uint256(1) << below(256)) - 1;              // 2^k - 1
      case 4: return uint256::min_signed();                       // sign bit only
      case 5: return uint256::min_signed() - 1;                   // max signed
      case 6: return uint256(rng_());                             // one limb
      case 7: return uint256(rng_() >> below(64));                // small
      case 8: return full() >> below(256);                        // random bit length
      case 9: return uint256::from_limbs(edge_limb(), edge_limb(), edge_limb(), edge_limb());
      case 10: return -(full() >> below(256));                    // negative, random magnitude
      case 11: {                                                   // few bits set
        uint256 v;
        for (unsigned k = below(5); k > 0; --k) v = v | (uint256(1) << below(256));
        return v;
      }
      default: return full();
    }
  }

  std::mt19937_64 rng_;
};

// Runs `check` kIterations times with fresh random operands; stops at the first few failures.
template <typename F>
void for_random(std::uint64_t seed, F check) {
  Gen g(seed);
  for (int i = 0; i < kIterations; ++i) {
    check(g);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "stopped after iteration " << i;
      return;
    }
  }
}

#define EXPECT_U256(actual, expected, ...) \
  EXPECT_EQ((actual).to_hex(), (expected).to_hex()) << __VA_ARGS__

std::string show(const uint256& a) { return a.to_hex(); }


}  // namespace

TEST(Uint256, AddSubMulVsGmp) {
  for_random(1, [](Gen& g) {
    const uint256 a = g.value(), b = g.value();
    Mpz ma(a), mb(b), r;
    mpz_add(r.get(), ma.get(), mb.get());
    EXPECT_U256(a + b, reduce(r), show(a) << " + " << show(b));
    mpz_sub(r.get(), ma.get(), mb.get());
    EXPECT_U256(a - b, reduce(r), show(a) << " - " << show(b));
    mpz_mul(r.get(), ma.get(), mb.get());
    EXPECT_U256(a * b, reduce(r), show(a) << " * " << show(b));
    mpz_neg(r.get(), ma.get());
    EXPECT_U256(-a, reduce(r), "-" << show(a));
    // mul_wide is the exact 512-bit product.
    const auto wide = mul_wide(a, b);
    Mpz w;
    mpz_import(w.get(), 8, -1, sizeof(std::uint64_t), 0, 0, wide.data());
    mpz_mul(r.get(), ma.get(), mb.get());
    EXPECT_EQ(mpz_cmp(w.get(), r.get()), 0) << show(a) << " *wide " << show(b);
  });
}

TEST(Uint256, UnsignedDivModVsGmp) {
  for_random(2, [](Gen& g) {
    const uint256 a = g.value(), b = g.value();
    Mpz ma(a), mb(b), q, r;
    const DivResult d = udivrem(a, b);
    if (b.is_zero()) {
      EXPECT_TRUE(d.quot.is_zero() && d.rem.is_zero());
      EXPECT_TRUE((a / b).is_zero() && (a % b).is_zero());
      return;
    }
    mpz_tdiv_qr(q.get(), r.get(), ma.get(), mb.get());
    EXPECT_U256(d.quot, reduce(q), show(a) << " / " << show(b));
    EXPECT_U256(d.rem, reduce(r), show(a) << " % " << show(b));
    EXPECT_U256(a / b, reduce(q), show(a) << " / " << show(b));
    EXPECT_U256(a % b, reduce(r), show(a) << " % " << show(b));
  });
}

// Limbs from a small pool of boundary values: this reaches the rare add-back step of Knuth's algorithm D
// (about 1 in 2000 divisions here, versus ~2^-64 for uniform operands).
TEST(Uint256, DivModStructuredLimbsVsGmp) {
  static constexpr std::uint64_t kPool[] = {0, 1, 2, ~0ull, ~0ull - 1, 1ull << 63, (1ull << 63) - 1,
                                            (1ull << 63) + 1, 1ull << 32, (1ull << 32) - 1};
  for_random(10, [](Gen& g) {
    auto limb = [&] { return g.below(3) == 0 ? g.u64() : kPool[g.below(10)]; };
    const uint256 a = uint256::from_limbs(limb(), limb(), limb(), limb());
    const uint256 b = uint256::from_limbs(limb(), limb(), limb(), limb()) >> g.below(200);
    if (b.is_zero()) return;
    Mpz ma(a), mb(b), q, r;
    mpz_tdiv_qr(q.get(), r.get(), ma.get(), mb.get());
    const DivResult d = udivrem(a, b);
    EXPECT_U256(d.quot, reduce(q), show(a) << " / " << show(b));
    EXPECT_U256(d.rem, reduce(r), show(a) << " % " << show(b));
    // The same shapes through the 512-bit path of mulmod.
    const uint256 c = uint256::from_limbs(limb(), limb(), limb(), limb());
    Mpz mc(c);
    mpz_mul(r.get(), ma.get(), mc.get());
    mpz_mod(r.get(), r.get(), mb.get());
    EXPECT_U256(mulmod(a, c, b), reduce(r), "mulmod " << show(a) << " " << show(c) << " " << show(b));
  });
  // A case found to need the add-back step.
  const uint256 a = *uint256::from_hex("0xffffffffffffffff800000000000000000000000000000027fffffffffffffff");
  const uint256 b = *uint256::from_hex("0x1ffffffffffffffff0000000000000001e5623d91a92eecb00000000");
  Mpz ma(a), mb(b), q, r;
  mpz_tdiv_qr(q.get(), r.get(), ma.get(), mb.get());
  EXPECT_U256(a / b, reduce(q), "add-back case");
  EXPECT_U256(a % b, reduce(r), "add-back case");
}

// Operands already reduced modulo m (the addmod fast path) and numerators whose top limbs equal the divisor's
// (the overflow case of the 3-by-2 quotient estimate), over structured limbs.
TEST(Uint256, ReducedModArithmeticStructuredVsGmp) {
  static constexpr std::uint64_t kPool[] = {0, 1, ~0ull, ~0ull - 1, 1ull << 63, (1ull << 63) - 1, (1ull << 63) + 1};
  for_random(11, [](Gen& g) {
    auto limb = [&] { return g.below(3) == 0 ? g.u64() : kPool[g.below(7)]; };
    const uint256 m = uint256::from_limbs(limb(), limb(), limb(), limb()) >> g.below(200);
    if (m.is_zero()) return;
    const uint256 a = uint256::from_limbs(limb(), limb(), limb(), limb()) % m;
    const uint256 b = g.below(2) ? m - 1 : uint256::from_limbs(limb(), limb(), limb(), limb()) % m;
    Mpz ma(a), mb(b), mm(m), r;
    mpz_add(r.get(), ma.get(), mb.get());
    mpz_mod(r.get(), r.get(), mm.get());
    EXPECT_U256(addmod(a, b, m), reduce(r), "addmod " << show(a) << " " << show(b) << " " << show(m));
    mpz_mul(r.get(), ma.get(), mb.get());
    mpz_mod(r.get(), r.get(), mm.get());
    EXPECT_U256(mulmod(a, b, m), reduce(r), "mulmod " << show(a) << " " << show(b) << " " << show(m));
    // (m * c + m - 1) has top limbs equal to m's for c = B^k - 1 shapes: exercises qhat = B - 1.
    const uint256 c = uint256::max() >> (64 * g.below(4));
    Mpz mc(c);
    mpz_mul(r.get(), mm.get(), mc.get());
    mpz_add(r.get(), r.get(), mb.get());
    const auto wide = mul_wide(m, c);
    std::uint64_t limbs[8];
    std::uint64_t carry = 0;
    for (int i = 0; i < 8; ++i) {
      const unsigned __int128 t = static_cast<unsigned __int128>(wide[i]) + (i < 4 ? b.limb(i) : 0) + carry;
      limbs[i] = static_cast<std::uint64_t>(t);
      carry = static_cast<std::uint64_t>(t >> 64);
    }
    std::uint64_t quot[8];
    const uint256 rem = divrem_limbs(limbs, 8, m, quot);
    Mpz q, rr;
    mpz_tdiv_qr(q.get(), rr.get(), r.get(), mm.get());
    EXPECT_U256(rem, reduce(rr), "divrem_limbs rem " << show(m) << " " << show(c));
    Mpz mq;
    mpz_import(mq.get(), 8, -1, sizeof(std::uint64_t), 0, 0, quot);
    EXPECT_EQ(mpz_cmp(mq.get(), q.get()), 0) << "divrem_limbs quot " << show(m) << " " << show(c);
  });
}

TEST(Uint256, SignedDivModVsGmp) {
  for_random(3, [](Gen& g) {
    const uint256 a = g.value(), b = g.value();
    if (b.is_zero()) {
      EXPECT_TRUE(sdiv(a, b).is_zero());
      EXPECT_TRUE(smod(a, b).is_zero());
      return;
    }
    Mpz sa = to_signed(a), sb = to_signed(b), q, r;
    // EVM SDIV truncates towards zero; SMOD takes the dividend's sign. MIN / -1 = 2^255 wraps to MIN.
    mpz_tdiv_qr(q.get(), r.get(), sa.get(), sb.get());
    EXPECT_U256(sdiv(a, b), reduce(q), "sdiv " << show(a) << " " << show(b));
    EXPECT_U256(smod(a, b), reduce(r), "smod " << show(a) << " " << show(b));
  });
}

TEST(Uint256, AddModMulModVsGmp) {
  for_random(4, [](Gen& g) {
    const uint256 a = g.value(), b = g.value(), m = g.value();
    if (m.is_zero()) {
      EXPECT_TRUE(addmod(a, b, m).is_zero());
      EXPECT_TRUE(mulmod(a, b, m).is_zero());
      return;
    }
    Mpz ma(a), mb(b), mm(m), r;
    mpz_add(r.get(), ma.get(), mb.get());
    mpz_mod(r.get(), r.get(), mm.get());
    EXPECT_U256(addmod(a, b, m), reduce(r), "addmod " << show(a) << " " << show(b) << " " << show(m));
    mpz_mul(r.get(), ma.get(), mb.get());
    mpz_mod(r.get(), r.get(), mm.get());
    EXPECT_U256(mulmod(a, b, m), reduce(r), "mulmod " << show(a) << " " << show(b) << " " << show(m));
  });
}

TEST(Uint256, ExpVsGmp) {
  Mpz two256;
  mpz_ui_pow_ui(two256.get(), 2, 256);
  for_random(5, [&](Gen& g) {
    const uint256 a = g.value();
    // Exponents: half full-range edge-biased values, half small ones (where results are not mostly 0).
    const uint256 e = g.below(2) ? g.value() : uint256(g.below(300));
    Mpz ma(a), me(e), r;
    mpz_powm(r.get(), ma.get(), me.get(), two256.get());
    EXPECT_U256(exp(a, e), reduce(r), "exp " << show(a) << " " << show(e));
  });
}

TEST(Uint256, BitwiseAndComparisonsVsGmp) {
  for_random(6, [](Gen& g) {
    const uint256 a = g.value();
    const uint256 b = g.below(8) == 0 ? a : g.value();  // equal operands now and then
    Mpz ma(a), mb(b), r;
    mpz_and(r.get(), ma.get(), mb.get());
    EXPECT_U256(a & b, reduce(r), show(a) << " & " << show(b));
    mpz_ior(r.get(), ma.get(), mb.get());
    EXPECT_U256(a | b, reduce(r), show(a) << " | " << show(b));
    mpz_xor(r.get(), ma.get(), mb.get());
    EXPECT_U256(a ^ b, reduce(r), show(a) << " ^ " << show(b));
    mpz_com(r.get(), ma.get());  // -a-1, i.e. ~a mod 2^256
    EXPECT_U256(~a, reduce(r), "~" << show(a));

    const int uc = mpz_cmp(ma.get(), mb.get());
    EXPECT_EQ(a < b, uc < 0) << show(a) << " < " << show(b);
    EXPECT_EQ(a > b, uc > 0) << show(a) << " > " << show(b);
    EXPECT_EQ(a <= b, uc <= 0);
    EXPECT_EQ(a >= b, uc >= 0);
    EXPECT_EQ(a == b, uc == 0);
    EXPECT_EQ(a != b, uc != 0);
    EXPECT_EQ((a <=> b) < 0, uc < 0);
    EXPECT_EQ((a <=> b) == 0, uc == 0);
    const int sc = mpz_cmp(to_signed(a).get(), to_signed(b).get());
    EXPECT_EQ(slt(a, b), sc < 0) << "slt " << show(a) << " " << show(b);
    EXPECT_EQ(sgt(a, b), sc > 0) << "sgt " << show(a) << " " << show(b);
    EXPECT_EQ(a.is_zero(), mpz_sgn(ma.get()) == 0);
  });
}

TEST(Uint256, ShiftsVsGmp) {
  for_random(7, [](Gen& g) {
    const uint256 a = g.value();
    // Shift amounts: mostly 0..300, sometimes a full (huge) value.
    const uint256 n = g.below(8) == 0 ? g.value() : uint256(g.below(301));
    const unsigned k = n.fits_uint64() && n.low64() < 256 ? static_cast<unsigned>(n.low64()) : 256;
    Mpz ma(a), r;
    mpz_mul_2exp(r.get(), ma.get(), k);
    EXPECT_U256(a << n, reduce(r), show(a) << " << " << show(n));
    mpz_fdiv_q_2exp(r.get(), ma.get(), k);
    EXPECT_U256(a >> n, reduce(r), show(a) << " >> " << show(n));
    // Arithmetic shift = floor division of the signed value by 2^k.
    Mpz sa = to_signed(a);
    mpz_fdiv_q_2exp(r.get(), sa.get(), k);
    EXPECT_U256(sar(a, n), reduce(r), "sar " << show(a) << " " << show(n));
    if (n.fits_uint64()) {
      const std::uint64_t k64 = n.low64();
      mpz_mul_2exp(r.get(), ma.get(), k);
      EXPECT_U256(a << k64, reduce(r), show(a) << " <<u64 " << k64);
      mpz_fdiv_q_2exp(r.get(), ma.get(), k);
      EXPECT_U256(a >> k64, reduce(r), show(a) << " >>u64 " << k64);
      mpz_fdiv_q_2exp(r.get(), sa.get(), k);
      EXPECT_U256(sar(a, k64), reduce(r), "sar " << show(a) << " " << k64);
    }
  });
}

TEST(Uint256, ByteSignextendWidthsVsGmp) {
  for_random(8, [](Gen& g) {
    const uint256 x = g.value();
    const uint256 i = g.below(8) == 0 ? g.value() : uint256(g.below(40));
    Mpz mx(x), r, t;
    // BYTE(i, x) = (x >> (8 * (31 - i))) & 0xff for i < 32, else 0.
    if (i.fits_uint64() && i.low64() < 32) {
      mpz_fdiv_q_2exp(t.get(), mx.get(), 8 * (31 - i.low64()));
      mpz_fdiv_r_2exp(r.get(), t.get(), 8);
    } else {
      mpz_set_ui(r.get(), 0);
    }
    EXPECT_U256(byte(i, x), reduce(r), "byte " << show(i) << " " << show(x));
    // SIGNEXTEND(b, x): for b < 31 take the low 8(b+1) bits as a signed number.
    if (i.fits_uint64() && i.low64() < 31) {
      const unsigned bits = 8 * (static_cast<unsigned>(i.low64()) + 1);
      mpz_fdiv_r_2exp(r.get(), mx.get(), bits);
      if (mpz_tstbit(r.get(), bits - 1)) {
        mpz_ui_pow_ui(t.get(), 2, bits);
        mpz_sub(r.get(), r.get(), t.get());
      }
    } else {
      mpz_set(r.get(), mx.get());
    }
    EXPECT_U256(signextend(i, x), reduce(r), "signextend " << show(i) << " " << show(x));
    const unsigned bw = mpz_sgn(mx.get()) == 0 ? 0 : static_cast<unsigned>(mpz_sizeinbase(mx.get(), 2));
    EXPECT_EQ(x.bit_width(), bw) << show(x);
    EXPECT_EQ(x.byte_width(), (bw + 7) / 8) << show(x);
    const unsigned probe = g.below(260);
    EXPECT_EQ(x.bit(probe), probe < 256 && mpz_tstbit(mx.get(), probe) != 0);
  });
}

TEST(Uint256, ConversionsVsGmp) {
  for_random(9, [](Gen& g) {
    const uint256 x = g.value();
    Mpz mx(x);
    // Big-endian bytes: GMP exports most significant byte first.
    std::uint8_t expected[32] = {};
    std::size_t count = 0;
    std::uint8_t tmp[32];
    mpz_export(tmp, &count, 1, 1, 1, 0, mx.get());
    std::memcpy(expected + (32 - count), tmp, count);
    std::uint8_t be[32];
    x.store_be(be);
    ASSERT_EQ(std::memcmp(be, expected, 32), 0) << show(x);
    EXPECT_EQ(uint256::load_be(expected), x);
    const Bytes trimmed = x.to_be_trimmed();
    EXPECT_EQ(trimmed, Bytes(tmp, tmp + count)) << show(x);
    EXPECT_EQ(uint256::from_be_bytes(ByteView(tmp, count)), x);

    const std::string dec = gmp_str(mx, 10), hex = gmp_str(mx, 16);
    EXPECT_EQ(x.to_decimal(), dec);
    EXPECT_EQ(x.to_hex(), "0x" + hex);
    EXPECT_EQ(x.to_hex(false), hex);
    auto pd = uint256::from_decimal(dec);
    ASSERT_TRUE(pd.ok()) << dec;
    EXPECT_EQ(*pd, x) << dec;
    auto ph = uint256::from_hex("0x" + hex);
    ASSERT_TRUE(ph.ok()) << hex;
    EXPECT_EQ(*ph, x) << hex;
    auto ps = uint256::from_string(dec);
    ASSERT_TRUE(ps.ok());
    EXPECT_EQ(*ps, x);
  });
}

TEST(Uint256, StringParsingErrors) {
  EXPECT_FALSE(uint256::from_hex("").ok());
  EXPECT_FALSE(uint256::from_hex("0x").ok());
  EXPECT_FALSE(uint256::from_hex("0xg").ok());
  EXPECT_FALSE(uint256::from_hex("-1").ok());
  EXPECT_FALSE(uint256::from_decimal("").ok());
  EXPECT_FALSE(uint256::from_decimal("12a").ok());
  EXPECT_FALSE(uint256::from_decimal("-1").ok());
  EXPECT_FALSE(uint256::from_decimal("+1").ok());
  EXPECT_FALSE(uint256::from_decimal(" 1").ok());
  // 2^256 - 1 parses, 2^256 does not (decimal and hex).
  const std::string max_dec = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
  const std::string two256_dec = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
  ASSERT_TRUE(uint256::from_decimal(max_dec).ok());
  EXPECT_EQ(*uint256::from_decimal(max_dec), uint256::max());
  auto over = uint256::from_decimal(two256_dec);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kOutOfRange);
  EXPECT_FALSE(uint256::from_decimal("999999999999999999999999999999999999999999999999999999999999999999999999999999").ok());
  ASSERT_TRUE(uint256::from_hex("0x" + std::string(64, 'f')).ok());
  EXPECT_EQ(*uint256::from_hex("0X" + std::string(64, 'F')), uint256::max());
  EXPECT_FALSE(uint256::from_hex("0x1" + std::string(64, '0')).ok());
  // Leading zeros do not count towards the 64-digit limit.
  ASSERT_TRUE(uint256::from_hex(std::string(70, '0') + "1").ok());
  EXPECT_EQ(*uint256::from_hex(std::string(70, '0') + "1"), uint256(1));
  EXPECT_EQ(*uint256::from_decimal("000123"), uint256(123));
  EXPECT_EQ(uint256().to_hex(), "0x0");
  EXPECT_EQ(uint256().to_decimal(), "0");
  EXPECT_TRUE(uint256().to_be_trimmed().empty());
}

// Hand-written EVM cases (values from the Yellow Paper definitions, worked out by hand).
TEST(Uint256, EvmEdgeCases) {
  const uint256 max = uint256::max();
  const uint256 min = uint256::min_signed();  // -2^255
  const uint256 minus1 = max;
  const uint256 minus2 = max - 1;

  // Wrapping.
  EXPECT_EQ(max + 1, uint256(0));
  EXPECT_EQ(uint256(0) - 1, max);
  EXPECT_EQ(max * max, uint256(1));  // (-1)(-1)
  EXPECT_EQ(min * minus1, min);

  // DIV/MOD by zero.
  EXPECT_EQ(uint256(7) / 0, uint256(0));
  EXPECT_EQ(uint256(7) % 0, uint256(0));
  EXPECT_EQ(max / max, uint256(1));
  EXPECT_EQ(max % 2, uint256(1));
  EXPECT_EQ(max / 2, min - 1);

  // SDIV / SMOD.
  EXPECT_EQ(sdiv(min, minus1), min);  // overflow case
  EXPECT_EQ(smod(min, minus1), uint256(0));
  EXPECT_EQ(sdiv(uint256(7), 0), uint256(0));
  EXPECT_EQ(smod(uint256(7), 0), uint256(0));
  EXPECT_EQ(sdiv(-uint256(7), uint256(2)), -uint256(3));  // truncation towards zero
  EXPECT_EQ(sdiv(uint256(7), -uint256(2)), -uint256(3));
  EXPECT_EQ(sdiv(-uint256(7), -uint256(2)), uint256(3));
  EXPECT_EQ(smod(-uint256(8), uint256(3)), minus2);  // -8 smod 3 = -2
  EXPECT_EQ(smod(uint256(8), -uint256(3)), uint256(2));
  EXPECT_EQ(smod(-uint256(8), -uint256(3)), minus2);
  EXPECT_EQ(sdiv(minus2, minus1), uint256(2));

  // ADDMOD / MULMOD with full-width intermediates. 2^256 mod 12 = 4, so max mod 12 = 3, max^2 mod 12 = 9.
  EXPECT_EQ(addmod(max, uint256(1), uint256(2)), uint256(0));
  EXPECT_EQ(addmod(max, max, max), uint256(0));
  EXPECT_EQ(addmod(max, uint256(2), max), uint256(2));
  EXPECT_EQ(addmod(max, max, uint256(12)), uint256(6));
  EXPECT_EQ(mulmod(max, max, uint256(12)), uint256(9));
  EXPECT_EQ(mulmod(max, max, max), uint256(0));
  EXPECT_EQ(mulmod(max, max, max - 1), uint256(1));  // (m+1)^2 mod m = 1
  EXPECT_EQ(mulmod(uint256(5), uint256(6), 0), uint256(0));
  EXPECT_EQ(addmod(uint256(5), uint256(6), 0), uint256(0));

  // EXP.
  EXPECT_EQ(exp(uint256(0), uint256(0)), uint256(1));
  EXPECT_EQ(exp(uint256(0), uint256(1)), uint256(0));
  EXPECT_EQ(exp(uint256(2), uint256(255)), min);
  EXPECT_EQ(exp(uint256(2), uint256(256)), uint256(0));
  EXPECT_EQ(exp(minus1, max), minus1);  // odd power of -1
  EXPECT_EQ(exp(minus1, max - 1), uint256(1));
  EXPECT_EQ(exp(uint256(3), uint256(5)), uint256(243));

  // Comparisons.
  EXPECT_TRUE(slt(minus1, uint256(0)));
  EXPECT_TRUE(slt(min, max));
  EXPECT_TRUE(sgt(min - 1, min));
  EXPECT_FALSE(slt(uint256(5), uint256(5)));
  EXPECT_TRUE(uint256(0) < max);
  EXPECT_FALSE(max < max);

  // Shifts.
  EXPECT_EQ(uint256(1) << 255, min);
  EXPECT_EQ(uint256(1) << 256, uint256(0));
  EXPECT_EQ(min >> 255, uint256(1));
  EXPECT_EQ(min >> uint256(256), uint256(0));
  EXPECT_EQ(max << max, uint256(0));
  EXPECT_EQ(sar(min, 255), minus1);
  EXPECT_EQ(sar(min, 256), minus1);
  EXPECT_EQ(sar(minus1, max), minus1);
  EXPECT_EQ(sar(min - 1, 254), uint256(1));
  EXPECT_EQ(sar(min - 1, 255), uint256(0));
  EXPECT_EQ(sar(-uint256(16), 2), -uint256(4));
  EXPECT_EQ(uint256(1) << -1, uint256(0));
  EXPECT_EQ(uint256(1) << (1ull << 32), uint256(0));

  // BYTE / SIGNEXTEND.
  const uint256 x = *uint256::from_hex("0x0102030405060708091011121314151617181920212223242526272829303132");
  EXPECT_EQ(byte(uint256(0), x), uint256(0x01));
  EXPECT_EQ(byte(uint256(31), x), uint256(0x32));
  EXPECT_EQ(byte(uint256(8), x), uint256(0x09));
  EXPECT_EQ(byte(uint256(32), x), uint256(0));
  EXPECT_EQ(byte(max, x), uint256(0));
  EXPECT_EQ(signextend(uint256(0), uint256(0xff)), max);
  EXPECT_EQ(signextend(uint256(0), uint256(0x7f)), uint256(0x7f));
  EXPECT_EQ(signextend(uint256(0), uint256(0x1280)), -uint256(0x80));
  EXPECT_EQ(signextend(uint256(1), uint256(0xff7f)), -uint256(0x81));
  EXPECT_EQ(signextend(uint256(30), min >> 8), (min >> 8) | (uint256(0xff) << 248));
  EXPECT_EQ(signextend(uint256(31), min), min);
  EXPECT_EQ(signextend(max, uint256(0xff)), uint256(0xff));

  // Widths.
  EXPECT_EQ(uint256(0).bit_width(), 0u);
  EXPECT_EQ(uint256(1).bit_width(), 1u);
  EXPECT_EQ(max.bit_width(), 256u);
  EXPECT_EQ(uint256(0x100).byte_width(), 2u);
  EXPECT_EQ(max.byte_width(), 32u);
}

TEST(Uint256, ConstexprAndTraits) {
  static_assert(std::is_trivially_copyable_v<uint256>);
  constexpr uint256 a = uint256(3) * uint256(5) + uint256(1);
  static_assert(a == uint256(16));
  static_assert((uint256(1) << 200) >> 199 == uint256(2));
  static_assert(uint256(0) - 1 == uint256::max());
  static_assert(slt(uint256::max(), uint256(0)));
  static_assert(byte(uint256(31), uint256(0xab)) == uint256(0xab));
  static_assert(signextend(uint256(0), uint256(0x80)) == uint256::max() - 0x7f);
  constexpr std::uint8_t be[32] = {0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                   0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
  static_assert(uint256::load_be(be) == uint256::min_signed() + 1);
  SUCCEED();
}
