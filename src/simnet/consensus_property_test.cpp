// Randomized property tests of the consensus core, checked after every block against independent
// recomputation (kaspa-protocol.md §5.3, §6.2-§6.4):
//  - the blue set of every block is a k-cluster (anticones computed from our own past bitsets);
//  - blue score, blue work and DAA score increase along the selected-parent chain;
//  - chain-changed events, applied in order (removed newest first, added oldest first), reproduce the SPC;
//  - every added chain block's accepted ids equal an independent recomputation: mergeset from past bitsets,
//    consensus order (SP first, then ascending (blue_work, hash) from headers), SP coinbase first, then each
//    merged block's txs in block order that spend existing, unspent, mature outputs of an independent UTXO map;
//  - the header's KIP-15 accepted_id_merkle_root matches that recomputation;
//  - the consensus UTXO set equals the independent map after every change, and equals a replay of the accepted
//    transactions from genesis at the end;
//  - no outpoint is ever spent twice by accepted txs, and of conflicting txs in parallel blocks exactly one is
//    accepted.
// Transactions are real signed P2PK transfers spending coinbase outputs after maturity; conflicting spends of
// the same outpoint are offered to successive templates, so miners with delayed views put them in parallel blocks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "crypto/secp256k1.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/merkle.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/sign.hpp"
#include "kaspa/tx_id.hpp"
#include "simnet/simnet.hpp"

namespace igra::simnet {
namespace {

using Bits = std::vector<std::uint64_t>;
bool bit(const Bits& b, std::size_t i) { return i / 64 < b.size() && ((b[i / 64] >> (i % 64)) & 1); }
void set_bit(Bits& b, std::size_t i) {
  if (b.size() <= i / 64) b.resize(i / 64 + 1, 0);
  b[i / 64] |= 1ull << (i % 64);
}
void or_into(Bits& a, const Bits& b) {
  if (a.size() < b.size()) a.resize(b.size(), 0);
  for (std::size_t i = 0; i < b.size(); ++i) a[i] |= b[i];
}

struct Wallet {
  std::vector<crypto::SecretKey> keys;
  std::vector<kaspa::ScriptPublicKey> spks;
  explicit Wallet(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      crypto::SecretKey k;
      k[31] = static_cast<std::uint8_t>(i + 1);
      k[0] = 0x42;
      keys.push_back(k);
      spks.push_back(kaspa::p2pk_script(*crypto::schnorr_public_key(k)));
    }
  }
  bool owns(const kaspa::ScriptPublicKey& s) const { return std::find(spks.begin(), spks.end(), s) != spks.end(); }
};

// The independent checker.
class Checker {
 public:
  Checker(Consensus& c, std::uint32_t k, std::uint64_t maturity) : c_(c), k_(k), maturity_(maturity) {
    chain_.push_back(0);
  }

  // Extends the past / blue-set bitsets to every stored block and checks the k-cluster property for new ones.
  void index_blocks() {
    const Dag& dag = c_.dag();
    while (past_.size() < dag.size()) {
      const BlockId id = static_cast<BlockId>(past_.size());
      Bits p;
      for (BlockId q : dag.node(id).parents) {
        or_into(p, past_[q]);
        set_bit(p, q);
      }
      past_.push_back(std::move(p));
      blues_.emplace_back();
      if (id == 0) continue;
      // Selected parent from the headers: max (blue_work, hash) over the parents.
      BlockId sp = dag.node(id).parents[0];
      for (BlockId q : dag.node(id).parents)
        if (header_less(sp, q)) sp = q;
      ASSERT_EQ(sp, dag.selected_parent(id));
      // Mergeset = past(B) \ past(SP) \ {SP}.
      std::set<BlockId> mergeset;
      for (BlockId x = 0; x < id; ++x)
        if (bit(past_[id], x) && !bit(past_[sp], x) && x != sp) mergeset.insert(x);
      const auto& gd = dag.ghostdag(id);
      std::set<BlockId> gd_mergeset(gd.mergeset_blues.begin() + 1, gd.mergeset_blues.end());
      gd_mergeset.insert(gd.mergeset_reds.begin(), gd.mergeset_reds.end());
      ASSERT_EQ(mergeset, gd_mergeset) << "mergeset of block " << id;
      ASSERT_LE(gd.mergeset_size(), c_.params().ghostdag.mergeset_size_limit);
      ASSERT_LE(gd.mergeset_blues.size(), static_cast<std::size_t>(k_) + 1);
      // Blue set = blue set of SP + mergeset blues (SP included).
      Bits blue = blues_[sp];
      for (BlockId b : gd.mergeset_blues) set_bit(blue, b);
      blues_[id] = blue;
      // k-cluster: every new blue and every blue in its anticone has at most k blues in its anticone.
      for (BlockId c : gd.mergeset_blues) {
        const std::size_t ac = blue_anticone(id, c);
        ASSERT_LE(ac, k_) << "blue " << c << " of block " << id;
        for (BlockId x = 0; x < id; ++x)
          if (bit(blue, x) && in_anticone(x, c)) ASSERT_LE(blue_anticone(id, x), k_);
      }
      // Header fields: blue score = |blue set| (genesis counts), blue work = 2 per blue (simnet bits).
      std::size_t n_blue = 0;
      for (BlockId x = 0; x < id; ++x) n_blue += bit(blue, x);
      ASSERT_EQ(gd.blue_score, n_blue);
      ASSERT_EQ(gd.blue_work, core::uint256(2 * n_blue));
      // DAA score (window never reached in these runs): daa(SP) + |mergeset| + 1 (- 1 if SP is genesis).
      const std::uint64_t expect_daa = dag.node(sp).daa_score + mergeset.size() + 1 - (sp == 0 ? 1 : 0);
      ASSERT_EQ(dag.node(id).daa_score, expect_daa);
      ASSERT_EQ(dag.node(id).block->header.daa_score, expect_daa);
    }
  }

  void apply_change(const ChainChange& ch) {
    apply_change_inner(ch);
    if (::testing::Test::HasFatalFailure()) return;
    // The net UTXO diff of the change, applied to the state before it, gives the state after it.
    const UtxoDiff d = c_.chain_change_utxo_diff(ch);
    for (const auto& [op, e] : d.removed) {
      auto it = before_.find(op);
      ASSERT_TRUE(it != before_.end());
      ASSERT_EQ(it->second, e);
      before_.erase(it);
    }
    for (const auto& [op, e] : d.added) before_[op] = e;
    ASSERT_EQ(before_, utxo_);
  }

  void apply_change_inner(const ChainChange& ch) {
    before_ = utxo_;
    const Dag& dag = c_.dag();
    for (const auto& h : ch.removed) {
      const BlockId id = *dag.find(h);
      ASSERT_EQ(chain_.back(), id) << "removed blocks must come newest first";
      undo(id);
      chain_.pop_back();
    }
    ASSERT_EQ(ch.added.size(), ch.accepted_ids.size());
    for (std::size_t i = 0; i < ch.added.size(); ++i) {
      const BlockId id = *dag.find(ch.added[i]);
      ASSERT_EQ(dag.selected_parent(id), chain_.back()) << "added blocks must come oldest first";
      const BlockId sp = chain_.back();
      ASSERT_GT(dag.blue_score(id), dag.blue_score(sp));
      ASSERT_GT(dag.blue_work(id), dag.blue_work(sp));
      if (sp != 0) ASSERT_GT(dag.node(id).daa_score, dag.node(sp).daa_score);
      const auto ids = accept(id);
      ASSERT_EQ(ids, ch.accepted_ids[i]) << "accepted ids of chain block " << id;
      ASSERT_EQ(dag.node(id).block->header.accepted_id_merkle_root,
                kaspa::calc_accepted_id_merkle_root_kip15(dag.node(sp).block->header.accepted_id_merkle_root, ids));
      chain_.push_back(id);
    }
  }

  void check_state() {
    ASSERT_EQ(chain_, c_.selected_chain());
    const UtxoSet& set = c_.sink_utxos();
    ASSERT_EQ(set.size(), utxo_.size());
    for (const auto& [op, e] : utxo_) {
      auto got = set.get(op);
      ASSERT_TRUE(got.has_value());
      ASSERT_EQ(*got, e);
    }
  }

  // Replays the accepted transactions of the whole chain from an empty set, using only the acceptance lists.
  void check_replay_from_genesis() {
    const Dag& dag = c_.dag();
    std::map<kaspa::Outpoint, kaspa::UtxoEntry> u;
    std::set<kaspa::Outpoint> spent;
    for (std::size_t i = 1; i < chain_.size(); ++i) {
      const BlockId b = chain_[i];
      const std::uint64_t daa = dag.node(b).daa_score;
      for (const auto& m : c_.acceptance(b).mergeset) {
        const Block& blk = *dag.node(*dag.find(m.block_hash)).block;
        for (const auto& [txid, idx] : m.accepted) {
          const auto& tx = blk.transactions[idx];
          ASSERT_EQ(kaspa::transaction_id(tx), txid);
          for (const auto& in : tx.inputs) {
            ASSERT_TRUE(spent.insert(in.previous_outpoint).second) << "double spend accepted";
            ASSERT_EQ(u.erase(in.previous_outpoint), 1u) << "accepted tx spends a missing outpoint";
          }
          for (std::uint32_t o = 0; o < tx.outputs.size(); ++o)
            u[{txid, o}] = kaspa::UtxoEntry{tx.outputs[o].value, tx.outputs[o].script_public_key, daa,
                                            tx.is_coinbase(), std::nullopt};
        }
      }
    }
    ASSERT_EQ(u, utxo_);
  }

  const std::vector<BlockId>& chain() const { return chain_; }
  bool in_past(BlockId a, BlockId b) const { return bit(past_[b], a); }

 private:
  bool header_less(BlockId a, BlockId b) const {
    const auto& ha = c_.dag().node(a).block->header;
    const auto& hb = c_.dag().node(b).block->header;
    const auto wa = from_header_blue_work(ha.blue_work), wb = from_header_blue_work(hb.blue_work);
    if (wa != wb) return wa < wb;
    return c_.dag().hash(a) < c_.dag().hash(b);
  }
  bool in_anticone(BlockId x, BlockId c) const { return x != c && !bit(past_[c], x) && !bit(past_[x], c); }
  std::size_t blue_anticone(BlockId block, BlockId c) const {
    std::size_t n = 0;
    for (BlockId x = 0; x < block; ++x)
      if (bit(blues_[block], x) && in_anticone(x, c)) ++n;
    return n;
  }

  struct Undo {
    std::vector<kaspa::Outpoint> added;
    std::vector<std::pair<kaspa::Outpoint, kaspa::UtxoEntry>> removed;
  };

  std::vector<kaspa::TransactionId> accept(BlockId b) {
    const Dag& dag = c_.dag();
    const BlockId sp = chain_.back();
    std::vector<BlockId> rest;
    for (BlockId x = 0; x < b; ++x)
      if (bit(past_[b], x) && !bit(past_[sp], x) && x != sp) rest.push_back(x);
    std::sort(rest.begin(), rest.end(), [&](BlockId x, BlockId y) { return header_less(x, y); });
    std::vector<BlockId> order{sp};
    order.insert(order.end(), rest.begin(), rest.end());
    const std::uint64_t daa = dag.node(b).block->header.daa_score;
    Undo undo;
    std::vector<kaspa::TransactionId> ids;
    auto add_outputs = [&](const kaspa::Transaction& tx, const kaspa::TransactionId& id) {
      for (std::uint32_t o = 0; o < tx.outputs.size(); ++o) {
        utxo_[{id, o}] = kaspa::UtxoEntry{tx.outputs[o].value, tx.outputs[o].script_public_key, daa, tx.is_coinbase(),
                                          std::nullopt};
        undo.added.push_back({id, o});
      }
    };
    for (std::size_t i = 0; i < order.size(); ++i) {
      const Block& blk = *dag.node(order[i]).block;
      if (i == 0) {
        const auto id = kaspa::transaction_id(blk.transactions[0]);
        add_outputs(blk.transactions[0], id);
        ids.push_back(id);
      }
      for (std::size_t j = 1; j < blk.transactions.size(); ++j) {
        const auto& tx = blk.transactions[j];
        bool ok = !tx.inputs.empty();
        std::uint64_t in_sum = 0, out_sum = 0;
        for (const auto& in : tx.inputs) {
          auto it = utxo_.find(in.previous_outpoint);
          if (it == utxo_.end()) { ok = false; break; }
          if (it->second.is_coinbase && it->second.block_daa_score + maturity_ > daa) { ok = false; break; }
          in_sum += it->second.amount;
        }
        for (const auto& o : tx.outputs) out_sum += o.value;
        if (!ok || out_sum > in_sum) continue;
        for (const auto& in : tx.inputs) {
          auto it = utxo_.find(in.previous_outpoint);
          undo.removed.emplace_back(it->first, it->second);
          utxo_.erase(it);
        }
        const auto id = kaspa::transaction_id(tx);
        add_outputs(tx, id);
        ids.push_back(id);
      }
    }
    undo_[b] = std::move(undo);
    return ids;
  }

  void undo(BlockId b) {
    const Undo& u = undo_.at(b);
    // Restore first, then erase: an output created and spent inside the block is in both lists.
    for (const auto& [op, e] : u.removed) utxo_[op] = e;
    for (const auto& op : u.added) utxo_.erase(op);
    undo_.erase(b);
  }

  Consensus& c_;
  std::uint32_t k_;
  std::uint64_t maturity_;
  std::vector<Bits> past_;
  std::vector<Bits> blues_;
  std::vector<BlockId> chain_;
  std::map<kaspa::Outpoint, kaspa::UtxoEntry> utxo_;
  std::map<BlockId, Undo> undo_;
  std::map<kaspa::Outpoint, kaspa::UtxoEntry> before_;
};

struct RunParams {
  std::uint64_t seed;
  std::uint32_t k;
  std::uint32_t delay_ms;
  std::size_t miners;
  std::size_t blocks;
  bool reorgs;
};

void run_property_test(const RunParams& rp) {
  constexpr std::uint64_t kMaturity = 12;
  Wallet wallet(4);
  SimnetConfig cfg;
  cfg.seed = rp.seed;
  cfg.consensus.ghostdag.k = rp.k;
  cfg.consensus.coinbase_maturity = kMaturity;
  cfg.propagation_delay_ms = rp.delay_ms;
  for (std::size_t i = 0; i < rp.miners; ++i) cfg.miners.push_back(MinerConfig{wallet.spks[i % wallet.spks.size()], {}, 1.0});
  Consensus* cons = nullptr;
  std::mt19937_64 tx_rng(rp.seed * 7919);
  std::size_t txs_offered = 0;
  // The tx source runs with the simnet lock held, so it may read the consensus directly.
  cfg.tx_source = [&](std::size_t) {
    std::vector<kaspa::Transaction> out;
    const UtxoSet& set = cons->sink_utxos();
    const std::uint64_t vdaa = cons->virtual_daa_score();
    std::vector<std::pair<kaspa::Outpoint, kaspa::UtxoEntry>> mine;
    for (const auto& [op, e] : set.entries())
      if (wallet.owns(e.script_public_key) && e.amount > 100'000 &&
          (!e.is_coinbase || e.block_daa_score + kMaturity <= vdaa))
        mine.emplace_back(op, e);
    std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (int n = 0; n < 3 && !mine.empty(); ++n) {
      const auto& [op, e] = mine[tx_rng() % mine.size()];
      kaspa::Transaction tx;
      kaspa::TransactionInput in;
      in.previous_outpoint = op;
      tx.inputs.push_back(in);
      const std::uint64_t fee = 10'000 + tx_rng() % 1000;
      const std::uint64_t total = e.amount - fee;
      const std::uint64_t a = total / 2 + tx_rng() % (total / 4);
      tx.outputs.push_back({a, wallet.spks[tx_rng() % wallet.spks.size()], std::nullopt});
      tx.outputs.push_back({total - a, wallet.spks[tx_rng() % wallet.spks.size()], std::nullopt});
      const kaspa::UtxoEntry entries[1] = {e};
      tx.storage_mass = kaspa::calc_storage_mass(tx, entries).value_or(0);
      kaspa::set_standard_compute_commits(tx);
      if (!kaspa::sign_transaction(tx, entries, wallet.keys).ok()) continue;
      out.push_back(std::move(tx));
      ++txs_offered;
    }
    return out;
  };
  Simnet sim(cfg);
  cons = sim.with_consensus([](Consensus& c) { return &c; });
  std::vector<ChainChange> events;
  sim.on_chain_changed([&](const ChainChange& ch) { events.push_back(ch); });
  Checker checker(*cons, rp.k, kMaturity);
  std::mt19937_64 rng(rp.seed);
  std::size_t reorgs = 0, withhold_rounds = 0;
  bool withholding = false;
  auto step = [&] {
    checker.index_blocks();
    for (const auto& ch : events) checker.apply_change(ch);
    events.clear();
    checker.check_state();
  };
  for (std::size_t i = 0; i < rp.blocks; ++i) {
    auto r = sim.mine_blocks(1);
    ASSERT_TRUE(r.ok()) << r.error().message;
    step();
    if (::testing::Test::HasFatalFailure()) return;
    if (rp.reorgs && i > 50 && i % 40 == 0) {
      const std::size_t depth = 1 + rng() % 6;
      const std::size_t old_sink = cons->sink();
      auto ch = (i % 80 == 0) ? sim.flip_flop(depth) : sim.reorg_from_depth(depth);
      ASSERT_TRUE(ch.ok()) << ch.error().message;
      if (!ch->removed.empty()) {
        ++reorgs;
        ASSERT_EQ(ch->removed.front(), cons->dag().hash(old_sink));
      }
      step();
      if (::testing::Test::HasFatalFailure()) return;
    }
    if (rp.reorgs && rp.miners > 1 && i % 50 == 25) {
      withholding = !withholding;
      sim.set_withholding(1, withholding);
      if (!withholding) {
        ++withhold_rounds;
        ASSERT_TRUE(sim.release_withheld().ok());
        step();
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
  if (withholding) {
    sim.set_withholding(1, false);
    ASSERT_TRUE(sim.release_withheld().ok());
    step();
  }
  checker.check_replay_from_genesis();

  // A second node syncing every block (in id order, i.e. parents first) validates them with the full path of
  // add_block (it never built them) and reaches the same sink, chain and UTXO set.
  {
    Consensus replica(cfg.consensus);
    for (BlockId b = 1; b < cons->dag().size(); ++b) {
      if (!cons->is_released(b)) continue;
      auto r = replica.add_block(cons->dag().node(b).block);
      ASSERT_TRUE(r.ok()) << "replica rejected block " << b << ": " << r.error().message;
    }
    ASSERT_EQ(replica.dag().hash(replica.sink()), cons->dag().hash(cons->sink()));
    ASSERT_EQ(replica.selected_chain().size(), cons->selected_chain().size());
    ASSERT_TRUE(replica.sink_utxos() == cons->sink_utxos());
  }

  // Conflicting spends: group included txs by the outpoints they spend.
  const Dag& dag = cons->dag();
  std::set<kaspa::TransactionId> accepted;
  for (std::size_t i = 1; i < checker.chain().size(); ++i)
    for (const auto& id : cons->acceptance(checker.chain()[i]).accepted_ids) accepted.insert(id);
  std::map<kaspa::Outpoint, std::map<kaspa::TransactionId, std::vector<BlockId>>> spenders;
  for (BlockId b = 1; b < dag.size(); ++b) {
    const auto& txs = dag.node(b).block->transactions;
    for (std::size_t j = 1; j < txs.size(); ++j)
      for (const auto& in : txs[j].inputs) spenders[in.previous_outpoint][kaspa::transaction_id(txs[j])].push_back(b);
  }
  const BlockId sink = cons->sink();
  std::size_t conflicts = 0, conflicts_resolved = 0, blocks_with_txs = 0, reds = 0;
  for (BlockId b = 1; b < dag.size(); ++b) {
    blocks_with_txs += dag.node(b).block->transactions.size() > 1;
    reds += dag.ghostdag(b).mergeset_reds.size();
  }
  for (const auto& [op, txs] : spenders) {
    std::size_t n_accepted = 0;
    bool all_merged = true;
    for (const auto& [id, blocks] : txs) {
      n_accepted += accepted.count(id);
      for (BlockId b : blocks) all_merged = all_merged && b != sink && checker.in_past(b, sink);
    }
    ASSERT_LE(n_accepted, 1u) << "double spend accepted";
    if (txs.size() < 2) continue;
    ++conflicts;
    // Non-coinbase outpoints created by an accepted tx: exactly one spender is accepted once all are merged.
    if (all_merged && accepted.count(op.transaction_id)) {
      bool creator_is_coinbase = false;
      for (BlockId b = 0; b < dag.size() && !creator_is_coinbase; ++b)
        creator_is_coinbase = kaspa::transaction_id(dag.node(b).block->transactions[0]) == op.transaction_id;
      if (!creator_is_coinbase) {
        ASSERT_EQ(n_accepted, 1u) << "conflicting spends: exactly one must be accepted";
        ++conflicts_resolved;
      }
    }
  }
  std::printf("seed %llu k %u delay %u: %zu blocks, %zu reds, %zu with txs, %zu txs offered, %zu accepted, "
              "%zu conflict groups (%zu checked exactly-one), %zu reorgs, %zu withhold rounds\n",
              static_cast<unsigned long long>(rp.seed), rp.k, rp.delay_ms, dag.size(), reds, blocks_with_txs,
              txs_offered, accepted.size(), conflicts, conflicts_resolved, reorgs, withhold_rounds);
  EXPECT_GT(accepted.size(), 50u);
  if (rp.delay_ms > 0) EXPECT_GT(conflicts, 0u);
}

TEST(ConsensusProperty, SmallKWithDelay) {
  for (std::uint64_t seed : {1, 2, 3}) {
    run_property_test({seed, 3, 400, 4, 400, true});
    if (HasFatalFailure()) return;
  }
}

TEST(ConsensusProperty, LargeKWithDelay) {
  for (std::uint64_t seed : {4, 5}) {
    run_property_test({seed, 18, 250, 3, 350, true});
    if (HasFatalFailure()) return;
  }
}

TEST(ConsensusProperty, K124NoReorgs) {
  run_property_test({6, 124, 150, 3, 300, false});
}

TEST(ConsensusProperty, KZeroChainOnly) {
  run_property_test({7, 0, 300, 3, 250, true});
}

}  // namespace
}  // namespace igra::simnet
