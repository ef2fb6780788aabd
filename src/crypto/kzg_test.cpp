// EIP-4844 point evaluation: the embedded [tau]G2 against the ceremony output shipped with c-kzg, proofs we can
// build by hand (constant polynomials have the point at infinity as their proof), the input rules, and every
// point-evaluation call of the EEST Cancun state tests (tests/cancun/eip4844_blobs: the c-kzg/go-kzg external
// vectors, valid and invalid inputs, call types), with the expected outcome read from the fixtures' post state.
#include "crypto/kzg.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "core/hex.hpp"
#include "support/eest_precompile_calls.hpp"
#include "support/testing.hpp"

using namespace igra;

namespace {

using core::Bytes;

const std::string kModulus = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";
const std::string kSuccessOutput = std::string(60, '0') + "1000" + kModulus;
// Compressed G1 generator ([1]G1 = the commitment to the constant polynomial 1) and the point at infinity.
const std::string kG1Compressed =
    "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";
const std::string kInfCompressed = "c0" + std::string(94, '0');

std::string word(unsigned v) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", v);
  return std::string(56, '0') + buf;
}

std::string versioned_hash(const std::string& commitment_hex) {
  return core::to_hex(crypto::kzg_to_versioned_hash(*core::fixed_from_hex<48>(commitment_hex)));
}

std::string evaluate(const std::string& hex) {
  auto r = crypto::kzg_point_evaluation(core::hex_or_die(hex));
  return r.ok() ? core::to_hex(*r) : "error";
}

std::string input(const std::string& commitment, const std::string& z, const std::string& y,
                  const std::string& proof) {
  return versioned_hash(commitment) + z + y + commitment + proof;
}

}  // namespace

TEST(Kzg, TauG2MatchesTrustedSetup) {
  std::ifstream in(IGRA_KZG_TRUSTED_SETUP);
  if (!in) GTEST_SKIP() << "trusted setup not found at " << IGRA_KZG_TRUSTED_SETUP << " (run scripts/setup.sh)";
  // Format: n_g1, n_g2, n_g1 Lagrange G1 points, n_g2 monomial G2 points, n_g1 monomial G1 points (hex lines).
  std::size_t n_g1 = 0, n_g2 = 0;
  in >> n_g1 >> n_g2;
  ASSERT_EQ(n_g1, 4096u);
  ASSERT_GE(n_g2, 2u);
  std::string line;
  for (std::size_t i = 0; i < n_g1; ++i) in >> line;
  std::string g2_generator, tau_g2;
  in >> g2_generator >> tau_g2;
  // Index 0 of the monomial G2 list is the generator (sanity check of our reading of the file).
  EXPECT_EQ(g2_generator.substr(0, 16), "93e02b6052719f60");
  EXPECT_EQ(core::to_hex(crypto::kzg_trusted_setup_tau_g2()), tau_g2);
}

TEST(Kzg, VersionedHash) {
  const auto h = crypto::kzg_to_versioned_hash(*core::fixed_from_hex<48>(kInfCompressed));
  EXPECT_EQ(h[0], 0x01);
}

TEST(Kzg, ConstantPolynomials) {
  // The zero polynomial: commitment and proof at infinity, value 0 everywhere.
  EXPECT_EQ(evaluate(input(kInfCompressed, word(0), word(0), kInfCompressed)), kSuccessOutput);
  EXPECT_EQ(evaluate(input(kInfCompressed, word(12345), word(0), kInfCompressed)), kSuccessOutput);
  EXPECT_EQ(evaluate(input(kInfCompressed, word(1), word(1), kInfCompressed)), "error");
  // f(x) = 1: commitment [1]G1, quotient 0 so the proof is infinity; f(z) = 1 for every z.
  EXPECT_EQ(evaluate(input(kG1Compressed, word(7), word(1), kInfCompressed)), kSuccessOutput);
  EXPECT_EQ(evaluate(input(kG1Compressed, std::string(kModulus.substr(0, 63)) + "0", word(1), kInfCompressed)),
            kSuccessOutput);  // z = r - 1
  EXPECT_EQ(evaluate(input(kG1Compressed, word(7), word(2), kInfCompressed)), "error");
  EXPECT_EQ(evaluate(input(kG1Compressed, word(7), word(1), kG1Compressed)), "error");
  auto v = crypto::verify_kzg_proof(*core::fixed_from_hex<48>(kG1Compressed), *core::fixed_from_hex<32>(word(7)),
                                    *core::fixed_from_hex<32>(word(2)), *core::fixed_from_hex<48>(kInfCompressed));
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(*v);
}

TEST(Kzg, InputRules) {
  const std::string good = input(kG1Compressed, word(7), word(1), kInfCompressed);
  EXPECT_EQ(evaluate(good.substr(0, good.size() - 2)), "error");
  EXPECT_EQ(evaluate(good + "00"), "error");
  EXPECT_EQ(evaluate(""), "error");
  // Wrong version byte, then a wrong hash body.
  EXPECT_EQ(evaluate("02" + good.substr(2)), "error");
  EXPECT_EQ(evaluate(good.substr(0, 62) + (good.substr(62, 2) == "00" ? "01" : "00") + good.substr(64)), "error");
  // z = r and y = r are out of range.
  EXPECT_EQ(evaluate(input(kG1Compressed, kModulus, word(1), kInfCompressed)), "error");
  EXPECT_EQ(evaluate(input(kInfCompressed, word(0), kModulus, kInfCompressed)), "error");
  // Uncompressed flag, infinity flag with a non-zero body, and an x not on the curve.
  EXPECT_EQ(evaluate(input("17" + kG1Compressed.substr(2), word(7), word(1), kInfCompressed)), "error");
  EXPECT_EQ(evaluate(input(kG1Compressed, word(7), word(1), "c0" + std::string(93, '0') + "1")), "error");
  EXPECT_EQ(evaluate(input(kG1Compressed, word(7), word(1), "8" + std::string(94, '0') + "4")), "error");
}

TEST(Kzg, GasConstant) { EXPECT_EQ(crypto::kzg_point_evaluation_gas(), 50000u); }

TEST(KzgEest, AllPointEvaluationCallsMatchFixtures) {
  const auto dir =
      igra::testing::unpacked_fixture("eest-state_tests.tar.xz") / "state_tests" / "cancun" / "eip4844_blobs";
  const auto calls = igra::testing::eest_precompile_calls(dir, 0x0a, {"Cancun", "Prague", "Osaka"});
  std::size_t n = 0, succeeded = 0;
  for (const auto& c : calls) {
    // These contracts pass a 64-byte return buffer and store success (slot 0), the two output words (slots 1, 2;
    // read back from memory, so only meaningful on success) and RETURNDATASIZE (slot 3).
    if (c.ret_size != 0x40) continue;
    ++n;
    const auto result = crypto::kzg_point_evaluation(c.input);
    const bool ok = result.ok() && crypto::kzg_point_evaluation_gas() <= c.gas;
    const bool expected_ok = c.slot_u64(0) == 1;
    EXPECT_EQ(ok, expected_ok) << c.name << (result.ok() ? "" : ": " + result.error().message);
    if (!ok || !expected_ok) {
      EXPECT_EQ(c.slot_u64(3), 0u) << c.name;
      continue;
    }
    ++succeeded;
    EXPECT_EQ(c.slot_u64(3), 64u) << c.name;
    EXPECT_EQ(core::to_hex(*result), core::to_hex(c.slot(1)) + core::to_hex(c.slot(2))) << c.name;
  }
  std::printf("EEST EIP-4844: %zu point-evaluation calls checked, %zu succeed\n", n, succeeded);
  EXPECT_GT(n, 300u);
  EXPECT_GT(succeeded, 10u);
}
