#include "simnet/dag.hpp"

namespace igra::simnet {

std::optional<BlockId> Dag::find(const BlockHash& hash) const {
  auto it = index_.find(hash);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

BlockId Dag::insert(const BlockHash& hash, std::uint32_t bits, std::vector<BlockId> parents, GhostdagData ghostdag,
                    std::uint64_t daa_score, std::shared_ptr<const Block> block) {
  const BlockId id = static_cast<BlockId>(nodes_.size());
  BlockNode n;
  n.hash = hash;
  n.bits = bits;
  n.work = calc_work(bits);
  n.parents = std::move(parents);
  n.ghostdag = std::move(ghostdag);
  n.daa_score = daa_score;
  n.block = std::move(block);
  const BlockId sp = n.ghostdag.selected_parent;
  if (sp == kNoBlock) {
    n.chain_height = 0;
    n.jump = id;
  } else {
    const BlockNode& p = nodes_[sp];
    n.chain_height = p.chain_height + 1;
    const BlockId j1 = p.jump;
    const BlockId j2 = nodes_[j1].jump;
    if (p.chain_height - nodes_[j1].chain_height == nodes_[j1].chain_height - nodes_[j2].chain_height &&
        j1 != sp) {
      n.jump = j2;
    } else {
      n.jump = sp;
    }
  }
  for (BlockId p : n.parents) nodes_[p].children.push_back(id);
  // Record who merged whom (skip the selected parent: it is on the chain anyway).
  for (std::size_t i = 1; i < n.ghostdag.mergeset_blues.size(); ++i)
    nodes_[n.ghostdag.mergeset_blues[i]].merged_by.push_back(id);
  for (BlockId r : n.ghostdag.mergeset_reds) nodes_[r].merged_by.push_back(id);
  index_.emplace(hash, id);
  nodes_.push_back(std::move(n));
  return id;
}

BlockId Dag::chain_ancestor_at_blue_score(BlockId b, std::uint64_t blue_score) const {
  BlockId y = b;
  while (true) {
    const BlockNode& n = nodes_[y];
    if (n.ghostdag.selected_parent == kNoBlock) return y;
    if (n.ghostdag.blue_score <= blue_score) return y;
    // Jumping is allowed when the jump target still has a blue score >= the bound.
    if (n.jump != y && nodes_[n.jump].ghostdag.blue_score >= blue_score) {
      y = n.jump;
    } else {
      const BlockId sp = n.ghostdag.selected_parent;
      if (nodes_[sp].ghostdag.blue_score < blue_score) return y;
      y = sp;
    }
  }
}

bool Dag::is_chain_ancestor(BlockId a, BlockId b) const {
  if (a == b) return true;
  const auto& na = nodes_[a].ghostdag;
  if (na.blue_score >= nodes_[b].ghostdag.blue_score) return false;
  return chain_ancestor_at_blue_score(b, na.blue_score) == a;
}

bool Dag::is_ancestor(BlockId a, BlockId b) const {
  if (a == b) return true;
  const auto& wa = nodes_[a].ghostdag.blue_work;
  const auto& wb = nodes_[b].ghostdag.blue_work;
  if (!(wa < wb)) return false;
  if (is_chain_ancestor(a, b)) return true;
  for (BlockId m : nodes_[a].merged_by) {
    if (nodes_[m].ghostdag.blue_work <= wb && is_chain_ancestor(m, b)) return true;
  }
  return false;
}

}  // namespace igra::simnet
