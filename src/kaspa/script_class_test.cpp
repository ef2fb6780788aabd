#include "kaspa/script_class.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "support/testing.hpp"

namespace igra::kaspa {
namespace {

ScriptPublicKey spk_from_json(const nlohmann::json& j) {
  return ScriptPublicKey{static_cast<std::uint16_t>(j["version"].get<int>()),
                         core::hex_or_die(j["script"].get<std::string>())};
}

TEST(ScriptClass, ScriptPublicKeyVectors) {
  const auto v = testing::load_json(testing::shared_path("vectors/kaspa-vectors.json"));
  int n = 0;
  for (const auto& e : v["script_public_key_vectors"]) {
    SCOPED_TRACE(e.value("name", std::string("?")));
    const auto spk = spk_from_json(e["script_public_key"]);
    if (e.contains("address") && e["address"].is_string()) {
      const std::string text = e["address"];
      auto decoded = decode_address(text);
      ASSERT_TRUE(decoded.ok()) << decoded.error().message;
      // SPK -> address
      auto a = extract_script_public_key_address(spk, decoded->prefix);
      ASSERT_TRUE(a.ok()) << a.error().message;
      EXPECT_EQ(a->to_string(), text);
      // address -> SPK
      auto back = pay_to_address_script(*decoded);
      ASSERT_TRUE(back.ok());
      EXPECT_EQ(*back, spk);
      ++n;
    } else if (e.contains("expected_error")) {
      auto a = extract_script_public_key_address(spk, Prefix::kMainnet);
      ASSERT_FALSE(a.ok());
      EXPECT_EQ(script_class_name(classify_script_public_key(spk)), "nonstandard");
      EXPECT_EQ(a.error().message.rfind(e["expected_error"].get<std::string>(), 0), 0u) << a.error().message;
      ++n;
    } else if (e.contains("address_mainnet")) {
      EXPECT_EQ(classify_script_public_key(spk), ScriptClass::kScriptHash);
      auto a = extract_script_public_key_address(spk, Prefix::kMainnet);
      ASSERT_TRUE(a.ok());
      EXPECT_EQ(a->to_string(), e["address_mainnet"].get<std::string>());
      auto t = extract_script_public_key_address(spk, Prefix::kTestnet);
      ASSERT_TRUE(t.ok());
      EXPECT_EQ(t->to_string(), e["address_testnet"].get<std::string>());
      ++n;
    }
  }
  EXPECT_EQ(n, 5);
}

TEST(ScriptClass, Classification) {
  const auto p2pk = core::hex_or_die("207bc04196f1125e4f2676cd09ed14afb77223b1f62177da5488346323eaa91a69ac");
  EXPECT_EQ(classify_script_public_key({0, p2pk}), ScriptClass::kPubKey);
  EXPECT_EQ(classify_script_public_key({1, p2pk}), ScriptClass::kNonStandard);
  auto truncated = p2pk;
  truncated.pop_back();
  EXPECT_EQ(classify_script_public_key({0, truncated}), ScriptClass::kNonStandard);
  EXPECT_TRUE(is_pay_to_pubkey(p2pk));
  EXPECT_FALSE(is_pay_to_script_hash(p2pk));

  const auto ecdsa = core::hex_or_die("21ba01fc5f4e9d9879599c69a3dafdb835a7255e5f2e934e9322ecd3af190ab0f60eab");
  EXPECT_EQ(classify_script_public_key({0, ecdsa}), ScriptClass::kPubKeyEcdsa);
  const auto p2sh = core::hex_or_die("aa20ce57216285125006ec18197bd8184221cefa559bb0798410d99a5bba5b07cd1d87");
  EXPECT_EQ(classify_script_public_key({0, p2sh}), ScriptClass::kScriptHash);
  EXPECT_EQ(classify_script_public_key({0, {}}), ScriptClass::kNonStandard);
  EXPECT_EQ(script_class_name(ScriptClass::kPubKey), "pubkey");
  EXPECT_EQ(script_class_name(ScriptClass::kPubKeyEcdsa), "pubkeyecdsa");
  EXPECT_EQ(script_class_name(ScriptClass::kScriptHash), "scripthash");
}

TEST(ScriptClass, PayToAddressRejectsBadPayload) {
  Address a{Prefix::kMainnet, AddressVersion::kPubKeyEcdsa, core::Bytes(32, 1)};
  auto r = pay_to_address_script(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: payload of 32 bytes, version 1 needs 33");
}

}  // namespace
}  // namespace igra::kaspa
