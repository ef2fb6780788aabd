#include "kaspa/sighash.hpp"

#include <string>

#include "kaspa/hashing.hpp"

namespace igra::kaspa {

core::Result<SigHashType> sighash_type_from_u8(std::uint8_t v) {
  switch (v) {
    case 0x01:
    case 0x02:
    case 0x04:
    case 0x81:
    case 0x82:
    case 0x84:
      return static_cast<SigHashType>(v);
    default:
      return core::make_error("sighash: invalid sighash type 0x" + std::string(1, "0123456789abcdef"[v >> 4]) +
                              std::string(1, "0123456789abcdef"[v & 0xf]));
  }
}

namespace {

using Blake2b = core::Blake2b;

Blake2b signing_hasher() { return blake2b_domain_hasher(kDomainTransactionSigningHash); }

template <typename Sink>
void hash_script_public_key(HashWriter<Sink>& w, const ScriptPublicKey& spk) {
  w.write_u16(spk.version).write_var_bytes(spk.script);
}

template <typename Sink>
void hash_output(HashWriter<Sink>& w, const TransactionOutput& out, std::uint16_t version) {
  w.write_u64(out.value);
  hash_script_public_key(w, out.script_public_key);
  if (version >= kTxVersionToccata) {
    w.write_bool(out.covenant.has_value());
    if (out.covenant) w.write_u16(out.covenant->authorizing_input).update(out.covenant->covenant_id);
  }
}

core::Hash32 previous_outputs_hash(const Transaction& tx, SigHashType t, SigHashReusedValues& r) {
  if (is_sighash_anyone_can_pay(t)) return {};
  if (!r.previous_outputs_hash) {
    auto h = signing_hasher();
    HashWriter w(h);
    for (const auto& in : tx.inputs) w.update(in.previous_outpoint.transaction_id).write_u32(in.previous_outpoint.index);
    r.previous_outputs_hash = h.finalize32();
  }
  return *r.previous_outputs_hash;
}

core::Hash32 sequences_hash(const Transaction& tx, SigHashType t, SigHashReusedValues& r) {
  if (is_sighash_single(t) || is_sighash_anyone_can_pay(t) || is_sighash_none(t)) return {};
  if (!r.sequences_hash) {
    auto h = signing_hasher();
    HashWriter w(h);
    for (const auto& in : tx.inputs) w.write_u64(in.sequence);
    r.sequences_hash = h.finalize32();
  }
  return *r.sequences_hash;
}

core::Hash32 sig_op_counts_hash(const Transaction& tx, SigHashType t, SigHashReusedValues& r) {
  if (is_sighash_anyone_can_pay(t)) return {};
  if (!r.sig_op_counts_hash) {
    auto h = signing_hasher();
    HashWriter w(h);
    for (const auto& in : tx.inputs) w.write_u8(in.sig_op_count());
    r.sig_op_counts_hash = h.finalize32();
  }
  return *r.sig_op_counts_hash;
}

core::Hash32 payload_hash(const Transaction& tx, SigHashReusedValues& r) {
  if (tx.subnetwork_id == subnetwork_native() && tx.payload.empty()) return {};
  if (!r.payload_hash) {
    auto h = signing_hasher();
    HashWriter(h).write_var_bytes(tx.payload);
    r.payload_hash = h.finalize32();
  }
  return *r.payload_hash;
}

core::Hash32 outputs_hash(const Transaction& tx, SigHashType t, SigHashReusedValues& r, std::size_t input_index) {
  if (is_sighash_none(t)) return {};
  if (is_sighash_single(t)) {
    if (input_index >= tx.outputs.size()) return {};
    auto h = signing_hasher();
    HashWriter w(h);
    hash_output(w, tx.outputs[input_index], tx.version);
    return h.finalize32();
  }
  if (!r.outputs_hash) {
    auto h = signing_hasher();
    HashWriter w(h);
    for (const auto& out : tx.outputs) hash_output(w, out, tx.version);
    r.outputs_hash = h.finalize32();
  }
  return *r.outputs_hash;
}

}  // namespace

core::Result<core::Hash32> schnorr_sighash_for_entry(const Transaction& tx, std::size_t input_index,
                                                     const UtxoEntry& spent, SigHashType type,
                                                     SigHashReusedValues& reused) {
  if (input_index >= tx.inputs.size())
    return core::make_error(core::ErrorCode::kOutOfRange, "sighash: input index " + std::to_string(input_index) +
                                                              " out of range (" + std::to_string(tx.inputs.size()) +
                                                              " inputs)");
  // Validates the type (the enum may hold any byte if cast by a caller).
  auto checked = sighash_type_from_u8(to_u8(type));
  if (!checked) return checked.error();

  const auto& input = tx.inputs[input_index];
  const bool v0 = tx.version < kTxVersionToccata;
  auto h = signing_hasher();
  HashWriter w(h);
  w.write_u16(tx.version).update(previous_outputs_hash(tx, type, reused)).update(sequences_hash(tx, type, reused));
  if (v0) w.update(sig_op_counts_hash(tx, type, reused));
  w.update(input.previous_outpoint.transaction_id).write_u32(input.previous_outpoint.index);
  hash_script_public_key(w, spent.script_public_key);
  w.write_u64(spent.amount).write_u64(input.sequence);
  if (v0) w.write_u8(input.sig_op_count());
  w.update(outputs_hash(tx, type, reused, input_index))
      .write_u64(tx.lock_time)
      .update(tx.subnetwork_id)
      .write_u64(tx.gas)
      .update(payload_hash(tx, reused))
      .write_u8(to_u8(type));
  return h.finalize32();
}

core::Hash32 ecdsa_sighash_from_schnorr(const core::Hash32& schnorr_sighash_value) noexcept {
  auto h = ecdsa_signing_hasher();
  h.update(schnorr_sighash_value.view());
  return h.finalize();
}

core::Result<core::Hash32> ecdsa_sighash_for_entry(const Transaction& tx, std::size_t input_index,
                                                   const UtxoEntry& spent, SigHashType type,
                                                   SigHashReusedValues& reused) {
  IGRA_TRY(auto s, schnorr_sighash_for_entry(tx, input_index, spent, type, reused));
  return ecdsa_sighash_from_schnorr(s);
}

namespace {
core::Result<void> check_utxos(const Transaction& tx, std::span<const UtxoEntry> utxos, std::size_t input_index) {
  if (utxos.size() != tx.inputs.size())
    return core::make_error("sighash: " + std::to_string(utxos.size()) + " utxo entries for " +
                            std::to_string(tx.inputs.size()) + " inputs");
  if (input_index >= tx.inputs.size())
    return core::make_error(core::ErrorCode::kOutOfRange, "sighash: input index " + std::to_string(input_index) +
                                                              " out of range (" + std::to_string(tx.inputs.size()) +
                                                              " inputs)");
  return {};
}
}  // namespace

core::Result<core::Hash32> schnorr_sighash(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                           std::size_t input_index, SigHashType type, SigHashReusedValues& reused) {
  IGRA_TRY_VOID(check_utxos(tx, utxos, input_index));
  return schnorr_sighash_for_entry(tx, input_index, utxos[input_index], type, reused);
}

core::Result<core::Hash32> ecdsa_sighash(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                         std::size_t input_index, SigHashType type, SigHashReusedValues& reused) {
  IGRA_TRY_VOID(check_utxos(tx, utxos, input_index));
  return ecdsa_sighash_for_entry(tx, input_index, utxos[input_index], type, reused);
}

core::Result<core::Hash32> schnorr_sighash(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                           std::size_t input_index, SigHashType type) {
  SigHashReusedValues reused;
  return schnorr_sighash(tx, utxos, input_index, type, reused);
}

core::Result<core::Hash32> ecdsa_sighash(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                         std::size_t input_index, SigHashType type) {
  SigHashReusedValues reused;
  return ecdsa_sighash(tx, utxos, input_index, type, reused);
}

}  // namespace igra::kaspa
