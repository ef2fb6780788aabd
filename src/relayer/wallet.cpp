#include "relayer/wallet.hpp"

#include <algorithm>
#include <functional>

namespace igra::relayer {

Wallet::Wallet(kaspa::ScriptPublicKey spk, std::uint64_t coinbase_maturity, bool use_unconfirmed_change,
               std::chrono::milliseconds unseen_ttl, Clock clock)
    : spk_(std::move(spk)),
      maturity_(coinbase_maturity),
      use_unconfirmed_(use_unconfirmed_change),
      unseen_ttl_(unseen_ttl),
      clock_(std::move(clock)) {}

void Wallet::update(const std::vector<kaspa::rpc::UtxosByAddressesEntry>& utxos, std::uint64_t virtual_daa_score) {
  confirmed_.clear();
  immature_ = 0;
  immature_sompi_ = 0;
  std::set<kaspa::Outpoint> listed;
  for (const auto& u : utxos) {
    if (u.utxo_entry.script_public_key != spk_) continue;
    listed.insert(u.outpoint);
    // Own change that is now confirmed: it is an ordinary coin from here on.
    unconfirmed_.erase(u.outpoint);
    if (auto r = reserved_.find(u.outpoint); r != reserved_.end()) {
      r->second.seen = true;
      continue;
    }
    if (u.utxo_entry.is_coinbase && u.utxo_entry.block_daa_score + maturity_ > virtual_daa_score) {
      ++immature_;
      immature_sompi_ += u.utxo_entry.amount;
      continue;
    }
    confirmed_.push_back(Coin{u.outpoint, u.utxo_entry});
  }
  // A reservation whose outpoint was seen in the UTXO set and has left it: the spend was accepted. One never seen:
  // dropped after unseen_ttl (see wallet.hpp).
  const auto t = now();
  for (auto it = reserved_.begin(); it != reserved_.end();) {
    const bool gone = it->second.seen ? !listed.count(it->first) : t - it->second.at >= unseen_ttl_;
    if (gone && !depth_of_taken_.count(it->first))
      it = reserved_.erase(it);
    else
      ++it;
  }
  std::stable_sort(confirmed_.begin(), confirmed_.end(), [](const Coin& a, const Coin& b) {
    return a.entry.block_daa_score < b.entry.block_daa_score;
  });
}

std::optional<Coin> Wallet::take(std::uint64_t min_amount, bool allow_unconfirmed) {
  // Ordered: while an own transaction is unconfirmed, the next one spends the change at the tip of that chain,
  // so Kaspa accepts them in submission order (a child is never accepted before its parent). Igra executes L2
  // transactions in L1 acceptance order, so this keeps a sender's back-to-back transactions in nonce order.
  if (use_unconfirmed_ && allow_unconfirmed) {
    auto tip = unconfirmed_.end();
    for (auto it = unconfirmed_.begin(); it != unconfirmed_.end(); ++it)
      if (tip == unconfirmed_.end() || it->second.depth > tip->second.depth) tip = it;
    if (tip != unconfirmed_.end() && tip->second.coin.entry.amount >= min_amount) {
      Coin c = tip->second.coin;
      depth_of_taken_[c.outpoint] = tip->second.depth;
      reserve(c.outpoint, false);
      unconfirmed_.erase(tip);
      return c;
    }
  }
  for (auto it = confirmed_.begin(); it != confirmed_.end(); ++it) {
    if (it->entry.amount < min_amount) continue;
    Coin c = *it;
    confirmed_.erase(it);
    reserve(c.outpoint, true);  // listed by the UTXO query
    depth_of_taken_[c.outpoint] = 0;
    return c;
  }
  if (!use_unconfirmed_ || !allow_unconfirmed) return std::nullopt;
  auto best = unconfirmed_.end();
  for (auto it = unconfirmed_.begin(); it != unconfirmed_.end(); ++it) {
    if (it->second.coin.entry.amount < min_amount) continue;
    if (best == unconfirmed_.end() || it->second.depth < best->second.depth) best = it;
  }
  if (best == unconfirmed_.end()) return std::nullopt;
  Coin c = best->second.coin;
  depth_of_taken_[c.outpoint] = best->second.depth;
  reserve(c.outpoint, false);  // not in the UTXO set yet
  unconfirmed_.erase(best);
  return c;
}

void Wallet::release(const Coin& coin) {
  auto d = depth_of_taken_.find(coin.outpoint);
  const std::uint32_t depth = d == depth_of_taken_.end() ? 0 : d->second;
  if (d != depth_of_taken_.end()) depth_of_taken_.erase(d);
  reserved_.erase(coin.outpoint);
  if (depth == 0) {
    confirmed_.insert(confirmed_.begin(), coin);
  } else {
    unconfirmed_[coin.outpoint] = Pending{coin, depth};
  }
}

void Wallet::discard(const Coin& coin) {
  depth_of_taken_.erase(coin.outpoint);
  // Stays reserved until a UTXO query shows it leaving the set (or never lists it at all: then the reservation
  // marks it as not seen and it is kept, which costs nothing but an entry).
}

void Wallet::spent(const Coin& input, const Coin& change) {
  auto d = depth_of_taken_.find(input.outpoint);
  const std::uint32_t depth = d == depth_of_taken_.end() ? 0 : d->second;
  if (d != depth_of_taken_.end()) depth_of_taken_.erase(d);
  reserve(input.outpoint, depth == 0);
  unconfirmed_[change.outpoint] = Pending{change, depth + 1};
}

std::vector<Coin> Wallet::take_fragments(std::size_t threshold, std::size_t max) {
  std::vector<Coin> out;
  if (confirmed_.size() <= threshold) return out;
  std::vector<std::size_t> order(confirmed_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [this](std::size_t a, std::size_t b) { return confirmed_[a].entry.amount < confirmed_[b].entry.amount; });
  order.resize(std::min(order.size(), max));
  std::sort(order.begin(), order.end(), std::greater<>());  // erase from the back
  for (std::size_t i : order) {
    out.push_back(confirmed_[i]);
    reserve(confirmed_[i].outpoint, true);
    depth_of_taken_[confirmed_[i].outpoint] = 0;
    confirmed_.erase(confirmed_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return out;
}

void Wallet::adopt(const kaspa::Transaction& tx, const kaspa::TransactionId& id) {
  std::uint32_t depth = 0;
  for (const auto& in : tx.inputs) {
    const kaspa::Outpoint& o = in.previous_outpoint;
    depth_of_taken_.erase(o);
    if (auto u = unconfirmed_.find(o); u != unconfirmed_.end()) {
      depth = std::max(depth, u->second.depth);
      unconfirmed_.erase(u);
    }
    bool listed = false;
    for (auto it = confirmed_.begin(); it != confirmed_.end(); ++it)
      if (it->outpoint == o) {
        confirmed_.erase(it);
        listed = true;
        break;
      }
    reserve(o, listed);
  }
  if (!tx.outputs.empty() && tx.outputs[0].script_public_key == spk_)
    unconfirmed_[kaspa::Outpoint{id, 0}] =
        Pending{Coin{kaspa::Outpoint{id, 0}, kaspa::UtxoEntry{tx.outputs[0].value, spk_, 0, false, std::nullopt}}, depth + 1};
}

void Wallet::forget(const kaspa::TransactionId& id) {
  for (auto it = unconfirmed_.begin(); it != unconfirmed_.end();)
    it = it->first.transaction_id == id ? unconfirmed_.erase(it) : std::next(it);
}

bool Wallet::has_coin(std::uint64_t min_amount) const {
  for (const auto& c : confirmed_)
    if (c.entry.amount >= min_amount) return true;
  if (use_unconfirmed_)
    for (const auto& [o, p] : unconfirmed_)
      if (p.coin.entry.amount >= min_amount) return true;
  return false;
}

std::uint64_t Wallet::balance() const {
  std::uint64_t total = 0;
  for (const auto& c : confirmed_) total += c.entry.amount;
  for (const auto& [o, p] : unconfirmed_) total += p.coin.entry.amount;
  return total;
}

WalletCounts Wallet::counts(std::uint64_t min_amount) const {
  WalletCounts w;
  for (const auto& c : confirmed_) (c.entry.amount >= min_amount ? w.confirmed : w.too_small)++;
  for (const auto& [o, p] : unconfirmed_) (p.coin.entry.amount >= min_amount ? w.unconfirmed : w.too_small)++;
  w.immature = immature_;
  w.immature_sompi = immature_sompi_;
  w.reserved = reserved_.size();
  return w;
}

}  // namespace igra::relayer
