#pragma once
// The node's state database: flat state, per-block changesets and history indices, the incremental
// Merkle-Patricia state root, block data and the Igra tables, all in one LMDB environment (schema in
// tables.hpp).
//
// Writer: StateDb::apply_block writes one L2 block in one LMDB write transaction (its new flat values as
// PlainDiff rows, changesets, history indices, root, block rows, L1 origin, derivation cursor) and returns
// once it is committed (fsync'ed unless EnvOptions::sync is off). The state and storage tries and the merged
// flat changes stay in memory between blocks (only touched paths are loaded and rehashed); every
// trie_flush_interval blocks that block's transaction writes the trie rows and moves the flat changes into
// PlainAccount / PlainStorage in key order. unwind_to(N) undoes blocks newest-first in one transaction, checks that the
// recomputed root equals the one stored for N and writes the trie rows of N. A crash at any moment leaves
// the database at the last committed block: open() recomputes the trie rows of blocks committed after
// the last flush from PlainDiff and their changesets and checks the result against their stored root.
//
// Single writer: apply_block / unwind_to / flush_trie must not run concurrently (one writer thread). Within
// a block, the trie updates use a second thread (storage tries split between the two, the state trie's
// subtries under different first nibbles likewise) that loads trie rows through its own read transaction:
// the rows it reads are the committed ones of Meta "trie_block", which the block's transaction only
// rewrites in its flush, after the updates.
//
// Readers: StateDb::view() opens an MVCC snapshot (StateView). Snapshots never block the writer and see
// a consistent head; they serve historical reads and proofs at any stored block. A StateView must not
// outlive its StateDb; keep snapshots short (a map growth waits for open snapshots, see lmdb_env.hpp).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/uint256.hpp"
#include "state/account.hpp"
#include "state/lmdb_env.hpp"

namespace igra::state {

struct FlatOverlay;  // the writer's merged PlainDiff (state_db.cpp)

// Block-level rows written with the state in the same transaction. Everything except `number` is
// optional (empty = not stored).
struct BlockData {
  std::uint64_t number = 0;
  core::Hash32 hash;
  core::Bytes header;                 // header RLP
  core::Bytes body;                   // body RLP
  std::vector<core::Bytes> receipts;  // one per transaction, in order
  std::vector<core::Hash32> tx_hashes;
  // Distinct emitters and topics of the block's logs (for the log index).
  std::vector<core::Address20> log_addresses;
  std::vector<core::Hash32> log_topics;
  core::Bytes l1_origin;                           // Igra: the block's Kaspa anchor (igra-layer encoding)
  std::optional<core::Bytes> derivation_cursor;   // Igra: resume point after this block (nullopt: unchanged)
  std::vector<std::pair<core::Hash32, std::string>> dropped_txs;  // Igra: (tx hash, reason)
};

struct TxLocation {
  std::uint64_t block = 0;
  std::uint32_t index = 0;
};

struct StorageProof {
  core::Hash32 slot;
  core::uint256 value;
  std::vector<core::Bytes> proof;  // node RLPs, root first
};

// eth_getProof at one block.
struct AccountProof {
  core::Address20 address;
  std::optional<Account> account;  // nullopt: the proof shows that the account does not exist
  std::vector<core::Bytes> account_proof;
  core::Hash32 state_root;
  core::Hash32 storage_root;
  std::vector<StorageProof> storage;
};

// A read snapshot. Block arguments are L2 block numbers; "at block N" means the state after block N.
// Reads at a block that is not stored (above the head, below the first stored block) are kNotFound errors.
class StateView {
 public:
  std::optional<std::uint64_t> head() const noexcept { return head_; }
  core::Result<std::uint64_t> first_block();

  core::Result<std::optional<Account>> account(const core::Address20& addr, std::uint64_t block);
  core::Result<core::uint256> balance(const core::Address20& addr, std::uint64_t block);
  core::Result<std::uint64_t> nonce(const core::Address20& addr, std::uint64_t block);
  core::Result<core::uint256> storage(const core::Address20& addr, const core::Hash32& slot, std::uint64_t block);
  core::Result<core::Bytes> code(const core::Address20& addr, std::uint64_t block);
  core::Result<std::optional<core::Bytes>> code_by_hash(const core::Hash32& hash);
  core::Result<core::Hash32> state_root(std::uint64_t block);
  // Values after the head block straight from the flat tables (no history lookup, no block check): the
  // pre-state of the next block's execution.
  core::Result<std::optional<Account>> head_account(const core::Address20& addr);
  core::Result<core::uint256> head_storage(const core::Address20& addr, const core::Hash32& slot);

  // Proof of an account and some of its slots at `block`, which must be at most kMaxProofDepth blocks
  // below the head (older tries are not kept; the snapshot rebuilds the trie of `block` in memory from
  // the head's trie and the changesets in between).
  static constexpr std::uint64_t kMaxProofDepth = 1024;
  core::Result<AccountProof> proof(const core::Address20& addr, const std::vector<core::Hash32>& slots,
                                   std::uint64_t block);

  // Block rows.
  core::Result<std::optional<core::Hash32>> canonical_hash(std::uint64_t block);
  // Height of a canonical block by its hash (nullopt: not a stored canonical block).
  core::Result<std::optional<std::uint64_t>> block_number(const core::Hash32& hash);
  core::Result<std::optional<core::Bytes>> header(std::uint64_t block);
  core::Result<std::optional<core::Bytes>> body(std::uint64_t block);
  core::Result<std::vector<core::Bytes>> receipts(std::uint64_t block);
  core::Result<std::optional<TxLocation>> tx_location(const core::Hash32& tx_hash);
  // Blocks in [from, to] with logs from addr / with topic.
  core::Result<std::vector<std::uint64_t>> log_blocks_by_address(const core::Address20& addr, std::uint64_t from,
                                                                 std::uint64_t to);
  core::Result<std::vector<std::uint64_t>> log_blocks_by_topic(const core::Hash32& topic, std::uint64_t from,
                                                               std::uint64_t to);
  core::Result<std::optional<core::Bytes>> l1_origin(std::uint64_t block);
  core::Result<std::vector<std::pair<core::Hash32, std::string>>> dropped_txs(std::uint64_t block);
  core::Result<std::optional<core::Bytes>> derivation_cursor();

  // Every current account / non-zero slot (tests and tools; O(state)).
  core::Result<std::vector<std::pair<core::Address20, Account>>> all_accounts();
  core::Result<std::vector<std::pair<core::Hash32, core::uint256>>> all_storage(const core::Address20& addr);

  Txn& txn() noexcept { return txn_; }

 private:
  friend class StateDb;
  core::Result<void> check_block(std::uint64_t block);
  core::Result<core::Bytes> historical(bool account, core::ByteView key, std::uint64_t block);
  // The value after the head block: key is addr (account) or addr ++ slot (storage).
  core::Result<core::Bytes> current(bool account, core::ByteView key);
  core::Result<std::vector<std::uint64_t>> log_blocks(bool address, core::ByteView key, std::uint64_t from,
                                                      std::uint64_t to);
  Txn txn_;
  std::optional<std::uint64_t> head_;
  std::uint64_t index_from_ = 0;  // blocks below are in the deferred indices (tables.hpp)
  std::uint64_t flat_block_ = 0;  // the plain tables hold the state after this block (tables.hpp PlainDiff)
  const FlatOverlay* overlay_ = nullptr;  // writer_view(): the writer's merged PlainDiff rows
};

// Where the time of the last apply_block went (for benchmarks and metrics).
struct ApplyTimings {
  double total_ms = 0;   // the whole apply_block, commit included
  double trie_ms = 0;    // state root: trie loads, edits, hashing and trie row writes
  double commit_ms = 0;  // mdb_txn_commit (page writes and fsync)
  double flush_ms = 0;   // writing the deferred trie rows and index batches (only in the blocks that flush)
  double flat_ms = 0;    // flat state: old values, changesets, PlainDiff rows or (flushing blocks) plain tables
  std::size_t trie_rows_written = 0;
  std::size_t trie_loads = 0;  // trie rows read from the database for the block's updates
};

struct StateDbStats {
  std::size_t map_size = 0;
  std::size_t used_bytes = 0;  // pages in use * page size
  std::size_t map_growths = 0;
};

// Writer tuning. The tries and the merged flat changes are kept in memory between blocks; every
// trie_flush_interval blocks that block's transaction writes the trie rows and the plain tables. Every block
// still commits its new flat values (PlainDiff), changesets and root durably; after a crash the unflushed
// blocks are recomputed from them on open (tables.hpp, Meta "flat_block" / "trie_block"). 1 writes
// everything with every block. Readers look at up to this many PlainDiff blocks per head read.
struct StateDbTuning {
  std::uint64_t trie_flush_interval = 16;
  // Also flush once this many keys were edited since the last flush: bounds the memory of the cache and
  // the size of the flushing transaction (LMDB caps the pages one write transaction may dirty).
  std::size_t trie_flush_max_keys = 100'000;
  // The history, transaction and log indices are written every index_flush_interval blocks, in sorted
  // order (tables.hpp, "Deferred indices"); readers look at the changesets of the newer blocks. 1 indexes
  // every block; at most 256 (each historical read may look at that many changesets).
  std::uint64_t index_flush_interval = 16;
};

class StateDb {
 public:
  static core::Result<std::unique_ptr<StateDb>> open(const EnvOptions& options, const StateDbTuning& tuning = {});
  ~StateDb();

  // Applies block data.number (head + 1; any number for the first block) and commits it. Returns the
  // state root after the block. On any error nothing of the block is written.
  core::Result<core::Hash32> apply_block(const BlockData& data, const BlockChanges& changes);

  // The same in two steps, for a producer that needs the state root to build the header (whose hash
  // BlockData carries): stage_block applies the changes in an open write transaction and returns the root;
  // commit_block adds the block rows and commits; abort_block drops the staged block. Nothing of a staged
  // block is visible to readers before commit_block returns. `changes` must stay alive until commit_block
  // returns (a commit that needs a larger map re-stages from it). Same thread for all three calls.
  core::Result<core::Hash32> stage_block(std::uint64_t number, const BlockChanges& changes);
  core::Result<void> commit_block(const BlockData& data);
  void abort_block();
  // Undoes blocks head, head-1, ..., block+1 (state, trie, changesets, indices, block rows, Igra rows) in
  // one transaction. Fails without writing anything when the recomputed root differs from the stored one.
  core::Result<void> unwind_to(std::uint64_t block);

  // Writes the pending trie rows now (tests, tools, orderly shutdown).
  core::Result<void> flush_trie();

  std::optional<std::uint64_t> head() const noexcept { return head_; }
  core::Result<StateView> view();
  // A snapshot for the writer's own thread (block execution before stage_block): its head reads look up the
  // pending flat changes in the writer's memory instead of one PlainDiff row per pending block. Must not be
  // used after the next stage_block / commit_block / unwind_to, nor on another thread.
  core::Result<StateView> writer_view();
  StateDbStats stats() const;
  const ApplyTimings& last_apply_timings() const noexcept { return timings_; }

  struct TrieCache;  // implementation detail (state_db.cpp)
  Env& env() noexcept { return *env_; }

 private:
  struct Staged;
  core::Result<core::Hash32> try_stage(std::uint64_t number, const BlockChanges& changes);
  core::Result<void> try_commit(const BlockData& data);
  core::Result<void> try_unwind(std::uint64_t block);
  core::Result<void> try_rebuild_tries();
  core::Result<void> ensure_tries();
  StateDb();
  std::unique_ptr<Env> env_;
  std::unique_ptr<TrieCache> tries_;
  std::unique_ptr<Staged> staged_;
  StateDbTuning tuning_;
  std::optional<std::uint64_t> head_;
  std::size_t growths_ = 0;
  ApplyTimings timings_;
};

}  // namespace igra::state
