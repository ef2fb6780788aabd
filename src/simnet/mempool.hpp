#pragma once
// The simnet mempool (rusty-kaspa mining/src/mempool/*, kaspa-protocol.md §8.2): admission with full consensus +
// standardness validation against the virtual UTXO set, chained unconfirmed transactions, no double spends inside
// the pool, replacement by higher fee rate (SubmitTransactionReplacement), removal of transactions accepted by
// chain blocks (and of the pool transactions they conflict with), re-insertion of the transactions of chain
// blocks removed by a reorg, expiry, and block-template selection.
//
// Not thread-safe: the owner (the simnet) serializes calls.
//
// Messages (rusty-kaspa RuleError wording; the RPC layer adds its "Rejected transaction <id>: " prefix):
//   "transaction <id> is already in the mempool"
//   "transaction <id> was already accepted by the consensus"
//   "transaction <id> is an orphan where orphan is disallowed" (kaspad 2.1 wording, no detail)
//   "output (<txid>, <i>) already spent by transaction <id> in the memory pool"
//   "one of the transaction inputs spends an immature UTXO: <TxRuleError>"
//   "replace by fee found no double spending transaction in the mempool"
//   "replace by fee found more than one double spending transaction in the mempool"
//   "fee rate per contextual mass gram is not greater than the fee rate of the replaced transaction"
//   "transaction <id> is not standard: ..." and the consensus TxRuleError messages of tx_validator.hpp.
#include <cstddef>
#include <cstdint>
#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/transaction.hpp"
#include "simnet/tx_validator.hpp"
#include "simnet/utxo_set.hpp"
#include "simnet/utxo_view.hpp"

namespace igra::simnet {

// The DAA score of entries created by unaccepted (mempool) transactions (rusty-kaspa UNACCEPTED_DAA_SCORE).
inline constexpr std::uint64_t kUnacceptedDaaScore = ~0ull;
inline constexpr std::uint64_t kDefaultMempoolExpiryMs = 24ull * 60 * 60 * 1000;

struct MempoolConfig {
  TxValidatorParams validator;                          // consensus params (toccata, limits)
  StandardnessPolicy policy = StandardnessPolicy::crescendo();
  bool accept_non_standard = false;                     // skip the standardness rules (not the consensus ones)
  std::uint64_t coinbase_maturity = 1000;
  std::uint64_t expiry_ms = kDefaultMempoolExpiryMs;    // a tx older than this is removed by expire()
  // Milliseconds clock (injected: real time, or the simnet's deterministic clock). Null = always 0.
  std::function<std::uint64_t()> clock_ms;

  // Toccata mode: v1 transactions and lanes in consensus, HEAD mempool rules (§8.2 right column).
  static MempoolConfig toccata() {
    MempoolConfig c;
    c.validator.toccata = true;
    c.policy = StandardnessPolicy::toccata_rules();
    return c;
  }
};

// The virtual block's view used for admission (lock times, maturity, sequence locks).
struct VirtualState {
  std::uint64_t daa_score = 0;
  std::uint64_t past_median_time_ms = 0;
};

struct MempoolEntry {
  kaspa::Transaction tx;                    // storage_mass commitment filled in
  kaspa::TransactionId id;
  std::vector<kaspa::UtxoEntry> entries;    // spent entries (mempool parents' outputs carry kUnacceptedDaaScore)
  std::uint64_t fee = 0;
  kaspa::NonContextualMasses masses;
  std::uint64_t storage_mass = 0;
  std::uint64_t added_at_ms = 0;
  std::uint64_t added_at_daa_score = 0;
  std::uint64_t sequence = 0;               // insertion order
  std::set<kaspa::TransactionId> parents;   // in-pool transactions whose outputs this one spends
  std::set<kaspa::TransactionId> children;  // in-pool transactions spending this one's outputs

  // max(compute, transient, storage): the mass that bounds block space and prices the fee rate.
  std::uint64_t mass() const noexcept;
  // Sompi per gram of mass().
  double fee_rate() const noexcept;
};

struct SubmitResult {
  kaspa::TransactionId id;
  std::uint64_t fee = 0;
  std::vector<kaspa::Transaction> replaced;  // RBF: the replaced transaction and its removed descendants
};

struct BlockMassLimits {
  std::uint64_t compute = kaspa::kBlockComputeMassLimit;
  std::uint64_t storage = kaspa::kBlockStorageMassLimit;
  std::uint64_t transient = kaspa::kBlockTransientMassLimitCrescendo;
  std::size_t max_transactions = SIZE_MAX;  // selection stops after this many
  static BlockMassLimits crescendo() { return {}; }
  static BlockMassLimits toccata() {
    BlockMassLimits l;
    l.transient = kaspa::kBlockTransientMassLimit;
    return l;
  }
};

struct BlockTemplateTxs {
  std::vector<kaspa::Transaction> transactions;  // topologically ordered (parents first); no coinbase
  std::vector<kaspa::TransactionId> ids;
  std::uint64_t total_fees = 0;
  std::uint64_t compute_mass = 0;
  std::uint64_t storage_mass = 0;
  std::uint64_t transient_mass = 0;
};

class Mempool {
 public:
  explicit Mempool(MempoolConfig config = {});

  const MempoolConfig& config() const noexcept { return config_; }
  const TxValidator& validator() const noexcept { return validator_; }

  // SubmitTransaction (allowOrphan = false): validates `tx` against `virtual_utxos` plus the pool's unconfirmed
  // outputs and inserts it. A tx spending an outpoint that a pool tx already spends is rejected.
  core::Result<SubmitResult> submit(kaspa::Transaction tx, const UtxoView& virtual_utxos, const VirtualState& vs);
  // SubmitTransactionReplacement: `tx` must double-spend exactly one pool transaction, and have a strictly higher
  // fee rate; that transaction and its descendants are removed and `tx` inserted.
  core::Result<SubmitResult> submit_replacement(kaspa::Transaction tx, const UtxoView& virtual_utxos,
                                                const VirtualState& vs);

  // A chain block was added and accepted `accepted` (in acceptance order): those transactions leave the pool
  // (their in-pool children stay, now spending confirmed outputs), and pool transactions spending any outpoint
  // they spent are removed with their descendants. Returns the ids removed as conflicts.
  std::vector<kaspa::TransactionId> remove_accepted(std::span<const kaspa::Transaction> accepted);

  // Virtual changed. Pass every accepted transaction of the removed / added chain blocks, coinbases included
  // (coinbases are never re-inserted, but a non-empty `removed_accepted` triggers the re-validation of step 3,
  // which drops pool transactions spending outputs that vanished). In order: (1) transactions accepted by the
  // added chain blocks leave the pool
  // (remove_accepted), (2) the non-coinbase transactions accepted by the removed chain blocks (`removed_accepted`,
  // oldest first) that the new chain did not accept are re-validated against the new virtual and re-inserted
  // when valid (standardness is not re-checked), (3) every pool transaction is re-validated and removed (with its
  // descendants) when no longer valid, (4) expired transactions are removed. Returns the ids re-inserted.
  std::vector<kaspa::TransactionId> handle_virtual_change(std::span<const kaspa::Transaction> removed_accepted,
                                                          std::span<const kaspa::Transaction> added_accepted,
                                                          const UtxoView& virtual_utxos, const VirtualState& vs);

  // Removes every transaction (with descendants) that fails validation against `virtual_utxos` now.
  std::vector<kaspa::TransactionId> revalidate(const UtxoView& virtual_utxos, const VirtualState& vs);
  // Removes transactions added more than expiry_ms ago (with their descendants). Returns the removed ids.
  std::vector<kaspa::TransactionId> expire();
  // Removes one transaction; with `with_descendants`, also every tx spending its outputs (recursively).
  std::vector<kaspa::TransactionId> remove(const kaspa::TransactionId& id, bool with_descendants = true);

  // Selects transactions for a block: highest fee rate first, a transaction only after all its in-pool parents,
  // skipping any that would exceed a mass limit.
  BlockTemplateTxs select_for_block(const BlockMassLimits& limits = {}) const;

  // --- queries (GetMempoolEntries, GetMempoolEntry, GetFeeEstimate) -----------------------------------------
  std::size_t size() const noexcept { return pool_.size(); }
  bool contains(const kaspa::TransactionId& id) const { return pool_.count(id) != 0; }
  const MempoolEntry* find(const kaspa::TransactionId& id) const;
  // All entries in insertion order.
  std::vector<const MempoolEntry*> entries() const;
  // The pool transaction spending `outpoint`, if any.
  std::optional<kaspa::TransactionId> spender_of(const kaspa::Outpoint& outpoint) const;
  // Entries spending from or paying to `spk` (GetMempoolEntriesByAddresses).
  std::vector<const MempoolEntry*> entries_paying_to(const kaspa::ScriptPublicKey& spk) const;
  std::uint64_t total_mass() const noexcept { return total_mass_; }

 private:
  enum class Rbf { kForbidden, kMandatory };
  core::Result<SubmitResult> submit_impl(kaspa::Transaction tx, const UtxoView& virtual_utxos,
                                         const VirtualState& vs, Rbf rbf, bool check_standard);
  // Validates a tx against the virtual + pool view (ignoring pool txs in `excluded`). Fills storage mass.
  core::Result<MempoolEntry> validate(kaspa::Transaction tx, const kaspa::TransactionId& id,
                                      const UtxoView& virtual_utxos, const VirtualState& vs,
                                      const std::set<kaspa::TransactionId>& excluded, bool check_standard) const;
  void insert(MempoolEntry entry);
  std::set<kaspa::TransactionId> with_descendants(const kaspa::TransactionId& id) const;
  void erase_one(const kaspa::TransactionId& id);
  std::uint64_t now_ms() const { return config_.clock_ms ? config_.clock_ms() : 0; }

  MempoolConfig config_;
  TxValidator validator_;
  std::unordered_map<kaspa::TransactionId, MempoolEntry> pool_;
  std::unordered_map<kaspa::Outpoint, kaspa::TransactionId, OutpointHash> spent_by_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t total_mass_ = 0;
};

}  // namespace igra::simnet
