#pragma once
// An Igra full node without its RPC front: the state database in a data directory, the genesis, a gRPC
// connection to kaspad (or the simnet), and the derivation loop on its own thread. Logs sync progress
// (L2 height, L1 DAA score, blocks/s, Mgas/s, ETA) and keeps counters for the Prometheus metrics.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <pthread.h>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "chain/genesis.hpp"
#include "core/error.hpp"
#include "igra/deriver.hpp"
#include "igra/l1_source.hpp"
#include "igra/network.hpp"
#include "kaspa/rpc/client.hpp"
#include "state/state_db.hpp"

namespace igra::igra {

struct NodeOptions {
  std::filesystem::path datadir;
  NetworkParams params;
  std::string genesis_json;               // the network's genesis (rendered for built-in networks)
  std::string kaspad = "127.0.0.1:16510";  // gRPC host:port
  std::size_t batch_chain_blocks = 2000;   // chain blocks fetched per derivation step
  bool sync_writes = true;                 // fsync every commit (off only for benchmarks)
  double progress_interval_s = 5.0;
};

struct NodeStats {
  std::uint64_t l2_head = 0;
  std::uint64_t l1_tip_daa = 0;
  std::uint64_t l1_virtual_daa = 0;
  std::uint64_t blocks_committed = 0;
  std::uint64_t blocks_unwound = 0;
  std::uint64_t txs_executed = 0;
  std::uint64_t gas_used = 0;
  std::uint64_t l1_errors = 0;
  bool synced = false;
};

// Opens (creating if needed) the database in `datadir`/chaindata and writes the genesis into an empty one.
// Returns the genesis hash. Fails when the database holds another chain.
core::Result<core::Hash32> init_datadir(const std::filesystem::path& datadir, const chain::Genesis& genesis,
                                        const core::Hash32& l1_start = {});

class Node {
 public:
  static core::Result<std::unique_ptr<Node>> open(NodeOptions options);
  ~Node();

  // Connects to kaspad and starts deriving on a background thread.
  core::Result<void> start();
  void stop();

  // Chain events for the RPC layer, called on the derivation thread after each commit / unwind. Set before
  // start().
  void set_listeners(std::function<void(const CommittedBlock&)> on_commit, std::function<void(std::uint64_t)> on_unwind) {
    on_commit_ = std::move(on_commit);
    on_unwind_ = std::move(on_unwind);
  }

  const chain::Genesis& genesis() const noexcept { return genesis_; }
  const NetworkParams& params() const noexcept { return options_.params; }
  state::StateDb& db() noexcept { return *db_; }
  NodeStats stats() const;
  // Prometheus text exposition of the node's counters.
  std::string metrics_text() const;
  // Blocks until the L2 head is at least `number` (or the timeout passes). For tests and tools.
  bool wait_for_head(std::uint64_t number, std::chrono::milliseconds timeout);
  // Blocks until derivation has processed every chain block the L1 node had when this was called.
  bool wait_synced(std::chrono::milliseconds timeout);
  std::uint64_t head() const;
  core::Hash32 head_hash() const;

 private:
  Node() = default;
  void run();

  NodeOptions options_;
  chain::Genesis genesis_;
  std::unique_ptr<state::StateDb> db_;
  std::unique_ptr<kaspa::rpc::Client> client_;
  std::unique_ptr<RpcL1Source> source_;
  std::unique_ptr<Deriver> deriver_;
  std::optional<pthread_t> thread_;  // the derivation thread (large stack: the EVM recurses per call depth)
  std::function<void(const CommittedBlock&)> on_commit_;
  std::function<void(std::uint64_t)> on_unwind_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;       // head changes, L1 notifications
  bool l1_changed_ = false;
  NodeStats stats_;
  core::Hash32 head_hash_;
  std::uint64_t sync_generation_ = 0;  // bumped when a step finds nothing more to do
};

}  // namespace igra::igra
