#include "kaspa/merkle.hpp"

#include <algorithm>

#include "kaspa/hashing.hpp"
#include "kaspa/tx_id.hpp"

namespace igra::kaspa {

core::Hash32 merkle_branch_hash(const core::Hash32& left, const core::Hash32& right) noexcept {
  auto h = blake2b_domain_hasher(kDomainMerkleBranchHash);
  h.update(left.view());
  h.update(right.view());
  return h.finalize32();
}

core::Hash32 calc_merkle_root_with(std::span<const core::Hash32> leaves, MerkleBranchFn branch) {
  if (leaves.empty()) return {};
  if (leaves.size() == 1) return leaves[0];
  // Padding with "None" only ever occupies the tail of a level, so each level is its real prefix: a pair with a
  // real left and a None right hashes with ZERO, a (None, None) pair stays None and is dropped.
  std::vector<core::Hash32> level((leaves.size() + 1) / 2);
  const core::Hash32 zero{};
  for (std::size_t i = 0; i < level.size(); ++i) {
    const std::size_t l = 2 * i;
    level[i] = branch(leaves[l], l + 1 < leaves.size() ? leaves[l + 1] : zero);
  }
  while (level.size() > 1) {
    const std::size_t n = level.size();
    for (std::size_t i = 0; i < (n + 1) / 2; ++i) {
      const std::size_t l = 2 * i;
      level[i] = branch(level[l], l + 1 < n ? level[l + 1] : zero);
    }
    level.resize((n + 1) / 2);
  }
  return level[0];
}

core::Hash32 calc_merkle_root(std::span<const core::Hash32> leaves) {
  return calc_merkle_root_with(leaves, &merkle_branch_hash);
}

core::Hash32 calc_hash_merkle_root(std::span<const Transaction> txs, bool include_mass_commit) {
  std::vector<core::Hash32> hashes;
  hashes.reserve(txs.size());
  for (const auto& tx : txs)
    hashes.push_back(include_mass_commit ? transaction_hash(tx) : transaction_hash_pre_crescendo(tx));
  return calc_merkle_root(hashes);
}

core::Hash32 calc_accepted_id_merkle_root_pre_crescendo(std::vector<TransactionId> accepted_ids) {
  std::sort(accepted_ids.begin(), accepted_ids.end());
  return calc_merkle_root(accepted_ids);
}

core::Hash32 calc_accepted_id_merkle_root_kip15(const core::Hash32& selected_parent_accepted_id_merkle_root,
                                                std::span<const TransactionId> accepted_ids_in_order) {
  return merkle_branch_hash(selected_parent_accepted_id_merkle_root, calc_merkle_root(accepted_ids_in_order));
}

}  // namespace igra::kaspa
