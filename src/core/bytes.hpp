#pragma once
// Byte containers shared by every layer.
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace igra::core {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using MutableByteView = std::span<std::uint8_t>;

// A fixed-size byte string (hashes, addresses, keys). Ordering is lexicographic on the bytes.
template <std::size_t N>
struct FixedBytes {
  std::array<std::uint8_t, N> bytes{};

  static constexpr std::size_t size() noexcept { return N; }
  constexpr std::uint8_t* data() noexcept { return bytes.data(); }
  constexpr const std::uint8_t* data() const noexcept { return bytes.data(); }
  constexpr std::uint8_t& operator[](std::size_t i) noexcept { return bytes[i]; }
  constexpr const std::uint8_t& operator[](std::size_t i) const noexcept { return bytes[i]; }
  constexpr auto begin() noexcept { return bytes.begin(); }
  constexpr auto end() noexcept { return bytes.end(); }
  constexpr auto begin() const noexcept { return bytes.begin(); }
  constexpr auto end() const noexcept { return bytes.end(); }
  ByteView view() const noexcept { return ByteView(bytes.data(), N); }
  operator ByteView() const noexcept { return view(); }
  bool is_zero() const noexcept {
    for (auto b : bytes)
      if (b) return false;
    return true;
  }
  // Copies exactly N bytes from v; v.size() must equal N (checked by the caller).
  static FixedBytes from_view(ByteView v) noexcept {
    FixedBytes out;
    std::memcpy(out.bytes.data(), v.data(), N);
    return out;
  }
  friend constexpr auto operator<=>(const FixedBytes&, const FixedBytes&) = default;
  friend constexpr bool operator==(const FixedBytes&, const FixedBytes&) = default;
};

using Hash32 = FixedBytes<32>;
using Address20 = FixedBytes<20>;

inline ByteView as_bytes(std::string_view s) noexcept {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

inline void append(Bytes& out, ByteView v) { out.insert(out.end(), v.begin(), v.end()); }

// Little-endian and big-endian integer writers/readers used by consensus serializations.
template <typename T>
inline void put_le(Bytes& out, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
template <typename T>
inline void put_be(Bytes& out, T v) {
  for (std::size_t i = sizeof(T); i-- > 0;) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
template <typename T>
inline T load_le(const std::uint8_t* p) noexcept {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(p[i]) << (8 * i);
  return v;
}
template <typename T>
inline T load_be(const std::uint8_t* p) noexcept {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | p[i]);
  return v;
}

}  // namespace igra::core

// Mixes every byte: addresses and storage slots are often small numbers (leading zero bytes), so a hash of
// the first word alone would put them all in one bucket.
template <std::size_t N>
struct std::hash<igra::core::FixedBytes<N>> {
  std::size_t operator()(const igra::core::FixedBytes<N>& h) const noexcept {
    std::uint64_t acc = 0x9e3779b97f4a7c15ull ^ N;
    std::size_t i = 0;
    for (; i + 8 <= N; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, h.bytes.data() + i, 8);
      acc = (acc ^ w) * 0xff51afd7ed558ccdull;
      acc ^= acc >> 32;
    }
    if (i < N) {
      std::uint64_t w = 0;
      std::memcpy(&w, h.bytes.data() + i, N - i);
      acc = (acc ^ w) * 0xc4ceb9fe1a85ec53ull;
    }
    acc ^= acc >> 29;
    acc *= 0xd6e8feb86659fd93ull;
    acc ^= acc >> 32;
    return static_cast<std::size_t>(acc);
  }
};
