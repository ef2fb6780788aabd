// BLAKE2F (EIP-152) against the test vectors in the EIP text (vectors 0-7; vector 8, 2^32 - 1 rounds,
// takes about a minute and is left to the state tests' gas-bounded cases).
#include "crypto/blake2f.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"

using namespace igra;

namespace {

// The shared 209-byte tail of vectors 1-8 after the 4-byte rounds field, ending before the flag byte.
constexpr const char* kBody =
    "48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f"
    "79217e1319cde05b616263000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000003000000000000000000000000000000";

core::Bytes vector_input(const char* rounds, const char* flag) {
  return core::hex_or_die(std::string(rounds) + kBody + flag);
}

TEST(Blake2f, Eip152Errors) {
  EXPECT_FALSE(crypto::blake2f({}).ok());  // vector 0
  EXPECT_EQ(crypto::blake2f_gas({}), 0u);
  // Vectors 1 and 2: the rounds field one byte short / one byte long (212 and 214 bytes).
  EXPECT_FALSE(crypto::blake2f(core::hex_or_die(std::string("00000c") + kBody + "01")).ok());
  EXPECT_FALSE(crypto::blake2f(core::hex_or_die(std::string("000000000c") + kBody + "01")).ok());
  // Vector 3: final block flag 2.
  EXPECT_FALSE(crypto::blake2f(vector_input("0000000c", "02")).ok());
}

TEST(Blake2f, Eip152Vectors) {
  struct V {
    const char* rounds;
    const char* flag;
    const char* out;
  };
  const V vectors[] = {
      {"00000000", "01",
       "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce0"
       "79217e1319cde05b"},
      {"0000000c", "01",
       "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925a"
       "b92386edd4009923"},
      {"0000000c", "00",
       "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666"
       "a610c2116fde4735"},
      {"00000001", "01",
       "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e"
       "717b9293fed7a421"},
  };
  for (const auto& v : vectors) {
    const core::Bytes in = vector_input(v.rounds, v.flag);
    ASSERT_EQ(in.size(), crypto::kBlake2fInputSize);
    auto out = crypto::blake2f(in);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(core::to_hex(*out), v.out) << v.rounds;
    EXPECT_EQ(crypto::blake2f_gas(in), std::stoul(v.rounds, nullptr, 16));
  }
}

}  // namespace
