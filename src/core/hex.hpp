#pragma once
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::core {

// Lowercase hex of the bytes; with_prefix adds "0x".
std::string to_hex(ByteView data, bool with_prefix = false);
template <std::size_t N>
std::string to_hex(const FixedBytes<N>& b, bool with_prefix = false) {
  return to_hex(b.view(), with_prefix);
}

// Parses hex (upper or lower case), with or without a "0x"/"0X" prefix. Odd length or a non-hex
// character is an error naming the position.
Result<Bytes> from_hex(std::string_view hex);

// Parses exactly N bytes of hex.
template <std::size_t N>
Result<FixedBytes<N>> fixed_from_hex(std::string_view hex) {
  auto b = from_hex(hex);
  if (!b) return b.error();
  if (b->size() != N)
    return make_error("hex: expected " + std::to_string(N) + " bytes, got " + std::to_string(b->size()));
  return FixedBytes<N>::from_view(*b);
}

// For tests and constants: parses or aborts.
Bytes hex_or_die(std::string_view hex);

}  // namespace igra::core
