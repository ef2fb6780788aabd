// MODEXP (EIP-198) with EIP-2565 gas: the EIP-198 examples, edge cases of the length/padding rules, and
// gas values worked out by hand from the EIP-2565 formula. Random inputs are compared with Python's pow()
// in tests/oracle/test_precompiles.py.
#include "crypto/modexp.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"

using namespace igra;

namespace {

std::string word(std::uint64_t v) {
  char buf[65];
  std::snprintf(buf, sizeof(buf), "%064llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string run(const std::string& hex) {
  auto r = crypto::modexp(core::hex_or_die(hex));
  EXPECT_TRUE(r.ok());
  return r.ok() ? core::to_hex(*r) : "error";
}

constexpr const char* kSecpP = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
constexpr const char* kSecpPMinus1 = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e";

TEST(Modexp, Eip198Examples) {
  // 3^(p-1) mod p = 1 (Fermat), p = 2^256 - 2^32 - 977.
  const std::string fermat = word(1) + word(32) + word(32) + "03" + kSecpPMinus1 + kSecpP;
  EXPECT_EQ(run(fermat), word(1));
  // EIP-2565: complexity ceil(32/8)^2 = 16, iterations bit_length(p-1) - 1 = 255: 16 * 255 / 3 = 1360.
  EXPECT_EQ(crypto::modexp_gas(core::hex_or_die(fermat)), 1360u);
  // Base length 0: base 0, 0^(p-1) mod p = 0.
  EXPECT_EQ(run(word(0) + word(32) + word(32) + kSecpPMinus1 + kSecpP), word(0));
  // Lengths 1, 2, 32 with the modulus cut short by the input end (padded with zeros on the right):
  // 3^0xffff mod 0x80 << 248 ... = 3^65535 mod 2^255.
  const std::string truncated = word(1) + word(2) + word(32) + "03" + "ffff" + "80";
  const std::string out = run(truncated);
  EXPECT_EQ(out.size(), 64u);
  EXPECT_EQ(out, "3b01b01ac41f2d6e917c6d6a221ce793802469026d9ab7578fa2e79e4da6aaab");
}

TEST(Modexp, EdgeCases) {
  // mod_len 0: empty output whatever else (even absurd exponent lengths), minimum gas.
  const std::string huge_exp = word(0) + "ff" + std::string(62, 'f') + word(0);
  EXPECT_EQ(run(huge_exp), "");
  EXPECT_EQ(crypto::modexp_gas(core::hex_or_die(huge_exp)), 200u);
  // Modulus 0: zeros of mod_len.
  EXPECT_EQ(run(word(1) + word(1) + word(2) + "02" + "03" + "0000"), "0000");
  // Modulus 1: 0.
  EXPECT_EQ(run(word(1) + word(1) + word(1) + "02" + "03" + "01"), "00");
  // x^0 = 1 (also 0^0).
  EXPECT_EQ(run(word(1) + word(0) + word(1) + "00" + "07"), "01");
  EXPECT_EQ(run(word(1) + word(1) + word(1) + "00" + "00" + "07"), "01");
  // Output is left-padded to mod_len: 2^3 mod 0x0100 = 8 -> 0008.
  EXPECT_EQ(run(word(1) + word(1) + word(2) + "02" + "03" + "0100"), "0008");
  // Empty input: all lengths 0.
  EXPECT_EQ(run(""), "");
  EXPECT_EQ(crypto::modexp_gas({}), 200u);
  // Unpayable lengths: saturated gas, and an error if called anyway.
  const std::string big = word(0) + word(0) + "0000000000000000000000000000000000000000000000000000000100000001";
  EXPECT_EQ(crypto::modexp_gas(core::hex_or_die(big)), UINT64_MAX);
  EXPECT_FALSE(crypto::modexp(core::hex_or_die(big)).ok());
}

TEST(Modexp, Eip2565Gas) {
  // Long exponent (40 bytes, head 0x01 followed by zeros in the first 32 bytes):
  // iterations = 8 * (40 - 32) + (bit_length(head) - 1) = 64 + 248 = 312; complexity ceil(1/8)^2 = 1;
  // gas = max(200, 312 / 3 = 104) = 200.
  std::string in = word(1) + word(40) + word(1) + "02" + "01" + std::string(78, '0') + "05";
  EXPECT_EQ(crypto::modexp_gas(core::hex_or_die(in)), 200u);
  // Same with a 64-byte modulus: complexity 8^2 = 64, 64 * 312 / 3 = 6656.
  in = word(1) + word(40) + word(64) + "02" + "01" + std::string(78, '0') + std::string(127, '0') + "5";
  EXPECT_EQ(crypto::modexp_gas(core::hex_or_die(in)), 6656u);
  // Long exponent whose head is zero: iterations = 8 * (40 - 32) + 0 = 64 (log2 of a zero head counts as
  // 0 in geth / execution-specs, not the EIP text's -1); 64 * 64 / 3 = 1365.
  in = word(1) + word(40) + word(64) + "02" + std::string(80, '0') + std::string(127, '0') + "5";
  EXPECT_EQ(crypto::modexp_gas(core::hex_or_die(in)), 1365u);
  // Short exponent 0: iterations max(0, 1) = 1; complexity for 256-byte operands 32^2 = 1024: 1024 / 3 = 341.
  in = word(256) + word(1) + word(256) + std::string(512, '0') + "00" + std::string(511, '0') + "7";
  EXPECT_EQ(crypto::modexp_gas(core::hex_or_die(in)), 341u);
}

}  // namespace
