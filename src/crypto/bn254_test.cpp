// alt_bn128 precompiles: group laws and pairing bilinearity on the generators given in EIP-196/197,
// encoding and validation rules, gas. Random inputs are compared with py_ecc in
// tests/oracle/test_precompiles.py.
#include "crypto/bn254.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "core/uint256.hpp"

using namespace igra;

namespace {

using core::Bytes;
using core::uint256;

// p and r of alt_bn128 (EIP-196).
const uint256 kP = *uint256::from_hex("0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47");
const uint256 kR = *uint256::from_hex("0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001");

std::string w(const uint256& v) { return core::to_hex(v.to_be32()); }
std::string w(std::uint64_t v) { return w(uint256(v)); }

// G1 generator (1, 2); G2 generator from EIP-197 (x = x_im || x_re, y = y_im || y_re).
const std::string kG1 = w(1) + w(2);
const std::string kG2 =
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";
const std::string kInf = w(0) + w(0);

std::string add(const std::string& a, const std::string& b) {
  auto r = crypto::bn254_add(core::hex_or_die(a + b));
  return r.ok() ? core::to_hex(*r) : "error: " + r.error().message;
}
std::string mul(const std::string& a, const uint256& k) {
  auto r = crypto::bn254_mul(core::hex_or_die(a + w(k)));
  return r.ok() ? core::to_hex(*r) : "error: " + r.error().message;
}
std::string neg(const std::string& pt) {
  const uint256 y = *uint256::from_hex(pt.substr(64));
  return pt.substr(0, 64) + w(y.is_zero() ? y : kP - y);
}
int pairing(const std::string& hex) {
  auto r = crypto::bn254_pairing_check(core::hex_or_die(hex));
  if (!r.ok()) return -1;
  return (*r)[31];
}

TEST(Bn254, G1GroupLaw) {
  const std::string g2 = add(kG1, kG1);
  // 2G = (0x030644e7..., 0x15ed738c...) — also from py_ecc: multiply(G1, 2).
  EXPECT_EQ(g2,
            "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3"
            "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4");
  EXPECT_EQ(mul(kG1, 2), g2);
  EXPECT_EQ(add(g2, kG1), mul(kG1, 3));
  EXPECT_EQ(add(kG1, neg(kG1)), kInf);
  EXPECT_EQ(add(kInf, kG1), kG1);
  EXPECT_EQ(add(kInf, kInf), kInf);
  EXPECT_EQ(mul(kG1, kR), kInf);
  EXPECT_EQ(mul(kG1, kR + uint256(1)), kG1);
  EXPECT_EQ(mul(kG1, 0), kInf);
  EXPECT_EQ(mul(kInf, 12345), kInf);
  EXPECT_EQ(mul(kG1, uint256::max()), mul(kG1, uint256::max() - kR * uint256(5)));  // scalar taken mod r
}

TEST(Bn254, InputPaddingAndValidation) {
  // Short input is zero-padded: empty = O + O; extra bytes are ignored.
  auto r = crypto::bn254_add({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(core::to_hex(*r), kInf);
  r = crypto::bn254_add(core::hex_or_die(kG1));  // G + (padding) O
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(core::to_hex(*r), kG1);
  r = crypto::bn254_add(core::hex_or_die(kG1 + kG1 + "ff"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(core::to_hex(*r), add(kG1, kG1));
  r = crypto::bn254_mul(core::hex_or_die(kG1 + "02"));  // scalar padded on the right: 2 << 248
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(core::to_hex(*r), mul(kG1, uint256(2) << 248));

  EXPECT_NE(add(w(1) + w(3), kInf).find("error"), std::string::npos);             // not on the curve
  EXPECT_NE(add(w(kP + uint256(1)) + w(2), kInf).find("error"), std::string::npos);  // x = p + 1 (= 1 mod p)
  EXPECT_NE(add(w(0) + w(kP), kInf).find("error"), std::string::npos);  // (0, p): would be O mod p
  EXPECT_NE(mul(w(1) + w(3), 1).find("error"), std::string::npos);
}

TEST(Bn254, PairingBilinearity) {
  EXPECT_EQ(pairing(""), 1);
  EXPECT_EQ(pairing(kG1 + kG2), 0);
  EXPECT_EQ(pairing(kG1 + kG2 + neg(kG1) + kG2), 1);
  // e(aP, bQ) e(-abP, Q) = 1 with a = 5, b = 7 (bQ from e(P, bQ) = e(bP, Q): compare both sides).
  const std::string p5 = mul(kG1, 5), p35 = mul(kG1, 35);
  EXPECT_EQ(pairing(p5 + kG2 + neg(mul(kG1, 5)) + kG2), 1);
  EXPECT_EQ(pairing(p35 + kG2 + neg(p5) + kG2 + neg(p5) + kG2 + neg(p5) + kG2 + neg(p5) + kG2 + neg(p5) + kG2 +
                    neg(p5) + kG2 + neg(p5) + kG2),
            1);
  EXPECT_EQ(pairing(p35 + kG2 + neg(p5) + kG2), 0);
  // Pairs with a point at infinity contribute 1.
  EXPECT_EQ(pairing(kInf + kG2), 1);
  EXPECT_EQ(pairing(kG1 + std::string(256, '0')), 1);
}

TEST(Bn254, PairingValidation) {
  EXPECT_EQ(pairing(kG1), -1);  // length not a multiple of 192
  EXPECT_EQ(pairing(kG1 + kG2 + "00"), -1);
  // G2 coordinate >= p.
  std::string bad = kG1 + w(kP) + kG2.substr(64);
  EXPECT_EQ(pairing(bad), -1);
  // G2 point not on the twist: change y_re.
  bad = kG1 + kG2.substr(0, 192) + w(*uint256::from_hex("0x" + kG2.substr(192)) + uint256(1));
  EXPECT_EQ(pairing(bad), -1);
  // Swapped Fp2 halves (x_re || x_im) are a different point, not on the twist.
  bad = kG1 + kG2.substr(64, 64) + kG2.substr(0, 64) + kG2.substr(192, 64) + kG2.substr(128, 64);
  EXPECT_EQ(pairing(bad), -1);
  // Invalid G1 point.
  EXPECT_EQ(pairing(w(1) + w(3) + kG2), -1);
}

// A point on the twist outside the order-r subgroup (x = 1 + 0u, y a square root of x^3 + 3/(9+u); checked
// with py_ecc: on the curve, multiply(pt, r) != infinity). EIP-197 requires rejecting it.
TEST(Bn254, PairingRejectsTwistPointOutsideSubgroup) {
  const std::string q =
      "0000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000001"
      "0d1271953ed9ea0836846e70a1934187998c7f790cb4d7511b7f8da82de048a4"
      "2869111d5381f072f8e2728fdb825a51aadd70e52c9830e9ab4b871c0531f1bb";
  EXPECT_EQ(pairing(kG1 + q), -1);
  EXPECT_EQ(pairing(kInf + q), -1);  // validated even when paired with infinity
}

TEST(Bn254, PairingGas) {
  EXPECT_EQ(crypto::bn254_pairing_gas({}), 45000u);
  EXPECT_EQ(crypto::bn254_pairing_gas(Bytes(192 * 3)), 45000u + 3 * 34000u);
  EXPECT_EQ(crypto::kBn254AddGas, 150u);
  EXPECT_EQ(crypto::kBn254MulGas, 6000u);
}

}  // namespace
