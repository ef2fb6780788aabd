#pragma once
// Igra Sequencing Commitment (decisions.md O1), one function:
//   ISC(B) = blake2b256_keyed("IgraSequencingCommitment",
//                             ISC(SP(B)) || accepted_id_merkle_root(B) || u64le daa_score(B) || u64le timestamp_ms(B))
// with ISC = 32 zero bytes for the chain block just before the launch DAA score.
#include <cstdint>

#include "core/bytes.hpp"

namespace igra::igra {

core::Hash32 isc(const core::Hash32& parent_isc, const core::Hash32& accepted_id_merkle_root, std::uint64_t daa_score,
                 std::uint64_t timestamp_ms) noexcept;

}  // namespace igra::igra
