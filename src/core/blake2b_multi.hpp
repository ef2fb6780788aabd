#pragma once
// Multi-lane BLAKE2b finalization: N messages that share a prefix (a Blake2b mid-state) and differ only in a
// short tail of equal length, hashed side by side in SIMD lanes (one message per 64-bit lane). This is the
// nonce-mining case: the cached prefix of a Kaspa v0 transaction-id preimage plus a 4-byte nonce per lane.
//
// Backends are chosen at run time (the library is compiled for the baseline ISA; the SIMD kernels carry
// __attribute__((target))): AVX-512F (8 lanes), AVX2 (4 lanes), portable scalar (1 lane).
#include <cstddef>
#include <cstdint>

#include "core/blake2b.hpp"

namespace igra::core {

enum class Blake2bBackend : std::uint8_t { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

bool blake2b_backend_available(Blake2bBackend b) noexcept;
// The fastest available backend (detected once). IGRA_BLAKE2B_BACKEND=scalar|avx2|avx512 in the environment
// caps it, e.g. to compare backends in a benchmark or to rule one out.
Blake2bBackend blake2b_best_backend() noexcept;
std::size_t blake2b_backend_lanes(Blake2bBackend b) noexcept;  // 1, 4, 8
const char* blake2b_backend_name(Blake2bBackend b) noexcept;   // "scalar", "avx2", "avx512"

// lanes() messages  prefix || tail_i  hashed at once, where the prefix is everything `midstate` absorbed.
// Digest i equals: Blake2b copy = midstate; copy.update(tail_i); copy.finalize(out).
// Set the tails with set_tail (lanes not set hash an all-zero tail), then compute(). Reusable: set_tail only
// rewrites the message words holding tail bytes, so a mining loop costs one multi-lane compression per step
// (two when the tail straddles a block boundary). Holds ~2.3 KB; copyable.
class Blake2bFinalBatch {
 public:
  static constexpr std::size_t kMaxLanes = 8;
  static constexpr std::size_t kMaxTail = 128;

  // tail_len <= kMaxTail (larger values are clamped). `backend` must be available (else the scalar one is used).
  Blake2bFinalBatch(const Blake2b& midstate, std::size_t tail_len,
                    Blake2bBackend backend = blake2b_best_backend()) noexcept;

  std::size_t lanes() const noexcept { return lanes_; }
  std::size_t out_len() const noexcept { return out_len_; }
  std::size_t tail_len() const noexcept { return tail_len_; }
  Blake2bBackend backend() const noexcept { return backend_; }

  // Copies tail_len() bytes from `tail` into lane `lane` (< lanes()).
  void set_tail(std::size_t lane, const std::uint8_t* tail) noexcept;
  // Fast form for tail_len() <= 8: the tail given as the little-endian integer of its bytes (tail byte k =
  // bits 8k..8k+7; bits from 8*tail_len() up must be zero). A big-endian u32 nonce n is __builtin_bswap32(n).
  void set_tail_le64(std::size_t lane, std::uint64_t tail) noexcept {
    const std::uint64_t lo = tail << shift_;
    const std::uint64_t hi = shift_ == 0 ? 0 : tail >> (64 - shift_);
    m_[word0_ / 16][word0_ % 16][lane] = tmpl_[word0_] | lo;
    if (two_words_) m_[(word0_ + 1) / 16][(word0_ + 1) % 16][lane] = tmpl_[word0_ + 1] | hi;
  }
  // Writes lanes() digests of out_len() bytes each: lane i at out + i * out_len().
  void compute(std::uint8_t* out) const noexcept;
  // The final chaining words, SoA: h[word][lane] (digest bytes = little-endian words, truncated to out_len()).
  void compute_words(std::uint64_t h[8][kMaxLanes]) const noexcept;

  using Kernel = void (*)(const std::uint64_t* h_in, bool h_per_lane, std::uint64_t t0, bool last,
                          const std::uint64_t (*m)[kMaxLanes], std::uint64_t (*h_out)[kMaxLanes]);

 private:
  alignas(64) std::uint64_t m_[2][16][kMaxLanes];  // message words of the (up to 2) lane-specific blocks, SoA
  std::uint64_t tmpl_[32];                         // the same words with zero tail bytes (shared part only)
  std::uint64_t h_[8];                             // chaining value before the first lane-specific block
  std::uint64_t counter_[2];                       // t0 of each block
  std::size_t blocks_;                             // 1 or 2 lane-specific blocks; the last one is final
  std::size_t tail_off_;                           // offset of the tail in the block pair
  std::size_t word0_;                              // set_tail_le64: first word holding tail bytes (0..31)
  unsigned shift_;                                 //   bit offset of the tail in it
  bool two_words_;                                 //   the tail continues into word0_ + 1
  std::size_t tail_len_;
  std::size_t out_len_;
  std::size_t lanes_;
  Blake2bBackend backend_;
  Kernel kernel_;
};

// Convenience: for i < n, out + i * midstate.out_len() = digest of (prefix || tails[i][0..tail_len)).
// Any n and tail_len (tails longer than 128 bytes take the scalar path).
void blake2b_final_many(const Blake2b& midstate, const std::uint8_t* const tails[], std::size_t tail_len,
                        std::size_t n, std::uint8_t* out, Blake2bBackend backend = blake2b_best_backend()) noexcept;

}  // namespace igra::core
