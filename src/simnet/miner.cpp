#include "simnet/miner.hpp"

#include <algorithm>

namespace igra::simnet {

MinerView::MinerView() : visible_{1}, tips_{0} {}

bool MinerView::parents_visible(const Dag& dag, BlockId id) const {
  for (BlockId p : dag.node(id).parents)
    if (!visible(p)) return false;
  return true;
}

void MinerView::see(const Dag& dag, BlockId id) {
  if (visible(id)) return;
  if (visible_.size() <= id) visible_.resize(static_cast<std::size_t>(id) + 1, 0);
  visible_[id] = 1;
  const auto& parents = dag.node(id).parents;
  tips_.erase(std::remove_if(tips_.begin(), tips_.end(),
                             [&](BlockId t) { return std::find(parents.begin(), parents.end(), t) != parents.end(); }),
              tips_.end());
  tips_.push_back(id);
}

void MinerView::advance(const Dag& dag, std::uint64_t now_us) {
  bool progress = false;
  while (!pending_.empty() && pending_.top().first <= now_us) {
    const BlockId id = pending_.top().second;
    pending_.pop();
    if (visible(id)) continue;
    if (parents_visible(dag, id)) {
      see(dag, id);
      progress = true;
    } else {
      waiting_.push_back(id);
    }
  }
  while (progress && !waiting_.empty()) {
    progress = false;
    for (std::size_t i = 0; i < waiting_.size();) {
      const BlockId id = waiting_[i];
      if (visible(id)) {
        waiting_[i] = waiting_.back();
        waiting_.pop_back();
      } else if (parents_visible(dag, id)) {
        see(dag, id);
        waiting_[i] = waiting_.back();
        waiting_.pop_back();
        progress = true;
      } else {
        ++i;
      }
    }
  }
}

}  // namespace igra::simnet
