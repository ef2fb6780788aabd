#pragma once
// The simnet's kaspad-compatible gRPC server: /protowire.RPC/MessageStream with kaspad's message and field numbers
// (kaspa/rpc/proto), so our kaspa::rpc::Client and stock Kaspa gRPC clients talk to it.
//
// Each client stream gets its own reader (the gRPC handler thread, which calls the backend in request order) and a
// writer thread draining an outbound queue shared by responses and notifications. Every response echoes the
// request's id; notifications carry id 0. Backend errors travel in the response's RPCError. Notifications pushed
// through the RpcNotificationSink interface never block: they are queued per subscribed stream (a stream whose
// queue exceeds max_queued_messages is cancelled, like kaspad drops a lagging listener).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "simnet/rpc_backend.hpp"

namespace igra::simnet {

struct RpcServerOptions {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 16510;  // 0: an ephemeral port (see RpcServer::port())
  int max_message_bytes = 1 << 30;
  std::size_t max_queued_messages = 100'000;  // per stream
};

enum class NotificationKind { kBlockAdded, kVirtualChainChanged, kUtxosChanged, kSinkBlueScoreChanged };

class RpcServer final : public RpcNotificationSink {
 public:
  // The backend must outlive the server.
  explicit RpcServer(RpcBackend& backend, RpcServerOptions options = {});
  ~RpcServer() override;  // stop()
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // Binds and starts serving; fails if the address cannot be bound. May be called again after stop(): it then
  // listens on the same port again (also when options.port was 0).
  core::Result<void> start();
  // Cancels every stream and stops listening. Idempotent.
  void stop();
  bool running() const;

  // The bound port (after start(); the chosen one when options.port is 0) and "address:port".
  std::uint16_t port() const;
  std::string address() const;
  // Open client streams, and streams currently subscribed to a notification kind (tests wait on these).
  std::size_t stream_count() const;
  std::size_t subscriber_count(NotificationKind kind) const;

  // RpcNotificationSink: fan-out to subscribed streams.
  void notify_block_added(const kaspa::rpc::Block& block) override;
  void notify_virtual_chain_changed(const kaspa::rpc::VirtualChainChanged& change) override;
  void notify_utxos_changed(const kaspa::rpc::UtxosChanged& change) override;
  void notify_sink_blue_score_changed(std::uint64_t sink_blue_score) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace igra::simnet
