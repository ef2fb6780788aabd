#pragma once
// The derivation pipeline (decisions.md; architecture.md "Data flow in the node"): follows Kaspa's
// selected-parent chain through an L1Source, cuts windows by floor(DAA / 10), computes the ISC of every
// chain block, turns each closed window into one L2 block (Igra payloads in acceptance order, Entries as
// withdrawals), executes it with the shared block executor and commits it with its L1 origin and the
// derivation cursor in one LMDB write transaction (StateDb::stage_block / commit_block).
//
// Reorgs: when chain blocks derivation has used leave the selected chain, every L2 block whose window holds
// one of them is unwound (StateDb::unwind_to) and derivation resumes after the fork point; a window that
// grows after a reorg (a new chain block in the head's window) unwinds the head and rebuilds it. Restarts
// resume from the committed cursor; blocks of the open window are simply fetched again.
//
// Single-threaded: step() and everything else run on the caller's thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain/block.hpp"
#include "chain/block_executor.hpp"
#include "chain/sender_prefetcher.hpp"
#include "core/error.hpp"
#include "igra/l1_origin.hpp"
#include "igra/l1_source.hpp"
#include "igra/network.hpp"
#include "state/state_db.hpp"

namespace igra::igra {

struct StepResult {
  std::size_t chain_blocks = 0;   // chain blocks processed in this step
  std::size_t l2_blocks = 0;      // L2 blocks committed
  std::size_t unwound = 0;        // L2 blocks unwound by reorgs
  std::uint64_t gas_used = 0;
  std::uint64_t txs = 0;
  bool more = false;              // the source has more blocks right now (call again without waiting)
};

// A committed L2 block, for listeners (RPC subscriptions, logs, metrics).
struct CommittedBlock {
  std::uint64_t number = 0;
  core::Hash32 hash;
  const chain::BlockHeader* header = nullptr;
  const chain::BlockResult* result = nullptr;
  const L1Origin* origin = nullptr;
};

struct DeriverTimings {
  double derive_ms = 0;   // L1 fetch and payload decoding
  double execute_ms = 0;  // block execution
  double root_ms = 0;     // state root (stage_block)
  double commit_ms = 0;   // commit_block
};

class Deriver {
 public:
  // `db` must already hold the genesis (block 0; see write_genesis).
  Deriver(NetworkParams params, state::StateDb& db, L1Source& source);

  // Loads the cursor. Call once before step().
  core::Result<void> init();
  // Fetches what the source has after the current tip (at most max_chain_blocks chain blocks) and derives
  // it. Returns what happened; errors from the source leave everything as it was (retry later).
  core::Result<StepResult> step(std::size_t max_chain_blocks = 2000);

  std::uint64_t head_number() const noexcept { return head_number_; }
  const core::Hash32& head_hash() const noexcept { return head_hash_; }
  const DerivationCursor& cursor() const noexcept { return cursor_; }
  // Last Kaspa chain block processed (including the open window).
  const core::Hash32& tip() const noexcept { return tip_; }
  std::uint64_t tip_daa_score() const noexcept { return tip_daa_; }
  const DeriverTimings& timings() const noexcept { return timings_; }

  // Called after each commit and each unwind (on the deriver's thread).
  void on_commit(std::function<void(const CommittedBlock&)> f) { on_commit_ = std::move(f); }
  void on_unwind(std::function<void(std::uint64_t new_head)> f) { on_unwind_ = std::move(f); }

  // Checks the invariants after a reset: every stored L1 origin from `from` to the head is decodable, block
  // numbers are contiguous with matching parent hashes, and the origins' chain blocks are in order.
  core::Result<void> check_invariants(std::uint64_t from) ;

 private:
  struct PendingBlock {
    ChainBlock block;
    core::Hash32 isc;
  };
  core::Result<void> build_window();
  core::Result<void> unwind_head_to(std::uint64_t number);
  core::Result<void> load_head();

  NetworkParams params_;
  state::StateDb& db_;
  L1Source& source_;
  chain::ChainConfig config_;
  chain::AdmissionCheck admission_;

  DerivationCursor cursor_;
  std::uint64_t head_number_ = 0;
  core::Hash32 head_hash_;
  chain::BlockHeader head_header_;
  std::vector<PendingBlock> pending_;  // the open window
  core::Hash32 tip_;
  core::Hash32 tip_isc_;
  std::uint64_t tip_daa_ = 0;
  DeriverTimings timings_;
  // Senders of the batch's later windows, recovered on another core while earlier windows execute.
  std::unique_ptr<chain::SenderPrefetcher> prefetch_ = std::make_unique<chain::SenderPrefetcher>();
  std::function<void(const CommittedBlock&)> on_commit_;
  std::function<void(std::uint64_t)> on_unwind_;
};

// Writes the genesis (block 0: alloc, header, cursor at `l1_start`) into an empty database. Fails if the
// database already has a block 0 with a different hash; succeeds without writing when it has the same.
core::Result<core::Hash32> write_genesis(state::StateDb& db, const chain::BlockHeader& header,
                                         const state::BlockChanges& alloc, const core::Hash32& l1_start);

}  // namespace igra::igra
