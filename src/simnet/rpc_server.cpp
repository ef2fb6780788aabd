#include "simnet/rpc_server.hpp"

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "kaspa/rpc/convert.hpp"
#include "kaspa/rpc/proto/messages.grpc.pb.h"
#include "kaspa/rpc/proto/messages.pb.h"

namespace igra::simnet {
namespace {

namespace krpc = kaspa::rpc;
using Req = protowire::KaspadRequest;
using Resp = protowire::KaspadResponse;

// One client stream.
struct Conn {
  grpc::ServerContext* ctx = nullptr;
  grpc::ServerReaderWriter<Resp, Req>* rw = nullptr;
  std::size_t max_queued = 0;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<Resp> queue;
  bool closing = false;  // no more messages will be queued; the writer drains and exits
  bool broken = false;   // a write failed or the queue overflowed

  // Subscriptions (guarded by mu).
  bool block_added = false;
  bool vcc = false;
  bool vcc_include_accepted = false;
  bool sink_blue_score = false;
  bool utxos = false;
  bool utxos_all = false;
  std::set<std::string> utxo_addresses;

  void enqueue(Resp r) {
    std::lock_guard lk(mu);
    if (closing || broken) return;
    if (queue.size() >= max_queued) {
      broken = true;
      ctx->TryCancel();
      cv.notify_all();
      return;
    }
    queue.push_back(std::move(r));
    cv.notify_all();
  }

  void writer_loop() {
    std::unique_lock lk(mu);
    for (;;) {
      cv.wait(lk, [this] { return !queue.empty() || closing || broken; });
      if (broken) return;
      if (queue.empty()) return;  // closing and drained
      Resp r = std::move(queue.front());
      queue.pop_front();
      lk.unlock();
      const bool ok = rw->Write(r);
      lk.lock();
      if (!ok) {
        broken = true;
        return;
      }
    }
  }
};

template <typename M>
void set_error(M* m, const core::Error& e) {
  m->mutable_error()->set_message(e.message);
}

}  // namespace

struct RpcServer::Impl {
  // A fresh service object per start(): a grpc::Service is registered with one server only.
  struct Service final : public protowire::RPC::Service {
    explicit Service(Impl* i) : impl(i) {}
    grpc::Status MessageStream(grpc::ServerContext* ctx, grpc::ServerReaderWriter<Resp, Req>* rw) override {
      return impl->message_stream(ctx, rw);
    }
    Impl* impl;
  };

  Impl(RpcBackend& b, RpcServerOptions o) : backend(b), opts(std::move(o)) {}

  RpcBackend& backend;
  RpcServerOptions opts;

  mutable std::mutex mu;  // lifecycle and the stream set
  std::unique_ptr<Service> service;
  std::unique_ptr<grpc::Server> server;
  std::uint16_t bound_port = 0;
  bool is_running = false;
  std::set<std::shared_ptr<Conn>> conns;

  grpc::Status message_stream(grpc::ServerContext* ctx, grpc::ServerReaderWriter<Resp, Req>* rw) {
    auto conn = std::make_shared<Conn>();
    conn->ctx = ctx;
    conn->rw = rw;
    conn->max_queued = opts.max_queued_messages;
    {
      std::lock_guard lk(mu);
      if (!is_running) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server stopping");
      conns.insert(conn);
    }
    std::thread writer([conn] { conn->writer_loop(); });
    Req req;
    while (rw->Read(&req)) {
      Resp resp;
      if (handle(*conn, req, resp)) {
        resp.set_id(req.id());
        conn->enqueue(std::move(resp));
      }
      req.Clear();
    }
    {
      std::lock_guard lk(mu);
      conns.erase(conn);
    }
    {
      std::lock_guard lk(conn->mu);
      conn->closing = true;
      conn->cv.notify_all();
    }
    writer.join();
    return grpc::Status::OK;
  }

  // Fills `resp` for `req`; false for a payload this server does not know (no answer, as kaspad drops it).
  bool handle(Conn& c, const Req& req, Resp& resp) {
    switch (req.payload_case()) {
      case Req::kGetServerInfoRequest: {
        auto* m = resp.mutable_getserverinforesponse();
        auto r = backend.get_server_info();
        if (r) krpc::to_proto(*r, m); else set_error(m, r.error());
        return true;
      }
      case Req::kGetBlockDagInfoRequest: {
        auto* m = resp.mutable_getblockdaginforesponse();
        auto r = backend.get_block_dag_info();
        if (r) krpc::to_proto(*r, m); else set_error(m, r.error());
        return true;
      }
      case Req::kGetSinkRequest: {
        auto* m = resp.mutable_getsinkresponse();
        auto r = backend.get_sink();
        if (r) m->set_sink(krpc::hash_to_hex(*r)); else set_error(m, r.error());
        return true;
      }
      case Req::kGetSinkBlueScoreRequest: {
        auto* m = resp.mutable_getsinkbluescoreresponse();
        auto r = backend.get_sink_blue_score();
        if (r) m->set_bluescore(*r); else set_error(m, r.error());
        return true;
      }
      case Req::kGetBlockRequest: {
        auto* m = resp.mutable_getblockresponse();
        auto hash = krpc::hash_from_hex(req.getblockrequest().hash(), "hash");
        if (!hash) { set_error(m, hash.error()); return true; }
        auto r = backend.get_block(*hash, req.getblockrequest().includetransactions());
        if (r) krpc::to_proto(*r, m->mutable_block()); else set_error(m, r.error());
        return true;
      }
      case Req::kGetBlocksRequest: {
        const auto& q = req.getblocksrequest();
        auto* m = resp.mutable_getblocksresponse();
        std::optional<core::Hash32> low;
        if (!q.lowhash().empty()) {
          auto h = krpc::hash_from_hex(q.lowhash(), "lowHash");
          if (!h) { set_error(m, h.error()); return true; }
          low = *h;
        }
        auto r = backend.get_blocks(low, q.includeblocks(), q.includetransactions());
        if (!r) { set_error(m, r.error()); return true; }
        for (const auto& h : r->block_hashes) m->add_blockhashes(krpc::hash_to_hex(h));
        for (const auto& b : r->blocks) krpc::to_proto(b, m->add_blocks());
        return true;
      }
      case Req::kGetVirtualChainFromBlockRequest: {
        const auto& q = req.getvirtualchainfromblockrequest();
        auto* m = resp.mutable_getvirtualchainfromblockresponse();
        krpc::GetVirtualChainFromBlockParams p;
        auto h = krpc::hash_from_hex(q.starthash(), "startHash");
        if (!h) { set_error(m, h.error()); return true; }
        p.start_hash = *h;
        p.include_accepted_transaction_ids = q.includeacceptedtransactionids();
        if (q.has_minconfirmationcount()) p.min_confirmation_count = q.minconfirmationcount();
        auto r = backend.get_virtual_chain_from_block(p);
        if (r) krpc::to_proto(*r, m); else set_error(m, r.error());
        return true;
      }
      case Req::kSubmitTransactionRequest: {
        const auto& q = req.submittransactionrequest();
        auto* m = resp.mutable_submittransactionresponse();
        auto tx = krpc::transaction_from_proto(q.transaction());
        if (!tx) { set_error(m, tx.error()); return true; }
        auto r = backend.submit_transaction(*tx, q.alloworphan());
        if (r) m->set_transactionid(krpc::hash_to_hex(*r)); else set_error(m, r.error());
        return true;
      }
      case Req::kSubmitTransactionReplacementRequest: {
        auto* m = resp.mutable_submittransactionreplacementresponse();
        auto tx = krpc::transaction_from_proto(req.submittransactionreplacementrequest().transaction());
        if (!tx) { set_error(m, tx.error()); return true; }
        auto r = backend.submit_transaction_replacement(*tx);
        if (!r) { set_error(m, r.error()); return true; }
        m->set_transactionid(krpc::hash_to_hex(r->transaction_id));
        krpc::to_proto(r->replaced_transaction, m->mutable_replacedtransaction());
        return true;
      }
      case Req::kGetUtxosByAddressesRequest: {
        const auto& q = req.getutxosbyaddressesrequest();
        auto* m = resp.mutable_getutxosbyaddressesresponse();
        auto r = backend.get_utxos_by_addresses({q.addresses().begin(), q.addresses().end()});
        if (!r) { set_error(m, r.error()); return true; }
        for (const auto& e : *r) krpc::to_proto(e, m->add_entries());
        return true;
      }
      case Req::kGetBalanceByAddressRequest: {
        auto* m = resp.mutable_getbalancebyaddressresponse();
        auto r = backend.get_balance_by_address(req.getbalancebyaddressrequest().address());
        if (r) m->set_balance(*r); else set_error(m, r.error());
        return true;
      }
      case Req::kGetMempoolEntriesRequest: {
        const auto& q = req.getmempoolentriesrequest();
        auto* m = resp.mutable_getmempoolentriesresponse();
        auto r = backend.get_mempool_entries(q.includeorphanpool(), q.filtertransactionpool());
        if (!r) { set_error(m, r.error()); return true; }
        for (const auto& e : *r) krpc::to_proto(e, m->add_entries());
        return true;
      }
      case Req::kGetFeeEstimateRequest: {
        auto* m = resp.mutable_getfeeestimateresponse();
        auto r = backend.get_fee_estimate();
        if (r) krpc::to_proto(*r, m->mutable_estimate()); else set_error(m, r.error());
        return true;
      }
      case Req::kNotifyBlockAddedRequest: {
        std::lock_guard lk(c.mu);
        c.block_added = req.notifyblockaddedrequest().command() == protowire::NOTIFY_START;
        resp.mutable_notifyblockaddedresponse();
        return true;
      }
      case Req::kNotifyVirtualChainChangedRequest: {
        const auto& q = req.notifyvirtualchainchangedrequest();
        std::lock_guard lk(c.mu);
        c.vcc = q.command() == protowire::NOTIFY_START;
        c.vcc_include_accepted = c.vcc && q.includeacceptedtransactionids();
        resp.mutable_notifyvirtualchainchangedresponse();
        return true;
      }
      case Req::kNotifySinkBlueScoreChangedRequest: {
        std::lock_guard lk(c.mu);
        c.sink_blue_score = req.notifysinkbluescorechangedrequest().command() == protowire::NOTIFY_START;
        resp.mutable_notifysinkbluescorechangedresponse();
        return true;
      }
      case Req::kNotifyUtxosChangedRequest: {
        const auto& q = req.notifyutxoschangedrequest();
        update_utxo_subscription(c, q.command() == protowire::NOTIFY_START, q.addresses());
        resp.mutable_notifyutxoschangedresponse();
        return true;
      }
      case Req::kStopNotifyingUtxosChangedRequest: {
        update_utxo_subscription(c, false, req.stopnotifyingutxoschangedrequest().addresses());
        resp.mutable_stopnotifyingutxoschangedresponse();
        return true;
      }
      case Req::kGetBlockTemplateRequest: {
        const auto& q = req.getblocktemplaterequest();
        auto* m = resp.mutable_getblocktemplateresponse();
        auto r = backend.get_block_template(q.payaddress(), core::Bytes(q.extradata().begin(), q.extradata().end()));
        if (!r) { set_error(m, r.error()); return true; }
        // A template carries no hash (kaspad sends the raw header).
        auto b = r->block;
        krpc::to_proto(b, m->mutable_block());
        m->mutable_block()->mutable_header()->clear_hash();
        m->set_issynced(r->is_synced);
        return true;
      }
      case Req::kSubmitBlockRequest: {
        const auto& q = req.submitblockrequest();
        auto* m = resp.mutable_submitblockresponse();
        auto block = krpc::block_from_proto(q.block());
        if (!block) {
          m->set_rejectreason(protowire::SubmitBlockResponseMessage::BLOCK_INVALID);
          set_error(m, block.error());
          return true;
        }
        auto r = backend.submit_block(*block, q.allownondaablocks());
        if (!r) { set_error(m, r.error()); return true; }
        switch (r->result) {
          case krpc::SubmitBlockResult::kSuccess: break;
          case krpc::SubmitBlockResult::kBlockInvalid:
            m->set_rejectreason(protowire::SubmitBlockResponseMessage::BLOCK_INVALID);
            m->mutable_error()->set_message(r->message.empty() ? "Block was not submitted: block is invalid" : r->message);
            break;
          case krpc::SubmitBlockResult::kIsInIbd:
            m->set_rejectreason(protowire::SubmitBlockResponseMessage::IS_IN_IBD);
            m->mutable_error()->set_message(r->message.empty() ? "Block was not submitted: node is not synced" : r->message);
            break;
          case krpc::SubmitBlockResult::kRouteIsFull:
            m->mutable_error()->set_message("Block was not submitted: route is full");
            break;
        }
        return true;
      }
      case Req::kSimnetMineRequest: {
        auto* m = resp.mutable_simnetmineresponse();
        auto r = backend.simnet_mine(req.simnetminerequest().blockcount());
        if (!r) { set_error(m, r.error()); return true; }
        for (const auto& h : *r) m->add_blockhashes(krpc::hash_to_hex(h));
        return true;
      }
      case Req::kSimnetReorgRequest: {
        const auto& q = req.simnetreorgrequest();
        auto* m = resp.mutable_simnetreorgresponse();
        auto r = backend.simnet_reorg(q.depth(), q.flipflop());
        if (!r) { set_error(m, r.error()); return true; }
        for (const auto& h : r->removed_chain_block_hashes) m->add_removedchainblockhashes(krpc::hash_to_hex(h));
        for (const auto& h : r->added_chain_block_hashes) m->add_addedchainblockhashes(krpc::hash_to_hex(h));
        return true;
      }
      case Req::kSimnetSetWithholdingRequest: {
        const auto& q = req.simnetsetwithholdingrequest();
        auto* m = resp.mutable_simnetsetwithholdingresponse();
        auto r = backend.simnet_set_withholding(q.miner(), q.withhold());
        if (!r) set_error(m, r.error());
        return true;
      }
      case Req::kSimnetReleaseWithheldRequest: {
        auto* m = resp.mutable_simnetreleasewithheldresponse();
        auto r = backend.simnet_release_withheld();
        if (!r) { set_error(m, r.error()); return true; }
        for (const auto& h : *r) m->add_blockhashes(krpc::hash_to_hex(h));
        return true;
      }
      // Probes some stock clients send; answered from GetServerInfo.
      case Req::kPingRequest:
        resp.mutable_pingresponse();
        return true;
      case Req::kGetInfoRequest: {
        auto* m = resp.mutable_getinforesponse();
        auto r = backend.get_server_info();
        if (!r) { set_error(m, r.error()); return true; }
        m->set_p2pid("igra-simnet");
        m->set_serverversion(r->server_version);
        m->set_isutxoindexed(r->has_utxo_index);
        m->set_issynced(r->is_synced);
        m->set_hasnotifycommand(true);
        m->set_hasmessageid(true);
        return true;
      }
      case Req::kGetCurrentNetworkRequest: {
        auto* m = resp.mutable_getcurrentnetworkresponse();
        auto r = backend.get_server_info();
        if (r) m->set_currentnetwork(r->network_id); else set_error(m, r.error());
        return true;
      }
      case Req::PAYLOAD_NOT_SET:
        break;
    }
    return false;
  }

  template <typename Addresses>
  static void update_utxo_subscription(Conn& c, bool start, const Addresses& addresses) {
    std::lock_guard lk(c.mu);
    if (start) {
      c.utxos = true;
      if (addresses.empty()) c.utxos_all = true;
      for (const auto& a : addresses) c.utxo_addresses.insert(a);
    } else if (addresses.empty()) {
      c.utxos = false;
      c.utxos_all = false;
      c.utxo_addresses.clear();
    } else {
      for (const auto& a : addresses) c.utxo_addresses.erase(a);
      if (c.utxo_addresses.empty() && !c.utxos_all) c.utxos = false;
    }
  }

  std::vector<std::shared_ptr<Conn>> snapshot() const {
    std::lock_guard lk(mu);
    return {conns.begin(), conns.end()};
  }
};

RpcServer::RpcServer(RpcBackend& backend, RpcServerOptions options)
    : impl_(std::make_unique<Impl>(backend, std::move(options))) {}

RpcServer::~RpcServer() { stop(); }

core::Result<void> RpcServer::start() {
  std::lock_guard lk(impl_->mu);
  if (impl_->is_running) return {};
  grpc::ServerBuilder builder;
  int selected = 0;
  // A restart after stop() listens on the port used before (also when it was chosen by the OS).
  const std::uint16_t port = impl_->opts.port != 0 ? impl_->opts.port : impl_->bound_port;
  const std::string addr = impl_->opts.bind_address + ":" + std::to_string(port);
  builder.AddListeningPort(addr, grpc::InsecureServerCredentials(), &selected);
  auto service = std::make_unique<Impl::Service>(impl_.get());
  builder.RegisterService(service.get());
  builder.SetMaxReceiveMessageSize(impl_->opts.max_message_bytes);
  builder.SetMaxSendMessageSize(impl_->opts.max_message_bytes);
  // Fail on a busy port instead of silently sharing it.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  auto server = builder.BuildAndStart();
  if (!server || selected == 0)
    return core::Error(core::ErrorCode::kIo, "rpc server: cannot listen on " + addr);
  impl_->server = std::move(server);
  impl_->service = std::move(service);
  impl_->bound_port = static_cast<std::uint16_t>(selected);
  impl_->is_running = true;
  impl_->backend.set_notification_sink(this);
  return {};
}

void RpcServer::stop() {
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<Impl::Service> service;
  {
    std::lock_guard lk(impl_->mu);
    if (!impl_->is_running) return;
    impl_->is_running = false;
    server = std::move(impl_->server);
    service = std::move(impl_->service);
    // Under mu: a stream still in the set has not returned from its handler, so its context is alive.
    for (auto& c : impl_->conns) c->ctx->TryCancel();
  }
  impl_->backend.set_notification_sink(nullptr);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  server->Wait();
  server.reset();
}

bool RpcServer::running() const {
  std::lock_guard lk(impl_->mu);
  return impl_->is_running;
}

std::uint16_t RpcServer::port() const {
  std::lock_guard lk(impl_->mu);
  return impl_->bound_port;
}

std::string RpcServer::address() const {
  std::lock_guard lk(impl_->mu);
  return impl_->opts.bind_address + ":" + std::to_string(impl_->bound_port);
}

std::size_t RpcServer::stream_count() const {
  std::lock_guard lk(impl_->mu);
  return impl_->conns.size();
}

std::size_t RpcServer::subscriber_count(NotificationKind kind) const {
  std::size_t n = 0;
  for (const auto& c : impl_->snapshot()) {
    std::lock_guard lk(c->mu);
    switch (kind) {
      case NotificationKind::kBlockAdded: n += c->block_added; break;
      case NotificationKind::kVirtualChainChanged: n += c->vcc; break;
      case NotificationKind::kUtxosChanged: n += c->utxos; break;
      case NotificationKind::kSinkBlueScoreChanged: n += c->sink_blue_score; break;
    }
  }
  return n;
}

void RpcServer::notify_block_added(const kaspa::rpc::Block& block) {
  std::optional<Resp> msg;
  for (const auto& c : impl_->snapshot()) {
    {
      std::lock_guard lk(c->mu);
      if (!c->block_added) continue;
    }
    if (!msg) {
      msg.emplace();
      kaspa::rpc::to_proto(block, msg->mutable_blockaddednotification()->mutable_block());
    }
    c->enqueue(*msg);
  }
}

void RpcServer::notify_virtual_chain_changed(const kaspa::rpc::VirtualChainChanged& change) {
  std::optional<Resp> with_ids, without_ids;
  for (const auto& c : impl_->snapshot()) {
    bool include;
    {
      std::lock_guard lk(c->mu);
      if (!c->vcc) continue;
      include = c->vcc_include_accepted;
    }
    auto& msg = include ? with_ids : without_ids;
    if (!msg) {
      msg.emplace();
      auto* n = msg->mutable_virtualchainchangednotification();
      if (include) {
        kaspa::rpc::to_proto(change, n);
      } else {
        kaspa::rpc::VirtualChainChanged stripped;
        stripped.removed_chain_block_hashes = change.removed_chain_block_hashes;
        stripped.added_chain_block_hashes = change.added_chain_block_hashes;
        kaspa::rpc::to_proto(stripped, n);
      }
    }
    c->enqueue(*msg);
  }
}

void RpcServer::notify_utxos_changed(const kaspa::rpc::UtxosChanged& change) {
  std::optional<Resp> all;
  for (const auto& c : impl_->snapshot()) {
    std::unique_lock lk(c->mu);
    if (!c->utxos) continue;
    if (c->utxos_all) {
      lk.unlock();
      if (!all) {
        all.emplace();
        kaspa::rpc::to_proto(change, all->mutable_utxoschangednotification());
      }
      c->enqueue(*all);
      continue;
    }
    kaspa::rpc::UtxosChanged mine;
    for (const auto& e : change.added)
      if (c->utxo_addresses.count(e.address)) mine.added.push_back(e);
    for (const auto& e : change.removed)
      if (c->utxo_addresses.count(e.address)) mine.removed.push_back(e);
    lk.unlock();
    if (mine.added.empty() && mine.removed.empty()) continue;
    Resp msg;
    kaspa::rpc::to_proto(mine, msg.mutable_utxoschangednotification());
    c->enqueue(std::move(msg));
  }
}

void RpcServer::notify_sink_blue_score_changed(std::uint64_t sink_blue_score) {
  Resp msg;
  msg.mutable_sinkbluescorechangednotification()->set_sinkbluescore(sink_blue_score);
  for (const auto& c : impl_->snapshot()) {
    {
      std::lock_guard lk(c->mu);
      if (!c->sink_blue_score) continue;
    }
    c->enqueue(msg);
  }
}

}  // namespace igra::simnet
