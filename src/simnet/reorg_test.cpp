// Reorg controls: heavier side branch from depth d, flip-flop, withholding and release. Expectations follow the
// chain-changed semantics of kaspa-protocol.md §6.4 (removed newest first down to the common chain ancestor,
// added oldest first up to the new sink).
#include <gtest/gtest.h>

#include "simnet/reorg.hpp"
#include "simnet/simnet.hpp"

namespace igra::simnet {
namespace {

SimnetConfig config(std::size_t miners, std::uint32_t delay_ms) {
  SimnetConfig cfg;
  cfg.seed = 99;
  cfg.consensus.ghostdag.k = 10;
  cfg.propagation_delay_ms = delay_ms;
  for (std::size_t i = 0; i < miners; ++i) cfg.miners.push_back(MinerConfig{{0, {0x51, static_cast<std::uint8_t>(i)}}, {}, 1.0});
  return cfg;
}

std::vector<BlockHash> chain_hashes(Consensus& c) {
  std::vector<BlockHash> out;
  for (BlockId id : c.selected_chain()) out.push_back(c.dag().hash(id));
  return out;
}

TEST(Reorg, HeavierBranchFromDepthFlipsTheChain) {
  for (std::size_t depth : {1, 3, 10}) {
    Simnet sim(config(1, 0));
    ASSERT_TRUE(sim.mine_blocks(30).ok());
    std::vector<ChainChange> events;
    sim.on_chain_changed([&](const ChainChange& ch) { events.push_back(ch); });
    const auto before = sim.with_consensus([](Consensus& c) { return chain_hashes(c); });
    auto ch = sim.reorg_from_depth(depth);
    ASSERT_TRUE(ch.ok()) << ch.error().message;
    // One chain was a single chain (one miner, no delay): the removed blocks are exactly the top `depth` blocks,
    // newest first.
    ASSERT_EQ(ch->removed.size(), depth);
    for (std::size_t i = 0; i < depth; ++i) EXPECT_EQ(ch->removed[i], before[before.size() - 1 - i]);
    // Added: oldest first, the first one's selected parent is the fork block, the last is the new sink.
    sim.with_consensus([&](Consensus& c) {
      const BlockId fork = *c.dag().find(before[before.size() - 1 - depth]);
      EXPECT_FALSE(ch->added.empty());
      if (ch->added.empty()) return 0;
      EXPECT_EQ(c.dag().selected_parent(*c.dag().find(ch->added[0])), fork);
      for (std::size_t i = 1; i < ch->added.size(); ++i)
        EXPECT_EQ(c.dag().selected_parent(*c.dag().find(ch->added[i])), *c.dag().find(ch->added[i - 1]));
      EXPECT_EQ(c.dag().hash(c.sink()), ch->added.back());
      return 0;
    });
    // The listener saw exactly one event carrying the same change.
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].removed, ch->removed);
    EXPECT_EQ(events[0].added, ch->added);
    // Mining continues on the new chain and merges the old branch's tip.
    ASSERT_TRUE(sim.mine_blocks(5).ok());
  }
}

TEST(Reorg, FlipFlopAlternatesBetweenTwoBranches) {
  Simnet sim(config(1, 0));
  ASSERT_TRUE(sim.mine_blocks(20).ok());
  const BlockHash a_tip = sim.with_consensus([](Consensus& c) { return c.dag().hash(c.sink()); });
  auto first = sim.flip_flop(4);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->removed.size(), 4u);
  EXPECT_EQ(first->removed.front(), a_tip);
  const BlockHash b_tip = first->added.back();
  // Flip back: A is extended past B; removed = B's blocks (newest first), added = A's old blocks and the new ones.
  auto second = sim.flip_flop(4);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->removed.front(), b_tip);
  EXPECT_EQ(second->removed.size(), first->added.size());
  for (std::size_t i = 0; i < first->added.size(); ++i)
    EXPECT_EQ(second->removed[i], first->added[first->added.size() - 1 - i]);
  for (std::size_t i = 0; i < first->removed.size(); ++i)
    EXPECT_EQ(second->added[i], first->removed[first->removed.size() - 1 - i]);
  // And again.
  auto third = sim.flip_flop(4);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->removed.front(), second->added.back());
  EXPECT_EQ(third->added.front(), first->added.front());
}

TEST(Reorg, FlipFlopAfterNewBlocksStartsANewEpisodeAtTheGivenDepth) {
  Simnet sim(config(1, 0));
  ASSERT_TRUE(sim.mine_blocks(20).ok());
  ASSERT_TRUE(sim.flip_flop(4).ok());
  ASSERT_TRUE(sim.flip_flop(4).ok());
  // Blocks on top of the sink end the episode: the next call forks `depth` below the new sink, so exactly
  // `depth` chain blocks are removed (not the old branch plus everything mined since).
  ASSERT_TRUE(sim.mine_blocks(30).ok());
  const BlockHash tip = sim.with_consensus([](Consensus& c) { return c.dag().hash(c.sink()); });
  auto fresh = sim.flip_flop(3);
  ASSERT_TRUE(fresh.ok());
  ASSERT_EQ(fresh->removed.size(), 3u);
  EXPECT_EQ(fresh->removed.front(), tip);
}

TEST(Reorg, WithheldBlocksAreInvisibleUntilReleased) {
  Simnet sim(config(2, 0));
  ASSERT_TRUE(sim.mine_blocks(10).ok());
  sim.set_withholding(1, true);
  auto mined = sim.mine_blocks(40);
  ASSERT_TRUE(mined.ok());
  std::size_t withheld = 0;
  for (const auto& b : *mined) withheld += b.withheld;
  EXPECT_EQ(sim.withheld_count(), withheld);
  ASSERT_GT(withheld, 5u);
  sim.with_consensus([&](Consensus& c) {
    for (const auto& b : *mined) {
      if (!b.withheld) continue;
      EXPECT_FALSE(c.is_released(b.id));
      EXPECT_FALSE(c.chain_index(b.id).has_value());
      for (BlockId t : c.tips()) EXPECT_NE(t, b.id);
    }
    return 0;
  });
  sim.set_withholding(1, false);
  auto released = sim.release_withheld();
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(released->size(), withheld);
  EXPECT_EQ(sim.withheld_count(), 0u);
  sim.with_consensus([&](Consensus& c) {
    for (const auto& b : *mined) EXPECT_TRUE(c.is_released(b.id));
    return 0;
  });
  ASSERT_TRUE(sim.mine_blocks(5).ok());
}

TEST(Reorg, ConsensusLevelBranchAndChainPath) {
  ConsensusParams p;
  p.ghostdag.k = 5;
  Consensus c(p);
  auto main = build_chain(c, 0, 8, true, {}, 0, 1);
  ASSERT_TRUE(main.ok());
  auto side = build_heavier_branch(c, (*main)[3], c.sink(), {}, 0, 1000);
  ASSERT_TRUE(side.ok());
  // Blocks 4..7 of main (4 blocks) must be beaten: 5 side blocks (equal blue work at 4 is decided by hash).
  EXPECT_GE(side->size(), 4u);
  EXPECT_LE(side->size(), 5u);
  const BlockId old_sink = c.sink();
  auto ch = release_blocks(c, *side);
  ASSERT_TRUE(ch.ok());
  EXPECT_EQ(ch->removed.size(), 4u);
  EXPECT_EQ(ch->removed.front(), c.dag().hash(old_sink));
  EXPECT_EQ(ch->added.size(), side->size());
  // GetVirtualChainFromBlock from the old sink reports the same path.
  auto path = c.chain_path_from(c.dag().hash(old_sink));
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->removed, ch->removed);
  EXPECT_EQ(path->added, ch->added);
  EXPECT_EQ(path->accepted_ids, ch->accepted_ids);
}

}  // namespace
}  // namespace igra::simnet

namespace igra::simnet {
namespace {

TEST(Reorg, DeepReorgThenMiningContinues) {
  SimnetConfig cfg = config(3, 200);
  Simnet sim(cfg);
  ASSERT_TRUE(sim.mine_blocks(2000).ok());
  const std::size_t chain_before = sim.with_consensus([](Consensus& c) { return c.selected_chain().size(); });
  auto ch = sim.reorg_from_depth(500);
  ASSERT_TRUE(ch.ok()) << ch.error().message;
  EXPECT_EQ(ch->removed.size(), 500u);
  // The old branch is far beyond the mergeset limit: it stays an unmerged tip, and mining goes on.
  ASSERT_TRUE(sim.mine_blocks(2000).ok());
  sim.with_consensus([&](Consensus& c) {
    EXPECT_GT(c.selected_chain().size(), chain_before);
    for (const auto& h : ch->removed) EXPECT_FALSE(c.chain_index(*c.dag().find(h)).has_value());
    return 0;
  });
}

}  // namespace
}  // namespace igra::simnet
