#pragma once
// KIP-21 sequencing-commitment hash helpers (rusty-kaspa consensus/seq-commit/src/hashing.rs). All are BLAKE3
// keyed hashes with the domains of kaspa/hashing.hpp. The sparse Merkle tree over lanes (crypto/smt) is not
// reproduced here; `lanes_root` is an input.
#include <cstdint>
#include <span>

#include "core/bytes.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

// H_seq(left || right) with "SeqCommitmentMerkleBranchHash".
core::Hash32 seq_commit_branch_hash(const core::Hash32& left, const core::Hash32& right) noexcept;
// SMT key of a lane: H_lane_key(subnetwork_id).
core::Hash32 lane_key(const SubnetworkId& lane_id) noexcept;
// H_activity_leaf(tx_id || u16 version || u32 merge_idx).
core::Hash32 activity_leaf(const TransactionId& tx_id, std::uint16_t version, std::uint32_t merge_idx) noexcept;
// Merkle root (H_seq) of a lane's activity leaves; one leaf -> the leaf, none -> ZERO.
core::Hash32 activity_digest_lane(std::span<const core::Hash32> leaves);
// H_lane_tip(parent_ref || lane_key || activity_digest || context_hash).
core::Hash32 lane_tip_next(const core::Hash32& parent_ref, const core::Hash32& lane_key_value,
                           const core::Hash32& activity_digest, const core::Hash32& context_hash) noexcept;
// H_mergeset_context(u64 timestamp || u64 daa_score || u64 blue_score).
core::Hash32 mergeset_context_hash(std::uint64_t timestamp, std::uint64_t daa_score, std::uint64_t blue_score) noexcept;
// H_activity_root(inactivity_shortcut || lanes_root).
core::Hash32 activity_root_hash(const core::Hash32& inactivity_shortcut, const core::Hash32& lanes_root) noexcept;
// PayloadDigest(payload).
core::Hash32 miner_payload_hash(core::ByteView payload) noexcept;
// H_miner_payload_leaf(block_hash || blue_work var-bytes (BE, zeros stripped) || PayloadDigest(payload)).
core::Hash32 miner_payload_leaf(const core::Hash32& block_hash, core::ByteView blue_work_be, core::ByteView payload) noexcept;
// Merkle root (H_seq) of the miner payload leaves.
core::Hash32 miner_payload_root(std::span<const core::Hash32> leaves);
// H_active_leaf(lane_tip || u64 blue_score).
core::Hash32 smt_leaf_hash(const core::Hash32& lane_tip, std::uint64_t blue_score) noexcept;
// H_seq(context_hash || payload_root).
core::Hash32 payload_and_context_digest(const core::Hash32& context_hash, const core::Hash32& payload_root) noexcept;
// H_seq(activity_root || payload_and_ctx_digest).
core::Hash32 seq_state_root(const core::Hash32& activity_root, const core::Hash32& payload_and_ctx_digest) noexcept;
// H_seq(parent_seq_commit || state_root).
core::Hash32 seq_commit(const core::Hash32& parent_seq_commit, const core::Hash32& state_root) noexcept;

}  // namespace igra::kaspa
