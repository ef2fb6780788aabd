#pragma once
// Signature hashes (rusty-kaspa consensus/core/src/hashing/sighash.rs, sighash_type.rs).
#include <cstdint>
#include <optional>
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
inline std::uint8_t to_u8(SigHashType t) noexcept { return static_cast<std::uint8_t>(t); }
inline bool is_sighash_anyone_can_pay(SigHashType t) noexcept { return (to_u8(t) & 0x80) != 0; }
inline bool is_sighash_all(SigHashType t) noexcept { return (to_u8(t) & 0x07) == 0x01; }
inline bool is_sighash_none(SigHashType t) noexcept { return (to_u8(t) & 0x07) == 0x02; }
inline bool is_sighash_single(SigHashType t) noexcept { return (to_u8(t) & 0x07) == 0x04; }

// Reusable sub-hashes for one transaction (computed lazily, shared across inputs), so signing or verifying
// all n inputs costs O(n) hashing. Use one instance per transaction (and per tx content: mutating the
// transaction after use invalidates it). Not thread-safe.
class SigHashReusedValues {
 public:
  std::optional<core::Hash32> previous_outputs_hash;
  std::optional<core::Hash32> sequences_hash;
  std::optional<core::Hash32> sig_op_counts_hash;
  std::optional<core::Hash32> outputs_hash;
  std::optional<core::Hash32> payload_hash;
};

// Schnorr sighash of input `input_index`; `utxos[i]` is the entry spent by input i (utxos.size() must equal
// the input count).
core::Result<core::Hash32> schnorr_sighash(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                           std::size_t input_index, SigHashType type);
// ECDSA sighash: SHA256(SHA256("TransactionSigningHashECDSA") || schnorr_sighash).
core::Result<core::Hash32> ecdsa_sighash(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                         std::size_t input_index, SigHashType type);

// The same with shared sub-hashes.
core::Result<core::Hash32> schnorr_sighash(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                           std::size_t input_index, SigHashType type, SigHashReusedValues& reused);
core::Result<core::Hash32> ecdsa_sighash(const Transaction& tx, std::span<const UtxoEntry> utxos,
                                         std::size_t input_index, SigHashType type, SigHashReusedValues& reused);

// Form used by the script engine: only the entry spent by this input is needed.
core::Result<core::Hash32> schnorr_sighash_for_entry(const Transaction& tx, std::size_t input_index,
                                                     const UtxoEntry& spent, SigHashType type,
                                                     SigHashReusedValues& reused);
core::Result<core::Hash32> ecdsa_sighash_for_entry(const Transaction& tx, std::size_t input_index,
                                                   const UtxoEntry& spent, SigHashType type,
                                                   SigHashReusedValues& reused);

// SHA256(SHA256("TransactionSigningHashECDSA") || schnorr_sighash).
core::Hash32 ecdsa_sighash_from_schnorr(const core::Hash32& schnorr_sighash_value) noexcept;

}  // namespace igra::kaspa
