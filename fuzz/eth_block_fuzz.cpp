// libFuzzer target: strict Ethereum block, header and body decoding, and genesis JSON parsing. Whatever
// decodes must re-encode to exactly the input (the encodings are canonical).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "chain/block.hpp"
#include "chain/genesis.hpp"

using namespace igra;

namespace {
void same(const core::Bytes& re, const std::uint8_t* data, std::size_t size) {
  if (re.size() != size || std::memcmp(re.data(), data, size) != 0) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const core::ByteView in(data, size);
  if (auto b = chain::decode_block(in); b) same(chain::encode_block(*b), data, size);
  if (auto h = chain::decode_header(in); h) same(chain::encode_header(*h), data, size);
  if (auto body = chain::decode_body(in); body) same(chain::encode_body(*body), data, size);
  if (size < 1 << 16) (void)chain::parse_genesis(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
