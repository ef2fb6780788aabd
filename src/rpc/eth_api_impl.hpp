#pragma once
// Internals of EthApi shared by its source files (eth_api.cpp: reads; eth_call.cpp: execution;
// eth_filters.cpp: filters and subscriptions). Not part of the layer's interface.
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_set>
#include <unordered_map>
#include <vector>

#include "chain/block.hpp"
#include "chain/block_executor.hpp"
#include "chain/state_transition.hpp"
#include "chain/state_view_reader.hpp"
#include "evm/evm.hpp"
#include "evm/state.hpp"
#include "rpc/codec.hpp"
#include "rpc/eth_api.hpp"

namespace igra::rpc {

// A block read from a snapshot.
struct LoadedBlock {
  std::uint64_t number = 0;
  core::Hash32 hash;
  chain::BlockHeader header;
  chain::BlockBody body;
  std::uint64_t size = 0;
};

// Address / topic criteria of eth_getLogs, eth_newFilter and logs subscriptions.
struct LogCriteria {
  std::vector<core::Address20> addresses;               // empty: any
  std::vector<std::vector<core::Hash32>> topics;        // per position; empty inner list: any
  bool matches(const chain::Log& log) const;
};
LogCriteria parse_log_criteria(const json& filter, int arg);

// One log with its position, ready for JSON.
struct PlacedLog {
  chain::Log log;
  LogPlace place;
};

struct Impl;

struct EthApi::Impl {
  Impl(state::StateDb& db, igra::NetworkParams params, NodeHooks hooks, ApiOptions options);

  state::StateDb& db;
  igra::NetworkParams params;
  chain::ChainConfig config;
  NodeHooks hooks;
  ApiOptions options;

  // ---- snapshots and blocks ----
  state::StateView view();
  std::uint64_t head(state::StateView& v);
  // Resolves a block parameter (tag, number, EIP-1898 object). nullopt when the block does not exist.
  std::optional<std::uint64_t> resolve_block(state::StateView& v, const json& param, int arg);
  // As resolve_block, but a missing block is the error "header not found" (state methods).
  std::uint64_t require_block(state::StateView& v, const json& param, int arg);
  std::optional<LoadedBlock> load_block(state::StateView& v, std::uint64_t number);
  std::uint64_t safe_block(state::StateView& v);
  std::uint64_t finalized_block(state::StateView& v);
  json block_json(state::StateView& v, const LoadedBlock& b, bool full);
  std::vector<chain::Receipt> receipts(state::StateView& v, std::uint64_t number);
  json receipt_json(const LoadedBlock& b, std::size_t index, const chain::Transaction& tx, const core::Address20& from,
                    const std::vector<chain::Receipt>& receipts, std::size_t first_log_index);
  std::vector<json> block_receipts_json(state::StateView& v, const LoadedBlock& b);
  std::vector<PlacedLog> block_logs(state::StateView& v, const LoadedBlock& b);
  json get_logs(state::StateView& v, const json& filter, CallContext& ctx);

  // ---- execution (eth_call.cpp) ----
  json call(const json& params, CallContext& ctx);
  json estimate_gas(const json& params, CallContext& ctx);
  json create_access_list(const json& params, CallContext& ctx);
  json send_raw_transaction(const json& params, CallContext& ctx);
  json send_raw_transaction_sync(const json& params, CallContext& ctx);
  // eth_call-style execution of [call, block] with a tracer; invalid transactions are errors.
  std::pair<chain::Transaction, chain::TxExecution> trace_call(const json& params, CallContext& ctx, evm::Tracer* tracer);

  // Relayed transactions not yet seen executed: sender -> nonce -> hash.
  std::mutex pending_mu;
  std::map<core::Address20, std::map<std::uint64_t, core::Hash32>> pending;
  // Hashes of relayed transactions not executed yet (to drop them from `pending` when a block drops them).
  std::unordered_set<core::Hash32> pending_hashes;
  std::uint64_t pending_nonce(state::StateView& v, const core::Address20& addr, std::uint64_t latest_nonce);
  // Records a relayed, not yet executed transaction in the pending view.
  void add_pending(const core::Address20& sender, std::uint64_t nonce, const core::Hash32& hash);

  // ---- filters and subscriptions (eth_filters.cpp) ----
  struct Filter {
    enum class Kind { kLogs, kBlocks, kPending } kind = Kind::kLogs;
    LogCriteria criteria;
    json filter_param;  // eth_getFilterLogs re-runs it
    // Numeric fromBlock / toBlock of a log filter (tags and absent bounds: open); new logs outside are skipped.
    std::optional<std::uint64_t> from_block, to_block;
    std::vector<json> changes;
    std::chrono::steady_clock::time_point last_poll;
  };
  struct Subscription {
    enum class Kind { kNewHeads, kLogs, kPending } kind = Kind::kNewHeads;
    LogCriteria criteria;
    std::shared_ptr<Subscriber> subscriber;
  };
  struct RecentBlock {
    std::uint64_t number = 0;
    core::Hash32 hash;
    std::vector<PlacedLog> logs;
  };
  static constexpr std::size_t kRecentBlocks = 1024;
  static constexpr std::size_t kMaxFilterChanges = 100'000;
  std::mutex events_mu;
  std::condition_variable head_cv;  // notified on every commit (eth_sendRawTransactionSync)
  std::uint64_t commits = 0;
  std::unordered_map<std::string, Filter> filters;
  std::unordered_map<std::string, Subscription> subscriptions;
  std::deque<RecentBlock> recent;
  std::string new_id();
  void publish_logs(const std::vector<PlacedLog>& logs, bool removed);
  void publish_pending(const core::Hash32& hash);
  void expire_filters();
  json new_filter(const json& params, Filter::Kind kind);
  json filter_changes(const json& params);
  json filter_logs(const json& params, CallContext& ctx);
  json uninstall_filter(const json& params);
  json subscribe(const json& params, CallContext& ctx);
  json unsubscribe(const json& params, CallContext& ctx);
  void on_commit(const igra::CommittedBlock& block);
  void on_unwind(std::uint64_t new_head);
};

// The pre-state of a call at block N through one snapshot (chain::StateViewReader), with optional state
// overrides (eth_call's third parameter). check() rethrows the first database error.
class HistoricalReader final : public chain::StateViewReader {
 public:
  struct Override {
    std::optional<core::uint256> balance;
    std::optional<std::uint64_t> nonce;
    std::optional<core::Bytes> code;
    std::optional<std::unordered_map<core::uint256, core::uint256>> state;  // replaces all storage
    std::unordered_map<core::uint256, core::uint256> state_diff;
  };
  HistoricalReader(state::StateView& view, std::uint64_t block) : chain::StateViewReader(view, block) {}
  void set_overrides(std::unordered_map<core::Address20, Override, evm::AddressHash> o);
  std::optional<evm::AccountInfo> read_account(const core::Address20& addr) const override;
  core::uint256 read_storage(const core::Address20& addr, const core::uint256& key) const override;
  core::Bytes read_code(const core::Hash32& code_hash) const override;
  core::Hash32 block_hash(std::uint64_t n) const { return chain::StateViewReader::block_hash(n).value_or(core::Hash32()); }
  void check() const;

 private:
  std::unordered_map<core::Address20, Override, evm::AddressHash> overrides_;
  std::unordered_map<core::Hash32, core::Bytes> override_code_;
};

// debug_trace* (debug_api.cpp).
void register_debug_methods(EthApi::Impl& im, Dispatcher& d);
// geth's wording of an exceptional halt ("out of gas", "invalid opcode", ...).
std::string halt_message(evm::StatusCode s);

[[noreturn]] void throw_db(const core::Error& e);
template <typename T>
T db_ok(core::Result<T> r) {
  if (!r) throw_db(r.error());
  return std::move(*r);
}

}  // namespace igra::rpc
