#include "relayer/tx_builder.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "core/hex.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/sign.hpp"
#include "kaspa/tx_id.hpp"

namespace igra::relayer {
namespace {

constexpr std::uint64_t kFeeMargin = 1000;

kaspa::Transaction skeleton(const Coin& coin, const kaspa::ScriptPublicKey& change_spk, std::uint64_t change_value,
                            core::Bytes payload, const TxShape& shape) {
  kaspa::Transaction tx;
  tx.version = shape.v1_lane ? kaspa::kTxVersionToccata : kaspa::kTxVersionClassic;
  if (shape.v1_lane) tx.subnetwork_id = kaspa::subnetwork_lane(shape.lane_id);
  kaspa::TransactionInput in;
  in.previous_outpoint = coin.outpoint;
  in.sequence = 0;
  tx.inputs.push_back(std::move(in));
  kaspa::TransactionOutput out;
  out.value = change_value;
  out.script_public_key = change_spk;
  tx.outputs.push_back(std::move(out));
  tx.payload = std::move(payload);
  kaspa::set_standard_compute_commits(tx);  // SigOpCount(1) for v0, ComputeBudget(10) for v1
  return tx;
}

std::uint64_t policy_fee(const kaspa::NonContextualMasses& m) {
  return 2 * std::max(kaspa::minimum_relay_fee_crescendo(m), kaspa::minimum_relay_fee_toccata(m)) + kFeeMargin;
}

std::uint64_t fee_for(const kaspa::Transaction& signed_tx, double feerate) {
  const auto m = kaspa::calc_non_contextual_masses(signed_tx);
  const std::uint64_t policy = policy_fee(m);
  if (!(feerate > 0)) return policy;
  const double mass = static_cast<double>(std::max(m.compute_mass, m.transient_mass));
  const double estimated = std::ceil(std::min(mass * feerate, 1e15)) + static_cast<double>(kFeeMargin);
  return std::max(policy, static_cast<std::uint64_t>(estimated));
}

}  // namespace

std::uint64_t policy_relay_fee(const kaspa::Transaction& tx) { return policy_fee(kaspa::calc_non_contextual_masses(tx)); }

core::Result<std::uint64_t> relay_fee(const kaspa::ScriptPublicKey& funding_spk, const core::Bytes& payload,
                                      const TxShape& shape) {
  if (payload.size() < kaspa::IdMiner::kNonceSize)
    return core::Error(core::ErrorCode::kInvalidArgument, "relayer: payload shorter than its nonce");
  Coin probe_coin;
  probe_coin.entry.amount = kaspa::kSompiPerKaspa;
  probe_coin.entry.script_public_key = funding_spk;
  kaspa::Transaction tx = skeleton(probe_coin, funding_spk, 1, payload, shape);
  // The size of a Schnorr signature script (OP_DATA_65 || sig || sighash type) is fixed; a placeholder of the same
  // length gives the signed masses without signing.
  tx.inputs[0].signature_script.assign(66, 0);
  return fee_for(tx, shape.feerate);
}

core::Result<BuiltTransaction> build_l1_transaction(const Coin& coin, const crypto::SecretKey& key,
                                                    const kaspa::ScriptPublicKey& change_spk, core::Bytes payload,
                                                    std::span<const std::uint8_t> txid_prefix, const TxShape& shape,
                                                    std::uint64_t min_change, std::uint32_t nonce_start) {
  IGRA_TRY(const std::uint64_t fee, relay_fee(coin.entry.script_public_key, payload, shape));
  if (coin.entry.amount < fee || coin.entry.amount - fee < min_change)
    return core::Error(core::ErrorCode::kOutOfRange,
                       "relayer: coin " + core::to_hex(coin.outpoint.transaction_id) + ":" +
                           std::to_string(coin.outpoint.index) + " holds " + std::to_string(coin.entry.amount) +
                           " sompi, less than the fee " + std::to_string(fee) + " plus the minimum change " +
                           std::to_string(min_change));
  BuiltTransaction b;
  b.fee = fee;
  b.tx = skeleton(coin, change_spk, coin.entry.amount - fee, std::move(payload), shape);
  const kaspa::UtxoEntry entries[1] = {coin.entry};
  const auto storage = kaspa::calc_storage_mass(b.tx, entries);
  if (!storage) return core::Error(core::ErrorCode::kInternal, "relayer: storage mass is incomputable");
  b.tx.storage_mass = *storage;

  // Mine the id nonce (the id excludes signatures and the mass commitment, so signing comes after).
  IGRA_TRY(auto miner, kaspa::IdMiner::create(b.tx));
  const auto t0 = std::chrono::steady_clock::now();
  auto found = miner.find_nonce_parallel(txid_prefix, nonce_start, 1ull << 32);  // on every core
  b.mining_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!found)
    return core::Error(core::ErrorCode::kInternal,
                       "relayer: no payload nonce gives a txid starting with " + core::to_hex(txid_prefix));
  b.nonce = found->first;
  b.tries = static_cast<std::uint64_t>(static_cast<std::uint32_t>(found->first - nonce_start)) + 1;
  IGRA_TRY_VOID(kaspa::set_payload_nonce(b.tx, b.nonce));
  b.id = found->second;

  const crypto::SecretKey keys[1] = {key};
  if (auto r = kaspa::sign_transaction(b.tx, entries, keys); !r.ok()) return r.error().context("relayer: signing");
  if (kaspa::transaction_id(b.tx) != b.id)
    return core::Error(core::ErrorCode::kInternal, "relayer: mined id does not match the signed transaction");
  if (fee_for(b.tx, shape.feerate) != fee)
    return core::Error(core::ErrorCode::kInternal, "relayer: fee changed after signing (signature script size)");
  return b;
}

}  // namespace igra::relayer
