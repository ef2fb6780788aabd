#pragma once
// UTXO views and diffs shared by the simnet's consensus (block acceptance) and its mempool.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "kaspa/transaction.hpp"

namespace igra::simnet {

// Read access to a UTXO set (the full set, or a set with a diff applied on top).
class UtxoView {
 public:
  virtual ~UtxoView() = default;
  virtual std::optional<kaspa::UtxoEntry> get(const kaspa::Outpoint& outpoint) const = 0;
};

// Changes made by accepting transactions: entries added and entries removed (with their previous value,
// so the diff can be undone on a reorg).
struct UtxoDiff {
  std::map<kaspa::Outpoint, kaspa::UtxoEntry> added;
  std::map<kaspa::Outpoint, kaspa::UtxoEntry> removed;
};

// Context of a transaction check against UTXOs (consensus acceptance or mempool admission).
struct TxValidationContext {
  std::uint64_t pov_daa_score = 0;          // DAA score of the accepting block (or virtual for the mempool)
  std::uint64_t past_median_time_ms = 0;    // for time-based lock times
  std::uint64_t coinbase_maturity = 1000;   // in DAA score units
  bool skip_script_check = false;           // a chain block's own (selected parent's) txs skip script checks
  bool check_mass_commitment = true;        // storage_mass must equal the KIP-9 value
};

}  // namespace igra::simnet
