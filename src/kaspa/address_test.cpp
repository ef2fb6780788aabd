#include "kaspa/address.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "core/hex.hpp"
#include "support/testing.hpp"

namespace igra::kaspa {
namespace {

nlohmann::json vectors() { return testing::load_json(testing::shared_path("vectors/kaspa-vectors.json")); }

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

bool has(const core::Error& e, std::string_view what) { return e.message.find(what) != std::string::npos; }

// Independent checksum from the spec text (kaspa-protocol.md §4.1), used only to forge test strings with a
// valid checksum around deliberately bad data.
std::uint64_t spec_polymod(const std::vector<std::uint8_t>& values) {
  const std::uint64_t gen[5] = {0x98f2bc8e61, 0x79b76d99e2, 0xf33e5fb3c4, 0xae2eabe2a8, 0x1e4f43e470};
  std::uint64_t c = 1;
  for (auto d : values) {
    const std::uint64_t c0 = c >> 35;
    c = ((c & 0x07ffffffff) << 5) ^ d;
    for (int i = 0; i < 5; ++i)
      if ((c0 >> i) & 1) c ^= gen[i];
  }
  return c ^ 1;
}
std::string forge(const std::string& prefix, const std::vector<std::uint8_t>& data5) {
  static const char* kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  std::vector<std::uint8_t> v;
  for (char c : prefix) v.push_back(static_cast<std::uint8_t>(c) & 0x1f);
  v.push_back(0);
  v.insert(v.end(), data5.begin(), data5.end());
  for (int i = 0; i < 8; ++i) v.push_back(0);
  const std::uint64_t cs = spec_polymod(v);
  std::string s = prefix + ":";
  for (auto d : data5) s.push_back(kCharset[d]);
  for (int i = 7; i >= 0; --i) s.push_back(kCharset[(cs >> (5 * i)) & 31]);
  return s;
}

TEST(Address, VectorsDecodeAndEncode) {
  int checked = 0;
  const auto all = vectors();
  for (const auto& v : all["address_vectors"]) {
    if (!v.contains("payload_hex")) continue;
    const std::string text = v["address"];
    const std::string prefix = v["prefix"];
    const auto version = v["version"].get<int>();
    const auto payload = core::hex_or_die(v["payload_hex"].get<std::string>());
    SCOPED_TRACE(text);

    // Raw layer: every vector, including rusty-kaspa's test-only prefixes.
    auto raw = decode_raw_address(text);
    ASSERT_TRUE(raw.ok()) << raw.error().message;
    EXPECT_EQ(raw->prefix, prefix);
    EXPECT_EQ(raw->version, version);
    EXPECT_EQ(raw->payload, payload);
    EXPECT_EQ(encode_raw_address(prefix, static_cast<std::uint8_t>(version), payload), text);

    // Validated layer: real network prefixes.
    if (auto p = prefix_from_name(prefix)) {
      auto a = decode_address(text);
      ASSERT_TRUE(a.ok()) << a.error().message;
      EXPECT_EQ(a->prefix, *p);
      EXPECT_EQ(static_cast<int>(a->version), version);
      EXPECT_EQ(a->payload, payload);
      EXPECT_EQ(a->to_string(), text);
      // All-upper-case is accepted and normalized.
      auto up = decode_address(upper(text));
      ASSERT_TRUE(up.ok()) << up.error().message;
      EXPECT_EQ(up->to_string(), text);
    }
    ++checked;
  }
  EXPECT_GE(checked, 11);
}

TEST(Address, VectorErrors) {
  int checked = 0;
  const auto all = vectors();
  for (const auto& v : all["address_vectors"]) {
    if (!v.contains("expected_error")) continue;
    const std::string expected = v["expected_error"];
    auto a = decode_address(v["address"].get<std::string>());
    ASSERT_FALSE(a.ok()) << v["address"];
    if (expected == "BadChecksum") {
      EXPECT_TRUE(has(a.error(), "bad checksum")) << a.error().message;
    } else if (expected.rfind("DecodingError('", 0) == 0) {
      const std::string ch = expected.substr(15, 1);
      EXPECT_TRUE(has(a.error(), "invalid character '" + ch + "'")) << a.error().message;
    } else {
      ADD_FAILURE() << "unhandled expected_error " << expected;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(Address, PreciseErrors) {
  const std::string good = "kaspa:qpauqsvk7yf9unexwmxsnmg547mhyga37csh0kj53q6xxgl24ydxjsgzthw5j";

  auto r = decode_address("qpauqsvk7yf9unexwmxsnmg547mhyga37csh0kj53q6xxgl24ydxjsgzthw5j");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: missing ':' separator");

  r = decode_address("bitcoin:qpauqsvk7yf9unexwmxsnmg547mhyga37csh0kj53q6xxgl24ydxjsgzthw5j");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: unknown prefix 'bitcoin'");

  r = decode_address("kaspa:qpauqsvk7yf9unexwmxsnmg547mhyga37csh0kj53q6xxgl24ydxjsgzthw5J");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: mixed case");
  r = decode_address("Kaspa:qpauqsvk7yf9unexwmxsnmg547mhyga37csh0kj53q6xxgl24ydxjsgzthw5j");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: mixed case");

  // 'b' is not in the charset; position counts from the start of the string.
  std::string bad = good;
  bad[10] = 'b';
  r = decode_address(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: invalid character 'b' at position 10");

  bad = good;
  bad[20] = bad[20] == 'q' ? 'p' : 'q';
  r = decode_address(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: bad checksum");

  r = decode_address("kaspa:qqqq");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has(r.error(), "too short")) << r.error().message;

  // Unknown version byte (2) with a valid checksum.
  const core::Bytes payload32(32, 0x11);
  r = decode_address(encode_raw_address("kaspa", 2, payload32));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: unknown version 2");

  // Payload length that does not match the version.
  r = decode_address(encode_raw_address("kaspa", 0, core::Bytes(31, 0x11)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: payload of 31 bytes, version 0 needs 32");
  r = decode_address(encode_raw_address("kaspatest", 1, core::Bytes(32, 0x02)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: payload of 32 bytes, version 1 needs 33");
  r = decode_address(encode_raw_address("kaspa", 8, core::Bytes(33, 0x02)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: payload of 33 bytes, version 8 needs 32");

  // Bad padding: 33 bytes = 264 bits -> 53 groups with 1 padding bit; set that bit.
  std::vector<std::uint8_t> data5(53, 0);
  data5[52] = 1;
  r = decode_address(forge("kaspa", data5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: bad padding (non-zero padding bits)");
  // An extra all-zero group (6 bits of padding) is also bad padding.
  data5.assign(54, 0);
  r = decode_address(forge("kaspa", data5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "address: bad padding (6 excess bits)");
  // Sanity: the forger agrees with the encoder on a well-formed string.
  data5.assign(53, 0);
  EXPECT_EQ(forge("kaspa", data5), "kaspa:qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqkx9awp4e");
}

TEST(Address, PrefixNamesAndLengths) {
  for (auto p : {Prefix::kMainnet, Prefix::kTestnet, Prefix::kSimnet, Prefix::kDevnet})
    EXPECT_EQ(prefix_from_name(prefix_name(p)), p);
  EXPECT_EQ(prefix_name(Prefix::kMainnet), "kaspa");
  EXPECT_EQ(prefix_name(Prefix::kTestnet), "kaspatest");
  EXPECT_EQ(prefix_name(Prefix::kSimnet), "kaspasim");
  EXPECT_EQ(prefix_name(Prefix::kDevnet), "kaspadev");
  EXPECT_FALSE(prefix_from_name("KASPA").has_value());
  EXPECT_EQ(address_payload_length(AddressVersion::kPubKey), 32u);
  EXPECT_EQ(address_payload_length(AddressVersion::kPubKeyEcdsa), 33u);
  EXPECT_EQ(address_payload_length(AddressVersion::kScriptHash), 32u);
  EXPECT_FALSE(address_version_from_u8(2).has_value());
}

TEST(Address, P2shVectorAllPrefixes) {
  // script_public_key_vectors "P2SH of redeem script OP_TRUE": one hash, four prefixes.
  const auto all = vectors();
  for (const auto& v : all["script_public_key_vectors"]) {
    if (!v.contains("redeem_script_hash")) continue;
    const auto hash = core::hex_or_die(v["redeem_script_hash"].get<std::string>());
    const std::pair<Prefix, const char*> cases[] = {{Prefix::kMainnet, "address_mainnet"},
                                                    {Prefix::kTestnet, "address_testnet"},
                                                    {Prefix::kDevnet, "address_devnet"},
                                                    {Prefix::kSimnet, "address_simnet"}};
    for (const auto& [prefix, key] : cases) {
      const Address a{prefix, AddressVersion::kScriptHash, hash};
      EXPECT_EQ(a.to_string(), v[key].get<std::string>());
      auto d = decode_address(v[key].get<std::string>());
      ASSERT_TRUE(d.ok());
      EXPECT_EQ(*d, a);
    }
  }
}

}  // namespace
}  // namespace igra::kaspa
