#include "simnet/ghostdag.hpp"

#include <algorithm>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace igra::simnet {

BlockId find_selected_parent(const Dag& dag, std::span<const BlockId> parents) {
  BlockId best = parents[0];
  for (BlockId p : parents.subspan(1))
    if (dag.less(best, p)) best = p;
  return best;
}

core::Result<std::vector<BlockId>> unordered_mergeset_without_selected_parent(const Dag& dag, BlockId selected_parent,
                                                                              std::span<const BlockId> parents,
                                                                              std::size_t limit) {
  std::deque<BlockId> queue;
  std::unordered_set<BlockId> mergeset;
  std::unordered_set<BlockId> sp_past;
  std::vector<BlockId> out;
  for (BlockId p : parents) {
    if (p == selected_parent || mergeset.count(p)) continue;
    mergeset.insert(p);
    out.push_back(p);
    queue.push_back(p);
  }
  if (out.size() > limit)
    return core::make_error(core::ErrorCode::kOutOfRange, "mergeset exceeds " + std::to_string(limit));
  while (!queue.empty()) {
    const BlockId current = queue.front();
    queue.pop_front();
    for (BlockId parent : dag.node(current).parents) {
      if (mergeset.count(parent) || sp_past.count(parent)) continue;
      if (dag.is_ancestor(parent, selected_parent)) {
        sp_past.insert(parent);
        continue;
      }
      mergeset.insert(parent);
      out.push_back(parent);
      if (out.size() > limit)
        return core::make_error(core::ErrorCode::kOutOfRange, "mergeset exceeds " + std::to_string(limit));
      queue.push_back(parent);
    }
  }
  return out;
}

namespace {

// blue_anticone_size(block, context): the context's own map first, then the stored maps down its chain.
std::uint32_t blue_anticone_size(const Dag& dag, BlockId block, const GhostdagData& context) {
  if (auto s = context.anticone_size_of(block)) return *s;
  BlockId current = context.selected_parent;
  while (current != kNoBlock) {
    const GhostdagData& gd = dag.ghostdag(current);
    if (auto s = gd.anticone_size_of(block)) return *s;
    current = gd.selected_parent;
  }
  // Unreachable for a block in the blue set of the context.
  return 0;
}

enum class Coloring { kPending, kBlue, kRed };

}  // namespace

core::Result<GhostdagData> compute_ghostdag(const Dag& dag, std::span<const BlockId> parents,
                                            const GhostdagParams& params) {
  if (parents.empty()) return core::make_error("ghostdag: a block needs at least one parent");
  const BlockId sp = find_selected_parent(dag, parents);
  const std::size_t limit = params.mergeset_size_limit;
  // The mergeset without SP may hold at most limit - 1 blocks.
  auto unordered = unordered_mergeset_without_selected_parent(dag, sp, parents, limit == 0 ? 0 : limit - 1);
  if (!unordered.ok())
    return core::make_error(core::ErrorCode::kOutOfRange, "block mergeset size exceeds the limit of " +
                                                              std::to_string(limit));
  std::vector<BlockId> ordered = std::move(unordered).value();
  std::sort(ordered.begin(), ordered.end(), [&](BlockId a, BlockId b) { return dag.less(a, b); });

  GhostdagData nb;
  nb.selected_parent = sp;
  nb.mergeset_blues.push_back(sp);
  nb.blues_anticone_sizes.emplace_back(sp, 0);

  std::vector<std::pair<BlockId, std::uint32_t>> touched;
  for (BlockId candidate : ordered) {
    if (nb.mergeset_blues.size() == static_cast<std::size_t>(params.k) + 1) {
      nb.mergeset_reds.push_back(candidate);
      continue;
    }
    touched.clear();
    std::uint32_t candidate_as = 0;
    Coloring color = Coloring::kPending;
    // The chain walk: first the new block itself (hash None), then SP, SP.SP, ...
    bool is_new = true;
    BlockId chain_block = kNoBlock;
    while (color == Coloring::kPending) {
      const GhostdagData& data = is_new ? nb : dag.ghostdag(chain_block);
      if (!is_new && dag.is_ancestor(chain_block, candidate)) {
        color = Coloring::kBlue;
        break;
      }
      for (BlockId b : data.mergeset_blues) {
        if (dag.is_ancestor(b, candidate)) continue;
        const std::uint32_t s = blue_anticone_size(dag, b, nb);
        touched.emplace_back(b, s);
        ++candidate_as;
        if (candidate_as > params.k || s == params.k) {
          color = Coloring::kRed;
          break;
        }
      }
      if (color != Coloring::kPending) break;
      chain_block = data.selected_parent;
      is_new = false;
      if (chain_block == kNoBlock) {  // walked past genesis (cannot happen: genesis is in everyone's past)
        color = Coloring::kBlue;
      }
    }
    if (color == Coloring::kBlue) {
      nb.mergeset_blues.push_back(candidate);
      nb.blues_anticone_sizes.emplace_back(candidate, candidate_as);
      for (const auto& [b, s] : touched) {
        bool found = false;
        for (auto& e : nb.blues_anticone_sizes) {
          if (e.first == b) {
            e.second = s + 1;
            found = true;
            break;
          }
        }
        if (!found) nb.blues_anticone_sizes.emplace_back(b, s + 1);
      }
    } else {
      nb.mergeset_reds.push_back(candidate);
    }
  }
  const GhostdagData& spd = dag.ghostdag(sp);
  nb.blue_score = spd.blue_score + nb.mergeset_blues.size();
  core::uint256 added;
  for (BlockId b : nb.mergeset_blues) added = added + dag.node(b).work;
  nb.blue_work = spd.blue_work + added;
  return nb;
}

std::uint64_t compute_daa_score(const Dag& dag, const GhostdagData& gd, const GhostdagParams& params) {
  const BlockId sp = gd.selected_parent;
  const std::uint64_t lower =
      gd.blue_score > params.difficulty_window ? gd.blue_score - params.difficulty_window : 0;
  std::uint64_t non_daa = 0;
  auto count = [&](BlockId b) {
    if (dag.blue_score(b) < lower) ++non_daa;
  };
  for (BlockId b : gd.mergeset_blues) count(b);
  for (BlockId b : gd.mergeset_reds) count(b);
  if (dag.selected_parent(sp) == kNoBlock && !(dag.blue_score(sp) < lower)) ++non_daa;  // SP is genesis
  return dag.node(sp).daa_score + gd.mergeset_size() - non_daa;
}

std::vector<BlockId> consensus_ordered_mergeset(const Dag& dag, const GhostdagData& gd) {
  std::vector<BlockId> rest;
  rest.reserve(gd.mergeset_size());
  rest.insert(rest.end(), gd.mergeset_blues.begin() + 1, gd.mergeset_blues.end());
  rest.insert(rest.end(), gd.mergeset_reds.begin(), gd.mergeset_reds.end());
  std::sort(rest.begin(), rest.end(), [&](BlockId a, BlockId b) { return dag.less(a, b); });
  std::vector<BlockId> out;
  out.reserve(rest.size() + 1);
  out.push_back(gd.selected_parent);
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

}  // namespace igra::simnet
