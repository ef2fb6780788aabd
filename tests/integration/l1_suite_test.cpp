// The L1 integration suite: our gRPC client and our GetBlockTemplate/SubmitBlock miner against a Kaspa node
// started as a real process, over real sockets. By default the node is our `kaspa-simnet` binary (with scheduled
// mining off, so the suite's miner produces every block). With KASPAD_BIN set to a rusty-kaspa `kaspad`, the
// very same tests run against it in simnet mode (proof of work skipped), e.g.
//   KASPAD_BIN=$HOME/.cargo/bin/kaspad build/release/tests/igra_l1_suite_tests
// Expected values come from the protocol (header hashes we compute ourselves from the header fields, parents we
// chose, transactions we signed), never from the node under test.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/hex.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/address.hpp"
#include "kaspa/header.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/rpc/client.hpp"
#include "kaspa/rpc/template_miner.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/sign.hpp"
#include "kaspa/tx_id.hpp"
#include "support/inbox.hpp"
#include "support/child_process.hpp"
#include "support/testing.hpp"

namespace igra {
namespace {

namespace krpc = kaspa::rpc;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::igra::testing::Inbox;

// Coinbase maturity of rusty-kaspa's simnet (10 BPS x 100 s); kaspa-simnet is started with the same value.
constexpr std::uint64_t kCoinbaseMaturity = 1000;

using testing::free_port;

// A node process: kaspad (KASPAD_BIN) or our kaspa-simnet. Output goes to <dir>/node.log.
class NodeProcess {
 public:
  NodeProcess() {
    const char* kaspad = std::getenv("KASPAD_BIN");
    is_kaspad_ = kaspad != nullptr && *kaspad != '\0';
    char tmpl[] = "/tmp/igra-l1-suite-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    const std::uint16_t rpc_port = free_port();
    target_ = "127.0.0.1:" + std::to_string(rpc_port);
    std::vector<std::string> args;
    if (is_kaspad_) {
      args = {kaspad,
              "--simnet",
              "--appdir=" + dir_ + "/data",
              "--rpclisten=" + target_,
              "--listen=127.0.0.1:" + std::to_string(free_port()),
              "--utxoindex",
              "--enable-unsynced-mining",
              "--nologfiles",
              "--disable-upnp",
              "--nodnsseed",
              "--yes"};
    } else {
      args = {(testing::binary_dir() / "apps/kaspa-simnet/kaspa-simnet").string(),
              "--listen", target_,
              "--no-mining",
              "--coinbase-maturity", std::to_string(kCoinbaseMaturity)};
    }
    process_ = std::make_unique<testing::ChildProcess>(std::move(args), dir_ + "/node.log");
  }
  ~NodeProcess() {
    process_.reset();  // SIGTERM, up to 20 s for a clean shutdown (kaspad flushes its database), then SIGKILL
    if (std::getenv("IGRA_KEEP_NODE_DIR") == nullptr) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    } else {
      std::fprintf(stderr, "node directory kept: %s\n", dir_.c_str());
    }
  }
  bool is_kaspad() const { return is_kaspad_; }
  const std::string& target() const { return target_; }
  std::string log_tail() const { return testing::tail(testing::read_all(dir_ + "/node.log")); }

 private:
  bool is_kaspad_ = false;
  std::string dir_;
  std::string target_;
  std::unique_ptr<testing::ChildProcess> process_;
};


struct Wallet {
  crypto::SecretKey key;
  kaspa::ScriptPublicKey spk;
  std::string address;
};

Wallet make_wallet(std::uint8_t n) {
  Wallet w;
  w.key[0] = 0x42;
  w.key[31] = n;
  auto pub = crypto::schnorr_public_key(w.key);
  EXPECT_TRUE(pub.ok());
  w.spk = kaspa::p2pk_script(*pub);
  kaspa::Address a;
  a.prefix = kaspa::Prefix::kSimnet;
  a.version = kaspa::AddressVersion::kPubKey;
  a.payload.assign(pub->begin(), pub->end());
  w.address = a.to_string();
  return w;
}

// Shared by all tests: one node, one client, one miner, the notification inboxes.
struct Suite {
  std::unique_ptr<NodeProcess> node;
  std::unique_ptr<krpc::Client> client;
  std::unique_ptr<krpc::TemplateMiner> miner;
  Wallet wallet = make_wallet(1);
  Inbox<krpc::VirtualChainChanged> vcc;
  Inbox<krpc::Block> added;
  Inbox<std::uint64_t> blue_scores;
  Inbox<krpc::UtxosChanged> utxos;
};
Suite* g_suite = nullptr;

class L1Env : public ::testing::Environment {
 public:
  void SetUp() override {
    g_suite = new Suite;
    auto& s = *g_suite;
    s.node = std::make_unique<NodeProcess>();
    krpc::ClientOptions o;
    o.target = s.node->target();
    o.default_timeout = 30s;
    s.client = std::make_unique<krpc::Client>(o);
    s.client->start();
    // kaspad opens its database before listening; give it time.
    bool up = false;
    for (int i = 0; i < 120 && !up; ++i) {
      if (s.client->wait_connected(500ms) && s.client->get_server_info(2s).ok()) up = true;
    }
    ASSERT_TRUE(up) << "node did not come up at " << s.node->target() << "\n" << s.node->log_tail();
    s.miner = std::make_unique<krpc::TemplateMiner>(*s.client, s.wallet.address);
    ASSERT_TRUE(s.client->subscribe_virtual_chain_changed(true, [](const auto& v) { g_suite->vcc.push(v); }).ok());
    ASSERT_TRUE(s.client->subscribe_block_added([](const auto& b) { g_suite->added.push(b); }).ok());
    ASSERT_TRUE(s.client->subscribe_sink_blue_score_changed([](std::uint64_t v) { g_suite->blue_scores.push(v); }).ok());
    ASSERT_TRUE(s.client->subscribe_utxos_changed({s.wallet.address}, [](const auto& u) { g_suite->utxos.push(u); }).ok());
  }
  void TearDown() override {
    if (g_suite) {
      if (g_suite->client) g_suite->client->shutdown();
      delete g_suite;
      g_suite = nullptr;
    }
  }
};

class L1Suite : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(g_suite, nullptr);
    ASSERT_NE(g_suite->miner, nullptr) << "the node did not start";
  }
  Suite& s() { return *g_suite; }
  krpc::Client& client() { return *g_suite->client; }
  bool kaspad() const { return g_suite->node->is_kaspad(); }

  // Chain blocks the client was told about (added minus removed), in order.
  std::vector<core::Hash32> notified_chain() {
    std::vector<core::Hash32> chain;
    for (const auto& v : s().vcc.snapshot()) {
      for (const auto& r : v.removed_chain_block_hashes) {
        EXPECT_FALSE(chain.empty());
        if (!chain.empty()) {
          EXPECT_EQ(chain.back(), r) << "removed blocks must come newest first";
          chain.pop_back();
        }
      }
      for (const auto& a : v.added_chain_block_hashes) chain.push_back(a);
    }
    return chain;
  }

  // Mines until `pred` holds for the node's virtual DAA score (coinbase maturity).
  void mine_until_daa(std::uint64_t daa) {
    for (;;) {
      auto info = client().get_server_info();
      ASSERT_TRUE(info.ok()) << info.error().message;
      if (info->virtual_daa_score >= daa) return;
      const std::uint64_t n = std::min<std::uint64_t>(daa - info->virtual_daa_score, 200);
      auto r = s().miner->mine(static_cast<std::size_t>(n));
      ASSERT_TRUE(r.ok()) << r.error().message;
    }
  }

  // A mature coinbase UTXO of the wallet (mining as needed).
  krpc::UtxosByAddressesEntry mature_utxo(const std::vector<kaspa::Outpoint>& exclude = {}) {
    for (int round = 0; round < 3; ++round) {
      auto info = client().get_server_info();
      EXPECT_TRUE(info.ok());
      auto utxos = client().get_utxos_by_addresses({s().wallet.address});
      EXPECT_TRUE(utxos.ok()) << utxos.error().message;
      if (utxos.ok()) {
        for (const auto& e : *utxos) {
          if (std::find(exclude.begin(), exclude.end(), e.outpoint) != exclude.end()) continue;
          if (!e.utxo_entry.is_coinbase || e.utxo_entry.block_daa_score + kCoinbaseMaturity < info->virtual_daa_score)
            return e;
        }
      }
      mine_until_daa(info->virtual_daa_score + kCoinbaseMaturity / 2 + 20);
    }
    ADD_FAILURE() << "no mature UTXO for " << s().wallet.address;
    return {};
  }

  // The relay fee current kaspad requires (100 sompi per gram of max(compute, transient / 2)) for a 1-in-1-out
  // P2PK spend with this payload, times `factor`.
  std::uint64_t relay_fee(const krpc::UtxosByAddressesEntry& in, const core::Bytes& payload, std::uint64_t factor = 1) {
    auto probe = spend(in, 0, payload);
    return factor * kaspa::minimum_relay_fee_toccata(kaspa::calc_non_contextual_masses(probe));
  }

  // A signed transaction spending `in` to the wallet itself (minus fee) with a payload.
  kaspa::Transaction spend(const krpc::UtxosByAddressesEntry& in, std::uint64_t fee, core::Bytes payload) {
    kaspa::Transaction tx;
    kaspa::TransactionInput i;
    i.previous_outpoint = in.outpoint;
    i.sequence = 0;
    i.compute_commit = kaspa::SigOpCount{1};
    tx.inputs.push_back(i);
    kaspa::TransactionOutput o;
    o.value = in.utxo_entry.amount - fee;
    o.script_public_key = s().wallet.spk;
    tx.outputs.push_back(o);
    tx.payload = std::move(payload);
    const std::vector<kaspa::UtxoEntry> entries{in.utxo_entry};
    tx.storage_mass = kaspa::calc_storage_mass(tx, entries).value_or(0);
    auto r = kaspa::sign_transaction(tx, entries, std::vector<crypto::SecretKey>{s().wallet.key});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return tx;
  }
};

TEST_F(L1Suite, ServerInfoDescribesASimnetNode) {
  auto info = client().get_server_info();
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_NE(info->network_id.find("simnet"), std::string::npos) << info->network_id;
  EXPECT_TRUE(info->has_utxo_index);
  EXPECT_GE(info->rpc_api_version, 1u);
  auto dag = client().get_block_dag_info();
  ASSERT_TRUE(dag.ok()) << dag.error().message;
  EXPECT_NE(dag->network_name.find("simnet"), std::string::npos) << dag->network_name;
  EXPECT_FALSE(dag->tip_hashes.empty());
  auto sink = client().get_sink();
  ASSERT_TRUE(sink.ok());
  EXPECT_EQ(*sink, dag->sink);
}

TEST_F(L1Suite, MinedBlocksExtendTheChainAndAreNotified) {
  s().added.clear();
  auto before = client().get_sink();
  ASSERT_TRUE(before.ok());
  auto mined = s().miner->mine(5);
  ASSERT_TRUE(mined.ok()) << mined.error().message;

  // Each block builds on the previous one: the template's parents are the single tip we just made.
  core::Hash32 prev = *before;
  std::uint64_t prev_blue = 0;
  for (std::size_t i = 0; i < mined->size(); ++i) {
    auto b = client().get_block((*mined)[i], true);
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(kaspa::header_hash(b->header), (*mined)[i]) << "the node's header must hash to the submitted hash";
    ASSERT_TRUE(b->verbose_data.has_value());
    EXPECT_EQ(b->verbose_data->selected_parent_hash, prev);
    EXPECT_EQ(b->header.direct_parents().size(), 1u);
    if (i > 0) EXPECT_EQ(b->header.blue_score, prev_blue + 1);
    ASSERT_FALSE(b->transactions.empty());
    EXPECT_TRUE(b->transactions[0].transaction.is_coinbase());
    prev = (*mined)[i];
    prev_blue = b->header.blue_score;
  }
  auto sink = client().get_sink();
  ASSERT_TRUE(sink.ok());
  EXPECT_EQ(*sink, mined->back());
  auto sbs = client().get_sink_blue_score();
  ASSERT_TRUE(sbs.ok());
  EXPECT_EQ(*sbs, prev_blue);

  // Notifications: BlockAdded for each block in order, the chain reaches the last block, the blue score follows.
  ASSERT_TRUE(s().added.wait_until([&](const auto& v) { return v.size() >= mined->size(); }));
  auto adds = s().added.snapshot();
  for (std::size_t i = 0; i < mined->size(); ++i) EXPECT_EQ(kaspa::header_hash(adds[i].header), (*mined)[i]);
  ASSERT_TRUE(s().vcc.wait_until([&](const auto& v) {
    for (const auto& n : v)
      if (!n.added_chain_block_hashes.empty() && n.added_chain_block_hashes.back() == mined->back()) return true;
    return false;
  }));
  auto chain = notified_chain();
  ASSERT_GE(chain.size(), mined->size());
  EXPECT_TRUE(std::equal(mined->begin(), mined->end(), chain.end() - static_cast<std::ptrdiff_t>(mined->size())));
  ASSERT_TRUE(s().blue_scores.wait_until([&](const auto& v) { return !v.empty() && v.back() == prev_blue; }));

  // GetVirtualChainFromBlock from the first mined block: the other four, oldest first.
  krpc::GetVirtualChainFromBlockParams p;
  p.start_hash = mined->front();
  p.include_accepted_transaction_ids = true;
  auto vc = client().get_virtual_chain_from_block(p);
  ASSERT_TRUE(vc.ok()) << vc.error().message;
  EXPECT_TRUE(vc->removed_chain_block_hashes.empty());
  ASSERT_EQ(vc->added_chain_block_hashes.size(), 4u);
  EXPECT_TRUE(std::equal(mined->begin() + 1, mined->end(), vc->added_chain_block_hashes.begin()));
  ASSERT_EQ(vc->accepted_transaction_ids.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(vc->accepted_transaction_ids[i].accepting_block_hash, vc->added_chain_block_hashes[i]);
    // Every chain block accepts at least its selected parent's coinbase.
    EXPECT_FALSE(vc->accepted_transaction_ids[i].accepted_transaction_ids.empty());
  }

  // GetBlocks from the first mined block includes all of them.
  auto blocks = client().get_blocks(mined->front(), false, false);
  ASSERT_TRUE(blocks.ok()) << blocks.error().message;
  for (const auto& h : *mined)
    EXPECT_NE(std::find(blocks->block_hashes.begin(), blocks->block_hashes.end(), h), blocks->block_hashes.end());
}

TEST_F(L1Suite, ParallelBlocksAreMergedByTheNextBlock) {
  auto siblings = s().miner->mine_parallel(3);
  ASSERT_TRUE(siblings.ok()) << siblings.error().message;
  auto dag = client().get_block_dag_info();
  ASSERT_TRUE(dag.ok());
  for (const auto& h : *siblings)
    EXPECT_NE(std::find(dag->tip_hashes.begin(), dag->tip_hashes.end(), h), dag->tip_hashes.end())
        << "every sibling is a tip before the merge";
  auto merging = s().miner->mine_one();
  ASSERT_TRUE(merging.ok()) << merging.error().message;
  auto b = client().get_block(*merging, false);
  ASSERT_TRUE(b.ok()) << b.error().message;
  auto parents = b->header.direct_parents();
  for (const auto& h : *siblings) EXPECT_NE(std::find(parents.begin(), parents.end(), h), parents.end());
  ASSERT_TRUE(b->verbose_data.has_value());
  const auto& vd = *b->verbose_data;
  EXPECT_NE(std::find(siblings->begin(), siblings->end(), vd.selected_parent_hash), siblings->end());
  // The two non-selected siblings are blue members of the mergeset (k is far larger than 3).
  for (const auto& h : *siblings) {
    if (h == vd.selected_parent_hash) continue;
    EXPECT_NE(std::find(vd.merge_set_blues_hashes.begin(), vd.merge_set_blues_hashes.end(), h),
              vd.merge_set_blues_hashes.end());
  }
  EXPECT_TRUE(vd.merge_set_reds_hashes.empty());
  auto sp = client().get_block(vd.selected_parent_hash, false);
  ASSERT_TRUE(sp.ok());
  // Blue score counts the selected parent's blue score plus every blue in the mergeset (selected parent included).
  EXPECT_EQ(b->header.blue_score, sp->header.blue_score + vd.merge_set_blues_hashes.size());
}

TEST_F(L1Suite, PayloadTransactionIsAcceptedWithItsNotifications) {
  const auto in = mature_utxo();
  ASSERT_GT(in.utxo_entry.amount, 100'000u);
  auto balance = client().get_balance_by_address(s().wallet.address);
  ASSERT_TRUE(balance.ok()) << balance.error().message;
  EXPECT_GE(*balance, in.utxo_entry.amount);

  core::Bytes payload(40);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(0x90 + i);
  const std::uint64_t fee = relay_fee(in, payload);
  // Below the relay fee: not standard, rejected with the node's reason.
  auto cheap = client().submit_transaction(spend(in, fee / 10, payload));
  ASSERT_FALSE(cheap.ok());
  EXPECT_NE(krpc::rpc_error_message(cheap.error()).find("under the required amount"), std::string::npos)
      << krpc::rpc_error_message(cheap.error());
  std::fprintf(stderr, "[low fee] %s\n", krpc::rpc_error_message(cheap.error()).c_str());
  auto tx = spend(in, fee, payload);
  const auto want_id = kaspa::transaction_id(tx);
  s().utxos.clear();
  auto id = client().submit_transaction(tx);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, want_id);

  auto pool = client().get_mempool_entries(false, false);
  ASSERT_TRUE(pool.ok()) << pool.error().message;
  auto it = std::find_if(pool->begin(), pool->end(), [&](const auto& e) {
    return kaspa::transaction_id(e.transaction.transaction) == want_id;
  });
  ASSERT_NE(it, pool->end());
  EXPECT_EQ(it->fee, fee);
  EXPECT_EQ(it->transaction.transaction.payload, payload);

  // Mine until the transaction is accepted by a chain block.
  std::optional<core::Hash32> accepting;
  for (int i = 0; i < 10 && !accepting; ++i) {
    ASSERT_TRUE(s().miner->mine_one().ok());
    for (const auto& n : s().vcc.snapshot())
      for (const auto& a : n.accepted_transaction_ids)
        if (std::find(a.accepted_transaction_ids.begin(), a.accepted_transaction_ids.end(), want_id) !=
            a.accepted_transaction_ids.end())
          accepting = a.accepting_block_hash;
    if (!accepting) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(accepting.has_value()) << "no VirtualChainChanged reported the transaction as accepted";

  // UtxosChanged: the spent outpoint removed, the new output added.
  const kaspa::Outpoint created{want_id, 0};
  ASSERT_TRUE(s().utxos.wait_until([&](const auto& v) {
    bool rm = false, add = false;
    for (const auto& u : v) {
      for (const auto& e : u.removed) rm |= e.outpoint == in.outpoint;
      for (const auto& e : u.added) add |= e.outpoint == created && e.utxo_entry.amount == in.utxo_entry.amount - fee;
    }
    return rm && add;
  })) << "UtxosChanged did not report the spend";
  auto utxos = client().get_utxos_by_addresses({s().wallet.address});
  ASSERT_TRUE(utxos.ok());
  bool has_new = false, has_old = false;
  for (const auto& e : *utxos) {
    has_new |= e.outpoint == created;
    has_old |= e.outpoint == in.outpoint;
  }
  EXPECT_TRUE(has_new);
  EXPECT_FALSE(has_old);

  // The block that contains the transaction is in the accepting block's mergeset and carries it byte for byte
  // (payload included).
  auto acc = client().get_block(*accepting, false);
  ASSERT_TRUE(acc.ok()) << acc.error().message;
  ASSERT_TRUE(acc->verbose_data.has_value());
  std::vector<core::Hash32> mergeset = acc->verbose_data->merge_set_blues_hashes;
  mergeset.insert(mergeset.end(), acc->verbose_data->merge_set_reds_hashes.begin(),
                  acc->verbose_data->merge_set_reds_hashes.end());
  bool found = false;
  for (const auto& h : mergeset) {
    auto b = client().get_block(h, true);
    ASSERT_TRUE(b.ok()) << b.error().message;
    for (const auto& t : b->transactions)
      if (kaspa::transaction_id(t.transaction) == want_id) {
        found = true;
        EXPECT_EQ(t.transaction.payload, payload);
        EXPECT_EQ(t.transaction.inputs.size(), 1u);
      }
  }
  EXPECT_TRUE(found);

  // A second spend of the same outpoint is rejected with a message.
  auto again = spend(in, fee * 2, {});
  auto r = client().submit_transaction(again);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(krpc::is_rpc_error(r.error())) << r.error().message;
  std::fprintf(stderr, "[double spend] %s\n", krpc::rpc_error_message(r.error()).c_str());
}

TEST_F(L1Suite, ReplacementByFeeSwapsTheMempoolTransaction) {
  const auto in = mature_utxo();
  auto first = spend(in, relay_fee(in, {0x01}), {0x01});
  auto id1 = client().submit_transaction(first);
  ASSERT_TRUE(id1.ok()) << id1.error().message;
  // The same input again, without replacement: a double spend in the mempool.
  auto second = spend(in, relay_fee(in, {0x02}, 3), {0x02});
  auto plain = client().submit_transaction(second);
  ASSERT_FALSE(plain.ok());
  std::fprintf(stderr, "[mempool double spend] %s\n", krpc::rpc_error_message(plain.error()).c_str());
  auto rep = client().submit_transaction_replacement(second);
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  EXPECT_EQ(rep->transaction_id, kaspa::transaction_id(second));
  EXPECT_EQ(kaspa::transaction_id(rep->replaced_transaction.transaction), *id1);
  auto pool = client().get_mempool_entries(false, false);
  ASSERT_TRUE(pool.ok());
  bool has1 = false, has2 = false;
  for (const auto& e : *pool) {
    const auto id = kaspa::transaction_id(e.transaction.transaction);
    has1 |= id == *id1;
    has2 |= id == rep->transaction_id;
  }
  EXPECT_FALSE(has1);
  EXPECT_TRUE(has2);
  ASSERT_TRUE(s().miner->mine(2).ok());
}

TEST_F(L1Suite, FeeEstimateIsOrdered) {
  auto fe = client().get_fee_estimate();
  ASSERT_TRUE(fe.ok()) << fe.error().message;
  EXPECT_GE(fe->priority_bucket.feerate, 1.0);
  double last = fe->priority_bucket.feerate;
  for (const auto& b : fe->normal_buckets) {
    EXPECT_LE(b.feerate, last);
    last = b.feerate;
  }
  for (const auto& b : fe->low_buckets) {
    EXPECT_LE(b.feerate, last);
    last = b.feerate;
  }
}

TEST_F(L1Suite, RpcErrorsCarryTheNodesMessage) {
  core::Hash32 unknown;
  unknown[0] = 0xAB;
  auto b = client().get_block(unknown, false);
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(krpc::is_rpc_error(b.error())) << b.error().message;
  std::fprintf(stderr, "[unknown block] %s\n", krpc::rpc_error_message(b.error()).c_str());
  auto bad = client().get_utxos_by_addresses({"kaspasim:notanaddress"});
  ASSERT_FALSE(bad.ok());
  std::fprintf(stderr, "[bad address] %s\n", krpc::rpc_error_message(bad.error()).c_str());
}

TEST_F(L1Suite, ReorgReachesTheClientInOrder) {
  if (kaspad()) GTEST_SKIP() << "forcing a reorg on one kaspad needs a second node; covered against kaspa-simnet";
  auto pre = s().miner->mine(6);
  ASSERT_TRUE(pre.ok());
  // Let the notifications of these blocks arrive before clearing, so only the reorg's remain.
  ASSERT_TRUE(s().vcc.wait_until([&](const auto& v) {
    for (const auto& n : v)
      if (!n.added_chain_block_hashes.empty() && n.added_chain_block_hashes.back() == pre->back()) return true;
    return false;
  }));
  s().vcc.clear();
  auto change = client().simnet_reorg(3, false);
  ASSERT_TRUE(change.ok()) << change.error().message;
  ASSERT_GE(change->removed_chain_block_hashes.size(), 3u);
  ASSERT_GT(change->added_chain_block_hashes.size(), change->removed_chain_block_hashes.size() - 1);
  ASSERT_TRUE(s().vcc.wait_until([&](const auto& v) {
    for (const auto& n : v)
      if (!n.added_chain_block_hashes.empty() &&
          n.added_chain_block_hashes.back() == change->added_chain_block_hashes.back())
        return true;
    return false;
  }));
  // The notifications, concatenated, say exactly what the reorg did: remove newest first, then add oldest first.
  std::vector<core::Hash32> removed, added;
  for (const auto& n : s().vcc.snapshot()) {
    removed.insert(removed.end(), n.removed_chain_block_hashes.begin(), n.removed_chain_block_hashes.end());
    added.insert(added.end(), n.added_chain_block_hashes.begin(), n.added_chain_block_hashes.end());
  }
  EXPECT_EQ(removed, change->removed_chain_block_hashes);
  EXPECT_EQ(added, change->added_chain_block_hashes);
  // The new chain is consistent: each added block's selected parent is the previous one.
  auto first = client().get_block(change->added_chain_block_hashes.front(), false);
  ASSERT_TRUE(first.ok());
  auto removed_last = client().get_block(change->removed_chain_block_hashes.back(), false);
  ASSERT_TRUE(removed_last.ok());
  EXPECT_EQ(first->verbose_data->selected_parent_hash, removed_last->verbose_data->selected_parent_hash)
      << "both branches fork from the same chain block";
  for (std::size_t i = 1; i < change->added_chain_block_hashes.size(); ++i) {
    auto b = client().get_block(change->added_chain_block_hashes[i], false);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->verbose_data->selected_parent_hash, change->added_chain_block_hashes[i - 1]);
  }
  auto sink = client().get_sink();
  ASSERT_TRUE(sink.ok());
  EXPECT_EQ(*sink, change->added_chain_block_hashes.back());
  // Our miner keeps working on the new chain.
  auto next = s().miner->mine_one();
  ASSERT_TRUE(next.ok()) << next.error().message;
  auto nb = client().get_block(*next, false);
  ASSERT_TRUE(nb.ok());
  EXPECT_EQ(nb->verbose_data->selected_parent_hash, change->added_chain_block_hashes.back());
}

TEST_F(L1Suite, WithheldBlocksStayPrivateUntilReleased) {
  if (kaspad()) GTEST_SKIP() << "withholding is a kaspa-simnet control call";
  auto sink0 = client().get_sink();
  ASSERT_TRUE(sink0.ok());
  ASSERT_TRUE(client().simnet_set_withholding(0, true).ok());
  auto mined = client().simnet_mine(3);
  ASSERT_TRUE(mined.ok()) << mined.error().message;
  ASSERT_EQ(mined->size(), 3u);
  auto sink1 = client().get_sink();
  ASSERT_TRUE(sink1.ok());
  EXPECT_EQ(*sink1, *sink0) << "withheld blocks must not reach the node";
  EXPECT_FALSE(client().get_block(mined->front(), false).ok());
  ASSERT_TRUE(client().simnet_set_withholding(0, false).ok());
  auto released = client().simnet_release_withheld();
  ASSERT_TRUE(released.ok()) << released.error().message;
  EXPECT_EQ(*released, *mined);
  auto sink2 = client().get_sink();
  ASSERT_TRUE(sink2.ok());
  EXPECT_EQ(*sink2, mined->back());
  // An unknown miner is an error with a message.
  auto bad = client().simnet_set_withholding(99, true);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(krpc::rpc_error_message(bad.error()).find("no miner 99"), std::string::npos);
}

}  // namespace
}  // namespace igra

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new igra::L1Env);
  return RUN_ALL_TESTS();
}
