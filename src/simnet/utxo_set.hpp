#pragma once
// The simnet's UTXO set (a UtxoView over a hash map), diff application and undo, a layered view (base + diff)
// for validating transactions one after another inside a chain block, and an index of entries by script public
// key (for GetUtxosByAddresses / GetBalanceByAddress).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "kaspa/transaction.hpp"
#include "simnet/utxo_view.hpp"

namespace igra::simnet {

struct OutpointHash {
  std::size_t operator()(const kaspa::Outpoint& o) const noexcept {
    // Transaction ids are uniformly distributed hashes: the first 8 bytes are a good hash.
    std::size_t h = 0;
    for (int i = 0; i < 8; ++i) h = (h << 8) | o.transaction_id[static_cast<std::size_t>(i)];
    return h ^ (static_cast<std::size_t>(o.index) * 0x9e3779b97f4a7c15ull);
  }
};

using UtxoPair = std::pair<kaspa::Outpoint, kaspa::UtxoEntry>;

// --- UtxoDiff helpers ------------------------------------------------------------------------------------------
// Records that `outpoint` was created with `entry`.
void diff_add(UtxoDiff& diff, const kaspa::Outpoint& outpoint, const kaspa::UtxoEntry& entry);
// Records that `outpoint` (holding `entry`) was spent. Spending an outpoint the diff itself added cancels the
// addition (the entry never reaches the base set), as in rusty-kaspa's UtxoDiff.
void diff_remove(UtxoDiff& diff, const kaspa::Outpoint& outpoint, const kaspa::UtxoEntry& entry);
// Records the effect of accepting `tx` (id `tx_id`, spending `spent[i]` with input i): its inputs are removed and
// its outputs added with `accepting_daa_score` (the accepting chain block's DAA score, §6.3 rule 5).
// spent.size() must equal the input count (a coinbase has none).
void diff_add_transaction(UtxoDiff& diff, const kaspa::Transaction& tx, const kaspa::TransactionId& tx_id,
                          std::span<const kaspa::UtxoEntry> spent, std::uint64_t accepting_daa_score);
// The diff of `first` followed by `second` (e.g. several chain blocks' diffs merged into one).
UtxoDiff diff_compose(const UtxoDiff& first, const UtxoDiff& second);
// The inverse diff (added <-> removed).
UtxoDiff diff_inverse(const UtxoDiff& diff);

// The entries a diff adds and removes whose script public key is one of `scripts` (all of them when `scripts` is
// empty), each list ordered by outpoint: the payload of a UtxosChanged notification.
struct UtxoChanges {
  std::vector<UtxoPair> added;
  std::vector<UtxoPair> removed;
};
UtxoChanges diff_changes_for_scripts(const UtxoDiff& diff, std::span<const kaspa::ScriptPublicKey> scripts);

// A view of `base` with `diff` applied on top. The diff is owned; the base must outlive the view.
class LayeredUtxoView : public UtxoView {
 public:
  explicit LayeredUtxoView(const UtxoView& base) : base_(&base) {}
  LayeredUtxoView(const UtxoView& base, UtxoDiff diff) : base_(&base), diff_(std::move(diff)) {}

  std::optional<kaspa::UtxoEntry> get(const kaspa::Outpoint& outpoint) const override;

  // Accepts a transaction into the layer (see diff_add_transaction). The caller validated it against this view.
  void add_transaction(const kaspa::Transaction& tx, const kaspa::TransactionId& tx_id,
                       std::span<const kaspa::UtxoEntry> spent, std::uint64_t accepting_daa_score) {
    diff_add_transaction(diff_, tx, tx_id, spent, accepting_daa_score);
  }
  const UtxoDiff& diff() const noexcept { return diff_; }
  UtxoDiff take_diff() { return std::move(diff_); }

 private:
  const UtxoView* base_;
  UtxoDiff diff_;
};

// The full UTXO set.
class UtxoSet : public UtxoView {
 public:
  using Map = std::unordered_map<kaspa::Outpoint, kaspa::UtxoEntry, OutpointHash>;

  std::optional<kaspa::UtxoEntry> get(const kaspa::Outpoint& outpoint) const override;
  bool contains(const kaspa::Outpoint& outpoint) const { return map_.count(outpoint) != 0; }
  std::size_t size() const noexcept { return map_.size(); }
  bool empty() const noexcept { return map_.empty(); }
  const Map& entries() const noexcept { return map_; }

  // Inserts (or overwrites) one entry; returns false if it overwrote an existing one.
  bool insert(const kaspa::Outpoint& outpoint, const kaspa::UtxoEntry& entry);
  // Removes one entry; returns the removed entry, nullopt if absent.
  std::optional<kaspa::UtxoEntry> erase(const kaspa::Outpoint& outpoint);

  // Applies a diff: every `removed` outpoint must be present with an equal entry, every `added` one must be
  // absent afterwards (or be removed by the same diff). On error nothing is changed. Messages:
  //   "utxo diff: cannot remove missing outpoint <txid>:<i>", "utxo diff: entry mismatch for outpoint ...",
  //   "utxo diff: outpoint <txid>:<i> already exists".
  core::Result<void> apply(const UtxoDiff& diff);
  // Reverts a diff that was applied last: removes `added`, restores `removed` (same checks, reversed).
  core::Result<void> undo(const UtxoDiff& diff) { return apply(diff_inverse(diff)); }

  // --- Address index (by script public key) ---------------------------------------------------------------
  // Entries paying to `spk`, ordered by outpoint.
  std::vector<UtxoPair> entries_by_script(const kaspa::ScriptPublicKey& spk) const;
  // Sum of their amounts (saturating at u64 max, which a valid set never reaches).
  std::uint64_t balance_by_script(const kaspa::ScriptPublicKey& spk) const;
  std::size_t count_by_script(const kaspa::ScriptPublicKey& spk) const;

  // Order-independent digest of the whole set (for tests comparing two sets cheaply).
  core::Hash32 digest() const;
  friend bool operator==(const UtxoSet& a, const UtxoSet& b) { return a.map_ == b.map_; }

 private:
  static std::string script_key(const kaspa::ScriptPublicKey& spk);
  void index_add(const kaspa::Outpoint& outpoint, const kaspa::UtxoEntry& entry);
  void index_remove(const kaspa::Outpoint& outpoint, const kaspa::UtxoEntry& entry);

  Map map_;
  std::unordered_map<std::string, std::set<kaspa::Outpoint>> by_script_;
};

// "<txid hex>:<index>".
std::string outpoint_to_string(const kaspa::Outpoint& outpoint);

}  // namespace igra::simnet
