#pragma once
// GHOSTDAG (rusty-kaspa consensus/src/processes/ghostdag/{protocol,ordering,mergeset}.rs; kaspa-protocol.md §6.2)
// and the DAA score (§6.4).
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "simnet/dag.hpp"

namespace igra::simnet {

struct GhostdagParams {
  std::uint32_t k = 124;
  std::size_t mergeset_size_limit = 248;   // blues + reds, selected parent included
  std::uint64_t difficulty_window = 26'440; // full DAA window (blocks), for the non-DAA rule
};

// The selected parent: the parent with the highest (blue_work, hash).
BlockId find_selected_parent(const Dag& dag, std::span<const BlockId> parents);

// The mergeset without the selected parent: BFS from the other parents through parent links, stopping at
// past(selected_parent). Fails with kOutOfRange once it has more than `limit` blocks (so the BFS stays bounded).
core::Result<std::vector<BlockId>> unordered_mergeset_without_selected_parent(const Dag& dag, BlockId selected_parent,
                                                                              std::span<const BlockId> parents,
                                                                              std::size_t limit);

// GHOSTDAG data of a new block with these (existing, non-empty) parents. Fails when the mergeset (selected
// parent included) exceeds the limit.
core::Result<GhostdagData> compute_ghostdag(const Dag& dag, std::span<const BlockId> parents,
                                            const GhostdagParams& params);

// daa(B) = daa(SP) + |mergeset incl. SP| - |non-DAA blocks|; non-DAA = mergeset blocks with
// blue_score < B.blue_score - window; when SP is genesis, genesis counts as non-DAA.
std::uint64_t compute_daa_score(const Dag& dag, const GhostdagData& gd, const GhostdagParams& params);

// The consensus order of a chain block's mergeset (GhostdagData::consensus_ordered_mergeset): the selected
// parent first, then all other blues and reds by ascending (blue_work, hash).
std::vector<BlockId> consensus_ordered_mergeset(const Dag& dag, const GhostdagData& gd);

}  // namespace igra::simnet
