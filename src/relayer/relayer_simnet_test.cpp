// The relayer against an in-process Kaspa simnet (fast deterministic clock) served over real gRPC on 127.0.0.1,
// as tests/integration/derivation_scenarios_test.cpp runs it. The simnet's miner pays its coinbases to the
// relayer's funding key; blocks are mined explicitly. Expected facts come from the specification
// (igra-protocol.md §1, decisions.md): the L1 transaction is accepted on the selected-parent chain, its id starts
// with the devnet prefix 97ae, its payload decodes with the igra layer's decoder to exactly the raw L2
// transaction, compressible transactions use 0x95, and no coin is ever spent twice.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "chain/transaction.hpp"
#include "core/hex.hpp"
#include "igra/network.hpp"
#include "igra/payload.hpp"
#include "core/keccak.hpp"
#include "kaspa/rpc/client.hpp"
#include "kaspa/tx_codec.hpp"
#include "kaspa/tx_id.hpp"
#include "relayer/relay_queue.hpp"
#include "relayer/relayer.hpp"
#include "simnet/rpc_server.hpp"
#include "simnet/rpc_test_support.hpp"
#include "simnet/simnet_node.hpp"
#include "simnet/tx_test_support.hpp"
#include "support/igra_l1.hpp"

namespace igra::relayer {
namespace {

namespace krpc = kaspa::rpc;
using namespace std::chrono_literals;

constexpr std::uint64_t kMaturity = 5;

struct L1View {
  std::set<kaspa::TransactionId> accepted;               // accepted by the selected-parent chain
  std::map<kaspa::TransactionId, kaspa::Transaction> bodies;  // every transaction in a released block
};

struct L1Setup {
  std::string journal;  // non-empty: the simnet journals its blocks there (restart_l1_from_journal)
  bool toccata = false;
  bool pay_relayer = true;  // false: coinbases go to another key
  std::optional<std::uint64_t> toccata_daa_score;
};

// (Lower-case suite name so that `ctest -R relayer` selects these tests.)
class relayer_simnet : public ::testing::Test {
 protected:
  void start(L1Setup s = {}) {
    relayer_wallet_ = simnet::testing::wallet(7);
    const auto other = simnet::testing::wallet(8);
    simnet::SimnetNodeConfig cfg;
    cfg.simnet.clock_mode = simnet::ClockMode::kFast;
    cfg.simnet.seed = 5;
    cfg.simnet.consensus.coinbase_maturity = kMaturity;
    if (s.toccata) {
      cfg.simnet.consensus.tx_validator.toccata = true;
      cfg.mempool = simnet::MempoolConfig::toccata();
    }
    cfg.simnet.miners.push_back(simnet::MinerConfig{s.pay_relayer ? relayer_wallet_.spk : other.spk, {}, 1.0});
    cfg_ = cfg;
    setup_ = s;
    node_ = std::make_unique<simnet::SimnetNode>(cfg);
    if (!s.journal.empty()) ASSERT_TRUE(node_->attach_journal(s.journal).ok());
    simnet::testing::serve_and_connect(*node_, server_, client_);
    if (HasFatalFailure()) return;
    make_relayer();
  }

  // The L1 node goes away with its mempool and comes back from its block journal (igrad dev's restart).
  void restart_l1_from_journal() {
    relayer_.reset();
    client_->shutdown();
    server_->stop();
    client_.reset();
    server_.reset();
    node_.reset();
    node_ = std::make_unique<simnet::SimnetNode>(cfg_);
    auto replayed = node_->attach_journal(setup_.journal);
    ASSERT_TRUE(replayed.ok()) << replayed.error().message;
    simnet::testing::serve_and_connect(*node_, server_, client_);
    make_relayer();
  }

  void make_relayer() {
    const L1Setup& s = setup_;
    RelayerOptions o;
    o.funding_key = relayer_wallet_.key;
    o.address_prefix = kaspa::Prefix::kSimnet;
    o.txid_prefix = {0x97, 0xae};
    o.coinbase_maturity = kMaturity;
    o.toccata_daa_score = s.toccata_daa_score;
    relayer_ = std::make_unique<Relayer>(o, *client_);
    devnet_ = igra::builtin_network("devnet").value();
  }

  void TearDown() override {
    relayer_.reset();
    if (client_) client_->shutdown();
    if (server_) server_->stop();
  }

  void mine(std::size_t n) {
    auto r = node_->mine_blocks(n);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  std::uint64_t virtual_daa() { return client_->get_server_info().value().virtual_daa_score; }

  // Walks the selected-parent chain from genesis over gRPC and reads every block body.
  L1View l1_view() {
    L1View v;
    const core::Hash32 genesis = client_->get_block_dag_info().value().pruning_point_hash;
    core::Hash32 from = genesis;
    for (;;) {
      krpc::GetVirtualChainFromBlockParams p;
      p.start_hash = from;
      p.include_accepted_transaction_ids = true;
      auto vc = client_->get_virtual_chain_from_block(p);
      EXPECT_TRUE(vc.ok()) << vc.error().message;
      if (!vc.ok() || vc->added_chain_block_hashes.empty()) break;
      for (const auto& a : vc->accepted_transaction_ids)
        v.accepted.insert(a.accepted_transaction_ids.begin(), a.accepted_transaction_ids.end());
      from = vc->added_chain_block_hashes.back();
    }
    auto blocks = client_->get_blocks(genesis, true, true);
    EXPECT_TRUE(blocks.ok()) << blocks.error().message;
    if (blocks.ok())
      for (const auto& b : blocks->blocks)
        for (const auto& t : b.transactions) v.bodies[kaspa::transaction_id(t.transaction)] = t.transaction;
    return v;
  }

  std::map<kaspa::TransactionId, kaspa::Transaction> mempool() {
    std::map<kaspa::TransactionId, kaspa::Transaction> m;
    auto e = client_->get_mempool_entries(false, false);
    EXPECT_TRUE(e.ok()) << e.error().message;
    if (e.ok())
      for (const auto& x : *e) m[kaspa::transaction_id(x.transaction.transaction)] = x.transaction.transaction;
    return m;
  }

  // Spendable sompi by the rules (mature coinbases of the funding script), read independently of the relayer.
  std::uint64_t mature_sompi() {
    const std::uint64_t daa = virtual_daa();
    auto u = client_->get_utxos_by_addresses({relayer_->l1_address()});
    EXPECT_TRUE(u.ok());
    std::uint64_t s = 0;
    for (const auto& e : *u)
      if (!e.utxo_entry.is_coinbase || e.utxo_entry.block_daa_score + kMaturity <= daa) s += e.utxo_entry.amount;
    return s;
  }

  static bool has_prefix(const kaspa::TransactionId& id) { return id[0] == 0x97 && id[1] == 0xae; }

  // Checks that `id` is accepted, carries the prefix and the devnet lane gate, and that its payload decodes to
  // `raw`; returns its body.
  kaspa::Transaction expect_accepted_carrying(const L1View& v, const kaspa::TransactionId& id,
                                              const core::Bytes& raw) {
    EXPECT_TRUE(has_prefix(id)) << core::to_hex(id);
    EXPECT_TRUE(igra::matches_prefix(id, devnet_));
    EXPECT_TRUE(v.accepted.count(id)) << "not accepted: " << core::to_hex(id);
    auto it = v.bodies.find(id);
    if (it == v.bodies.end()) {
      ADD_FAILURE() << "no block holds " << core::to_hex(id);
      return {};
    }
    const kaspa::Transaction& tx = it->second;
    EXPECT_EQ(igra::classify_payload(tx.payload), igra::PayloadKind::kL2Tx);
    auto back = igra::l2_tx_bytes(tx.payload);
    EXPECT_TRUE(back.ok()) << back.error().message;
    if (back.ok()) {
      EXPECT_EQ(*back, raw);
    }
    EXPECT_EQ(tx.outputs.size(), 1u);
    if (!tx.outputs.empty()) {
      EXPECT_EQ(tx.outputs[0].script_public_key, relayer_->l1_script());
    }
    return tx;
  }

  simnet::testing::Wallet relayer_wallet_;
  simnet::SimnetNodeConfig cfg_;
  L1Setup setup_;
  std::unique_ptr<simnet::SimnetNode> node_;
  std::unique_ptr<simnet::RpcServer> server_;
  std::unique_ptr<krpc::Client> client_;
  std::unique_ptr<Relayer> relayer_;
  igra::NetworkParams devnet_;
};

// A fresh directory under the system's temp directory, removed with everything in it at the end of the test.
struct ScratchDir {
  std::filesystem::path path;
  explicit ScratchDir(const std::string& prefix)
      : path(std::filesystem::temp_directory_path() /
             (prefix + "-" + std::to_string(::getpid()) + "-" +
              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))) {
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
};

core::Bytes transfer(std::uint64_t nonce, std::size_t account = 0, std::size_t zero_data = 0) {
  chain::Transaction tx = testing::dynamic_fee_tx(nonce, testing::fresh_address(3, static_cast<std::uint8_t>(nonce)),
                                                  testing::kEther, core::uint256(10) * testing::kGwei,
                                                  testing::kGwei);
  tx.data.assign(zero_data, 0);
  tx.gas_limit = 21000 + 10 * zero_data;
  return testing::sign_l2(tx, testing::dev(account));
}

TEST_F(relayer_simnet, SubmittedTransactionIsAcceptedWithThePrefixAndCarriesTheRawTransaction) {
  start();
  EXPECT_EQ(relayer_->l1_address(), testing::simnet_address(relayer_wallet_));
  mine(kMaturity + 10);
  auto bal = relayer_->balance();
  ASSERT_TRUE(bal.ok()) << bal.error().message;
  EXPECT_EQ(*bal, mature_sompi());
  EXPECT_GT(*bal, 0u);

  const core::Bytes raw = transfer(0);
  auto id = relayer_->submit(raw);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_TRUE(has_prefix(*id));
  EXPECT_TRUE(mempool().count(*id));
  // The spent coin is gone from the balance, the change is in it.
  const RelayerStats st = relayer_->stats();
  EXPECT_EQ(st.submitted, 1u);
  EXPECT_GT(st.fees_sompi, 0u);

  mine(3);
  const L1View v = l1_view();
  const kaspa::Transaction tx = expect_accepted_carrying(v, *id, raw);
  EXPECT_EQ(tx.version, 0);
  EXPECT_TRUE(igra::passes_lane_gate(tx, devnet_, virtual_daa()));
  EXPECT_TRUE(mempool().empty());

  // After acceptance the wallet sees the change as an ordinary coin: balance = mature coins by the rules.
  auto bal2 = relayer_->balance();
  ASSERT_TRUE(bal2.ok());
  EXPECT_EQ(*bal2, mature_sompi());
}

TEST_F(relayer_simnet, LargeCompressibleTransactionUsesTheZippedPayload) {
  start();
  mine(kMaturity + 5);
  const core::Bytes raw = transfer(0, 1, 20'000);
  ASSERT_GT(raw.size(), 20'000u);
  auto id = relayer_->submit(raw);
  ASSERT_TRUE(id.ok()) << id.error().message;
  mine(3);
  const kaspa::Transaction tx = expect_accepted_carrying(l1_view(), *id, raw);
  ASSERT_FALSE(tx.payload.empty());
  EXPECT_EQ(tx.payload[0], 0x95);
  EXPECT_LT(tx.payload.size(), raw.size() / 10);
  EXPECT_EQ(relayer_->stats().zipped, 1u);
}

TEST_F(relayer_simnet, TwentySubmissionsWithoutMiningNeverDoubleSpendAndAreAllAccepted) {
  start();
  mine(kMaturity + 6);  // fewer mature coins than submissions: the rest must chain on unconfirmed change
  std::vector<core::Bytes> raws;
  std::vector<kaspa::TransactionId> ids;
  for (std::uint64_t n = 0; n < 20; ++n) {
    raws.push_back(transfer(n, 2));
    auto id = relayer_->submit(raws.back());
    ASSERT_TRUE(id.ok()) << "submission " << n << ": " << id.error().message;
    ids.push_back(*id);
  }
  const std::set<kaspa::TransactionId> idset(ids.begin(), ids.end());
  EXPECT_EQ(idset.size(), 20u);

  const auto pool = mempool();
  std::set<kaspa::Outpoint> inputs;
  std::size_t chained = 0;
  for (const auto& id : ids) {
    auto it = pool.find(id);
    ASSERT_NE(it, pool.end()) << "not in the mempool: " << core::to_hex(id);
    for (const auto& in : it->second.inputs) {
      EXPECT_TRUE(inputs.insert(in.previous_outpoint).second) << "outpoint spent twice";
      if (idset.count(in.previous_outpoint.transaction_id)) ++chained;
    }
  }
  EXPECT_EQ(inputs.size(), 20u);
  EXPECT_GT(chained, 0u) << "expected some transactions to spend the change of an unconfirmed own transaction";

  mine(25);
  const L1View v = l1_view();
  for (std::size_t i = 0; i < ids.size(); ++i) expect_accepted_carrying(v, ids[i], raws[i]);
  EXPECT_TRUE(mempool().empty());
  EXPECT_EQ(relayer_->stats().submitted, 20u);

  // And the wallet keeps working after everything confirmed.
  auto more = relayer_->submit(transfer(20, 2));
  ASSERT_TRUE(more.ok()) << more.error().message;
  mine(3);
  expect_accepted_carrying(l1_view(), *more, transfer(20, 2));
}

TEST_F(relayer_simnet, ConcurrentSubmissionsFromSeveralThreadsNeverDoubleSpend) {
  start();
  mine(kMaturity + 6);
  constexpr std::size_t kThreads = 4, kEach = 6;
  std::vector<std::vector<kaspa::TransactionId>> ids(kThreads);
  std::vector<std::vector<core::Bytes>> raws(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint64_t n = 0; n < kEach; ++n) {
        raws[t].push_back(transfer(n, 4 + t));
        auto id = relayer_->submit(raws[t].back());
        if (!id.ok()) {
          errors[t] = id.error().message;
          return;
        }
        ids[t].push_back(*id);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  const auto pool = mempool();
  std::set<kaspa::Outpoint> inputs;
  for (const auto& v : ids)
    for (const auto& id : v) {
      auto it = pool.find(id);
      ASSERT_NE(it, pool.end());
      for (const auto& in : it->second.inputs) EXPECT_TRUE(inputs.insert(in.previous_outpoint).second);
    }
  EXPECT_EQ(inputs.size(), kThreads * kEach);
  mine(20);
  const L1View v = l1_view();
  for (std::size_t t = 0; t < kThreads; ++t)
    for (std::size_t i = 0; i < ids[t].size(); ++i) expect_accepted_carrying(v, ids[t][i], raws[t][i]);
}

TEST_F(relayer_simnet, NoCoinsAtAllIsAnError) {
  start({.toccata = false, .pay_relayer = false, .toccata_daa_score = std::nullopt});
  mine(kMaturity + 5);
  auto r = relayer_->submit(transfer(0));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("relayer: no spendable L1 coins at kaspasim:"), std::string::npos)
      << r.error().message;
  auto bal = relayer_->balance();
  ASSERT_TRUE(bal.ok());
  EXPECT_EQ(*bal, 0u);
  EXPECT_TRUE(mempool().empty());
  EXPECT_EQ(relayer_->stats().failed, 1u);
}

TEST_F(relayer_simnet, OnlyImmatureCoinsIsAnErrorUntilTheyMature) {
  start();
  mine(kMaturity - 2);
  auto r = relayer_->submit(transfer(0));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no spendable L1 coins"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("immature"), std::string::npos) << r.error().message;
  EXPECT_EQ(*relayer_->balance(), 0u);
  EXPECT_TRUE(mempool().empty());
  // Garbage is refused before any coin is touched.
  const core::Bytes garbage = {0x02, 0x01, 0x02};
  auto g = relayer_->submit(garbage);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("not a valid EIP-2718 transaction"), std::string::npos) << g.error().message;

  mine(6);
  auto ok = relayer_->submit(transfer(0));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  mine(3);
  expect_accepted_carrying(l1_view(), *ok, transfer(0));
}

TEST_F(relayer_simnet, AfterToccataActivationTransactionsAreV1OnTheIgraLane) {
  start({.toccata = true, .pay_relayer = true, .toccata_daa_score = 14});
  mine(kMaturity + 5);
  ASSERT_LT(virtual_daa(), 14u);
  auto before = relayer_->submit(transfer(0, 3));
  ASSERT_TRUE(before.ok()) << before.error().message;
  mine(8);
  ASSERT_GE(virtual_daa(), 14u);
  auto after = relayer_->submit(transfer(1, 3));
  ASSERT_TRUE(after.ok()) << after.error().message;
  mine(3);
  const L1View v = l1_view();
  const kaspa::Transaction t0 = expect_accepted_carrying(v, *before, transfer(0, 3));
  const kaspa::Transaction t1 = expect_accepted_carrying(v, *after, transfer(1, 3));
  EXPECT_EQ(t0.version, 0);
  EXPECT_EQ(t0.subnetwork_id, kaspa::subnetwork_native());
  EXPECT_EQ(t1.version, 1);
  EXPECT_EQ(t1.subnetwork_id, kaspa::subnetwork_lane(0x97b10000));
  EXPECT_EQ(kaspa::transaction_id_v1(t1), *after);
  igra::NetworkParams net = devnet_;
  net.toccata_daa_score = 14;
  EXPECT_TRUE(igra::passes_lane_gate(t1, net, 20));
  EXPECT_FALSE(igra::passes_lane_gate(t0, net, 20));
  EXPECT_TRUE(igra::passes_lane_gate(t0, net, 5));
}


// The wallet follows the funding address through UtxosChanged notifications: every submission below needs a
// confirmed coin (no chaining) and re-reads the coins, yet after the first full query no GetUtxosByAddresses is
// made; every transaction is accepted and no coin is spent twice.
TEST_F(relayer_simnet, WalletFollowsUtxoNotifications) {
  start();
  mine(kMaturity + 20);
  RelayerOptions o;
  o.funding_key = relayer_wallet_.key;
  o.address_prefix = kaspa::Prefix::kSimnet;
  o.txid_prefix = {0x97, 0xae};
  o.coinbase_maturity = kMaturity;
  o.use_unconfirmed_change = false;
  o.refresh_interval_ms = 0;
  Relayer r(o, *client_);
  std::vector<kaspa::TransactionId> ids;
  std::set<kaspa::Outpoint> spent;
  for (std::uint64_t n = 0; n < 10; ++n) {
    auto id = r.submit(transfer(n, 2));
    ASSERT_TRUE(id.ok()) << id.error().message;
    ids.push_back(*id);
    mine(1);
    std::this_thread::sleep_for(20ms);  // let the notification arrive
  }
  mine(3);
  const L1View v = l1_view();
  for (const auto& id : ids) {
    EXPECT_TRUE(v.accepted.count(id)) << core::to_hex(id);
    for (const auto& in : v.bodies.at(id).inputs) EXPECT_TRUE(spent.insert(in.previous_outpoint).second);
  }
  const RelayerStats st = r.stats();
  EXPECT_LE(st.utxo_queries, 2u) << "the wallet polled instead of following notifications";
  EXPECT_GE(st.utxo_notifications, 5u);
}

// Stuck in the mempool: the queue replaces the oldest stuck L1 transaction at a higher fee (same coin, same L2
// payload) and rebuilds its descendants on the replacement; every L2 transaction is then accepted exactly once.
TEST_F(relayer_simnet, StuckTransactionIsReplacedAndItsDescendantsRebuilt) {
  const ScratchDir scratch("igra-relay-rbf");
  const std::filesystem::path& dir = scratch.path;
  start();
  mine(kMaturity + 15);
  std::uint64_t clock_ms = 5'000'000;
  RelayQueueOptions qo;
  qo.path = dir.string();
  qo.sync = false;
  qo.resubmit_after_ms = 1'000;
  qo.replace_after_ms = 5'000;
  qo.consolidate_every_ms = 0;
  qo.now_ms = [&clock_ms] { return clock_ms; };
  auto q = RelayQueue::open(qo, *relayer_);
  ASSERT_TRUE(q.ok()) << q.error().message;
  std::vector<core::Bytes> raws;
  std::vector<kaspa::TransactionId> first_ids;
  for (std::uint64_t n = 0; n < 5; ++n) {
    raws.push_back(transfer(n, 1));
    auto item = (*q)->submit(raws.back(), core::keccak256(raws.back()));
    ASSERT_TRUE(item.ok()) << item.error().message;
    first_ids.push_back(item->l1_txid);
  }
  const auto before = mempool();
  ASSERT_EQ(before.size(), 5u);
  const std::uint64_t old_change = before.at(first_ids[0]).outputs[0].value;
  clock_ms += 6'000;  // nothing mined: all five are still in the mempool, the first is stuck
  (*q)->step();       // resend -> "already in the mempool" -> replace the first, requeue the four descendants
  (*q)->step();       // the four go out again, chained on the replacement
  const auto after = mempool();
  ASSERT_EQ(after.size(), 5u);
  for (const auto& id : first_ids) EXPECT_FALSE(after.count(id)) << "old L1 tx still pooled: " << core::to_hex(id);
  const auto first_now = (*q)->item(core::keccak256(raws[0]));
  ASSERT_TRUE(first_now.has_value());
  ASSERT_TRUE(after.count(first_now->l1_txid));
  EXPECT_LT(after.at(first_now->l1_txid).outputs[0].value, old_change);  // same coin, less change: a higher fee
  EXPECT_EQ((*q)->stats().replacements, 1u);
  EXPECT_EQ(relayer_->stats().replacements, 1u);
  mine(3);
  const L1View v = l1_view();
  std::map<core::Bytes, int> carried;
  for (const auto& id : v.accepted) {
    auto it = v.bodies.find(id);
    if (it == v.bodies.end() || igra::classify_payload(it->second.payload) != igra::PayloadKind::kL2Tx) continue;
    carried[igra::l2_tx_bytes(it->second.payload).value()]++;
  }
  for (const auto& raw : raws) EXPECT_EQ(carried[raw], 1) << "an L2 transaction accepted " << carried[raw] << " times";
}

// A fragmented wallet (many coinbase outputs) is consolidated: the 40 smallest coins go into one output to the
// funding key, accepted by the simnet; a wallet below the threshold is left alone.
TEST_F(relayer_simnet, FragmentedCoinsAreConsolidated) {
  start();
  mine(kMaturity + 60);
  auto none = relayer_->consolidate(1000, 40);
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_FALSE(none->has_value());
  auto id = relayer_->consolidate(20, 40);
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_TRUE(id->has_value());
  const auto pool = mempool();
  ASSERT_TRUE(pool.count(**id));
  const kaspa::Transaction& tx = pool.at(**id);
  EXPECT_EQ(tx.inputs.size(), 40u);
  ASSERT_EQ(tx.outputs.size(), 1u);
  EXPECT_EQ(tx.outputs[0].script_public_key, relayer_->l1_script());
  mine(3);
  const L1View v = l1_view();
  EXPECT_TRUE(v.accepted.count(**id));
  EXPECT_EQ(relayer_->stats().consolidations, 1u);
  // The consolidated coin pays a relayed transaction afterwards.
  auto sent = relayer_->submit(transfer(0));
  ASSERT_TRUE(sent.ok()) << sent.error().message;
}

// The persistent queue (relay_queue.hpp) over the same simnet: every L2 transaction is recorded before it is
// sent, sent in order without double-spending an input, tracked to L2 execution, and after the relayer and the
// L1 node both restart (the L1 from its block journal, with an empty mempool) the very same signed L1
// transactions are sent again - none is built twice - and get accepted.
TEST_F(relayer_simnet, QueueSurvivesARestartAndALostMempoolAndTracksToExecution) {
  const ScratchDir scratch("igra-relay-queue");
  const std::filesystem::path& dir = scratch.path;
  L1Setup s;
  s.journal = (dir / "simnet.journal").string();
  start(s);
  mine(kMaturity + 15);
  std::uint64_t clock_ms = 1'000'000;
  RelayQueueOptions qo;
  qo.path = (dir / "queue").string();
  qo.sync = false;
  qo.resubmit_after_ms = 1'000;
  qo.now_ms = [&clock_ms] { return clock_ms; };
  auto q = RelayQueue::open(qo, *relayer_);
  ASSERT_TRUE(q.ok()) << q.error().message;

  std::vector<core::Hash32> hashes;
  std::vector<kaspa::TransactionId> l1_ids;
  std::set<kaspa::Outpoint> inputs;
  for (std::uint64_t k = 0; k < 12; ++k) {
    const core::Bytes raw = transfer(k / 3, k % 3);
    const core::Hash32 h = core::keccak256(raw);
    auto item = (*q)->submit(raw, h);
    ASSERT_TRUE(item.ok()) << item.error().message;
    EXPECT_EQ(item->state, ItemState::kSubmitted);
    EXPECT_EQ(item->seq, k);
    EXPECT_TRUE(has_prefix(item->l1_txid));
    auto tx = kaspa::decode_transaction(item->l1_tx);
    ASSERT_TRUE(tx.ok());
    EXPECT_EQ(kaspa::transaction_id(*tx), item->l1_txid);
    for (const auto& in : tx->inputs) EXPECT_TRUE(inputs.insert(in.previous_outpoint).second) << "input spent twice";
    hashes.push_back(h);
    l1_ids.push_back(item->l1_txid);
  }
  EXPECT_EQ(mempool().size(), 12u);
  // The same L2 transaction again: the same item, nothing new on L1.
  auto again = (*q)->submit(transfer(0, 0), hashes[0]);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->seq, 0u);
  EXPECT_EQ(mempool().size(), 12u);
  // Not a transaction: refused, nothing spent.
  auto bad = (*q)->submit(core::Bytes{0x02, 0x01}, core::keccak256(core::Bytes{0x02, 0x01}));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(mempool().size(), 12u);

  // Both processes go down; the L1 comes back from its journal without the mempool.
  q->reset();
  restart_l1_from_journal();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_TRUE(mempool().empty());
  q = RelayQueue::open(qo, *relayer_);
  ASSERT_TRUE(q.ok()) << q.error().message;
  for (const auto& h : hashes) EXPECT_EQ((*q)->item(h)->state, ItemState::kSubmitted);
  (*q)->step();  // not overdue yet
  EXPECT_TRUE(mempool().empty());
  clock_ms += 2'000;
  (*q)->step();
  const auto pool = mempool();
  EXPECT_EQ(pool.size(), 12u);
  for (const auto& id : l1_ids) EXPECT_TRUE(pool.count(id)) << "not the recorded L1 tx: " << core::to_hex(id);
  EXPECT_EQ((*q)->stats().resends, 12u);
  EXPECT_EQ((*q)->stats().rebuilds, 0u);
  mine(3);
  const L1View v = l1_view();
  for (const auto& id : l1_ids) EXPECT_TRUE(v.accepted.count(id)) << core::to_hex(id);

  // L2 events: executed, dropped, unwound, and caught up by reconcile.
  (*q)->on_block(7, std::vector<core::Hash32>(hashes.begin(), hashes.begin() + 8), {{hashes[8], "nonce too low"}});
  EXPECT_EQ((*q)->item(hashes[0])->state, ItemState::kExecuted);
  EXPECT_EQ((*q)->item(hashes[0])->l2_block, 7u);
  EXPECT_EQ((*q)->item(hashes[8])->state, ItemState::kDropped);
  EXPECT_EQ((*q)->item(hashes[8])->note, "nonce too low");
  RelayQueueStats st = (*q)->stats();
  EXPECT_EQ(st.executed, 8u);
  EXPECT_EQ(st.dropped, 1u);
  EXPECT_EQ(st.submitted, 3u);
  EXPECT_EQ(st.failed, 1u);
  (*q)->on_unwind(6);
  EXPECT_EQ((*q)->stats().submitted, 12u);
  (*q)->reconcile([](const core::Hash32&) { return std::optional<std::uint64_t>(9); });
  st = (*q)->stats();
  EXPECT_EQ(st.executed, 12u);
  EXPECT_EQ(st.submitted + st.queued, 0u);
  // Prometheus text: queue depth by state, mining work, fees, wallet balance.
  const std::string metrics = relayer_metrics_text(*relayer_, **q);
  EXPECT_NE(metrics.find("igra_relayer_queue_items{state=\"executed\"} 12\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("igra_relayer_queue_items{state=\"submitted\"} 0\n"), std::string::npos);
  EXPECT_NE(metrics.find("igra_relayer_wallet_balance_sompi "), std::string::npos);
  EXPECT_NE(metrics.find("# TYPE igra_relayer_nonce_tries_total counter"), std::string::npos);
  q->reset();
  q = RelayQueue::open(qo, *relayer_);
  ASSERT_TRUE(q.ok());
  st = (*q)->stats();
  EXPECT_EQ(st.executed, 12u);
  EXPECT_EQ(st.submitted + st.queued, 0u);
  clock_ms += 60'000;
  (*q)->step();
  EXPECT_TRUE(mempool().empty());  // nothing executed is ever sent again
}

// L1 acceptance is tracked on its own (VirtualChainChanged with accepted ids): every item becomes accepted with the
// accepting block kaspad reports for its L1 transaction; accepted items are never resent; a reorg that removes
// the accepting blocks returns them to submitted, and the blocks that merge the old branch accept them again.
TEST_F(relayer_simnet, QueueTracksL1AcceptanceAcrossAReorg) {
  const ScratchDir scratch("igra-relay-accept");
  const std::filesystem::path& dir = scratch.path;
  start();
  mine(kMaturity + 15);
  std::atomic<std::uint64_t> clock_ms{1'000'000};
  RelayQueueOptions qo;
  qo.path = (dir / "queue").string();
  qo.sync = false;
  qo.resubmit_after_ms = 1'000;
  qo.now_ms = [&clock_ms] { return clock_ms.load(); };
  auto q = RelayQueue::open(qo, *relayer_);
  ASSERT_TRUE(q.ok()) << q.error().message;
  ASSERT_TRUE((*q)->watch_l1_acceptance(*client_).ok());

  std::vector<core::Hash32> hashes;
  std::vector<kaspa::TransactionId> ids;
  for (std::uint64_t k = 0; k < 6; ++k) {
    const core::Bytes raw = transfer(k / 2, k % 2);
    auto item = (*q)->submit(raw, core::keccak256(raw));
    ASSERT_TRUE(item.ok()) << item.error().message;
    hashes.push_back(item->l2_hash);
    ids.push_back(item->l1_txid);
  }
  // kaspad's view, independently: accepting chain block of every accepted transaction id.
  auto accepting_blocks = [&] {
    std::map<kaspa::TransactionId, core::Hash32> m;
    krpc::GetVirtualChainFromBlockParams p;
    p.start_hash = client_->get_block_dag_info().value().pruning_point_hash;
    p.include_accepted_transaction_ids = true;
    auto vc = client_->get_virtual_chain_from_block(p);
    EXPECT_TRUE(vc.ok());
    if (vc.ok())
      for (const auto& a : vc->accepted_transaction_ids)
        for (const auto& id : a.accepted_transaction_ids) m[id] = a.accepting_block_hash;
    return m;
  };
  auto wait_for = [&](const std::function<bool()>& f) {
    for (int i = 0; i < 500 && !f(); ++i) std::this_thread::sleep_for(10ms);
    return f();
  };
  auto all_in = [&](ItemState st) {
    for (const auto& h : hashes)
      if ((*q)->item(h)->state != st) return false;
    return true;
  };
  for (const auto& h : hashes) EXPECT_EQ((*q)->item(h)->state, ItemState::kSubmitted);
  mine(2);
  ASSERT_TRUE(wait_for([&] { return all_in(ItemState::kAccepted); })) << "not all accepted";
  auto kaspad = accepting_blocks();
  std::set<core::Hash32> first_blocks;
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    const auto it = (*q)->item(hashes[i]);
    ASSERT_TRUE(kaspad.count(ids[i])) << "kaspad does not report " << core::to_hex(ids[i]);
    EXPECT_EQ(core::to_hex(it->l1_block), core::to_hex(kaspad.at(ids[i])));
    first_blocks.insert(it->l1_block);
  }
  EXPECT_EQ((*q)->stats().accepted, 6u);
  EXPECT_EQ((*q)->stats().l1_accepted, 6u);
  // Accepted items are not resent, however long L2 takes.
  clock_ms += 10'000;
  (*q)->step();
  EXPECT_EQ((*q)->stats().resends, 0u);

  // A reorg from below the accepting blocks: a rival branch of single-parent blocks becomes the selected chain.
  auto change = node_->reorg_from_depth(3);
  ASSERT_TRUE(change.ok()) << change.error().message;
  ASSERT_TRUE(wait_for([&] { return (*q)->stats().l1_unaccepted == 6; })) << (*q)->stats().l1_unaccepted;
  for (const auto& h : hashes) {
    const auto it = (*q)->item(h);
    EXPECT_EQ(it->state, ItemState::kSubmitted);
    EXPECT_EQ(it->l1_block, core::Hash32{});
  }
  kaspad = accepting_blocks();
  for (const auto& id : ids) EXPECT_EQ(kaspad.count(id), 0u) << "still accepted after the reorg";
  // New blocks merge the old branch: accepted again, by blocks of the new chain.
  mine(2);
  ASSERT_TRUE(wait_for([&] { return all_in(ItemState::kAccepted); })) << "not accepted again";
  kaspad = accepting_blocks();
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    const auto it = (*q)->item(hashes[i]);
    ASSERT_TRUE(kaspad.count(ids[i]));
    EXPECT_EQ(core::to_hex(it->l1_block), core::to_hex(kaspad.at(ids[i])));
    EXPECT_EQ(first_blocks.count(it->l1_block), 0u);
  }
  EXPECT_EQ((*q)->stats().l1_accepted, 12u);
  const std::string metrics = relayer_metrics_text(*relayer_, **q);
  EXPECT_NE(metrics.find("igra_relayer_queue_items{state=\"accepted\"} 6\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("igra_relayer_l1_unaccepted_total 6\n"), std::string::npos);
  // After a restart an accepted item counts as submitted again (its acceptance may have been undone while the
  // process was down) until L2 executes it.
  (*q)->on_block(5, {hashes[0]}, {});
  EXPECT_EQ((*q)->item(hashes[0])->state, ItemState::kExecuted);
  q->reset();
  mine(1);  // a notification for the destroyed queue: its handler must not reach it (ASan would see it)
  std::this_thread::sleep_for(50ms);
  q = RelayQueue::open(qo, *relayer_);
  ASSERT_TRUE(q.ok());
  const auto back = (*q)->item(hashes[1]);
  EXPECT_EQ(back->state, ItemState::kSubmitted);
  EXPECT_EQ(back->l1_block, core::Hash32{});
  EXPECT_EQ((*q)->item(hashes[0])->state, ItemState::kExecuted);
}

}  // namespace
}  // namespace igra::relayer
