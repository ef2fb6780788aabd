#include "kaspa/mass.hpp"

#include <cstdint>
#include <vector>

namespace igra::kaspa {

namespace {
constexpr std::uint64_t kHashSize = 32;
constexpr std::uint64_t kSubnetworkIdSize = 20;

std::uint64_t input_estimated_size(const TransactionInput& in, std::uint16_t version) noexcept {
  std::uint64_t size = kHashSize + 4;        // outpoint
  size += 8 + in.signature_script.size();   // var-bytes signature script
  size += 8;                                 // sequence
  if (version >= kTxVersionToccata) size += 2;  // compute budget
  return size;
}
}  // namespace

std::uint64_t transaction_output_estimated_serialized_size(const TransactionOutput& out) noexcept {
  std::uint64_t size = 8 + 2 + 8 + out.script_public_key.script.size();
  if (out.covenant) size += 2 + kHashSize;
  return size;
}

std::uint64_t transaction_estimated_serialized_size(const Transaction& tx) noexcept {
  std::uint64_t size = 2 + 8;
  for (const auto& in : tx.inputs) size += input_estimated_size(in, tx.version);
  size += 8;
  for (const auto& out : tx.outputs) size += transaction_output_estimated_serialized_size(out);
  size += 8 + kSubnetworkIdSize + 8;
  size += kHashSize;  // payload hash
  size += 8 + tx.payload.size();
  return size;
}

NonContextualMasses calc_non_contextual_masses(const Transaction& tx) noexcept {
  if (tx.is_coinbase()) return {};
  const std::uint64_t size = transaction_estimated_serialized_size(tx);
  std::uint64_t spk_bytes = 0;
  for (const auto& out : tx.outputs) spk_bytes += 2 + out.script_public_key.script.size();
  std::uint64_t script_mass = 0;
  if (tx.version >= kTxVersionToccata) {
    for (const auto& in : tx.inputs) script_mass += in.compute_budget();
    script_mass *= kGramsPerComputeBudgetUnit;
  } else {
    for (const auto& in : tx.inputs) script_mass += in.sig_op_count();
    script_mass *= kGramsPerSigOpCountUnit;
  }
  NonContextualMasses m;
  m.compute_mass = size * kMassPerTxByte + spk_bytes * kMassPerScriptPubKeyByte + script_mass;
  m.transient_mass = size * kTransientByteToMassFactor;
  return m;
}

std::uint64_t utxo_plurality(const ScriptPublicKey& spk, bool has_covenant_id) noexcept {
  constexpr std::uint64_t kUtxoConstStorage = 32 + 4 + 8 + 8 + 1 + 2 + 8;  // 63
  constexpr std::uint64_t kUtxoUnitSize = 100;
  const std::uint64_t bytes = kUtxoConstStorage + spk.script.size() + (has_covenant_id ? kHashSize : 0);
  return (bytes + kUtxoUnitSize - 1) / kUtxoUnitSize;
}

namespace {
bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) noexcept {
  return !__builtin_mul_overflow(a, b, &out);
}
bool checked_add(std::uint64_t a, std::uint64_t b, std::uint64_t& out) noexcept {
  return !__builtin_add_overflow(a, b, &out);
}
}  // namespace

std::optional<std::uint64_t> calc_storage_mass(bool is_coinbase, std::span<const UtxoCell> inputs,
                                               std::span<const UtxoCell> outputs,
                                               std::uint64_t storage_mass_parameter) {
  if (is_coinbase) return 0;
  std::uint64_t outs_plurality = 0;
  std::uint64_t harmonic_outs = 0;
  for (const auto& o : outputs) {
    std::uint64_t t;
    if (!checked_mul(storage_mass_parameter, o.plurality, t) || !checked_mul(t, o.plurality, t)) return std::nullopt;
    if (o.amount == 0) return std::nullopt;
    if (!checked_add(outs_plurality, o.plurality, outs_plurality)) return std::nullopt;
    if (!checked_add(harmonic_outs, t / o.amount, harmonic_outs)) return std::nullopt;
  }

  bool relaxed = false;
  if (outs_plurality == 1) {
    relaxed = true;
  } else if (inputs.size() > 2) {
    relaxed = false;
  } else {
    std::uint64_t ins_plurality = 0;
    for (const auto& i : inputs) ins_plurality += i.plurality;
    relaxed = ins_plurality == 1 || (outs_plurality == 2 && ins_plurality == 2);
  }

  if (relaxed) {
    std::uint64_t harmonic_ins = 0;
    for (const auto& i : inputs) {
      std::uint64_t t;
      if (!checked_mul(storage_mass_parameter, i.plurality, t) || !checked_mul(t, i.plurality, t)) return std::nullopt;
      if (i.amount == 0) return std::nullopt;
      const std::uint64_t term = t / i.amount;
      harmonic_ins = (harmonic_ins > UINT64_MAX - term) ? UINT64_MAX : harmonic_ins + term;  // saturating
    }
    return harmonic_outs > harmonic_ins ? harmonic_outs - harmonic_ins : 0;
  }

  std::uint64_t ins_plurality = 0;
  std::uint64_t sum_ins = 0;
  for (const auto& i : inputs) {
    if (!checked_add(ins_plurality, i.plurality, ins_plurality) || !checked_add(sum_ins, i.amount, sum_ins))
      return std::nullopt;
  }
  if (ins_plurality == 0) return std::nullopt;
  const std::uint64_t mean_ins = sum_ins / ins_plurality;
  if (mean_ins == 0) return std::nullopt;
  std::uint64_t arithmetic_ins;
  if (!checked_mul(ins_plurality, storage_mass_parameter / mean_ins, arithmetic_ins)) arithmetic_ins = UINT64_MAX;
  return harmonic_outs > arithmetic_ins ? harmonic_outs - arithmetic_ins : 0;
}

std::optional<std::uint64_t> calc_storage_mass(const Transaction& tx, std::span<const UtxoEntry> entries) {
  if (entries.size() != tx.inputs.size()) return std::nullopt;
  std::vector<UtxoCell> ins;
  ins.reserve(entries.size());
  for (const auto& e : entries) ins.push_back({utxo_plurality(e.script_public_key, e.covenant_id.has_value()), e.amount});
  std::vector<UtxoCell> outs;
  outs.reserve(tx.outputs.size());
  for (const auto& o : tx.outputs) outs.push_back({utxo_plurality(o.script_public_key, o.covenant.has_value()), o.value});
  return calc_storage_mass(tx.is_coinbase(), ins, outs);
}

std::uint64_t minimum_required_relay_fee(std::uint64_t mass, std::uint64_t fee_per_kg) noexcept {
  std::uint64_t product;
  std::uint64_t fee = checked_mul(mass, fee_per_kg, product) ? product / 1000 : kMaxSompi;
  if (fee == 0) fee = fee_per_kg;
  return fee < kMaxSompi ? fee : kMaxSompi;
}

std::uint64_t minimum_relay_fee_crescendo(const NonContextualMasses& m) noexcept {
  return minimum_required_relay_fee(m.compute_mass, kMinimumRelayFeePerKgCrescendo);
}

std::uint64_t minimum_relay_fee_toccata(const NonContextualMasses& m) noexcept {
  // Mempool cofactor for transient mass = compute limit / transient limit = 500k / 1M = 1/2, rounded up.
  const std::uint64_t normalized_transient = m.transient_mass / 2 + (m.transient_mass & 1);
  const std::uint64_t fee_mass = m.compute_mass > normalized_transient ? m.compute_mass : normalized_transient;
  return minimum_required_relay_fee(fee_mass, kMinimumRelayFeePerKgToccata);
}

bool is_unspendable_script(core::ByteView script) noexcept {
  constexpr std::uint8_t kOpReturn = 0x6a;
  constexpr std::uint8_t kOpPushData1 = 0x4c, kOpPushData2 = 0x4d, kOpPushData4 = 0x4e;
  if (!script.empty() && script[0] == kOpReturn) return true;
  std::size_t i = 0;
  while (i < script.size()) {
    const std::uint8_t op = script[i++];
    std::uint64_t len = 0;
    if (op >= 0x01 && op <= 0x4b) {
      len = op;
    } else if (op == kOpPushData1 || op == kOpPushData2 || op == kOpPushData4) {
      const std::size_t n = op == kOpPushData1 ? 1 : op == kOpPushData2 ? 2 : 4;
      if (script.size() - i < n) return true;
      for (std::size_t k = 0; k < n; ++k) len |= static_cast<std::uint64_t>(script[i + k]) << (8 * k);
      i += n;
    }
    if (script.size() - i < len) return true;
    i += static_cast<std::size_t>(len);
  }
  return false;
}

bool is_output_dust(const TransactionOutput& out, std::uint64_t fee_per_kg) noexcept {
  if (is_unspendable_script(out.script_public_key.script)) return true;
  const std::uint64_t total = transaction_output_estimated_serialized_size(out) + 148;
  const unsigned __int128 v = static_cast<unsigned __int128>(out.value) * 1000u / (3u * static_cast<unsigned __int128>(total));
  return v < fee_per_kg;
}

}  // namespace igra::kaspa
