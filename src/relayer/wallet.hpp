#pragma once
// The relayer's view of its L1 coins (not thread-safe; the Relayer serializes access).
//
//  * confirmed coins: the funding script's UTXOs from the last GetUtxosByAddresses answer, minus immature
//    coinbases (block_daa_score + maturity > virtual DAA score) and minus reserved outpoints;
//  * reserved outpoints: spent by a transaction this relayer submitted; never offered again. A reservation is
//    dropped once the outpoint has been seen in the UTXO set and has then left it (the spend was accepted), or,
//    for an outpoint never seen in the UTXO set (change spent while unconfirmed, then both confirmed between two
//    queries), after `unseen_ttl`. Dropping one too early costs at most a refused submission: the node itself
//    refuses a second spend of an outpoint a pool transaction already spends;
//  * unconfirmed change: the change output of an own submitted transaction, spendable at once when the node's
//    mempool accepts chained transactions (kaspad and the simnet both do). Each one remembers its chain depth
//    (number of unconfirmed ancestors); the deepest (the tip of the chain) is spent first, see take().
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "kaspa/rpc/types.hpp"
#include "kaspa/transaction.hpp"
#include "relayer/tx_builder.hpp"

namespace igra::relayer {

struct WalletCounts {
  std::size_t confirmed = 0;         // spendable confirmed coins
  std::size_t unconfirmed = 0;       // spendable change outputs of own pending transactions
  std::size_t immature = 0;          // coinbase outputs not yet mature at the last refresh
  std::size_t reserved = 0;          // outpoints spent by own transactions
  std::size_t too_small = 0;         // coins below the minimum of the last take()
  std::uint64_t immature_sompi = 0;
};

class Wallet {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  Wallet(kaspa::ScriptPublicKey spk, std::uint64_t coinbase_maturity, bool use_unconfirmed_change,
         std::chrono::milliseconds unseen_ttl = std::chrono::minutes(10), Clock clock = {});

  // Replaces the confirmed view with a UTXO query answer taken at `virtual_daa_score`.
  void update(const std::vector<kaspa::rpc::UtxosByAddressesEntry>& utxos, std::uint64_t virtual_daa_score);

  // Takes (reserves) a coin of at least `min_amount`: the change at the tip of the own unconfirmed chain when
  // there is one (submission order = acceptance order), else confirmed coins (oldest first), then unconfirmed
  // change (shallowest chain first). nullopt when none is known.
  std::optional<Coin> take(std::uint64_t min_amount, bool allow_unconfirmed = true);
  // The coin was not spent after all (the transaction never reached the node): offer it again.
  void release(const Coin& coin);
  // The node refused the coin (spent elsewhere, unknown, immature): keep it reserved, never offer it again. A
  // confirmed coin comes back if a later UTXO query still lists it after its reservation was dropped.
  void discard(const Coin& coin);
  // A transaction spending `input` was submitted; `change` is its change output (the relayer's own).
  void spent(const Coin& input, const Coin& change);

  // An own transaction sent again (after a restart, this wallet did not send it): its inputs are reserved and
  // its change becomes the tip of the unconfirmed chain (one level above its input's), so that the next
  // transaction chains onto it and is accepted after it.
  void adopt(const kaspa::Transaction& tx, const kaspa::TransactionId& id);

  // Consolidation: takes (reserves) up to `max` confirmed coins, smallest first, when more than `threshold` are
  // spendable; empty otherwise. Give them back with release() if they are not spent.
  std::vector<Coin> take_fragments(std::size_t threshold, std::size_t max);
  std::size_t confirmed_count() const noexcept { return confirmed_.size(); }

  // An own transaction that kaspad dropped (replaced, or a descendant of a replaced one): its change is gone.
  void forget(const kaspa::TransactionId& id);

  bool has_coin(std::uint64_t min_amount) const;
  // Spendable sompi: confirmed + unconfirmed change.
  std::uint64_t balance() const;
  WalletCounts counts(std::uint64_t min_amount = 0) const;
  bool is_reserved(const kaspa::Outpoint& o) const { return reserved_.count(o) != 0; }

 private:
  struct Pending {
    Coin coin;
    std::uint32_t depth = 1;  // unconfirmed ancestors including its own transaction
  };
  kaspa::ScriptPublicKey spk_;
  std::uint64_t maturity_;
  bool use_unconfirmed_;
  std::vector<Coin> confirmed_;                           // oldest (lowest DAA score) first
  std::map<kaspa::Outpoint, Pending> unconfirmed_;        // own change outputs not yet seen confirmed
  struct Reservation {
    bool seen = false;  // listed by a UTXO query since (or when) it was reserved
    std::chrono::steady_clock::time_point at;
  };
  std::chrono::steady_clock::time_point now() const { return clock_ ? clock_() : std::chrono::steady_clock::now(); }
  void reserve(const kaspa::Outpoint& o, bool seen) { reserved_.try_emplace(o, Reservation{seen, now()}); }
  std::chrono::milliseconds unseen_ttl_;
  Clock clock_;
  std::map<kaspa::Outpoint, Reservation> reserved_;
  std::map<kaspa::Outpoint, std::uint32_t> depth_of_taken_;  // chain depth of coins currently taken
  std::size_t immature_ = 0;
  std::uint64_t immature_sompi_ = 0;
};

}  // namespace igra::relayer
