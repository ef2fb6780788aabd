// Keccak-256 (Ethereum padding): known answers, block-boundary lengths, incremental updates.
#include "core/keccak.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/hex.hpp"

namespace igra::core {
namespace {

Bytes seq251(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i % 251);
  return b;
}

TEST(Keccak256, KnownAnswers) {
  EXPECT_EQ(to_hex(keccak256({})), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(to_hex(keccak256(as_bytes("abc"))), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  EXPECT_EQ(to_hex(keccak256(as_bytes("The quick brown fox jumps over the lazy dog"))),
            "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
  // Solidity event signature hash (ERC-20 Transfer topic).
  EXPECT_EQ(to_hex(keccak256(as_bytes("Transfer(address,address,uint256)"))),
            "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
  // RLP of the empty list: the empty-uncles hash.
  EXPECT_EQ(to_hex(keccak256(hex_or_die("c0"))), "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
  // RLP of the empty string: the empty trie root.
  EXPECT_EQ(to_hex(keccak256(hex_or_die("80"))), "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
}

// Lengths around the 136-byte rate (values from pycryptodome Crypto.Hash.keccak, digest_bits=256).
TEST(Keccak256, RateBoundaries) {
  struct V {
    std::size_t len;
    const char* hex;
  } vs[] = {
      {1, "bc36789e7a1e281436464229828f817d6612f7b477d66591ff96a9e064bcc98a"},
      {135, "cbdfd9dee5faad3818d6b06f95a219fd290b0e1706f6a82e5a595b9ce9faca62"},
      {136, "7ce759f1ab7f9ce437719970c26b0a66ff11fe3e38e17df89cf5d29c7d7f807e"},
      {137, "ac73d4fae68b8453f764007c1a20ce95994187861f0c3227a3a8e99a73a3b1db"},
      {271, "27eceb59ebc3dc8a04a5b135be641591a7278540e4556a2ba9f408194e666ec3"},
      {272, "8e2476e65823b24d96ebe239f2c1534cdf763e689e2410c3b1cb0c74e6177bfc"},
      {273, "3f02f134370e4debb95140ef49ddd3aed8c65ff1ed83a43f1b269421f179c5f9"},
      {1000, "af692982e84a5a9688359025660a7857cd28ee7c8d867cfa1677baf2e6d1f63b"},
  };
  for (const auto& v : vs) EXPECT_EQ(to_hex(keccak256(seq251(v.len))), v.hex) << "len " << v.len;
}

// Keccak-f[1600] on the all-zero state: first lanes of the Keccak team's KeccakF-1600 intermediate values.
TEST(Keccak256, PermutationOfZeroState) {
  std::uint64_t s[25] = {};
  keccak_f1600(s);
  EXPECT_EQ(s[0], 0xF1258F7940E1DDE7ULL);
  EXPECT_EQ(s[1], 0x84D5CCF933C0478AULL);
  EXPECT_EQ(s[2], 0xD598261EA65AA9EEULL);
  EXPECT_EQ(s[24], 0xEAF1FF7B5CECA249ULL);
}

TEST(Keccak256, SplitAtEveryOffsetMatchesOneShot) {
  const Bytes data = seq251(600);
  for (std::size_t len : {0u, 1u, 135u, 136u, 137u, 272u, 300u, 600u}) {
    ByteView msg(data.data(), len);
    const Hash32 want = keccak256(msg);
    for (std::size_t cut = 0; cut <= len; ++cut) {
      Keccak256 h;
      h.update(msg.subspan(0, cut));
      h.update(msg.subspan(cut));
      ASSERT_EQ(h.finalize(), want) << "len " << len << " cut " << cut;
    }
  }
  Keccak256 h;
  for (auto byte : data) h.update(ByteView(&byte, 1));
  EXPECT_EQ(h.finalize(), keccak256(data));
}

TEST(Keccak256, CopiedMidStateFinishesIndependently) {
  const Bytes data = seq251(500);
  Keccak256 h;
  h.update(ByteView(data.data(), 200));
  Keccak256 copy = h;
  h.update(ByteView(data.data() + 200, 300));
  copy.update(ByteView(data.data() + 200, 7));
  EXPECT_EQ(h.finalize(), keccak256(data));
  EXPECT_EQ(copy.finalize(), keccak256(ByteView(data.data(), 207)));
}

}  // namespace
}  // namespace igra::core
