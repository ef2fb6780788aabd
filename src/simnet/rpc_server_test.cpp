// Transport tests for the protowire gRPC layer: kaspa::rpc::Client <-> simnet::RpcServer over real sockets on
// 127.0.0.1. The backend below answers with fixed data built in the test; no simnet consensus is involved. What is
// tested is the wire (ids, payload numbers, conversions both ways), errors, timeouts, notifications and reconnects.
#include "simnet/rpc_server.hpp"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/hex.hpp"
#include "kaspa/header.hpp"
#include "kaspa/rpc/client.hpp"
#include "kaspa/rpc/proto/messages.pb.h"
#include "kaspa/tx_id.hpp"

namespace igra::simnet {
namespace {

namespace krpc = kaspa::rpc;
using namespace std::chrono_literals;

core::Hash32 h(std::uint8_t b) {
  core::Hash32 x;
  x.bytes.fill(b);
  return x;
}

kaspa::Transaction sample_tx(std::uint8_t seed) {
  kaspa::Transaction tx;
  tx.inputs.push_back({{h(seed), 1}, core::hex_or_die("41" + std::string(130, 'a')), 0, kaspa::SigOpCount{1}});
  tx.outputs.push_back({123'456, {0, core::hex_or_die("20" + std::string(64, 'c') + "ac")}, std::nullopt});
  tx.payload = {seed, 1, 2, 3};
  return tx;
}

krpc::Block sample_block(std::uint8_t seed, bool with_txs) {
  krpc::Block b;
  b.header.parents_by_level = {{h(seed + 1), h(seed + 2)}};
  b.header.hash_merkle_root = h(seed + 3);
  b.header.timestamp = 1'700'000'000'000 + seed;
  b.header.bits = 0x207fffff;
  b.header.daa_score = 100 + seed;
  b.header.blue_score = 90 + seed;
  b.header.blue_work = kaspa::blue_work_from_u64(0x1234 + seed);
  b.hash = kaspa::header_hash(b.header);
  if (with_txs) {
    const auto tx = sample_tx(seed);
    b.transactions.push_back(
        {tx, krpc::TransactionVerboseData{kaspa::transaction_id(tx), kaspa::transaction_hash(tx), 1500, b.hash, 9}});
  }
  return b;
}

const std::string kAddrA = "kaspasim:qqaaaa";
const std::string kAddrB = "kaspasim:qqbbbb";

krpc::UtxosByAddressesEntry utxo(const std::string& addr, std::uint8_t seed) {
  return {addr, {h(seed), seed}, {1000u * seed, {0, core::hex_or_die("51")}, seed, false, std::nullopt}};
}

// Fixed answers; records what it was asked.
class FixedBackend : public RpcBackend {
 public:
  core::Result<krpc::ServerInfo> get_server_info() override { return server_info(); }
  static krpc::ServerInfo server_info() { return {1, 2, "igra-test-0.1", "kaspa-simnet", true, true, 4242}; }

  core::Result<krpc::BlockDagInfo> get_block_dag_info() override { return dag_info(); }
  static krpc::BlockDagInfo dag_info() {
    return {"kaspa-simnet", 11, 12, {h(1), h(2)}, 3.5, 1'700'000'000'000, {h(1)}, h(0), 777, h(2)};
  }

  core::Result<core::Hash32> get_sink() override { return h(2); }
  core::Result<std::uint64_t> get_sink_blue_score() override { return 555; }

  core::Result<krpc::Block> get_block(const core::Hash32& hash, bool include_transactions) override {
    if (hash != sample_block(7, true).hash) return core::make_error("block " + core::to_hex(hash) + " not found");
    return sample_block(7, include_transactions);
  }

  core::Result<krpc::BlocksResult> get_blocks(const std::optional<core::Hash32>& low_hash, bool include_blocks,
                                              bool include_transactions) override {
    last_low_hash = low_hash;
    krpc::BlocksResult r;
    r.block_hashes = {sample_block(1, false).hash, sample_block(2, false).hash};
    if (include_blocks) r.blocks = {sample_block(1, include_transactions), sample_block(2, include_transactions)};
    return r;
  }

  core::Result<krpc::VirtualChainChanged> get_virtual_chain_from_block(
      const krpc::GetVirtualChainFromBlockParams& p) override {
    last_vc_params = p;
    krpc::VirtualChainChanged v{{h(9), h(8)}, {h(10), h(11)}, {}};
    if (p.include_accepted_transaction_ids) v.accepted_transaction_ids = {{h(10), {h(20)}}, {h(11), {h(21), h(22)}}};
    return v;
  }

  core::Result<kaspa::TransactionId> submit_transaction(const kaspa::Transaction& tx, bool allow_orphan) override {
    if (tx.payload.size() == 1) return core::make_error("Rejected transaction " + core::to_hex(kaspa::transaction_id(tx)) + ": transaction has no inputs");
    last_submitted = tx;
    last_allow_orphan = allow_orphan;
    return kaspa::transaction_id(tx);
  }

  core::Result<krpc::SubmitTransactionReplacementResult> submit_transaction_replacement(
      const kaspa::Transaction& tx) override {
    return krpc::SubmitTransactionReplacementResult{kaspa::transaction_id(tx), {sample_tx(99), std::nullopt}};
  }

  core::Result<std::vector<krpc::UtxosByAddressesEntry>> get_utxos_by_addresses(
      const std::vector<std::string>& addresses) override {
    std::vector<krpc::UtxosByAddressesEntry> out;
    for (const auto& a : addresses) out.push_back(utxo(a, static_cast<std::uint8_t>(out.size() + 1)));
    return out;
  }

  core::Result<std::uint64_t> get_balance_by_address(const std::string& address) override {
    if (address != kAddrA) return core::make_error("invalid address " + address);
    return 5'000'000'000ull;
  }

  core::Result<std::vector<krpc::MempoolEntry>> get_mempool_entries(bool include_orphan_pool,
                                                                   bool filter_transaction_pool) override {
    std::vector<krpc::MempoolEntry> out{{2000, {sample_tx(3), std::nullopt}, false}};
    if (include_orphan_pool) out.push_back({0, {sample_tx(4), std::nullopt}, true});
    return out;
  }

  core::Result<krpc::FeeEstimate> get_fee_estimate() override {
    const int delay = fee_delay_ms.load();
    if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    return krpc::FeeEstimate{{2.0, 0.5}, {{1.5, 10.0}}, {{1.0, 60.0}}};
  }

  core::Result<krpc::BlockTemplate> get_block_template(const std::string& pay_address,
                                                       const core::Bytes& extra_data) override {
    last_pay_address = pay_address;
    last_extra_data = extra_data;
    return krpc::BlockTemplate{sample_block(40, true), true};
  }

  core::Result<krpc::SubmitBlockReport> submit_block(const krpc::Block& block, bool allow_non_daa_blocks) override {
    if (block.header.nonce == 0) return krpc::SubmitBlockReport{krpc::SubmitBlockResult::kBlockInvalid, ""};
    if (block.header.nonce == 1) return core::make_error("some internal failure");
    last_block = block;
    return krpc::SubmitBlockReport{};
  }

  void set_notification_sink(RpcNotificationSink* s) override { sink = s; }

  std::string last_pay_address;
  core::Bytes last_extra_data;
  krpc::Block last_block;

  std::optional<core::Hash32> last_low_hash;
  krpc::GetVirtualChainFromBlockParams last_vc_params;
  kaspa::Transaction last_submitted;
  bool last_allow_orphan = false;
  std::atomic<int> fee_delay_ms{0};
  std::atomic<RpcNotificationSink*> sink{nullptr};
};

template <typename Pred>
bool eventually(Pred p, std::chrono::milliseconds limit = 5000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (p()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return p();
}

class RpcTransport : public ::testing::Test {
 protected:
  void SetUp() override {
    RpcServerOptions so;
    so.port = 0;
    server_ = std::make_unique<RpcServer>(backend_, so);
    ASSERT_TRUE(server_->start().ok());
    krpc::ClientOptions co;
    co.target = server_->address();
    co.default_timeout = 5000ms;
    co.initial_backoff = 20ms;
    co.max_backoff = 200ms;
    client_ = std::make_unique<krpc::Client>(co);
    ASSERT_TRUE(client_->wait_connected(5000ms));
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
  }

  FixedBackend backend_;
  std::unique_ptr<RpcServer> server_;
  std::unique_ptr<krpc::Client> client_;
};

TEST_F(RpcTransport, EveryCallReturnsTypedValues) {
  EXPECT_EQ(backend_.sink.load(), server_.get());

  auto info = client_->get_server_info();
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(*info, FixedBackend::server_info());

  auto dag = client_->get_block_dag_info();
  ASSERT_TRUE(dag.ok()) << dag.error().message;
  EXPECT_EQ(*dag, FixedBackend::dag_info());

  EXPECT_EQ(*client_->get_sink(), h(2));
  EXPECT_EQ(*client_->get_sink_blue_score(), 555u);

  const auto want = sample_block(7, true);
  auto block = client_->get_block(want.hash, true);
  ASSERT_TRUE(block.ok()) << block.error().message;
  EXPECT_EQ(*block, want);
  auto header_only = client_->get_block(want.hash, false);
  ASSERT_TRUE(header_only.ok());
  EXPECT_TRUE(header_only->transactions.empty());
  EXPECT_EQ(header_only->header, want.header);

  auto blocks = client_->get_blocks(h(1), true, true);
  ASSERT_TRUE(blocks.ok()) << blocks.error().message;
  EXPECT_EQ(backend_.last_low_hash, h(1));
  ASSERT_EQ(blocks->blocks.size(), 2u);
  EXPECT_EQ(blocks->blocks[1], sample_block(2, true));
  EXPECT_EQ(blocks->block_hashes[0], sample_block(1, false).hash);
  auto hashes_only = client_->get_blocks(std::nullopt, false, false);
  ASSERT_TRUE(hashes_only.ok());
  EXPECT_EQ(backend_.last_low_hash, std::nullopt);
  EXPECT_TRUE(hashes_only->blocks.empty());
  EXPECT_EQ(hashes_only->block_hashes.size(), 2u);

  auto vc = client_->get_virtual_chain_from_block({h(9), true, 5});
  ASSERT_TRUE(vc.ok()) << vc.error().message;
  EXPECT_EQ(backend_.last_vc_params.start_hash, h(9));
  EXPECT_EQ(backend_.last_vc_params.min_confirmation_count, 5u);
  EXPECT_EQ(vc->removed_chain_block_hashes, (std::vector<core::Hash32>{h(9), h(8)}));
  EXPECT_EQ(vc->added_chain_block_hashes, (std::vector<core::Hash32>{h(10), h(11)}));
  ASSERT_EQ(vc->accepted_transaction_ids.size(), 2u);
  EXPECT_EQ(vc->accepted_transaction_ids[1].accepted_transaction_ids, (std::vector<core::Hash32>{h(21), h(22)}));
  auto vc2 = client_->get_virtual_chain_from_block({h(9), false, std::nullopt});
  ASSERT_TRUE(vc2.ok());
  EXPECT_FALSE(backend_.last_vc_params.min_confirmation_count.has_value());
  EXPECT_TRUE(vc2->accepted_transaction_ids.empty());

  const auto tx = sample_tx(5);
  auto id = client_->submit_transaction(tx, true);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, kaspa::transaction_id(tx));
  EXPECT_EQ(backend_.last_submitted, tx);
  EXPECT_TRUE(backend_.last_allow_orphan);

  auto rep = client_->submit_transaction_replacement(tx);
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  EXPECT_EQ(rep->transaction_id, kaspa::transaction_id(tx));
  EXPECT_EQ(rep->replaced_transaction.transaction, sample_tx(99));

  auto utxos = client_->get_utxos_by_addresses({kAddrA, kAddrB});
  ASSERT_TRUE(utxos.ok()) << utxos.error().message;
  ASSERT_EQ(utxos->size(), 2u);
  EXPECT_EQ((*utxos)[1], utxo(kAddrB, 2));

  EXPECT_EQ(*client_->get_balance_by_address(kAddrA), 5'000'000'000ull);

  auto mempool = client_->get_mempool_entries(true, false);
  ASSERT_TRUE(mempool.ok()) << mempool.error().message;
  ASSERT_EQ(mempool->size(), 2u);
  EXPECT_EQ((*mempool)[0].fee, 2000u);
  EXPECT_EQ((*mempool)[0].transaction.transaction, sample_tx(3));
  EXPECT_TRUE((*mempool)[1].is_orphan);

  auto fee = client_->get_fee_estimate();
  ASSERT_TRUE(fee.ok()) << fee.error().message;
  EXPECT_EQ(*fee, (krpc::FeeEstimate{{2.0, 0.5}, {{1.5, 10.0}}, {{1.0, 60.0}}}));

  auto tmpl = client_->get_block_template(kAddrA, "igra-miner");
  ASSERT_TRUE(tmpl.ok()) << tmpl.error().message;
  EXPECT_EQ(backend_.last_pay_address, kAddrA);
  EXPECT_EQ(backend_.last_extra_data, core::Bytes(core::as_bytes("igra-miner").begin(), core::as_bytes("igra-miner").end()));
  EXPECT_TRUE(tmpl->is_synced);
  EXPECT_EQ(tmpl->block.header, sample_block(40, true).header);
  EXPECT_EQ(tmpl->block.hash, kaspa::header_hash(tmpl->block.header));  // raw header: hash computed locally

  auto mined = tmpl->block;
  mined.header.nonce = 7;
  mined.hash = {};
  auto ok = client_->submit_block(mined);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->result, krpc::SubmitBlockResult::kSuccess);
  EXPECT_EQ(backend_.last_block.header, mined.header);
  EXPECT_EQ(backend_.last_block.transactions, mined.transactions);
  mined.header.nonce = 0;
  auto rejected = client_->submit_block(mined);
  ASSERT_TRUE(rejected.ok()) << rejected.error().message;
  EXPECT_EQ(rejected->result, krpc::SubmitBlockResult::kBlockInvalid);
  EXPECT_EQ(rejected->message, "Block was not submitted: block is invalid");
  mined.header.nonce = 1;
  auto failed = client_->submit_block(mined);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(krpc::rpc_error_message(failed.error()), "some internal failure");
}

TEST_F(RpcTransport, HandlersMayCallTheClient) {
  std::atomic<int> answered{0};
  ASSERT_TRUE(client_
                  ->subscribe_sink_blue_score_changed([&](std::uint64_t) {
                    // A blocking call from the dispatcher thread: answered by the reader thread.
                    if (auto r = client_->get_sink_blue_score(); r && *r == 555) ++answered;
                    // And one that times out: expired by the timer thread, not the (busy) dispatcher.
                    backend_.fee_delay_ms = 300;
                    if (auto f = client_->get_fee_estimate(50ms); !f && krpc::is_timeout(f.error())) ++answered;
                    backend_.fee_delay_ms = 0;
                  })
                  .ok());
  server_->notify_sink_blue_score_changed(1);
  ASSERT_TRUE(eventually([&] { return answered == 2; }));
}

TEST_F(RpcTransport, ConcurrentAsyncCallsMatchIds) {
  std::vector<krpc::Future<std::uint64_t>> futs;
  std::vector<krpc::Future<core::Hash32>> sinks;
  for (int i = 0; i < 200; ++i) {
    futs.push_back(client_->get_sink_blue_score_async());
    sinks.push_back(client_->get_sink_async());
  }
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i)
        if (auto r = client_->get_balance_by_address(kAddrA); r && *r == 5'000'000'000ull) ++ok;
    });
  for (auto& t : threads) t.join();
  for (auto& f : futs) EXPECT_EQ(*f.get(), 555u);
  for (auto& f : sinks) EXPECT_EQ(*f.get(), h(2));
  EXPECT_EQ(ok.load(), 200);
}

TEST_F(RpcTransport, RpcErrorSurfacesKaspadMessage) {
  auto r = client_->get_block(h(0x42), true);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(krpc::is_rpc_error(r.error()));
  EXPECT_EQ(krpc::rpc_error_message(r.error()), "block " + core::to_hex(h(0x42)) + " not found");

  auto tx = sample_tx(1);
  tx.payload = {1};
  auto s = client_->submit_transaction(tx);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(krpc::rpc_error_message(s.error()),
            "Rejected transaction " + core::to_hex(kaspa::transaction_id(tx)) + ": transaction has no inputs");

  // The server's own conversion is strict too: a malformed hash comes back as an RPC error.
  protowire::KaspadRequest raw;
  raw.mutable_getblockrequest()->set_hash("abcd");
  std::promise<core::Result<protowire::KaspadResponse>> p;
  client_->call_raw(raw, krpc::kDefaultTimeout, [&](core::Result<protowire::KaspadResponse> r) { p.set_value(std::move(r)); });
  auto resp = p.get_future().get();
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->getblockresponse().error().message(), "hash: hex: expected 32 bytes, got 2");

  // Probes answered from GetServerInfo.
  protowire::KaspadRequest info_req;
  info_req.mutable_getinforequest();
  std::promise<core::Result<protowire::KaspadResponse>> ip;
  client_->call_raw(info_req, krpc::kDefaultTimeout, [&](core::Result<protowire::KaspadResponse> r) { ip.set_value(std::move(r)); });
  auto info = ip.get_future().get();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->getinforesponse().serverversion(), "igra-test-0.1");
  EXPECT_TRUE(info->getinforesponse().hasmessageid());

  // A call the backend does not implement.
  class Bare : public RpcBackend {} bare;
  RpcServerOptions so;
  so.port = 0;
  RpcServer server2(bare, so);
  ASSERT_TRUE(server2.start().ok());
  krpc::ClientOptions co;
  co.target = server2.address();
  krpc::Client c2(co);
  auto u = c2.get_sink();
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(krpc::rpc_error_message(u.error()), "GetSink is not supported by this node");
}

TEST_F(RpcTransport, TimeoutsFire) {
  backend_.fee_delay_ms = 600;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = client_->get_fee_estimate(100ms);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(krpc::is_timeout(r.error())) << r.error().message;
  EXPECT_LT(took, 500ms);
  backend_.fee_delay_ms = 0;
  // The stream stays usable; the late answer is dropped.
  EXPECT_TRUE(client_->get_sink_blue_score(3000ms).ok());

  // Calls wait for a connection within their timeout, then fail with a timeout.
  server_->stop();
  ASSERT_TRUE(eventually([&] { return !client_->connected(); }));
  auto q = client_->get_sink(150ms);
  ASSERT_FALSE(q.ok());
  EXPECT_TRUE(krpc::is_timeout(q.error())) << q.error().message;
  EXPECT_NE(q.error().message.find("not connected"), std::string::npos);
}

// Collects notifications in arrival order.
struct Recorder {
  std::mutex mu;
  std::vector<std::string> events;
  void add(std::string e) {
    std::lock_guard lk(mu);
    events.push_back(std::move(e));
  }
  std::size_t size() {
    std::lock_guard lk(mu);
    return events.size();
  }
  std::vector<std::string> get() {
    std::lock_guard lk(mu);
    return events;
  }
};

TEST_F(RpcTransport, NotificationsArriveInOrder) {
  Recorder rec;
  std::vector<krpc::VirtualChainChanged> chains;
  std::vector<krpc::UtxosChanged> utxo_changes;
  std::vector<krpc::Block> blocks;
  ASSERT_TRUE(client_
                  ->subscribe_sink_blue_score_changed(
                      [&](std::uint64_t s) { rec.add("sbs:" + std::to_string(s)); })
                  .ok());
  ASSERT_TRUE(client_
                  ->subscribe_virtual_chain_changed(true, [&](const krpc::VirtualChainChanged& v) {
                    chains.push_back(v);
                    rec.add("vcc");
                  })
                  .ok());
  ASSERT_TRUE(client_
                  ->subscribe_block_added([&](const krpc::Block& b) {
                    blocks.push_back(b);
                    rec.add("block");
                  })
                  .ok());
  ASSERT_TRUE(client_
                  ->subscribe_utxos_changed({kAddrA}, [&](const krpc::UtxosChanged& u) {
                    utxo_changes.push_back(u);
                    rec.add("utxos");
                  })
                  .ok());
  EXPECT_EQ(server_->subscriber_count(NotificationKind::kSinkBlueScoreChanged), 1u);
  EXPECT_EQ(server_->subscriber_count(NotificationKind::kUtxosChanged), 1u);

  std::vector<std::string> want;
  const krpc::VirtualChainChanged change{{h(5)}, {h(6), h(7)}, {{h(6), {h(30)}}, {h(7), {}}}};
  for (int i = 0; i < 100; ++i) {
    backend_.sink.load()->notify_sink_blue_score_changed(1000 + i);
    want.push_back("sbs:" + std::to_string(1000 + i));
    if (i % 10 == 0) {
      server_->notify_block_added(sample_block(static_cast<std::uint8_t>(i), true));
      want.push_back("block");
      server_->notify_virtual_chain_changed(change);
      want.push_back("vcc");
      // Only the entry for the subscribed address reaches the client; an all-foreign change is not sent.
      server_->notify_utxos_changed({{utxo(kAddrA, 1), utxo(kAddrB, 2)}, {utxo(kAddrB, 3)}});
      want.push_back("utxos");
      server_->notify_utxos_changed({{utxo(kAddrB, 4)}, {}});
    }
  }
  ASSERT_TRUE(eventually([&] { return rec.size() >= want.size(); }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(rec.get(), want);
  ASSERT_FALSE(chains.empty());
  EXPECT_EQ(chains[0], change);
  EXPECT_EQ(blocks[3], sample_block(30, true));
  EXPECT_EQ(utxo_changes[0].added, (std::vector<krpc::UtxosByAddressesEntry>{utxo(kAddrA, 1)}));
  EXPECT_TRUE(utxo_changes[0].removed.empty());

  // Without accepted ids the server strips them; after unsubscribing nothing more arrives.
  ASSERT_TRUE(client_->subscribe_virtual_chain_changed(false, [&](const krpc::VirtualChainChanged& v) {
    chains.push_back(v);
    rec.add("vcc-no-ids");
  }).ok());
  server_->notify_virtual_chain_changed(change);
  ASSERT_TRUE(eventually([&] { return rec.size() == want.size() + 1; }));
  EXPECT_TRUE(chains.back().accepted_transaction_ids.empty());
  EXPECT_EQ(chains.back().added_chain_block_hashes, change.added_chain_block_hashes);

  ASSERT_TRUE(client_->unsubscribe_sink_blue_score_changed().ok());
  ASSERT_TRUE(client_->unsubscribe_virtual_chain_changed().ok());
  EXPECT_EQ(server_->subscriber_count(NotificationKind::kSinkBlueScoreChanged), 0u);
  server_->notify_sink_blue_score_changed(1);
  server_->notify_virtual_chain_changed(change);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(rec.size(), want.size() + 1);
}

TEST_F(RpcTransport, ReconnectsAndResubscribes) {
  std::mutex mu;
  std::vector<krpc::ConnectionEvent> conn_events;
  client_->set_connection_handler([&](krpc::ConnectionEvent e) {
    std::lock_guard lk(mu);
    conn_events.push_back(e);
  });
  std::atomic<std::uint64_t> last_score{0};
  std::atomic<int> vcc_count{0};
  ASSERT_TRUE(client_->subscribe_sink_blue_score_changed([&](std::uint64_t s) { last_score = s; }).ok());
  ASSERT_TRUE(client_->subscribe_virtual_chain_changed(true, [&](const krpc::VirtualChainChanged&) { ++vcc_count; }).ok());
  server_->notify_sink_blue_score_changed(1);
  ASSERT_TRUE(eventually([&] { return last_score == 1; }));
  EXPECT_EQ(client_->connect_count(), 1u);

  // A call in flight when the server goes away fails as "disconnected" (not a timeout).
  backend_.fee_delay_ms = 400;
  auto pending = client_->get_fee_estimate_async(5000ms);
  std::this_thread::sleep_for(100ms);
  server_->stop();
  auto failed = pending.get();
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(krpc::is_disconnected(failed.error())) << failed.error().message;
  backend_.fee_delay_ms = 0;
  ASSERT_TRUE(eventually([&] { return !client_->connected(); }));
  EXPECT_EQ(backend_.sink.load(), nullptr);

  std::this_thread::sleep_for(300ms);  // a few failed attempts with back-off
  ASSERT_TRUE(server_->start().ok());   // same port
  ASSERT_TRUE(client_->wait_connected(5000ms));
  EXPECT_EQ(client_->connect_count(), 2u);
  ASSERT_TRUE(eventually([&] {
    return server_->subscriber_count(NotificationKind::kSinkBlueScoreChanged) == 1 &&
           server_->subscriber_count(NotificationKind::kVirtualChainChanged) == 1;
  }));
  server_->notify_sink_blue_score_changed(2);
  server_->notify_virtual_chain_changed({{}, {h(1)}, {{h(1), {h(2)}}}});
  ASSERT_TRUE(eventually([&] { return last_score == 2 && vcc_count == 1; }));
  EXPECT_TRUE(client_->get_sink_blue_score().ok());
  {
    std::lock_guard lk(mu);
    // The initial kConnected may still be queued when the handler is installed.
    if (!conn_events.empty() && conn_events.front() == krpc::ConnectionEvent::kConnected)
      conn_events.erase(conn_events.begin());
    EXPECT_EQ(conn_events,
              (std::vector<krpc::ConnectionEvent>{krpc::ConnectionEvent::kDisconnected, krpc::ConnectionEvent::kConnected}));
  }
}

TEST_F(RpcTransport, ShutdownFailsPendingCalls) {
  backend_.fee_delay_ms = 300;
  auto f = client_->get_fee_estimate_async(5000ms);
  std::this_thread::sleep_for(50ms);
  client_->shutdown();
  auto r = f.get();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(krpc::is_disconnected(r.error())) << r.error().message;
  auto after = client_->get_sink();
  ASSERT_FALSE(after.ok());
  EXPECT_TRUE(krpc::is_disconnected(after.error()));
  backend_.fee_delay_ms = 0;
}

TEST(RpcServer, BusyPortIsAnError) {
  FixedBackend b;
  RpcServerOptions so;
  so.port = 0;
  RpcServer s1(b, so);
  ASSERT_TRUE(s1.start().ok());
  so.port = s1.port();
  RpcServer s2(b, so);
  EXPECT_FALSE(s2.start().ok());
}

// ---- wire level: a hand-encoded request through grpc's generic (untyped) stub ----

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

struct WireField {
  std::uint32_t number;
  std::uint32_t wire_type;
  std::uint64_t varint = 0;
  std::string bytes;
};

// Minimal protobuf wire decoder (varint and length-delimited fields only, as in these messages).
std::vector<WireField> decode(const std::string& s) {
  std::vector<WireField> out;
  std::size_t i = 0;
  auto varint = [&]() {
    std::uint64_t v = 0;
    for (int shift = 0; i < s.size(); shift += 7) {
      const auto b = static_cast<std::uint8_t>(s[i++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    return v;
  };
  while (i < s.size()) {
    const std::uint64_t key = varint();
    WireField f{static_cast<std::uint32_t>(key >> 3), static_cast<std::uint32_t>(key & 7), 0, {}};
    if (f.wire_type == 0) {
      f.varint = varint();
    } else if (f.wire_type == 2) {
      const auto len = varint();
      f.bytes = s.substr(i, len);
      i += len;
    } else if (f.wire_type == 1) {
      f.bytes = s.substr(i, 8);
      i += 8;
    } else {
      ADD_FAILURE() << "unexpected wire type " << f.wire_type;
      break;
    }
    out.push_back(std::move(f));
  }
  return out;
}

TEST(RpcWire, HandEncodedGetBlockDagInfoRequest) {
  FixedBackend backend;
  RpcServerOptions so;
  so.port = 0;
  RpcServer server(backend, so);
  ASSERT_TRUE(server.start().ok());

  // KaspadRequest { id(101) = 101, getBlockDagInfoRequest(1035) = {} }, written by hand.
  std::string req;
  put_varint(req, (101u << 3) | 0);
  put_varint(req, 101);
  put_varint(req, (1035u << 3) | 2);
  put_varint(req, 0);
  ASSERT_EQ(core::to_hex(core::as_bytes(req)), "a80665da4000");

  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  auto call = stub.PrepareCall(&ctx, "/protowire.RPC/MessageStream", &cq);
  ASSERT_TRUE(call);
  void* tag = nullptr;
  bool ok = false;
  auto next = [&](std::intptr_t want) {
    const auto deadline = std::chrono::system_clock::now() + 5s;
    const auto st = cq.AsyncNext(&tag, &ok, deadline);
    ASSERT_EQ(st, grpc::CompletionQueue::GOT_EVENT);
    ASSERT_EQ(reinterpret_cast<std::intptr_t>(tag), want);
  };
  call->StartCall(reinterpret_cast<void*>(1));
  next(1);
  ASSERT_TRUE(ok);
  grpc::Slice slice(req.data(), req.size());
  grpc::ByteBuffer out_buf(&slice, 1);
  call->Write(out_buf, reinterpret_cast<void*>(2));
  next(2);
  ASSERT_TRUE(ok);
  grpc::ByteBuffer in_buf;
  call->Read(&in_buf, reinterpret_cast<void*>(3));
  next(3);
  ASSERT_TRUE(ok);
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(in_buf.Dump(&slices).ok());
  std::string resp;
  for (const auto& s : slices) resp.append(reinterpret_cast<const char*>(s.begin()), s.size());
  call->WritesDone(reinterpret_cast<void*>(4));
  next(4);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  next(5);

  // KaspadResponse: id(101) = 101 and getBlockDagInfoResponse(1036) whose networkName(1) / virtualDaaScore(9) /
  // sink(10) are what the backend answered.
  const auto fields = decode(resp);
  bool saw_id = false, saw_payload = false;
  for (const auto& f : fields) {
    if (f.number == 101) {
      EXPECT_EQ(f.wire_type, 0u);
      EXPECT_EQ(f.varint, 101u);
      saw_id = true;
    } else if (f.number == 1036) {
      EXPECT_EQ(f.wire_type, 2u);
      saw_payload = true;
      int seen = 0;
      for (const auto& g : decode(f.bytes)) {
        if (g.number == 1) {
          EXPECT_EQ(g.bytes, "kaspa-simnet");
          ++seen;
        } else if (g.number == 2) {
          EXPECT_EQ(g.varint, 11u);
          ++seen;
        } else if (g.number == 9) {
          EXPECT_EQ(g.varint, 777u);
          ++seen;
        } else if (g.number == 10) {
          EXPECT_EQ(g.bytes, core::to_hex(h(2)));
          ++seen;
        }
        EXPECT_NE(g.number, 1000u) << "unexpected RPCError";
      }
      EXPECT_EQ(seen, 4);
    } else {
      ADD_FAILURE() << "unexpected field " << f.number;
    }
  }
  EXPECT_TRUE(saw_id);
  EXPECT_TRUE(saw_payload);
}

}  // namespace
}  // namespace igra::simnet
