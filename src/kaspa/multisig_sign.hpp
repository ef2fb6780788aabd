#pragma once
// Signing P2SH multisig inputs: per-signer partial signatures, combined in key order into the signature script
// `<sig_1> ... <sig_m> <redeem script>` (Kaspa's OP_CHECKMULTISIG has no dummy element).
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/sighash.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

// A multisig redeem script as produced by multisig_redeem_script / cltv_multisig_redeem_script.
struct MultisigRedeemScript {
  std::size_t required = 0;
  std::vector<core::Bytes> keys;          // 32-byte x-only (Schnorr) or 33-byte compressed (ECDSA), in order
  bool ecdsa = false;
  std::optional<std::uint64_t> lock_time;  // set for `<lock_time> OP_CHECKLOCKTIMEVERIFY <multisig>`
};
core::Result<MultisigRedeemScript> parse_multisig_redeem_script(core::ByteView redeem_script);

// Signature of input `input_index` with the sighash type byte appended (65 bytes).
// Schnorr: BIP-340 over schnorr_sighash (aux_rand as given). ECDSA: compact low-S over ecdsa_sighash.
core::Result<core::Bytes> input_signature_schnorr(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                                  std::size_t input_index, const crypto::SecretKey& key,
                                                  SigHashType type = SigHashType::kAll,
                                                  const core::Hash32& aux_rand = {});
core::Result<core::Bytes> input_signature_ecdsa(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                                std::size_t input_index, const crypto::SecretKey& key,
                                                SigHashType type = SigHashType::kAll);

struct PartialSignature {
  core::Bytes public_key;  // the signer's key as it appears in the redeem script
  core::Bytes signature;   // 64-byte signature ‖ sighash type
};

// Signs input `input_index` (a P2SH multisig spend of `redeem_script`) with `key`. Fails if the key's public key
// is not one of the script's keys.
core::Result<PartialSignature> create_partial_signature(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                                        std::size_t input_index, core::ByteView redeem_script,
                                                        const crypto::SecretKey& key,
                                                        SigHashType type = SigHashType::kAll);

// Builds the signature script: the signatures of the first `required` distinct signers in key order, then the
// redeem script. Errors: a signature from a key not in the script, a malformed signature length, fewer than
// `required` distinct signers.
core::Result<core::Bytes> combine_multisig_signatures(core::ByteView redeem_script,
                                                      std::span<const PartialSignature> partials);

}  // namespace igra::kaspa
