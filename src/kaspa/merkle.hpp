#pragma once
// Merkle roots (rusty-kaspa crypto/merkle/src/lib.rs, consensus/core/src/merkle.rs) and the KIP-15
// accepted-id merkle root.
#include <span>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

// MerkleBranchHash(left || right).
core::Hash32 merkle_branch_hash(const core::Hash32& left, const core::Hash32& right) noexcept;

// Merkle root with MerkleBranchHash: 0 leaves -> ZERO, 1 leaf -> the leaf, otherwise the level is padded to the
// next power of two with "None"; (x, None) -> H(x, ZERO), (None, None) -> None.
core::Hash32 calc_merkle_root(std::span<const core::Hash32> leaves);

// The same tree shape with another branch hash (KIP-21 uses SeqCommitMerkleBranch).
using MerkleBranchFn = core::Hash32 (*)(const core::Hash32& left, const core::Hash32& right);
core::Hash32 calc_merkle_root_with(std::span<const core::Hash32> leaves, MerkleBranchFn branch);

// hash_merkle_root over the tx hashes (coinbase first). `include_mass_commit = false` gives the pre-Crescendo
// variant (hashes without the storage-mass commitment).
core::Hash32 calc_hash_merkle_root(std::span<const Transaction> txs, bool include_mass_commit = true);

// Pre-Crescendo accepted_id_merkle_root: merkle root of the sorted ids.
core::Hash32 calc_accepted_id_merkle_root_pre_crescendo(std::vector<TransactionId> accepted_ids);

// KIP-15 (Crescendo): MerkleBranchHash(selected_parent_aimr || merkle_root(ids in acceptance order)).
core::Hash32 calc_accepted_id_merkle_root_kip15(const core::Hash32& selected_parent_accepted_id_merkle_root,
                                                std::span<const TransactionId> accepted_ids_in_order);

}  // namespace igra::kaspa
