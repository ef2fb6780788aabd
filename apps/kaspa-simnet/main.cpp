// kaspa-simnet: a standalone Kaspa simnet node (GHOSTDAG consensus, simulated miners, mempool) serving kaspad's
// protowire gRPC API, so kaspa::rpc::Client and stock Kaspa gRPC clients can talk to it.
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "kaspa/address.hpp"
#include "kaspa/script_class.hpp"
#include "simnet/rpc_server.hpp"
#include "simnet/simnet_node.hpp"

using namespace igra;

namespace {

std::atomic<int> g_signal{0};
extern "C" void on_signal(int sig) { g_signal.store(sig); }

bool parse_listen(const std::string& s, std::string& host, std::uint16_t& port) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = s.substr(0, colon);
  try {
    const unsigned long p = std::stoul(s.substr(colon + 1));
    if (p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (...) {
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "kaspa-simnet: an in-memory Kaspa simnet (GHOSTDAG BlockDAG, simulated miners with propagation delay, mempool\n"
      "with full transaction validation) serving kaspad's gRPC API (/protowire.RPC/MessageStream).\n"
      "Logs one status line per second; stops cleanly on SIGINT / SIGTERM."};
  std::string listen = "127.0.0.1:16510";
  double bps = 10.0;
  std::uint32_t k = 124;
  std::size_t miners = 1;
  std::uint32_t propagation_delay_ms = 0;
  std::vector<std::string> coinbase_addresses;
  std::string clock = "real";
  std::uint64_t seed = 1;
  std::uint64_t coinbase_maturity = 1000;
  bool no_mining = false;
  std::string arrivals = "poisson";
  std::string mempool_policy = "kaspad";
  app.add_option("--listen", listen, "gRPC listen address host:port (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--bps", bps, "blocks per second produced by all miners together (Poisson process)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--k", k, "GHOSTDAG k parameter (124 for 10 BPS)")->capture_default_str();
  app.add_option("--miners", miners,
                 "number of simulated miners; each builds on its own delayed view of the DAG, so parallel blocks, "
                 "mergesets and red blocks occur")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--propagation-delay-ms", propagation_delay_ms,
                 "mean delay (ms) before a block reaches the other miners (uniform 0.5x..1.5x)")
      ->capture_default_str();
  app.add_option("--coinbase-address", coinbase_addresses,
                 "kaspasim: address receiving coinbase rewards; repeat to give miners different addresses "
                 "(miner i pays to address i mod n); none: an empty script")
      ->take_all();
  app.add_option("--clock", clock,
                 "real: mine at --bps in wall-clock time; fast: virtual time, mine as fast as possible, "
                 "deterministic for a seed")
      ->capture_default_str()
      ->check(CLI::IsMember({"real", "fast"}));
  app.add_option("--seed", seed, "random seed (block times, miner choice, delays)")->capture_default_str();
  app.add_option("--coinbase-maturity", coinbase_maturity,
                 "DAA score a coinbase output must age before it can be spent")
      ->capture_default_str();
  app.add_option("--arrivals", arrivals,
                 "poisson: exponential block intervals, as independent miners produce them; regular: exactly "
                 "1/--bps apart (the long-run rate without sampling noise)")
      ->capture_default_str()
      ->check(CLI::IsMember({"poisson", "regular"}));
  app.add_option("--mempool-policy", mempool_policy,
                 "kaspad: the standardness and relay-fee rules of current kaspad releases (2.x: 100 sompi per gram of "
                 "max(compute mass, transient mass / 2), no dust rule); crescendo: the v1.x rules (1 sompi per gram "
                 "of compute mass, dust and script-size limits)")
      ->capture_default_str()
      ->check(CLI::IsMember({"kaspad", "crescendo"}));
  app.add_flag("--no-mining", no_mining,
               "do not mine on a schedule: blocks come only from SubmitBlock (an external miner driving "
               "GetBlockTemplate) and from the SimnetMine control call");
  app.footer(
      "Control calls (kaspa-simnet extensions on the same gRPC stream, see kaspa::rpc::Client::simnet_*):\n"
      "  SimnetMine(n)                  mine n blocks now\n"
      "  SimnetReorg(depth, flipFlop)   flip the selected-parent chain from `depth` below the sink\n"
      "  SimnetSetWithholding(miner, b) keep a miner's blocks private\n"
      "  SimnetReleaseWithheld()        publish withheld blocks");
  CLI11_PARSE(app, argc, argv);

  std::string host;
  std::uint16_t port = 0;
  if (!parse_listen(listen, host, port)) {
    std::fprintf(stderr, "kaspa-simnet: bad --listen '%s' (want host:port)\n", listen.c_str());
    return 2;
  }

  simnet::SimnetNodeConfig cfg;
  cfg.simnet.clock_mode = clock == "fast" ? simnet::ClockMode::kFast : simnet::ClockMode::kRealTime;
  cfg.simnet.blocks_per_second = bps;
  cfg.simnet.arrivals = arrivals == "regular" ? simnet::BlockArrivals::kRegular : simnet::BlockArrivals::kPoisson;
  cfg.simnet.propagation_delay_ms = propagation_delay_ms;
  cfg.simnet.seed = seed;
  cfg.simnet.consensus.ghostdag.k = k;
  cfg.simnet.consensus.ghostdag.mergeset_size_limit = 2 * static_cast<std::size_t>(k);
  cfg.simnet.consensus.coinbase_maturity = coinbase_maturity;
  cfg.mempool.policy = mempool_policy == "kaspad" ? simnet::StandardnessPolicy::toccata_rules()
                                                  : simnet::StandardnessPolicy::crescendo();
  std::vector<kaspa::ScriptPublicKey> scripts;
  for (const auto& a : coinbase_addresses) {
    auto addr = kaspa::decode_address(a);
    if (!addr.ok() || addr->prefix != kaspa::Prefix::kSimnet) {
      std::fprintf(stderr, "kaspa-simnet: bad --coinbase-address '%s': %s\n", a.c_str(),
                   addr.ok() ? "not a kaspasim: address" : addr.error().message.c_str());
      return 2;
    }
    auto spk = kaspa::pay_to_address_script(*addr);
    if (!spk.ok()) {
      std::fprintf(stderr, "kaspa-simnet: bad --coinbase-address '%s': %s\n", a.c_str(), spk.error().message.c_str());
      return 2;
    }
    scripts.push_back(*spk);
  }
  for (std::size_t i = 0; i < miners; ++i) {
    simnet::MinerConfig m;
    if (!scripts.empty()) m.script_public_key = scripts[i % scripts.size()];
    cfg.simnet.miners.push_back(m);
  }

  simnet::SimnetNode node(cfg);
  simnet::RpcServerOptions so;
  so.bind_address = host;
  so.port = port;
  simnet::RpcServer server(node, so);
  if (auto r = server.start(); !r.ok()) {
    std::fprintf(stderr, "kaspa-simnet: cannot listen on %s: %s\n", listen.c_str(), r.error().message.c_str());
    return 1;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::printf("kaspa-simnet listening on %s (clock %s, %.3g BPS, k %u, %zu miner(s), seed %llu%s)\n",
              server.address().c_str(), clock.c_str(), bps, k, miners, static_cast<unsigned long long>(seed),
              no_mining ? ", no scheduled mining" : "");
  std::fflush(stdout);
  if (!no_mining) node.start();

  auto next_log = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (g_signal.load() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() >= next_log) {
      next_log += std::chrono::seconds(1);
      const auto s = node.stats();
      std::printf("daa_score %llu  blue_score %llu  blocks %zu  tips %zu  mempool %zu\n",
                  static_cast<unsigned long long>(s.virtual_daa_score),
                  static_cast<unsigned long long>(s.sink_blue_score), s.block_count, s.tip_count, s.mempool_size);
      std::fflush(stdout);
    }
  }
  std::printf("kaspa-simnet: signal %d, shutting down\n", g_signal.load());
  std::fflush(stdout);
  node.stop();
  server.stop();
  return 0;
}
