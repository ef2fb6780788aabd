// Key files: written with mode 0600 and never overwritten; files readable by group or others are refused; a
// mnemonic file derives the standard development mnemonic's first Ethereum account (0xf39f...2266, the address
// Hardhat and Anvil print) at m/44'/60'/0'/0/0.
#include "crypto/key_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/hex.hpp"

namespace igra::crypto {
namespace {

namespace fs = std::filesystem;

struct Dir {
  fs::path p = fs::temp_directory_path() /
               ("igra-keyfile-" + std::to_string(::getpid()) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  Dir() { fs::create_directories(p); }
  ~Dir() { fs::remove_all(p); }
};

TEST(KeyFile, WriteReadPermissionsAndMnemonic) {
  Dir d;
  SecretKey k;
  k[31] = 7;
  const std::string f = (d.p / "a.key").string();
  ASSERT_TRUE(write_secret_key_file(f, k).ok());
  EXPECT_EQ(fs::status(f).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  auto back = read_secret_key_file(f);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, k);
  EXPECT_FALSE(write_secret_key_file(f, k).ok());  // exists: not overwritten

  fs::permissions(f, fs::perms::group_read, fs::perm_options::add);
  auto loose = read_secret_key_file(f, "the test key");
  ASSERT_FALSE(loose.ok());
  EXPECT_NE(loose.error().message.find("chmod 600"), std::string::npos);
  EXPECT_NE(loose.error().message.find("the test key"), std::string::npos);

  const std::string bad = (d.p / "bad.key").string();
  std::ofstream(bad) << "not hex\n";
  fs::permissions(bad, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  EXPECT_FALSE(read_secret_key_file(bad).ok());

  const std::string m = (d.p / "wallet.mnemonic").string();
  std::ofstream(m) << "  test test test test test test\ntest test test test test junk\n";
  fs::permissions(m, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  auto key = read_mnemonic_key_file(m, "m/44'/60'/0'/0/0");
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(core::to_hex(public_key_to_address(*public_key_from_secret(*key))), "f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  // Extra spaces and line breaks: the same key (the seed is over the canonical single-spaced sentence).
  std::ofstream(m) << "test  test test test test test\ntest test test test test   junk\n";
  auto spaced = read_mnemonic_key_file(m, "m/44'/60'/0'/0/0");
  ASSERT_TRUE(spaced.ok()) << spaced.error().message;
  EXPECT_EQ(core::to_hex(*spaced), core::to_hex(*key));
  std::ofstream(m) << "test test test\n";
  EXPECT_FALSE(read_mnemonic_key_file(m, "m/44'/60'/0'/0/0").ok());
  // A typo or a wrong last word: refused, not silently another key.
  std::ofstream(m) << "test test test test test test test test test test tset junk\n";
  auto typo = read_mnemonic_key_file(m, "m/44'/60'/0'/0/0");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("'tset'"), std::string::npos) << typo.error().message;
  std::ofstream(m) << "test test test test test test test test test test test test\n";
  auto checksum = read_mnemonic_key_file(m, "m/44'/60'/0'/0/0");
  ASSERT_FALSE(checksum.ok());
  EXPECT_NE(checksum.error().message.find("checksum"), std::string::npos) << checksum.error().message;
}

}  // namespace
}  // namespace igra::crypto
