#include "crypto/sha256.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/hex.hpp"

namespace igra::crypto {
namespace {

using core::as_bytes;
using core::to_hex;

// FIPS 180-2 / NIST CSRC example vectors.
TEST(Sha256, FipsVectors) {
  EXPECT_EQ(to_hex(sha256(as_bytes(""))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256(as_bytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256(as_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(to_hex(sha256(as_bytes("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"))),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, MillionA) {
  const std::string a(1000000, 'a');
  const char* expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  EXPECT_EQ(to_hex(sha256(as_bytes(a))), expected);
  // Streaming in uneven pieces must give the same digest.
  Sha256 h;
  std::size_t pos = 0, step = 1;
  while (pos < a.size()) {
    std::size_t n = std::min(step, a.size() - pos);
    h.update(as_bytes(std::string_view(a).substr(pos, n)));
    pos += n;
    step = step * 3 % 1000 + 1;
  }
  EXPECT_EQ(to_hex(h.finalize()), expected);
}

TEST(Sha256, IncrementalMatchesOneShotAtBlockBoundaries) {
  std::string msg;
  for (int i = 0; i < 300; ++i) msg.push_back(static_cast<char>(i * 7 + 1));
  for (std::size_t len : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u, 300u}) {
    for (std::size_t split = 0; split <= len; split += (len / 5) + 1) {
      Sha256 h;
      h.update(as_bytes(std::string_view(msg).substr(0, split)));
      h.update(core::ByteView{});
      h.update(as_bytes(std::string_view(msg).substr(split, len - split)));
      EXPECT_EQ(h.finalize(), sha256(as_bytes(std::string_view(msg).substr(0, len)))) << len << "/" << split;
    }
  }
}

// The copied state continues independently (Kaspa's ECDSA sighash hasher is pre-fed and reused).
TEST(Sha256, CopyIsIndependentValue) {
  Sha256 prefix;
  prefix.update(as_bytes("TransactionSigningHashECDSA"));
  Sha256 a = prefix;
  Sha256 b = prefix;
  a.update(as_bytes("abc"));
  b.update(as_bytes("xyz"));
  EXPECT_EQ(a.finalize(), sha256(as_bytes("TransactionSigningHashECDSAabc")));
  EXPECT_EQ(b.finalize(), sha256(as_bytes("TransactionSigningHashECDSAxyz")));
  Sha256 c(prefix);
  c = prefix;  // copy assignment
  EXPECT_EQ(c.finalize(), sha256(as_bytes("TransactionSigningHashECDSA")));
  EXPECT_EQ(prefix.finalize(), sha256(as_bytes("TransactionSigningHashECDSA")));
}

// Vectors from Dobbertin, Bosselaers, Preneel, "RIPEMD-160: A Strengthened Version of RIPEMD", Appendix B.
TEST(Ripemd160, PaperVectors) {
  EXPECT_EQ(to_hex(ripemd160(as_bytes(""))), "9c1185a5c5e9fc54612808977ee8f548b2258d31");
  EXPECT_EQ(to_hex(ripemd160(as_bytes("a"))), "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe");
  EXPECT_EQ(to_hex(ripemd160(as_bytes("abc"))), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  EXPECT_EQ(to_hex(ripemd160(as_bytes("message digest"))), "5d0689ef49d2fae572b881b123a85ffa21595f36");
  EXPECT_EQ(to_hex(ripemd160(as_bytes("abcdefghijklmnopqrstuvwxyz"))), "f71c27109c692c1b56bbdceb5b9d2865b3708dbc");
  EXPECT_EQ(to_hex(ripemd160(as_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "12a053384a9c0c88e405a06c27dcf49ada62eb2b");
  EXPECT_EQ(to_hex(ripemd160(as_bytes("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))),
            "b0e20b6e3116640286ed3a87a5713079b21f5189");
  EXPECT_EQ(to_hex(ripemd160(as_bytes("12345678901234567890123456789012345678901234567890123456789012345678901234567890"))),
            "9b752e45573d4b39f4dbd3323cab82bf63326bfb");
  EXPECT_EQ(to_hex(ripemd160(as_bytes(std::string(1000000, 'a')))), "52783243c1697bdbe16d37f97f68f08325dc1528");
}

}  // namespace
}  // namespace igra::crypto
