// igrad: the Igra full node. Subcommands:
//   igrad init  --network NAME | --genesis FILE [--network-params FILE]  --datadir DIR
//   igrad run   --network NAME | --genesis FILE --network-params FILE     --datadir DIR --kaspad HOST:PORT
//   igrad dev   [--datadir DIR]   (embedded Kaspa simnet + node, funded development accounts)
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <csignal>
#include <sys/stat.h>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "chain/genesis.hpp"
#include "core/hex.hpp"
#include "igra/network.hpp"
#include "igra/logging.hpp"
#include "igra/metrics_server.hpp"
#include "igra/node.hpp"
#include "kaspa/address.hpp"
#include "core/keccak.hpp"
#include "crypto/key_file.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/script_builder.hpp"
#include "rpc_options.hpp"
#include "simnet/rpc_server.hpp"
#include "simnet/simnet_node.hpp"

namespace ig = ::igra::igra;
namespace core = ::igra::core;
namespace chain = ::igra::chain;
namespace simnet = ::igra::simnet;

namespace {

std::atomic<int> g_signal{0};
extern "C" void on_signal(int sig) { g_signal.store(sig); }

core::Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error{core::ErrorCode::kIo, "cannot read " + path};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct NetworkChoice {
  std::string network;
  std::string genesis_file;
  std::string params_file;
  std::string l1_start_hash;
  std::optional<std::uint64_t> toccata_daa_score;
};

void add_network_options(CLI::App& app, NetworkChoice& n) {
  app.add_option("--network", n.network, "built-in network: mainnet, galleon or devnet");
  app.add_option("--genesis", n.genesis_file, "geth-style genesis JSON of a custom network (with --network-params)");
  app.add_option("--network-params", n.params_file,
                 "the network's parameters as the rendered network-params.md table (chain id, launch DAA score, "
                 "txid prefix, reference timestamp and DAA score, min fee, entry minimum, lock script)");
  app.add_option("--l1-start-hash", n.l1_start_hash,
                 "Kaspa chain block at or before the launch DAA score to start deriving after (default: the "
                 "kaspad pruning point)");
  app.add_option("--toccata-daa-score", n.toccata_daa_score,
                 "DAA score from which only v1 transactions on the Igra lane (97b10000) count (KIP-21); overrides "
                 "the network's value (mainnet 474165565, galleon 467579632, devnet none)");
}

// Network parameters and genesis JSON from the options.
core::Result<std::pair<ig::NetworkParams, std::string>> resolve_network(const NetworkChoice& n) {
  ig::NetworkParams params;
  std::string genesis;
  if (!n.genesis_file.empty()) {
    if (n.params_file.empty() && n.network.empty())
      return core::Error{core::ErrorCode::kInvalidArgument, "--genesis needs --network-params (or a built-in --network)"};
    IGRA_TRY(genesis, read_file(n.genesis_file));
    if (!n.params_file.empty()) {
      IGRA_TRY(auto text, read_file(n.params_file));
      IGRA_TRY(params, ig::parse_network_params_md(text));
    } else {
      IGRA_TRY(params, ig::builtin_network(n.network));
    }
  } else {
    if (n.network.empty()) return core::Error{core::ErrorCode::kInvalidArgument, "give --network or --genesis"};
    IGRA_TRY(params, ig::builtin_network(n.network));
    std::vector<std::pair<core::Address20, core::uint256>> funded;
    if (params.name == "devnet")
      for (const auto& a : ig::dev_accounts())
        funded.emplace_back(a.address, core::uint256(10'000) * core::uint256(1'000'000'000'000'000'000ull));
    genesis = ig::render_genesis_json(params, funded);
  }
  if (n.toccata_daa_score) params.toccata_daa_score = *n.toccata_daa_score;
  if (!n.l1_start_hash.empty()) {
    IGRA_TRY(auto h, core::fixed_from_hex<32>(n.l1_start_hash));
    params.l1_start_hash = h;
  }
  return std::make_pair(params, genesis);
}

int fail(const char* what, const core::Error& e) {
  std::fprintf(stderr, "igrad %s: %s\n", what, e.message.c_str());
  return 1;
}

// A relayer key file: 32 bytes of hex (optionally 0x-prefixed) on one line, readable by its owner only.
core::Result<igra::crypto::SecretKey> read_key_file(const std::string& path) {
  return igra::crypto::read_secret_key_file(path, "the relayer's Kaspa key");
}

void wait_for_signal() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  while (g_signal.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  spdlog::info("signal {}, shutting down", g_signal.load());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"igrad: the Igra full node. Derives the Igra L2 chain from Kaspa's selected-parent chain, executes it\n"
               "with an embedded EVM and keeps the full history in an LMDB database."};
  app.require_subcommand(1);
  std::string log_format = "text", log_level = "info";
  app.add_option("--log-format", log_format, "text (human-readable lines) or json (one JSON object per line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--log-level", log_level, "trace, debug, info, warn or error")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

  NetworkChoice init_net;
  std::string init_datadir;
  auto* init = app.add_subcommand("init", "write a network's genesis into a data directory and print its hash");
  add_network_options(*init, init_net);
  init->add_option("--datadir", init_datadir, "data directory (created if missing)")->required();

  NetworkChoice run_net;
  std::string run_datadir, kaspad = "127.0.0.1:16110";
  std::size_t batch = 2000;
  auto* run = app.add_subcommand("run", "follow kaspad and derive the L2 chain (writes the genesis on first use)");
  add_network_options(*run, run_net);
  run->add_option("--datadir", run_datadir, "data directory")->required();
  run->add_option("--kaspad", kaspad, "kaspad gRPC address host:port")->capture_default_str();
  run->add_option("--batch", batch, "Kaspa chain blocks fetched per derivation step")->capture_default_str();
  std::string run_metrics;
  run->add_option("--metrics-addr", run_metrics,
                  "serve Prometheus metrics at http://HOST:PORT/metrics (IPv4; off unless given)");
  igrad::RpcFlags run_rpc;
  igrad::add_rpc_options(*run, run_rpc, "");
  std::string run_relayer_key;
  run->add_option("--relayer-key", run_relayer_key,
                  "file with the hex secp256k1 key (mode 0600) whose Kaspa coins pay the L1 fees of relayed "
                  "transactions; without it (or --relayer-mnemonic) eth_sendRawTransaction is refused");
  std::string run_relayer_mnemonic, run_relayer_path = "m/44'/111111'/0'/0/0";
  run->add_option("--relayer-mnemonic", run_relayer_mnemonic,
                  "instead of --relayer-key: file with a BIP-39 mnemonic (mode 0600); the relayer's key is derived "
                  "at --relayer-path");
  run->add_option("--relayer-path", run_relayer_path, "BIP-32 path of the relayer's key in the mnemonic's wallet")
      ->capture_default_str();

  NetworkChoice serve_net;
  std::string serve_datadir;
  auto* serve = app.add_subcommand(
      "serve", "serve the JSON-RPC API over an existing data directory without following Kaspa (a read-only replica\n"
               "of a stopped node's chain: queries, eth_call, traces; eth_sendRawTransaction is refused)");
  add_network_options(*serve, serve_net);
  serve->add_option("--datadir", serve_datadir, "data directory")->required();
  igrad::RpcFlags serve_rpc;
  igrad::add_rpc_options(*serve, serve_rpc, "");

  std::string dev_datadir;
  double dev_bps = 10.0;
  std::string dev_l1_listen = "127.0.0.1:0";
  auto* dev = app.add_subcommand(
      "dev",
      "development chain: an embedded Kaspa simnet (real time, or on demand with --fast) and a node on the devnet\n"
      "(chain id 38830) whose genesis funds the ten accounts of the mnemonic 'test test ... junk' (as Hardhat and "
      "Anvil)");
  dev->add_option("--datadir", dev_datadir,
                  "data directory (default: a new temporary directory, deleted on exit); an existing dev datadir is "
                  "resumed: its Kaspa blocks are replayed from DIR/simnet/blocks.journal and the L2 chain continues")
      ->option_text("DIR");
  dev->add_option("--bps", dev_bps, "Kaspa blocks per second of the embedded simnet (with --fast: the virtual time "
                                    "between blocks)")->capture_default_str();
  bool dev_fast = false;
  dev->add_flag("--fast", dev_fast,
                "fast mode: the simnet runs on a virtual clock and mines on demand - a block as soon as transactions "
                "wait (so a transaction lands in milliseconds), and one per second when idle");
  std::string dev_metrics;
  dev->add_option("--metrics-addr", dev_metrics,
                  "serve Prometheus metrics at http://HOST:PORT/metrics (IPv4; off unless given)");
  igrad::RpcFlags dev_rpc;
  igrad::add_rpc_options(*dev, dev_rpc, "*");
  dev->add_option("--l1-listen", dev_l1_listen,
                  "gRPC address of the embedded simnet (kaspad's API), host:port; port 0 picks a free port")
      ->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  if (auto r = ig::setup_logging(log_format, log_level); !r) return fail("", r.error());

  if (*init) {
    auto net = resolve_network(init_net);
    if (!net) return fail("init", net.error());
    auto genesis = chain::parse_genesis(net->second);
    if (!genesis) return fail("init", genesis.error());
    if (genesis->chain_id != core::uint256(net->first.chain_id))
      return fail("init", core::Error{core::ErrorCode::kInvalidArgument,
                                      "genesis chain id " + genesis->chain_id.to_decimal() +
                                          " differs from the network parameters' " + std::to_string(net->first.chain_id)});
    auto hash = ig::init_datadir(init_datadir, *genesis, net->first.l1_start_hash.value_or(core::Hash32{}));
    if (!hash) return fail("init", hash.error());
    std::printf("%s\n", core::to_hex(*hash, true).c_str());
    return 0;
  }

  if (*run) {
    auto net = resolve_network(run_net);
    if (!net) return fail("run", net.error());
    ig::NodeOptions o;
    o.datadir = run_datadir;
    o.params = net->first;
    o.genesis_json = net->second;
    o.kaspad = kaspad;
    o.batch_chain_blocks = batch;
    auto node = ig::Node::open(std::move(o));
    if (!node) return fail("run", node.error());
    spdlog::info("igrad: network {} (chain id {}), genesis {}", net->first.name, net->first.chain_id,
                 core::to_hex((*node)->genesis().hash, true));
    std::unique_ptr<igra::kaspa::rpc::Client> relayer_client;
    std::unique_ptr<igra::relayer::Relayer> relayer;
    if (!run_relayer_key.empty() && !run_relayer_mnemonic.empty())
      return fail("run", core::Error{core::ErrorCode::kInvalidArgument, "give --relayer-key or --relayer-mnemonic, not both"});
    if (!run_relayer_key.empty() || !run_relayer_mnemonic.empty()) {
      auto key = !run_relayer_key.empty()
                     ? read_key_file(run_relayer_key)
                     : igra::crypto::read_mnemonic_key_file(run_relayer_mnemonic, run_relayer_path,
                                                            "the relayer's Kaspa wallet mnemonic");
      if (!key) return fail("run", key.error());
      igra::kaspa::rpc::ClientOptions co;
      co.target = kaspad;
      relayer_client = std::make_unique<igra::kaspa::rpc::Client>(co);
      relayer_client->start();
      igra::relayer::RelayerOptions ro;
      ro.funding_key = *key;
      ro.address_prefix = net->first.address_prefix();
      if (net->first.txid_prefix.size() >= 2) ro.txid_prefix = {net->first.txid_prefix[0], net->first.txid_prefix[1]};
      ro.toccata_daa_score = net->first.toccata_daa_score;
      relayer = std::make_unique<igra::relayer::Relayer>(ro, *relayer_client);
      spdlog::info("relayer: L1 fees paid from {}", relayer->l1_address());
    }
    std::unique_ptr<igra::relayer::RelayQueue> queue;
    if (relayer) {
      auto q = igrad::open_relay_queue(run_datadir, *relayer, **node, *relayer_client);
      if (!q) return fail("run", q.error());
      queue = std::move(*q);
    }
    auto rpc = igrad::RpcStack::create(**node, run_rpc, relayer.get(), true, queue.get());
    if (!rpc) return fail("run", rpc.error());
    if (auto r = (*node)->start(); !r) return fail("run", r.error());
    if (auto r = (*rpc)->start(); !r) return fail("run", r.error());
    ig::MetricsServer metrics([n = node->get(), r = relayer.get(), q = queue.get()] {
      return n->metrics_text() + (r && q ? igra::relayer::relayer_metrics_text(*r, *q) : std::string());
    });
    if (!run_metrics.empty()) {
      if (auto r = metrics.start(run_metrics); !r) return fail("run", r.error());
      spdlog::info("metrics at http://{}/metrics", metrics.address());
    }
    wait_for_signal();
    metrics.stop();
    (*rpc)->stop();
    if (queue) queue->stop();
    (*node)->stop();
    if (relayer_client) relayer_client->shutdown();
    return 0;
  }

  if (*serve) {
    auto net = resolve_network(serve_net);
    if (!net) return fail("serve", net.error());
    if (!std::filesystem::exists(std::filesystem::path(serve_datadir) / "chaindata"))
      return fail("serve", core::Error{core::ErrorCode::kNotFound, serve_datadir + " holds no chain"});
    ig::NodeOptions o;
    o.datadir = serve_datadir;
    o.params = net->first;
    o.genesis_json = net->second;
    auto node = ig::Node::open(std::move(o));
    if (!node) return fail("serve", node.error());
    auto rpc = igrad::RpcStack::create(**node, serve_rpc, nullptr, /*following_l1=*/false);
    if (!rpc) return fail("serve", rpc.error());
    if (auto r = (*rpc)->start(); !r) return fail("serve", r.error());
    spdlog::info("serving {} (head {}) read-only", serve_datadir, (*node)->db().head().value_or(0));
    std::printf("RPC http://%s\n", (*rpc)->address().c_str());
    std::fflush(stdout);
    wait_for_signal();
    (*rpc)->stop();
    return 0;
  }

  // dev
  std::string datadir = dev_datadir;
  bool temporary_datadir = false;
  if (datadir.empty()) {
    temporary_datadir = true;
    char tmpl[] = "/tmp/igrad-dev-XXXXXX";
    if (!mkdtemp(tmpl)) {
      std::perror("mkdtemp");
      return 1;
    }
    datadir = tmpl;
  }
  // The embedded simnet's blocks are journaled in the datadir, so a dev chain can be stopped and resumed: the
  // journal is replayed into a fresh simnet, and the node continues from its committed L2 head.
  const std::string journal_path = (std::filesystem::path(datadir) / "simnet" / "blocks.journal").string();
  const bool resuming = std::filesystem::exists(std::filesystem::path(datadir) / "chaindata");
  if (resuming && !std::filesystem::exists(journal_path)) {
    std::fprintf(stderr,
                 "igrad dev: %s holds a chain but no simnet journal (it was made by an older igrad, whose embedded "
                 "Kaspa history was not kept), so it cannot be resumed. Give a new --datadir, or serve the old chain "
                 "read-only with `igrad serve --network devnet --datadir %s`.\n",
                 datadir.c_str(), datadir.c_str());
    return 1;
  }
  NetworkChoice dn;
  dn.network = "devnet";
  auto net = resolve_network(dn);
  if (!net) return fail("dev", net.error());

  // The relayer's Kaspa key (development only: derived from a fixed string). The embedded miner pays its
  // coinbase rewards to it, with a short coinbase maturity, so relayed transactions can pay their L1 fees
  // within seconds.
  constexpr std::uint64_t kDevCoinbaseMaturity = 20;
  const std::string_view kDevRelayerSeed = "igra dev relayer key";
  const igra::crypto::SecretKey relayer_key =
      core::keccak256(core::ByteView(reinterpret_cast<const std::uint8_t*>(kDevRelayerSeed.data()), kDevRelayerSeed.size()));
  auto relayer_pub = igra::crypto::schnorr_public_key(relayer_key);
  if (!relayer_pub) return fail("dev", relayer_pub.error());
  simnet::SimnetNodeConfig scfg;
  scfg.simnet.clock_mode = dev_fast ? simnet::ClockMode::kFast : simnet::ClockMode::kRealTime;
  scfg.simnet.blocks_per_second = dev_bps;
  scfg.simnet.arrivals = simnet::BlockArrivals::kRegular;
  scfg.simnet.consensus.coinbase_maturity = kDevCoinbaseMaturity;
  simnet::MinerConfig miner;
  miner.script_public_key = igra::kaspa::p2pk_script(*relayer_pub);
  scfg.simnet.miners.push_back(miner);
  simnet::SimnetNode l1(scfg);
  {
    const auto t0 = std::chrono::steady_clock::now();
    auto replayed = l1.attach_journal(journal_path);
    if (!replayed) return fail("dev", replayed.error());
    if (*replayed > 0)
      spdlog::info("resumed the dev chain of {}: {} Kaspa blocks replayed from the simnet journal in {:.1f} s", datadir,
                   *replayed, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  simnet::RpcServerOptions so;
  const auto colon = dev_l1_listen.rfind(':');
  so.bind_address = dev_l1_listen.substr(0, colon);
  so.port = static_cast<std::uint16_t>(std::stoul(dev_l1_listen.substr(colon + 1)));
  simnet::RpcServer server(l1, so);
  if (auto r = server.start(); !r) return fail("dev", r.error());
  if (dev_fast) {
    // Mature coinbase for the relayer at once (the on-demand miner would take a second per block when idle).
    const std::uint64_t daa = l1.stats().virtual_daa_score;
    if (daa < kDevCoinbaseMaturity + 5) {
      if (auto r = l1.mine_blocks(kDevCoinbaseMaturity + 5 - daa); !r) return fail("dev", r.error());
    }
    l1.start_on_demand(1000, /*settle_daa=*/10);  // 10: the L2 block window (floor(DAA / 10))
  } else {
    l1.start();
  }

  ig::NodeOptions o;
  o.datadir = datadir;
  o.params = net->first;
  o.genesis_json = net->second;
  o.kaspad = server.address();
  auto node = ig::Node::open(std::move(o));
  if (!node) return fail("dev", node.error());
  igra::kaspa::rpc::ClientOptions rco;
  rco.target = server.address();
  igra::kaspa::rpc::Client relayer_client(rco);
  relayer_client.start();
  igra::relayer::RelayerOptions ro;
  ro.funding_key = relayer_key;
  ro.address_prefix = igra::kaspa::Prefix::kSimnet;
  ro.txid_prefix = {net->first.txid_prefix.at(0), net->first.txid_prefix.at(1)};
  ro.coinbase_maturity = kDevCoinbaseMaturity;
  ro.toccata_daa_score = net->first.toccata_daa_score;
  igra::relayer::Relayer relayer(ro, relayer_client);
  auto queue = igrad::open_relay_queue(datadir, relayer, **node, relayer_client);
  if (!queue) return fail("dev", queue.error());
  auto rpc = igrad::RpcStack::create(**node, dev_rpc, &relayer, true, queue->get());
  if (!rpc) return fail("dev", rpc.error());
  // Development control: igra_devReorg(depth) flips Kaspa's selected chain `depth` blocks below the sink on
  // the embedded simnet (the L2 blocks anchored there are unwound and re-derived), for testing reorg handling.
  (*rpc)->dispatcher().add("igra_devReorg", [&l1](const igra::rpc::json& p, igra::rpc::CallContext&) -> igra::rpc::json {
    std::uint64_t depth = 5;
    if (p.is_array() && !p.empty()) {
      if (!p[0].is_number_unsigned() || p[0].get<std::uint64_t>() < 1 || p[0].get<std::uint64_t>() > 1000)
        throw igra::rpc::RpcError(igra::rpc::code::kInvalidParams, "depth must be a number in 1..1000");
      depth = p[0].get<std::uint64_t>();
    }
    auto r = l1.simnet_reorg(static_cast<std::uint32_t>(depth), false);
    if (!r) throw igra::rpc::RpcError(igra::rpc::code::kInvalidInput, "reorg failed: " + r.error().message);
    return igra::rpc::json{{"removedChainBlocks", r->removed_chain_block_hashes.size()},
                           {"addedChainBlocks", r->added_chain_block_hashes.size()}};
  });
  if (auto r = (*node)->start(); !r) return fail("dev", r.error());
  if (auto r = (*rpc)->start(); !r) return fail("dev", r.error());
  ig::MetricsServer metrics([n = node->get(), &relayer, q = queue->get()] {
    return n->metrics_text() + igra::relayer::relayer_metrics_text(relayer, *q);
  });
  if (!dev_metrics.empty()) {
    if (auto r = metrics.start(dev_metrics); !r) return fail("dev", r.error());
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // Ready once the relayer has a mature coin to pay L1 fees with (a few seconds at 10 BPS).
  for (int i = 0; i < 600 && g_signal.load() == 0; ++i) {
    auto bal = relayer.balance();
    if (bal && *bal > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  if (dev_fast)
    std::printf("\nigrad dev: Igra devnet on an embedded Kaspa simnet (fast: virtual clock, blocks on demand)\n");
  else
    std::printf("\nigrad dev: Igra devnet on an embedded Kaspa simnet (%.3g BPS)\n", dev_bps);
  std::printf("  chain id      %llu (0x%llx)\n", static_cast<unsigned long long>(net->first.chain_id),
              static_cast<unsigned long long>(net->first.chain_id));
  std::printf("  genesis       %s\n", core::to_hex((*node)->genesis().hash, true).c_str());
  if (!(*rpc)->address().empty()) {
    std::printf("  RPC           http://%s  (WebSocket ws://%s)\n", (*rpc)->address().c_str(), (*rpc)->address().c_str());
  }
  std::printf("  kaspad gRPC   %s\n", server.address().c_str());
  std::printf("  relayer       %s\n", relayer.l1_address().c_str());
  std::printf("  datadir       %s\n", datadir.c_str());
  if (!dev_metrics.empty()) std::printf("  metrics       http://%s/metrics\n", metrics.address().c_str());
  std::printf("  min fee       %llu gwei\n\nFunded accounts (10,000 iKAS each; mnemonic \"%s\"):\n",
              static_cast<unsigned long long>(net->first.min_fee_gwei), std::string(ig::kDevMnemonic).c_str());
  for (std::size_t i = 0; i < ig::dev_accounts().size(); ++i) {
    const auto& a = ig::dev_accounts()[i];
    std::printf("  (%zu) %s  key %s\n", i, core::to_hex(a.address, true).c_str(),
                core::to_hex(a.private_key, true).c_str());
  }
  std::printf("\n");
  std::fflush(stdout);
  wait_for_signal();
  (*rpc)->stop();
  (*queue)->stop();
  (*node)->stop();
  relayer_client.shutdown();
  l1.stop();
  server.stop();
  node->reset();
  if (temporary_datadir) {
    std::error_code ec;
    std::filesystem::remove_all(datadir, ec);  // no --datadir: nothing to resume later
  }
  return 0;
}
