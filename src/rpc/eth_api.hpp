#pragma once
// The node's JSON-RPC methods: eth_ (state, blocks, transactions, receipts, logs, fees, calls, estimates,
// proofs, filters, subscriptions), net_, web3_ and igra_ (L1 origins, transaction fates, network
// parameters). Every read opens its own LMDB snapshot (StateDb::view), so reads run concurrently with each
// other and never block derivation.
//
// Block tags (decisions.md O9): latest = the newest derived block; safe = the newest block whose anchor
// has at least ApiOptions::safe_confirmations Kaspa chain blocks above it (counted over the derived
// windows); finalized = the newest block whose anchor DAA score is at least finality_daa below the last
// processed Kaspa chain block; earliest = the first stored block; pending = latest, except that
// eth_getTransactionCount(addr, "pending") also counts the transactions this node relayed and has not
// seen executed yet.
//
// Chain events (on_commit / on_unwind, called on the derivation thread) feed newHeads / logs subscriptions
// and the filters. Logs of unwound blocks are re-sent with "removed": true before their replacements; the
// last kRecentBlocks blocks' logs are kept in memory for that.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "chain/block.hpp"
#include "chain/block_executor.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "igra/deriver.hpp"
#include "igra/network.hpp"
#include "igra/node.hpp"
#include "rpc/json_rpc.hpp"
#include "state/state_db.hpp"

namespace igra::rpc {

struct ApiOptions {
  std::uint64_t gas_cap = 50'000'000;       // eth_call / eth_estimateGas gas when none is given, and the maximum
  std::uint64_t max_log_range = 100'000;    // eth_getLogs: blocks per query
  std::size_t max_logs = 20'000;            // eth_getLogs: results per query
  std::uint64_t max_fee_history = 1024;     // eth_feeHistory: blocks per query
  std::size_t max_filters = 10'000;
  std::chrono::seconds filter_timeout{300};  // a filter not polled for this long is removed
  std::uint64_t safe_confirmations = 300;
  std::uint64_t finality_daa = 432'000;
  std::string client_version = "igrad/0.1.0";
};

// What the API needs from the running node.
// What the relayer's queue knows of an L2 transaction (igra_getTransactionFate).
struct RelayStatus {
  std::string state;      // queued, submitted, accepted, executed, dropped, failed
  core::Hash32 l1_txid;   // zero before the L1 transaction is built
  core::Hash32 l1_block;  // accepted: the accepting selected-chain block
  std::uint32_t sends = 0;
  std::string note;
};

struct NodeHooks {
  std::function<igra::NodeStats()> stats;
  // Relays a raw transaction to Kaspa (already decoded and checked by the API). Empty: eth_sendRawTransaction
  // answers "no relayer". Returns the L1 transaction id.
  std::function<core::Result<core::Hash32>(core::ByteView raw)> submit;
  // The relayer queue's view of a transaction (empty: no relayer, or not relayed by this node).
  std::function<std::optional<RelayStatus>(const core::Hash32& l2_hash)> relay_status;
};

class EthApi {
 public:
  EthApi(state::StateDb& db, igra::NetworkParams params, NodeHooks hooks, ApiOptions options = {});
  ~EthApi();
  EthApi(const EthApi&) = delete;
  EthApi& operator=(const EthApi&) = delete;

  void register_methods(Dispatcher& d);

  // Chain events from the deriver (any thread; cheap).
  void on_commit(const igra::CommittedBlock& block);
  void on_unwind(std::uint64_t new_head);
  // A transaction relayed before this process started and not executed yet (the relayer's persistent queue):
  // counted in the pending nonce view like one relayed now. Undecodable bytes are ignored.
  void add_pending(core::ByteView raw);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace igra::rpc
