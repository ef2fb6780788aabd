#pragma once
// igrad's JSON-RPC options (shared by `igrad run` and `igrad dev`) and the wiring of the RPC stack to a
// node: Dispatcher + EthApi (chain events from the node) + HTTP/WebSocket server, and optionally a relayer.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "igra/node.hpp"
#include "core/keccak.hpp"
#include "relayer/relay_queue.hpp"
#include "relayer/relayer.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/json_rpc.hpp"
#include "rpc/server.hpp"

namespace igrad {

struct RpcFlags {
  std::string http_addr = "127.0.0.1:8545";
  double rate = 1000;
  std::size_t max_request_bytes = 5u << 20;
  std::size_t max_batch = 1000;
  std::size_t max_response_bytes = 25u << 20;
  std::uint64_t gas_cap = 50'000'000;
  std::uint64_t max_log_range = 100'000;
  std::string cors;
  unsigned threads = 4;
};

inline void add_rpc_options(CLI::App& app, RpcFlags& f, const std::string& default_cors) {
  f.cors = default_cors;
  app.add_option("--http-addr", f.http_addr,
                 "JSON-RPC over HTTP and WebSocket on one port, host:port (\"off\" disables; binding anything but "
                 "127.0.0.1 exposes the node)")
      ->capture_default_str();
  app.add_option("--rpc-rate-limit", f.rate, "JSON-RPC requests per second per client IP (batch items count; 0 = no limit)")
      ->capture_default_str();
  app.add_option("--rpc-max-request-bytes", f.max_request_bytes, "largest accepted request body / WebSocket message")
      ->capture_default_str();
  app.add_option("--rpc-max-batch", f.max_batch, "most items in one JSON-RPC batch")->capture_default_str();
  app.add_option("--rpc-max-response-bytes", f.max_response_bytes, "largest response (a batch counts as one)")
      ->capture_default_str();
  app.add_option("--rpc-gas-cap", f.gas_cap, "gas limit of eth_call / eth_estimateGas")->capture_default_str();
  app.add_option("--rpc-max-log-range", f.max_log_range, "most blocks one eth_getLogs may scan")->capture_default_str();
  app.add_option("--rpc-cors", f.cors,
                 "comma-separated origins allowed to call from a browser (\"*\" = any, empty = none)")
      ->capture_default_str();
  app.add_option("--rpc-threads", f.threads, "JSON-RPC worker threads")->capture_default_str();
}

// The relayer's persistent queue in DATADIR/relayer, caught up with the L2 chain (items executed while the
// process was down) and its worker started.
// `l1`: the relayer's kaspad connection, on which the queue follows L1 acceptance (VirtualChainChanged).
inline igra::core::Result<std::unique_ptr<igra::relayer::RelayQueue>> open_relay_queue(
    const std::string& datadir, igra::relayer::Relayer& relayer, igra::igra::Node& node, igra::kaspa::rpc::Client& l1) {
  igra::relayer::RelayQueueOptions qo;
  qo.path = datadir + "/relayer";
  IGRA_TRY(auto q, igra::relayer::RelayQueue::open(qo, relayer));
  if (auto w = q->watch_l1_acceptance(l1); !w.ok())
    spdlog::warn("relayer: not following L1 acceptance ({}); relayed transactions are tracked to L2 execution only",
                 w.error().message);
  q->reconcile([&node](const igra::core::Hash32& h) -> std::optional<std::uint64_t> {
    auto v = node.db().view();
    if (!v) return std::nullopt;
    auto loc = v->tx_location(h);
    if (!loc || !*loc) return std::nullopt;
    return (*loc)->block;
  });
  q->recover();
  q->start();
  return q;
}

// The RPC stack of a running node.
class RpcStack {
 public:
  // `following_l1`: the node derives from kaspad (eth_syncing and `finalized` read its progress); false for
  // `igrad serve`, which only reads the data directory.
  static igra::core::Result<std::unique_ptr<RpcStack>> create(igra::igra::Node& node, const RpcFlags& f,
                                                              igra::relayer::Relayer* relayer, bool following_l1 = true,
                                                              igra::relayer::RelayQueue* queue = nullptr) {
    auto s = std::unique_ptr<RpcStack>(new RpcStack());
    igra::rpc::DispatchLimits limits;
    limits.max_batch = f.max_batch;
    limits.max_response_bytes = f.max_response_bytes;
    s->dispatcher_ = std::make_unique<igra::rpc::Dispatcher>(limits);
    igra::rpc::NodeHooks hooks;
    if (following_l1) hooks.stats = [&node] { return node.stats(); };
    if (queue) {
      // Recorded in the relayer's queue first (nothing is lost on a restart), then sent in order.
      hooks.submit = [queue](igra::core::ByteView raw) -> igra::core::Result<igra::core::Hash32> {
        auto item = queue->submit(raw, igra::core::keccak256(raw));
        if (!item) return item.error();
        return item->l1_txid;
      };
      hooks.relay_status = [queue](const igra::core::Hash32& h) -> std::optional<igra::rpc::RelayStatus> {
        auto it = queue->item(h);
        if (!it) return std::nullopt;
        igra::rpc::RelayStatus st;
        st.state = igra::relayer::item_state_name(it->state);
        st.l1_txid = it->l1_txid;
        st.l1_block = it->l1_block;
        st.sends = it->sends;
        st.note = it->note;
        return st;
      };
    } else if (relayer) {
      hooks.submit = [relayer](igra::core::ByteView raw) -> igra::core::Result<igra::core::Hash32> {
        auto id = relayer->submit(raw);
        if (!id) return id.error();
        return igra::core::Hash32(*id);
      };
    }
    igra::rpc::ApiOptions api;
    api.gas_cap = f.gas_cap;
    api.max_log_range = f.max_log_range;
    s->api_ = std::make_unique<igra::rpc::EthApi>(node.db(), node.params(), hooks, api);
    s->api_->register_methods(*s->dispatcher_);
    if (queue)
      for (const auto& raw : queue->open_transactions()) s->api_->add_pending(raw);
    auto* api_ptr = s->api_.get();
    node.set_listeners(
        [api_ptr, queue](const igra::igra::CommittedBlock& b) {
          api_ptr->on_commit(b);
          if (queue && b.result) {
            std::vector<igra::core::Hash32> executed;
            std::vector<std::pair<igra::core::Hash32, std::string>> dropped;
            for (const auto& t : b.result->included) executed.push_back(t.hash);
            for (const auto& d : b.result->dropped) dropped.emplace_back(d.hash, d.reason);
            queue->on_block(b.number, executed, dropped);
          }
        },
        [api_ptr, queue](std::uint64_t h) {
          api_ptr->on_unwind(h);
          if (queue) queue->on_unwind(h);
        });
    if (f.http_addr != "off" && !f.http_addr.empty()) {
      igra::rpc::ServerOptions so;
      const auto colon = f.http_addr.rfind(':');
      if (colon == std::string::npos)
        return igra::core::Error{igra::core::ErrorCode::kInvalidArgument, "--http-addr must be host:port"};
      so.host = f.http_addr.substr(0, colon);
      try {
        so.port = static_cast<std::uint16_t>(std::stoul(f.http_addr.substr(colon + 1)));
      } catch (...) {
        return igra::core::Error{igra::core::ErrorCode::kInvalidArgument, "--http-addr: bad port"};
      }
      so.max_request_bytes = f.max_request_bytes;
      so.rate_per_second = f.rate;
      so.threads = f.threads;
      so.cors_origins.clear();
      std::string rest = f.cors;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string o = rest.substr(0, comma);
        if (!o.empty()) so.cors_origins.push_back(o);
        rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
      }
      s->server_ = std::make_unique<igra::rpc::Server>(*s->dispatcher_, so);
    }
    return s;
  }
  // Starts serving (after the node started, so that the head exists).
  igra::core::Result<void> start() {
    if (!server_) return {};
    IGRA_TRY_VOID(server_->start());
    spdlog::info("JSON-RPC on http://{} and ws://{}", server_->address(), server_->address());
    return {};
  }
  void stop() {
    if (server_) server_->stop();
  }
  std::string address() const { return server_ ? server_->address() : ""; }
  // Registers extra methods (before start()).
  igra::rpc::Dispatcher& dispatcher() { return *dispatcher_; }
  ~RpcStack() { stop(); }

 private:
  RpcStack() = default;
  std::unique_ptr<igra::rpc::Dispatcher> dispatcher_;
  std::unique_ptr<igra::rpc::EthApi> api_;
  std::unique_ptr<igra::rpc::Server> server_;
};

}  // namespace igrad
