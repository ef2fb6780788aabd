// The simnet block journal: a simnet rebuilt from the journal of another has the same DAG (block count, tips,
// sink, selected chain, virtual DAA score, UTXOs), including side branches from a forced reorg and blocks
// carrying transactions; more blocks can be appended after a replay; a torn tail is cut off; a foreign file is
// refused.
#include "simnet/block_journal.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "kaspa/script_class.hpp"
#include "simnet/simnet_node.hpp"
#include "simnet/tx_test_support.hpp"

namespace igra::simnet {
namespace {

namespace krpc = kaspa::rpc;
using testing::Wallet;

constexpr std::uint64_t kMaturity = 5;

struct TempPath {
  std::filesystem::path dir;
  TempPath() {
    dir = std::filesystem::temp_directory_path() /
          ("igra-journal-" + std::to_string(::getpid()) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(dir);
  }
  ~TempPath() { std::filesystem::remove_all(dir); }
  std::string file() const { return (dir / "simnet" / "blocks.journal").string(); }
};

SimnetNodeConfig config(const Wallet& miner) {
  SimnetNodeConfig cfg;
  cfg.simnet.clock_mode = ClockMode::kFast;
  cfg.simnet.seed = 11;
  cfg.simnet.consensus.coinbase_maturity = kMaturity;
  cfg.simnet.propagation_delay_ms = 300;  // two miners: parallel blocks, a real DAG
  cfg.simnet.miners.push_back(MinerConfig{miner.spk, {}, 1.0});
  cfg.simnet.miners.push_back(MinerConfig{miner.spk, {}, 1.0});
  return cfg;
}

std::string address_of(const kaspa::ScriptPublicKey& spk) {
  auto a = kaspa::extract_script_public_key_address(spk, kaspa::Prefix::kSimnet);
  return a.ok() ? a->to_string() : std::string();
}

struct Fingerprint {
  krpc::BlockDagInfo dag;
  std::vector<BlockHash> chain;
  std::vector<std::pair<kaspa::Outpoint, std::uint64_t>> utxos;
  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

Fingerprint fingerprint(SimnetNode& node, const std::vector<std::string>& addresses) {
  Fingerprint f;
  auto dag = node.get_block_dag_info();
  EXPECT_TRUE(dag.ok());
  if (dag.ok()) f.dag = *dag;
  f.dag.past_median_time = 0;  // not compared: equal anyway, but derived from the clock in some modes
  f.chain = node.selected_chain();
  auto u = node.get_utxos_by_addresses(addresses);
  EXPECT_TRUE(u.ok());
  if (u.ok())
    for (const auto& e : *u) f.utxos.emplace_back(e.outpoint, e.utxo_entry.amount);
  std::sort(f.utxos.begin(), f.utxos.end(), [](const auto& a, const auto& b) {
    return a.first.transaction_id == b.first.transaction_id ? a.first.index < b.first.index
                                                            : a.first.transaction_id < b.first.transaction_id;
  });
  return f;
}

TEST(BlockJournal, ReplayRebuildsTheSameDagAndAcceptsNewBlocks) {
  TempPath tmp;
  const Wallet miner = testing::wallet(1), recipient = testing::wallet(2);
  const std::vector<std::string> addrs = {address_of(miner.spk), address_of(recipient.spk)};
  Fingerprint before;
  std::size_t blocks_written = 0;
  {
    SimnetNode a(config(miner));
    auto replayed = a.attach_journal(tmp.file());
    ASSERT_TRUE(replayed.ok()) << replayed.error().message;
    EXPECT_EQ(*replayed, 0u);
    ASSERT_TRUE(a.mine_blocks(30).ok());
    // A block carrying a signed transaction.
    auto coins = a.get_utxos_by_addresses({addrs[0]});
    ASSERT_TRUE(coins.ok());
    auto dag = a.get_block_dag_info();
    std::optional<krpc::UtxosByAddressesEntry> coin;
    for (const auto& e : *coins)
      if (e.utxo_entry.block_daa_score + kMaturity + 2 <= dag->virtual_daa_score) coin = e;
    ASSERT_TRUE(coin.has_value());
    const testing::Spend spend{coin->outpoint, coin->utxo_entry};
    const kaspa::Transaction tx = testing::signed_tx(miner, {spend}, {{coin->utxo_entry.amount - 100'000, recipient.spk}});
    ASSERT_TRUE(a.submit_transaction(tx, false).ok());
    ASSERT_TRUE(a.mine_blocks(10).ok());
    // A side branch that becomes the selected chain.
    auto reorg = a.reorg_from_depth(4);
    ASSERT_TRUE(reorg.ok()) << reorg.error().message;
    EXPECT_FALSE(reorg->removed.empty());
    ASSERT_TRUE(a.mine_blocks(5).ok());
    before = fingerprint(a, addrs);
    blocks_written = before.dag.block_count - 1;  // all but genesis
    // The recipient's coin exists, so the transaction's block is in the DAG.
    EXPECT_TRUE(std::any_of(before.utxos.begin(), before.utxos.end(),
                            [&](const auto& u) { return u.first.transaction_id == kaspa::transaction_id(tx); }));
  }
  Fingerprint after;
  {
    SimnetNode b(config(miner));
    auto replayed = b.attach_journal(tmp.file());
    ASSERT_TRUE(replayed.ok()) << replayed.error().message;
    EXPECT_EQ(*replayed, blocks_written);
    after = fingerprint(b, addrs);
    EXPECT_EQ(after.dag, before.dag);
    EXPECT_EQ(after.chain, before.chain);
    EXPECT_EQ(after.utxos, before.utxos);
    ASSERT_TRUE(b.mine_blocks(7).ok());
    after = fingerprint(b, addrs);
  }
  SimnetNode c(config(miner));
  auto replayed = c.attach_journal(tmp.file());
  ASSERT_TRUE(replayed.ok()) << replayed.error().message;
  EXPECT_EQ(*replayed, blocks_written + 7);
  EXPECT_EQ(fingerprint(c, addrs), after);
}

TEST(BlockJournal, TornTailIsCutAndForeignFilesAreRefused) {
  TempPath tmp;
  const Wallet miner = testing::wallet(1);
  std::size_t written = 0;
  {
    SimnetNode a(config(miner));
    ASSERT_TRUE(a.attach_journal(tmp.file()).ok());
    ASSERT_TRUE(a.mine_blocks(12).ok());
    written = a.get_block_dag_info()->block_count - 1;
  }
  const auto full = std::filesystem::file_size(tmp.file());
  // A crash in the middle of the last record.
  std::filesystem::resize_file(tmp.file(), full - 10);
  {
    std::vector<Block> blocks;
    std::size_t dropped = 0;
    auto j = BlockJournal::open(tmp.file(), &blocks, &dropped);
    ASSERT_TRUE(j.ok()) << j.error().message;
    EXPECT_EQ(blocks.size(), written - 1);
    EXPECT_GT(dropped, 0u);
  }
  EXPECT_LT(std::filesystem::file_size(tmp.file()), full - 10);  // the torn record is gone from the file
  // A flipped byte inside the (new) last record: its checksum fails, it is dropped too.
  {
    std::fstream f(tmp.file(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(tmp.file()) - 20));
    f.put('\x5a');
  }
  {
    std::vector<Block> blocks;
    auto j = BlockJournal::open(tmp.file(), &blocks);
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(blocks.size(), written - 2);
  }
  // The survivors replay, and the simnet goes on from them.
  {
    SimnetNode b(config(miner));
    auto replayed = b.attach_journal(tmp.file());
    ASSERT_TRUE(replayed.ok()) << replayed.error().message;
    EXPECT_EQ(*replayed, written - 2);
    ASSERT_TRUE(b.mine_blocks(3).ok());
  }
  // Not a journal.
  const std::string other = (tmp.dir / "other").string();
  std::ofstream(other) << "hello, this is not a journal";
  std::vector<Block> blocks;
  auto bad = BlockJournal::open(other, &blocks);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not a block journal"), std::string::npos);
}

}  // namespace
}  // namespace igra::simnet
