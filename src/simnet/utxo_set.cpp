#include "simnet/utxo_set.hpp"

#include <limits>

#include "core/blake2b.hpp"
#include "core/hex.hpp"

namespace igra::simnet {

std::string outpoint_to_string(const kaspa::Outpoint& outpoint) {
  return core::to_hex(outpoint.transaction_id) + ":" + std::to_string(outpoint.index);
}

// --- diffs ------------------------------------------------------------------------------------------------------

void diff_add(UtxoDiff& diff, const kaspa::Outpoint& outpoint, const kaspa::UtxoEntry& entry) {
  diff.added[outpoint] = entry;
}

void diff_remove(UtxoDiff& diff, const kaspa::Outpoint& outpoint, const kaspa::UtxoEntry& entry) {
  auto it = diff.added.find(outpoint);
  if (it != diff.added.end()) {
    diff.added.erase(it);
    return;
  }
  diff.removed[outpoint] = entry;
}

void diff_add_transaction(UtxoDiff& diff, const kaspa::Transaction& tx, const kaspa::TransactionId& tx_id,
                          std::span<const kaspa::UtxoEntry> spent, std::uint64_t accepting_daa_score) {
  for (std::size_t i = 0; i < tx.inputs.size() && i < spent.size(); ++i)
    diff_remove(diff, tx.inputs[i].previous_outpoint, spent[i]);
  const bool coinbase = tx.is_coinbase();
  for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
    const auto& out = tx.outputs[i];
    kaspa::UtxoEntry e;
    e.amount = out.value;
    e.script_public_key = out.script_public_key;
    e.block_daa_score = accepting_daa_score;
    e.is_coinbase = coinbase;
    if (out.covenant) e.covenant_id = out.covenant->covenant_id;
    diff_add(diff, kaspa::Outpoint{tx_id, static_cast<std::uint32_t>(i)}, e);
  }
}

UtxoDiff diff_compose(const UtxoDiff& first, const UtxoDiff& second) {
  UtxoDiff out = first;
  for (const auto& [op, e] : second.removed) diff_remove(out, op, e);
  for (const auto& [op, e] : second.added) diff_add(out, op, e);
  return out;
}

UtxoDiff diff_inverse(const UtxoDiff& diff) {
  UtxoDiff out;
  out.added = diff.removed;
  out.removed = diff.added;
  return out;
}

UtxoChanges diff_changes_for_scripts(const UtxoDiff& diff, std::span<const kaspa::ScriptPublicKey> scripts) {
  auto wanted = [&](const kaspa::UtxoEntry& e) {
    if (scripts.empty()) return true;
    for (const auto& s : scripts)
      if (s == e.script_public_key) return true;
    return false;
  };
  UtxoChanges out;
  for (const auto& [op, e] : diff.added)
    if (wanted(e)) out.added.emplace_back(op, e);
  for (const auto& [op, e] : diff.removed)
    if (wanted(e)) out.removed.emplace_back(op, e);
  return out;
}

// --- LayeredUtxoView ------------------------------------------------------------------------------------------

std::optional<kaspa::UtxoEntry> LayeredUtxoView::get(const kaspa::Outpoint& outpoint) const {
  if (auto it = diff_.added.find(outpoint); it != diff_.added.end()) return it->second;
  if (diff_.removed.count(outpoint)) return std::nullopt;
  return base_->get(outpoint);
}

// --- UtxoSet --------------------------------------------------------------------------------------------------

std::optional<kaspa::UtxoEntry> UtxoSet::get(const kaspa::Outpoint& outpoint) const {
  auto it = map_.find(outpoint);
  if (it == map_.end()) return std::nullopt;
  return it->second;
}

std::string UtxoSet::script_key(const kaspa::ScriptPublicKey& spk) {
  std::string key;
  key.reserve(2 + spk.script.size());
  key.push_back(static_cast<char>(spk.version >> 8));
  key.push_back(static_cast<char>(spk.version & 0xff));
  key.append(reinterpret_cast<const char*>(spk.script.data()), spk.script.size());
  return key;
}

void UtxoSet::index_add(const kaspa::Outpoint& outpoint, const kaspa::UtxoEntry& entry) {
  by_script_[script_key(entry.script_public_key)].insert(outpoint);
}

void UtxoSet::index_remove(const kaspa::Outpoint& outpoint, const kaspa::UtxoEntry& entry) {
  auto it = by_script_.find(script_key(entry.script_public_key));
  if (it == by_script_.end()) return;
  it->second.erase(outpoint);
  if (it->second.empty()) by_script_.erase(it);
}

bool UtxoSet::insert(const kaspa::Outpoint& outpoint, const kaspa::UtxoEntry& entry) {
  auto it = map_.find(outpoint);
  if (it != map_.end()) {
    index_remove(outpoint, it->second);
    it->second = entry;
    index_add(outpoint, entry);
    return false;
  }
  map_.emplace(outpoint, entry);
  index_add(outpoint, entry);
  return true;
}

std::optional<kaspa::UtxoEntry> UtxoSet::erase(const kaspa::Outpoint& outpoint) {
  auto it = map_.find(outpoint);
  if (it == map_.end()) return std::nullopt;
  kaspa::UtxoEntry e = std::move(it->second);
  map_.erase(it);
  index_remove(outpoint, e);
  return e;
}

core::Result<void> UtxoSet::apply(const UtxoDiff& diff) {
  // Check first, so a failing diff leaves the set untouched.
  for (const auto& [op, e] : diff.removed) {
    auto it = map_.find(op);
    if (it == map_.end())
      return core::make_error(core::ErrorCode::kNotFound,
                              "utxo diff: cannot remove missing outpoint " + outpoint_to_string(op));
    if (!(it->second == e))
      return core::make_error(core::ErrorCode::kInvalidArgument,
                              "utxo diff: entry mismatch for outpoint " + outpoint_to_string(op));
  }
  for (const auto& [op, e] : diff.added) {
    if (map_.count(op) && !diff.removed.count(op))
      return core::make_error(core::ErrorCode::kInvalidArgument,
                              "utxo diff: outpoint " + outpoint_to_string(op) + " already exists");
  }
  for (const auto& [op, e] : diff.removed) erase(op);
  for (const auto& [op, e] : diff.added) insert(op, e);
  return {};
}

std::vector<UtxoPair> UtxoSet::entries_by_script(const kaspa::ScriptPublicKey& spk) const {
  std::vector<UtxoPair> out;
  auto it = by_script_.find(script_key(spk));
  if (it == by_script_.end()) return out;
  out.reserve(it->second.size());
  for (const auto& op : it->second) out.emplace_back(op, map_.at(op));
  return out;
}

std::uint64_t UtxoSet::balance_by_script(const kaspa::ScriptPublicKey& spk) const {
  std::uint64_t total = 0;
  auto it = by_script_.find(script_key(spk));
  if (it == by_script_.end()) return 0;
  for (const auto& op : it->second) {
    const std::uint64_t a = map_.at(op).amount;
    total = (total > std::numeric_limits<std::uint64_t>::max() - a) ? std::numeric_limits<std::uint64_t>::max()
                                                                    : total + a;
  }
  return total;
}

std::size_t UtxoSet::count_by_script(const kaspa::ScriptPublicKey& spk) const {
  auto it = by_script_.find(script_key(spk));
  return it == by_script_.end() ? 0 : it->second.size();
}

core::Hash32 UtxoSet::digest() const {
  core::Hash32 acc;
  for (const auto& [op, e] : map_) {
    core::Bytes buf;
    core::append(buf, op.transaction_id.view());
    core::put_le<std::uint32_t>(buf, op.index);
    core::put_le<std::uint64_t>(buf, e.amount);
    core::put_le<std::uint16_t>(buf, e.script_public_key.version);
    core::put_le<std::uint64_t>(buf, e.script_public_key.script.size());
    core::append(buf, e.script_public_key.script);
    core::put_le<std::uint64_t>(buf, e.block_daa_score);
    buf.push_back(e.is_coinbase ? 1 : 0);
    buf.push_back(e.covenant_id ? 1 : 0);
    if (e.covenant_id) core::append(buf, e.covenant_id->view());
    core::Blake2b h(32);
    h.update(buf);
    const core::Hash32 d = h.finalize32();
    for (std::size_t i = 0; i < 32; ++i) acc[i] ^= d[i];
  }
  return acc;
}

}  // namespace igra::simnet
