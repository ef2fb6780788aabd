// BIP-39 English mnemonics against the BIP's reference test vectors (trezor/python-mnemonic vectors.json, the
// vectors the BIP links): entropy -> sentence, sentence -> entropy; the word list's published SHA-256; typed
// sentences with extra whitespace; unknown words, wrong checksums and bad lengths refused with a clear message.
#include "crypto/bip39.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/hex.hpp"
#include "crypto/sha256.hpp"

namespace igra::crypto {
namespace {

TEST(Bip39, WordListIsTheBipsEnglishTxt) {
  std::string file;
  for (std::size_t i = 0; i < kBip39Words; ++i) {
    file += bip39_word(i);
    file += '\n';
  }
  EXPECT_EQ(core::to_hex(sha256(core::as_bytes(file))),
            "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda");
  EXPECT_EQ(bip39_index("abandon"), 0);
  EXPECT_EQ(bip39_index("zoo"), 2047);
  EXPECT_EQ(bip39_index("Abandon"), -1);
  EXPECT_EQ(bip39_word(2048), "");
}

TEST(Bip39, ReferenceVectors) {
  const struct {
    const char* entropy;
    const char* mnemonic;
  } kVectors[] = {
      {"00000000000000000000000000000000",
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"},
      {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
       "legal winner thank year wave sausage worth useful legal winner thank yellow"},
      {"80808080808080808080808080808080",
       "letter advice cage absurd amount doctor acoustic avoid letter advice cage above"},
      {"ffffffffffffffffffffffffffffffff", "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong"},
      {"000000000000000000000000000000000000000000000000",
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
       "abandon abandon abandon abandon agent"},
      {"0000000000000000000000000000000000000000000000000000000000000000",
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art"},
      {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
       "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote"},
      {"9e885d952ad362caeb4efe34a8e91bd2",
       "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic"},
      {"f585c11aec520db57dd353c69554b21a89b20fb0650966fa0a9d6f74fd989d8f",
       "void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol "
       "group space point ten exist slush involve unfold"},
  };
  for (const auto& v : kVectors) {
    const core::Bytes ent = core::from_hex(v.entropy).value();
    auto m = bip39_mnemonic(ent);
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(*m, v.mnemonic);
    auto back = bip39_entropy(v.mnemonic);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(core::to_hex(*back), v.entropy);
  }
}

TEST(Bip39, TypedSentencesAndMistakes) {
  // Extra whitespace is fine.
  EXPECT_TRUE(bip39_entropy("  legal winner thank year\twave sausage worth useful\nlegal winner thank yellow  ").ok());
  // A misspelt word: named, with the list word that shares its first four letters.
  auto typo = bip39_entropy("legal winner thank year wave sausage worth usefull legal winner thank yellow");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("word 8 'usefull'"), std::string::npos) << typo.error().message;
  EXPECT_NE(typo.error().message.find("did you mean 'useful'"), std::string::npos) << typo.error().message;
  // Valid words, wrong checksum (the last word of another vector).
  auto bad = bip39_entropy("legal winner thank year wave sausage worth useful legal winner thank above");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("checksum"), std::string::npos);
  // Two words swapped.
  EXPECT_FALSE(bip39_entropy("winner legal thank year wave sausage worth useful legal winner thank yellow").ok());
  // Lengths.
  EXPECT_FALSE(bip39_entropy("abandon abandon abandon").ok());
  EXPECT_FALSE(bip39_entropy("").ok());
  EXPECT_FALSE(bip39_mnemonic(core::Bytes(15, 0)).ok());
  EXPECT_FALSE(bip39_mnemonic(core::Bytes(33, 0)).ok());
}

}  // namespace
}  // namespace igra::crypto
