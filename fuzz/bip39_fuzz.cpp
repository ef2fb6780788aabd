// libFuzzer target: arbitrary bytes as a typed BIP-39 mnemonic (key files, igra-cli keys import).
//  * If the sentence is accepted, the entropy re-encodes to the same words (single-spaced), and that sentence
//    decodes to the same entropy.
//  * The same bytes as entropy (16..32 bytes, multiples of 4) give a sentence that decodes back to them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "crypto/bip39.hpp"

using namespace igra;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto ent = crypto::bip39_entropy(text)) {
    auto again = crypto::bip39_mnemonic(*ent);
    if (!again) std::abort();
    std::istringstream in{std::string(text)};
    std::string joined, w;
    while (in >> w) joined += (joined.empty() ? "" : " ") + w;
    // istream splits on the same ASCII whitespace as the decoder
    if (joined != *again) std::abort();
    auto back = crypto::bip39_entropy(*again);
    if (!back || *back != *ent) std::abort();
  }
  if (size >= 16 && size <= 32 && size % 4 == 0) {
    auto m = crypto::bip39_mnemonic(core::ByteView(data, size));
    if (!m) std::abort();
    auto back = crypto::bip39_entropy(*m);
    if (!back || *back != core::Bytes(data, data + size)) std::abort();
  }
  return 0;
}
