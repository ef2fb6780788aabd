#pragma once
// The simnet facade: a consensus core, simulated miners with propagation delay, a clock (real time or
// deterministic fast mode), block submission, templates, reorg controls and the queries the RPC server uses.
//
// Thread safety: every public method locks the simnet's mutex. Listeners registered with on_chain_changed /
// on_block_added and the tx source run with the mutex held (from the mining thread in real-time mode): they must
// not call Simnet methods (deadlock), but may use the Consensus they are given / captured (see Consensus's
// listener rules), e.g. to update a mempool; queue anything else. `with_consensus` gives locked access for
// queries.
//
// Wiring a mempool (simnet/mempool.hpp): tx_source returns its template selection; an on_chain_changed listener
// calls Mempool::handle_virtual_change with Consensus::accepted_transactions of the removed / added blocks and
// Consensus::virtual_utxos(); RPC submissions validate against with_consensus(c.virtual_utxos()).
//
// Block production is a Poisson process at blocks_per_second; each block goes to a random miner (by weight), who
// builds on the tips of its own delayed view of the DAG.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "simnet/clock.hpp"
#include "simnet/consensus.hpp"
#include "simnet/miner.hpp"

namespace igra::simnet {

enum class ClockMode {
  kRealTime,  // a thread mines at `blocks_per_second` in wall-clock time (start()/stop())
  kFast,      // virtual time, deterministic for a seed; blocks are produced by mine_blocks()/run_for_ms()
              // (or by start(), which then mines as fast as possible)
};

// Transactions offered to block templates (the mempool), best first; at most `max` of them.
using TxSource = std::function<std::vector<kaspa::Transaction>(std::size_t max)>;

// How block times are drawn at `blocks_per_second`.
enum class BlockArrivals {
  kPoisson,  // exponential intervals, as independent miners produce them (default)
  kRegular,  // exactly 1 / blocks_per_second apart: the long-run rate the DAA enforces, without sampling noise
};

struct SimnetConfig {
  ConsensusParams consensus;
  ClockMode clock_mode = ClockMode::kFast;
  double blocks_per_second = 10.0;          // block production, all miners together
  BlockArrivals arrivals = BlockArrivals::kPoisson;
  std::uint32_t propagation_delay_ms = 0;   // mean delay before other miners see a block (uniform 0.5x..1.5x)
  std::vector<MinerConfig> miners;          // empty: one miner paying to an empty script
  std::uint64_t seed = 1;
  TxSource tx_source;                       // may be empty
  std::size_t max_block_transactions = 2000;
};

// A block mined (or submitted) and its place in the DAG.
struct MinedBlock {
  BlockHash hash;
  BlockId id = kNoBlock;
  std::size_t miner = 0;
  bool withheld = false;
};

class Simnet {
 public:
  explicit Simnet(SimnetConfig config);
  ~Simnet();
  Simnet(const Simnet&) = delete;
  Simnet& operator=(const Simnet&) = delete;

  const SimnetConfig& config() const noexcept { return config_; }
  const Clock& clock() const noexcept { return *clock_; }

  // --- mining --------------------------------------------------------------------------------------------
  // Fast mode (also allowed in real-time mode when the thread is stopped): mines `n` blocks at Poisson times,
  // advancing the virtual clock.
  core::Result<std::vector<MinedBlock>> mine_blocks(std::size_t n);
  // Fast mode: advances the virtual clock by `duration_ms`, mining the blocks scheduled in that time
  // (about blocks_per_second * duration).
  core::Result<std::vector<MinedBlock>> run_for_ms(std::uint64_t duration_ms);
  // Fast mode: moves the virtual clock forward to `ms` (no blocks mined) when it is behind, e.g. after replaying
  // stored blocks whose timestamps are ahead of it; later blocks are spaced from there.
  void advance_clock_to_ms(std::uint64_t ms);
  // Real-time mode: starts / stops the mining thread.
  void start();
  void stop();
  bool running() const noexcept { return running_; }

  // --- node ----------------------------------------------------------------------------------------------
  // Validates and adds a block (SubmitBlock); it reaches the miners after the propagation delay.
  core::Result<BlockHash> submit_block(Block block);
  // A template on the current virtual parents with transactions from the tx source (GetBlockTemplate).
  core::Result<Block> block_template(const kaspa::ScriptPublicKey& miner_spk, core::ByteView extra_data);

  // Locked access to the consensus for queries (and, carefully, for tests).
  template <typename F>
  auto with_consensus(F&& f) {
    std::lock_guard<std::mutex> lock(mu_);
    return f(consensus_);
  }
  void on_chain_changed(Consensus::ChainListener l);
  void on_block_added(Consensus::BlockListener l);

  // --- reorg controls (reorg.cpp) ------------------------------------------------------------------------
  // Builds a branch of single-parent blocks from the chain block `depth` below the sink (0 = the sink), withheld
  // until it is heavier than the current sink, then releases it: the SPC flips. Returns the chain change.
  core::Result<ChainChange> reorg_from_depth(std::size_t depth);
  // Starts a flip-flop at `depth`: the first call builds the rival branch (like reorg_from_depth); each later
  // call extends whichever of the two branches is lighter until it is heavier than the other, and releases it.
  // The episode lasts while the sink is one of the two branch tips; a call after other blocks were added on
  // top starts a new episode at `depth`.
  core::Result<ChainChange> flip_flop(std::size_t depth);
  // While a miner withholds, its blocks are stored but not released (only it sees them): a private chain.
  void set_withholding(std::size_t miner, bool withhold);
  // Releases all withheld blocks (in creation order) to the node and the other miners.
  core::Result<std::vector<BlockHash>> release_withheld();
  std::size_t withheld_count() const;

 private:
  core::Result<MinedBlock> mine_one_locked(std::uint64_t now_us);
  // Schedules `id` for every miner's view (the sender's at once; others after a sampled delay, or at once when
  // `immediate`: blocks released by the reorg controls reach every miner without delay, so the flipped chain
  // is not immediately out-mined by blocks built on stale views).
  void deliver_locked(BlockId id, std::size_t from_miner, std::uint64_t now_us, bool immediate = false);
  core::Result<std::vector<BlockId>> build_heavier_branch_locked(BlockId from, BlockId rival, std::size_t miner);
  core::Result<ChainChange> release_branch_locked(const std::vector<BlockId>& ids);
  std::uint64_t sample_delay_us();
  std::uint64_t next_interval_us();
  void run_loop();

  SimnetConfig config_;
  std::unique_ptr<Clock> clock_;
  VirtualClock* virtual_clock_ = nullptr;  // non-null in fast mode
  mutable std::mutex mu_;
  Consensus consensus_;
  std::vector<MinerView> views_;
  std::vector<std::uint8_t> withholding_;
  std::vector<BlockId> withheld_;
  std::mt19937_64 rng_;
  std::discrete_distribution<std::size_t> miner_pick_;
  std::uint64_t next_block_us_ = 0;  // scheduled time of the next block
  // Flip-flop state: the two competing branch tips.
  BlockId flip_a_ = kNoBlock;
  BlockId flip_b_ = kNoBlock;
  // Real-time thread.
  std::thread thread_;
  std::condition_variable cv_;
  bool running_ = false;
  bool stop_requested_ = false;
};

}  // namespace igra::simnet
