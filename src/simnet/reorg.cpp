#include "simnet/reorg.hpp"

#include <memory>

#include "simnet/simnet.hpp"

namespace igra::simnet {

namespace {
constexpr std::size_t kMaxBranchBlocks = 1'000'000;
}

core::Result<std::vector<BlockId>> build_chain(Consensus& consensus, BlockId from, std::size_t n, bool release,
                                               const kaspa::ScriptPublicKey& miner_spk, std::uint64_t timestamp_ms,
                                               std::uint64_t nonce_seed) {
  std::vector<BlockId> ids;
  BlockId tip = from;
  for (std::size_t i = 0; i < n; ++i) {
    const BlockId parents[1] = {tip};
    IGRA_TRY(Block b, consensus.build_block(parents, miner_spk, {}, {}, timestamp_ms + i, nonce_seed + i));
    IGRA_TRY(tip, consensus.add_block(std::make_shared<Block>(std::move(b)), release));
    ids.push_back(tip);
  }
  return ids;
}

core::Result<std::vector<BlockId>> build_heavier_branch(Consensus& consensus, BlockId from, BlockId rival,
                                                        const kaspa::ScriptPublicKey& miner_spk,
                                                        std::uint64_t timestamp_ms, std::uint64_t nonce_seed) {
  std::vector<BlockId> ids;
  BlockId tip = from;
  while (!consensus.dag().less(rival, tip)) {
    if (ids.size() >= kMaxBranchBlocks) return core::make_error(core::ErrorCode::kOutOfRange, "branch too long");
    const BlockId parents[1] = {tip};
    IGRA_TRY(Block b, consensus.build_block(parents, miner_spk, {}, {}, timestamp_ms + ids.size(),
                                            nonce_seed + ids.size()));
    IGRA_TRY(tip, consensus.add_block(std::make_shared<Block>(std::move(b)), false));
    ids.push_back(tip);
  }
  return ids;
}

ChainChange chain_diff(const Consensus& consensus, const std::vector<BlockId>& old_chain) {
  const auto& now = consensus.selected_chain();
  std::size_t i = std::min(old_chain.size(), now.size());
  while (i > 0 && old_chain[i - 1] != now[i - 1]) --i;  // i = length of the common prefix
  ChainChange c;
  for (std::size_t j = old_chain.size(); j > i; --j) c.removed.push_back(consensus.dag().hash(old_chain[j - 1]));
  for (std::size_t j = i; j < now.size(); ++j) {
    c.added.push_back(consensus.dag().hash(now[j]));
    c.accepted_ids.push_back(consensus.acceptance(now[j]).accepted_ids);
  }
  return c;
}

core::Result<ChainChange> release_blocks(Consensus& consensus, std::span<const BlockId> ids) {
  const std::vector<BlockId> old_chain = consensus.selected_chain();
  for (BlockId id : ids) IGRA_TRY_VOID(consensus.release(id));
  return chain_diff(consensus, old_chain);
}

// --- Simnet reorg controls -------------------------------------------------------------------------------------

core::Result<std::vector<BlockId>> Simnet::build_heavier_branch_locked(BlockId from, BlockId rival, std::size_t miner) {
  return build_heavier_branch(consensus_, from, rival, config_.miners[miner].script_public_key, clock_->now_ms(),
                              rng_());
}

core::Result<ChainChange> Simnet::release_branch_locked(const std::vector<BlockId>& ids) {
  IGRA_TRY(ChainChange change, release_blocks(consensus_, ids));
  const std::uint64_t now = clock_->now_us();
  for (BlockId id : ids) deliver_locked(id, views_.size(), now, true);
  return change;
}

core::Result<ChainChange> Simnet::reorg_from_depth(std::size_t depth) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto& chain = consensus_.selected_chain();
  if (depth >= chain.size())
    return core::make_error(core::ErrorCode::kOutOfRange, "reorg depth " + std::to_string(depth) +
                                                              " exceeds the chain length");
  const BlockId fork = chain[chain.size() - 1 - depth];
  IGRA_TRY(auto ids, build_heavier_branch_locked(fork, consensus_.sink(), 0));
  return release_branch_locked(ids);
}

core::Result<ChainChange> Simnet::flip_flop(std::size_t depth) {
  std::lock_guard<std::mutex> lock(mu_);
  const BlockId sink = consensus_.sink();
  // An episode goes on while the sink is one of its two tips; once other blocks were added on top, the next
  // call starts a new episode at `depth`.
  if (flip_a_ != kNoBlock && sink != flip_a_ && sink != flip_b_) flip_a_ = flip_b_ = kNoBlock;
  if (flip_a_ == kNoBlock) {
    const auto& chain = consensus_.selected_chain();
    if (depth >= chain.size())
      return core::make_error(core::ErrorCode::kOutOfRange, "flip-flop depth exceeds the chain length");
    const BlockId fork = chain[chain.size() - 1 - depth];
    IGRA_TRY(auto ids, build_heavier_branch_locked(fork, sink, 0));
    flip_a_ = sink;
    flip_b_ = ids.empty() ? fork : ids.back();
    return release_branch_locked(ids);
  }
  // Extend the branch the SPC is not on until it beats the current sink.
  const bool on_a = consensus_.dag().is_chain_ancestor(flip_a_, sink);
  BlockId& other = on_a ? flip_b_ : flip_a_;
  IGRA_TRY(auto ids, build_heavier_branch_locked(other, sink, 0));
  if (!ids.empty()) other = ids.back();
  return release_branch_locked(ids);
}

void Simnet::set_withholding(std::size_t miner, bool withhold) {
  std::lock_guard<std::mutex> lock(mu_);
  if (miner < withholding_.size()) withholding_[miner] = withhold ? 1 : 0;
}

std::size_t Simnet::withheld_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return withheld_.size();
}

core::Result<std::vector<BlockHash>> Simnet::release_withheld() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<BlockHash> out;
  const std::uint64_t now = clock_->now_us();
  for (BlockId id : withheld_) {
    IGRA_TRY_VOID(consensus_.release(id));
    out.push_back(consensus_.dag().hash(id));
    deliver_locked(id, views_.size(), now, true);
  }
  withheld_.clear();
  return out;
}

}  // namespace igra::simnet
