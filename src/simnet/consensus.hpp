#pragma once
// The simnet consensus core: block validation and storage, GHOSTDAG, the virtual (tips, virtual parents, sink),
// the selected-parent chain (SPC) with its chain-changed events, and transaction acceptance with a UTXO state
// that follows the chain exactly (kaspa-protocol.md §5.3, §5.4, §6).
//
// UTXO state: every block's acceptance data (the txs its mergeset contributes when it is a chain block, and the
// resulting UtxoDiff) is computed once, against UTXO(selected parent), when the block is built or validated.
// A single UtxoSet "cursor" sits at some chain block and is moved by undoing / applying those diffs, so a reorg
// unwinds the removed chain blocks newest-first and applies the added ones oldest-first.
//
// Withheld blocks: a block can be stored without being released to the virtual (it is then invisible to
// tips/sink/chain). Releasing it later processes it as if it had just arrived.
//
// Simplifications (simnet-only): constant difficulty bits (work 2 per block); utxo_commitment is zero (no
// MuHash); pruning_point is genesis; no finality / merge-depth (kosherizing) rules; the past median time is
// approximated by the selected parent's timestamp; the non-DAA rule uses the blue-score bound of §6.4 instead of
// the sampled difficulty window; the subsidy is a constant (params.subsidy) instead of the deflationary table;
// header version 1 with KIP-15 accepted_id_merkle_root (no Toccata / KIP-21 mode). Invalid blocks are rejected
// outright rather than stored as disqualified-from-chain.
//
// Not thread-safe: Simnet serializes access.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "simnet/block.hpp"
#include "simnet/dag.hpp"
#include "simnet/ghostdag.hpp"
#include "simnet/tx_validator.hpp"
#include "simnet/utxo_set.hpp"

namespace igra::simnet {

struct ConsensusParams {
  GhostdagParams ghostdag;
  std::size_t max_block_parents = 16;
  std::uint64_t coinbase_maturity = 1000;            // DAA score units
  std::uint64_t subsidy = 5 * kaspa::kSompiPerKaspa; // per block, written in each coinbase payload
  std::uint32_t bits = kSimnetBits;
  // Genesis: rusty-kaspa's simnet genesis (hash 411f8cd2…79e3, consensus/core/src/config/genesis.rs) unless
  // custom_genesis, which builds a header-v1 genesis with genesis_timestamp_ms. The simnet's fast clock starts at
  // genesis_timestamp_ms in both cases.
  bool custom_genesis = false;
  std::uint64_t genesis_timestamp_ms = 1'700'000'000'000ull;
  bool check_mass_commitment = true;                 // txs must commit to their KIP-9 storage mass
  TxValidatorParams tx_validator;                    // ghostdag_k is set from ghostdag.k
};

// One merged block's contribution to a chain block's acceptance.
struct MergedBlockAcceptance {
  BlockHash block_hash;
  std::vector<std::pair<kaspa::TransactionId, std::uint32_t>> accepted;  // (tx id, index in the block)
  std::uint64_t total_fees = 0;
};

// What a block accepts when it is a chain block.
struct BlockAcceptance {
  std::vector<MergedBlockAcceptance> mergeset;          // consensus order (selected parent first)
  std::vector<kaspa::TransactionId> accepted_ids;       // flattened, the KIP-15 / RPC order
  UtxoDiff diff;                                        // applied on top of UTXO(selected parent)
  core::Hash32 accepted_id_merkle_root;                 // KIP-15
};

// A virtual change: removed chain blocks newest first, added ones oldest first.
struct ChainChange {
  std::vector<BlockHash> removed;
  std::vector<BlockHash> added;
  std::vector<std::vector<kaspa::TransactionId>> accepted_ids;  // accepted_ids[i] belongs to added[i]
  bool empty() const noexcept { return removed.empty() && added.empty(); }
};

// Parsed coinbase payload: u64 blue_score ‖ u64 subsidy ‖ u16 spk version ‖ u8 len ‖ spk ‖ extra data (LE).
struct CoinbasePayload {
  std::uint64_t blue_score = 0;
  std::uint64_t subsidy = 0;
  kaspa::ScriptPublicKey script_public_key;
  core::Bytes extra_data;
};
core::Bytes serialize_coinbase_payload(const CoinbasePayload& p);
core::Result<CoinbasePayload> parse_coinbase_payload(core::ByteView payload);

// rusty-kaspa's SIMNET_GENESIS block (header version 0, coinbase payload "kaspa-simnet").
Block kaspa_simnet_genesis();

class Consensus {
 public:
  explicit Consensus(ConsensusParams params = {});

  const ConsensusParams& params() const noexcept { return params_; }
  const Dag& dag() const noexcept { return dag_; }
  BlockId genesis() const noexcept { return 0; }
  const BlockHash& genesis_hash() const { return dag_.hash(0); }

  // --- blocks --------------------------------------------------------------------------------------------
  // Builds (does not add) a block on `parents` (existing blocks, an antichain): GHOSTDAG, DAA score, acceptance
  // (for accepted_id_merkle_root and the coinbase), and those `candidate_txs` that are valid, in order, in the
  // block's own UTXO context (invalid ones are skipped silently, as a template builder does).
  core::Result<Block> build_block(std::span<const BlockId> parents, const kaspa::ScriptPublicKey& miner_spk,
                                  core::ByteView extra_data, std::span<const kaspa::Transaction> candidate_txs,
                                  std::uint64_t timestamp_ms, std::uint64_t nonce);

  // Validates and stores a block. With `release`, also processes it into the virtual (all parents must be
  // released); the resulting chain change is reported to the listeners. Errors are kaspad-like messages.
  core::Result<BlockId> add_block(std::shared_ptr<const Block> block, bool release = true);
  // Releases a withheld block (its parents must be released).
  core::Result<void> release(BlockId id);
  bool is_released(BlockId id) const { return id < released_.size() && released_[id]; }

  // --- virtual -------------------------------------------------------------------------------------------
  BlockId sink() const noexcept { return chain_.back(); }
  const std::vector<BlockId>& tips() const noexcept { return tips_; }
  const std::vector<BlockId>& virtual_parents() const noexcept { return virtual_parents_; }
  // The SPC from genesis (index 0) to the sink.
  const std::vector<BlockId>& selected_chain() const noexcept { return chain_; }
  // Index of a block in the SPC, or nullopt when it is not a chain block.
  std::optional<std::size_t> chain_index(BlockId id) const;
  // Chosen parents among `tips` (an antichain of released blocks): the heaviest first, then by descending
  // (blue_work, hash) while there are at most max_block_parents and the mergeset stays within the limit.
  std::vector<BlockId> pick_parents(std::span<const BlockId> tips) const;
  // Path from `from` to the sink (GetVirtualChainFromBlock): removed = from's chain down to the first
  // current-chain block (newest first), added = current chain above it (oldest first) with accepted ids.
  core::Result<ChainChange> chain_path_from(const BlockHash& from) const;
  // DAA score and blue score of the virtual (as a block on virtual_parents()).
  std::uint64_t virtual_daa_score() const noexcept { return virtual_daa_score_; }
  std::uint64_t virtual_blue_score() const noexcept { return virtual_blue_score_; }

  // Acceptance data of a stored block (its mergeset acceptance as a chain block).
  const BlockAcceptance& acceptance(BlockId id) const { return *acceptance_[id]; }

  // The transactions a block accepts as a chain block, in acceptance order (SP coinbase first).
  std::vector<kaspa::Transaction> accepted_transactions(BlockId id) const;

  // The UTXO set at the sink (moves the internal cursor).
  const UtxoSet& sink_utxos();
  // The virtual UTXO view: UTXO(sink) plus the acceptance of the virtual's mergeset (the tips other than the
  // sink), as kaspad's mempool sees it. Computed on demand, cached until the next virtual change; valid until the
  // next consensus call. Its DAA score is virtual_daa_score().
  const UtxoView& virtual_utxos();
  // The net UTXO change of a chain change: the removed blocks' diffs undone (newest first), then the added
  // blocks' diffs applied (oldest first). For UtxosChanged notifications.
  UtxoDiff chain_change_utxo_diff(const ChainChange& change) const;

  // The UTXO set at any stored block (moves the cursor; valid until the next consensus call).
  const UtxoSet& utxos_at(BlockId chain_block);

  using ChainListener = std::function<void(const ChainChange&)>;
  using BlockListener = std::function<void(BlockId)>;
  // Called synchronously from add_block / release. Block listeners run before the virtual is updated, chain
  // listeners after (the event is the last thing the update does). Listeners may call the query methods
  // (including sink_utxos / virtual_utxos / accepted_transactions), e.g. to update a mempool, but must not add or
  // release blocks.
  void on_chain_changed(ChainListener l) { chain_listeners_.push_back(std::move(l)); }
  void on_block_added(BlockListener l) { block_listeners_.push_back(std::move(l)); }

  const TxValidator& tx_validator() const noexcept { return validator_; }
  // Expected coinbase of a block with GHOSTDAG data `gd`, acceptance `acc` and miner data.
  kaspa::Transaction expected_coinbase(const GhostdagData& gd, const BlockAcceptance& acc,
                                       const kaspa::ScriptPublicKey& miner_spk, core::ByteView extra_data) const;

 private:
  struct Candidate {
    GhostdagData gd;
    std::uint64_t daa_score = 0;
    std::unique_ptr<BlockAcceptance> acceptance;
  };
  core::Result<Candidate> prepare(std::span<const BlockId> parents);
  std::unique_ptr<BlockAcceptance> compute_acceptance(const GhostdagData& gd, std::uint64_t daa_score);
  core::Result<void> check_parents(std::span<const BlockId> parents) const;
  void move_cursor(BlockId target);
  void process_released(BlockId id);
  void update_virtual();
  void insert_genesis();

  ConsensusParams params_;
  TxValidator validator_;
  Dag dag_;
  std::vector<std::unique_ptr<BlockAcceptance>> acceptance_;
  std::vector<std::uint8_t> released_;
  std::vector<BlockId> tips_;
  std::vector<BlockId> virtual_parents_;
  std::vector<BlockId> chain_;                       // genesis .. sink
  std::vector<std::uint32_t> chain_pos_;             // per block: index in chain_ + 1, 0 = not on the chain
  std::uint64_t virtual_daa_score_ = 0;
  std::uint64_t virtual_blue_score_ = 0;
  UtxoSet utxo_;
  BlockId cursor_ = 0;
  // The last block built by build_block, with its computed data: add_block of exactly that block (same header
  // hash, which commits to the parents and, through hash_merkle_root, to every transaction) skips revalidation.
  // Sound because a block's GHOSTDAG data, acceptance and tx validity depend only on its (immutable) past.
  std::optional<BlockHash> prebuilt_hash_;
  std::optional<Candidate> prebuilt_;
  std::unique_ptr<BlockAcceptance> virtual_acceptance_;  // null = stale
  std::unique_ptr<LayeredUtxoView> virtual_view_;
  std::vector<ChainListener> chain_listeners_;
  std::vector<BlockListener> block_listeners_;
};

}  // namespace igra::simnet
