#include "kaspa/multisig_sign.hpp"

#include <string>

#include "kaspa/script_builder.hpp"
#include "kaspa/script_engine.hpp"
#include "kaspa/script_opcodes.hpp"

namespace igra::kaspa {

namespace op = opcodes;

namespace {

// Value of a small-integer opcode (OP_0, OP_1..OP_16) or of a minimally pushed script number.
core::Result<std::int64_t> read_int(const op::Instruction& ins) {
  if (ins.opcode == op::kOp0) return std::int64_t{0};
  if (ins.opcode >= op::kOp1 && ins.opcode <= op::kOp16) return std::int64_t{ins.opcode - (op::kOp1 - 1)};
  if (ins.opcode >= op::kOpData1 && ins.opcode <= op::kOpPushData4) return decode_script_num(ins.data, 4);
  return core::make_error("not an integer push");
}

// Lock-time operand as OP_CHECKLOCKTIMEVERIFY reads it (<= 8 bytes little-endian).
core::Result<std::uint64_t> read_lock_time(const op::Instruction& ins) {
  if (ins.opcode == op::kOp0) return std::uint64_t{0};
  if (ins.opcode >= op::kOp1 && ins.opcode <= op::kOp16) return std::uint64_t(ins.opcode - (op::kOp1 - 1));
  if (ins.opcode == op::kOp1Negate) return std::uint64_t{0x81};
  if (ins.opcode >= op::kOpData1 && ins.opcode <= op::kOpPushData4 && ins.data.size() <= 8) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < ins.data.size(); ++i) v |= static_cast<std::uint64_t>(ins.data[i]) << (8 * i);
    return v;
  }
  return core::make_error("not a lock-time push");
}

}  // namespace

core::Result<MultisigRedeemScript> parse_multisig_redeem_script(core::ByteView redeem_script) {
  auto parsed = parse_script(redeem_script);
  if (!parsed) return parsed.error().context("multisig redeem script");
  const auto& ins = *parsed;
  MultisigRedeemScript out;
  std::size_t i = 0;
  if (ins.size() >= 2 && ins[1].opcode == op::kOpCheckLockTimeVerify) {
    auto lt = read_lock_time(ins[0]);
    if (!lt) return core::make_error("multisig redeem script: bad lock-time operand");
    out.lock_time = *lt;
    i = 2;
  }
  if (ins.size() < i + 3) return core::make_error("multisig redeem script: too short");
  auto m = read_int(ins[i]);
  if (!m || *m < 0) return core::make_error("multisig redeem script: bad required-signature count");
  const auto& last = ins.back();
  if (last.opcode != op::kOpCheckMultiSig && last.opcode != op::kOpCheckMultiSigEcdsa)
    return core::make_error("multisig redeem script: does not end with OP_CHECKMULTISIG(ECDSA)");
  out.ecdsa = last.opcode == op::kOpCheckMultiSigEcdsa;
  auto n = read_int(ins[ins.size() - 2]);
  if (!n || *n < 1) return core::make_error("multisig redeem script: bad key count");
  const std::size_t key_len = out.ecdsa ? 33 : 32;
  const std::size_t first_key = i + 1, end_keys = ins.size() - 2;
  if (end_keys < first_key || end_keys - first_key != static_cast<std::size_t>(*n))
    return core::make_error("multisig redeem script: key count " + std::to_string(*n) + " does not match " +
                            std::to_string(end_keys >= first_key ? end_keys - first_key : 0) + " key pushes");
  for (std::size_t k = first_key; k < end_keys; ++k) {
    if (ins[k].opcode != key_len || ins[k].data.size() != key_len)
      return core::make_error("multisig redeem script: item " + std::to_string(k) + " is not a " +
                              std::to_string(key_len) + "-byte key push");
    out.keys.emplace_back(ins[k].data.begin(), ins[k].data.end());
  }
  if (*m > *n) return core::make_error("multisig redeem script: requires more signatures than keys");
  out.required = static_cast<std::size_t>(*m);
  return out;
}

core::Result<core::Bytes> input_signature_schnorr(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                             std::size_t input_index, const crypto::SecretKey& key,
                                             SigHashType type, const core::Hash32& aux_rand) {
  IGRA_TRY(core::Hash32 hash, schnorr_sighash(tx, utxos, input_index, type));
  IGRA_TRY(crypto::Signature64 sig, crypto::schnorr_sign(hash, key, aux_rand));
  core::Bytes out(sig.begin(), sig.end());
  out.push_back(static_cast<std::uint8_t>(type));
  return out;
}

core::Result<core::Bytes> input_signature_ecdsa(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                           std::size_t input_index, const crypto::SecretKey& key, SigHashType type) {
  IGRA_TRY(core::Hash32 hash, ecdsa_sighash(tx, utxos, input_index, type));
  IGRA_TRY(crypto::Signature64 sig, crypto::ecdsa_sign_compact(hash, key));
  core::Bytes out(sig.begin(), sig.end());
  out.push_back(static_cast<std::uint8_t>(type));
  return out;
}

core::Result<PartialSignature> create_partial_signature(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                                        std::size_t input_index, core::ByteView redeem_script,
                                                        const crypto::SecretKey& key, SigHashType type) {
  IGRA_TRY(MultisigRedeemScript ms, parse_multisig_redeem_script(redeem_script));
  PartialSignature out;
  if (ms.ecdsa) {
    IGRA_TRY(crypto::CompressedPublicKey pub, crypto::ecdsa_public_key_compressed(key));
    out.public_key.assign(pub.begin(), pub.end());
  } else {
    IGRA_TRY(crypto::XOnlyPublicKey pub, crypto::schnorr_public_key(key));
    out.public_key.assign(pub.begin(), pub.end());
  }
  bool found = false;
  for (const auto& k : ms.keys) found = found || k == out.public_key;
  if (!found) return core::make_error("multisig: signing key is not one of the redeem script's keys");
  if (ms.ecdsa) {
    IGRA_TRY(out.signature, input_signature_ecdsa(tx, utxos, input_index, key, type));
  } else {
    IGRA_TRY(out.signature, input_signature_schnorr(tx, utxos, input_index, key, type));
  }
  return out;
}

core::Result<core::Bytes> combine_multisig_signatures(core::ByteView redeem_script,
                                                      std::span<const PartialSignature> partials) {
  IGRA_TRY(MultisigRedeemScript ms, parse_multisig_redeem_script(redeem_script));
  std::vector<const core::Bytes*> by_key(ms.keys.size(), nullptr);
  for (const auto& p : partials) {
    if (p.signature.size() != 65)
      return core::make_error("multisig: signature of " + std::to_string(p.signature.size()) +
                              " bytes, expected 65 (64 + sighash type)");
    std::size_t k = 0;
    while (k < ms.keys.size() && ms.keys[k] != p.public_key) ++k;
    if (k == ms.keys.size()) return core::make_error("multisig: signature from a key not in the redeem script");
    if (by_key[k] == nullptr) by_key[k] = &p.signature;
  }
  std::vector<core::Bytes> ordered;
  for (std::size_t k = 0; k < ms.keys.size() && ordered.size() < ms.required; ++k)
    if (by_key[k]) ordered.push_back(*by_key[k]);
  if (ordered.size() < ms.required)
    return core::make_error("multisig: " + std::to_string(ordered.size()) + " distinct signers, " +
                            std::to_string(ms.required) + " required");
  return p2sh_signature_script(redeem_script, std::span<const core::Bytes>(ordered));
}

}  // namespace igra::kaspa
