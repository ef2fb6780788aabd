// GHOSTDAG on hand-built DAGs. Every expected colouring below is derived by hand from the algorithm of
// kaspa-protocol.md §6.2 (the derivations are in the comments); hash tie-breaks are handled by branching on the
// actual hash order, as the SortableBlock rule prescribes.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <set>

#include "simnet/consensus.hpp"
#include "simnet/ghostdag.hpp"

namespace igra::simnet {
namespace {

ConsensusParams params_with_k(std::uint32_t k, std::size_t mergeset_limit = 248) {
  ConsensusParams p;
  p.ghostdag.k = k;
  p.ghostdag.mergeset_size_limit = mergeset_limit;
  p.max_block_parents = 64;
  return p;
}

BlockId add(Consensus& c, std::vector<BlockId> parents, std::uint64_t nonce = 0) {
  auto b = c.build_block(parents, {}, {}, {}, 1'700'000'000'000ull + nonce, nonce);
  EXPECT_TRUE(b.ok()) << (b.ok() ? "" : b.error().message);
  auto id = c.add_block(std::make_shared<Block>(std::move(b).value()));
  EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
  return *id;
}

bool hash_less(const Consensus& c, BlockId a, BlockId b) { return c.dag().hash(a) < c.dag().hash(b); }

TEST(CalcWork, SimnetBits) {
  // bits 0x207fffff: T = 0x7fffff * 2^(8*(0x20-3)) = 0x7fffff << 232 (just below 2^255).
  // work = floor((2^256-1-T)/(T+1)) + 1: 2^256-1-T is just above 2^255, T+1 just below 2^255, so the quotient is
  // 1 (as 2*(T+1) > 2^256-1-T) and work = 2.
  EXPECT_EQ(calc_work(kSimnetBits), core::uint256(2));
  // bits 0x1d00ffff (Bitcoin's difficulty 1): T = 0xffff << 208, work = 2^256 / (T+1) roughly 2^32 + 2^16 + ...
  const core::uint256 t = core::uint256(0xffff) << 208;
  EXPECT_EQ(target_from_bits(0x1d00ffff), t);
  EXPECT_EQ(calc_work(0x1d00ffff), (core::uint256::max() - t) / (t + 1) + 1);
  EXPECT_EQ(calc_work(0x1d00ffff).to_hex(), "0x100010001");
}

TEST(Ghostdag, ChainOfBlocks) {
  // A chain G <- A <- B <- C: each block's mergeset is just its selected parent (blue).
  // blue_score(X) = blue_score(SP) + 1; blue_work(X) = blue_work(SP) + work = 2 * blue_score.
  // DAA: daa(A) = daa(G) + 1 - 1 (genesis non-DAA) = 0; then +1 per block.
  Consensus c(params_with_k(3));
  const BlockId a = add(c, {0});
  const BlockId b = add(c, {a});
  const BlockId cc = add(c, {b});
  for (auto [id, score] : {std::pair{a, 1}, {b, 2}, {cc, 3}}) {
    EXPECT_EQ(c.dag().blue_score(id), static_cast<std::uint64_t>(score));
    EXPECT_EQ(c.dag().blue_work(id), core::uint256(2 * score));
    EXPECT_TRUE(c.dag().ghostdag(id).mergeset_reds.empty());
  }
  EXPECT_EQ(c.dag().node(a).daa_score, 0u);
  EXPECT_EQ(c.dag().node(b).daa_score, 1u);
  EXPECT_EQ(c.dag().node(cc).daa_score, 2u);
  EXPECT_EQ(c.sink(), cc);
  EXPECT_EQ(c.selected_chain(), (std::vector<BlockId>{0, a, b, cc}));
}

TEST(Ghostdag, ThreeParallelBlocksK1) {
  // G <- A, B, C (all blue_work 2, blue_score 1); D = {A, B, C}, k = 1.
  // SP = the max hash of A, B, C. Mergeset = the other two, x1 < x2 by hash.
  // x1: walk NEW: blues=[SP]; SP not an ancestor of x1 -> touched SP (size 0), cand=1; 1>k no, 0==k no.
  //     chain=SP: SP not ancestor of x1; SP.blues=[G]: G ancestor of x1 -> skip. chain=G: G ancestor -> BLUE.
  //     bas: x1 -> 1, SP -> 1.
  // x2: |blues| = 2 = k+1 -> RED.
  // blue_score(D) = 1 + 2 = 3, blue_work = 2 + 2*2 = 6; daa(D) = daa(SP)=0 + 3 = 3.
  Consensus c(params_with_k(1));
  const BlockId a = add(c, {0}, 1), b = add(c, {0}, 2), cc = add(c, {0}, 3);
  std::vector<BlockId> abc{a, b, cc};
  std::sort(abc.begin(), abc.end(), [&](BlockId x, BlockId y) { return hash_less(c, x, y); });
  const BlockId d = add(c, {a, b, cc}, 4);
  const auto& gd = c.dag().ghostdag(d);
  EXPECT_EQ(gd.selected_parent, abc[2]);
  EXPECT_EQ(gd.mergeset_blues, (std::vector<BlockId>{abc[2], abc[0]}));
  EXPECT_EQ(gd.mergeset_reds, (std::vector<BlockId>{abc[1]}));
  EXPECT_EQ(gd.blue_score, 3u);
  EXPECT_EQ(gd.blue_work, core::uint256(6));
  EXPECT_EQ(c.dag().node(d).daa_score, 3u);
  EXPECT_EQ(gd.anticone_size_of(abc[0]), 1u);
  EXPECT_EQ(gd.anticone_size_of(abc[2]), 1u);
  // Consensus order: SP, then the rest ascending (blue_work equal -> by hash).
  EXPECT_EQ(consensus_ordered_mergeset(c.dag(), gd), (std::vector<BlockId>{abc[2], abc[0], abc[1]}));
}

TEST(Ghostdag, KZeroMakesEveryMergedBlockRed) {
  // k = 0: the loop's first check |blues| == k+1 = 1 holds at once, so every non-SP mergeset block is red.
  Consensus c(params_with_k(0));
  const BlockId a = add(c, {0}, 1), b = add(c, {0}, 2);
  const BlockId d = add(c, {a, b}, 3);
  const auto& gd = c.dag().ghostdag(d);
  EXPECT_EQ(gd.mergeset_blues.size(), 1u);
  EXPECT_EQ(gd.mergeset_reds.size(), 1u);
  EXPECT_EQ(gd.blue_score, 2u);  // 1 + |{SP}|
}

TEST(Ghostdag, ChainsOfDifferentLengthK3) {
  // G <- A1 <- A2 <- A3;  G <- B1;  G <- C1 <- C2;  X = {A3, B1, C2}, k = 3.
  // blue works: A3 = 6, C2 = 4, B1 = C1 = 2 -> SP = A3. Mergeset (BFS, stop at past(A3) = {G, A1, A2}):
  // {B1, C2, C1}; ascending (blue_work, hash): y1, y2 (B1/C1 by hash), then C2.
  // y1: NEW: A3 not ancestor -> s(A3)=0, cand=1. chain A3: not ancestor of y1; A3.blues=[A2]: s(A2)=0 (from
  //     A3's map), cand=2. chain A2: [A1]: s(A1)=0 (A2's map), cand=3; 3 > k no, 0 == k no. chain A1: [G] is an
  //     ancestor -> skip. chain G: ancestor -> BLUE. bas: y1=3, A3=1, A2=1, A1=1.
  // y2: NEW blues [A3, y1]: A3 not ancestor: s=1, cand=1; y1 not ancestor of y2: s(y1)=3 == k -> RED.
  // C2: if y1 = C1: NEW [A3, C1]: A3: s=1, cand=1; C1 is an ancestor of C2 -> skip. chain A3: A2 s=1 cand=2.
  //     chain A2: A1 s=1 cand=3. chain A1: G skip. chain G: ancestor -> BLUE. => blues [A3, C1, C2], reds [B1].
  //     if y1 = B1: NEW [A3, B1]: A3: s=1, cand=1; B1 not an ancestor of C2: s(B1)=3 == k -> RED.
  //     => blues [A3, B1], reds [C1, C2].
  // blue_score(X) = 3 + |blues|; blue_work = 6 + 2 |blues|.
  Consensus c(params_with_k(3));
  const BlockId a1 = add(c, {0}, 1), a2 = add(c, {a1}, 2), a3 = add(c, {a2}, 3);
  const BlockId b1 = add(c, {0}, 4);
  const BlockId c1 = add(c, {0}, 5), c2 = add(c, {c1}, 6);
  const BlockId x = add(c, {a3, b1, c2}, 7);
  const auto& gd = c.dag().ghostdag(x);
  EXPECT_EQ(gd.selected_parent, a3);
  if (hash_less(c, c1, b1)) {
    EXPECT_EQ(gd.mergeset_blues, (std::vector<BlockId>{a3, c1, c2}));
    EXPECT_EQ(gd.mergeset_reds, (std::vector<BlockId>{b1}));
  } else {
    EXPECT_EQ(gd.mergeset_blues, (std::vector<BlockId>{a3, b1}));
    EXPECT_EQ(gd.mergeset_reds, (std::vector<BlockId>{c1, c2}));
  }
  EXPECT_EQ(gd.blue_score, 3 + gd.mergeset_blues.size());
  EXPECT_EQ(gd.blue_work, core::uint256(6 + 2 * gd.mergeset_blues.size()));
  // DAA: daa(A3) = 2 (A1 = 0, A2 = 1, A3 = 2); daa(X) = 2 + |mergeset incl. SP| = 2 + 4.
  EXPECT_EQ(c.dag().node(x).daa_score, 6u);
  // With k = 2 everything merged is red: y1's walk reaches cand = 3 > 2 at A1.
  Consensus c2k(params_with_k(2));
  const BlockId p1 = add(c2k, {0}, 1), p2 = add(c2k, {p1}, 2), p3 = add(c2k, {p2}, 3);
  const BlockId q1 = add(c2k, {0}, 4);
  const BlockId r1 = add(c2k, {0}, 5), r2 = add(c2k, {r1}, 6);
  const BlockId y = add(c2k, {p3, q1, r2}, 7);
  EXPECT_EQ(c2k.dag().ghostdag(y).mergeset_blues, (std::vector<BlockId>{p3}));
  EXPECT_EQ(c2k.dag().ghostdag(y).mergeset_reds.size(), 3u);
}

TEST(Ghostdag, SinkIsMaxBlueWorkThenHash) {
  // Two tips with equal blue work: the sink is the one with the larger hash.
  Consensus c(params_with_k(3));
  const BlockId a = add(c, {0}, 1);
  const BlockId b = add(c, {0}, 2);
  EXPECT_EQ(c.sink(), hash_less(c, a, b) ? b : a);
  EXPECT_EQ(c.virtual_parents().size(), 2u);
  EXPECT_EQ(c.virtual_parents()[0], c.sink());
}

TEST(Ghostdag, MergesetLimitRejected) {
  // limit 3 (selected parent included): a block on 4 parallel tips has mergeset size 4 -> rejected; 3 tips is ok.
  Consensus c(params_with_k(10, 3));
  const BlockId a = add(c, {0}, 1), b = add(c, {0}, 2), d = add(c, {0}, 3), e = add(c, {0}, 4);
  const BlockId four[] = {a, b, d, e};
  auto r = c.build_block(four, {}, {}, {}, 0, 9);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("mergeset"), std::string::npos);
  const BlockId three[] = {a, b, d};
  EXPECT_TRUE(c.build_block(three, {}, {}, {}, 0, 9).ok());
  // The virtual respects the limit too: at most 3 of the 4 tips.
  EXPECT_LE(c.virtual_parents().size(), 3u);
}

TEST(Ghostdag, RejectsNonAntichainParents) {
  Consensus c(params_with_k(3));
  const BlockId a = add(c, {0}, 1);
  const BlockId b = add(c, {a}, 2);
  const BlockId ps[] = {a, b};
  EXPECT_FALSE(c.build_block(ps, {}, {}, {}, 0, 3).ok());
}

// is_ancestor against brute-force reachability on random DAGs.
TEST(Dag, IsAncestorMatchesBruteForce) {
  for (std::uint64_t seed : {1, 2, 3}) {
    std::mt19937_64 rng(seed);
    Consensus c(params_with_k(4));
    std::vector<BlockId> ids{0};
    for (int i = 0; i < 250; ++i) {
      // Parents: a random antichain among recent blocks: take the tips of a random recent subset.
      std::vector<BlockId> pool;
      const std::size_t lo = ids.size() > 12 ? ids.size() - 12 : 0;
      for (std::size_t j = lo; j < ids.size(); ++j)
        if (rng() % 3 == 0) pool.push_back(ids[j]);
      if (pool.empty()) pool.push_back(ids.back());
      std::vector<BlockId> parents;
      for (BlockId p : pool) {
        bool redundant = false;
        for (BlockId q : pool)
          if (q != p && c.dag().is_ancestor(p, q)) redundant = true;
        if (!redundant) parents.push_back(p);
      }
      auto b = c.build_block(parents, {}, {}, {}, 0, static_cast<std::uint64_t>(i));
      if (!b.ok()) continue;  // mergeset too big
      ids.push_back(*c.add_block(std::make_shared<Block>(std::move(b).value())));
    }
    // Brute-force pasts.
    const std::size_t n = c.dag().size();
    std::vector<std::vector<bool>> past(n, std::vector<bool>(n, false));
    for (BlockId x = 0; x < n; ++x)
      for (BlockId p : c.dag().node(x).parents) {
        past[x][p] = true;
        for (BlockId y = 0; y < n; ++y)
          if (past[p][y]) past[x][y] = true;
      }
    for (BlockId a = 0; a < n; ++a)
      for (BlockId b = 0; b < n; ++b)
        ASSERT_EQ(c.dag().is_ancestor(a, b), a == b || past[b][a]) << "seed " << seed << " a " << a << " b " << b;
  }
}

}  // namespace
}  // namespace igra::simnet

#include "core/hex.hpp"

namespace igra::simnet {
namespace {

TEST(Genesis, IsTheRustyKaspaSimnetGenesis) {
  // shared/vectors/kaspa-vectors.json header_vectors "genesis-simnet" (rusty-kaspa genesis.rs).
  Consensus c;
  EXPECT_EQ(core::to_hex(c.genesis_hash()), "411f8cd26f3d41aea39e78573927da24d23995705b579f30959b9127e96b79e3");
  const auto& h = c.dag().node(0).block->header;
  EXPECT_EQ(core::to_hex(h.hash_merkle_root), "1946d629f7e922a7bced59190521c3771f73d352ddbbb686564ad7fd56857c1b");
  EXPECT_EQ(core::to_hex(c.dag().node(0).block->transactions[0].payload),
            "000000000000000000e1f50500000000000001006b617370612d73696d6e6574");
  // The first chain block accepts the genesis coinbase (no outputs) and pays nothing for genesis (non-DAA).
  ConsensusParams p;
  Consensus c2(p);
  const BlockId g[1] = {0};
  auto b = c2.build_block(g, {}, {}, {}, 0, 0);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->transactions[0].outputs.empty());
  EXPECT_EQ(b->header.daa_score, 0u);
  EXPECT_EQ(b->header.blue_score, 1u);
}

}  // namespace
}  // namespace igra::simnet

namespace igra::simnet {
namespace {

TEST(Daa, NonDaaBlocksOutsideTheWindow) {
  // Window 2. Chain G <- A1 <- A2 <- A3 <- A4 (blue scores 1..4, DAA 0..3) and S on G (blue score 1).
  // X = {A4, S}, k = 10: S's anticone among the blues is {A1..A4} (4 <= k) -> blue; blue_score(X) = 4 + 2 = 6.
  // Non-DAA bound: 6 - 2 = 4. S (blue score 1 < 4) is non-DAA, A4 (4) is not.
  // daa(X) = daa(A4) + |{A4, S}| - |{S}| = 3 + 2 - 1 = 4. The coinbase pays only A4 (S is outside the window).
  ConsensusParams p = params_with_k(10);
  p.ghostdag.difficulty_window = 2;
  p.subsidy = 777;
  Consensus c(p);
  const kaspa::ScriptPublicKey sa{0, {0x51, 0xaa}}, ss{0, {0x51, 0x55}};
  auto add_spk = [&](std::vector<BlockId> parents, const kaspa::ScriptPublicKey& spk, std::uint64_t nonce) {
    auto b = c.build_block(parents, spk, {}, {}, 0, nonce);
    EXPECT_TRUE(b.ok());
    return *c.add_block(std::make_shared<Block>(std::move(b).value()));
  };
  BlockId a = 0;
  for (int i = 0; i < 4; ++i) a = add_spk({a}, sa, static_cast<std::uint64_t>(i));
  const BlockId s = add_spk({0}, ss, 100);
  EXPECT_EQ(c.dag().node(a).daa_score, 3u);
  auto x = c.build_block(std::vector<BlockId>{a, s}, sa, {}, {}, 0, 200);
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->header.blue_score, 6u);
  EXPECT_EQ(x->header.daa_score, 4u);
  ASSERT_EQ(x->transactions[0].outputs.size(), 1u);
  EXPECT_EQ(x->transactions[0].outputs[0].script_public_key, sa);
  EXPECT_EQ(x->transactions[0].outputs[0].value, 777u);
}

}  // namespace
}  // namespace igra::simnet
