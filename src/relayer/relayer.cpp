#include "relayer/relayer.hpp"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

#include "chain/transaction_codec.hpp"
#include "core/hex.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/sign.hpp"
#include "kaspa/script_class.hpp"
#include "kaspa/tx_id.hpp"

namespace igra::relayer {
namespace {

core::Error fail(core::ErrorCode code, std::string message) { return core::Error(code, "relayer: " + message); }

std::string outpoint_str(const kaspa::Outpoint& o) {
  return core::to_hex(o.transaction_id) + ":" + std::to_string(o.index);
}

// kaspad / simnet rejections that are about the spent coin, so another coin may succeed.
bool coin_problem(const std::string& m) {
  for (const char* needle : {"orphan", "already spent", "immature", "double spend", "missing", "not found"})
    if (m.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

Relayer::Relayer(RelayerOptions options, kaspa::rpc::Client& client)
    : options_(std::move(options)),
      client_(&client),
      wallet_(kaspa::ScriptPublicKey{}, options_.coinbase_maturity, options_.use_unconfirmed_change) {
  auto pub = crypto::schnorr_public_key(options_.funding_key);
  if (!pub.ok()) {
    init_error_ = fail(core::ErrorCode::kInvalidArgument, "invalid funding key: " + pub.error().message);
    return;
  }
  spk_ = kaspa::p2pk_script(*pub);
  auto addr = kaspa::extract_script_public_key_address(spk_, options_.address_prefix);
  if (!addr.ok()) {
    init_error_ = fail(core::ErrorCode::kInternal, "funding address: " + addr.error().message);
    return;
  }
  address_ = addr->to_string();
  wallet_ = Wallet(spk_, options_.coinbase_maturity, options_.use_unconfirmed_change);
}

std::string Relayer::l1_address() const { return address_; }

core::Result<kaspa::TransactionId> Relayer::submit(core::ByteView raw_l2_tx) {
  std::lock_guard lock(mu_);
  auto r = submit_locked(raw_l2_tx);
  if (!r.ok()) {
    ++stats_.failed;
    spdlog::warn("{}", r.error().message);
  }
  return r;
}

core::Result<Relayer::Prepared> Relayer::prepare(core::ByteView raw_l2_tx) {
  std::lock_guard lock(mu_);
  return prepare_locked(raw_l2_tx);
}

Relayer::SendOutcome Relayer::send(const Prepared& prepared) {
  std::lock_guard lock(mu_);
  return send_locked(prepared);
}

void Relayer::abandon(const Prepared& prepared) {
  std::lock_guard lock(mu_);
  wallet_.release(prepared.coin);
}

Relayer::SendOutcome Relayer::resend(const kaspa::Transaction& tx) {
  std::lock_guard lock(mu_);
  const kaspa::TransactionId id = kaspa::transaction_id(tx);
  auto submitted = client_->submit_transaction(tx, /*allow_orphan=*/false, options_.rpc_timeout);
  if (submitted.ok()) {
    ++stats_.resent;
    wallet_.adopt(tx, id);
    return {SendResult::kAccepted, ""};
  }
  const core::Error& e = submitted.error();
  if (kaspa::rpc::is_timeout(e) || kaspa::rpc::is_disconnected(e)) {
    wallet_.adopt(tx, id);
    return {SendResult::kUnknown, e.message};
  }
  const std::string msg = kaspa::rpc::rpc_error_message(e);
  const bool in_pool = msg.find("already in the mempool") != std::string::npos || msg.find("already exists") != std::string::npos;
  if (kaspa::rpc::is_rpc_error(e) && in_pool) {
    wallet_.adopt(tx, id);
    return {SendResult::kKnown, msg};
  }
  if (kaspa::rpc::is_rpc_error(e) && coin_problem(msg)) return {SendResult::kKnown, msg};
  return {SendResult::kRejected, msg};
}

core::Result<Relayer::Prepared> Relayer::prepare_locked(core::ByteView raw_l2_tx) {
  if (init_error_) return *init_error_;
  if (auto decoded = chain::decode_transaction(raw_l2_tx); !decoded.ok())
    return fail(core::ErrorCode::kInvalidArgument, "not a valid EIP-2718 transaction: " + decoded.error().message);
  IGRA_TRY(core::Bytes payload, encode_l2_tx_payload(raw_l2_tx));

  TxShape shape;
  shape.lane_id = options_.lane_id;
  if (options_.toccata_daa_score) {
    IGRA_TRY(const std::uint64_t daa, virtual_daa_locked());
    shape.v1_lane = daa >= *options_.toccata_daa_score;
  }
  if (options_.use_fee_estimate) {
    const auto now = std::chrono::steady_clock::now();
    if (last_fee_estimate_ == std::chrono::steady_clock::time_point{} ||
        now - last_fee_estimate_ >= std::chrono::milliseconds(options_.fee_estimate_interval_ms)) {
      last_fee_estimate_ = now;
      if (auto est = client_->get_fee_estimate(options_.rpc_timeout); est.ok()) {
        feerate_ = est->normal_buckets.empty() ? est->priority_bucket.feerate : est->normal_buckets.front().feerate;
      } else {
        spdlog::debug("relayer: GetFeeEstimate failed ({}); paying the policy minimum", est.error().message);
      }
    }
    shape.feerate = feerate_;
  }
  IGRA_TRY(const std::uint64_t fee, relay_fee(spk_, payload, shape));
  const std::uint64_t min_amount = fee + options_.min_change_sompi;

  // The tip of the own unconfirmed chain first (wallet.hpp: acceptance order = submission order); a confirmed
  // coin starts a chain only when no own transaction is pending.
  std::optional<Coin> coin = wallet_.take(min_amount, /*allow_unconfirmed=*/true);
  if (!coin) {
    const auto now = std::chrono::steady_clock::now();
    const bool stale = !refreshed_once_ ||
                       now - last_refresh_ >= std::chrono::milliseconds(options_.refresh_interval_ms);
    if (stale || !wallet_.has_coin(min_amount)) {
      IGRA_TRY_VOID(refresh_locked());
      coin = wallet_.take(min_amount, false);
      if (!coin && options_.use_utxo_notifications) {
        // Notifications may lag behind the node: ask it before giving up.
        IGRA_TRY_VOID(refresh_locked(/*full=*/true));
        coin = wallet_.take(min_amount, false);
      }
    }
    if (!coin) coin = wallet_.take(min_amount, true);
  }
  if (!coin) return no_coins_error_locked(min_amount);
  const std::uint8_t payload_type = payload[0];
  auto built = build_l1_transaction(*coin, options_.funding_key, spk_, std::move(payload), options_.txid_prefix, shape,
                                    options_.min_change_sompi);
  if (!built.ok()) {
    wallet_.release(*coin);
    return std::move(built).error();
  }
  stats_.nonce_tries += built->tries;
  stats_.mining_seconds += built->mining_seconds;
  Prepared p;
  p.change = Coin{kaspa::Outpoint{built->id, 0}, kaspa::UtxoEntry{built->tx.outputs[0].value, spk_, 0, false, std::nullopt}};
  p.built = std::move(*built);
  p.coin = *coin;
  p.payload_type = payload_type;
  return p;
}

Relayer::SendOutcome Relayer::send_locked(const Prepared& p) {
  auto submitted = client_->submit_transaction(p.built.tx, /*allow_orphan=*/false, options_.rpc_timeout);
  if (submitted.ok()) {
    if (*submitted != p.built.id)
      spdlog::warn("relayer: kaspad reported id {} for L1 tx {}", core::to_hex(*submitted), core::to_hex(p.built.id));
    wallet_.spent(p.coin, p.change);
    ++stats_.submitted;
    stats_.fees_sompi += p.built.fee;
    if (p.payload_type == kPayloadL2TxZipped) ++stats_.zipped;
    spdlog::debug("relayer: submitted L1 tx {} (v{}, payload 0x{:02x}, fee {} sompi, coin {})",
                  core::to_hex(p.built.id), p.built.tx.version, p.payload_type, p.built.fee,
                  outpoint_str(p.coin.outpoint));
    return {SendResult::kAccepted, ""};
  }
  const core::Error& e = submitted.error();
  if (kaspa::rpc::is_timeout(e) || kaspa::rpc::is_disconnected(e)) {
    // The node may have taken it: keep the coin spent (never risk a double spend) and offer the change.
    wallet_.spent(p.coin, p.change);
    return {SendResult::kUnknown, "submitting L1 tx " + core::to_hex(p.built.id) +
                                      " (outcome unknown, coin kept reserved): " + e.message};
  }
  const std::string msg = kaspa::rpc::rpc_error_message(e);
  if (kaspa::rpc::is_rpc_error(e) && coin_problem(msg)) {
    wallet_.discard(p.coin);
    refreshed_once_ = false;  // re-read the UTXO set before the next confirmed coin
    return {SendResult::kCoinRefused, "kaspad refused coin " + outpoint_str(p.coin.outpoint) + ": " + msg};
  }
  wallet_.release(p.coin);
  return {SendResult::kRejected, "kaspad rejected L1 tx " + core::to_hex(p.built.id) + ": " + msg};
}

core::Result<kaspa::TransactionId> Relayer::submit_locked(core::ByteView raw_l2_tx) {
  std::optional<core::Error> last_error;
  const int attempts = options_.max_attempts > 0 ? options_.max_attempts : 1;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    IGRA_TRY(Prepared p, prepare_locked(raw_l2_tx));
    const SendOutcome o = send_locked(p);
    switch (o.result) {
      case SendResult::kAccepted: return p.built.id;
      case SendResult::kCoinRefused:
        last_error = fail(core::ErrorCode::kInvalidArgument, o.message);
        continue;
      case SendResult::kUnknown: return fail(core::ErrorCode::kIo, o.message);
      case SendResult::kKnown:
      case SendResult::kRejected: return fail(core::ErrorCode::kInvalidArgument, o.message);
    }
  }
  return last_error ? *last_error : fail(core::ErrorCode::kInternal, "no attempt made");
}

void Relayer::forget(const kaspa::TransactionId& id) {
  std::lock_guard lock(mu_);
  wallet_.forget(id);
}

core::Result<kaspa::Transaction> Relayer::replace(const kaspa::Transaction& old, const Coin& input) {
  std::lock_guard lock(mu_);
  if (init_error_) return *init_error_;
  if (old.inputs.size() != 1 || old.outputs.empty() || !(old.inputs[0].previous_outpoint == input.outpoint) ||
      input.entry.amount < old.outputs[0].value)
    return fail(core::ErrorCode::kInvalidArgument, "replace: not a relayer transaction spending the given coin");
  const kaspa::TransactionId old_id = kaspa::transaction_id(old);
  const std::uint64_t old_fee = input.entry.amount - old.outputs[0].value;
  const auto m = kaspa::calc_non_contextual_masses(old);
  const double mass = static_cast<double>(std::max<std::uint64_t>(1, std::max(m.compute_mass, m.transient_mass)));
  TxShape shape;
  shape.lane_id = options_.lane_id;
  shape.v1_lane = old.version == kaspa::kTxVersionToccata;
  shape.feerate = 2.0 * static_cast<double>(old_fee) / mass;
  if (auto est = client_->get_fee_estimate(options_.rpc_timeout); est.ok())
    shape.feerate = std::max(shape.feerate, est->priority_bucket.feerate);
  std::uint32_t nonce = 0;
  if (old.payload.size() >= 4) nonce = core::load_be<std::uint32_t>(old.payload.data() + old.payload.size() - 4);
  IGRA_TRY(auto built, build_l1_transaction(input, options_.funding_key, spk_, old.payload, options_.txid_prefix, shape,
                                            options_.min_change_sompi, nonce + 1));
  auto r = client_->submit_transaction_replacement(built.tx, options_.rpc_timeout);
  if (!r.ok()) return fail(core::ErrorCode::kInvalidArgument, "replacement refused: " + kaspa::rpc::rpc_error_message(r.error()));
  wallet_.forget(old_id);
  wallet_.adopt(built.tx, built.id);
  ++stats_.replacements;
  stats_.fees_sompi += built.fee;
  spdlog::info("relayer: replaced stuck L1 tx {} (fee {} sompi) by {} (fee {} sompi)", core::to_hex(old_id), old_fee,
               core::to_hex(built.id), built.fee);
  return built.tx;
}

core::Result<std::optional<kaspa::TransactionId>> Relayer::consolidate(std::size_t threshold, std::size_t max_inputs) {
  std::lock_guard lock(mu_);
  if (init_error_) return *init_error_;
  IGRA_TRY_VOID(refresh_locked());
  std::vector<Coin> coins = wallet_.take_fragments(threshold, std::max<std::size_t>(2, max_inputs));
  if (coins.empty()) return std::optional<kaspa::TransactionId>();
  kaspa::Transaction tx;
  std::vector<kaspa::UtxoEntry> entries;
  std::uint64_t total = 0;
  for (const auto& c : coins) {
    kaspa::TransactionInput in;
    in.previous_outpoint = c.outpoint;
    tx.inputs.push_back(in);
    entries.push_back(c.entry);
    total += c.entry.amount;
  }
  tx.outputs.push_back(kaspa::TransactionOutput{total, spk_, std::nullopt});
  kaspa::set_standard_compute_commits(tx);
  // Fee from the signed size (a Schnorr signature script is 66 bytes).
  for (auto& in : tx.inputs) in.signature_script.assign(66, 0);
  const std::uint64_t fee = policy_relay_fee(tx);
  auto give_back = [&] {
    for (const auto& c : coins) wallet_.release(c);
  };
  if (total <= fee + options_.min_change_sompi) {
    give_back();
    return std::optional<kaspa::TransactionId>();
  }
  tx.outputs[0].value = total - fee;
  for (auto& in : tx.inputs) in.signature_script.clear();
  const auto storage = kaspa::calc_storage_mass(tx, entries);
  if (!storage) {
    give_back();
    return fail(core::ErrorCode::kInternal, "consolidation: storage mass incomputable");
  }
  tx.storage_mass = *storage;
  const std::vector<crypto::SecretKey> keys(1, options_.funding_key);
  if (auto r = kaspa::sign_transaction(tx, entries, keys); !r.ok()) {
    give_back();
    return r.error();
  }
  const kaspa::TransactionId id = kaspa::transaction_id(tx);
  auto submitted = client_->submit_transaction(tx, false, options_.rpc_timeout);
  if (!submitted.ok() && !kaspa::rpc::is_timeout(submitted.error()) && !kaspa::rpc::is_disconnected(submitted.error())) {
    give_back();
    refreshed_once_ = false;
    return fail(core::ErrorCode::kInvalidArgument, "consolidation refused: " + kaspa::rpc::rpc_error_message(submitted.error()));
  }
  wallet_.adopt(tx, id);
  ++stats_.consolidations;
  stats_.fees_sompi += fee;
  spdlog::info("relayer: consolidated {} coins ({} sompi) into one, L1 tx {} (fee {} sompi)", coins.size(), total,
               core::to_hex(id), fee);
  return std::optional<kaspa::TransactionId>(id);
}

core::Result<std::uint64_t> Relayer::virtual_daa_locked() {
  auto info = client_->get_server_info(options_.rpc_timeout);
  if (!info.ok()) return fail(info.error().code, "GetServerInfo: " + info.error().message);
  last_daa_ = info->virtual_daa_score;
  return last_daa_;
}

core::Result<void> Relayer::refresh_locked(bool full) {
  const auto now = std::chrono::steady_clock::now();
  // From the notification-kept UTXO set when it is valid and not due for a resynchronization (no UTXO query).
  if (options_.use_utxo_notifications) {
    bool use = false;
    {
      std::lock_guard lk(mirror_mu_);
      use = !full && mirror_valid_ &&
            now - last_full_refresh_ < std::chrono::milliseconds(options_.full_refresh_interval_ms);
    }
    if (use) {
      // The virtual DAA score first (coinbases newer than it look immature: the safe side), then the set.
      IGRA_TRY(const std::uint64_t daa, virtual_daa_locked());
      std::vector<kaspa::rpc::UtxosByAddressesEntry> set;
      {
        std::lock_guard lk(mirror_mu_);
        set.reserve(mirror_.size());
        for (const auto& [o, e] : mirror_) set.push_back({address_, o, e});
      }
      wallet_.update(set, daa);
      last_refresh_ = now;
      refreshed_once_ = true;
      return {};
    }
    if (!subscribed_) {
      auto sub = client_->subscribe_utxos_changed(
          {address_},
          [this](const kaspa::rpc::UtxosChanged& c) {
            std::lock_guard lk(mirror_mu_);
            for (const auto& r : c.removed) mirror_.erase(r.outpoint);
            for (const auto& a : c.added) {
              if (!(a.utxo_entry.script_public_key == spk_)) continue;
              mirror_[a.outpoint] = a.utxo_entry;
              mirror_daa_ = std::max(mirror_daa_, a.utxo_entry.block_daa_score);
            }
            ++notifications_;
          },
          options_.rpc_timeout);
      subscribed_ = sub.ok();
      if (!sub.ok()) spdlog::debug("relayer: UtxosChanged subscription failed ({}); polling", sub.error().message);
    }
  }
  // Server info first: a coinbase newer than that DAA score then looks immature (the safe side).
  IGRA_TRY(const std::uint64_t daa, virtual_daa_locked());
  auto utxos = client_->get_utxos_by_addresses({address_}, options_.rpc_timeout);
  ++stats_.utxo_queries;
  if (!utxos.ok())
    return fail(utxos.error().code, "reading the L1 coins of " + address_ + ": " + utxos.error().message);
  wallet_.update(*utxos, daa);
  if (subscribed_) {
    std::lock_guard lk(mirror_mu_);
    mirror_.clear();
    for (const auto& u : *utxos)
      if (u.utxo_entry.script_public_key == spk_) mirror_[u.outpoint] = u.utxo_entry;
    mirror_daa_ = std::max(mirror_daa_, daa);
    mirror_valid_ = true;
  }
  last_refresh_ = now;
  last_full_refresh_ = now;
  refreshed_once_ = true;
  return {};
}

core::Error Relayer::no_coins_error_locked(std::uint64_t min_amount) const {
  const WalletCounts c = wallet_.counts(min_amount);
  std::string m = "no spendable L1 coins at " + address_ + "; need one coin of at least " +
                  std::to_string(min_amount) + " sompi (fee plus " + std::to_string(options_.min_change_sompi) +
                  " sompi minimum change)";
  m += "; " + std::to_string(c.immature) + " immature coinbase outputs (" + std::to_string(c.immature_sompi) +
       " sompi) wait for the coinbase maturity of " + std::to_string(options_.coinbase_maturity) +
       " DAA (virtual DAA score " + std::to_string(last_daa_) + ")";
  m += "; " + std::to_string(c.too_small) + " coins too small; " + std::to_string(c.reserved) +
       " outpoints spent by pending relayer transactions";
  return fail(core::ErrorCode::kNotFound, m);
}

core::Result<std::uint64_t> Relayer::balance() {
  std::lock_guard lock(mu_);
  if (init_error_) return *init_error_;
  IGRA_TRY_VOID(refresh_locked(/*full=*/true));
  return wallet_.balance();
}

RelayerStats Relayer::stats() const {
  std::lock_guard lock(mu_);
  RelayerStats s = stats_;
  s.wallet = wallet_.counts();
  s.balance_sompi = wallet_.balance();
  s.feerate = feerate_;
  {
    std::lock_guard lk(mirror_mu_);
    s.utxo_notifications = notifications_;
  }
  return s;
}

}  // namespace igra::relayer
