#pragma once
// Simulated miners. Each miner has its own delayed view of the DAG: its own blocks at once, other blocks after a
// propagation delay (and only once their parents are visible to it). It builds on the tips of that view, so
// miners produce parallel blocks, mergesets and red blocks as on mainnet.
#include <cstdint>
#include <queue>
#include <span>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "kaspa/transaction.hpp"
#include "simnet/dag.hpp"

namespace igra::simnet {

struct MinerConfig {
  kaspa::ScriptPublicKey script_public_key;  // coinbase reward script
  core::Bytes extra_data;                   // coinbase payload extra data
  double weight = 1.0;                      // share of the block production (hash rate)
};

class MinerView {
 public:
  // The view starts with genesis (id 0) visible.
  MinerView();
  // Schedules `id` to become visible at `at_us`.
  void deliver(BlockId id, std::uint64_t at_us) { pending_.emplace(at_us, id); }
  // Processes deliveries due by `now_us`. Blocks whose parents are not visible yet wait for them.
  void advance(const Dag& dag, std::uint64_t now_us);
  // Makes a block visible at once (the miner's own block). Its parents must be visible.
  void see(const Dag& dag, BlockId id);
  bool visible(BlockId id) const { return id < visible_.size() && visible_[id]; }
  const std::vector<BlockId>& tips() const noexcept { return tips_; }

 private:
  bool parents_visible(const Dag& dag, BlockId id) const;
  using Event = std::pair<std::uint64_t, BlockId>;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> pending_;
  std::vector<BlockId> waiting_;
  std::vector<std::uint8_t> visible_;
  std::vector<BlockId> tips_;
};

}  // namespace igra::simnet
