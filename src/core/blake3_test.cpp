// BLAKE3: official test-vector inputs (byte i = i mod 251), hash and keyed_hash modes; Kaspa Toccata domains.
#include "core/blake3.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/hex.hpp"
#include "support/testing.hpp"

namespace igra::core {
namespace {

Bytes seq251(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i % 251);
  return b;
}

Hash32 official_key() { return Hash32::from_view(as_bytes("whats the Elvish word for friend")); }

// Inputs and key as in BLAKE3's test_vectors.json; expected values are the first 32 bytes of its
// "hash" / "keyed_hash" fields (cross-checked with the blake3 PyPI package, the reference Rust code).
struct Vec3 {
  std::size_t len;
  const char* hash;
  const char* keyed;
};
const Vec3 kVectors[] = {
    {0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
     "92b2b75604ed3c761f9d6f62392c8a9227ad0ea3f09573e783f1498a4ed60d26"},
    {1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213",
     "6d7878dfff2f485635d39013278ae14f1454b8c0a3a2d34bc1ab38228a80c95b"},
    {63, "e9bc37a594daad83be9470df7f7b3798297c3d834ce80ba85d6e207627b7db7b",
     "bb1eb5d4afa793c1ebdd9fb08def6c36d10096986ae0cfe148cd101170ce37ae"},
    {64, "4eed7141ea4a5cd4b788606bd23f46e212af9cacebacdc7d1f4c6dc7f2511b98",
     "ba8ced36f327700d213f120b1a207a3b8c04330528586f414d09f2f7d9ccb7e6"},
    {65, "de1e5fa0be70df6d2be8fffd0e99ceaa8eb6e8c93a63f2d8d1c30ecb6b263dee",
     "c0a4edefa2d2accb9277c371ac12fcdbb52988a86edc54f0716e1591b4326e72"},
    {1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11",
     "c951ecdf03288d0fcc96ee3413563d8a6d3589547f2c2fb36d9786470f1b9d6e"},
    {1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7",
     "75c46f6f3d9eb4f55ecaaee480db732e6c2105546f1e675003687c31719c7ba4"},
    {1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
     "357dc55de0c7e382c900fd6e320acc04146be01db6a8ce7210b7189bd664ea69"},
    {2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a",
     "879cf1fa2ea0e79126cb1063617a05b6ad9d0b696d0d757cf053439f60a99dd1"},
    {2049, "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030",
     "9f29700902f7c86e514ddc4df1e3049f258b2472b6dd5267f61bf13983b78dd5"},
    {3072, "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2",
     "044a0e7b172a312dc02a4c9a818c036ffa2776368d7f528268d2e6b5df191770"},
    {3073, "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3",
     "68dede9bef00ba89e43f31a6825f4cf433389fedae75c04ee9f0cf16a427c95a"},
    {4096, "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969",
     "befc660aea2f1718884cd8deb9902811d332f4fc4a38cf7c7300d597a081bfc0"},
    {4097, "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995",
     "00df940cd36bb9fa7cbbc3556744e0dbc8191401afe70520ba292ee3ca80abbc"},
    {8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b",
     "954a2a75420c8d6547e3ba5b98d963e6fa6491addc8c023189cc519821b4a1f5"},
    {31744, "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47",
     "efa53b389ab67c593dba624d898d0f7353ab99e4ac9d42302ee64cbf9939a419"},
    {102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085",
     "1c35d1a5811083fd7119f5d5d1ba027b4d01c0c6c49fb6ff2cf75393ea5db4a7"},
};

TEST(Blake3, OfficialVectorsHashMode) {
  for (const auto& v : kVectors) EXPECT_EQ(to_hex(blake3_hash(seq251(v.len))), v.hash) << "len " << v.len;
}

TEST(Blake3, OfficialVectorsKeyedMode) {
  for (const auto& v : kVectors)
    EXPECT_EQ(to_hex(blake3_keyed(official_key(), seq251(v.len))), v.keyed) << "len " << v.len;
}

TEST(Blake3, SplitAtEveryOffsetMatchesOneShot) {
  const Bytes data = seq251(3100);
  for (std::size_t len : {0u, 1u, 64u, 65u, 1023u, 1024u, 1025u, 2048u, 2113u, 3100u}) {
    ByteView msg(data.data(), len);
    const Hash32 want = blake3_hash(msg);
    for (std::size_t cut = 0; cut <= len; ++cut) {
      Blake3 h;
      h.update(msg.subspan(0, cut));
      h.update(msg.subspan(cut));
      ASSERT_EQ(h.finalize(), want) << "len " << len << " cut " << cut;
    }
  }
  // Three-way splits and byte-at-a-time over a multi-chunk input.
  const Hash32 want = blake3_hash(data);
  for (std::size_t a = 0; a <= data.size(); a += 37)
    for (std::size_t b = a; b <= data.size(); b += 301) {
      Blake3 h;
      ByteView msg(data);
      h.update(msg.subspan(0, a));
      h.update(msg.subspan(a, b - a));
      h.update(msg.subspan(b));
      ASSERT_EQ(h.finalize(), want) << a << " " << b;
    }
  Blake3 h;
  for (auto byte : data) h.update(ByteView(&byte, 1));
  EXPECT_EQ(h.finalize(), want);
}

TEST(Blake3, FinalizeIsConstAndCopiesAreIndependent) {
  const Bytes data = seq251(5000);
  Blake3 h(official_key());
  h.update(ByteView(data.data(), 2500));
  Blake3 copy = h;
  EXPECT_EQ(h.finalize(), blake3_keyed(official_key(), ByteView(data.data(), 2500)));
  h.update(ByteView(data.data() + 2500, 2500));  // finalize did not consume the state
  copy.update(ByteView(data.data() + 2500, 10));
  EXPECT_EQ(h.finalize(), blake3_keyed(official_key(), data));
  EXPECT_EQ(h.finalize(), blake3_keyed(official_key(), data));
  EXPECT_EQ(copy.finalize(), blake3_keyed(official_key(), ByteView(data.data(), 2510)));
}

TEST(Blake3, KeyedDomainPadsWithZeros) {
  Hash32 key;
  std::memcpy(key.data(), "PayloadDigest", 13);
  EXPECT_EQ(blake3_keyed_domain("PayloadDigest", as_bytes("x")), blake3_keyed(key, as_bytes("x")));
}

// rusty-kaspa hashers.rs test vectors for the BLAKE3-keyed PayloadDigest domain (hasher not reset).
TEST(Blake3, KaspaPayloadDigestVectors) {
  auto j = igra::testing::load_json(igra::testing::shared_path("vectors/kaspa-vectors.json"));
  const auto& dv = j["domain_hash_vectors"];
  const auto& steps = dv["steps_hex"];
  const auto& expected = dv["expected"]["PayloadDigest"];
  ASSERT_EQ(expected.size(), steps.size());
  ASSERT_GT(steps.size(), 0u);
  Blake3 h = Blake3::keyed_domain("PayloadDigest");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    h.update(hex_or_die(steps[i].get<std::string>()));
    EXPECT_EQ(to_hex(h.finalize()), expected[i].get<std::string>()) << "step " << i;
    EXPECT_EQ(to_hex(blake3_keyed_domain("PayloadDigest", hex_or_die(dv["cumulative_input_hex"][i].get<std::string>()))),
              expected[i].get<std::string>());
  }
}

// KIP-21 lane_key: BLAKE3 keyed_domain("SeqCommitLaneKey") over the 20-byte subnetwork id.
TEST(Blake3, Kip21LaneKeyVectors) {
  auto j = igra::testing::load_json(igra::testing::shared_path("vectors/kaspa-vectors.json"));
  int checked = 0;
  for (const auto& v : j["kip21_vectors"]) {
    const std::string name = v["name"].get<std::string>();
    if (name.rfind("lane_key", 0) != 0) continue;
    Bytes input = hex_or_die(v["input_hex"].get<std::string>());
    ASSERT_EQ(input.size(), 20u);
    EXPECT_EQ(to_hex(blake3_keyed_domain("SeqCommitLaneKey", input)), v["expected"].get<std::string>()) << name;
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

}  // namespace
}  // namespace igra::core
