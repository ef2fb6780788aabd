#include "simnet/tx_validator.hpp"

#include <set>

#include "core/hex.hpp"
#include "kaspa/script_class.hpp"
#include "kaspa/script_engine.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/script_opcodes.hpp"
#include "kaspa/sighash.hpp"
#include "crypto/secp256k1.hpp"
#include "simnet/utxo_set.hpp"

namespace igra::simnet {
namespace {

namespace op = kaspa::opcodes;
using core::ErrorCode;

core::Error rule(std::string message) { return core::make_error(ErrorCode::kInvalidArgument, std::move(message)); }

bool is_user_lane(const kaspa::SubnetworkId& id) {
  for (std::size_t i = 4; i < id.size(); ++i)
    if (id[i] != 0) return false;
  if (id[1] == 0 && id[2] == 0 && id[3] == 0 && id[0] <= 2) return false;  // native, coinbase, registry
  return true;
}

// Sig ops of one script, counting multisig as the preceding OP_n (or 20 when not preceded by a small int).
std::uint64_t count_script_sig_ops(core::ByteView script) {
  auto parsed = kaspa::parse_script(script);
  if (!parsed.ok()) return 0;
  std::uint64_t n = 0;
  std::uint8_t prev = 0xff;
  for (const auto& ins : *parsed) {
    switch (ins.opcode) {
      case op::kOpCheckSig:
      case op::kOpCheckSigVerify:
      case op::kOpCheckSigEcdsa:
        n += 1;
        break;
      case op::kOpCheckMultiSig:
      case op::kOpCheckMultiSigVerify:
      case op::kOpCheckMultiSigEcdsa:
        if (prev >= op::kOp1 && prev <= op::kOp16)
          n += prev - op::kOp1 + 1;
        else
          n += kaspa::kMaxPubKeysPerMultisig;
        break;
      default:
        break;
    }
    prev = ins.opcode;
  }
  return n;
}

core::Bytes last_push(core::ByteView script) {
  auto parsed = kaspa::parse_script(script);
  if (!parsed.ok() || parsed->empty()) return {};
  const auto& last = parsed->back();
  return core::Bytes(last.data.begin(), last.data.end());
}

std::string non_standard(const kaspa::TransactionId& id, const std::string& detail) {
  return "transaction " + core::to_hex(id) + " is not standard: " + detail;
}

}  // namespace

std::string outpoint_display(const kaspa::Outpoint& outpoint) {
  return "(" + core::to_hex(outpoint.transaction_id) + ", " + std::to_string(outpoint.index) + ")";
}

std::uint64_t sig_op_count_upper_bound(core::ByteView signature_script, const kaspa::ScriptPublicKey& spk) {
  if (kaspa::is_pay_to_script_hash(spk.script)) {
    if (!kaspa::is_push_only(signature_script)) return 0;
    const core::Bytes redeem = last_push(signature_script);
    return count_script_sig_ops(redeem);
  }
  return count_script_sig_ops(spk.script);
}

// --- isolation ------------------------------------------------------------------------------------------------

core::Result<void> TxValidator::validate_in_isolation(const kaspa::Transaction& tx) const {
  const bool coinbase = tx.is_coinbase();
  // Inputs.
  if (!coinbase && tx.inputs.empty()) return rule("transaction has no inputs");
  if (tx.inputs.size() > params_.max_tx_inputs)
    return rule("transaction has " + std::to_string(tx.inputs.size()) + " inputs where the max allowed is " +
                std::to_string(params_.max_tx_inputs));
  for (std::size_t i = 0; i < tx.inputs.size(); ++i)
    if (tx.inputs[i].signature_script.size() > params_.max_signature_script_len)
      return rule("transaction input #" + std::to_string(i) + " signature script is above " +
                  std::to_string(params_.max_signature_script_len) + " bytes");
  // Outputs.
  if (!coinbase && tx.outputs.size() > params_.max_tx_outputs)
    return rule("transaction has " + std::to_string(tx.outputs.size()) + " outputs where the max allowed is " +
                std::to_string(params_.max_tx_outputs));
  for (std::size_t i = 0; i < tx.outputs.size(); ++i)
    if (tx.outputs[i].script_public_key.script.size() > params_.max_script_public_key_len)
      return rule("transaction output #" + std::to_string(i) + " script public key is above " +
                  std::to_string(params_.max_script_public_key_len) + " bytes");
  // Coinbase shape.
  if (coinbase) {
    if (!tx.inputs.empty())
      return rule("coinbase transaction has " + std::to_string(tx.inputs.size()) +
                  " inputs while none are expected");
    if (tx.storage_mass > 0) return rule("coinbase mass commitment field is not zero");
    const std::uint64_t limit = params_.ghostdag_k + 2;
    if (tx.outputs.size() > limit)
      return rule("coinbase transaction has " + std::to_string(tx.outputs.size()) +
                  " outputs while at most " + std::to_string(limit) + " are expected");
    for (std::size_t i = 0; i < tx.outputs.size(); ++i)
      if (tx.outputs[i].script_public_key.script.size() > params_.coinbase_script_public_key_max_len)
        return rule("script public key of coinbase output #" + std::to_string(i) + " is too long");
    if (tx.payload.size() > params_.coinbase_payload_max_len)
      return rule("coinbase payload length is " + std::to_string(tx.payload.size()) +
                  " while the maximum allowed length is " + std::to_string(params_.coinbase_payload_max_len));
    if (tx.payload.size() < params_.coinbase_payload_min_len)
      return rule("coinbase payload length is " + std::to_string(tx.payload.size()) +
                  " while the minimum allowed length is " + std::to_string(params_.coinbase_payload_min_len));
  }
  // Output values.
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
    const std::uint64_t v = tx.outputs[i].value;
    if (v == 0) return rule("transaction output " + std::to_string(i) + " has zero value");
    if (v > kaspa::kMaxSompi)
      return rule("transaction output " + std::to_string(i) + " value is higher than the max allowed of " +
                  std::to_string(kaspa::kMaxSompi));
    total += v;  // both terms ≤ MAX_SOMPI after the checks, so no overflow
    if (total > kaspa::kMaxSompi)
      return rule("transaction total outputs value is higher than the max allowed of " +
                  std::to_string(kaspa::kMaxSompi));
  }
  // Duplicate inputs.
  if (tx.inputs.size() > 1) {
    std::set<kaspa::Outpoint> seen;
    for (const auto& in : tx.inputs)
      if (!seen.insert(in.previous_outpoint).second) return rule("transaction has duplicate inputs");
  }
  // Gas and subnetwork.
  const bool lane_tx = params_.toccata && tx.version >= kaspa::kTxVersionToccata && is_user_lane(tx.subnetwork_id);
  if (tx.gas > 0 && !lane_tx) return rule("transaction has non zero gas value");
  if (!coinbase && !(tx.subnetwork_id == kaspa::subnetwork_native()) && !lane_tx)
    return rule("transaction subnetwork id " + core::to_hex(tx.subnetwork_id) +
                " is neither native nor coinbase");
  // Version.
  const std::uint16_t max_version = params_.toccata ? kaspa::kTxVersionToccata : kaspa::kTxVersionClassic;
  if (tx.version > max_version) return rule("transaction version " + std::to_string(tx.version) + " is unknown");
  return check_version_fields(tx);
}

core::Result<void> TxValidator::check_version_fields(const kaspa::Transaction& tx) const {
  const bool v1 = tx.version >= kaspa::kTxVersionToccata;
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    const auto& cc = tx.inputs[i].compute_commit;
    if (v1) {
      if (auto* s = std::get_if<kaspa::SigOpCount>(&cc))
        return rule("transaction input #" + std::to_string(i) + " has a sig op count field with value " +
                    std::to_string(s->value) + " in version 1 transaction");
    } else if (auto* c = std::get_if<kaspa::ComputeBudget>(&cc)) {
      return rule("transaction input #" + std::to_string(i) + " has a compute mass commitment field with value " +
                  std::to_string(c->value) + " in version 0 transaction");
    }
  }
  if (!v1) {
    for (std::size_t i = 0; i < tx.outputs.size(); ++i)
      if (tx.outputs[i].covenant)
        return rule("transaction output #" + std::to_string(i) +
                    " has covenant field but transaction version is below 1");
  }
  return {};
}

// --- header context -------------------------------------------------------------------------------------------

core::Result<void> TxValidator::validate_in_header_context(const kaspa::Transaction& tx, std::uint64_t daa_score,
                                                           std::uint64_t past_median_time_ms) const {
  if (kaspa::is_final(tx, daa_score, past_median_time_ms)) return {};
  for (std::size_t i = 0; i < tx.inputs.size(); ++i)
    if (tx.inputs[i].sequence != kaspa::kMaxTxInSequenceNum)
      return core::make_error(ErrorCode::kOutOfRange,
                              "transaction input #" + std::to_string(i) + " is not finalized");
  return core::make_error(ErrorCode::kOutOfRange, "transaction is not finalized");
}

// --- UTXO context ---------------------------------------------------------------------------------------------

core::Result<std::vector<kaspa::UtxoEntry>> TxValidator::populate(const kaspa::Transaction& tx,
                                                                  const UtxoView& view) const {
  std::vector<kaspa::UtxoEntry> entries;
  entries.reserve(tx.inputs.size());
  for (const auto& in : tx.inputs) {
    auto e = view.get(in.previous_outpoint);
    if (!e)
      return core::make_error(ErrorCode::kNotFound,
                              "missing UTXO entry for outpoint " + outpoint_to_string(in.previous_outpoint));
    entries.push_back(std::move(*e));
  }
  return entries;
}

core::Result<TxUtxoCheck> TxValidator::validate_populated(const kaspa::Transaction& tx,
                                                          std::vector<kaspa::UtxoEntry> entries,
                                                          const TxValidationContext& ctx) const {
  if (entries.size() != tx.inputs.size())
    return core::make_error(ErrorCode::kInternal, "tx validator: entry count does not match the input count");
  TxUtxoCheck out;
  if (tx.is_coinbase()) {
    // A coinbase spends nothing; its outputs are checked against the expected coinbase by the block processor.
    for (const auto& o : tx.outputs) out.total_out += o.value;
    return out;
  }
  // Coinbase maturity.
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (e.is_coinbase && e.block_daa_score + ctx.coinbase_maturity > ctx.pov_daa_score)
      return core::make_error(
          ErrorCode::kOutOfRange,
          "transaction input #" + std::to_string(i) + " tried to spend coinbase outpoint " +
              outpoint_display(tx.inputs[i].previous_outpoint) + " with daa score of " +
              std::to_string(e.block_daa_score) + " while the merging block daa score is " +
              std::to_string(ctx.pov_daa_score) + " and the coinbase maturity period of " +
              std::to_string(ctx.coinbase_maturity) + " hasn't passed yet");
  }
  // Input amounts.
  std::uint64_t total_in = 0;
  for (const auto& e : entries) {
    if (total_in > UINT64_MAX - e.amount) return rule("transaction total inputs spending amount overflowed u64");
    total_in += e.amount;
    if (total_in > kaspa::kMaxSompi)
      return rule("transaction total inputs spending amount is higher than the max allowed of " +
                  std::to_string(kaspa::kMaxSompi));
  }
  // Outputs (ranges were checked in isolation; guard anyway).
  std::uint64_t total_out = 0;
  for (const auto& o : tx.outputs) {
    if (total_out > UINT64_MAX - o.value) return rule("transaction total outputs value overflowed u64");
    total_out += o.value;
  }
  if (total_in < total_out)
    return rule("transaction tries to spend " + std::to_string(total_out) + " while its total inputs amount is " +
                std::to_string(total_in));
  out.total_in = total_in;
  out.total_out = total_out;
  out.fee = total_in - total_out;
  // Storage mass.
  auto storage = kaspa::calc_storage_mass(tx, entries);
  if (!storage) return rule("contextual mass (including storage mass) is incomputable");
  out.storage_mass = *storage;
  if (ctx.check_mass_commitment && tx.storage_mass != *storage)
    return rule("calculated contextual mass (including storage mass) " + std::to_string(*storage) +
                " is not equal to the committed mass field " + std::to_string(tx.storage_mass));
  // Sequence locks (relative DAA-score locks).
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    const std::uint64_t seq = tx.inputs[i].sequence;
    if (seq & kaspa::kSequenceLockTimeDisabled) continue;
    const auto relative = static_cast<std::int64_t>(seq & kaspa::kSequenceLockTimeMask);
    const std::int64_t lock = static_cast<std::int64_t>(entries[i].block_daa_score) + relative - 1;
    if (lock >= static_cast<std::int64_t>(ctx.pov_daa_score))
      return core::make_error(ErrorCode::kOutOfRange, "one of the transaction sequence locks conditions was not met");
  }
  // Scripts (v0: sig-op limits; v1: compute-budget metering, both inside the engine).
  if (!ctx.skip_script_check) {
    kaspa::SigHashCache cache(tx, entries);
    for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
      kaspa::ScriptEngine engine(cache, i);
      auto r = engine.execute();
      if (!r.ok()) {
        const std::string prefix = tx.inputs[i].signature_script.empty()
                                       ? "failed to verify empty signature script. Inner error: "
                                       : "failed to verify the signature script: ";
        return core::make_error(ErrorCode::kVerifyFailed, prefix + r.error().message);
      }
    }
  }
  out.entries = std::move(entries);
  return out;
}

core::Result<TxUtxoCheck> TxValidator::validate_in_utxo_context(const kaspa::Transaction& tx, const UtxoView& view,
                                                                const TxValidationContext& ctx) const {
  IGRA_TRY_VOID(validate_in_header_context(tx, ctx.pov_daa_score, ctx.past_median_time_ms));
  IGRA_TRY(auto entries, populate(tx, view));
  return validate_populated(tx, std::move(entries), ctx);
}

// --- standardness ---------------------------------------------------------------------------------------------

StandardnessPolicy StandardnessPolicy::crescendo() { return StandardnessPolicy{}; }

StandardnessPolicy StandardnessPolicy::toccata_rules() {
  StandardnessPolicy p;
  p.toccata = true;
  p.max_standard_tx_version = kaspa::kTxVersionToccata;
  p.minimum_relay_fee_per_kg = kaspa::kMinimumRelayFeePerKgToccata;
  p.max_standard_compute_mass = kaspa::kBlockComputeMassLimit;
  p.max_standard_transient_mass = kaspa::kBlockTransientMassLimit;
  p.max_standard_storage_mass = kaspa::kBlockStorageMassLimit;
  p.max_standard_signature_script_size = 0;
  p.check_dust = false;
  return p;
}

std::uint64_t policy_minimum_fee(const StandardnessPolicy& policy, const kaspa::NonContextualMasses& masses) {
  if (policy.toccata) {
    const std::uint64_t half_transient = (masses.transient_mass + 1) / 2;
    const std::uint64_t m = std::max(masses.compute_mass, half_transient);
    return kaspa::minimum_required_relay_fee(m, policy.minimum_relay_fee_per_kg);
  }
  return kaspa::minimum_required_relay_fee(masses.compute_mass, policy.minimum_relay_fee_per_kg);
}

core::Result<void> check_standard_in_isolation(const kaspa::Transaction& tx, const kaspa::TransactionId& tx_id,
                                               const StandardnessPolicy& policy) {
  if (tx.version > policy.max_standard_tx_version)
    return rule(non_standard(tx_id, "transaction version " + std::to_string(tx.version) +
                                        " is not in the valid range of 0-" +
                                        std::to_string(policy.max_standard_tx_version)));
  const auto masses = kaspa::calc_non_contextual_masses(tx);
  if (masses.compute_mass > policy.max_standard_compute_mass)
    return rule(non_standard(tx_id, "transaction mass of " + std::to_string(masses.compute_mass) +
                                        " is larger than max allowed size of " +
                                        std::to_string(policy.max_standard_compute_mass)));
  if (masses.transient_mass > policy.max_standard_transient_mass)
    return rule(non_standard(tx_id, "transaction transient mass of " + std::to_string(masses.transient_mass) +
                                        " is larger than max allowed size of " +
                                        std::to_string(policy.max_standard_transient_mass)));
  if (policy.max_standard_signature_script_size > 0) {
    for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
      const std::size_t len = tx.inputs[i].signature_script.size();
      if (len > policy.max_standard_signature_script_size)
        return rule(non_standard(tx_id, "transaction input #" + std::to_string(i) + ": signature script size of " +
                                            std::to_string(len) +
                                            " bytes is larger than the maximum allowed size of " +
                                            std::to_string(policy.max_standard_signature_script_size) + " bytes"));
    }
  }
  for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
    const auto& o = tx.outputs[i];
    if (o.script_public_key.version > kaspa::kMaxScriptPublicKeyVersion)
      return rule(non_standard(tx_id, "transaction output #" + std::to_string(i) +
                                          ": the version of the scriptPublicKey is higher than the known version"));
    if (kaspa::classify_script_public_key(o.script_public_key) == kaspa::ScriptClass::kNonStandard)
      return rule(non_standard(tx_id, "transaction output #" + std::to_string(i) + ": non-standard script form"));
    if (policy.check_dust && kaspa::is_output_dust(o, policy.minimum_relay_fee_per_kg))
      return rule(non_standard(tx_id, "transaction output #" + std::to_string(i) + ": payment of " +
                                          std::to_string(o.value) + " is dust"));
  }
  if (policy.toccata && tx.gas > policy.max_lane_gas)
    return rule(non_standard(tx_id, "transaction gas of " + std::to_string(tx.gas) +
                                        " is larger than the lane limit of " + std::to_string(policy.max_lane_gas)));
  return {};
}

core::Result<void> check_standard_in_context(const kaspa::Transaction& tx, const kaspa::TransactionId& tx_id,
                                             const TxUtxoCheck& check, const StandardnessPolicy& policy) {
  if (check.storage_mass > policy.max_standard_storage_mass)
    return rule(non_standard(tx_id, "transaction mass in context (including storage mass) of " +
                                        std::to_string(check.storage_mass) + " is larger than max allowed size of " +
                                        std::to_string(policy.max_standard_storage_mass)));
  for (std::size_t i = 0; i < tx.inputs.size() && i < check.entries.size(); ++i) {
    const auto& spk = check.entries[i].script_public_key;
    const auto cls = kaspa::classify_script_public_key(spk);
    if (cls == kaspa::ScriptClass::kNonStandard)
      return rule(non_standard(tx_id, "transaction input " + std::to_string(i) + ": non-standard script form"));
    if (cls == kaspa::ScriptClass::kScriptHash) {
      const std::uint64_t n = sig_op_count_upper_bound(tx.inputs[i].signature_script, spk);
      if (n > policy.max_standard_p2sh_sig_ops)
        return rule(non_standard(tx_id, "transaction input #" + std::to_string(i) + " has " + std::to_string(n) +
                                            " signature operations which is more than the allowed max amount of " +
                                            std::to_string(policy.max_standard_p2sh_sig_ops)));
    }
  }
  const auto masses = kaspa::calc_non_contextual_masses(tx);
  const std::uint64_t min_fee = policy_minimum_fee(policy, masses);
  if (check.fee < min_fee)
    return rule(non_standard(tx_id, "transaction has " + std::to_string(check.fee) +
                                        " fees which is under the required amount of " + std::to_string(min_fee)));
  return {};
}

}  // namespace igra::simnet
