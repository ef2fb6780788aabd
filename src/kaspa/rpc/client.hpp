#pragma once
// kaspad gRPC client (protowire): one bidirectional /protowire.RPC/MessageStream per connection, requests matched
// to responses by KaspadRequest.id, notifications dispatched by payload type (../shared/spec/kaspa-protocol.md §7.1).
//
//  * Every call has a timeout (ClientOptions::default_timeout unless given). Calls made while disconnected wait for
//    the connection within their timeout; calls in flight when the connection drops fail with a "disconnected"
//    error (they are not re-sent: SubmitTransaction is not idempotent from the caller's point of view).
//  * The connection is re-established automatically with exponential back-off (initial_backoff, doubled per failed
//    attempt up to max_backoff, reset after a successful connect), and every active notification subscription is
//    re-sent on each (re)connect before any queued call.
//  * Errors: kaspad's RPCError surfaces as ErrorCode::kInvalidArgument with message "rpc error: <kaspad's message>"
//    (rpc_error_message() returns kaspad's text); timeouts as kIo "rpc timeout: ..."; connection loss and shutdown
//    as kIo "rpc disconnected: ..."; a malformed response as kInvalidArgument "rpc bad response: <field path>: ...".
//  * Thread safety: every public method may be called from any thread, including from notification handlers.
//    Notification handlers (and the connection handler) run on one internal dispatcher thread, in arrival order;
//    they must not block for long. Futures are completed from internal threads.
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "kaspa/rpc/types.hpp"
#include "kaspa/transaction.hpp"

namespace protowire {
class KaspadRequest;
class KaspadResponse;
}  // namespace protowire

namespace igra::kaspa::rpc {

using Timeout = std::chrono::milliseconds;
// Passing this (the default) uses ClientOptions::default_timeout.
inline constexpr Timeout kDefaultTimeout{0};

inline constexpr std::string_view kRpcErrorPrefix = "rpc error: ";
inline constexpr std::string_view kTimeoutPrefix = "rpc timeout: ";
inline constexpr std::string_view kDisconnectedPrefix = "rpc disconnected: ";
inline constexpr std::string_view kBadResponsePrefix = "rpc bad response: ";

bool is_rpc_error(const core::Error& e);
bool is_timeout(const core::Error& e);
bool is_disconnected(const core::Error& e);
// kaspad's own message for an rpc error (the message without the prefix), else the whole message.
std::string rpc_error_message(const core::Error& e);

struct ClientOptions {
  std::string target = "127.0.0.1:16510";  // host:port (simnet default port)
  Timeout default_timeout{10'000};
  Timeout connect_timeout{5'000};   // per connection attempt
  Timeout initial_backoff{100};     // first wait after a failed attempt or a dropped connection
  Timeout max_backoff{5'000};
  int max_message_bytes = 1 << 30;  // kaspad allows large GetBlocks / GetVirtualChainFromBlock answers
};

enum class ConnectionEvent { kConnected, kDisconnected };

using VirtualChainChangedHandler = std::function<void(const VirtualChainChanged&)>;
using BlockAddedHandler = std::function<void(const Block&)>;
using UtxosChangedHandler = std::function<void(const UtxosChanged&)>;
using SinkBlueScoreChangedHandler = std::function<void(std::uint64_t sink_blue_score)>;
using ConnectionHandler = std::function<void(ConnectionEvent)>;
// Asynchronous problems that have no caller to return to (undecodable notification, failed re-subscription).
using ErrorHandler = std::function<void(const core::Error&)>;

template <typename T>
using Future = std::future<core::Result<T>>;

class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();  // shutdown()
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Starts connecting in the background (idempotent). Calls made before the stream is up wait within their timeout.
  void start();
  // Waits until a stream is up (starts the client if needed).
  bool wait_connected(Timeout timeout);
  bool connected() const;
  // Number of streams established so far (1 after the first connect, +1 per reconnect).
  std::uint64_t connect_count() const;
  // Cancels the stream, fails pending calls ("rpc disconnected: client shut down") and joins the threads.
  // Idempotent; the client cannot be restarted.
  void shutdown();

  void set_connection_handler(ConnectionHandler handler);
  void set_error_handler(ErrorHandler handler);

  // ---- calls (blocking, and _async returning a future) ----
  core::Result<ServerInfo> get_server_info(Timeout timeout = kDefaultTimeout);
  Future<ServerInfo> get_server_info_async(Timeout timeout = kDefaultTimeout);

  core::Result<BlockDagInfo> get_block_dag_info(Timeout timeout = kDefaultTimeout);
  Future<BlockDagInfo> get_block_dag_info_async(Timeout timeout = kDefaultTimeout);

  core::Result<core::Hash32> get_sink(Timeout timeout = kDefaultTimeout);
  Future<core::Hash32> get_sink_async(Timeout timeout = kDefaultTimeout);

  core::Result<std::uint64_t> get_sink_blue_score(Timeout timeout = kDefaultTimeout);
  Future<std::uint64_t> get_sink_blue_score_async(Timeout timeout = kDefaultTimeout);

  core::Result<Block> get_block(const core::Hash32& hash, bool include_transactions, Timeout timeout = kDefaultTimeout);
  Future<Block> get_block_async(const core::Hash32& hash, bool include_transactions, Timeout timeout = kDefaultTimeout);

  // low_hash empty: from the pruning point (kaspad semantics).
  core::Result<BlocksResult> get_blocks(const std::optional<core::Hash32>& low_hash, bool include_blocks,
                                        bool include_transactions, Timeout timeout = kDefaultTimeout);
  Future<BlocksResult> get_blocks_async(const std::optional<core::Hash32>& low_hash, bool include_blocks,
                                        bool include_transactions, Timeout timeout = kDefaultTimeout);

  core::Result<VirtualChainChanged> get_virtual_chain_from_block(const GetVirtualChainFromBlockParams& params,
                                                                 Timeout timeout = kDefaultTimeout);
  Future<VirtualChainChanged> get_virtual_chain_from_block_async(const GetVirtualChainFromBlockParams& params,
                                                                 Timeout timeout = kDefaultTimeout);

  core::Result<TransactionId> submit_transaction(const Transaction& tx, bool allow_orphan = false,
                                                 Timeout timeout = kDefaultTimeout);
  Future<TransactionId> submit_transaction_async(const Transaction& tx, bool allow_orphan = false,
                                                 Timeout timeout = kDefaultTimeout);

  core::Result<SubmitTransactionReplacementResult> submit_transaction_replacement(const Transaction& tx,
                                                                                 Timeout timeout = kDefaultTimeout);
  Future<SubmitTransactionReplacementResult> submit_transaction_replacement_async(const Transaction& tx,
                                                                                 Timeout timeout = kDefaultTimeout);

  core::Result<std::vector<UtxosByAddressesEntry>> get_utxos_by_addresses(const std::vector<std::string>& addresses,
                                                                          Timeout timeout = kDefaultTimeout);
  Future<std::vector<UtxosByAddressesEntry>> get_utxos_by_addresses_async(const std::vector<std::string>& addresses,
                                                                          Timeout timeout = kDefaultTimeout);

  core::Result<std::uint64_t> get_balance_by_address(const std::string& address, Timeout timeout = kDefaultTimeout);
  Future<std::uint64_t> get_balance_by_address_async(const std::string& address, Timeout timeout = kDefaultTimeout);

  core::Result<std::vector<MempoolEntry>> get_mempool_entries(bool include_orphan_pool, bool filter_transaction_pool,
                                                              Timeout timeout = kDefaultTimeout);
  Future<std::vector<MempoolEntry>> get_mempool_entries_async(bool include_orphan_pool, bool filter_transaction_pool,
                                                              Timeout timeout = kDefaultTimeout);

  core::Result<FeeEstimate> get_fee_estimate(Timeout timeout = kDefaultTimeout);
  Future<FeeEstimate> get_fee_estimate_async(Timeout timeout = kDefaultTimeout);

  // Mining (drives a simnet-mode kaspad). extra_data is sent as kaspad expects it: a UTF-8 string.
  core::Result<BlockTemplate> get_block_template(const std::string& pay_address, const std::string& extra_data,
                                                 Timeout timeout = kDefaultTimeout);
  Future<BlockTemplate> get_block_template_async(const std::string& pay_address, const std::string& extra_data,
                                                 Timeout timeout = kDefaultTimeout);
  // A rejection is a successful call with report.result != kSuccess; an RPCError without a reject reason is an
  // error.
  core::Result<SubmitBlockReport> submit_block(const Block& block, bool allow_non_daa_blocks = false,
                                               Timeout timeout = kDefaultTimeout);
  Future<SubmitBlockReport> submit_block_async(const Block& block, bool allow_non_daa_blocks = false,
                                               Timeout timeout = kDefaultTimeout);

  // ---- notifications ----
  // Each subscribe sends the Notify*Request (command NOTIFY_START) and waits for kaspad's answer. On success the
  // subscription is remembered and re-sent after every reconnect; the handler replaces any previous one.
  core::Result<void> subscribe_virtual_chain_changed(bool include_accepted_transaction_ids,
                                                     VirtualChainChangedHandler handler,
                                                     Timeout timeout = kDefaultTimeout);
  core::Result<void> unsubscribe_virtual_chain_changed(Timeout timeout = kDefaultTimeout);
  core::Result<void> subscribe_block_added(BlockAddedHandler handler, Timeout timeout = kDefaultTimeout);
  core::Result<void> unsubscribe_block_added(Timeout timeout = kDefaultTimeout);
  // addresses empty: every address. Repeated calls add addresses.
  core::Result<void> subscribe_utxos_changed(const std::vector<std::string>& addresses, UtxosChangedHandler handler,
                                             Timeout timeout = kDefaultTimeout);
  // addresses empty: stop entirely.
  core::Result<void> unsubscribe_utxos_changed(const std::vector<std::string>& addresses = {},
                                               Timeout timeout = kDefaultTimeout);
  core::Result<void> subscribe_sink_blue_score_changed(SinkBlueScoreChangedHandler handler,
                                                       Timeout timeout = kDefaultTimeout);
  core::Result<void> unsubscribe_sink_blue_score_changed(Timeout timeout = kDefaultTimeout);

  // ---- kaspa-simnet extensions (kaspa-simnet's control calls; kaspad does not know them) ----
  // Mines `blocks` blocks at once (any clock mode); returns their hashes in creation order.
  core::Result<std::vector<core::Hash32>> simnet_mine(std::uint32_t blocks, Timeout timeout = kDefaultTimeout);
  // Flips the selected-parent chain with a heavier branch from `depth` below the sink (flip_flop: alternate between
  // two branches on each call). Returns the chain change (removed newest first, added oldest first).
  core::Result<VirtualChainChanged> simnet_reorg(std::uint32_t depth, bool flip_flop,
                                                 Timeout timeout = kDefaultTimeout);
  // While `withhold` is set, miner `miner` keeps its blocks private; simnet_release_withheld publishes them.
  core::Result<void> simnet_set_withholding(std::uint32_t miner, bool withhold, Timeout timeout = kDefaultTimeout);
  core::Result<std::vector<core::Hash32>> simnet_release_withheld(Timeout timeout = kDefaultTimeout);

  // ---- raw access (for calls without a typed wrapper) ----
  // Sends `request` (its id is assigned by the client) and completes `done` with the response whose payload is the
  // matching *Response (RPCError is not interpreted here). `done` runs on an internal thread and must not block.
  using RawCallback = std::function<void(core::Result<protowire::KaspadResponse>)>;
  void call_raw(protowire::KaspadRequest request, Timeout timeout, RawCallback done);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace igra::kaspa::rpc
