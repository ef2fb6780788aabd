#include "simnet/simnet_node.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

#include "core/hex.hpp"
#include "kaspa/header.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/script_class.hpp"
#include "kaspa/tx_id.hpp"
#include "simnet/fee_estimator.hpp"

namespace igra::simnet {

namespace krpc = kaspa::rpc;

namespace {

std::string hex(const core::Hash32& h) { return core::to_hex(h); }

core::Error block_not_found(const core::Hash32& h) {
  // kaspad 2.1's wording (seen over gRPC against a real node).
  return core::make_error(core::ErrorCode::kNotFound, "cannot find header " + hex(h));
}

krpc::RpcTransaction mempool_rpc_tx(const MempoolEntry& e) {
  krpc::TransactionVerboseData vd;
  vd.transaction_id = e.id;
  vd.hash = kaspa::transaction_hash(e.tx);
  vd.compute_mass = e.masses.compute_mass;
  return {e.tx, vd};
}

}  // namespace

SimnetNode::SimnetNode(SimnetNodeConfig config)
    : config_(std::move(config)), mempool_([this] {
        MempoolConfig mc = config_.mempool;
        mc.validator = config_.simnet.consensus.tx_validator;
        mc.validator.ghostdag_k = config_.simnet.consensus.ghostdag.k;
        mc.coinbase_maturity = config_.simnet.consensus.coinbase_maturity;
        mc.clock_ms = [this] { return simnet_ ? simnet_->clock().now_ms() : 0; };
        return mc;
      }()) {
  SimnetConfig sc = config_.simnet;
  sc.tx_source = [this](std::size_t max) {
    BlockMassLimits limits = config_.mempool.validator.toccata ? BlockMassLimits::toccata() : BlockMassLimits{};
    limits.max_transactions = max;
    return mempool_.select_for_block(limits).transactions;
  };
  simnet_ = std::make_unique<Simnet>(std::move(sc));
  consensus_ = simnet_->with_consensus([](Consensus& c) { return &c; });
  simnet_->on_chain_changed([this](const ChainChange& change) { on_chain_changed_locked(change); });
  simnet_->on_block_added([this](BlockId id) { on_block_added_locked(id); });
}

SimnetNode::~SimnetNode() {
  stop();
  std::lock_guard<std::mutex> lock(sink_mu_);
  sink_ = nullptr;
}

void SimnetNode::set_notification_sink(RpcNotificationSink* sink) {
  std::lock_guard<std::mutex> lock(sink_mu_);
  sink_ = sink;
}

std::string SimnetNode::address_of(const kaspa::ScriptPublicKey& spk) const {
  auto a = kaspa::extract_script_public_key_address(spk, config_.address_prefix);
  return a.ok() ? a->to_string() : std::string();
}

core::Result<kaspa::ScriptPublicKey> SimnetNode::script_of(const std::string& address) const {
  auto a = kaspa::decode_address(address);
  if (!a.ok()) return core::make_error("invalid address " + address + ": " + a.error().message);
  if (a->prefix != config_.address_prefix)
    return core::make_error("address " + address + " is not of network " + config_.network_id);
  return kaspa::pay_to_address_script(*a);
}

VirtualState SimnetNode::virtual_state_locked() const {
  VirtualState vs;
  vs.daa_score = consensus_->virtual_daa_score();
  const auto& node = consensus_->dag().node(consensus_->sink());
  vs.past_median_time_ms = node.block ? node.block->header.timestamp : 0;
  return vs;
}

// --- listeners (simnet lock held) ------------------------------------------------------------------------------

void SimnetNode::on_chain_changed_locked(const ChainChange& change) {
  Consensus& c = *consensus_;
  std::vector<kaspa::Transaction> removed_acc;
  for (auto it = change.removed.rbegin(); it != change.removed.rend(); ++it) {  // oldest first
    if (auto id = c.dag().find(*it)) {
      auto txs = c.accepted_transactions(*id);
      removed_acc.insert(removed_acc.end(), std::make_move_iterator(txs.begin()), std::make_move_iterator(txs.end()));
    }
  }
  std::vector<kaspa::Transaction> added_acc;
  for (const auto& h : change.added) {
    if (auto id = c.dag().find(h)) {
      auto txs = c.accepted_transactions(*id);
      added_acc.insert(added_acc.end(), std::make_move_iterator(txs.begin()), std::make_move_iterator(txs.end()));
    }
  }
  const VirtualState vs = virtual_state_locked();
  mempool_.handle_virtual_change(removed_acc, added_acc, c.virtual_utxos(), vs);

  std::lock_guard<std::mutex> lock(sink_mu_);
  if (!sink_) return;
  krpc::VirtualChainChanged vcc;
  vcc.removed_chain_block_hashes = change.removed;
  vcc.added_chain_block_hashes = change.added;
  for (std::size_t i = 0; i < change.added.size(); ++i)
    vcc.accepted_transaction_ids.push_back(
        {change.added[i], i < change.accepted_ids.size() ? change.accepted_ids[i] : std::vector<kaspa::TransactionId>{}});
  sink_->notify_virtual_chain_changed(vcc);

  const UtxoDiff diff = c.chain_change_utxo_diff(change);
  const UtxoChanges changes = diff_changes_for_scripts(diff, {});
  krpc::UtxosChanged uc;
  for (const auto& [op, e] : changes.added) uc.added.push_back({address_of(e.script_public_key), op, e});
  for (const auto& [op, e] : changes.removed) uc.removed.push_back({address_of(e.script_public_key), op, e});
  if (!uc.added.empty() || !uc.removed.empty()) sink_->notify_utxos_changed(uc);

  sink_->notify_sink_blue_score_changed(c.dag().blue_score(c.sink()));
}

core::Result<std::size_t> SimnetNode::attach_journal(const std::string& path) {
  std::vector<Block> blocks;
  IGRA_TRY(auto journal, BlockJournal::open(path, &blocks));
  const std::size_t n = blocks.size();
  for (std::size_t i = 0; i < n; ++i) {
    auto r = simnet_->submit_block(std::move(blocks[i]));
    if (!r.ok())
      return core::make_error("simnet journal " + path + ": block " + std::to_string(i + 1) + " of " +
                              std::to_string(n) + " does not replay: " + r.error().message);
  }
  // A fast (virtual) clock continues from the newest replayed block, not from genesis time.
  std::uint64_t newest_ms = 0;
  simnet_->with_consensus([&](Consensus& c) {
    journal_ = std::move(journal);
    for (BlockId id = 0; id < c.dag().size(); ++id)
      if (const auto& node = c.dag().node(id); node.block)
        newest_ms = std::max<std::uint64_t>(newest_ms, node.block->header.timestamp);
  });
  simnet_->advance_clock_to_ms(newest_ms);
  return n;
}

void SimnetNode::start_on_demand(std::uint64_t idle_ms, std::uint64_t settle_daa) {
  stop();
  {
    std::lock_guard<std::mutex> lk(on_demand_mu_);
    on_demand_stop_ = false;
  }
  on_demand_ = std::thread([this, idle_ms, settle_daa] {
    using Clock = std::chrono::steady_clock;
    auto last = Clock::now();
    bool one_more = false;  // the last block took transactions: one more so that a chain block accepts them
    std::optional<std::uint64_t> settle_window;  // mine until the sink leaves this DAA window
    std::unique_lock<std::mutex> lk(on_demand_mu_);
    while (!on_demand_stop_) {
      const std::size_t waiting = mempool_size();
      const bool idle_due = Clock::now() - last >= std::chrono::milliseconds(idle_ms);
      bool settling = false;
      if (settle_window) {
        settling = stats().sink_daa_score / settle_daa == *settle_window;
        if (!settling) settle_window.reset();
      }
      if (waiting > 0 || one_more || settling || idle_due) {
        const bool accepting = one_more && waiting == 0;  // this block accepts the last transactions
        lk.unlock();
        auto mined = simnet_->mine_blocks(1);
        lk.lock();
        if (!mined.ok()) {
          std::fprintf(stderr, "simnet: on-demand mining failed: %s\n", mined.error().message.c_str());
        } else {
          ++on_demand_blocks_;
        }
        last = Clock::now();
        if (accepting && settle_daa > 0) settle_window = stats().sink_daa_score / settle_daa;
        const std::size_t after = mempool_size();
        const bool took = waiting > 0 && after < waiting;
        one_more = took;
        if (waiting > 0 && !took) {
          // Nothing minable waits: back off to the idle pace instead of spinning.
          on_demand_cv_.wait_for(lk, std::chrono::milliseconds(idle_ms), [this] { return on_demand_stop_; });
        }
        continue;
      }
      on_demand_cv_.wait_for(lk, std::chrono::milliseconds(2), [this] { return on_demand_stop_; });
    }
  });
}

void SimnetNode::stop() {
  {
    std::lock_guard<std::mutex> lk(on_demand_mu_);
    on_demand_stop_ = true;
  }
  on_demand_cv_.notify_all();
  if (on_demand_.joinable()) on_demand_.join();
  simnet_->stop();
}

void SimnetNode::on_block_added_locked(BlockId id) {
  if (journal_ && !journal_failed_) {
    if (const auto& block = consensus_->dag().node(id).block; block) {
      if (auto r = journal_->append(*block); !r.ok()) {
        journal_failed_ = true;  // reported once; the simnet keeps running in memory
        std::fprintf(stderr, "simnet: %s (no further blocks are journaled)\n", r.error().message.c_str());
      }
    }
  }
  // As kaspad does, a block's transactions leave the mempool when the block is added (not only once a chain block
  // accepts them), together with pool transactions that double-spend them; otherwise the next template would
  // pick the same transactions again and the block would go out nearly empty. A block that a reorg later drops
  // from the chain gets its transactions re-inserted by handle_virtual_change.
  if (const auto& block = consensus_->dag().node(id).block; block && block->transactions.size() > 1)
    mempool_.remove_accepted(std::span<const kaspa::Transaction>(block->transactions).subspan(1));
  std::lock_guard<std::mutex> lock(sink_mu_);
  if (!sink_) return;
  sink_->notify_block_added(rpc_block_locked(id, true));
}

krpc::Block SimnetNode::rpc_block_locked(BlockId id, bool include_transactions) const {
  const Consensus& c = *consensus_;
  const Dag& dag = c.dag();
  const BlockNode& node = dag.node(id);
  krpc::Block out;
  if (node.block) out.header = node.block->header;
  out.hash = node.hash;
  krpc::BlockVerboseData vd;
  vd.hash = node.hash;
  vd.difficulty = 1.0;
  if (id != c.genesis()) vd.selected_parent_hash = dag.hash(node.ghostdag.selected_parent);
  vd.blue_score = node.ghostdag.blue_score;
  vd.is_chain_block = c.chain_index(id).has_value();
  for (BlockId b : node.ghostdag.mergeset_blues) vd.merge_set_blues_hashes.push_back(dag.hash(b));
  for (BlockId b : node.ghostdag.mergeset_reds) vd.merge_set_reds_hashes.push_back(dag.hash(b));
  for (BlockId ch : node.children)
    if (c.is_released(ch)) vd.children_hashes.push_back(dag.hash(ch));
  if (node.block) {
    for (const auto& tx : node.block->transactions) {
      const kaspa::TransactionId txid = kaspa::transaction_id(tx);
      vd.transaction_ids.push_back(txid);
      if (include_transactions) {
        krpc::TransactionVerboseData tvd;
        tvd.transaction_id = txid;
        tvd.hash = kaspa::transaction_hash(tx);
        tvd.compute_mass = tx.is_coinbase() ? 0 : kaspa::calc_non_contextual_masses(tx).compute_mass;
        tvd.block_hash = node.hash;
        tvd.block_time = node.block->header.timestamp;
        out.transactions.push_back({tx, tvd});
      }
    }
  }
  out.verbose_data = std::move(vd);
  return out;
}

// --- queries ---------------------------------------------------------------------------------------------------

std::vector<BlockHash> SimnetNode::selected_chain() {
  return simnet_->with_consensus([](Consensus& c) {
    std::vector<BlockHash> out;
    for (BlockId id : c.selected_chain()) out.push_back(c.dag().hash(id));
    return out;
  });
}

std::size_t SimnetNode::mempool_size() {
  return simnet_->with_consensus([this](Consensus&) { return mempool_.size(); });
}

SimnetNodeStats SimnetNode::stats() {
  return simnet_->with_consensus([this](Consensus& c) {
    SimnetNodeStats s;
    s.virtual_daa_score = c.virtual_daa_score();
    s.sink_blue_score = c.dag().blue_score(c.sink());
    s.sink_daa_score = c.dag().node(c.sink()).daa_score;
    for (std::size_t i = 0; i < c.dag().size(); ++i)
      if (c.is_released(static_cast<BlockId>(i))) ++s.block_count;
    s.mempool_size = mempool_.size();
    s.tip_count = c.tips().size();
    return s;
  });
}

core::Result<krpc::ServerInfo> SimnetNode::get_server_info() {
  return simnet_->with_consensus([this](Consensus& c) {
    krpc::ServerInfo info;
    info.rpc_api_version = 1;
    info.rpc_api_revision = 0;
    info.server_version = config_.server_version;
    info.network_id = config_.network_id;
    info.has_utxo_index = true;
    info.is_synced = true;
    info.virtual_daa_score = c.virtual_daa_score();
    return info;
  });
}

core::Result<krpc::BlockDagInfo> SimnetNode::get_block_dag_info() {
  return simnet_->with_consensus([this](Consensus& c) {
    krpc::BlockDagInfo info;
    info.network_name = config_.network_name;
    std::uint64_t count = 0;
    for (std::size_t i = 0; i < c.dag().size(); ++i)
      if (c.is_released(static_cast<BlockId>(i))) ++count;
    info.block_count = count;
    info.header_count = count;
    for (BlockId t : c.tips()) info.tip_hashes.push_back(c.dag().hash(t));
    info.difficulty = 1.0;
    const auto& sink_node = c.dag().node(c.sink());
    info.past_median_time = sink_node.block ? static_cast<std::int64_t>(sink_node.block->header.timestamp) : 0;
    for (BlockId p : c.virtual_parents()) info.virtual_parent_hashes.push_back(c.dag().hash(p));
    info.pruning_point_hash = c.genesis_hash();
    info.virtual_daa_score = c.virtual_daa_score();
    info.sink = c.dag().hash(c.sink());
    return info;
  });
}

core::Result<core::Hash32> SimnetNode::get_sink() {
  return simnet_->with_consensus([](Consensus& c) { return c.dag().hash(c.sink()); });
}

core::Result<std::uint64_t> SimnetNode::get_sink_blue_score() {
  return simnet_->with_consensus([](Consensus& c) { return c.dag().blue_score(c.sink()); });
}

core::Result<krpc::Block> SimnetNode::get_block(const core::Hash32& hash, bool include_transactions) {
  return simnet_->with_consensus([&](Consensus& c) -> core::Result<krpc::Block> {
    auto id = c.dag().find(hash);
    if (!id || !c.is_released(*id)) return block_not_found(hash);
    return rpc_block_locked(*id, include_transactions);
  });
}

core::Result<krpc::BlocksResult> SimnetNode::get_blocks(const std::optional<core::Hash32>& low_hash,
                                                       bool include_blocks, bool include_transactions) {
  return simnet_->with_consensus([&](Consensus& c) -> core::Result<krpc::BlocksResult> {
    BlockId low = c.genesis();
    if (low_hash) {
      auto id = c.dag().find(*low_hash);
      if (!id || !c.is_released(*id)) return block_not_found(*low_hash);
      low = *id;
    }
    krpc::BlocksResult out;
    for (std::size_t i = low; i < c.dag().size(); ++i) {
      const auto b = static_cast<BlockId>(i);
      if (!c.is_released(b) || !c.dag().is_ancestor(low, b)) continue;
      out.block_hashes.push_back(c.dag().hash(b));
      if (include_blocks) out.blocks.push_back(rpc_block_locked(b, include_transactions));
    }
    return out;
  });
}

core::Result<krpc::VirtualChainChanged> SimnetNode::get_virtual_chain_from_block(
    const krpc::GetVirtualChainFromBlockParams& params) {
  return simnet_->with_consensus([&](Consensus& c) -> core::Result<krpc::VirtualChainChanged> {
    auto start = c.dag().find(params.start_hash);
    if (!start || !c.is_released(*start)) return block_not_found(params.start_hash);
    IGRA_TRY(ChainChange path, c.chain_path_from(params.start_hash));
    std::size_t n = std::min(path.added.size(), config_.max_virtual_chain_added);
    if (params.min_confirmation_count) {
      // Only chain blocks with at least min_confirmation_count blue blocks above them (kaspad's confirmations).
      const std::uint64_t sink_bs = c.dag().blue_score(c.sink());
      while (n > 0) {
        auto id = c.dag().find(path.added[n - 1]);
        const std::uint64_t bs = id ? c.dag().blue_score(*id) : 0;
        if (bs + *params.min_confirmation_count <= sink_bs) break;
        --n;
      }
    }
    krpc::VirtualChainChanged out;
    out.removed_chain_block_hashes = std::move(path.removed);
    out.added_chain_block_hashes.assign(path.added.begin(), path.added.begin() + static_cast<std::ptrdiff_t>(n));
    if (params.include_accepted_transaction_ids) {
      for (std::size_t i = 0; i < n; ++i)
        out.accepted_transaction_ids.push_back(
            {path.added[i], i < path.accepted_ids.size() ? path.accepted_ids[i] : std::vector<kaspa::TransactionId>{}});
    }
    return out;
  });
}

core::Result<kaspa::TransactionId> SimnetNode::submit_transaction(const kaspa::Transaction& tx, bool allow_orphan) {
  return simnet_->with_consensus([&](Consensus& c) -> core::Result<kaspa::TransactionId> {
    const VirtualState vs = virtual_state_locked();
    auto r = mempool_.submit(tx, c.virtual_utxos(), vs);
    if (!r.ok())
      return core::make_error(r.error().code,
                              "Rejected transaction " + hex(kaspa::transaction_id(tx)) + ": " + r.error().message);
    return r->id;
  });
}

core::Result<krpc::SubmitTransactionReplacementResult> SimnetNode::submit_transaction_replacement(
    const kaspa::Transaction& tx) {
  return simnet_->with_consensus([&](Consensus& c) -> core::Result<krpc::SubmitTransactionReplacementResult> {
    const VirtualState vs = virtual_state_locked();
    auto r = mempool_.submit_replacement(tx, c.virtual_utxos(), vs);
    if (!r.ok())
      return core::make_error(r.error().code,
                              "Rejected transaction " + hex(kaspa::transaction_id(tx)) + ": " + r.error().message);
    krpc::SubmitTransactionReplacementResult out;
    out.transaction_id = r->id;
    if (!r->replaced.empty()) {
      const auto& old = r->replaced.front();
      krpc::TransactionVerboseData vd;
      vd.transaction_id = kaspa::transaction_id(old);
      vd.hash = kaspa::transaction_hash(old);
      vd.compute_mass = kaspa::calc_non_contextual_masses(old).compute_mass;
      out.replaced_transaction = {old, vd};
    }
    return out;
  });
}

core::Result<std::vector<krpc::UtxosByAddressesEntry>> SimnetNode::get_utxos_by_addresses(
    const std::vector<std::string>& addresses) {
  std::vector<kaspa::ScriptPublicKey> scripts;
  for (const auto& a : addresses) {
    IGRA_TRY(auto spk, script_of(a));
    scripts.push_back(std::move(spk));
  }
  return simnet_->with_consensus([&](Consensus& c) {
    std::vector<krpc::UtxosByAddressesEntry> out;
    const UtxoSet& set = c.sink_utxos();
    for (std::size_t i = 0; i < scripts.size(); ++i)
      for (const auto& [op, e] : set.entries_by_script(scripts[i])) out.push_back({addresses[i], op, e});
    return out;
  });
}

core::Result<std::uint64_t> SimnetNode::get_balance_by_address(const std::string& address) {
  IGRA_TRY(auto spk, script_of(address));
  return simnet_->with_consensus([&](Consensus& c) { return c.sink_utxos().balance_by_script(spk); });
}

core::Result<std::vector<krpc::MempoolEntry>> SimnetNode::get_mempool_entries(bool include_orphan_pool,
                                                                             bool filter_transaction_pool) {
  return simnet_->with_consensus([&](Consensus&) {
    std::vector<krpc::MempoolEntry> out;
    if (filter_transaction_pool) return out;  // only the (empty) orphan pool was asked for
    for (const MempoolEntry* e : mempool_.entries()) out.push_back({e->fee, mempool_rpc_tx(*e), false});
    return out;
  });
}

core::Result<krpc::FeeEstimate> SimnetNode::get_fee_estimate() {
  return simnet_->with_consensus([&](Consensus&) {
    const auto cfg = FeeEstimatorConfig::for_policy(mempool_.config().policy, config_.simnet.blocks_per_second);
    const FeeEstimate fe = estimate_fees(mempool_, cfg);
    krpc::FeeEstimate out;
    out.priority_bucket = {fe.priority_bucket.feerate, fe.priority_bucket.estimated_seconds};
    for (const auto& b : fe.normal_buckets) out.normal_buckets.push_back({b.feerate, b.estimated_seconds});
    for (const auto& b : fe.low_buckets) out.low_buckets.push_back({b.feerate, b.estimated_seconds});
    return out;
  });
}

core::Result<krpc::BlockTemplate> SimnetNode::get_block_template(const std::string& pay_address,
                                                                const core::Bytes& extra_data) {
  IGRA_TRY(auto spk, script_of(pay_address));
  IGRA_TRY(Block block, simnet_->block_template(spk, extra_data));
  krpc::BlockTemplate out;
  out.block.header = block.header;
  out.block.hash = kaspa::header_hash(block.header);
  for (auto& tx : block.transactions) out.block.transactions.push_back({std::move(tx), std::nullopt});
  out.is_synced = true;
  return out;
}

core::Result<krpc::SubmitBlockReport> SimnetNode::submit_block(const krpc::Block& block, bool allow_non_daa_blocks) {
  Block b;
  b.header = block.header;
  for (const auto& tx : block.transactions) b.transactions.push_back(tx.transaction);
  auto r = simnet_->submit_block(std::move(b));
  krpc::SubmitBlockReport report;
  if (!r.ok()) {
    report.result = krpc::SubmitBlockResult::kBlockInvalid;
    report.message = "Block was not submitted: block is invalid";
  }
  return report;
}

// --- control extensions -----------------------------------------------------------------------------------

core::Result<std::vector<core::Hash32>> SimnetNode::simnet_mine(std::uint32_t blocks) {
  constexpr std::uint32_t kMaxPerCall = 100'000;
  if (blocks > kMaxPerCall)
    return core::make_error("SimnetMine: at most " + std::to_string(kMaxPerCall) + " blocks per call");
  IGRA_TRY(auto mined, simnet_->mine_blocks(blocks));
  std::vector<core::Hash32> out;
  out.reserve(mined.size());
  for (const auto& b : mined) out.push_back(b.hash);
  return out;
}

core::Result<kaspa::rpc::VirtualChainChanged> SimnetNode::simnet_reorg(std::uint32_t depth, bool flip_flop) {
  IGRA_TRY(auto change, flip_flop ? simnet_->flip_flop(depth) : simnet_->reorg_from_depth(depth));
  kaspa::rpc::VirtualChainChanged out;
  out.removed_chain_block_hashes = change.removed;
  out.added_chain_block_hashes = change.added;
  return out;
}

core::Result<void> SimnetNode::simnet_set_withholding(std::uint32_t miner, bool withhold) {
  if (miner >= simnet_->config().miners.size())
    return core::make_error("SimnetSetWithholding: no miner " + std::to_string(miner) + " (the simnet has " +
                            std::to_string(simnet_->config().miners.size()) + ")");
  simnet_->set_withholding(miner, withhold);
  return {};
}

core::Result<std::vector<core::Hash32>> SimnetNode::simnet_release_withheld() { return simnet_->release_withheld(); }

}  // namespace igra::simnet
