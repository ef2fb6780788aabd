#include "kaspa/script_builder.hpp"

#include <gtest/gtest.h>

#include "core/blake2b.hpp"
#include "core/hex.hpp"
#include "kaspa/script_opcodes.hpp"
#include "support/testing.hpp"

namespace igra::kaspa {
namespace {

using core::hex_or_die;

core::Bytes built(const ScriptBuilder& b) {
  auto r = b.build();
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : core::Bytes{};
}

// Script-number encodings from rusty-kaspa crypto/txscript/src/data_stack.rs (tests::test_serialize).
TEST(ScriptBuilder, ScriptNumberEncoding) {
  const std::pair<std::int64_t, const char*> cases[] = {
      {0, ""},
      {1, "01"},
      {-1, "81"},
      {127, "7f"},
      {-127, "ff"},
      {128, "8000"},
      {-128, "8080"},
      {129, "8100"},
      {-129, "8180"},
      {256, "0001"},
      {-256, "0081"},
      {32767, "ff7f"},
      {-32767, "ffff"},
      {32768, "008000"},
      {-32768, "008080"},
      {65535, "ffff00"},
      {-65535, "ffff80"},
      {524288, "000008"},
      {-524288, "000088"},
      {7340032, "000070"},
      {-7340032, "0000f0"},
      {8388608, "00008000"},
      {-8388608, "00008080"},
      {2147483647, "ffffff7f"},
      {-2147483647, "ffffffff"},
      {2147483648, "0000008000"},
      {-2147483648, "0000008080"},
      {4294967295, "ffffffff00"},
      {-4294967295, "ffffffff80"},
      {4294967296, "0000000001"},
      {-4294967296, "0000000081"},
      {281474976710655, "ffffffffffff00"},
      {-281474976710655, "ffffffffffff80"},
      {72057594037927935, "ffffffffffffff00"},
      {-72057594037927935, "ffffffffffffff80"},
      {9223372036854775807, "ffffffffffffff7f"},
      {-9223372036854775807, "ffffffffffffffff"},
  };
  for (const auto& [n, hex] : cases) EXPECT_EQ(core::to_hex(encode_script_num(n)), hex) << n;
}

// Expected scripts follow the canonical push rules of kaspa-protocol.md §4.3 / rusty-kaspa script_builder.rs.
TEST(ScriptBuilder, AddI64) {
  const std::pair<std::int64_t, const char*> cases[] = {
      {0, "00"},         {-1, "4f"},          {1, "51"},           {16, "60"},
      {17, "0111"},      {-2, "0182"},        {127, "017f"},       {128, "028000"},
      {-128, "028080"},  {255, "02ff00"},     {65536, "03000001"}, {2147483647, "04ffffff7f"},
      {9223372036854775807, "08ffffffffffffff7f"},
  };
  for (const auto& [n, hex] : cases) {
    ScriptBuilder b;
    b.add_i64(n);
    EXPECT_EQ(core::to_hex(built(b)), hex) << n;
  }
  ScriptBuilder b;
  b.add_i64(INT64_MIN);
  EXPECT_FALSE(b.build().ok());
}

TEST(ScriptBuilder, AddDataMinimalPushes) {
  auto push = [](core::Bytes data) {
    ScriptBuilder b;
    b.add_data(data);
    return built(b);
  };
  EXPECT_EQ(push({}), hex_or_die("00"));
  EXPECT_EQ(push({0x00}), hex_or_die("0100"));
  EXPECT_EQ(push({0x01}), hex_or_die("51"));
  EXPECT_EQ(push({0x10}), hex_or_die("60"));
  EXPECT_EQ(push({0x11}), hex_or_die("0111"));
  EXPECT_EQ(push({0x81}), hex_or_die("4f"));
  EXPECT_EQ(push({0x80}), hex_or_die("0180"));

  core::Bytes d75(75, 0xab), d76(76, 0xab), d255(255, 0xab), d256(256, 0xab), d520(520, 0xab);
  auto r = push(d75);
  EXPECT_EQ(r.size(), 76u);
  EXPECT_EQ(r[0], 0x4b);
  r = push(d76);
  EXPECT_EQ(r.size(), 78u);
  EXPECT_EQ(r[0], opcodes::kOpPushData1);
  EXPECT_EQ(r[1], 76);
  r = push(d255);
  EXPECT_EQ(r[0], opcodes::kOpPushData1);
  EXPECT_EQ(r[1], 255);
  r = push(d256);
  EXPECT_EQ(r[0], opcodes::kOpPushData2);
  EXPECT_EQ(r[1], 0x00);
  EXPECT_EQ(r[2], 0x01);
  EXPECT_EQ(r.size(), 259u);
  r = push(d520);
  EXPECT_EQ(r[0], opcodes::kOpPushData2);
  EXPECT_EQ(r[1], 0x08);
  EXPECT_EQ(r[2], 0x02);

  EXPECT_EQ(canonical_data_size(d75), 76u);
  EXPECT_EQ(canonical_data_size(d76), 78u);
  EXPECT_EQ(canonical_data_size(d256), 259u);
  EXPECT_EQ(canonical_data_size(core::Bytes{5}), 1u);
}

TEST(ScriptBuilder, Limits) {
  ScriptBuilder b;
  b.add_data(core::Bytes(521, 1));
  auto r = b.build();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "script builder: data element of 521 bytes exceeds the maximum element size of 520");

  ScriptBuilder big;
  for (int i = 0; i < 10'000; ++i) big.add_op(opcodes::kOpNop);
  EXPECT_TRUE(big.ok());
  big.add_op(opcodes::kOpNop);
  EXPECT_FALSE(big.ok());
  // The first error sticks; later calls are ignored.
  big.add_i64(1);
  EXPECT_FALSE(big.build().ok());
  EXPECT_EQ(big.script().size(), 10'000u);
}

TEST(ScriptBuilder, AddLockTime) {
  auto lock = [](std::uint64_t v) {
    ScriptBuilder b;
    b.add_lock_time(v);
    return core::to_hex(built(b));
  };
  // Little-endian, trailing zero bytes trimmed, then a canonical data push.
  EXPECT_EQ(lock(0), "00");
  EXPECT_EQ(lock(5), "55");
  EXPECT_EQ(lock(1000), "02e803");
  EXPECT_EQ(lock(0x80), "0180");
  // 2026-04-01T00:00:00Z = 1775001600000 ms = 0x019d46570000.
  EXPECT_EQ(lock(1775001600000ull), "06000057469d01");
  EXPECT_EQ(lock(~0ull), "08ffffffffffffffff");
}

TEST(ScriptBuilder, StandardScripts) {
  crypto::XOnlyPublicKey x;
  for (int i = 0; i < 32; ++i) x[i] = static_cast<std::uint8_t>(i + 1);
  crypto::CompressedPublicKey c;
  c[0] = 0x02;
  for (int i = 1; i < 33; ++i) c[i] = static_cast<std::uint8_t>(i);

  auto p2pk = p2pk_script(x);
  EXPECT_EQ(p2pk.version, 0);
  ASSERT_EQ(p2pk.script.size(), 34u);
  EXPECT_EQ(p2pk.script.front(), 0x20);
  EXPECT_EQ(p2pk.script.back(), 0xac);
  EXPECT_TRUE(std::equal(x.begin(), x.end(), p2pk.script.begin() + 1));

  auto p2pke = p2pk_ecdsa_script(c);
  ASSERT_EQ(p2pke.script.size(), 35u);
  EXPECT_EQ(p2pke.script.front(), 0x21);
  EXPECT_EQ(p2pke.script.back(), 0xab);
}

TEST(ScriptBuilder, P2shOfOpTrueVector) {
  const auto v = testing::load_json(testing::shared_path("vectors/kaspa-vectors.json"));
  int n = 0;
  for (const auto& e : v["script_public_key_vectors"]) {
    if (!e.contains("redeem_script")) continue;
    const auto redeem = hex_or_die(e["redeem_script"].get<std::string>());
    const auto spk = p2sh_script(redeem);
    EXPECT_EQ(spk.version, e["script_public_key"]["version"].get<int>());
    EXPECT_EQ(core::to_hex(spk.script), e["script_public_key"]["script"].get<std::string>());
    auto hash = core::fixed_from_hex<32>(e["redeem_script_hash"].get<std::string>());
    ASSERT_TRUE(hash.ok());
    EXPECT_EQ(p2sh_script_from_hash(*hash), spk);
    // Signature script to spend: just the canonical push of the redeem script.
    auto sig = p2sh_signature_script(redeem, core::ByteView{});
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(core::to_hex(*sig), e["signature_script_to_spend"].get<std::string>());
    ++n;
  }
  EXPECT_EQ(n, 1);
}

TEST(ScriptBuilder, MultisigRedeemScripts) {
  std::vector<crypto::XOnlyPublicKey> keys(3);
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 32; ++i) keys[k][i] = static_cast<std::uint8_t>(0x10 * (k + 1) + i);
  auto r = multisig_redeem_script(2, std::span<const crypto::XOnlyPublicKey>(keys));
  ASSERT_TRUE(r.ok());
  // OP_2 (20 k1) (20 k2) (20 k3) OP_3 OP_CHECKMULTISIG
  ASSERT_EQ(r->size(), 1 + 3 * 33 + 2u);
  EXPECT_EQ((*r)[0], 0x52);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ((*r)[1 + 33 * k], 0x20);
    EXPECT_TRUE(std::equal(keys[k].begin(), keys[k].end(), r->begin() + 2 + 33 * k));
  }
  EXPECT_EQ((*r)[100], 0x53);
  EXPECT_EQ((*r)[101], 0xae);

  std::vector<crypto::CompressedPublicKey> ekeys(2);
  for (int k = 0; k < 2; ++k) {
    ekeys[k][0] = 0x03;
    for (int i = 1; i < 33; ++i) ekeys[k][i] = static_cast<std::uint8_t>(k * 7 + i);
  }
  auto e = multisig_redeem_script_ecdsa(1, std::span<const crypto::CompressedPublicKey>(ekeys));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->size(), 1 + 2 * 34 + 2u);
  EXPECT_EQ((*e)[0], 0x51);
  EXPECT_EQ((*e)[1], 0x21);
  EXPECT_EQ(e->back(), 0xa9);

  // CLTV prefix: <lock> OP_CHECKLOCKTIMEVERIFY, no OP_DROP.
  auto c = cltv_multisig_redeem_script(1000, 2, std::span<const crypto::XOnlyPublicKey>(keys));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(core::to_hex(core::ByteView(*c).first(4)), "02e803b0");
  EXPECT_TRUE(std::equal(r->begin(), r->end(), c->begin() + 4));

  // Errors.
  EXPECT_FALSE(multisig_redeem_script(4, std::span<const crypto::XOnlyPublicKey>(keys)).ok());
  EXPECT_FALSE(multisig_redeem_script(0, std::span<const crypto::XOnlyPublicKey>()).ok());
  std::vector<core::Bytes> wrong = {core::Bytes(33, 2)};
  auto w = multisig_redeem_script(1, wrong, false);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().message, "multisig: key 0 has 33 bytes, expected 32");
  std::vector<crypto::XOnlyPublicKey> many(21, keys[0]);
  EXPECT_FALSE(multisig_redeem_script(1, std::span<const crypto::XOnlyPublicKey>(many)).ok());
  // 17..20 keys: counts above 16 are data pushes.
  std::vector<crypto::XOnlyPublicKey> twenty(20, keys[0]);
  auto t = multisig_redeem_script(17, std::span<const crypto::XOnlyPublicKey>(twenty));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(core::to_hex(core::ByteView(*t).first(2)), "0111");
  EXPECT_EQ(core::to_hex(core::ByteView(*t).last(3)), "0114ae");
}

TEST(ScriptBuilder, SignatureScripts) {
  core::Bytes sig(65, 0x33);
  auto p = p2pk_signature_script(sig);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 66u);
  EXPECT_EQ((*p)[0], 0x41);

  const core::Bytes redeem = hex_or_die("51");
  std::vector<core::Bytes> sigs = {core::Bytes(65, 1), core::Bytes(65, 2)};
  auto s = p2sh_signature_script(redeem, std::span<const core::Bytes>(sigs));
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 66u * 2 + 2);
  EXPECT_EQ((*s)[0], 0x41);
  EXPECT_EQ((*s)[66], 0x41);
  EXPECT_EQ(core::to_hex(core::ByteView(*s).last(2)), "0151");
}

}  // namespace
}  // namespace igra::kaspa
