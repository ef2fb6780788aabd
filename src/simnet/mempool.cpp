#include "simnet/mempool.hpp"

#include <algorithm>
#include <queue>
#include <tuple>

#include "core/hex.hpp"
#include "kaspa/tx_id.hpp"

namespace igra::simnet {
namespace {

using core::ErrorCode;
using kaspa::TransactionId;

// The virtual UTXO set plus the outputs of pool transactions (except `excluded` ones).
class PoolView : public UtxoView {
 public:
  PoolView(const UtxoView& base, const std::unordered_map<TransactionId, MempoolEntry>& pool,
           const std::set<TransactionId>& excluded)
      : base_(base), pool_(pool), excluded_(excluded) {}

  std::optional<kaspa::UtxoEntry> get(const kaspa::Outpoint& outpoint) const override {
    auto it = pool_.find(outpoint.transaction_id);
    if (it != pool_.end() && !excluded_.count(outpoint.transaction_id)) {
      const auto& outs = it->second.tx.outputs;
      if (outpoint.index >= outs.size()) return std::nullopt;
      const auto& o = outs[outpoint.index];
      kaspa::UtxoEntry e;
      e.amount = o.value;
      e.script_public_key = o.script_public_key;
      e.block_daa_score = kUnacceptedDaaScore;
      e.is_coinbase = false;
      if (o.covenant) e.covenant_id = o.covenant->covenant_id;
      return e;
    }
    return base_.get(outpoint);
  }

 private:
  const UtxoView& base_;
  const std::unordered_map<TransactionId, MempoolEntry>& pool_;
  const std::set<TransactionId>& excluded_;
};

// a.fee / a.mass > b.fee / b.mass, exactly.
bool fee_rate_greater(std::uint64_t fee_a, std::uint64_t mass_a, std::uint64_t fee_b, std::uint64_t mass_b) {
  using U = unsigned __int128;
  return static_cast<U>(fee_a) * std::max<std::uint64_t>(mass_b, 1) >
         static_cast<U>(fee_b) * std::max<std::uint64_t>(mass_a, 1);
}

}  // namespace

std::uint64_t MempoolEntry::mass() const noexcept {
  return std::max({masses.compute_mass, masses.transient_mass, storage_mass});
}

double MempoolEntry::fee_rate() const noexcept {
  const std::uint64_t m = mass();
  return m == 0 ? 0.0 : static_cast<double>(fee) / static_cast<double>(m);
}

Mempool::Mempool(MempoolConfig config) : config_(std::move(config)), validator_(config_.validator) {}

const MempoolEntry* Mempool::find(const TransactionId& id) const {
  auto it = pool_.find(id);
  return it == pool_.end() ? nullptr : &it->second;
}

std::vector<const MempoolEntry*> Mempool::entries() const {
  std::vector<const MempoolEntry*> out;
  out.reserve(pool_.size());
  for (const auto& [id, e] : pool_) out.push_back(&e);
  std::sort(out.begin(), out.end(), [](const MempoolEntry* a, const MempoolEntry* b) { return a->sequence < b->sequence; });
  return out;
}

std::optional<TransactionId> Mempool::spender_of(const kaspa::Outpoint& outpoint) const {
  auto it = spent_by_.find(outpoint);
  if (it == spent_by_.end()) return std::nullopt;
  return it->second;
}

std::vector<const MempoolEntry*> Mempool::entries_paying_to(const kaspa::ScriptPublicKey& spk) const {
  std::vector<const MempoolEntry*> out;
  for (const MempoolEntry* e : entries()) {
    bool hit = std::any_of(e->tx.outputs.begin(), e->tx.outputs.end(),
                           [&](const kaspa::TransactionOutput& o) { return o.script_public_key == spk; }) ||
               std::any_of(e->entries.begin(), e->entries.end(),
                           [&](const kaspa::UtxoEntry& u) { return u.script_public_key == spk; });
    if (hit) out.push_back(e);
  }
  return out;
}

// --- validation -------------------------------------------------------------------------------------------------

core::Result<MempoolEntry> Mempool::validate(kaspa::Transaction tx, const TransactionId& id,
                                             const UtxoView& virtual_utxos, const VirtualState& vs,
                                             const std::set<TransactionId>& excluded, bool check_standard) const {
  PoolView view(virtual_utxos, pool_, excluded);
  auto entries = validator_.populate(tx, view);
  if (!entries.ok()) {
    if (entries.error().code == ErrorCode::kNotFound) {
      for (std::uint32_t i = 0; i < tx.outputs.size(); ++i)
        if (virtual_utxos.get(kaspa::Outpoint{id, i}))
          return core::make_error(ErrorCode::kInvalidArgument,
                                  "transaction " + core::to_hex(id) + " was already accepted by the consensus");
      // kaspad's message has no detail after "disallowed" (compared against kaspad 2.1 over gRPC).
      return core::make_error(ErrorCode::kNotFound,
                              "transaction " + core::to_hex(id) + " is an orphan where orphan is disallowed");
    }
    return std::move(entries).error();
  }
  IGRA_TRY_VOID(validator_.validate_in_header_context(tx, vs.daa_score, vs.past_median_time_ms));
  TxValidationContext ctx;
  ctx.pov_daa_score = vs.daa_score;
  ctx.past_median_time_ms = vs.past_median_time_ms;
  ctx.coinbase_maturity = config_.coinbase_maturity;
  ctx.check_mass_commitment = tx.storage_mass != 0;  // the mempool fills in a zero commitment
  ctx.skip_script_check = false;
  auto check = validator_.validate_populated(tx, std::move(*entries), ctx);
  if (!check.ok()) {
    const auto& err = check.error();
    if (err.code == ErrorCode::kOutOfRange && err.message.find("coinbase outpoint") != std::string::npos)
      return core::make_error(ErrorCode::kOutOfRange,
                              "one of the transaction inputs spends an immature UTXO: " + err.message);
    return std::move(check).error();
  }
  if (check_standard) IGRA_TRY_VOID(check_standard_in_context(tx, id, *check, config_.policy));

  MempoolEntry entry;
  tx.storage_mass = check->storage_mass;
  entry.masses = kaspa::calc_non_contextual_masses(tx);
  entry.storage_mass = check->storage_mass;
  entry.fee = check->fee;
  entry.entries = std::move(check->entries);
  entry.tx = std::move(tx);
  entry.id = id;
  entry.added_at_ms = now_ms();
  entry.added_at_daa_score = vs.daa_score;
  return entry;
}

core::Result<SubmitResult> Mempool::submit(kaspa::Transaction tx, const UtxoView& virtual_utxos,
                                           const VirtualState& vs) {
  return submit_impl(std::move(tx), virtual_utxos, vs, Rbf::kForbidden, !config_.accept_non_standard);
}

core::Result<SubmitResult> Mempool::submit_replacement(kaspa::Transaction tx, const UtxoView& virtual_utxos,
                                                       const VirtualState& vs) {
  return submit_impl(std::move(tx), virtual_utxos, vs, Rbf::kMandatory, !config_.accept_non_standard);
}

core::Result<SubmitResult> Mempool::submit_impl(kaspa::Transaction tx, const UtxoView& virtual_utxos,
                                                const VirtualState& vs, Rbf rbf, bool check_standard) {
  const TransactionId id = kaspa::transaction_id(tx);
  if (pool_.count(id))
    return core::make_error(ErrorCode::kInvalidArgument,
                            "transaction " + core::to_hex(id) + " is already in the mempool");
  IGRA_TRY_VOID(validator_.validate_in_isolation(tx));
  if (tx.is_coinbase())
    return core::make_error(ErrorCode::kInvalidArgument,
                            "transaction " + core::to_hex(id) + " is an invalid coinbase transaction for the mempool");
  if (check_standard) IGRA_TRY_VOID(check_standard_in_isolation(tx, id, config_.policy));

  // Double spends with the pool.
  std::set<TransactionId> conflicts;
  for (const auto& in : tx.inputs) {
    auto it = spent_by_.find(in.previous_outpoint);
    if (it == spent_by_.end()) continue;
    if (rbf == Rbf::kForbidden)
      return core::make_error(ErrorCode::kInvalidArgument, "output " + outpoint_display(in.previous_outpoint) +
                                                               " already spent by transaction " +
                                                               core::to_hex(it->second) + " in the memory pool");
    conflicts.insert(it->second);
  }
  std::set<TransactionId> excluded;
  if (rbf == Rbf::kMandatory) {
    if (conflicts.empty())
      return core::make_error(ErrorCode::kInvalidArgument,
                              "replace by fee found no double spending transaction in the mempool");
    if (conflicts.size() > 1)
      return core::make_error(ErrorCode::kInvalidArgument,
                              "replace by fee found more than one double spending transaction in the mempool");
    excluded = with_descendants(*conflicts.begin());
  }

  IGRA_TRY(MempoolEntry entry, validate(std::move(tx), id, virtual_utxos, vs, excluded, check_standard));

  SubmitResult result;
  result.id = id;
  result.fee = entry.fee;
  if (rbf == Rbf::kMandatory) {
    const MempoolEntry& old = pool_.at(*conflicts.begin());
    if (!fee_rate_greater(entry.fee, entry.mass(), old.fee, old.mass()))
      return core::make_error(
          ErrorCode::kInvalidArgument,
          "fee rate per contextual mass gram is not greater than the fee rate of the replaced transaction");
    // Replaced tx first, then its descendants in insertion order.
    std::vector<const MempoolEntry*> removed;
    for (const auto& rid : excluded) removed.push_back(&pool_.at(rid));
    const TransactionId replaced_id = *conflicts.begin();
    std::sort(removed.begin(), removed.end(), [&](const MempoolEntry* a, const MempoolEntry* b) {
      const bool ra = a->id == replaced_id, rb = b->id == replaced_id;
      if (ra != rb) return ra;
      return a->sequence < b->sequence;
    });
    for (const MempoolEntry* e : removed) result.replaced.push_back(e->tx);
    for (const auto& rid : excluded) erase_one(rid);
  }
  insert(std::move(entry));
  return result;
}

// --- pool maintenance -------------------------------------------------------------------------------------------

void Mempool::insert(MempoolEntry entry) {
  const TransactionId id = entry.id;
  entry.sequence = next_sequence_++;
  entry.parents.clear();
  entry.children.clear();
  for (const auto& in : entry.tx.inputs) {
    const auto& pid = in.previous_outpoint.transaction_id;
    auto pit = pool_.find(pid);
    if (pit != pool_.end()) {
      entry.parents.insert(pid);
      pit->second.children.insert(id);
    }
    spent_by_[in.previous_outpoint] = id;
  }
  // Pool transactions already spending this one's outputs (a parent re-inserted after a reorg).
  for (std::uint32_t i = 0; i < entry.tx.outputs.size(); ++i) {
    auto sit = spent_by_.find(kaspa::Outpoint{id, i});
    if (sit == spent_by_.end()) continue;
    entry.children.insert(sit->second);
    auto cit = pool_.find(sit->second);
    if (cit != pool_.end()) cit->second.parents.insert(id);
  }
  total_mass_ += entry.mass();
  pool_.emplace(id, std::move(entry));
}

void Mempool::erase_one(const TransactionId& id) {
  auto it = pool_.find(id);
  if (it == pool_.end()) return;
  MempoolEntry& e = it->second;
  for (const auto& in : e.tx.inputs) {
    auto sit = spent_by_.find(in.previous_outpoint);
    if (sit != spent_by_.end() && sit->second == id) spent_by_.erase(sit);
  }
  for (const auto& pid : e.parents) {
    auto pit = pool_.find(pid);
    if (pit != pool_.end()) pit->second.children.erase(id);
  }
  for (const auto& cid : e.children) {
    auto cit = pool_.find(cid);
    if (cit != pool_.end()) cit->second.parents.erase(id);
  }
  total_mass_ -= e.mass();
  pool_.erase(it);
}

std::set<TransactionId> Mempool::with_descendants(const TransactionId& id) const {
  std::set<TransactionId> out;
  std::vector<TransactionId> stack{id};
  while (!stack.empty()) {
    TransactionId cur = stack.back();
    stack.pop_back();
    auto it = pool_.find(cur);
    if (it == pool_.end() || !out.insert(cur).second) continue;
    for (const auto& c : it->second.children) stack.push_back(c);
  }
  return out;
}

std::vector<TransactionId> Mempool::remove(const TransactionId& id, bool with_desc) {
  std::vector<TransactionId> removed;
  if (!pool_.count(id)) return removed;
  if (!with_desc) {
    erase_one(id);
    removed.push_back(id);
    return removed;
  }
  for (const auto& rid : with_descendants(id)) {
    erase_one(rid);
    removed.push_back(rid);
  }
  return removed;
}

std::vector<TransactionId> Mempool::remove_accepted(std::span<const kaspa::Transaction> accepted) {
  std::vector<TransactionId> conflicts;
  for (const auto& tx : accepted) {
    const TransactionId id = kaspa::transaction_id(tx);
    erase_one(id);  // its children stay: they now spend confirmed outputs
    if (tx.is_coinbase()) continue;
    for (const auto& in : tx.inputs) {
      auto sit = spent_by_.find(in.previous_outpoint);
      if (sit == spent_by_.end()) continue;
      for (const auto& rid : remove(sit->second, true)) conflicts.push_back(rid);
    }
  }
  return conflicts;
}

std::vector<TransactionId> Mempool::revalidate(const UtxoView& virtual_utxos, const VirtualState& vs) {
  std::vector<TransactionId> removed;
  TxValidationContext ctx;
  ctx.pov_daa_score = vs.daa_score;
  ctx.past_median_time_ms = vs.past_median_time_ms;
  ctx.coinbase_maturity = config_.coinbase_maturity;
  ctx.check_mass_commitment = true;  // filled in at admission
  ctx.skip_script_check = true;      // scripts depend only on the tx and the spent entries, checked at admission
  std::vector<TransactionId> order;
  for (const MempoolEntry* e : entries()) order.push_back(e->id);
  const std::set<TransactionId> none;
  for (const auto& id : order) {
    auto it = pool_.find(id);
    if (it == pool_.end()) continue;
    PoolView view(virtual_utxos, pool_, none);
    auto r = validator_.validate_in_utxo_context(it->second.tx, view, ctx);
    if (r.ok()) {
      it->second.entries = std::move(r->entries);
      continue;
    }
    for (const auto& rid : remove(id, true)) removed.push_back(rid);
  }
  return removed;
}

std::vector<TransactionId> Mempool::expire() {
  std::vector<TransactionId> removed;
  const std::uint64_t now = now_ms();
  std::vector<TransactionId> old;
  for (const auto& [id, e] : pool_)
    if (e.added_at_ms + config_.expiry_ms < now) old.push_back(id);
  for (const auto& id : old)
    for (const auto& rid : remove(id, true)) removed.push_back(rid);
  return removed;
}

std::vector<TransactionId> Mempool::handle_virtual_change(std::span<const kaspa::Transaction> removed_accepted,
                                                          std::span<const kaspa::Transaction> added_accepted,
                                                          const UtxoView& virtual_utxos, const VirtualState& vs) {
  remove_accepted(added_accepted);
  std::set<TransactionId> added_ids;
  for (const auto& tx : added_accepted) added_ids.insert(kaspa::transaction_id(tx));

  std::vector<TransactionId> reinserted;
  const std::set<TransactionId> none;
  for (const auto& tx : removed_accepted) {
    if (tx.is_coinbase()) continue;
    const TransactionId id = kaspa::transaction_id(tx);
    if (added_ids.count(id) || pool_.count(id)) continue;
    if (!validator_.validate_in_isolation(tx).ok()) continue;
    bool conflict = false;
    for (const auto& in : tx.inputs)
      if (spent_by_.count(in.previous_outpoint)) conflict = true;
    if (conflict) continue;
    auto entry = validate(tx, id, virtual_utxos, vs, none, /*check_standard=*/false);
    if (!entry.ok()) continue;
    insert(std::move(*entry));
    reinserted.push_back(id);
  }
  if (!removed_accepted.empty()) revalidate(virtual_utxos, vs);
  expire();
  return reinserted;
}

// --- block template ---------------------------------------------------------------------------------------------

BlockTemplateTxs Mempool::select_for_block(const BlockMassLimits& limits) const {
  BlockTemplateTxs out;
  struct Candidate {
    const MempoolEntry* e;
  };
  auto worse = [](const Candidate& a, const Candidate& b) {
    // priority_queue pops the "largest": higher fee rate first, then older (lower sequence).
    const std::uint64_t ma = a.e->mass(), mb = b.e->mass();
    if (fee_rate_greater(a.e->fee, ma, b.e->fee, mb)) return false;
    if (fee_rate_greater(b.e->fee, mb, a.e->fee, ma)) return true;
    return a.e->sequence > b.e->sequence;
  };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(worse)> ready(worse);
  std::unordered_map<TransactionId, std::size_t> missing_parents;
  for (const auto& [id, e] : pool_) {
    missing_parents[id] = e.parents.size();
    if (e.parents.empty()) ready.push({&e});
  }
  while (!ready.empty() && out.ids.size() < limits.max_transactions) {
    const MempoolEntry* e = ready.top().e;
    ready.pop();
    const std::uint64_t c = out.compute_mass + e->masses.compute_mass;
    const std::uint64_t s = out.storage_mass + e->storage_mass;
    const std::uint64_t t = out.transient_mass + e->masses.transient_mass;
    if (c > limits.compute || s > limits.storage || t > limits.transient) continue;  // descendants stay blocked
    out.compute_mass = c;
    out.storage_mass = s;
    out.transient_mass = t;
    out.total_fees += e->fee;
    out.transactions.push_back(e->tx);
    out.ids.push_back(e->id);
    for (const auto& cid : e->children) {
      auto& m = missing_parents[cid];
      if (m > 0 && --m == 0) ready.push({&pool_.at(cid)});
    }
  }
  return out;
}

}  // namespace igra::simnet
