#pragma once
// BLAKE3 (hash and keyed_hash modes, 32-byte output), portable implementation. Copyable state.
#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"

namespace igra::core {

class Blake3 {
 public:
  Blake3() noexcept;                       // hash mode
  explicit Blake3(const Hash32& key) noexcept;  // keyed_hash mode
  // keyed_hash with the ASCII domain right-padded with zero bytes to 32 (Kaspa's Toccata hashers).
  static Blake3 keyed_domain(std::string_view domain) noexcept;
  void update(ByteView data) noexcept;
  Hash32 finalize() const noexcept;  // does not consume the state; more updates may follow
  // Equal to { Blake3 copy = *this; copy.update(tail); return copy.finalize(); } but, when the tail stays within
  // the current 1 KiB chunk, copies only the ~100-byte chunk state instead of the whole hasher (nonce mining).
  Hash32 finalize_with(ByteView tail) const noexcept;
  // finalize_with for kLanes tails of one length at once (lane i's tail starts at tails + i * tail_len): the
  // same results, with the lanes' compressions computed side by side (8-wide AVX2 when the CPU has it).
  static constexpr std::size_t kLanes = 8;
  void finalize_with_lanes(const std::uint8_t* tails, std::size_t tail_len, Hash32 out[kLanes]) const noexcept;

 private:
  struct ChunkState {
    std::uint32_t cv[8];
    std::uint64_t chunk_counter;
    std::uint8_t block[64];
    std::uint8_t block_len;
    std::uint8_t blocks_compressed;
    std::uint32_t flags;
  };
  void chunk_init(std::uint64_t counter) noexcept;
  Hash32 finalize_chunk(const ChunkState& chunk) const noexcept;  // root of the tree ending with `chunk`
  void push_cv(const std::uint32_t cv[8], std::uint64_t total_chunks) noexcept;
  std::uint32_t key_[8];
  std::uint32_t flags_;
  ChunkState chunk_;
  std::uint32_t cv_stack_[54][8];
  std::uint8_t cv_stack_len_ = 0;
};

Hash32 blake3_hash(ByteView data) noexcept;
Hash32 blake3_keyed(const Hash32& key, ByteView data) noexcept;
Hash32 blake3_keyed_domain(std::string_view domain, ByteView data) noexcept;

}  // namespace igra::core
