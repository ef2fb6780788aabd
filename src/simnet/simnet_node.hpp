#pragma once
// SimnetNode: the simnet (consensus + miners + clock) and a mempool wired together, serving every protowire call
// as an RpcBackend (put an RpcServer in front of it for gRPC) and pushing VirtualChainChanged, BlockAdded,
// UtxosChanged and SinkBlueScoreChanged into the notification sink the server installs.
//
// Wiring: block templates take their transactions from the mempool (Mempool::select_for_block); every virtual
// change calls Mempool::handle_virtual_change with the accepted transactions of the removed / added chain blocks.
// The mempool is only touched under the simnet's lock (from the tx source, the chain listener, or inside
// Simnet::with_consensus), so the node is thread-safe: RPC threads, the mining thread and the C++ control API
// may call it concurrently.
//
// Simnet simplifications visible over RPC: the UTXO index (GetUtxosByAddresses, GetBalanceByAddress,
// UtxosChanged) follows the sink's UTXO set; no orphan pool (allowOrphan is accepted and ignored); the pruning
// point is genesis; GetBlocks returns every released block in the future of low_hash (inclusive), in insertion
// (topological) order.
#include <cstdint>
#include <atomic>
#include <condition_variable>
#include <thread>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kaspa/address.hpp"
#include "simnet/block_journal.hpp"
#include "simnet/mempool.hpp"
#include "simnet/rpc_backend.hpp"
#include "simnet/simnet.hpp"

namespace igra::simnet {

struct SimnetNodeConfig {
  SimnetConfig simnet;                       // tx_source is set by the node (any given one is replaced)
  // Mempool policy; its validator params and coinbase maturity are taken from simnet.consensus, its clock from
  // the simnet's clock.
  MempoolConfig mempool;
  std::string network_id = "simnet";        // GetServerInfo.networkId
  std::string network_name = "kaspa-simnet";  // GetBlockDagInfo.networkName
  kaspa::Prefix address_prefix = kaspa::Prefix::kSimnet;
  std::string server_version = "igra-kaspa-simnet-0.1.0";
  // GetVirtualChainFromBlock answers at most this many added chain blocks (the caller asks again from the last
  // one, as with kaspad's batching).
  std::size_t max_virtual_chain_added = 1000;
};

// A snapshot for logging.
struct SimnetNodeStats {
  std::uint64_t virtual_daa_score = 0;
  std::uint64_t sink_blue_score = 0;
  std::uint64_t sink_daa_score = 0;
  std::size_t block_count = 0;  // released blocks, genesis included
  std::size_t mempool_size = 0;
  std::size_t tip_count = 0;
};

class SimnetNode final : public RpcBackend {
 public:
  explicit SimnetNode(SimnetNodeConfig config);
  ~SimnetNode() override;
  SimnetNode(const SimnetNode&) = delete;
  SimnetNode& operator=(const SimnetNode&) = delete;

  const SimnetNodeConfig& config() const noexcept { return config_; }
  Simnet& simnet() noexcept { return *simnet_; }

  // --- C++ control API ------------------------------------------------------------------------------------
  core::Result<std::vector<MinedBlock>> mine_blocks(std::size_t n) { return simnet_->mine_blocks(n); }
  core::Result<std::vector<MinedBlock>> run_for_ms(std::uint64_t ms) { return simnet_->run_for_ms(ms); }
  void start() { simnet_->start(); }
  // Fast clock mode, mining on demand (igrad dev --fast): a thread mines a block as soon as transactions wait in
  // the mempool, one more after it drains (the chain block that accepts the last ones), and one every
  // `idle_ms` of wall-clock time otherwise. Virtual time advances 1 / blocks_per_second per block, so a burst of
  // transactions costs no waiting. A block that took nothing from a non-empty mempool (what waits cannot be mined
  // yet) counts as idle, so nothing spins. stop() ends it.
  // `settle_daa` > 0: after the mempool drains, blocks are mined until the sink's DAA score enters the next
  // multiple of it (igrad dev: 10, Igra's L2 block window), so the window that accepted the last transactions is
  // closed at once instead of after several idle blocks.
  void start_on_demand(std::uint64_t idle_ms = 1000, std::uint64_t settle_daa = 0);
  std::uint64_t on_demand_blocks() const noexcept { return on_demand_blocks_.load(); }
  void stop();
  core::Result<ChainChange> reorg_from_depth(std::size_t depth) { return simnet_->reorg_from_depth(depth); }
  core::Result<ChainChange> flip_flop(std::size_t depth) { return simnet_->flip_flop(depth); }
  void set_withholding(std::size_t miner, bool withhold) { simnet_->set_withholding(miner, withhold); }
  core::Result<std::vector<BlockHash>> release_withheld() { return simnet_->release_withheld(); }
  std::size_t withheld_count() const { return simnet_->withheld_count(); }
  // The selected-parent chain, genesis first.
  // Persistence (block_journal.hpp): replays the blocks of the journal at `path` (created if missing) into
  // this simnet through the normal validation, then appends every block added from now on. Call before start()
  // and before serving RPC. Returns the number of blocks replayed.
  core::Result<std::size_t> attach_journal(const std::string& path);

  std::vector<BlockHash> selected_chain();
  std::size_t mempool_size();
  SimnetNodeStats stats();

  // --- RpcBackend -----------------------------------------------------------------------------------------
  core::Result<kaspa::rpc::ServerInfo> get_server_info() override;
  core::Result<kaspa::rpc::BlockDagInfo> get_block_dag_info() override;
  core::Result<core::Hash32> get_sink() override;
  core::Result<std::uint64_t> get_sink_blue_score() override;
  core::Result<kaspa::rpc::Block> get_block(const core::Hash32& hash, bool include_transactions) override;
  core::Result<kaspa::rpc::BlocksResult> get_blocks(const std::optional<core::Hash32>& low_hash, bool include_blocks,
                                                    bool include_transactions) override;
  core::Result<kaspa::rpc::VirtualChainChanged> get_virtual_chain_from_block(
      const kaspa::rpc::GetVirtualChainFromBlockParams& params) override;
  core::Result<kaspa::TransactionId> submit_transaction(const kaspa::Transaction& tx, bool allow_orphan) override;
  core::Result<kaspa::rpc::SubmitTransactionReplacementResult> submit_transaction_replacement(
      const kaspa::Transaction& tx) override;
  core::Result<std::vector<kaspa::rpc::UtxosByAddressesEntry>> get_utxos_by_addresses(
      const std::vector<std::string>& addresses) override;
  core::Result<std::uint64_t> get_balance_by_address(const std::string& address) override;
  core::Result<std::vector<kaspa::rpc::MempoolEntry>> get_mempool_entries(bool include_orphan_pool,
                                                                         bool filter_transaction_pool) override;
  core::Result<kaspa::rpc::FeeEstimate> get_fee_estimate() override;
  core::Result<kaspa::rpc::BlockTemplate> get_block_template(const std::string& pay_address,
                                                             const core::Bytes& extra_data) override;
  core::Result<kaspa::rpc::SubmitBlockReport> submit_block(const kaspa::rpc::Block& block,
                                                           bool allow_non_daa_blocks) override;
  core::Result<std::vector<core::Hash32>> simnet_mine(std::uint32_t blocks) override;
  core::Result<kaspa::rpc::VirtualChainChanged> simnet_reorg(std::uint32_t depth, bool flip_flop) override;
  core::Result<void> simnet_set_withholding(std::uint32_t miner, bool withhold) override;
  core::Result<std::vector<core::Hash32>> simnet_release_withheld() override;
  void set_notification_sink(RpcNotificationSink* sink) override;

 private:
  // All with the simnet lock held.
  void on_chain_changed_locked(const ChainChange& change);
  void on_block_added_locked(BlockId id);
  kaspa::rpc::Block rpc_block_locked(BlockId id, bool include_transactions) const;
  VirtualState virtual_state_locked() const;
  std::string address_of(const kaspa::ScriptPublicKey& spk) const;
  core::Result<kaspa::ScriptPublicKey> script_of(const std::string& address) const;

  SimnetNodeConfig config_;
  Mempool mempool_;                 // guarded by the simnet's lock
  std::unique_ptr<Simnet> simnet_;
  Consensus* consensus_ = nullptr;  // owned by simnet_; used only under its lock
  std::unique_ptr<BlockJournal> journal_;  // guarded by the simnet's lock
  bool journal_failed_ = false;
  std::mutex sink_mu_;              // taken after the simnet lock, never before it
  RpcNotificationSink* sink_ = nullptr;
  // On-demand mining (start_on_demand).
  std::thread on_demand_;
  std::mutex on_demand_mu_;
  std::condition_variable on_demand_cv_;
  bool on_demand_stop_ = false;
  std::atomic<std::uint64_t> on_demand_blocks_{0};
};

}  // namespace igra::simnet
