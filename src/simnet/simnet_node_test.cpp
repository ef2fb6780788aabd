// Integration tests of SimnetNode behind RpcServer over real sockets on 127.0.0.1, driven by kaspa::rpc::Client:
// chain queries agree with the simnet's own chain, a signed transaction goes mempool -> accepted with its
// notifications, a double spend is rejected with kaspad's message, a forced reorg reaches the client in the right
// order; and the real kaspa-simnet binary is launched, queried and stopped with SIGTERM.
#include "simnet/simnet_node.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/hex.hpp"
#include "kaspa/rpc/client.hpp"
#include "support/inbox.hpp"
#include "kaspa/script_class.hpp"
#include "simnet/rpc_server.hpp"
#include "simnet/rpc_test_support.hpp"
#include "simnet/tx_test_support.hpp"

namespace igra::simnet {
namespace {

namespace krpc = kaspa::rpc;
using namespace std::chrono_literals;
using testing::Wallet;
using ::igra::testing::Inbox;

constexpr std::uint64_t kMaturity = 5;

std::string address_of(const kaspa::ScriptPublicKey& spk) {
  auto a = kaspa::extract_script_public_key_address(spk, kaspa::Prefix::kSimnet);
  EXPECT_TRUE(a.ok());
  return a.ok() ? a->to_string() : std::string();
}


class SimnetNodeRpc : public ::testing::Test {
 protected:
  void SetUp() override {
    miner_ = testing::wallet(1);
    SimnetNodeConfig cfg;
    cfg.simnet.clock_mode = ClockMode::kFast;
    cfg.simnet.seed = 7;
    cfg.simnet.consensus.ghostdag.k = 18;
    cfg.simnet.consensus.ghostdag.mergeset_size_limit = 36;
    cfg.simnet.consensus.coinbase_maturity = kMaturity;
    cfg.simnet.propagation_delay_ms = 300;  // parallel blocks with 2 miners
    cfg.simnet.miners.push_back(MinerConfig{miner_.spk, {}, 1.0});
    cfg.simnet.miners.push_back(MinerConfig{miner_.spk, {}, 1.0});
    cfg.max_virtual_chain_added = max_virtual_chain_added_;
    node_ = std::make_unique<SimnetNode>(cfg);
    testing::serve_and_connect(*node_, server_, client_, 10'000ms);
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    node_.reset();
  }

  void mine(std::size_t n) { ASSERT_TRUE(node_->mine_blocks(n).ok()); }

  // The chain from genesis to the sink, walked over RPC by selected parents.
  std::vector<core::Hash32> rpc_chain_walk() {
    std::vector<core::Hash32> chain;
    auto sink = client_->get_sink();
    EXPECT_TRUE(sink.ok());
    if (!sink.ok()) return chain;
    core::Hash32 cur = *sink;
    for (;;) {
      auto b = client_->get_block(cur, false);
      EXPECT_TRUE(b.ok()) << b.error().message;
      if (!b.ok() || !b->verbose_data) break;
      EXPECT_TRUE(b->verbose_data->is_chain_block);
      chain.push_back(cur);
      if (b->header.parents_by_level.empty() || b->header.parents_by_level[0].empty()) break;  // genesis
      cur = b->verbose_data->selected_parent_hash;
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
  }

  // A matured coinbase output of the miner (over RPC).
  testing::Spend matured_coin(std::size_t skip = 0) {
    testing::Spend out;
    auto info = client_->get_server_info();
    EXPECT_TRUE(info.ok());
    auto utxos = client_->get_utxos_by_addresses({address_of(miner_.spk)});
    EXPECT_TRUE(utxos.ok());
    if (!info.ok() || !utxos.ok()) return out;
    for (const auto& e : *utxos) {
      if (e.utxo_entry.is_coinbase && e.utxo_entry.block_daa_score + kMaturity + 2 <= info->virtual_daa_score) {
        if (skip-- == 0) return {e.outpoint, e.utxo_entry};
      }
    }
    ADD_FAILURE() << "no matured coinbase";
    return out;
  }

  std::size_t max_virtual_chain_added_ = 1000;
  Wallet miner_;
  std::unique_ptr<SimnetNode> node_;
  std::unique_ptr<RpcServer> server_;
  std::unique_ptr<krpc::Client> client_;
};

TEST_F(SimnetNodeRpc, ServerInfoAndChainQueriesAgreeWithTheSimnet) {
  mine(60);
  auto info = client_->get_server_info();
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->network_id, "simnet");
  EXPECT_TRUE(info->has_utxo_index);
  EXPECT_TRUE(info->is_synced);
  const auto stats = node_->stats();
  EXPECT_EQ(info->virtual_daa_score, stats.virtual_daa_score);
  EXPECT_GT(info->virtual_daa_score, 0u);

  const auto chain = node_->selected_chain();
  auto dag = client_->get_block_dag_info();
  ASSERT_TRUE(dag.ok());
  EXPECT_EQ(dag->network_name, "kaspa-simnet");
  EXPECT_EQ(dag->block_count, 61u);
  EXPECT_EQ(dag->sink, chain.back());
  EXPECT_EQ(dag->pruning_point_hash, chain.front());
  EXPECT_FALSE(dag->tip_hashes.empty());
  auto sink = client_->get_sink();
  ASSERT_TRUE(sink.ok());
  EXPECT_EQ(*sink, chain.back());
  auto sbs = client_->get_sink_blue_score();
  ASSERT_TRUE(sbs.ok());
  EXPECT_EQ(*sbs, stats.sink_blue_score);

  // An independent walk of selected parents over GetBlock reproduces the simnet's chain.
  EXPECT_EQ(rpc_chain_walk(), chain);

  // GetVirtualChainFromBlock from genesis: the whole chain, accepted ids per added block.
  krpc::GetVirtualChainFromBlockParams p;
  p.start_hash = chain.front();
  p.include_accepted_transaction_ids = true;
  auto vc = client_->get_virtual_chain_from_block(p);
  ASSERT_TRUE(vc.ok()) << vc.error().message;
  EXPECT_TRUE(vc->removed_chain_block_hashes.empty());
  EXPECT_EQ(vc->added_chain_block_hashes, std::vector<core::Hash32>(chain.begin() + 1, chain.end()));
  ASSERT_EQ(vc->accepted_transaction_ids.size(), vc->added_chain_block_hashes.size());
  for (std::size_t i = 0; i < vc->accepted_transaction_ids.size(); ++i) {
    EXPECT_EQ(vc->accepted_transaction_ids[i].accepting_block_hash, vc->added_chain_block_hashes[i]);
    EXPECT_FALSE(vc->accepted_transaction_ids[i].accepted_transaction_ids.empty());  // at least the coinbase
  }
  // minConfirmationCount drops the youngest chain blocks.
  p.min_confirmation_count = 5;
  auto vc5 = client_->get_virtual_chain_from_block(p);
  ASSERT_TRUE(vc5.ok());
  ASSERT_LT(vc5->added_chain_block_hashes.size(), vc->added_chain_block_hashes.size());
  for (const auto& h : vc5->added_chain_block_hashes) {
    auto b = client_->get_block(h, false);
    ASSERT_TRUE(b.ok());
    EXPECT_LE(b->verbose_data->blue_score + 5, *sbs);
  }
  // From a mid-chain block: only the blocks above it.
  p.min_confirmation_count.reset();
  p.start_hash = chain[chain.size() / 2];
  auto vc_mid = client_->get_virtual_chain_from_block(p);
  ASSERT_TRUE(vc_mid.ok());
  EXPECT_EQ(vc_mid->added_chain_block_hashes,
            std::vector<core::Hash32>(chain.begin() + static_cast<std::ptrdiff_t>(chain.size() / 2 + 1), chain.end()));

  // GetBlock with transactions and verbose data.
  auto blk = client_->get_block(chain.back(), true);
  ASSERT_TRUE(blk.ok());
  EXPECT_EQ(blk->hash, chain.back());
  ASSERT_TRUE(blk->verbose_data);
  EXPECT_EQ(blk->verbose_data->hash, chain.back());
  EXPECT_EQ(blk->verbose_data->selected_parent_hash, chain[chain.size() - 2]);
  ASSERT_FALSE(blk->verbose_data->merge_set_blues_hashes.empty());
  EXPECT_EQ(blk->verbose_data->merge_set_blues_hashes.front(), chain[chain.size() - 2]);
  ASSERT_FALSE(blk->transactions.empty());
  EXPECT_TRUE(blk->transactions.front().transaction.is_coinbase());
  EXPECT_EQ(blk->verbose_data->transaction_ids.size(), blk->transactions.size());
  auto parent = client_->get_block(chain[chain.size() - 2], false);
  ASSERT_TRUE(parent.ok());
  const auto& ch = parent->verbose_data->children_hashes;
  EXPECT_NE(std::find(ch.begin(), ch.end(), chain.back()), ch.end());

  // GetBlocks from genesis: every block; unknown hashes: kaspad's error.
  auto blocks = client_->get_blocks(std::nullopt, true, false);
  ASSERT_TRUE(blocks.ok());
  EXPECT_EQ(blocks->block_hashes.size(), 61u);
  EXPECT_EQ(blocks->blocks.size(), 61u);
  core::Hash32 unknown;
  unknown.bytes.fill(0xee);
  auto missing = client_->get_block(unknown, false);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(krpc::rpc_error_message(missing.error()), "cannot find header " + core::to_hex(unknown));

  auto fee = client_->get_fee_estimate();
  ASSERT_TRUE(fee.ok());
  EXPECT_GE(fee->priority_bucket.feerate, 1.0);
}

TEST_F(SimnetNodeRpc, SignedTransactionIsAcceptedAndNotified) {
  const Wallet recipient = testing::wallet(2);
  const std::string recipient_addr = address_of(recipient.spk);
  const std::string miner_addr = address_of(miner_.spk);

  Inbox<krpc::VirtualChainChanged> vcc;
  Inbox<krpc::UtxosChanged> utxos;
  Inbox<krpc::Block> added_blocks;
  Inbox<std::uint64_t> blue_scores;
  ASSERT_TRUE(client_->subscribe_virtual_chain_changed(true, [&](const auto& c) { vcc.push(c); }).ok());
  ASSERT_TRUE(client_->subscribe_utxos_changed({recipient_addr}, [&](const auto& c) { utxos.push(c); }).ok());
  ASSERT_TRUE(client_->subscribe_block_added([&](const auto& b) { added_blocks.push(b); }).ok());
  ASSERT_TRUE(client_->subscribe_sink_blue_score_changed([&](std::uint64_t s) { blue_scores.push(s); }).ok());

  mine(30);
  EXPECT_TRUE(added_blocks.wait_for([](const krpc::Block& b) { return b.verbose_data.has_value(); }));
  EXPECT_TRUE(blue_scores.wait_for([](std::uint64_t s) { return s > 0; }));

  // A matured coinbase output of the miner.
  auto info = client_->get_server_info();
  ASSERT_TRUE(info.ok());
  auto mine_utxos = client_->get_utxos_by_addresses({miner_addr});
  ASSERT_TRUE(mine_utxos.ok()) << mine_utxos.error().message;
  ASSERT_FALSE(mine_utxos->empty());
  std::optional<krpc::UtxosByAddressesEntry> coin;
  for (const auto& e : *mine_utxos) {
    EXPECT_EQ(e.address, miner_addr);
    if (e.utxo_entry.is_coinbase && e.utxo_entry.block_daa_score + kMaturity + 2 <= info->virtual_daa_score) {
      coin = e;
      break;
    }
  }
  ASSERT_TRUE(coin.has_value());
  auto miner_balance = client_->get_balance_by_address(miner_addr);
  ASSERT_TRUE(miner_balance.ok());
  EXPECT_GE(*miner_balance, coin->utxo_entry.amount);

  const std::uint64_t fee = 100'000;
  const std::uint64_t amount = coin->utxo_entry.amount - fee;
  const testing::Spend spend{coin->outpoint, coin->utxo_entry};
  const kaspa::Transaction tx = testing::signed_tx(miner_, {spend}, {{amount, recipient.spk}});
  const kaspa::TransactionId txid = kaspa::transaction_id(tx);
  auto submitted = client_->submit_transaction(tx);
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ(*submitted, txid);

  auto pool = client_->get_mempool_entries(false, false);
  ASSERT_TRUE(pool.ok());
  ASSERT_EQ(pool->size(), 1u);
  EXPECT_EQ(pool->front().fee, fee);
  EXPECT_EQ(kaspa::transaction_id(pool->front().transaction.transaction), txid);

  // A double spend of the same outpoint: kaspad's message.
  const kaspa::Transaction ds = testing::signed_tx(miner_, {spend}, {{amount - 1000, miner_.spk}});
  auto rejected = client_->submit_transaction(ds);
  ASSERT_FALSE(rejected.ok());
  const std::string msg = krpc::rpc_error_message(rejected.error());
  EXPECT_EQ(msg, "Rejected transaction " + core::to_hex(kaspa::transaction_id(ds)) + ": output (" +
                     core::to_hex(coin->outpoint.transaction_id) + ", " + std::to_string(coin->outpoint.index) +
                     ") already spent by transaction " + core::to_hex(txid) + " in the memory pool")
      << msg;
  // Resubmitting the same tx.
  auto again = client_->submit_transaction(tx);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(krpc::rpc_error_message(again.error()), "Rejected transaction " + core::to_hex(txid) +
                                                        ": transaction " + core::to_hex(txid) +
                                                        " is already in the mempool");

  // Mine until a chain block accepts it; the VirtualChainChanged notification carries its id.
  mine(5);
  auto accepted = vcc.wait_for([&](const krpc::VirtualChainChanged& c) {
    for (const auto& a : c.accepted_transaction_ids)
      if (std::find(a.accepted_transaction_ids.begin(), a.accepted_transaction_ids.end(), txid) !=
          a.accepted_transaction_ids.end())
        return true;
    return false;
  });
  ASSERT_TRUE(accepted.has_value());
  auto got = utxos.wait_for([&](const krpc::UtxosChanged& c) {
    for (const auto& e : c.added)
      if (e.address == recipient_addr && e.outpoint.transaction_id == txid && e.utxo_entry.amount == amount)
        return true;
    return false;
  });
  ASSERT_TRUE(got.has_value());
  for (const auto& c : utxos.snapshot()) {  // only the subscribed address is delivered
    for (const auto& e : c.added) EXPECT_EQ(e.address, recipient_addr);
    for (const auto& e : c.removed) EXPECT_EQ(e.address, recipient_addr);
  }
  auto balance = client_->get_balance_by_address(recipient_addr);
  ASSERT_TRUE(balance.ok());
  EXPECT_EQ(*balance, amount);
  auto r_utxos = client_->get_utxos_by_addresses({recipient_addr});
  ASSERT_TRUE(r_utxos.ok());
  ASSERT_EQ(r_utxos->size(), 1u);
  EXPECT_EQ(r_utxos->front().outpoint, (kaspa::Outpoint{txid, 0}));
  auto pool_after = client_->get_mempool_entries(false, false);
  ASSERT_TRUE(pool_after.ok());
  EXPECT_TRUE(pool_after->empty());
  // Now the conflicting tx is a spend of a spent output.
  auto late = client_->submit_transaction(ds);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(krpc::rpc_error_message(late.error()).rfind("Rejected transaction " + core::to_hex(kaspa::transaction_id(ds)), 0), 0u);
}

TEST_F(SimnetNodeRpc, ForcedReorgNotificationIsOrdered) {
  Inbox<krpc::VirtualChainChanged> vcc;
  ASSERT_TRUE(client_->subscribe_virtual_chain_changed(true, [&](const auto& c) { vcc.push(c); }).ok());
  mine(40);
  const auto before = node_->selected_chain();
  ASSERT_TRUE(vcc.wait_for([&](const krpc::VirtualChainChanged& c) {
    return !c.added_chain_block_hashes.empty() && c.added_chain_block_hashes.back() == before.back();
  }));
  vcc.clear();

  auto change = node_->reorg_from_depth(4);
  ASSERT_TRUE(change.ok()) << change.error().message;
  const auto after = node_->selected_chain();
  ASSERT_FALSE(change->removed.empty());
  ASSERT_FALSE(change->added.empty());

  auto note = vcc.wait_for([](const krpc::VirtualChainChanged& c) { return !c.removed_chain_block_hashes.empty(); });
  ASSERT_TRUE(note.has_value());
  // Removed: the old chain's tail, newest first; added: the new chain's tail, oldest first.
  const std::size_t nr = note->removed_chain_block_hashes.size();
  ASSERT_LE(nr, before.size());
  std::vector<core::Hash32> old_tail(before.end() - static_cast<std::ptrdiff_t>(nr), before.end());
  std::reverse(old_tail.begin(), old_tail.end());
  EXPECT_EQ(note->removed_chain_block_hashes, old_tail);
  EXPECT_EQ(note->removed_chain_block_hashes.front(), before.back());
  const std::size_t fork = before.size() - nr;  // chain index of the first removed block
  ASSERT_LE(fork, after.size());
  EXPECT_TRUE(std::equal(before.begin(), before.begin() + static_cast<std::ptrdiff_t>(fork), after.begin()));
  EXPECT_EQ(note->added_chain_block_hashes,
            std::vector<core::Hash32>(after.begin() + static_cast<std::ptrdiff_t>(fork), after.end()));
  EXPECT_EQ(note->removed_chain_block_hashes, change->removed);
  EXPECT_EQ(note->added_chain_block_hashes, change->added);
  ASSERT_EQ(note->accepted_transaction_ids.size(), note->added_chain_block_hashes.size());

  // GetVirtualChainFromBlock from the old sink reports the same flip.
  krpc::GetVirtualChainFromBlockParams p;
  p.start_hash = before.back();
  auto vc = client_->get_virtual_chain_from_block(p);
  ASSERT_TRUE(vc.ok()) << vc.error().message;
  EXPECT_EQ(vc->removed_chain_block_hashes, old_tail);
  EXPECT_EQ(vc->added_chain_block_hashes, note->added_chain_block_hashes);
  EXPECT_EQ(rpc_chain_walk(), after);
}

TEST_F(SimnetNodeRpc, BlockTemplateAndSubmitBlock) {
  mine(3);
  const std::string addr = address_of(miner_.spk);
  auto tmpl = client_->get_block_template(addr, "igra-test");
  ASSERT_TRUE(tmpl.ok()) << tmpl.error().message;
  EXPECT_TRUE(tmpl->is_synced);
  auto report = client_->submit_block(tmpl->block);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->result, krpc::SubmitBlockResult::kSuccess) << report->message;
  auto sink = client_->get_sink();
  ASSERT_TRUE(sink.ok());
  EXPECT_EQ(*sink, kaspa::header_hash(tmpl->block.header));
  // A tampered block is rejected.
  krpc::Block bad = tmpl->block;
  bad.header.daa_score += 1;
  auto bad_report = client_->submit_block(bad);
  ASSERT_TRUE(bad_report.ok());
  EXPECT_EQ(bad_report->result, krpc::SubmitBlockResult::kBlockInvalid);
  EXPECT_EQ(bad_report->message, "Block was not submitted: block is invalid");
}

TEST_F(SimnetNodeRpc, ReplacementByFee) {
  mine(30);
  const Wallet recipient = testing::wallet(3);
  const testing::Spend coin = matured_coin();
  const kaspa::Transaction tx1 = testing::signed_tx(miner_, {coin}, {{coin.entry.amount - 100'000, recipient.spk}});
  ASSERT_TRUE(client_->submit_transaction(tx1).ok());
  // Lower fee rate: refused.
  const kaspa::Transaction low = testing::signed_tx(miner_, {coin}, {{coin.entry.amount - 50'000, recipient.spk}});
  auto refused = client_->submit_transaction_replacement(low);
  ASSERT_FALSE(refused.ok());
  const std::string msg = krpc::rpc_error_message(refused.error());
  EXPECT_EQ(msg.rfind("Rejected transaction " + core::to_hex(kaspa::transaction_id(low)) + ": ", 0), 0u) << msg;
  EXPECT_NE(msg.find("fee rate"), std::string::npos) << msg;
  // Higher fee rate: replaces tx1.
  const kaspa::Transaction tx2 = testing::signed_tx(miner_, {coin}, {{coin.entry.amount - 300'000, recipient.spk}});
  auto replaced = client_->submit_transaction_replacement(tx2);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_EQ(replaced->transaction_id, kaspa::transaction_id(tx2));
  EXPECT_EQ(kaspa::transaction_id(replaced->replaced_transaction.transaction), kaspa::transaction_id(tx1));
  auto pool = client_->get_mempool_entries(false, false);
  ASSERT_TRUE(pool.ok());
  ASSERT_EQ(pool->size(), 1u);
  EXPECT_EQ(kaspa::transaction_id(pool->front().transaction.transaction), kaspa::transaction_id(tx2));
  EXPECT_EQ(pool->front().fee, 300'000u);
  // A replacement without a conflict is refused.
  const testing::Spend other = matured_coin(1);
  const kaspa::Transaction lone = testing::signed_tx(miner_, {other}, {{other.entry.amount - 100'000, recipient.spk}});
  auto no_conflict = client_->submit_transaction_replacement(lone);
  ASSERT_FALSE(no_conflict.ok());
  EXPECT_NE(krpc::rpc_error_message(no_conflict.error()).find("replace by fee found no double spending transaction"),
            std::string::npos);
}

// A transaction accepted by a chain block that a reorg removes: the new chain accepts it again, or it returns to
// the mempool, or (as in kaspad) the virtual still accepts it by merging the old branch. Mining on, the new chain
// accepts it exactly once and the balance follows.
TEST_F(SimnetNodeRpc, ReorgedTransactionIsAcceptedAgain) {
  mine(30);
  const Wallet recipient = testing::wallet(4);
  const std::string recipient_addr = address_of(recipient.spk);
  const testing::Spend coin = matured_coin();
  const std::uint64_t amount = coin.entry.amount - 100'000;
  const kaspa::Transaction tx = testing::signed_tx(miner_, {coin}, {{amount, recipient.spk}});
  const kaspa::TransactionId txid = kaspa::transaction_id(tx);
  ASSERT_TRUE(client_->submit_transaction(tx).ok());
  mine(8);
  auto pool = client_->get_mempool_entries(false, false);
  ASSERT_TRUE(pool.ok());
  ASSERT_TRUE(pool->empty());
  auto bal = client_->get_balance_by_address(recipient_addr);
  ASSERT_TRUE(bal.ok());
  EXPECT_EQ(*bal, amount);
  const auto before = node_->selected_chain();

  auto change = node_->reorg_from_depth(6);
  ASSERT_TRUE(change.ok()) << change.error().message;
  bool reaccepted = false;
  for (const auto& ids : change->accepted_ids)
    reaccepted = reaccepted || std::find(ids.begin(), ids.end(), txid) != ids.end();
  auto pool_after = client_->get_mempool_entries(false, false);
  ASSERT_TRUE(pool_after.ok());
  const bool in_pool = !pool_after->empty();
  EXPECT_FALSE(reaccepted && in_pool);
  auto bal_after = client_->get_balance_by_address(recipient_addr);
  ASSERT_TRUE(bal_after.ok());
  EXPECT_EQ(*bal_after, reaccepted ? amount : 0u);

  mine(5);
  auto bal_final = client_->get_balance_by_address(recipient_addr);
  ASSERT_TRUE(bal_final.ok());
  EXPECT_EQ(*bal_final, amount);
  auto pool_final = client_->get_mempool_entries(false, false);
  ASSERT_TRUE(pool_final.ok());
  EXPECT_TRUE(pool_final->empty());
  // From the old sink: the old chain is removed and the new chain accepts the tx exactly once.
  krpc::GetVirtualChainFromBlockParams p;
  p.start_hash = before.back();
  p.include_accepted_transaction_ids = true;
  auto vc = client_->get_virtual_chain_from_block(p);
  ASSERT_TRUE(vc.ok()) << vc.error().message;
  EXPECT_FALSE(vc->removed_chain_block_hashes.empty());
  int times = 0;
  for (const auto& a : vc->accepted_transaction_ids)
    times += static_cast<int>(std::count(a.accepted_transaction_ids.begin(), a.accepted_transaction_ids.end(), txid));
  EXPECT_EQ(times, 1);
}

class SimnetNodeRpcBatched : public SimnetNodeRpc {
 protected:
  void SetUp() override {
    max_virtual_chain_added_ = 10;
    SimnetNodeRpc::SetUp();
  }
};

// GetVirtualChainFromBlock answers in batches; asking again from the last added block walks the whole chain.
TEST_F(SimnetNodeRpcBatched, VirtualChainIsBatched) {
  mine(45);
  const auto chain = node_->selected_chain();
  ASSERT_GT(chain.size(), 21u);
  std::vector<core::Hash32> walked;
  krpc::GetVirtualChainFromBlockParams p;
  p.start_hash = chain.front();
  p.include_accepted_transaction_ids = true;
  for (int i = 0; i < 100; ++i) {
    auto vc = client_->get_virtual_chain_from_block(p);
    ASSERT_TRUE(vc.ok()) << vc.error().message;
    EXPECT_LE(vc->added_chain_block_hashes.size(), 10u);
    EXPECT_EQ(vc->accepted_transaction_ids.size(), vc->added_chain_block_hashes.size());
    if (vc->added_chain_block_hashes.empty()) break;
    walked.insert(walked.end(), vc->added_chain_block_hashes.begin(), vc->added_chain_block_hashes.end());
    p.start_hash = vc->added_chain_block_hashes.back();
  }
  EXPECT_EQ(walked, std::vector<core::Hash32>(chain.begin() + 1, chain.end()));
  // GetBlocks from a low hash: that block and its future only.
  auto blocks = client_->get_blocks(chain[chain.size() - 3], false, false);
  ASSERT_TRUE(blocks.ok());
  ASSERT_FALSE(blocks->block_hashes.empty());
  EXPECT_EQ(blocks->block_hashes.front(), chain[chain.size() - 3]);
  for (std::size_t i = chain.size() - 3; i < chain.size(); ++i)
    EXPECT_NE(std::find(blocks->block_hashes.begin(), blocks->block_hashes.end(), chain[i]), blocks->block_hashes.end());
  EXPECT_EQ(std::find(blocks->block_hashes.begin(), blocks->block_hashes.end(), chain[chain.size() - 4]),
            blocks->block_hashes.end());
}

// --- the real binary ---------------------------------------------------------------------------------------------

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return 0;
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

#ifdef KASPA_SIMNET_BIN
TEST(KaspaSimnetBinary, ServesGetServerInfoAndExitsOnSigterm) {
  const std::uint16_t port = free_port();
  ASSERT_NE(port, 0);
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) ::dup2(devnull, STDOUT_FILENO);
    ::execl(KASPA_SIMNET_BIN, KASPA_SIMNET_BIN, "--listen", listen.c_str(), "--clock", "real", "--bps", "20",
            "--coinbase-maturity", "10", "--seed", "3", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  bool ok = false;
  {
    krpc::ClientOptions co;
    co.target = listen;
    co.default_timeout = 5000ms;
    co.initial_backoff = 50ms;
    co.max_backoff = 200ms;
    krpc::Client client(co);
    client.start();
    EXPECT_TRUE(client.wait_connected(10'000ms));
    auto info = client.get_server_info();
    EXPECT_TRUE(info.ok()) << info.error().message;
    if (info.ok()) {
      EXPECT_EQ(info->network_id, "simnet");
      EXPECT_TRUE(info->has_utxo_index);
      ok = true;
    }
    // Blocks are produced in real time.
    bool grew = false;
    for (int i = 0; i < 100 && !grew; ++i) {
      auto dag = client.get_block_dag_info();
      grew = dag.ok() && dag->block_count > 1;
      if (!grew) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(grew);
  }
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  pid_t w = 0;
  for (int i = 0; i < 200; ++i) {  // up to 10 s
    w = ::waitpid(pid, &status, WNOHANG);
    if (w != 0) break;
    std::this_thread::sleep_for(50ms);
  }
  if (w == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL() << "kaspa-simnet did not exit on SIGTERM";
  }
  EXPECT_TRUE(ok);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}
#endif

// On-demand mining (igrad dev --fast): idle, one block per idle period; a transaction is mined and accepted at once
// (a block takes it, the next chain block accepts it), then blocks follow until the sink's DAA score leaves the
// accepting block's window of 10; after stop() nothing is mined.
TEST_F(SimnetNodeRpc, OnDemandMiningMinesWhenTransactionsWaitAndSettlesTheWindow) {
  mine(30);
  Inbox<krpc::VirtualChainChanged> vcc;
  ASSERT_TRUE(client_->subscribe_virtual_chain_changed(true, [&](const auto& c) { vcc.push(c); }).ok());
  const testing::Spend coin = matured_coin();
  // Idle: one block per idle period (200 ms), no spinning.
  node_->start_on_demand(/*idle_ms=*/200, /*settle_daa=*/10);
  std::this_thread::sleep_for(1000ms);
  EXPECT_LE(node_->on_demand_blocks(), 6u);  // not spinning
  for (int i = 0; i < 1000 && node_->on_demand_blocks() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_GE(node_->on_demand_blocks(), 1u);  // but mining when idle
  // From here idle blocks take a minute: every block below is mined on demand.
  node_->start_on_demand(/*idle_ms=*/60'000, /*settle_daa=*/10);

  const Wallet recipient = testing::wallet(2);
  const kaspa::Transaction tx = testing::signed_tx(miner_, {coin}, {{coin.entry.amount - 100'000, recipient.spk}});
  const kaspa::TransactionId txid = kaspa::transaction_id(tx);
  ASSERT_TRUE(client_->submit_transaction(tx).ok());
  core::Hash32 accepting;
  ASSERT_TRUE(vcc.wait_for(
      [&](const krpc::VirtualChainChanged& c) {
        for (const auto& a : c.accepted_transaction_ids)
          for (const auto& id : a.accepted_transaction_ids)
            if (id == txid) {
              accepting = a.accepting_block_hash;
              return true;
            }
        return false;
      },
      10s));
  // Settled: the sink moves on to the next DAA window of 10.
  auto accepting_block = client_->get_block(accepting, false);
  ASSERT_TRUE(accepting_block.ok());
  const std::uint64_t window = accepting_block->header.daa_score / 10;
  std::uint64_t sink_daa = 0;
  for (int i = 0; i < 1000; ++i) {
    sink_daa = node_->stats().sink_daa_score;
    if (sink_daa / 10 > window) break;
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(sink_daa / 10, window + 1);  // and stops there (no further blocks without transactions)
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(node_->stats().sink_daa_score, sink_daa);
  node_->stop();
  const std::uint64_t b2 = node_->on_demand_blocks();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(node_->on_demand_blocks(), b2);
}

}  // namespace
}  // namespace igra::simnet
