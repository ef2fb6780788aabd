#pragma once
// BLAKE3 (hash and keyed_hash modes, 32-byte output), portable implementation. Copyable state.
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

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

  // Nonce mining over a chain of two hashes (Kaspa's v1 transaction id):
  //   digest(n) = second.finalize_with(this->finalize_with(be32(n)) || suffix)
  // for n = start, start+1, ... (wrapping, at most max_tries): the first n (in that order) whose digest starts with
  // `prefix` (at most 32 bytes), and its digest; `found` empty when none does. `second` must be empty (nothing fed).
  // 16 (AVX-512) or 8 (AVX2) nonces are hashed side by side with the message words built in registers: only the
  // words holding the nonce differ between lanes, and the first digest is already the second's message (no
  // per-lane buffers, no transposition). `supported` is false and nothing is searched when the CPU has neither
  // instruction set, `lanes` asks for one it lacks, or the 4-byte tail would not land in the last block of the
  // current chunk (callers then use finalize_with_lanes). lanes: 0 = the best, 8 = AVX2, 16 = AVX-512.
  struct NonceSearch {
    bool supported = false;
    std::optional<std::pair<std::uint32_t, Hash32>> found;
  };
  NonceSearch search_nonce_chain(const Blake3& second, const Hash32& suffix, ByteView prefix, std::uint32_t start,
                                 std::uint64_t max_tries, unsigned lanes = 0) const noexcept;
  // The lane count search_nonce_chain uses on this CPU (0 when it cannot).
  static unsigned nonce_search_lanes() noexcept;

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
