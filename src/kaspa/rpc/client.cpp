#include "kaspa/rpc/client.hpp"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>

#include "kaspa/rpc/convert.hpp"
#include "kaspa/rpc/proto/messages.grpc.pb.h"
#include "kaspa/rpc/proto/messages.pb.h"

namespace igra::kaspa::rpc {
namespace {

using Clock = std::chrono::steady_clock;
using Req = protowire::KaspadRequest;
using Resp = protowire::KaspadResponse;

bool has_prefix(const core::Error& e, std::string_view p) { return std::string_view(e.message).substr(0, p.size()) == p; }

core::Error rpc_error(const protowire::RPCError& e) {
  return core::Error(core::ErrorCode::kInvalidArgument, std::string(kRpcErrorPrefix) + e.message());
}
core::Error bad_response(const core::Error& e) {
  return core::Error(e.code, std::string(kBadResponsePrefix) + e.message);
}
core::Error disconnected(std::string_view what) {
  return core::Error(core::ErrorCode::kIo, std::string(kDisconnectedPrefix) + std::string(what));
}

struct CallInfo {
  Resp::PayloadCase response;
  const char* name;
};

std::optional<CallInfo> call_info(Req::PayloadCase c) {
  switch (c) {
    case Req::kSubmitBlockRequest: return CallInfo{Resp::kSubmitBlockResponse, "SubmitBlock"};
    case Req::kGetBlockTemplateRequest: return CallInfo{Resp::kGetBlockTemplateResponse, "GetBlockTemplate"};
    case Req::kNotifyBlockAddedRequest: return CallInfo{Resp::kNotifyBlockAddedResponse, "NotifyBlockAdded"};
    case Req::kGetSinkRequest: return CallInfo{Resp::kGetSinkResponse, "GetSink"};
    case Req::kSubmitTransactionRequest: return CallInfo{Resp::kSubmitTransactionResponse, "SubmitTransaction"};
    case Req::kNotifyVirtualChainChangedRequest:
      return CallInfo{Resp::kNotifyVirtualChainChangedResponse, "NotifyVirtualChainChanged"};
    case Req::kGetBlockRequest: return CallInfo{Resp::kGetBlockResponse, "GetBlock"};
    case Req::kGetVirtualChainFromBlockRequest:
      return CallInfo{Resp::kGetVirtualChainFromBlockResponse, "GetVirtualChainFromBlock"};
    case Req::kGetBlocksRequest: return CallInfo{Resp::kGetBlocksResponse, "GetBlocks"};
    case Req::kGetBlockDagInfoRequest: return CallInfo{Resp::kGetBlockDagInfoResponse, "GetBlockDagInfo"};
    case Req::kGetMempoolEntriesRequest: return CallInfo{Resp::kGetMempoolEntriesResponse, "GetMempoolEntries"};
    case Req::kNotifyUtxosChangedRequest: return CallInfo{Resp::kNotifyUtxosChangedResponse, "NotifyUtxosChanged"};
    case Req::kGetUtxosByAddressesRequest:
      return CallInfo{Resp::kGetUtxosByAddressesResponse, "GetUtxosByAddresses"};
    case Req::kGetSinkBlueScoreRequest: return CallInfo{Resp::kGetSinkBlueScoreResponse, "GetSinkBlueScore"};
    case Req::kNotifySinkBlueScoreChangedRequest:
      return CallInfo{Resp::kNotifySinkBlueScoreChangedResponse, "NotifySinkBlueScoreChanged"};
    case Req::kStopNotifyingUtxosChangedRequest:
      return CallInfo{Resp::kStopNotifyingUtxosChangedResponse, "StopNotifyingUtxosChanged"};
    case Req::kGetBalanceByAddressRequest:
      return CallInfo{Resp::kGetBalanceByAddressResponse, "GetBalanceByAddress"};
    case Req::kGetServerInfoRequest: return CallInfo{Resp::kGetServerInfoResponse, "GetServerInfo"};
    case Req::kSubmitTransactionReplacementRequest:
      return CallInfo{Resp::kSubmitTransactionReplacementResponse, "SubmitTransactionReplacement"};
    case Req::kGetFeeEstimateRequest: return CallInfo{Resp::kGetFeeEstimateResponse, "GetFeeEstimate"};
    case Req::kGetCurrentNetworkRequest: return CallInfo{Resp::kGetCurrentNetworkResponse, "GetCurrentNetwork"};
    case Req::kGetInfoRequest: return CallInfo{Resp::kGetInfoResponse, "GetInfo"};
    case Req::kPingRequest: return CallInfo{Resp::kPingResponse, "Ping"};
    case Req::kSimnetMineRequest: return CallInfo{Resp::kSimnetMineResponse, "SimnetMine"};
    case Req::kSimnetReorgRequest: return CallInfo{Resp::kSimnetReorgResponse, "SimnetReorg"};
    case Req::kSimnetSetWithholdingRequest:
      return CallInfo{Resp::kSimnetSetWithholdingResponse, "SimnetSetWithholding"};
    case Req::kSimnetReleaseWithheldRequest:
      return CallInfo{Resp::kSimnetReleaseWithheldResponse, "SimnetReleaseWithheld"};
    case Req::PAYLOAD_NOT_SET: break;
  }
  return std::nullopt;
}

// Wraps a conversion result so that errors read "rpc bad response: ...".
template <typename T>
core::Result<T> checked(core::Result<T> r) {
  if (!r) return bad_response(r.error());
  return r;
}

}  // namespace

bool is_rpc_error(const core::Error& e) { return has_prefix(e, kRpcErrorPrefix); }
bool is_timeout(const core::Error& e) { return has_prefix(e, kTimeoutPrefix); }
bool is_disconnected(const core::Error& e) { return has_prefix(e, kDisconnectedPrefix); }
std::string rpc_error_message(const core::Error& e) {
  return is_rpc_error(e) ? e.message.substr(kRpcErrorPrefix.size()) : e.message;
}

struct Client::Impl {
  struct Stream {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<protowire::RPC::Stub> stub;
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientReaderWriter<Req, Resp>> rw;
    std::mutex write_mu;
    bool finished = false;  // guarded by write_mu
    std::uint64_t generation = 0;
  };

  struct Pending {
    Req request;  // kept only until sent
    Resp::PayloadCase expected = Resp::PAYLOAD_NOT_SET;
    const char* name = "";
    Clock::time_point deadline;
    Timeout timeout{0};
    RawCallback done;
    std::uint64_t sent_generation = 0;  // 0: queued, not sent yet
  };

  struct Subscriptions {
    bool vcc = false;
    bool vcc_include_accepted = false;
    VirtualChainChangedHandler vcc_handler;
    bool block_added = false;
    BlockAddedHandler block_handler;
    bool utxos = false;
    bool utxos_all = false;
    std::set<std::string> utxo_addresses;
    UtxosChangedHandler utxo_handler;
    bool sink_blue_score = false;
    SinkBlueScoreChangedHandler sbs_handler;
  };

  explicit Impl(ClientOptions o) : opts(std::move(o)) {}

  ClientOptions opts;
  mutable std::mutex mu;
  std::condition_variable cv;
  bool started = false;
  bool stopping = false;
  bool is_connected = false;
  std::uint64_t generation = 0;
  std::uint64_t connects = 0;
  std::shared_ptr<Stream> stream;
  std::uint64_t next_id = 1;
  std::unordered_map<std::uint64_t, Pending> pending;
  std::deque<std::uint64_t> unsent;
  std::set<std::pair<Clock::time_point, std::uint64_t>> deadlines;
  std::deque<std::function<void()>> tasks;
  Subscriptions subs;
  ConnectionHandler connection_handler;
  ErrorHandler error_handler;
  std::thread io_thread;
  std::thread worker_thread;
  std::thread timer_thread;

  Timeout effective(Timeout t) const { return t.count() > 0 ? t : opts.default_timeout; }

  // ---- lifecycle ----
  void start() {
    std::lock_guard lk(mu);
    if (started || stopping) return;
    started = true;
    io_thread = std::thread([this] { io_loop(); });
    worker_thread = std::thread([this] { worker_loop(); });
    timer_thread = std::thread([this] { timer_loop(); });
  }

  void shutdown() {
    std::shared_ptr<Stream> s;
    {
      std::lock_guard lk(mu);
      if (stopping) return;
      stopping = true;
      s = stream;
      cv.notify_all();
    }
    if (s) s->ctx.TryCancel();
    if (io_thread.joinable()) io_thread.join();
    if (timer_thread.joinable()) timer_thread.join();
    std::vector<RawCallback> fail;
    {
      std::lock_guard lk(mu);
      for (auto& [id, p] : pending) fail.push_back(std::move(p.done));
      pending.clear();
      unsent.clear();
      deadlines.clear();
      cv.notify_all();
    }
    if (worker_thread.joinable()) {
      // Called from a handler on the worker itself: it exits on its own once this handler returns.
      if (worker_thread.get_id() == std::this_thread::get_id()) {
        worker_thread.detach();
      } else {
        worker_thread.join();
      }
    }
    for (auto& f : fail)
      if (f) f(disconnected("client shut down"));
  }

  // ---- calls ----
  void call(Req request, Timeout timeout, RawCallback done) {
    const auto info = call_info(request.payload_case());
    if (!info) {
      done(core::Error(core::ErrorCode::kInvalidArgument, "rpc: request payload not supported by this client"));
      return;
    }
    const Timeout t = effective(timeout);
    std::shared_ptr<Stream> s;
    {
      std::unique_lock lk(mu);
      if (stopping) {
        lk.unlock();
        done(disconnected("client shut down"));
        return;
      }
      if (!started) {
        lk.unlock();
        start();
        lk.lock();
      }
      const std::uint64_t id = next_id++;
      request.set_id(id);
      Pending p;
      p.expected = info->response;
      p.name = info->name;
      p.timeout = t;
      p.deadline = Clock::now() + t;
      p.done = std::move(done);
      deadlines.emplace(p.deadline, id);
      if (is_connected) {
        p.sent_generation = generation;
        s = stream;
      } else {
        p.request = request;
        unsent.push_back(id);
      }
      pending.emplace(id, std::move(p));
      cv.notify_all();
    }
    if (s) write(*s, request);
  }

  static void write(Stream& s, const Req& r) {
    std::lock_guard lk(s.write_mu);
    if (!s.finished) s.rw->Write(r);  // a failed write ends the stream; the reader then fails in-flight calls
  }

  // Removes a pending call and returns its callback (empty if it is gone already).
  RawCallback take(std::uint64_t id, Resp::PayloadCase* expected, const char** name) {
    std::lock_guard lk(mu);
    auto it = pending.find(id);
    if (it == pending.end()) return {};
    RawCallback cb = std::move(it->second.done);
    if (expected) *expected = it->second.expected;
    if (name) *name = it->second.name;
    deadlines.erase({it->second.deadline, id});
    pending.erase(it);
    return cb;
  }

  void post(std::function<void()> task) {
    std::lock_guard lk(mu);
    if (stopping) return;
    tasks.push_back(std::move(task));
    cv.notify_all();
  }

  void report(core::Error e) {
    post([this, e = std::move(e)] {
      ErrorHandler h;
      {
        std::lock_guard lk(mu);
        h = error_handler;
      }
      if (h) h(e);
    });
  }

  // ---- reader side ----
  void dispatch_notification(Resp& r) {
    switch (r.payload_case()) {
      case Resp::kBlockAddedNotification: {
        auto b = block_from_proto(r.blockaddednotification().block());
        if (!b) return report(bad_response(b.error().context("BlockAddedNotification")));
        post([this, b = std::move(*b)] {
          BlockAddedHandler h;
          {
            std::lock_guard lk(mu);
            h = subs.block_handler;
          }
          if (h) h(b);
        });
        return;
      }
      case Resp::kVirtualChainChangedNotification: {
        auto v = virtual_chain_from_proto(r.virtualchainchangednotification());
        if (!v) return report(bad_response(v.error()));
        post([this, v = std::move(*v)] {
          VirtualChainChangedHandler h;
          {
            std::lock_guard lk(mu);
            h = subs.vcc_handler;
          }
          if (h) h(v);
        });
        return;
      }
      case Resp::kUtxosChangedNotification: {
        auto u = utxos_changed_from_proto(r.utxoschangednotification());
        if (!u) return report(bad_response(u.error()));
        post([this, u = std::move(*u)] {
          UtxosChangedHandler h;
          {
            std::lock_guard lk(mu);
            h = subs.utxo_handler;
          }
          if (h) h(u);
        });
        return;
      }
      case Resp::kSinkBlueScoreChangedNotification: {
        const std::uint64_t score = r.sinkbluescorechangednotification().sinkbluescore();
        post([this, score] {
          SinkBlueScoreChangedHandler h;
          {
            std::lock_guard lk(mu);
            h = subs.sbs_handler;
          }
          if (h) h(score);
        });
        return;
      }
      default:
        break;
    }
    Resp::PayloadCase expected = Resp::PAYLOAD_NOT_SET;
    const char* name = "";
    RawCallback cb = take(r.id(), &expected, &name);
    if (!cb) return;  // late answer to a call that timed out, or an id we never sent
    if (r.payload_case() != expected) {
      cb(core::Error(core::ErrorCode::kInvalidArgument,
                     std::string(kBadResponsePrefix) + name + ": unexpected response payload field " +
                         std::to_string(static_cast<int>(r.payload_case())) + " (expected " +
                         std::to_string(static_cast<int>(expected)) + ")"));
      return;
    }
    cb(std::move(r));
  }

  // Builds the Notify* requests for every active subscription (called with mu held).
  std::vector<Req> subscription_requests() const {
    std::vector<Req> out;
    if (subs.vcc) {
      Req r;
      auto* m = r.mutable_notifyvirtualchainchangedrequest();
      m->set_includeacceptedtransactionids(subs.vcc_include_accepted);
      m->set_command(protowire::NOTIFY_START);
      out.push_back(std::move(r));
    }
    if (subs.block_added) {
      Req r;
      r.mutable_notifyblockaddedrequest()->set_command(protowire::NOTIFY_START);
      out.push_back(std::move(r));
    }
    if (subs.utxos) {
      Req r;
      auto* m = r.mutable_notifyutxoschangedrequest();
      if (!subs.utxos_all)
        for (const auto& a : subs.utxo_addresses) m->add_addresses(a);
      m->set_command(protowire::NOTIFY_START);
      out.push_back(std::move(r));
    }
    if (subs.sink_blue_score) {
      Req r;
      r.mutable_notifysinkbluescorechangedrequest()->set_command(protowire::NOTIFY_START);
      out.push_back(std::move(r));
    }
    return out;
  }

  std::shared_ptr<Stream> connect_once() {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(opts.max_message_bytes);
    args.SetMaxSendMessageSize(opts.max_message_bytes);
    // A private subchannel pool, so a fresh channel never inherits another channel's reconnect back-off.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, static_cast<int>(opts.initial_backoff.count()));
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, static_cast<int>(opts.initial_backoff.count()));
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(opts.max_backoff.count()));
    auto channel = grpc::CreateCustomChannel(opts.target, grpc::InsecureChannelCredentials(), args);
    const auto deadline = Clock::now() + opts.connect_timeout;
    bool ok = false;
    while (!ok) {
      {
        std::lock_guard lk(mu);
        if (stopping) return nullptr;
      }
      const auto now = Clock::now();
      if (now >= deadline) return nullptr;
      const auto step = std::min<Clock::time_point>(deadline, now + std::chrono::milliseconds(100));
      ok = channel->WaitForConnected(std::chrono::system_clock::now() +
                                     std::chrono::duration_cast<std::chrono::system_clock::duration>(step - now));
    }
    auto s = std::make_shared<Stream>();
    s->channel = channel;
    s->stub = protowire::RPC::NewStub(channel);
    s->rw = s->stub->MessageStream(&s->ctx);
    if (!s->rw) return nullptr;
    return s;
  }

  void io_loop() {
    Timeout backoff = opts.initial_backoff;
    for (;;) {
      {
        std::lock_guard lk(mu);
        if (stopping) return;
      }
      auto s = connect_once();
      if (!s) {
        std::unique_lock lk(mu);
        cv.wait_for(lk, backoff, [this] { return stopping; });
        backoff = std::min(backoff * 2, opts.max_backoff);
        continue;
      }
      std::vector<Req> to_send;
      {
        std::lock_guard lk(mu);
        if (stopping) {
          s->ctx.TryCancel();
        } else {
          s->generation = ++generation;
          stream = s;
          is_connected = true;
          ++connects;
          // Re-subscriptions first, then the calls that waited for the connection.
          for (auto& r : subscription_requests()) {
            const std::uint64_t id = next_id++;
            r.set_id(id);
            const auto info = call_info(r.payload_case());
            Pending p;
            p.expected = info->response;
            p.name = info->name;
            p.timeout = opts.default_timeout;
            p.deadline = Clock::now() + opts.default_timeout;
            p.sent_generation = generation;
            p.done = [this, name = info->name](core::Result<Resp> res) {
              if (!res) return report(res.error().context(std::string("re-subscribing ") + name));
              const Resp& m = *res;
              const protowire::RPCError* err = nullptr;
              if (m.has_notifyvirtualchainchangedresponse() && m.notifyvirtualchainchangedresponse().has_error())
                err = &m.notifyvirtualchainchangedresponse().error();
              if (m.has_notifyblockaddedresponse() && m.notifyblockaddedresponse().has_error())
                err = &m.notifyblockaddedresponse().error();
              if (m.has_notifyutxoschangedresponse() && m.notifyutxoschangedresponse().has_error())
                err = &m.notifyutxoschangedresponse().error();
              if (m.has_notifysinkbluescorechangedresponse() && m.notifysinkbluescorechangedresponse().has_error())
                err = &m.notifysinkbluescorechangedresponse().error();
              if (err) report(rpc_error(*err).context(std::string("re-subscribing ") + name));
            };
            deadlines.emplace(p.deadline, id);
            pending.emplace(id, std::move(p));
            to_send.push_back(std::move(r));
          }
          for (const std::uint64_t id : unsent) {
            auto it = pending.find(id);
            if (it == pending.end()) continue;
            it->second.sent_generation = generation;
            to_send.push_back(std::move(it->second.request));
            it->second.request.Clear();
          }
          unsent.clear();
          tasks.push_back([this] { fire_connection(ConnectionEvent::kConnected); });
          cv.notify_all();
        }
      }
      for (const auto& r : to_send) write(*s, r);

      bool got_any = false;
      Resp r;
      while (s->rw->Read(&r)) {
        got_any = true;
        dispatch_notification(r);
        r.Clear();
      }
      std::vector<RawCallback> failed;
      bool was_connected = false;
      {
        std::lock_guard lk(mu);
        if (stream == s) {
          stream.reset();
          was_connected = is_connected;
          is_connected = false;
        }
        for (auto it = pending.begin(); it != pending.end();) {
          if (it->second.sent_generation == s->generation && s->generation != 0) {
            failed.push_back(std::move(it->second.done));
            deadlines.erase({it->second.deadline, it->first});
            it = pending.erase(it);
          } else {
            ++it;
          }
        }
        if (was_connected && !stopping) tasks.push_back([this] { fire_connection(ConnectionEvent::kDisconnected); });
        cv.notify_all();
      }
      grpc::Status status;
      {
        std::lock_guard lk(s->write_mu);
        s->finished = true;
        status = s->rw->Finish();
      }
      const std::string why = "connection lost (" + std::to_string(static_cast<int>(status.error_code())) + ": " +
                              status.error_message() + ")";
      for (auto& f : failed)
        if (f) f(disconnected(why));
      if (got_any) backoff = opts.initial_backoff;
      std::unique_lock lk(mu);
      if (stopping) return;
      cv.wait_for(lk, backoff, [this] { return stopping; });
      if (!got_any) backoff = std::min(backoff * 2, opts.max_backoff);
    }
  }

  void fire_connection(ConnectionEvent e) {
    ConnectionHandler h;
    {
      std::lock_guard lk(mu);
      h = connection_handler;
    }
    if (h) h(e);
  }

  // ---- dispatcher: handlers in arrival order ----
  void worker_loop() {
    std::unique_lock lk(mu);
    for (;;) {
      cv.wait(lk, [this] { return stopping || !tasks.empty(); });
      if (stopping) return;
      auto t = std::move(tasks.front());
      tasks.pop_front();
      lk.unlock();
      t();
      lk.lock();
    }
  }

  // ---- timer: expires deadlines (separate from the dispatcher, so a handler blocked in a call still times out) --
  void timer_loop() {
    std::unique_lock lk(mu);
    for (;;) {
      if (stopping) return;
      const auto now = Clock::now();
      std::vector<std::pair<RawCallback, core::Error>> expired;
      while (!deadlines.empty() && deadlines.begin()->first <= now) {
        const std::uint64_t id = deadlines.begin()->second;
        deadlines.erase(deadlines.begin());
        auto it = pending.find(id);
        if (it == pending.end()) continue;
        const bool queued = it->second.sent_generation == 0;
        std::string msg = std::string(kTimeoutPrefix) + it->second.name + ": no response within " +
                          std::to_string(it->second.timeout.count()) + " ms" + (queued ? " (not connected)" : "");
        expired.emplace_back(std::move(it->second.done), core::Error(core::ErrorCode::kIo, std::move(msg)));
        if (queued) unsent.erase(std::remove(unsent.begin(), unsent.end(), id), unsent.end());
        pending.erase(it);
      }
      if (!expired.empty()) {
        lk.unlock();
        for (auto& [cb, err] : expired)
          if (cb) cb(std::move(err));
        lk.lock();
        continue;
      }
      if (deadlines.empty()) {
        cv.wait(lk);
      } else {
        const Clock::time_point until = deadlines.begin()->first;  // a copy: the node may go while we wait
        cv.wait_until(lk, until);
      }
    }
  }
};

// ---- Client ----

Client::Client(ClientOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {}
Client::~Client() { shutdown(); }
void Client::start() { impl_->start(); }
void Client::shutdown() { impl_->shutdown(); }

bool Client::wait_connected(Timeout timeout) {
  start();
  std::unique_lock lk(impl_->mu);
  return impl_->cv.wait_for(lk, timeout, [this] { return impl_->is_connected || impl_->stopping; }) &&
         impl_->is_connected;
}

bool Client::connected() const {
  std::lock_guard lk(impl_->mu);
  return impl_->is_connected;
}

std::uint64_t Client::connect_count() const {
  std::lock_guard lk(impl_->mu);
  return impl_->connects;
}

void Client::set_connection_handler(ConnectionHandler handler) {
  std::lock_guard lk(impl_->mu);
  impl_->connection_handler = std::move(handler);
}

void Client::set_error_handler(ErrorHandler handler) {
  std::lock_guard lk(impl_->mu);
  impl_->error_handler = std::move(handler);
}

void Client::call_raw(protowire::KaspadRequest request, Timeout timeout, RawCallback done) {
  impl_->call(std::move(request), timeout, std::move(done));
}

namespace {

// Sends `req` and converts the matching response with `extract(const Resp&) -> core::Result<T>`.
template <typename T, typename Extract>
Future<T> invoke(Client& c, Req req, Timeout timeout, Extract extract) {
  auto promise = std::make_shared<std::promise<core::Result<T>>>();
  auto fut = promise->get_future();
  c.call_raw(std::move(req), timeout, [promise, extract = std::move(extract)](core::Result<Resp> r) mutable {
    if (!r) {
      promise->set_value(std::move(r).error());
      return;
    }
    promise->set_value(extract(*r));
  });
  return fut;
}

template <typename M>
std::optional<core::Error> error_of(const M& m) {
  if (m.has_error()) return rpc_error(m.error());
  return std::nullopt;
}

}  // namespace

Future<ServerInfo> Client::get_server_info_async(Timeout timeout) {
  Req req;
  req.mutable_getserverinforequest();
  return invoke<ServerInfo>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<ServerInfo> {
    const auto& m = r.getserverinforesponse();
    if (auto e = error_of(m)) return *e;
    return server_info_from_proto(m);
  });
}
core::Result<ServerInfo> Client::get_server_info(Timeout timeout) { return get_server_info_async(timeout).get(); }

Future<BlockDagInfo> Client::get_block_dag_info_async(Timeout timeout) {
  Req req;
  req.mutable_getblockdaginforequest();
  return invoke<BlockDagInfo>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<BlockDagInfo> {
    const auto& m = r.getblockdaginforesponse();
    if (auto e = error_of(m)) return *e;
    return checked(block_dag_info_from_proto(m));
  });
}
core::Result<BlockDagInfo> Client::get_block_dag_info(Timeout timeout) {
  return get_block_dag_info_async(timeout).get();
}

Future<core::Hash32> Client::get_sink_async(Timeout timeout) {
  Req req;
  req.mutable_getsinkrequest();
  return invoke<core::Hash32>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<core::Hash32> {
    const auto& m = r.getsinkresponse();
    if (auto e = error_of(m)) return *e;
    return checked(hash_from_hex(m.sink(), "GetSinkResponseMessage.sink"));
  });
}
core::Result<core::Hash32> Client::get_sink(Timeout timeout) { return get_sink_async(timeout).get(); }

Future<std::uint64_t> Client::get_sink_blue_score_async(Timeout timeout) {
  Req req;
  req.mutable_getsinkbluescorerequest();
  return invoke<std::uint64_t>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<std::uint64_t> {
    const auto& m = r.getsinkbluescoreresponse();
    if (auto e = error_of(m)) return *e;
    return static_cast<std::uint64_t>(m.bluescore());
  });
}
core::Result<std::uint64_t> Client::get_sink_blue_score(Timeout timeout) {
  return get_sink_blue_score_async(timeout).get();
}

Future<Block> Client::get_block_async(const core::Hash32& hash, bool include_transactions, Timeout timeout) {
  Req req;
  auto* m = req.mutable_getblockrequest();
  m->set_hash(hash_to_hex(hash));
  m->set_includetransactions(include_transactions);
  return invoke<Block>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<Block> {
    const auto& m = r.getblockresponse();
    if (auto e = error_of(m)) return *e;
    if (!m.has_block()) return bad_response(core::make_error("GetBlockResponseMessage.block: missing"));
    return checked(block_from_proto(m.block()));
  });
}
core::Result<Block> Client::get_block(const core::Hash32& hash, bool include_transactions, Timeout timeout) {
  return get_block_async(hash, include_transactions, timeout).get();
}

Future<BlocksResult> Client::get_blocks_async(const std::optional<core::Hash32>& low_hash, bool include_blocks,
                                              bool include_transactions, Timeout timeout) {
  Req req;
  auto* m = req.mutable_getblocksrequest();
  if (low_hash) m->set_lowhash(hash_to_hex(*low_hash));
  m->set_includeblocks(include_blocks);
  m->set_includetransactions(include_transactions);
  return invoke<BlocksResult>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<BlocksResult> {
    const auto& m = r.getblocksresponse();
    if (auto e = error_of(m)) return *e;
    BlocksResult out;
    for (int i = 0; i < m.blockhashes_size(); ++i) {
      auto h = hash_from_hex(m.blockhashes(i), "GetBlocksResponseMessage.blockHashes[" + std::to_string(i) + "]");
      if (!h) return bad_response(h.error());
      out.block_hashes.push_back(*h);
    }
    for (int i = 0; i < m.blocks_size(); ++i) {
      auto b = block_from_proto(m.blocks(i));
      if (!b) return bad_response(b.error().context("GetBlocksResponseMessage.blocks[" + std::to_string(i) + "]"));
      out.blocks.push_back(std::move(*b));
    }
    return out;
  });
}
core::Result<BlocksResult> Client::get_blocks(const std::optional<core::Hash32>& low_hash, bool include_blocks,
                                              bool include_transactions, Timeout timeout) {
  return get_blocks_async(low_hash, include_blocks, include_transactions, timeout).get();
}

Future<VirtualChainChanged> Client::get_virtual_chain_from_block_async(const GetVirtualChainFromBlockParams& params,
                                                                       Timeout timeout) {
  Req req;
  auto* m = req.mutable_getvirtualchainfromblockrequest();
  m->set_starthash(hash_to_hex(params.start_hash));
  m->set_includeacceptedtransactionids(params.include_accepted_transaction_ids);
  if (params.min_confirmation_count) m->set_minconfirmationcount(*params.min_confirmation_count);
  return invoke<VirtualChainChanged>(*this, std::move(req), timeout,
                                     [](const Resp& r) -> core::Result<VirtualChainChanged> {
                                       const auto& m = r.getvirtualchainfromblockresponse();
                                       if (auto e = error_of(m)) return *e;
                                       return checked(virtual_chain_from_proto(m));
                                     });
}
core::Result<VirtualChainChanged> Client::get_virtual_chain_from_block(const GetVirtualChainFromBlockParams& params,
                                                                       Timeout timeout) {
  return get_virtual_chain_from_block_async(params, timeout).get();
}

Future<TransactionId> Client::submit_transaction_async(const Transaction& tx, bool allow_orphan, Timeout timeout) {
  Req req;
  auto* m = req.mutable_submittransactionrequest();
  to_proto(tx, m->mutable_transaction());
  m->set_alloworphan(allow_orphan);
  return invoke<TransactionId>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<TransactionId> {
    const auto& m = r.submittransactionresponse();
    if (auto e = error_of(m)) return *e;
    return checked(hash_from_hex(m.transactionid(), "SubmitTransactionResponseMessage.transactionId"));
  });
}
core::Result<TransactionId> Client::submit_transaction(const Transaction& tx, bool allow_orphan, Timeout timeout) {
  return submit_transaction_async(tx, allow_orphan, timeout).get();
}

Future<SubmitTransactionReplacementResult> Client::submit_transaction_replacement_async(const Transaction& tx,
                                                                                         Timeout timeout) {
  Req req;
  to_proto(tx, req.mutable_submittransactionreplacementrequest()->mutable_transaction());
  return invoke<SubmitTransactionReplacementResult>(
      *this, std::move(req), timeout, [](const Resp& r) -> core::Result<SubmitTransactionReplacementResult> {
        const auto& m = r.submittransactionreplacementresponse();
        if (auto e = error_of(m)) return *e;
        SubmitTransactionReplacementResult out;
        auto id = hash_from_hex(m.transactionid(), "SubmitTransactionReplacementResponseMessage.transactionId");
        if (!id) return bad_response(id.error());
        out.transaction_id = *id;
        if (!m.has_replacedtransaction())
          return bad_response(core::make_error("SubmitTransactionReplacementResponseMessage.replacedTransaction: missing"));
        auto replaced = rpc_transaction_from_proto(m.replacedtransaction());
        if (!replaced) return bad_response(replaced.error().context("replacedTransaction"));
        out.replaced_transaction = std::move(*replaced);
        return out;
      });
}
core::Result<SubmitTransactionReplacementResult> Client::submit_transaction_replacement(const Transaction& tx,
                                                                                         Timeout timeout) {
  return submit_transaction_replacement_async(tx, timeout).get();
}

Future<std::vector<UtxosByAddressesEntry>> Client::get_utxos_by_addresses_async(
    const std::vector<std::string>& addresses, Timeout timeout) {
  Req req;
  auto* m = req.mutable_getutxosbyaddressesrequest();
  for (const auto& a : addresses) m->add_addresses(a);
  return invoke<std::vector<UtxosByAddressesEntry>>(
      *this, std::move(req), timeout, [](const Resp& r) -> core::Result<std::vector<UtxosByAddressesEntry>> {
        const auto& m = r.getutxosbyaddressesresponse();
        if (auto e = error_of(m)) return *e;
        std::vector<UtxosByAddressesEntry> out;
        out.reserve(static_cast<std::size_t>(m.entries_size()));
        for (int i = 0; i < m.entries_size(); ++i) {
          auto e = utxos_by_addresses_entry_from_proto(m.entries(i));
          if (!e) return bad_response(e.error().context("entries[" + std::to_string(i) + "]"));
          out.push_back(std::move(*e));
        }
        return out;
      });
}
core::Result<std::vector<UtxosByAddressesEntry>> Client::get_utxos_by_addresses(
    const std::vector<std::string>& addresses, Timeout timeout) {
  return get_utxos_by_addresses_async(addresses, timeout).get();
}

Future<std::uint64_t> Client::get_balance_by_address_async(const std::string& address, Timeout timeout) {
  Req req;
  req.mutable_getbalancebyaddressrequest()->set_address(address);
  return invoke<std::uint64_t>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<std::uint64_t> {
    const auto& m = r.getbalancebyaddressresponse();
    if (auto e = error_of(m)) return *e;
    return static_cast<std::uint64_t>(m.balance());
  });
}
core::Result<std::uint64_t> Client::get_balance_by_address(const std::string& address, Timeout timeout) {
  return get_balance_by_address_async(address, timeout).get();
}

Future<std::vector<MempoolEntry>> Client::get_mempool_entries_async(bool include_orphan_pool,
                                                                    bool filter_transaction_pool, Timeout timeout) {
  Req req;
  auto* m = req.mutable_getmempoolentriesrequest();
  m->set_includeorphanpool(include_orphan_pool);
  m->set_filtertransactionpool(filter_transaction_pool);
  return invoke<std::vector<MempoolEntry>>(
      *this, std::move(req), timeout, [](const Resp& r) -> core::Result<std::vector<MempoolEntry>> {
        const auto& m = r.getmempoolentriesresponse();
        if (auto e = error_of(m)) return *e;
        std::vector<MempoolEntry> out;
        out.reserve(static_cast<std::size_t>(m.entries_size()));
        for (int i = 0; i < m.entries_size(); ++i) {
          auto e = mempool_entry_from_proto(m.entries(i));
          if (!e) return bad_response(e.error().context("entries[" + std::to_string(i) + "]"));
          out.push_back(std::move(*e));
        }
        return out;
      });
}
core::Result<std::vector<MempoolEntry>> Client::get_mempool_entries(bool include_orphan_pool,
                                                                    bool filter_transaction_pool, Timeout timeout) {
  return get_mempool_entries_async(include_orphan_pool, filter_transaction_pool, timeout).get();
}

Future<FeeEstimate> Client::get_fee_estimate_async(Timeout timeout) {
  Req req;
  req.mutable_getfeeestimaterequest();
  return invoke<FeeEstimate>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<FeeEstimate> {
    const auto& m = r.getfeeestimateresponse();
    if (auto e = error_of(m)) return *e;
    return fee_estimate_from_proto(m.estimate());
  });
}
core::Result<FeeEstimate> Client::get_fee_estimate(Timeout timeout) { return get_fee_estimate_async(timeout).get(); }

namespace {
core::Result<std::vector<core::Hash32>> hash_list(const google::protobuf::RepeatedPtrField<std::string>& hexes,
                                                  std::string_view what) {
  std::vector<core::Hash32> out;
  out.reserve(static_cast<std::size_t>(hexes.size()));
  for (int i = 0; i < hexes.size(); ++i) {
    auto h = hash_from_hex(hexes.Get(i), std::string(what) + "[" + std::to_string(i) + "]");
    if (!h) return bad_response(h.error());
    out.push_back(*h);
  }
  return out;
}
}  // namespace

core::Result<std::vector<core::Hash32>> Client::simnet_mine(std::uint32_t blocks, Timeout timeout) {
  Req req;
  req.mutable_simnetminerequest()->set_blockcount(blocks);
  return invoke<std::vector<core::Hash32>>(*this, std::move(req), timeout,
                                           [](const Resp& r) -> core::Result<std::vector<core::Hash32>> {
                                             const auto& m = r.simnetmineresponse();
                                             if (auto e = error_of(m)) return *e;
                                             return hash_list(m.blockhashes(), "SimnetMineResponseMessage.blockHashes");
                                           })
      .get();
}

core::Result<VirtualChainChanged> Client::simnet_reorg(std::uint32_t depth, bool flip_flop, Timeout timeout) {
  Req req;
  auto* q = req.mutable_simnetreorgrequest();
  q->set_depth(depth);
  q->set_flipflop(flip_flop);
  return invoke<VirtualChainChanged>(
             *this, std::move(req), timeout,
             [](const Resp& r) -> core::Result<VirtualChainChanged> {
               const auto& m = r.simnetreorgresponse();
               if (auto e = error_of(m)) return *e;
               VirtualChainChanged out;
               IGRA_TRY(auto removed, hash_list(m.removedchainblockhashes(), "SimnetReorgResponseMessage.removed"));
               IGRA_TRY(auto added, hash_list(m.addedchainblockhashes(), "SimnetReorgResponseMessage.added"));
               out.removed_chain_block_hashes = std::move(removed);
               out.added_chain_block_hashes = std::move(added);
               return out;
             })
      .get();
}

core::Result<void> Client::simnet_set_withholding(std::uint32_t miner, bool withhold, Timeout timeout) {
  Req req;
  auto* q = req.mutable_simnetsetwithholdingrequest();
  q->set_miner(miner);
  q->set_withhold(withhold);
  auto r = invoke<bool>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<bool> {
             const auto& m = r.simnetsetwithholdingresponse();
             if (auto e = error_of(m)) return *e;
             return true;
           }).get();
  if (!r) return r.error();
  return {};
}

core::Result<std::vector<core::Hash32>> Client::simnet_release_withheld(Timeout timeout) {
  Req req;
  req.mutable_simnetreleasewithheldrequest();
  return invoke<std::vector<core::Hash32>>(
             *this, std::move(req), timeout,
             [](const Resp& r) -> core::Result<std::vector<core::Hash32>> {
               const auto& m = r.simnetreleasewithheldresponse();
               if (auto e = error_of(m)) return *e;
               return hash_list(m.blockhashes(), "SimnetReleaseWithheldResponseMessage.blockHashes");
             })
      .get();
}

Future<BlockTemplate> Client::get_block_template_async(const std::string& pay_address, const std::string& extra_data,
                                                       Timeout timeout) {
  Req req;
  auto* m = req.mutable_getblocktemplaterequest();
  m->set_payaddress(pay_address);
  m->set_extradata(extra_data);
  return invoke<BlockTemplate>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<BlockTemplate> {
    const auto& m = r.getblocktemplateresponse();
    if (auto e = error_of(m)) return *e;
    if (!m.has_block()) return bad_response(core::make_error("GetBlockTemplateResponseMessage.block: missing"));
    auto b = block_from_proto(m.block());
    if (!b) return bad_response(b.error());
    return BlockTemplate{std::move(*b), m.issynced()};
  });
}
core::Result<BlockTemplate> Client::get_block_template(const std::string& pay_address, const std::string& extra_data,
                                                       Timeout timeout) {
  return get_block_template_async(pay_address, extra_data, timeout).get();
}

Future<SubmitBlockReport> Client::submit_block_async(const Block& block, bool allow_non_daa_blocks, Timeout timeout) {
  Req req;
  auto* m = req.mutable_submitblockrequest();
  to_proto(block, m->mutable_block());
  m->set_allownondaablocks(allow_non_daa_blocks);
  return invoke<SubmitBlockReport>(*this, std::move(req), timeout, [](const Resp& r) -> core::Result<SubmitBlockReport> {
    const auto& m = r.submitblockresponse();
    SubmitBlockReport rep;
    rep.message = m.has_error() ? m.error().message() : std::string();
    switch (m.rejectreason()) {
      case protowire::SubmitBlockResponseMessage::BLOCK_INVALID: rep.result = SubmitBlockResult::kBlockInvalid; break;
      case protowire::SubmitBlockResponseMessage::IS_IN_IBD: rep.result = SubmitBlockResult::kIsInIbd; break;
      default:
        if (m.has_error()) {
          if (m.error().message() == "Block was not submitted: route is full") {
            rep.result = SubmitBlockResult::kRouteIsFull;
            break;
          }
          return rpc_error(m.error());
        }
        rep.result = SubmitBlockResult::kSuccess;
    }
    return rep;
  });
}
core::Result<SubmitBlockReport> Client::submit_block(const Block& block, bool allow_non_daa_blocks, Timeout timeout) {
  return submit_block_async(block, allow_non_daa_blocks, timeout).get();
}

// ---- notifications ----

namespace {

// Sends a Notify* request; `response_error` extracts the RPCError of the specific response.
template <typename ErrorOf>
core::Result<void> notify_call(Client& c, Req req, Timeout timeout, ErrorOf error_of_response) {
  auto fut = invoke<core::Unit>(c, std::move(req), timeout,
                                [error_of_response](const Resp& r) -> core::Result<core::Unit> {
                                  if (auto e = error_of_response(r)) return *e;
                                  return core::Unit{};
                                });
  auto r = fut.get();
  if (!r) return std::move(r).error();
  return {};
}

std::optional<core::Error> vcc_error(const Resp& r) { return error_of(r.notifyvirtualchainchangedresponse()); }
std::optional<core::Error> block_added_error(const Resp& r) { return error_of(r.notifyblockaddedresponse()); }
std::optional<core::Error> utxos_error(const Resp& r) { return error_of(r.notifyutxoschangedresponse()); }
std::optional<core::Error> sbs_error(const Resp& r) { return error_of(r.notifysinkbluescorechangedresponse()); }

}  // namespace

// Subscription state is updated before the request is sent (so a reconnect in between re-sends it) and rolled
// back only when kaspad rejects the request; after a timeout or disconnect it stays and is re-sent on reconnect.
core::Result<void> Client::subscribe_virtual_chain_changed(bool include_accepted_transaction_ids,
                                                           VirtualChainChangedHandler handler, Timeout timeout) {
  Impl::Subscriptions prev;
  {
    std::lock_guard lk(impl_->mu);
    prev = impl_->subs;
    impl_->subs.vcc = true;
    impl_->subs.vcc_include_accepted = include_accepted_transaction_ids;
    impl_->subs.vcc_handler = std::move(handler);
  }
  Req req;
  auto* m = req.mutable_notifyvirtualchainchangedrequest();
  m->set_includeacceptedtransactionids(include_accepted_transaction_ids);
  m->set_command(protowire::NOTIFY_START);
  auto r = notify_call(*this, std::move(req), timeout, vcc_error);
  if (!r && is_rpc_error(r.error())) {
    std::lock_guard lk(impl_->mu);
    impl_->subs.vcc = prev.vcc;
    impl_->subs.vcc_include_accepted = prev.vcc_include_accepted;
    impl_->subs.vcc_handler = std::move(prev.vcc_handler);
  }
  return r;
}

core::Result<void> Client::unsubscribe_virtual_chain_changed(Timeout timeout) {
  {
    std::lock_guard lk(impl_->mu);
    impl_->subs.vcc = false;
    impl_->subs.vcc_handler = nullptr;
  }
  Req req;
  req.mutable_notifyvirtualchainchangedrequest()->set_command(protowire::NOTIFY_STOP);
  return notify_call(*this, std::move(req), timeout, vcc_error);
}

core::Result<void> Client::subscribe_block_added(BlockAddedHandler handler, Timeout timeout) {
  bool prev_active;
  BlockAddedHandler prev_handler;
  {
    std::lock_guard lk(impl_->mu);
    prev_active = impl_->subs.block_added;
    prev_handler = std::move(impl_->subs.block_handler);
    impl_->subs.block_added = true;
    impl_->subs.block_handler = std::move(handler);
  }
  Req req;
  req.mutable_notifyblockaddedrequest()->set_command(protowire::NOTIFY_START);
  auto r = notify_call(*this, std::move(req), timeout, block_added_error);
  if (!r && is_rpc_error(r.error())) {
    std::lock_guard lk(impl_->mu);
    impl_->subs.block_added = prev_active;
    impl_->subs.block_handler = std::move(prev_handler);
  }
  return r;
}

core::Result<void> Client::unsubscribe_block_added(Timeout timeout) {
  {
    std::lock_guard lk(impl_->mu);
    impl_->subs.block_added = false;
    impl_->subs.block_handler = nullptr;
  }
  Req req;
  req.mutable_notifyblockaddedrequest()->set_command(protowire::NOTIFY_STOP);
  return notify_call(*this, std::move(req), timeout, block_added_error);
}

core::Result<void> Client::subscribe_utxos_changed(const std::vector<std::string>& addresses,
                                                   UtxosChangedHandler handler, Timeout timeout) {
  Impl::Subscriptions prev;
  {
    std::lock_guard lk(impl_->mu);
    prev = impl_->subs;
    impl_->subs.utxos = true;
    if (addresses.empty()) impl_->subs.utxos_all = true;
    impl_->subs.utxo_addresses.insert(addresses.begin(), addresses.end());
    impl_->subs.utxo_handler = std::move(handler);
  }
  Req req;
  auto* m = req.mutable_notifyutxoschangedrequest();
  for (const auto& a : addresses) m->add_addresses(a);
  m->set_command(protowire::NOTIFY_START);
  auto r = notify_call(*this, std::move(req), timeout, utxos_error);
  if (!r && is_rpc_error(r.error())) {
    std::lock_guard lk(impl_->mu);
    impl_->subs.utxos = prev.utxos;
    impl_->subs.utxos_all = prev.utxos_all;
    impl_->subs.utxo_addresses = std::move(prev.utxo_addresses);
    impl_->subs.utxo_handler = std::move(prev.utxo_handler);
  }
  return r;
}

core::Result<void> Client::unsubscribe_utxos_changed(const std::vector<std::string>& addresses, Timeout timeout) {
  {
    std::lock_guard lk(impl_->mu);
    auto& s = impl_->subs;
    if (addresses.empty()) {
      s.utxos = false;
      s.utxos_all = false;
      s.utxo_addresses.clear();
    } else {
      for (const auto& a : addresses) s.utxo_addresses.erase(a);
      if (s.utxo_addresses.empty() && !s.utxos_all) s.utxos = false;
    }
    if (!s.utxos) s.utxo_handler = nullptr;
  }
  Req req;
  auto* m = req.mutable_notifyutxoschangedrequest();
  for (const auto& a : addresses) m->add_addresses(a);
  m->set_command(protowire::NOTIFY_STOP);
  return notify_call(*this, std::move(req), timeout, utxos_error);
}

core::Result<void> Client::subscribe_sink_blue_score_changed(SinkBlueScoreChangedHandler handler, Timeout timeout) {
  bool prev_active;
  SinkBlueScoreChangedHandler prev_handler;
  {
    std::lock_guard lk(impl_->mu);
    prev_active = impl_->subs.sink_blue_score;
    prev_handler = std::move(impl_->subs.sbs_handler);
    impl_->subs.sink_blue_score = true;
    impl_->subs.sbs_handler = std::move(handler);
  }
  Req req;
  req.mutable_notifysinkbluescorechangedrequest()->set_command(protowire::NOTIFY_START);
  auto r = notify_call(*this, std::move(req), timeout, sbs_error);
  if (!r && is_rpc_error(r.error())) {
    std::lock_guard lk(impl_->mu);
    impl_->subs.sink_blue_score = prev_active;
    impl_->subs.sbs_handler = std::move(prev_handler);
  }
  return r;
}

core::Result<void> Client::unsubscribe_sink_blue_score_changed(Timeout timeout) {
  {
    std::lock_guard lk(impl_->mu);
    impl_->subs.sink_blue_score = false;
    impl_->subs.sbs_handler = nullptr;
  }
  Req req;
  req.mutable_notifysinkbluescorechangedrequest()->set_command(protowire::NOTIFY_STOP);
  return notify_call(*this, std::move(req), timeout, sbs_error);
}

}  // namespace igra::kaspa::rpc
