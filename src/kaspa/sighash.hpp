#pragma once
// Signature hashes (rusty-kaspa consensus/core/src/hashing/sighash.rs, sighash_type.rs).
#include <cstdint>
#include <span>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

// One byte appended to every signature. Only ALL, NONE, SINGLE, each optionally | ANYONECANPAY, are valid.
enum class SigHashType : std::uint8_t {
  kAll = 0x01,
  kNone = 0x02,
  kSingle = 0x04,
  kAllAnyoneCanPay = 0x81,
  kNoneAnyoneCanPay = 0x82,
  kSingleAnyoneCanPay = 0x84,
};
core::Result<SigHashType> sighash_type_from_u8(std::uint8_t v);

// Reusable sub-hashes for one transaction (computed lazily, shared across inputs).
class SigHashReusedValues;

// Schnorr sighash of input `input_index`; `utxos[i]` is the entry spent by input i.
core::Result<core::Hash32> schnorr_sighash(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                           std::size_t input_index, SigHashType type);
// ECDSA sighash: SHA256(SHA256("TransactionSigningHashECDSA") || schnorr_sighash).
core::Result<core::Hash32> ecdsa_sighash(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                         std::size_t input_index, SigHashType type);

}  // namespace igra::kaspa
