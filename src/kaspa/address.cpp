#include "kaspa/address.hpp"

#include <array>

namespace igra::kaspa {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::size_t kChecksumChars = 8;

constexpr std::array<std::int8_t, 128> make_reverse_charset() {
  std::array<std::int8_t, 128> rev{};
  for (auto& r : rev) r = -1;
  for (std::size_t i = 0; i < kCharset.size(); ++i) rev[static_cast<unsigned char>(kCharset[i])] = static_cast<std::int8_t>(i);
  return rev;
}
constexpr auto kReverseCharset = make_reverse_charset();

std::uint64_t polymod_step(std::uint64_t c, std::uint8_t d) {
  const std::uint64_t c0 = c >> 35;
  c = ((c & 0x07ffffffffull) << 5) ^ d;
  if (c0 & 0x01) c ^= 0x98f2bc8e61ull;
  if (c0 & 0x02) c ^= 0x79b76d99e2ull;
  if (c0 & 0x04) c ^= 0xf33e5fb3c4ull;
  if (c0 & 0x08) c ^= 0xae2eabe2a8ull;
  if (c0 & 0x10) c ^= 0x1e4f43e470ull;
  return c;
}

// polymod(prefix & 0x1f ‖ 0 ‖ data5 ‖ 8 zeros) ^ 1
std::uint64_t checksum(std::string_view prefix, const core::Bytes& data5) {
  std::uint64_t c = 1;
  for (char ch : prefix) c = polymod_step(c, static_cast<std::uint8_t>(ch) & 0x1f);
  c = polymod_step(c, 0);
  for (auto d : data5) c = polymod_step(c, d);
  for (std::size_t i = 0; i < kChecksumChars; ++i) c = polymod_step(c, 0);
  return c ^ 1;
}

// 8-bit to 5-bit groups, big-endian bit order, zero-padded on the right.
core::Bytes convert_8_to_5(core::ByteView in) {
  core::Bytes out;
  out.reserve((in.size() * 8 + 4) / 5);
  std::uint32_t acc = 0;
  int bits = 0;
  for (auto b : in) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0x1f));
    }
    acc &= (1u << bits) - 1;
  }
  if (bits > 0) out.push_back(static_cast<std::uint8_t>((acc << (5 - bits)) & 0x1f));
  return out;
}

std::string position_text(std::size_t pos) { return std::to_string(pos); }

}  // namespace

std::string_view prefix_name(Prefix prefix) noexcept {
  switch (prefix) {
    case Prefix::kMainnet: return "kaspa";
    case Prefix::kTestnet: return "kaspatest";
    case Prefix::kSimnet: return "kaspasim";
    case Prefix::kDevnet: return "kaspadev";
  }
  return "kaspa";
}

std::optional<Prefix> prefix_from_name(std::string_view name) noexcept {
  if (name == "kaspa") return Prefix::kMainnet;
  if (name == "kaspatest") return Prefix::kTestnet;
  if (name == "kaspasim") return Prefix::kSimnet;
  if (name == "kaspadev") return Prefix::kDevnet;
  return std::nullopt;
}

std::size_t address_payload_length(AddressVersion version) noexcept {
  return version == AddressVersion::kPubKeyEcdsa ? 33 : 32;
}

std::optional<AddressVersion> address_version_from_u8(std::uint8_t v) noexcept {
  switch (v) {
    case 0: return AddressVersion::kPubKey;
    case 1: return AddressVersion::kPubKeyEcdsa;
    case 8: return AddressVersion::kScriptHash;
    default: return std::nullopt;
  }
}

std::string encode_raw_address(std::string_view prefix, std::uint8_t version, core::ByteView payload) {
  core::Bytes data8;
  data8.reserve(payload.size() + 1);
  data8.push_back(version);
  core::append(data8, payload);
  const core::Bytes data5 = convert_8_to_5(data8);
  const std::uint64_t cs = checksum(prefix, data5);
  std::string out;
  out.reserve(prefix.size() + 1 + data5.size() + kChecksumChars);
  out.append(prefix);
  out.push_back(':');
  for (auto d : data5) out.push_back(kCharset[d]);
  // The 40-bit checksum as 8 five-bit groups, most significant first.
  for (int i = static_cast<int>(kChecksumChars) - 1; i >= 0; --i) out.push_back(kCharset[(cs >> (5 * i)) & 0x1f]);
  return out;
}

core::Result<RawAddress> decode_raw_address(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return core::make_error("address: missing ':' separator");
  bool has_lower = false, has_upper = false;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') has_lower = true;
    if (c >= 'A' && c <= 'Z') has_upper = true;
  }
  if (has_lower && has_upper) return core::make_error("address: mixed case");
  std::string lowered(text);
  if (has_upper)
    for (auto& c : lowered)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');

  RawAddress raw;
  raw.prefix = lowered.substr(0, colon);
  if (raw.prefix.empty()) return core::make_error("address: empty prefix");
  for (std::size_t i = 0; i < raw.prefix.size(); ++i) {
    const char c = raw.prefix[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      return core::make_error("address: invalid character in prefix at position " + position_text(i));
  }

  const std::string_view data_text = std::string_view(lowered).substr(colon + 1);
  core::Bytes data5;
  data5.reserve(data_text.size());
  for (std::size_t i = 0; i < data_text.size(); ++i) {
    const auto c = static_cast<unsigned char>(data_text[i]);
    const int v = c < 128 ? kReverseCharset[c] : -1;
    if (v < 0) {
      std::string shown = (c >= 0x20 && c < 0x7f) ? std::string(1, static_cast<char>(c)) : "\\x" + std::to_string(c);
      return core::make_error("address: invalid character '" + shown + "' at position " +
                              position_text(colon + 1 + i));
    }
    data5.push_back(static_cast<std::uint8_t>(v));
  }
  if (data5.size() < kChecksumChars + 2)
    return core::make_error("address: too short (" + std::to_string(data5.size()) +
                            " data characters, need at least " + std::to_string(kChecksumChars + 2) + ")");

  std::uint64_t given = 0;
  for (std::size_t i = data5.size() - kChecksumChars; i < data5.size(); ++i) given = (given << 5) | data5[i];
  data5.resize(data5.size() - kChecksumChars);
  if (checksum(raw.prefix, data5) != given) return core::make_error("address: bad checksum");

  // 5-bit to 8-bit; the leftover (padding) must be fewer than 5 bits, all zero.
  core::Bytes data8;
  data8.reserve(data5.size() * 5 / 8);
  std::uint32_t acc = 0;
  int bits = 0;
  for (auto d : data5) {
    acc = (acc << 5) | d;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      data8.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (bits >= 5) return core::make_error("address: bad padding (" + std::to_string(bits) + " excess bits)");
  if (acc != 0) return core::make_error("address: bad padding (non-zero padding bits)");
  if (data8.empty()) return core::make_error("address: missing version byte");
  raw.version = data8[0];
  raw.payload.assign(data8.begin() + 1, data8.end());
  return raw;
}

core::Result<Address> decode_address(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return core::make_error("address: missing ':' separator");
  bool has_lower = false, has_upper = false;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') has_lower = true;
    if (c >= 'A' && c <= 'Z') has_upper = true;
  }
  if (has_lower && has_upper) return core::make_error("address: mixed case");
  std::string prefix_text(text.substr(0, colon));
  for (auto& c : prefix_text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  const auto prefix = prefix_from_name(prefix_text);
  if (!prefix) return core::make_error("address: unknown prefix '" + prefix_text + "'");
  IGRA_TRY(RawAddress raw, decode_raw_address(text));
  const auto version = address_version_from_u8(raw.version);
  if (!version) return core::make_error("address: unknown version " + std::to_string(raw.version));
  const std::size_t want = address_payload_length(*version);
  if (raw.payload.size() != want)
    return core::make_error("address: payload of " + std::to_string(raw.payload.size()) + " bytes, version " +
                            std::to_string(raw.version) + " needs " + std::to_string(want));
  return Address{*prefix, *version, std::move(raw.payload)};
}

std::string encode_address(const Address& address) {
  return encode_raw_address(prefix_name(address.prefix), static_cast<std::uint8_t>(address.version), address.payload);
}

std::string Address::to_string() const { return encode_address(*this); }

}  // namespace igra::kaspa
