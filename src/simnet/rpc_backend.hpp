#pragma once
// What the simnet gRPC server (simnet::RpcServer) needs from a node: one virtual per protowire call, and a sink to
// push notifications into. The simnet consensus core implements RpcBackend; tests implement it with fixed data.
//
// Errors: a failed call returns core::Error whose message is sent verbatim as the response's RPCError.message
// (write kaspad-like messages, e.g. "Rejected transaction <id>: ..."). Every call not overridden answers
// "<Call> is not supported by this node".
//
// Threading: the server calls the backend from its gRPC threads, concurrently for different client streams (in
// order within one stream). Notifications may be pushed into the sink from any thread, also with the backend's own
// locks held: the sink only queues, it never calls back into the backend.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "kaspa/rpc/types.hpp"
#include "kaspa/transaction.hpp"

namespace igra::simnet {

class RpcNotificationSink {
 public:
  virtual ~RpcNotificationSink() = default;
  virtual void notify_block_added(const kaspa::rpc::Block& block) = 0;
  // Pass the change with accepted transaction ids filled in; the server strips them for subscribers that did not
  // ask for them. removed: newest first; added: oldest first.
  virtual void notify_virtual_chain_changed(const kaspa::rpc::VirtualChainChanged& change) = 0;
  // Every added/removed entry (with its address); the server filters per subscriber address set.
  virtual void notify_utxos_changed(const kaspa::rpc::UtxosChanged& change) = 0;
  virtual void notify_sink_blue_score_changed(std::uint64_t sink_blue_score) = 0;
};

class RpcBackend {
 public:
  virtual ~RpcBackend() = default;

  virtual core::Result<kaspa::rpc::ServerInfo> get_server_info() { return unsupported("GetServerInfo"); }
  virtual core::Result<kaspa::rpc::BlockDagInfo> get_block_dag_info() { return unsupported("GetBlockDagInfo"); }
  virtual core::Result<core::Hash32> get_sink() { return unsupported("GetSink"); }
  virtual core::Result<std::uint64_t> get_sink_blue_score() { return unsupported("GetSinkBlueScore"); }
  virtual core::Result<kaspa::rpc::Block> get_block(const core::Hash32& hash, bool include_transactions) {
    return unsupported("GetBlock");
  }
  // low_hash empty: from the pruning point.
  virtual core::Result<kaspa::rpc::BlocksResult> get_blocks(const std::optional<core::Hash32>& low_hash,
                                                            bool include_blocks, bool include_transactions) {
    return unsupported("GetBlocks");
  }
  virtual core::Result<kaspa::rpc::VirtualChainChanged> get_virtual_chain_from_block(
      const kaspa::rpc::GetVirtualChainFromBlockParams& params) {
    return unsupported("GetVirtualChainFromBlock");
  }
  // Returns the transaction id.
  virtual core::Result<kaspa::TransactionId> submit_transaction(const kaspa::Transaction& tx, bool allow_orphan) {
    return unsupported("SubmitTransaction");
  }
  virtual core::Result<kaspa::rpc::SubmitTransactionReplacementResult> submit_transaction_replacement(
      const kaspa::Transaction& tx) {
    return unsupported("SubmitTransactionReplacement");
  }
  virtual core::Result<std::vector<kaspa::rpc::UtxosByAddressesEntry>> get_utxos_by_addresses(
      const std::vector<std::string>& addresses) {
    return unsupported("GetUtxosByAddresses");
  }
  virtual core::Result<std::uint64_t> get_balance_by_address(const std::string& address) {
    return unsupported("GetBalanceByAddress");
  }
  virtual core::Result<std::vector<kaspa::rpc::MempoolEntry>> get_mempool_entries(bool include_orphan_pool,
                                                                                 bool filter_transaction_pool) {
    return unsupported("GetMempoolEntries");
  }
  virtual core::Result<kaspa::rpc::FeeEstimate> get_fee_estimate() { return unsupported("GetFeeEstimate"); }
  // extra_data: the request's UTF-8 string as bytes (kaspad puts it into the coinbase payload).
  virtual core::Result<kaspa::rpc::BlockTemplate> get_block_template(const std::string& pay_address,
                                                                     const core::Bytes& extra_data) {
    return unsupported("GetBlockTemplate");
  }
  // A rejection is a report with result != kSuccess and kaspad's message ("Block was not submitted: block is
  // invalid"); an error is sent as RPCError without a reject reason.
  virtual core::Result<kaspa::rpc::SubmitBlockReport> submit_block(const kaspa::rpc::Block& block,
                                                                   bool allow_non_daa_blocks) {
    return unsupported("SubmitBlock");
  }

  // kaspa-simnet control extensions (SimnetMine, SimnetReorg, SimnetSetWithholding, SimnetReleaseWithheld).
  virtual core::Result<std::vector<core::Hash32>> simnet_mine(std::uint32_t blocks) { return unsupported("SimnetMine"); }
  virtual core::Result<kaspa::rpc::VirtualChainChanged> simnet_reorg(std::uint32_t depth, bool flip_flop) {
    return unsupported("SimnetReorg");
  }
  virtual core::Result<void> simnet_set_withholding(std::uint32_t miner, bool withhold) {
    return unsupported("SimnetSetWithholding");
  }
  virtual core::Result<std::vector<core::Hash32>> simnet_release_withheld() {
    return unsupported("SimnetReleaseWithheld");
  }
  // RpcServer::start() passes itself, RpcServer::stop() passes nullptr. The backend pushes notifications into the
  // sink it was given (it may also ignore this and let its owner call the server's notify_* directly).
  virtual void set_notification_sink(RpcNotificationSink* sink) {}

 protected:
  static core::Error unsupported(const char* call) {
    return core::Error(core::ErrorCode::kUnsupported, std::string(call) + " is not supported by this node");
  }
};

}  // namespace igra::simnet
