#pragma once
// Transaction validation for the simnet: consensus rules in isolation, in header context (lock-time
// finality) and in UTXO context (rusty-kaspa consensus/src/processes/transaction_validator/*), and the mempool's
// standardness rules (mining/src/mempool/check_transaction_standard.rs). kaspa-protocol.md §2, §4.5, §6.3, §8.
//
// Error messages use rusty-kaspa's TxRuleError / NonStandardError wording. Error codes:
//   kNotFound      an input's outpoint has no UTXO entry ("missing UTXO entry for outpoint <txid>:<i>"): an
//                  orphan for the mempool, a not-accepted tx for consensus
//   kOutOfRange    a rule that time can fix: lock time not final, sequence lock, immature coinbase spend
//   kVerifyFailed  a script failed ("failed to verify the signature script: <EngineErrorName>: ...")
//   kInvalidArgument every other violation (shape, amounts, masses, standardness)
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "kaspa/mass.hpp"
#include "kaspa/transaction.hpp"
#include "simnet/utxo_view.hpp"

namespace igra::simnet {

struct TxValidatorParams {
  std::size_t max_tx_inputs = 1000;
  std::size_t max_tx_outputs = 1000;
  std::size_t max_signature_script_len = 10'000;
  std::size_t max_script_public_key_len = 10'000;
  std::uint64_t ghostdag_k = 124;                               // coinbase: at most k + 2 outputs
  std::size_t coinbase_script_public_key_max_len = 150;
  std::size_t coinbase_payload_max_len = 204;
  std::size_t coinbase_payload_min_len = 19;                     // u64 ‖ u64 ‖ u16 ‖ u8 (empty script)
  // Toccata (KIP-16/-17/-20/-21): version-1 txs, compute budgets, user lanes with gas.
  bool toccata = false;
};

// The result of a check in UTXO context.
struct TxUtxoCheck {
  std::vector<kaspa::UtxoEntry> entries;  // entries[i] is spent by input i
  std::uint64_t total_in = 0;
  std::uint64_t total_out = 0;
  std::uint64_t fee = 0;
  std::uint64_t storage_mass = 0;         // calculated KIP-9 storage mass
};

// rusty-kaspa's TransactionOutpoint display form: "(<txid>, <index>)".
std::string outpoint_display(const kaspa::Outpoint& outpoint);

// Upper bound of the signature operations an input executes (rusty-kaspa get_sig_op_count_upper_bound): every
// CHECKSIG(-VERIFY/-ECDSA) counts 1, CHECKMULTISIG(-VERIFY/-ECDSA) counts the preceding OP_n (20 otherwise); for a
// P2SH spend the redeem script (the signature script's last push) is counted instead of the SPK.
std::uint64_t sig_op_count_upper_bound(core::ByteView signature_script, const kaspa::ScriptPublicKey& spk);

class TxValidator {
 public:
  explicit TxValidator(TxValidatorParams params = {}) : params_(params) {}
  const TxValidatorParams& params() const noexcept { return params_; }

  // Context-free consensus rules (tx_validation_in_isolation.rs), in rusty-kaspa's order: input count
  // ("transaction has no inputs", "transaction has N inputs where the max allowed is M"), signature script
  // length, output count, SPK length, coinbase shape, output values ("transaction output i has zero value",
  // "... value is higher than the max allowed of ..."), duplicate inputs ("transaction has duplicate inputs"),
  // gas ("transaction has non zero gas value"), subnetwork ("transaction subnetwork id <hex> is neither native
  // nor coinbase"), version ("transaction version N is unknown"); with `toccata`, also the v0/v1 field rules.
  core::Result<void> validate_in_isolation(const kaspa::Transaction& tx) const;

  // Lock-time finality against the accepting block (or virtual): "transaction input #i is not finalized".
  core::Result<void> validate_in_header_context(const kaspa::Transaction& tx, std::uint64_t daa_score,
                                                std::uint64_t past_median_time_ms) const;

  // The entries spent by the inputs. Error (kNotFound): "missing UTXO entry for outpoint <txid>:<i>".
  core::Result<std::vector<kaspa::UtxoEntry>> populate(const kaspa::Transaction& tx, const UtxoView& view) const;

  // UTXO-context rules (tx_validation_in_utxo_context.rs) for a populated tx, in rusty-kaspa's order: coinbase
  // maturity, input amounts, outputs ≤ inputs ("transaction tries to spend X while its total inputs amount is
  // Y"), storage-mass commitment when ctx.check_mass_commitment ("calculated contextual mass (including storage
  // mass) X is not equal to the committed mass field Y"), sequence locks, (Toccata v1: compute budgets cover the
  // sig-op bound), scripts unless ctx.skip_script_check (v0: the kaspa script engine; v1: the engine supports
  // v0 only, so P2PK / P2PK-ECDSA signatures are verified directly over the v1 sighash and other v1 script
  // classes are NOT executed). Returns the fee and the spent entries. A coinbase passes
  // with fee 0 (it spends nothing; the block processor compares it with the expected coinbase).
  core::Result<TxUtxoCheck> validate_populated(const kaspa::Transaction& tx, std::vector<kaspa::UtxoEntry> entries,
                                               const TxValidationContext& ctx) const;

  // validate_in_header_context + populate + validate_populated. What consensus calls for each tx of a merged
  // block (after validate_in_isolation, which a block's txs pass when the block is built).
  core::Result<TxUtxoCheck> validate_in_utxo_context(const kaspa::Transaction& tx, const UtxoView& view,
                                                     const TxValidationContext& ctx) const;

 private:
  core::Result<void> check_version_fields(const kaspa::Transaction& tx) const;
  TxValidatorParams params_;
};

// --- Mempool standardness ---------------------------------------------------------------------------------
struct StandardnessPolicy {
  bool toccata = false;
  std::uint16_t max_standard_tx_version = 0;
  std::uint64_t minimum_relay_fee_per_kg = kaspa::kMinimumRelayFeePerKgCrescendo;
  std::uint64_t max_standard_compute_mass = kaspa::kMaxStandardTransactionMassCrescendo;
  std::uint64_t max_standard_transient_mass = kaspa::kMaxStandardTransactionMassCrescendo;
  std::uint64_t max_standard_storage_mass = kaspa::kMaxStandardTransactionMassCrescendo;
  std::size_t max_standard_signature_script_size = 1650;  // 0 = no limit (Toccata)
  std::uint64_t max_standard_p2sh_sig_ops = 15;
  bool check_dust = true;
  std::uint64_t max_lane_gas = 1'000'000'000;

  // v1.1.0 (Crescendo era) and HEAD (Toccata) end states of kaspa-protocol.md §8.2.
  static StandardnessPolicy crescendo();
  static StandardnessPolicy toccata_rules();
};

// Minimum relay fee of a tx with these masses under `policy`.
std::uint64_t policy_minimum_fee(const StandardnessPolicy& policy, const kaspa::NonContextualMasses& masses);

// Rules without UTXOs: version ("transaction version N is not in the valid range of 0-M"), compute and transient
// mass, signature script size, output SPK version / class / dust, lane gas. Messages are prefixed
// "transaction <id> is not standard: ".
core::Result<void> check_standard_in_isolation(const kaspa::Transaction& tx, const kaspa::TransactionId& tx_id,
                                               const StandardnessPolicy& policy);
// Rules with the spent entries: storage mass, input SPK classes, P2SH sig-op bound, minimum relay fee
// ("transaction has F fees which is under the required amount of M").
core::Result<void> check_standard_in_context(const kaspa::Transaction& tx, const kaspa::TransactionId& tx_id,
                                             const TxUtxoCheck& check, const StandardnessPolicy& policy);

}  // namespace igra::simnet
