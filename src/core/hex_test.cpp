#include "core/hex.hpp"

#include <gtest/gtest.h>

#include <unordered_set>

using namespace igra::core;

TEST(Hex, RoundTrip) {
  Bytes b{0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(to_hex(b), "0001abff");
  EXPECT_EQ(to_hex(b, true), "0x0001abff");
  auto r = from_hex("0x0001ABff");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, b);
  EXPECT_TRUE(from_hex("").ok());
  EXPECT_TRUE(from_hex("0x")->empty());
}

TEST(Hex, Errors) {
  auto odd = from_hex("abc");
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.error().message.find("odd"), std::string::npos);
  auto bad = from_hex("0x0g");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("position 1"), std::string::npos);
  auto wrong_len = fixed_from_hex<4>("0102");
  ASSERT_FALSE(wrong_len.ok());
}

TEST(Bytes, Endian) {
  Bytes out;
  put_le<std::uint32_t>(out, 0x01020304u);
  put_be<std::uint16_t>(out, 0x0506);
  EXPECT_EQ(to_hex(out), "040302010506");
  EXPECT_EQ(load_le<std::uint32_t>(out.data()), 0x01020304u);
  EXPECT_EQ(load_be<std::uint16_t>(out.data() + 4), 0x0506);
}

// std::hash over every byte: addresses and slots that differ only in their last bytes (small numbers) must
// spread over the buckets of an unordered_map, not share one.
TEST(Bytes, HashUsesEveryByte) {
  std::unordered_set<std::size_t> addr_hashes, slot_hashes;
  for (std::uint32_t i = 0; i < 4096; ++i) {
    FixedBytes<20> a{};
    FixedBytes<32> s{};
    for (int b = 0; b < 4; ++b) {
      a.data()[16 + b] = static_cast<std::uint8_t>(i >> (24 - 8 * b));
      s.data()[28 + b] = static_cast<std::uint8_t>(i >> (24 - 8 * b));
    }
    addr_hashes.insert(std::hash<FixedBytes<20>>{}(a));
    slot_hashes.insert(std::hash<FixedBytes<32>>{}(s));
  }
  EXPECT_EQ(addr_hashes.size(), 4096u);
  EXPECT_EQ(slot_hashes.size(), 4096u);
  std::unordered_set<std::size_t> low_bits;  // what a power-of-two or small-prime bucket count sees
  for (auto h : slot_hashes) low_bits.insert(h % 1021);
  EXPECT_GT(low_bits.size(), 980u);  // ~1,002 expected of a random function; 1 with the first word alone
}
