#pragma once
// Signing P2PK inputs (rusty-kaspa consensus/core/src/sign.rs).
//
// Signature scripts: for both Schnorr (P2PK, spk `OP_DATA_32 <x-only key> OP_CHECKSIG`) and ECDSA (P2PK-ECDSA,
// spk `OP_DATA_33 <compressed key> OP_CHECKSIG_ECDSA`) the signature pushed is 64 bytes plus the 1-byte sighash
// type, so the script is `0x41 (OP_DATA_65) || sig64 || sighash_type`. Schnorr signs the Schnorr sighash
// directly (BIP-340); ECDSA signs SHA256(SHA256("TransactionSigningHashECDSA") || schnorr_sighash) with a
// low-S compact r||s signature.
//
// The sighash commits to the payload (and, for v0, to sig_op_count), so mine the id nonce and set compute
// commitments before signing. sign_transaction does not change compute commitments; use
// set_standard_compute_commits first if the inputs do not carry them yet.
#include <span>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/sighash.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

inline constexpr std::uint8_t kOpData65 = 0x41;

// The signature script for a 64-byte signature: 0x41 || sig || type.
core::Bytes p2pk_signature_script(const crypto::Signature64& sig, SigHashType type);

// Signature script for input `input_index` (Schnorr, aux randomness `aux_rand`; zero is deterministic).
core::Result<core::Bytes> sign_input_schnorr(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                             std::size_t input_index, const crypto::SecretKey& key,
                                             SigHashType type, SigHashReusedValues& reused,
                                             const core::Hash32& aux_rand = {});
core::Result<core::Bytes> sign_input_schnorr(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                             std::size_t input_index, const crypto::SecretKey& key,
                                             SigHashType type = SigHashType::kAll);
// Signature script for input `input_index` (ECDSA, deterministic RFC 6979, low-S).
core::Result<core::Bytes> sign_input_ecdsa(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                           std::size_t input_index, const crypto::SecretKey& key, SigHashType type,
                                           SigHashReusedValues& reused);
core::Result<core::Bytes> sign_input_ecdsa(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                           std::size_t input_index, const crypto::SecretKey& key,
                                           SigHashType type = SigHashType::kAll);

// Sets every input's compute commitment to what rusty-kaspa's signer uses for one signature: SigOpCount(1) for
// v0, ComputeBudget(10) for v1. Changes neither id (excluded) but does change the v0 sighash, so call it
// before signing.
void set_standard_compute_commits(Transaction& tx);

// Signs every input of a transaction whose spent outputs are all P2PK (Schnorr) or P2PK-ECDSA, with
// SIGHASH_ALL, choosing for each input the key whose public key the spent script names. Fails (leaving tx
// unchanged) if an input spends a non-P2PK script or no key matches.
core::Result<void> sign_transaction(Transaction& tx, std::span<const UtxoEntry> utxos,
                                    std::span<const crypto::SecretKey> keys);

// Verifies the signature scripts of every input spending a P2PK / P2PK-ECDSA script (a minimal check for
// signers; full validation is the script engine's job). Fails on the first bad input, naming it.
core::Result<void> verify_p2pk_signatures(const Transaction& tx, std::span<const UtxoEntry> utxos);

}  // namespace igra::kaspa
