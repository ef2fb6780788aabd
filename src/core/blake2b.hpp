#pragma once
// BLAKE2b (RFC 7693) with optional key and 1..64-byte digests. The state is a plain value: copy it to keep
// a mid-state (e.g. the cached prefix of a Kaspa transaction-id preimage while mining a nonce).
#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"

namespace igra::core {

// A snapshot of a Blake2b state (see Blake2b::export_state): chaining value, byte counter (compressed + buffered,
// including the key block), the buffered, not yet compressed bytes, and the digest length.
struct Blake2bState {
  std::uint64_t h[8];
  std::uint64_t t;
  std::uint8_t buf[128];
  std::size_t buf_len;  // 0..128; the buffer is compressed only once more data follows
  std::size_t out_len;
};

class Blake2b {
 public:
  // out_len in 1..64, key at most 64 bytes (longer keys are truncated by contract: callers pass <= 64).
  explicit Blake2b(std::size_t out_len = 32, ByteView key = {}) noexcept;
  void update(ByteView data) noexcept;
  void finalize(std::uint8_t* out) noexcept;  // writes out_len() bytes
  Hash32 finalize32() noexcept;                // requires out_len() == 32
  std::size_t out_len() const noexcept { return out_len_; }
  // Bytes absorbed so far, counting the key block when keyed.
  std::uint64_t bytes_absorbed() const noexcept { return t_; }
  // The internal state, for multi-lane finalization of messages sharing this prefix (core/blake2b_multi.hpp).
  Blake2bState export_state() const noexcept;

 private:
  void compress(const std::uint8_t* block, bool last) noexcept;
  std::uint64_t h_[8];
  std::uint64_t t_ = 0;  // bytes compressed + buffered, low 64 bits (inputs never exceed 2^64)
  std::uint8_t buf_[128];
  std::size_t buf_len_ = 0;
  std::size_t out_len_;
};

Hash32 blake2b_256(ByteView data) noexcept;
// BLAKE2b-256 keyed with the ASCII domain (Kaspa's domain-separated hashers).
Hash32 blake2b_256_keyed(std::string_view key, ByteView data) noexcept;

// The raw BLAKE2b compression function F with a round count (EIP-152 / precompile 0x09).
void blake2b_compress(std::uint32_t rounds, std::uint64_t h[8], const std::uint64_t m[16], const std::uint64_t t[2],
                      bool last) noexcept;

}  // namespace igra::core
