#include "kaspa/multisig_sign.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "kaspa/script_builder.hpp"

namespace igra::kaspa {
namespace {

std::vector<core::Bytes> fake_keys(std::size_t n, std::size_t len) {
  std::vector<core::Bytes> keys;
  for (std::size_t i = 0; i < n; ++i) keys.push_back(core::Bytes(len, static_cast<std::uint8_t>(0x10 + i)));
  return keys;
}

TEST(MultisigSign, ParseRedeemScripts) {
  for (std::size_t n : {1u, 3u, 5u, 16u, 17u, 20u}) {
    for (bool ecdsa : {false, true}) {
      const auto keys = fake_keys(n, ecdsa ? 33 : 32);
      const std::size_t m = (n + 1) / 2;
      auto redeem = multisig_redeem_script(m, keys, ecdsa);
      ASSERT_TRUE(redeem.ok());
      auto parsed = parse_multisig_redeem_script(*redeem);
      ASSERT_TRUE(parsed.ok()) << parsed.error().message;
      EXPECT_EQ(parsed->required, m);
      EXPECT_EQ(parsed->keys, keys);
      EXPECT_EQ(parsed->ecdsa, ecdsa);
      EXPECT_FALSE(parsed->lock_time.has_value());

      for (std::uint64_t lt : {0ull, 7ull, 1000ull, 1775001600000ull, ~0ull}) {
        auto cltv = cltv_multisig_redeem_script(lt, m, keys, ecdsa);
        ASSERT_TRUE(cltv.ok());
        auto p = parse_multisig_redeem_script(*cltv);
        ASSERT_TRUE(p.ok()) << p.error().message;
        ASSERT_TRUE(p->lock_time.has_value());
        EXPECT_EQ(*p->lock_time, lt);
        EXPECT_EQ(p->keys, keys);
      }
    }
  }
}

TEST(MultisigSign, ParseErrors) {
  EXPECT_FALSE(parse_multisig_redeem_script(core::hex_or_die("51")).ok());
  EXPECT_FALSE(parse_multisig_redeem_script(core::hex_or_die("515151ae")).ok());   // "key" of 1 byte
  EXPECT_FALSE(parse_multisig_redeem_script(core::hex_or_die("0301")).ok());       // truncated push
  auto redeem = *multisig_redeem_script(2, fake_keys(3, 32), false);
  redeem.back() = 0xac;  // OP_CHECKSIG
  EXPECT_FALSE(parse_multisig_redeem_script(redeem).ok());
  redeem = *multisig_redeem_script(2, fake_keys(3, 32), false);
  redeem[redeem.size() - 2] = 0x54;  // n = 4 with 3 keys
  auto r = parse_multisig_redeem_script(redeem);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "multisig redeem script: key count 4 does not match 3 key pushes");
}

TEST(MultisigSign, CombineErrors) {
  const auto keys = fake_keys(3, 32);
  const auto redeem = *multisig_redeem_script(2, keys, false);
  std::vector<PartialSignature> partials = {{keys[2], core::Bytes(65, 2)}, {keys[0], core::Bytes(65, 1)},
                                            {keys[0], core::Bytes(65, 9)}};
  // Key order, duplicates ignored (first wins), then the redeem script.
  auto s = combine_multisig_signatures(redeem, partials);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto expected = *p2sh_signature_script(redeem, std::vector<core::Bytes>{core::Bytes(65, 1), core::Bytes(65, 2)});
  EXPECT_EQ(*s, expected);

  partials = {{keys[0], core::Bytes(64, 1)}};
  EXPECT_EQ(combine_multisig_signatures(redeem, partials).error().message,
            "multisig: signature of 64 bytes, expected 65 (64 + sighash type)");
  partials = {{core::Bytes(32, 0xee), core::Bytes(65, 1)}};
  EXPECT_EQ(combine_multisig_signatures(redeem, partials).error().message,
            "multisig: signature from a key not in the redeem script");
}

}  // namespace
}  // namespace igra::kaspa
