#include "crypto/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/hex.hpp"
#include "crypto/bip32.hpp"
#include "crypto/bip39.hpp"

namespace igra::crypto {

namespace {
core::Result<std::string> read_private_file(const std::string& path, const std::string& purpose) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return core::Error{core::ErrorCode::kIo, "cannot read " + path + ": " + std::strerror(errno)};
  if (st.st_mode & 077)
    return core::Error{core::ErrorCode::kInvalidArgument,
                       path + " is readable by group or others: chmod 600 it (it holds " + purpose + ")"};
  std::ifstream f(path, std::ios::binary);
  if (!f) return core::Error{core::ErrorCode::kIo, "cannot read " + path};
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

core::Result<SecretKey> read_mnemonic_key_file(const std::string& file, const std::string& path,
                                               const std::string& purpose) {
  IGRA_TRY(std::string text, read_private_file(file, purpose));
  // The words must form a valid BIP-39 mnemonic (list words, checksum): a typo would otherwise derive some other,
  // unfunded key without a word of warning. The seed is taken over the canonical sentence (single spaces).
  auto words = bip39_canonical(text);
  if (!words) return core::Error{core::ErrorCode::kInvalidArgument, file + ": " + words.error().message};
  const auto seed = bip39_seed(*words);
  IGRA_TRY(auto ext, bip32_derive(seed, path));
  return ext.key;
}

core::Result<SecretKey> read_secret_key_file(const std::string& path, const std::string& purpose) {
  IGRA_TRY(std::string text, read_private_file(path, purpose));
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  auto key = core::fixed_from_hex<32>(text.substr(start));
  if (!key || !is_valid_secret_key(*key))
    return core::Error{core::ErrorCode::kInvalidArgument, path + ": not a valid 32-byte hex secp256k1 key"};
  return *key;
}

core::Result<void> write_secret_key_file(const std::string& path, const SecretKey& key) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return core::Error{core::ErrorCode::kIo, "cannot create " + path + ": " + std::strerror(errno)};
  const std::string text = core::to_hex(key) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return core::Error{core::ErrorCode::kIo, "cannot write " + path};
  return {};
}

}  // namespace igra::crypto
