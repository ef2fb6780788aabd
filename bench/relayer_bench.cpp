// Relayer throughput: signed L2 transactions handed to the relayer's persistent queue (RelayQueue::submit, the
// path of eth_sendRawTransaction: LMDB record with fsync, payload, txid nonce mining, Schnorr signing,
// SubmitTransaction over real gRPC) against an in-process Kaspa simnet (fast clock, a block mined every
// --block-ms while the run lasts). Prints L2 transactions per second to L1 submission, and the single-thread
// cost of building one L1 transaction (prepare: payload, nonce mining, signing) without sending it.
//
//   relayer_bench [--txs N] [--threads T] [--block-ms MS] [--no-sync] [--v1]
//
// --v1: the simnet applies the Toccata rules and the relayer builds v1 transactions on the Igra lane (BLAKE3 ids).
//
// Target (issue 9): at least 200 L2 transactions per second sustained on the 2-core machine.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "chain/transaction.hpp"
#include "chain/transaction_codec.hpp"
#include "core/keccak.hpp"
#include "igra/network.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/tx_id.hpp"
#include "relayer/relay_queue.hpp"
#include "relayer/relayer.hpp"
#include "simnet/rpc_server.hpp"
#include "simnet/simnet_node.hpp"

using namespace igra;
namespace ig = ::igra::igra;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& m) {
  std::fprintf(stderr, "error: %s\n", m.c_str());
  std::exit(1);
}

core::Bytes signed_transfer(const ig::DevAccount& a, std::uint64_t nonce, std::uint64_t chain_id) {
  chain::Transaction tx;
  tx.type = chain::TxType::kDynamicFee;
  tx.chain_id = core::uint256(chain_id);
  tx.nonce = nonce;
  tx.max_fee_per_gas = core::uint256(10'000'000'000ull);
  tx.max_priority_fee_per_gas = core::uint256(1'000'000'000ull);
  tx.gas_limit = 21000;
  core::Address20 to;
  to[19] = static_cast<std::uint8_t>(nonce);
  to[0] = 0x42;
  tx.to = to;
  tx.value = core::uint256(1);
  if (auto r = chain::sign_transaction(tx, a.private_key); !r.ok()) die(r.error().message);
  return chain::encode_transaction(tx);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n_txs = 4000, threads = 2;
  std::uint64_t block_ms = 100;
  bool sync = true, v1 = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--txs" && i + 1 < argc) n_txs = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--threads" && i + 1 < argc) threads = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--block-ms" && i + 1 < argc) block_ms = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--no-sync") sync = false;
    else if (a == "--v1") v1 = true;
    else if (a.rfind("--benchmark", 0) == 0) continue;
    else {
      std::fprintf(stderr, "usage: %s [--txs N] [--threads T] [--block-ms MS] [--no-sync] [--v1]\n", argv[0]);
      return 2;
    }
  }
  threads = std::max<std::size_t>(1, std::min<std::size_t>(threads, 10));
  const auto net = ig::builtin_network("devnet").value();

  // L1: a fast simnet whose coinbases pay the relayer key; served over real gRPC.
  const crypto::SecretKey relayer_key = core::keccak256(core::as_bytes("igra relayer bench key"));
  auto pub = crypto::schnorr_public_key(relayer_key);
  if (!pub) die(pub.error().message);
  simnet::SimnetNodeConfig cfg;
  cfg.simnet.clock_mode = simnet::ClockMode::kFast;
  cfg.simnet.seed = 3;
  cfg.simnet.consensus.coinbase_maturity = 5;
  cfg.simnet.miners.push_back(simnet::MinerConfig{kaspa::p2pk_script(*pub), {}, 1.0});
  if (v1) {  // Toccata rules: the relayer builds v1 transactions on the Igra lane
    cfg.simnet.consensus.tx_validator.toccata = true;
    cfg.mempool = simnet::MempoolConfig::toccata();
  }
  simnet::SimnetNode l1(cfg);
  simnet::RpcServerOptions so;
  so.port = 0;
  simnet::RpcServer server(l1, so);
  if (auto r = server.start(); !r) die(r.error().message);
  if (auto r = l1.mine_blocks(40); !r) die(r.error().message);
  kaspa::rpc::ClientOptions co;
  co.target = server.address();
  kaspa::rpc::Client client(co);
  client.start();
  if (!client.wait_connected(std::chrono::seconds(5))) die("no gRPC connection");

  relayer::RelayerOptions ro;
  ro.funding_key = relayer_key;
  ro.address_prefix = kaspa::Prefix::kSimnet;
  ro.txid_prefix = {static_cast<std::uint8_t>(net.txid_prefix.at(0)), static_cast<std::uint8_t>(net.txid_prefix.at(1))};
  ro.coinbase_maturity = 5;
  if (v1) ro.toccata_daa_score = 0;
  relayer::Relayer relayer(ro, client);

  // Single-thread cost of one L1 transaction without sending it (payload, nonce mining, signing).
  {
    const core::Bytes raw = signed_transfer(ig::dev_accounts()[9], 0, net.chain_id);
    const int reps = 300;
    const auto t0 = Clock::now();
    for (int i = 0; i < reps; ++i) {
      auto p = relayer.prepare(raw);
      if (!p) die(p.error().message);
      relayer.abandon(*p);
    }
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / reps;
    std::printf("prepare (payload, txid nonce mining for a 2-byte prefix, Schnorr signing): %.0f us per L1 tx "
                "(%.0f per second on one core)\n", us, 1e6 / us);
  }

  // Txid nonce mining rate, v0 (BLAKE2b, multi-lane) and v1 (BLAKE3), one core and every core.
  {
    auto p = relayer.prepare(signed_transfer(ig::dev_accounts()[9], 1, net.chain_id));
    if (!p) die(p.error().message);
    relayer.abandon(*p);
    const std::uint8_t never[32] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4};
    for (std::uint16_t version : {0, 1}) {
      kaspa::Transaction tx = p->built.tx;
      tx.version = version;
      auto miner = kaspa::IdMiner::create(tx);
      if (!miner) die(miner.error().message);
      const std::uint64_t tries = version == 0 ? 16'000'000 : 4'000'000;
      auto t0 = Clock::now();
      (void)miner->find_nonce(core::ByteView(never, 32), 0, tries);
      const double one = static_cast<double>(tries) / std::chrono::duration<double>(Clock::now() - t0).count();
      t0 = Clock::now();
      (void)miner->find_nonce_parallel(core::ByteView(never, 32), 0, tries, 0);
      const double all = static_cast<double>(tries) / std::chrono::duration<double>(Clock::now() - t0).count();
      std::printf("txid nonce mining v%u (%zu-byte payload): %.1f M tries/s on one core, %.1f M tries/s on %u cores "
                  "(a 2-byte prefix takes 65,536 tries on average: %.2f ms)\n",
                  version, tx.payload.size(), one / 1e6, all / 1e6, std::max(1u, std::thread::hardware_concurrency()),
                  65536.0 / all * 1e3);
    }
  }

  const auto dir = std::filesystem::temp_directory_path() / ("igra-relayer-bench-" + std::to_string(::getpid()));
  relayer::RelayQueueOptions qo;
  qo.path = dir.string();
  qo.sync = sync;
  auto queue = relayer::RelayQueue::open(qo, relayer);
  if (!queue) die(queue.error().message);

  // Transactions: the ten development accounts, nonces in order per account.
  const auto& accounts = ig::dev_accounts();
  std::vector<std::vector<core::Bytes>> per_thread(threads);
  for (std::size_t i = 0; i < n_txs; ++i) {
    const std::size_t acct = i % accounts.size();
    per_thread[acct % threads].push_back(signed_transfer(accounts[acct], i / accounts.size(), net.chain_id));
  }

  std::atomic<bool> done{false};
  std::thread miner([&] {
    while (!done) {
      (void)l1.mine_blocks(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(block_ms));
    }
  });
  std::atomic<std::size_t> ok{0}, failed{0};
  const auto t0 = Clock::now();
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (const auto& raw : per_thread[t]) {
        auto item = (*queue)->submit(raw, core::keccak256(raw));
        if (item && item->state == relayer::ItemState::kSubmitted) ++ok;
        else ++failed;
      }
    });
  for (auto& w : workers) w.join();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  done = true;
  miner.join();
  const auto st = relayer.stats();
  std::printf("submitted %zu L2 transactions (%zu failed) from %zu threads in %.2f s: %.0f L2 tx/s to L1 submission "
              "(v%d transactions, queue fsync %s; fees %.4f KAS, %llu zipped)\n",
              ok.load(), failed.load(), threads, secs, static_cast<double>(ok.load()) / secs, v1 ? 1 : 0, sync ? "on" : "off",
              static_cast<double>(st.fees_sompi) / 1e8, static_cast<unsigned long long>(st.zipped));
  std::printf("target: 200 L2 tx/s sustained (issue 9)\n");
  queue->reset();
  client.shutdown();
  server.stop();
  std::filesystem::remove_all(dir);
  return failed.load() == 0 ? 0 : 1;
}
