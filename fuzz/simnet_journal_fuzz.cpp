// Fuzz target: the simnet block journal reader (BlockJournal::open) on arbitrary file contents: record framing,
// checksums, protowire RpcBlock parsing and conversion. It must return blocks or an error and cut a bad tail,
// never crash or allocate without bound (records are capped at kMaxRecord).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/keccak.hpp"
#include "simnet/block_journal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/igra-journal-fuzz-" + std::to_string(::getpid());
  std::string contents;
  // Odd first byte: behind the real magic, so the record parser is reached; the rest is framed as one record
  // with a correct checksum when the second byte is odd, so protobuf parsing is reached too.
  if (size > 0 && (data[0] & 1)) {
    contents = "IGRASJ01";
    const std::uint8_t* body = data + 1;
    const std::size_t n = size - 1;
    if (n > 0 && (body[0] & 1)) {
      const std::uint32_t len = static_cast<std::uint32_t>(n - 1);
      for (int i = 0; i < 4; ++i) contents.push_back(static_cast<char>(len >> (8 * i)));
      contents.append(reinterpret_cast<const char*>(body + 1), n - 1);
      const auto h = igra::core::keccak256(igra::core::ByteView(body + 1, n - 1));
      contents.append(reinterpret_cast<const char*>(h.data()), 4);
    } else {
      contents.append(reinterpret_cast<const char*>(body), n);
    }
  } else {
    contents.assign(reinterpret_cast<const char*>(data), size);
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(contents.data(), 1, contents.size(), f);
  std::fclose(f);
  std::vector<igra::simnet::Block> blocks;
  auto j = igra::simnet::BlockJournal::open(path, &blocks);
  (void)j;
  std::remove(path.c_str());
  return 0;
}
