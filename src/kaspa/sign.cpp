#include "kaspa/sign.hpp"

#include <optional>
#include <string>
#include <vector>

#include "kaspa/mass.hpp"

namespace igra::kaspa {

namespace {
constexpr std::uint8_t kOpData32 = 0x20;
constexpr std::uint8_t kOpData33 = 0x21;
constexpr std::uint8_t kOpCheckSig = 0xac;
constexpr std::uint8_t kOpCheckSigEcdsa = 0xab;

std::optional<crypto::XOnlyPublicKey> p2pk_schnorr_key(const ScriptPublicKey& spk) {
  const auto& s = spk.script;
  if (spk.version != 0 || s.size() != 34 || s[0] != kOpData32 || s[33] != kOpCheckSig) return std::nullopt;
  return crypto::XOnlyPublicKey::from_view(core::ByteView(s.data() + 1, 32));
}
std::optional<crypto::CompressedPublicKey> p2pk_ecdsa_key(const ScriptPublicKey& spk) {
  const auto& s = spk.script;
  if (spk.version != 0 || s.size() != 35 || s[0] != kOpData33 || s[34] != kOpCheckSigEcdsa) return std::nullopt;
  return crypto::CompressedPublicKey::from_view(core::ByteView(s.data() + 1, 33));
}
}  // namespace

core::Bytes p2pk_signature_script(const crypto::Signature64& sig, SigHashType type) {
  core::Bytes out;
  out.reserve(66);
  out.push_back(kOpData65);
  out.insert(out.end(), sig.begin(), sig.end());
  out.push_back(to_u8(type));
  return out;
}

core::Result<core::Bytes> sign_input_schnorr(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                             std::size_t input_index, const crypto::SecretKey& key,
                                             SigHashType type, SigHashReusedValues& reused,
                                             const core::Hash32& aux_rand) {
  IGRA_TRY(auto msg, schnorr_sighash(tx, utxos, input_index, type, reused));
  auto sig = crypto::schnorr_sign(msg, key, aux_rand);
  if (!sig) return sig.error().context("sign input " + std::to_string(input_index));
  return p2pk_signature_script(*sig, type);
}

core::Result<core::Bytes> sign_input_schnorr(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                             std::size_t input_index, const crypto::SecretKey& key,
                                             SigHashType type) {
  SigHashReusedValues reused;
  return sign_input_schnorr(tx, utxos, input_index, key, type, reused);
}

core::Result<core::Bytes> sign_input_ecdsa(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                           std::size_t input_index, const crypto::SecretKey& key, SigHashType type,
                                           SigHashReusedValues& reused) {
  IGRA_TRY(auto msg, ecdsa_sighash(tx, utxos, input_index, type, reused));
  auto sig = crypto::ecdsa_sign_compact(msg, key);
  if (!sig) return sig.error().context("sign input " + std::to_string(input_index));
  return p2pk_signature_script(*sig, type);
}

core::Result<core::Bytes> sign_input_ecdsa(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                           std::size_t input_index, const crypto::SecretKey& key,
                                           SigHashType type) {
  SigHashReusedValues reused;
  return sign_input_ecdsa(tx, utxos, input_index, key, type, reused);
}

void set_standard_compute_commits(Transaction& tx) {
  for (auto& in : tx.inputs) {
    if (tx.version >= kTxVersionToccata)
      in.compute_commit = ComputeBudget{kStandardComputeBudgetPerSignature};
    else
      in.compute_commit = SigOpCount{kStandardSigOpCountPerSignature};
  }
}

core::Result<void> sign_transaction(Transaction& tx, std::span<const UtxoEntry> utxos,
                                    std::span<const crypto::SecretKey> keys) {
  if (utxos.size() != tx.inputs.size())
    return core::make_error("sign: " + std::to_string(utxos.size()) + " utxo entries for " +
                            std::to_string(tx.inputs.size()) + " inputs");
  struct KeyInfo {
    crypto::XOnlyPublicKey schnorr;
    crypto::CompressedPublicKey ecdsa;
  };
  std::vector<KeyInfo> infos;
  infos.reserve(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) {
    auto x = crypto::schnorr_public_key(keys[k]);
    if (!x) return x.error().context("sign: key " + std::to_string(k));
    auto c = crypto::ecdsa_public_key_compressed(keys[k]);
    if (!c) return c.error().context("sign: key " + std::to_string(k));
    infos.push_back({*x, *c});
  }

  SigHashReusedValues reused;
  std::vector<core::Bytes> scripts(tx.inputs.size());
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    const auto& spk = utxos[i].script_public_key;
    if (auto x = p2pk_schnorr_key(spk)) {
      std::size_t k = 0;
      while (k < infos.size() && infos[k].schnorr != *x) ++k;
      if (k == infos.size())
        return core::make_error(core::ErrorCode::kNotFound,
                                "sign: no key for the P2PK script spent by input " + std::to_string(i));
      IGRA_TRY(scripts[i], sign_input_schnorr(tx, utxos, i, keys[k], SigHashType::kAll, reused));
    } else if (auto c = p2pk_ecdsa_key(spk)) {
      std::size_t k = 0;
      while (k < infos.size() && infos[k].ecdsa != *c) ++k;
      if (k == infos.size())
        return core::make_error(core::ErrorCode::kNotFound,
                                "sign: no key for the P2PK-ECDSA script spent by input " + std::to_string(i));
      IGRA_TRY(scripts[i], sign_input_ecdsa(tx, utxos, i, keys[k], SigHashType::kAll, reused));
    } else {
      return core::make_error(core::ErrorCode::kUnsupported,
                              "sign: input " + std::to_string(i) + " spends a script that is neither P2PK nor P2PK-ECDSA");
    }
  }
  // Signature scripts are not part of any sighash, so they can be installed after all sighashes are taken.
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) tx.inputs[i].signature_script = std::move(scripts[i]);
  return {};
}

core::Result<void> verify_p2pk_signatures(const Transaction& tx, std::span<const UtxoEntry> utxos) {
  if (utxos.size() != tx.inputs.size())
    return core::make_error("verify: " + std::to_string(utxos.size()) + " utxo entries for " +
                            std::to_string(tx.inputs.size()) + " inputs");
  SigHashReusedValues reused;
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    const auto& script = tx.inputs[i].signature_script;
    const auto where = "verify: input " + std::to_string(i);
    if (script.size() != 66 || script[0] != kOpData65)
      return core::make_error(core::ErrorCode::kVerifyFailed, where + ": signature script is not OP_DATA_65 <sig64 type>");
    IGRA_TRY(auto type, sighash_type_from_u8(script[65]));
    const auto sig = crypto::Signature64::from_view(core::ByteView(script.data() + 1, 64));
    const auto& spk = utxos[i].script_public_key;
    if (auto x = p2pk_schnorr_key(spk)) {
      IGRA_TRY(auto msg, schnorr_sighash(tx, utxos, i, type, reused));
      if (!crypto::schnorr_verify(msg, sig, *x))
        return core::make_error(core::ErrorCode::kVerifyFailed, where + ": Schnorr signature does not verify");
    } else if (auto c = p2pk_ecdsa_key(spk)) {
      IGRA_TRY(auto msg, ecdsa_sighash(tx, utxos, i, type, reused));
      if (!crypto::ecdsa_verify_compact(msg, sig, *c))
        return core::make_error(core::ErrorCode::kVerifyFailed, where + ": ECDSA signature does not verify");
    } else {
      return core::make_error(core::ErrorCode::kUnsupported, where + ": spent script is not P2PK or P2PK-ECDSA");
    }
  }
  return {};
}

}  // namespace igra::kaspa
