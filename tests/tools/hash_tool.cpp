// Differential-test helper: reads lines "ALGO KEYHEX DATAHEX" from stdin and prints one lowercase hex
// digest per line. ALGO: keccak256, blake2b256, blake2b512, blake3, blake3keyed. An empty hex field is
// written as "-". Unknown algorithms or bad hex print "error: ..." on that line (and exit status 1 at the end).
#include <iostream>
#include <sstream>
#include <string>

#include "core/blake2b.hpp"
#include "core/blake3.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"

using namespace igra::core;

namespace {

Result<Bytes> field(const std::string& s) {
  if (s.empty() || s == "-") return Bytes{};
  return from_hex(s);
}

std::string run(const std::string& algo, const Bytes& key, const Bytes& data) {
  if (algo == "keccak256") return to_hex(keccak256(data));
  if (algo == "blake2b256" || algo == "blake2b512") {
    Blake2b h(algo == "blake2b256" ? 32 : 64, key);
    h.update(data);
    std::uint8_t out[64];
    h.finalize(out);
    return to_hex(ByteView(out, h.out_len()));
  }
  if (algo == "blake3") return to_hex(blake3_hash(data));
  if (algo == "blake3keyed") {
    if (key.size() != 32) return "error: blake3keyed needs a 32-byte key";
    return to_hex(blake3_keyed(Hash32::from_view(key), data));
  }
  return "error: unknown algorithm " + algo;
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  int status = 0;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    std::istringstream in(line);
    std::string algo, key_hex, data_hex;
    in >> algo >> key_hex >> data_hex;
    auto key = field(key_hex);
    auto data = field(data_hex);
    std::string out;
    if (!key) out = "error: key: " + key.error().message;
    else if (!data) out = "error: data: " + data.error().message;
    else out = run(algo, *key, *data);
    if (out.rfind("error", 0) == 0) status = 1;
    std::cout << out << '\n';
  }
  std::cout.flush();
  return status;
}
