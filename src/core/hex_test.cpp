#include "core/hex.hpp"

#include <gtest/gtest.h>

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
