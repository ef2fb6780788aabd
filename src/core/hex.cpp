#include "core/hex.hpp"

#include <cstdio>
#include <cstdlib>

namespace igra::core {

namespace {
constexpr char kDigits[] = "0123456789abcdef";

int nibble(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string to_hex(ByteView data, bool with_prefix) {
  std::string out;
  out.resize(data.size() * 2 + (with_prefix ? 2 : 0));
  std::size_t o = 0;
  if (with_prefix) {
    out[o++] = '0';
    out[o++] = 'x';
  }
  for (auto b : data) {
    out[o++] = kDigits[b >> 4];
    out[o++] = kDigits[b & 0xf];
  }
  return out;
}

Result<Bytes> from_hex(std::string_view hex) {
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
  if (hex.size() % 2 != 0) return make_error("hex: odd number of digits (" + std::to_string(hex.size()) + ")");
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return make_error("hex: invalid character at position " + std::to_string(hi < 0 ? 2 * i : 2 * i + 1));
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

Bytes hex_or_die(std::string_view hex) {
  auto r = from_hex(hex);
  if (!r) {
    std::fprintf(stderr, "hex_or_die: %s\n", r.error().message.c_str());
    std::abort();
  }
  return std::move(r).value();
}

}  // namespace igra::core
