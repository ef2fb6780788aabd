// BLAKE2b: RFC 7693 / BLAKE2 KAT vectors, EIP-152 F-function vectors, Kaspa domain hashers.
#include "core/blake2b.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/hex.hpp"
#include "support/testing.hpp"

namespace igra::core {
namespace {

std::string b2b_hex(std::size_t out_len, ByteView key, ByteView data) {
  Blake2b h(out_len, key);
  h.update(data);
  std::uint8_t out[64];
  h.finalize(out);
  return to_hex(ByteView(out, out_len));
}

Bytes seq(std::size_t n, std::size_t mod = 256) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i % mod);
  return b;
}

TEST(Blake2b, Rfc7693AppendixA) {
  EXPECT_EQ(b2b_hex(64, {}, as_bytes("abc")),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
}

TEST(Blake2b, UnkeyedKnownAnswers) {
  EXPECT_EQ(b2b_hex(64, {}, {}),
            "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
            "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce");
  EXPECT_EQ(to_hex(blake2b_256({})), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(to_hex(blake2b_256(as_bytes("abc"))),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  // Other digest lengths (values from Python hashlib.blake2b(digest_size=...)).
  EXPECT_EQ(b2b_hex(20, {}, as_bytes("abc")), "384264f676f39536840523f284921cdc68b6846b");
  EXPECT_EQ(b2b_hex(1, {}, as_bytes("abc")), "6b");
}

// The official BLAKE2 keyed KAT (blake2b-kat.txt): key = 00..3f, input = 00 01 .. (len-1).
TEST(Blake2b, KeyedKat) {
  const Bytes key = seq(64);
  struct V {
    std::size_t len;
    const char* hex;
  } vs[] = {
      {0, "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568"},
      {1, "961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd"},
      {127, "76d2d819c92bce55fa8e092ab1bf9b9eab237a25267986cacf2b8ee14d214d730dc9a5aa2d7b596e86a1fd8fa0804c77402d2fcd45083688b218b1cdfa0dcbcb"},
      {128, "72065ee4dd91c2d8509fa1fc28a37c7fc9fa7d5b3f8ad3d0d7a25626b57b1b44788d4caf806290425f9890a3a2a35a905ab4b37acfd0da6e4517b2525c9651e4"},
      {129, "64475dfe7600d7171bea0b394e27c9b00d8e74dd1e416a79473682ad3dfdbb706631558055cfc8a40e07bd015a4540dcdea15883cbbf31412df1de1cd4152b91"},
      {255, "142709d62e28fcccd0af97fad0f8465b971e82201dc51070faa0372aa43e92484be1c1e73ba10906d5d1853db6a4106e0a7bf9800d373d6dee2d46d62ef2a461"},
  };
  for (const auto& v : vs) EXPECT_EQ(b2b_hex(64, key, seq(v.len)), v.hex) << "len " << v.len;
}

// BLAKE2b-256 keyed with a short ASCII key (values from Python hashlib.blake2b(key=b"TransactionID", digest_size=32)).
TEST(Blake2b, ShortKeyAroundBlockBoundaries) {
  struct V {
    std::size_t len;
    const char* hex;
  } vs[] = {
      {0, "e5f65efda0894d2b0590c2e9e46e9acc03032f505a1522f5e8c78c5ec70b1d9c"},
      {1, "69aa33b4a62f617f239b7baf445fd07cf881c3278de99fb31a9363c1d50cdebc"},
      {127, "f7130de4fae81668cba5d36083b84b81336960196ee8d825fc96dadb17fc49e6"},
      {128, "c0cb52d4f540e452927d485548a6dc5ba8b4d5a417feeb039ce0556534914661"},
      {129, "f54b3781f599094e652427940bb11776b2724d73b4c480939ddf99674405291e"},
      {255, "9254d363a4741cea3f53b9edd51b6c5e2a67d8e8b550218d618be23fbc4d1bd9"},
      {256, "a83cd381fabb593aca959ba9ffa392de273f4103e633a07dafabebd42ce6936e"},
      {257, "dc0f74f469d7297440276b4d44ebe31ef037e9790a419633228a1122cc21c535"},
  };
  for (const auto& v : vs) EXPECT_EQ(to_hex(blake2b_256_keyed("TransactionID", seq(v.len))), v.hex) << "len " << v.len;
}

TEST(Blake2b, BytesAbsorbedCountsKeyBlock) {
  Blake2b plain(32);
  EXPECT_EQ(plain.bytes_absorbed(), 0u);
  plain.update(seq(300));
  EXPECT_EQ(plain.bytes_absorbed(), 300u);
  Blake2b keyed(32, as_bytes("BlockHash"));
  EXPECT_EQ(keyed.bytes_absorbed(), 128u);
  keyed.update(seq(5));
  EXPECT_EQ(keyed.bytes_absorbed(), 133u);
}

// rusty-kaspa crypto/hashes hashers.rs test vectors; the hasher is not reset between steps.
TEST(Blake2b, KaspaDomainVectors) {
  auto j = igra::testing::load_json(igra::testing::shared_path("vectors/kaspa-vectors.json"));
  const auto& dv = j["domain_hash_vectors"];
  const auto& steps = dv["steps_hex"];
  const auto& cumulative = dv["cumulative_input_hex"];
  int checked = 0;
  for (const char* domain : {"TransactionHash", "TransactionID", "TransactionSigningHash", "BlockHash",
                             "MerkleBranchHash"}) {
    const auto& expected = dv["expected"][domain];
    ASSERT_EQ(expected.size(), steps.size()) << domain;
    Blake2b h(32, as_bytes(domain));
    for (std::size_t i = 0; i < steps.size(); ++i) {
      h.update(hex_or_die(steps[i].get<std::string>()));
      Blake2b snapshot = h;  // finalize a copy: the running hasher keeps absorbing
      EXPECT_EQ(to_hex(snapshot.finalize32()), expected[i].get<std::string>()) << domain << " step " << i;
      EXPECT_EQ(to_hex(blake2b_256_keyed(domain, hex_or_die(cumulative[i].get<std::string>()))),
                expected[i].get<std::string>())
          << domain << " one-shot " << i;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 25);
}

TEST(Blake2b, SplitAtEveryOffsetMatchesOneShot) {
  const Bytes data = seq(700, 251);
  for (std::size_t key_len : {0u, 13u, 64u}) {
    const Bytes key = seq(key_len);
    for (std::size_t len : {0u, 1u, 127u, 128u, 129u, 256u, 257u, 700u}) {
      ByteView msg(data.data(), len);
      Blake2b ref(32, key);
      ref.update(msg);
      const Hash32 want = ref.finalize32();
      for (std::size_t cut = 0; cut <= len; ++cut) {
        Blake2b h(32, key);
        h.update(msg.subspan(0, cut));
        h.update(msg.subspan(cut));
        ASSERT_EQ(h.finalize32(), want) << "key " << key_len << " len " << len << " cut " << cut;
      }
      // Byte at a time.
      Blake2b h(32, key);
      for (std::size_t i = 0; i < len; ++i) h.update(msg.subspan(i, 1));
      ASSERT_EQ(h.finalize32(), want);
    }
  }
}

TEST(Blake2b, CopiedMidStateFinishesIndependently) {
  const Bytes data = seq(1000, 251);
  Blake2b h(32, as_bytes("TransactionID"));
  h.update(ByteView(data.data(), 300));
  Blake2b copy = h;
  h.update(ByteView(data.data() + 300, 700));
  copy.update(ByteView(data.data() + 300, 100));
  EXPECT_EQ(h.finalize32(), blake2b_256_keyed("TransactionID", data));
  EXPECT_EQ(copy.finalize32(), blake2b_256_keyed("TransactionID", ByteView(data.data(), 400)));
}

// EIP-152 test vectors 4..7 (vector 8, 2^32-1 rounds, is left to the precompile tests).
TEST(Blake2b, Eip152CompressionFunction) {
  auto words = [](std::string_view hex, std::uint64_t* out, std::size_t n) {
    Bytes b = hex_or_die(hex);
    ASSERT_EQ(b.size(), 8 * n);
    for (std::size_t i = 0; i < n; ++i) out[i] = load_le<std::uint64_t>(b.data() + 8 * i);
  };
  auto run = [&](std::uint32_t rounds, bool last) {
    std::uint64_t h[8], m[16], t[2];
    words("48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b"
          "6bbd41fbabd9831f79217e1319cde05b",
          h, 8);
    Bytes mb(128, 0);
    mb[0] = 'a';
    mb[1] = 'b';
    mb[2] = 'c';
    words(to_hex(mb), m, 16);
    t[0] = 3;
    t[1] = 0;
    blake2b_compress(rounds, h, m, t, last);
    Bytes out;
    for (auto w : h) put_le(out, w);
    return to_hex(out);
  };
  EXPECT_EQ(run(0, true),
            "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b"
            "9442be0454267ce079217e1319cde05b");
  EXPECT_EQ(run(12, true),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc95"
            "18d38aa8dbf1925ab92386edd4009923");
  EXPECT_EQ(run(12, false),
            "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b"
            "4e426ac4f2d3d666a610c2116fde4735");
  EXPECT_EQ(run(1, true),
            "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923"
            "de3d64fcc68c034e717b9293fed7a421");
}

}  // namespace
}  // namespace igra::core
