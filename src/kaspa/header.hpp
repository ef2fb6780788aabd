#pragma once
// Block header and its hash (rusty-kaspa consensus/core/src/header.rs, hashing/header.rs).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::kaspa {

// Uint192 blue work as 24 big-endian bytes.
using BlueWork = core::FixedBytes<24>;
BlueWork blue_work_from_u64(std::uint64_t v) noexcept;
// Parses big-endian hex of at most 24 bytes ("" = 0), left-padded with zeros.
core::Result<BlueWork> blue_work_from_hex(std::string_view hex);
// Big-endian hex with leading zero bytes stripped ("" for 0), the inverse of blue_work_from_hex.
std::string blue_work_to_hex(const BlueWork& w);

inline constexpr std::uint16_t kHeaderVersionCrescendo = 1;
inline constexpr std::uint16_t kHeaderVersionToccata = 2;

struct BlockHeader {
  std::uint16_t version = kHeaderVersionCrescendo;
  // Level 0 = direct parents. Hashed expanded (one list per level).
  std::vector<std::vector<core::Hash32>> parents_by_level;
  core::Hash32 hash_merkle_root;
  // KIP-15 accepted-id merkle root (header v1) or the KIP-21 sequencing commitment (header v2).
  core::Hash32 accepted_id_merkle_root;
  core::Hash32 utxo_commitment;
  std::uint64_t timestamp = 0;  // milliseconds
  std::uint32_t bits = 0;
  std::uint64_t nonce = 0;
  std::uint64_t daa_score = 0;
  BlueWork blue_work;
  std::uint64_t blue_score = 0;
  core::Hash32 pruning_point;
  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;

  // Level-0 parents (empty for genesis).
  std::span<const core::Hash32> direct_parents() const noexcept {
    return parents_by_level.empty() ? std::span<const core::Hash32>() : std::span<const core::Hash32>(parents_by_level[0]);
  }
};

// BLAKE2b("BlockHash", ...). Note blue_score is written before blue_work.
core::Hash32 header_hash(const BlockHeader& h);
// The same with nonce and timestamp replaced (PoW search).
core::Hash32 header_hash_override_nonce_time(const BlockHeader& h, std::uint64_t nonce, std::uint64_t timestamp);
// The hashed bytes (debugging, tests).
core::Bytes header_preimage(const BlockHeader& h);

}  // namespace igra::kaspa
