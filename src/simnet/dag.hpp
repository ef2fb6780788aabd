#pragma once
// The block store of the simnet: every known block (released or withheld) with its relations, GHOSTDAG data,
// DAA score and a reachability index for is_ancestor.
//
// Reachability: past(b) = chain(b) ∪ (the non-selected-parent mergesets of the blocks of chain(b)), where
// chain(b) is b's selected-parent chain down to genesis. So `a ∈ past(b)` iff a is on chain(b), or some
// block that merged a (outside its selected parent) is on chain(b). "x on chain(b)" is answered with skew-binary
// jump pointers along the selected-parent tree (O(log n)); each block keeps the (few) blocks that merged it.
// Blue work strictly increases along every parent edge, which gives a cheap early "no".
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/uint256.hpp"
#include "simnet/block.hpp"

namespace igra::simnet {

using BlockId = std::uint32_t;
inline constexpr BlockId kNoBlock = 0xffffffffu;

struct GhostdagData {
  BlockId selected_parent = kNoBlock;      // kNoBlock for genesis
  std::vector<BlockId> mergeset_blues;     // selected parent first, then ascending (blue_work, hash)
  std::vector<BlockId> mergeset_reds;      // ascending (blue_work, hash)
  // Anticone sizes (within the blue set of this block) of this block's mergeset blues and of the earlier
  // blues whose size grew (rusty-kaspa blues_anticone_sizes).
  std::vector<std::pair<BlockId, std::uint32_t>> blues_anticone_sizes;
  std::uint64_t blue_score = 0;
  core::uint256 blue_work;

  std::size_t mergeset_size() const noexcept { return mergeset_blues.size() + mergeset_reds.size(); }
  std::optional<std::uint32_t> anticone_size_of(BlockId b) const noexcept {
    for (const auto& [id, size] : blues_anticone_sizes)
      if (id == b) return size;
    return std::nullopt;
  }
};

struct BlockNode {
  BlockHash hash;
  std::uint32_t bits = kSimnetBits;
  core::uint256 work;                      // work(bits)
  std::vector<BlockId> parents;            // level-0 parents, header order
  std::vector<BlockId> children;
  GhostdagData ghostdag;
  std::uint64_t daa_score = 0;
  std::uint32_t chain_height = 0;          // selected-parent steps down to genesis
  BlockId jump = kNoBlock;                 // skew-binary jump pointer on the selected-parent tree
  std::vector<BlockId> merged_by;          // blocks whose mergeset (without their selected parent) holds this one
  std::shared_ptr<const Block> block;
};

class Dag {
 public:
  std::size_t size() const noexcept { return nodes_.size(); }
  std::optional<BlockId> find(const BlockHash& hash) const;
  bool contains(const BlockHash& hash) const { return find(hash).has_value(); }
  const BlockNode& node(BlockId id) const { return nodes_[id]; }
  const BlockHash& hash(BlockId id) const { return nodes_[id].hash; }
  const GhostdagData& ghostdag(BlockId id) const { return nodes_[id].ghostdag; }
  const core::uint256& blue_work(BlockId id) const { return nodes_[id].ghostdag.blue_work; }
  std::uint64_t blue_score(BlockId id) const { return nodes_[id].ghostdag.blue_score; }
  BlockId selected_parent(BlockId id) const { return nodes_[id].ghostdag.selected_parent; }

  // Inserts a block whose GHOSTDAG data and DAA score were computed by the caller. Parents must exist.
  BlockId insert(const BlockHash& hash, std::uint32_t bits, std::vector<BlockId> parents, GhostdagData ghostdag,
                 std::uint64_t daa_score, std::shared_ptr<const Block> block);

  // Inclusive: true when a == b or a is in past(b).
  bool is_ancestor(BlockId a, BlockId b) const;
  // Inclusive: true when a is on the selected-parent chain of b (b itself included).
  bool is_chain_ancestor(BlockId a, BlockId b) const;
  // The block of b's selected-parent chain with the lowest blue score >= `blue_score` (b if none lower).
  BlockId chain_ancestor_at_blue_score(BlockId b, std::uint64_t blue_score) const;

  // SortableBlock order: by blue work, then by hash (byte-wise).
  bool less(BlockId a, BlockId b) const {
    const auto& wa = nodes_[a].ghostdag.blue_work;
    const auto& wb = nodes_[b].ghostdag.blue_work;
    if (wa != wb) return wa < wb;
    return nodes_[a].hash < nodes_[b].hash;
  }

 private:
  std::vector<BlockNode> nodes_;
  std::unordered_map<BlockHash, BlockId> index_;
};

}  // namespace igra::simnet
