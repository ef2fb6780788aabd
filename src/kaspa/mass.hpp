#pragma once
// Transaction masses (rusty-kaspa consensus/core/src/mass/mod.rs), minimum relay fees and dust
// (mining/src/mempool/check_transaction_standard.rs). kaspa-protocol.md §8.
#include <cstdint>
#include <optional>
#include <span>

#include "kaspa/transaction.hpp"

namespace igra::kaspa {

inline constexpr std::uint64_t kMassPerTxByte = 1;
inline constexpr std::uint64_t kMassPerScriptPubKeyByte = 10;
inline constexpr std::uint64_t kGramsPerSigOpCountUnit = 1000;   // v0: per sig_op_count
inline constexpr std::uint64_t kGramsPerComputeBudgetUnit = 100;  // v1: per compute_budget
inline constexpr std::uint64_t kTransientByteToMassFactor = 4;
inline constexpr std::uint64_t kStorageMassParameter = 1'000'000'000'000ull;  // C = 10^12
// Compute budget rusty-kaspa's signer commits per Schnorr input in v1 txs (sign.rs), sig-op count for v0.
inline constexpr std::uint16_t kStandardComputeBudgetPerSignature = 10;
inline constexpr std::uint8_t kStandardSigOpCountPerSignature = 1;

// Block limits (Toccata): compute 500k, storage 500k, transient 1M; pre-Toccata transient 500k.
inline constexpr std::uint64_t kBlockComputeMassLimit = 500'000;
inline constexpr std::uint64_t kBlockStorageMassLimit = 500'000;
inline constexpr std::uint64_t kBlockTransientMassLimit = 1'000'000;
inline constexpr std::uint64_t kBlockTransientMassLimitCrescendo = 500'000;
// Crescendo-era mempool standardness limit for every mass dimension.
inline constexpr std::uint64_t kMaxStandardTransactionMassCrescendo = 100'000;

// Estimated serialized size (the "size" term of compute and transient mass). Not the hashing size: no sig-op
// byte, +2 per input for v1, +34 per covenant output, plus a phantom 32-byte payload-hash term.
std::uint64_t transaction_estimated_serialized_size(const Transaction& tx) noexcept;
std::uint64_t transaction_output_estimated_serialized_size(const TransactionOutput& out) noexcept;

struct NonContextualMasses {
  std::uint64_t compute_mass = 0;
  std::uint64_t transient_mass = 0;
  friend bool operator==(const NonContextualMasses&, const NonContextualMasses&) = default;
};
// compute = size + 10 * Σ(2 + len(spk)) + (v0: 1000 * Σ sig_op_count | v1: 100 * Σ compute_budget);
// transient = 4 * size. Coinbase: both 0.
NonContextualMasses calc_non_contextual_masses(const Transaction& tx) noexcept;

// Storage "plurality": ceil((63 + len(spk) [+ 32 with a covenant id]) / 100); 1 for every standard script.
std::uint64_t utxo_plurality(const ScriptPublicKey& spk, bool has_covenant_id) noexcept;

struct UtxoCell {
  std::uint64_t plurality = 1;
  std::uint64_t amount = 0;
};
// KIP-9 storage mass (generalized with pluralities). nullopt = incomputable (an overflow, or a zero amount where
// it divides); callers treat that as "too high". Relaxed path when |O| = 1, |I| = 1 or |O| = |I| = 2 (in
// plurality units): max(0, Σout C·p²/v − Σin C·p²/a); otherwise max(0, Σout C·p²/v − |I|·(C / (Σa / |I|))).
std::optional<std::uint64_t> calc_storage_mass(bool is_coinbase, std::span<const UtxoCell> inputs,
                                               std::span<const UtxoCell> outputs,
                                               std::uint64_t storage_mass_parameter = kStorageMassParameter);
// The same for a transaction and the entries its inputs spend (entries.size() must equal the input count,
// otherwise nullopt).
std::optional<std::uint64_t> calc_storage_mass(const Transaction& tx, std::span<const UtxoEntry> entries);

// Minimum relay fee (sompi) for a mass, at `fee_per_kg` sompi per 1000 grams: mass * fee_per_kg / 1000, or
// fee_per_kg when that is 0, capped at kMaxSompi.
std::uint64_t minimum_required_relay_fee(std::uint64_t mass, std::uint64_t fee_per_kg) noexcept;
inline constexpr std::uint64_t kMinimumRelayFeePerKgCrescendo = 1'000;
inline constexpr std::uint64_t kMinimumRelayFeePerKgToccata = 100'000;
// Crescendo (v1.1.0) mempool: fee >= compute_mass sompi.
std::uint64_t minimum_relay_fee_crescendo(const NonContextualMasses& m) noexcept;
// Toccata (HEAD) mempool: 100 * max(compute, ceil(transient / 2)) = 100 * max(compute, 2 * size).
std::uint64_t minimum_relay_fee_toccata(const NonContextualMasses& m) noexcept;

// True if the script cannot be spent: it starts with OP_RETURN or a push runs past its end.
bool is_unspendable_script(core::ByteView script) noexcept;
// Crescendo-era dust rule: unspendable, or value*1000 / (3*(estimated_output_size + 148)) < fee_per_kg.
bool is_output_dust(const TransactionOutput& out, std::uint64_t fee_per_kg = kMinimumRelayFeePerKgCrescendo) noexcept;

}  // namespace igra::kaspa
