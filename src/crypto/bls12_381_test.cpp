// EIP-2537 precompiles: group laws and pairing identities on the EIP's generators, the encoding rules, gas, and
// every precompile call of the EEST Prague state tests (tests/prague/eip2537_bls_12_381_precompiles), whose
// expected outcome (success flag, output size and keccak of the output) is read from the fixtures' post state.
// Random inputs are compared with py_ecc in tests/oracle/test_bls_precompiles.py.
#include "crypto/bls12_381.hpp"

// GCC 12 reports a bogus -Wrestrict inside std::string concatenation at -O2/-O3 (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <blst.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "support/eest_precompile_calls.hpp"
#include "support/testing.hpp"

using namespace igra;

namespace {

using core::Bytes;

const std::string kZeroPad(32, '0');  // 16 zero bytes of padding, as hex
std::string fp(const std::string& hex48) { return kZeroPad + hex48; }

// Generators from EIP-2537.
const std::string kG1 =
    fp("17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb") +
    fp("08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1");
const std::string kG2 =
    fp("024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8") +
    fp("13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e") +
    fp("0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801") +
    fp("0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be");
const std::string kP = "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab";
const std::string kR = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";
const std::string kRMinus1 = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000";
const std::string kRPlus1 = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000002";
const std::string kInf1(256, '0');
const std::string kInf2(512, '0');

std::string scalar(unsigned v) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", v);
  return std::string(56, '0') + buf;
}

using Fn = std::function<core::Result<Bytes>(core::ByteView)>;
std::string call(const Fn& f, const std::string& hex) {
  auto r = f(core::hex_or_die(hex));
  return r.ok() ? core::to_hex(*r) : "error";
}

const Fn g1_add = crypto::bls12_g1_add, g2_add = crypto::bls12_g2_add, g1_msm = crypto::bls12_g1_msm,
         g2_msm = crypto::bls12_g2_msm, pairing = crypto::bls12_pairing_check,
         map_g1 = crypto::bls12_map_fp_to_g1, map_g2 = crypto::bls12_map_fp2_to_g2;

const std::string kTrue = std::string(63, '0') + "1";
const std::string kFalse = std::string(64, '0');

// An on-curve G1 point outside the prime-order subgroup: the first x = 0, 1, 2, ... with x^3 + 4 a square whose
// point fails blst's subgroup check (the cofactor is large, so almost every curve point qualifies).
std::string g1_point_outside_subgroup() {
  for (std::uint64_t x = 0;; ++x) {
    std::uint64_t limbs[6] = {x, 0, 0, 0, 0, 0};
    blst_p1_affine a;
    blst_fp_from_uint64(&a.x, limbs);
    blst_fp rhs, four;
    std::uint64_t four_limbs[6] = {4, 0, 0, 0, 0, 0};
    blst_fp_from_uint64(&four, four_limbs);
    blst_fp_sqr(&rhs, &a.x);
    blst_fp_mul(&rhs, &rhs, &a.x);
    blst_fp_add(&rhs, &rhs, &four);
    if (!blst_fp_sqrt(&a.y, &rhs)) continue;
    if (!blst_p1_affine_on_curve(&a) || blst_p1_affine_in_g1(&a)) continue;
    std::uint8_t bx[48], by[48];
    blst_bendian_from_fp(bx, &a.x);
    blst_bendian_from_fp(by, &a.y);
    return fp(core::to_hex(core::ByteView(bx, 48))) + fp(core::to_hex(core::ByteView(by, 48)));
  }
}

}  // namespace

TEST(Bls12381, G1AddGroupLaw) {
  const std::string two_g = call(g1_msm, kG1 + scalar(2));
  EXPECT_EQ(call(g1_add, kG1 + kG1), two_g);
  EXPECT_EQ(call(g1_add, kG1 + kInf1), kG1);
  EXPECT_EQ(call(g1_add, kInf1 + kG1), kG1);
  EXPECT_EQ(call(g1_add, kInf1 + kInf1), kInf1);
  const std::string neg_g = call(g1_msm, kG1 + kRMinus1);
  EXPECT_EQ(call(g1_add, kG1 + neg_g), kInf1);
  EXPECT_EQ(call(g1_add, two_g + neg_g), kG1);
  EXPECT_EQ(call(g1_msm, kG1 + scalar(3)), call(g1_add, two_g + kG1));
}

TEST(Bls12381, G2AddGroupLaw) {
  const std::string two_g = call(g2_msm, kG2 + scalar(2));
  EXPECT_EQ(call(g2_add, kG2 + kG2), two_g);
  EXPECT_EQ(call(g2_add, kG2 + kInf2), kG2);
  EXPECT_EQ(call(g2_add, kInf2 + kInf2), kInf2);
  const std::string neg_g = call(g2_msm, kG2 + kRMinus1);
  EXPECT_EQ(call(g2_add, kG2 + neg_g), kInf2);
  EXPECT_EQ(call(g2_msm, kG2 + scalar(3)), call(g2_add, two_g + kG2));
}

TEST(Bls12381, MsmScalarsAreNotReducedButActLikeTheirResidues) {
  EXPECT_EQ(call(g1_msm, kG1 + kR), kInf1);
  EXPECT_EQ(call(g1_msm, kG1 + kRPlus1), kG1);
  EXPECT_EQ(call(g2_msm, kG2 + kRPlus1), kG2);
  EXPECT_EQ(call(g1_msm, kG1 + scalar(0)), kInf1);
  EXPECT_EQ(call(g1_msm, kInf1 + scalar(5)), kInf1);
  // 2^256 - 1 is accepted.
  EXPECT_NE(call(g1_msm, kG1 + std::string(64, 'f')), "error");
  // Several pairs: 2G + 3G + 0*G + inf = 5G.
  EXPECT_EQ(call(g1_msm, kG1 + scalar(2) + kG1 + scalar(3) + kG1 + scalar(0) + kInf1 + scalar(7)),
            call(g1_msm, kG1 + scalar(5)));
  EXPECT_EQ(call(g2_msm, kG2 + scalar(2) + kG2 + scalar(3)), call(g2_msm, kG2 + scalar(5)));
  // Terms that cancel: G + (r-1)G = inf.
  EXPECT_EQ(call(g1_msm, kG1 + scalar(1) + kG1 + kRMinus1), kInf1);
}

TEST(Bls12381, PairingIdentities) {
  const std::string neg_g1 = call(g1_msm, kG1 + kRMinus1);
  const std::string two_g1 = call(g1_msm, kG1 + scalar(2));
  const std::string two_g2 = call(g2_msm, kG2 + scalar(2));
  EXPECT_EQ(call(pairing, kG1 + kG2), kFalse);
  EXPECT_EQ(call(pairing, kG1 + kG2 + neg_g1 + kG2), kTrue);
  EXPECT_EQ(call(pairing, two_g1 + kG2 + neg_g1 + two_g2), kTrue);  // bilinearity
  EXPECT_EQ(call(pairing, two_g1 + kG2 + neg_g1 + kG2), kFalse);
  EXPECT_EQ(call(pairing, kInf1 + kG2), kTrue);
  EXPECT_EQ(call(pairing, kG1 + kInf2), kTrue);
  EXPECT_EQ(call(pairing, kInf1 + kInf2 + kG1 + kG2 + neg_g1 + kG2), kTrue);
}

TEST(Bls12381, FieldElementEncoding) {
  // Non-zero padding, x = p, and the largest valid x (which is not on the curve with y = 0).
  EXPECT_EQ(call(g1_add, std::string("01") + kG1.substr(2) + kInf1), "error");
  EXPECT_EQ(call(map_g1, fp(kP)), "error");
  EXPECT_EQ(call(map_g1, std::string(31, '0') + "1" + kP), "error");
  EXPECT_NE(call(map_g1, fp(std::string(96, '0'))), "error");
  // p - 1 is a valid field element.
  EXPECT_NE(call(map_g1, fp(kP.substr(0, 95) + "a")), "error");
  EXPECT_EQ(call(map_g2, fp(kP) + fp(std::string(96, '0'))), "error");
  EXPECT_EQ(call(map_g2, fp(std::string(96, '0')) + fp(kP)), "error");
}

TEST(Bls12381, PointValidation) {
  const std::string one = fp(std::string(95, '0').append("1"));
  const std::string not_on_curve = one + one;
  EXPECT_EQ(call(g1_add, not_on_curve + kInf1), "error");
  EXPECT_EQ(call(g1_msm, not_on_curve + scalar(0)), "error");
  EXPECT_EQ(call(pairing, not_on_curve + kG2), "error");
  // On the curve but outside the subgroup: ADD accepts it (EIP-2537 skips the check there), MSM and pairing fail,
  // even with a zero scalar.
  const std::string outside = g1_point_outside_subgroup();
  EXPECT_NE(call(g1_add, outside + kG1), "error");
  EXPECT_EQ(call(g1_msm, outside + scalar(1)), "error");
  EXPECT_EQ(call(g1_msm, kG1 + scalar(1) + outside + scalar(0)), "error");
  EXPECT_EQ(call(pairing, outside + kG2), "error");
  EXPECT_EQ(call(pairing, kG1 + kG2 + outside + kInf2), "error");
  // G2 point with its coordinates' Fp2 halves swapped is not on the curve.
  const std::string swapped = kG2.substr(128, 128) + kG2.substr(0, 128) + kG2.substr(256);
  EXPECT_EQ(call(g2_add, swapped + kInf2), "error");
}

TEST(Bls12381, InputLengths) {
  for (const Fn* f : {&g1_add, &g2_add, &g1_msm, &g2_msm, &pairing, &map_g1, &map_g2}) {
    EXPECT_EQ(call(*f, ""), "error");
  }
  EXPECT_EQ(call(g1_add, kG1 + kG1 + "00"), "error");
  EXPECT_EQ(call(g1_add, kG1), "error");
  EXPECT_EQ(call(g2_add, kG2 + kG2.substr(2)), "error");
  EXPECT_EQ(call(g1_msm, kG1 + scalar(1) + "00"), "error");
  EXPECT_EQ(call(g1_msm, kG1), "error");
  EXPECT_EQ(call(g2_msm, kG2 + scalar(1) + kG2), "error");
  EXPECT_EQ(call(pairing, kG1 + kG2 + kG1), "error");
  EXPECT_EQ(call(map_g1, fp(std::string(96, '0')) + "00"), "error");
  EXPECT_EQ(call(map_g2, fp(std::string(96, '0'))), "error");
}

TEST(Bls12381, MapOutputsAreInTheSubgroup) {
  // map_fp_to_g1 and map_fp2_to_g2 clear the cofactor, so their outputs are valid MSM inputs.
  for (const char* u : {"00", "01", "ff", "42"}) {
    const std::string p1 = call(map_g1, fp(std::string(94, '0') + u));
    ASSERT_NE(p1, "error");
    EXPECT_EQ(call(g1_msm, p1 + kR), kInf1) << u;
    const std::string p2 = call(map_g2, fp(std::string(94, '0') + u) + fp(std::string(94, '0') + "07"));
    ASSERT_NE(p2, "error");
    EXPECT_EQ(call(g2_msm, p2 + kR), kInf2) << u;
  }
}

TEST(Bls12381, GasSchedule) {
  EXPECT_EQ(crypto::bls12_g1_add_gas(), 375u);
  EXPECT_EQ(crypto::bls12_g2_add_gas(), 600u);
  EXPECT_EQ(crypto::bls12_map_fp_to_g1_gas(), 5500u);
  EXPECT_EQ(crypto::bls12_map_fp2_to_g2_gas(), 23800u);
  EXPECT_EQ(crypto::bls12_pairing_gas(384), 70300u);
  EXPECT_EQ(crypto::bls12_pairing_gas(768), 102900u);
  EXPECT_EQ(crypto::bls12_g1_msm_gas(0), 0u);
  EXPECT_EQ(crypto::bls12_g1_msm_gas(160), 12000u);
  EXPECT_EQ(crypto::bls12_g1_msm_gas(320), 22776u);
  EXPECT_EQ(crypto::bls12_g2_msm_gas(288), 22500u);
  EXPECT_EQ(crypto::bls12_g2_msm_gas(576), 45000u);
  // Past 128 pairs the last discount (519 / 524) applies.
  EXPECT_EQ(crypto::bls12_g1_msm_gas(200 * 160), 200u * 12000 * 519 / 1000);
  EXPECT_EQ(crypto::bls12_g2_msm_gas(200 * 288), 200u * 22500 * 524 / 1000);
}

namespace {

std::filesystem::path eip2537_dir() {
  return igra::testing::unpacked_fixture("eest-state_tests.tar.xz") / "state_tests" / "prague" /
         "eip2537_bls_12_381_precompiles";
}

// The variable-length suites (test_{valid,invalid}_gas_*, test_invalid_length_*, test_invalid_zero_{length,gas}_*)
// call a precompile many times from one contract with all-zero inputs (points at infinity, zero scalars):
//   PUSH 0, PUSH 0, PUSH len, PUSH 0, PUSH 0, PUSH addr, PUSH gas, CALL, PUSH slot, SSTORE
// The valid gas suite forwards exactly the price, the invalid one one gas less; the length suites use lengths
// that are not a whole number of pairs.
struct GasCall {
  std::size_t len;
  std::uint8_t address;
  std::uint64_t gas;
  std::uint64_t slot;
};
std::vector<GasCall> gas_calls(const core::Bytes& code) {
  std::vector<GasCall> out;
  std::vector<std::uint64_t> pushes;
  bool after_call = false;
  for (std::size_t pc = 0; pc < code.size();) {
    const std::uint8_t op = code[pc++];
    if (op >= 0x60 && op <= 0x7f) {
      std::uint64_t v = 0;
      for (std::size_t n = op - 0x5f; n > 0 && pc < code.size(); --n) v = (v << 8) | code[pc++];
      pushes.push_back(v);
    } else if (op == 0xf1 && pushes.size() >= 7) {
      const auto* p = &pushes[pushes.size() - 7];
      out.push_back({static_cast<std::size_t>(p[2]), static_cast<std::uint8_t>(p[5]), p[6], 0});
      pushes.clear();
      after_call = true;
    } else if (op == 0x55 && after_call && pushes.size() == 1) {
      out.back().slot = pushes[0];
      pushes.clear();
      after_call = false;
    } else {
      pushes.clear();
      after_call = false;
    }
  }
  return out;
}

std::uint64_t price(std::uint8_t address, std::size_t len) {
  switch (address) {
    case 0x0c: return crypto::bls12_g1_msm_gas(len);
    case 0x0e: return crypto::bls12_g2_msm_gas(len);
    case 0x0f: return crypto::bls12_pairing_gas(len);
    default: return 0;
  }
}

core::Result<Bytes> run(std::uint8_t address, core::ByteView input) {
  switch (address) {
    case 0x0c: return crypto::bls12_g1_msm(input);
    case 0x0e: return crypto::bls12_g2_msm(input);
    default: return crypto::bls12_pairing_check(input);
  }
}

}  // namespace

TEST(Bls12381Eest, VariableLengthSuitesMatchFixtures) {
  std::size_t checked = 0;
  std::map<std::pair<std::uint8_t, std::size_t>, bool> runs_ok;
  for (const char* suite : {"g1msm", "g2msm", "pairing"}) {
    for (const char* kind : {"valid_gas_", "invalid_gas_", "invalid_length_", "invalid_zero_length_",
                             "invalid_zero_gas_"}) {
      const std::string file = std::string("test_") + kind + suite + ".json";
      const auto doc = igra::testing::load_json(eip2537_dir() / file);
      for (const auto& [name, test] : doc.items()) {
        const std::string to = test["transaction"]["to"];
        const auto calls = gas_calls(core::hex_or_die(test["pre"][to]["code"].get<std::string>()));
        EXPECT_FALSE(calls.empty()) << name;
        for (const auto& [fork, posts] : test["post"].items()) {
          const auto& storage = posts.at(0)["state"][to]["storage"];
          for (const auto& c : calls) {
            const std::string where = name + " len " + std::to_string(c.len);
            if (std::string(kind) == "valid_gas_") {
              EXPECT_EQ(price(c.address, c.len), c.gas) << where;
            } else if (std::string(kind) == "invalid_gas_") {
              EXPECT_EQ(price(c.address, c.len), c.gas + 1) << where;
            }
            // The same inputs recur across forks and tests; run each (address, length) once.
            const auto cache_key = std::make_pair(c.address, c.len);
            if (!runs_ok.contains(cache_key)) runs_ok[cache_key] = run(c.address, Bytes(c.len, 0)).ok();
            const bool ok = runs_ok[cache_key] && price(c.address, c.len) <= c.gas;
            char key[24];
            std::snprintf(key, sizeof(key), "0x%02llx", static_cast<unsigned long long>(c.slot));
            const bool expected_ok = storage.contains(key) && storage[key] == "0x01";
            EXPECT_EQ(ok, expected_ok) << where << " slot " << key;
            ++checked;
          }
        }
      }
    }
  }
  std::printf("checked %zu zero-input MSM/pairing calls (price and outcome) against the EEST length/gas suites\n",
              checked);
  EXPECT_GT(checked, 500u);
}

TEST(Bls12381Eest, AllPrecompileCallsMatchFixtures) {
  struct Precompile {
    std::uint8_t address;
    Fn fn;
    std::function<std::uint64_t(std::size_t)> gas;
  };
  const std::vector<Precompile> precompiles = {
      {0x0b, g1_add, [](std::size_t) { return crypto::bls12_g1_add_gas(); }},
      {0x0c, g1_msm, crypto::bls12_g1_msm_gas},
      {0x0d, g2_add, [](std::size_t) { return crypto::bls12_g2_add_gas(); }},
      {0x0e, g2_msm, crypto::bls12_g2_msm_gas},
      {0x0f, pairing, crypto::bls12_pairing_gas},
      {0x10, map_g1, [](std::size_t) { return crypto::bls12_map_fp_to_g1_gas(); }},
      {0x11, map_g2, [](std::size_t) { return crypto::bls12_map_fp2_to_g2_gas(); }},
  };
  // After the CALL the contract stores success in slot 0 and RETURNDATASIZE in slot 1; when followed by this
  // code it also stores keccak256(returndata) in slot 2.
  const core::Bytes store_hash = core::hex_or_die("6000553d6001553d600060003e3d600020600255");
  const core::Bytes store_size = core::hex_or_die("6000553d600155");
  std::size_t total = 0, succeeded = 0, with_hash = 0;
  for (const auto& pc : precompiles) {
    const auto calls = igra::testing::eest_precompile_calls(eip2537_dir(), pc.address, {"Prague", "Osaka"});
    std::size_t n = 0;
    for (const auto& c : calls) {
      const bool hashes = c.code_tail == store_hash;
      if (!hashes && c.code_tail != store_size) continue;
      ++n;
      const auto result = pc.fn(c.input);
      const bool ok = result.ok() && pc.gas(c.input.size()) <= c.gas;
      const bool expected_ok = c.slot_u64(0) == 1;
      EXPECT_EQ(ok, expected_ok) << c.name << (result.ok() ? "" : ": " + result.error().message);
      if (!ok || !expected_ok) {
        EXPECT_EQ(c.slot_u64(1), 0u) << c.name;
        continue;
      }
      ++succeeded;
      EXPECT_EQ(c.slot_u64(1), result->size()) << c.name;
      if (hashes) {
        ++with_hash;
        EXPECT_EQ(core::to_hex(core::keccak256(*result)), core::to_hex(c.slot(2))) << c.name;
      }
    }
    std::printf("precompile 0x%02x: %zu EEST calls\n", pc.address, n);
    EXPECT_GT(n, 0u) << "no EEST vectors found for precompile " << int(pc.address);
    total += n;
  }
  std::printf("EEST EIP-2537: %zu calls checked, %zu succeed (%zu with the output hash compared)\n", total,
              succeeded, with_hash);
  EXPECT_GT(total, 500u);
}
