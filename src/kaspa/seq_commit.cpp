#include "kaspa/seq_commit.hpp"

#include "kaspa/hashing.hpp"
#include "kaspa/merkle.hpp"

namespace igra::kaspa {

namespace {
core::Hash32 hash_pair(std::string_view domain, const core::Hash32& a, const core::Hash32& b) noexcept {
  auto h = blake3_domain_hasher(domain);
  h.update(a.view());
  h.update(b.view());
  return h.finalize();
}
}  // namespace

core::Hash32 seq_commit_branch_hash(const core::Hash32& left, const core::Hash32& right) noexcept {
  return hash_pair(kDomainSeqCommitMerkleBranch, left, right);
}

core::Hash32 lane_key(const SubnetworkId& lane_id) noexcept {
  auto h = blake3_domain_hasher(kDomainSeqCommitLaneKey);
  h.update(lane_id.view());
  return h.finalize();
}

core::Hash32 activity_leaf(const TransactionId& tx_id, std::uint16_t version, std::uint32_t merge_idx) noexcept {
  auto h = blake3_domain_hasher(kDomainSeqCommitActivityLeaf);
  HashWriter(h).update(tx_id).write_u16(version).write_u32(merge_idx);
  return h.finalize();
}

core::Hash32 activity_digest_lane(std::span<const core::Hash32> leaves) {
  return calc_merkle_root_with(leaves, &seq_commit_branch_hash);
}

core::Hash32 lane_tip_next(const core::Hash32& parent_ref, const core::Hash32& lane_key_value,
                           const core::Hash32& activity_digest, const core::Hash32& context_hash) noexcept {
  auto h = blake3_domain_hasher(kDomainSeqCommitLaneTip);
  HashWriter(h).update(parent_ref).update(lane_key_value).update(activity_digest).update(context_hash);
  return h.finalize();
}

core::Hash32 mergeset_context_hash(std::uint64_t timestamp, std::uint64_t daa_score, std::uint64_t blue_score) noexcept {
  auto h = blake3_domain_hasher(kDomainSeqCommitMergesetContext);
  HashWriter(h).write_u64(timestamp).write_u64(daa_score).write_u64(blue_score);
  return h.finalize();
}

core::Hash32 activity_root_hash(const core::Hash32& inactivity_shortcut, const core::Hash32& lanes_root) noexcept {
  return hash_pair(kDomainSeqCommitActivityRoot, inactivity_shortcut, lanes_root);
}

core::Hash32 miner_payload_hash(core::ByteView payload) noexcept {
  auto h = blake3_domain_hasher(kDomainPayloadDigest);
  h.update(payload);
  return h.finalize();
}

core::Hash32 miner_payload_leaf(const core::Hash32& block_hash, core::ByteView blue_work_be,
                                core::ByteView payload) noexcept {
  const core::Hash32 ph = miner_payload_hash(payload);
  auto h = blake3_domain_hasher(kDomainSeqCommitMinerPayloadLeaf);
  HashWriter(h).update(block_hash).write_blue_work(blue_work_be).update(ph);
  return h.finalize();
}

core::Hash32 miner_payload_root(std::span<const core::Hash32> leaves) {
  return calc_merkle_root_with(leaves, &seq_commit_branch_hash);
}

core::Hash32 smt_leaf_hash(const core::Hash32& lane_tip, std::uint64_t blue_score) noexcept {
  auto h = blake3_domain_hasher(kDomainSeqCommitActiveLeaf);
  HashWriter(h).update(lane_tip).write_u64(blue_score);
  return h.finalize();
}

core::Hash32 payload_and_context_digest(const core::Hash32& context_hash, const core::Hash32& payload_root) noexcept {
  return hash_pair(kDomainSeqCommitMerkleBranch, context_hash, payload_root);
}

core::Hash32 seq_state_root(const core::Hash32& activity_root, const core::Hash32& payload_and_ctx_digest) noexcept {
  return hash_pair(kDomainSeqCommitMerkleBranch, activity_root, payload_and_ctx_digest);
}

core::Hash32 seq_commit(const core::Hash32& parent_seq_commit, const core::Hash32& state_root) noexcept {
  return hash_pair(kDomainSeqCommitMerkleBranch, parent_seq_commit, state_root);
}

}  // namespace igra::kaspa
