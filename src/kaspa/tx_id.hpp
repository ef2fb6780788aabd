#pragma once
// Transaction serialization for hashing, transaction id and hash (rusty-kaspa consensus/core/src/hashing/tx.rs),
// and the nonce-mining mid-state for ids (IdMiner).
#include <cstdint>
#include <optional>
#include <utility>

#include "core/blake2b.hpp"
#include "core/blake2b_multi.hpp"
#include "core/blake3.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "kaspa/hashing.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

// Encoding flags (bitmask), as rusty-kaspa's TxEncodingFlags.
using TxEncodingFlags = std::uint8_t;
inline constexpr TxEncodingFlags kTxEncodeFull = 0;
inline constexpr TxEncodingFlags kTxExcludeSignatureScript = 1u << 0;
inline constexpr TxEncodingFlags kTxExcludeMassCommit = 1u << 1;
inline constexpr TxEncodingFlags kTxExcludePayload = 1u << 2;  // Toccata only
// Not a rusty-kaspa flag: hash every version with the pre-Toccata (v1.1.0) layout, i.e. the v0 layout with the
// version field as given (sig_op_count byte always, no compute budget, no covenant field, mass only when > 0).
// Only for checking historical vectors; post-Toccata consensus never uses it.
inline constexpr TxEncodingFlags kTxLegacyV0Layout = 1u << 7;

// Streams the transaction into `sink` per §2.2 of kaspa-protocol.md.
template <typename Sink>
void write_transaction(Sink& sink, const Transaction& tx, TxEncodingFlags flags) {
  HashWriter w(sink);
  const bool legacy = (flags & kTxLegacyV0Layout) != 0;
  const bool v1_layout = !legacy && tx.version >= kTxVersionToccata;
  const bool exclude_sig = (flags & kTxExcludeSignatureScript) != 0;
  const bool exclude_mass = (flags & kTxExcludeMassCommit) != 0;

  w.write_u16(tx.version).write_len(tx.inputs.size());
  for (const auto& in : tx.inputs) {
    w.update(in.previous_outpoint.transaction_id).write_u32(in.previous_outpoint.index);
    if (!exclude_sig) {
      w.write_var_bytes(in.signature_script);
      if (!v1_layout) w.write_u8(in.sig_op_count());
    } else {
      w.write_len(0);
    }
    w.write_u64(in.sequence);
    if (v1_layout && !exclude_mass) w.write_u16(in.compute_budget());
  }
  w.write_len(tx.outputs.size());
  for (const auto& out : tx.outputs) {
    w.write_u64(out.value).write_u16(out.script_public_key.version).write_var_bytes(out.script_public_key.script);
    if (v1_layout) {
      w.write_bool(out.covenant.has_value());
      if (out.covenant) w.write_u16(out.covenant->authorizing_input).update(out.covenant->covenant_id);
    }
  }
  w.write_u64(tx.lock_time).update(tx.subnetwork_id).write_u64(tx.gas);
  if ((flags & kTxExcludePayload) == 0) {
    w.write_var_bytes(tx.payload);
  } else {
    w.write_len(0);
  }
  if (!exclude_mass) {
    if (!v1_layout) {
      if (tx.storage_mass > 0) w.write_u64(tx.storage_mass);
    } else {
      w.write_u64(tx.storage_mass);
    }
  }
}

// The serialization as bytes (preimages for tests/debugging, and the tx_codec wire form with kTxEncodeFull).
core::Bytes transaction_preimage(const Transaction& tx, TxEncodingFlags flags);
// Its length without materializing it.
std::uint64_t transaction_preimage_size(const Transaction& tx, TxEncodingFlags flags);

// tx hash = BLAKE2b("TransactionHash", FULL). Leaves of hash_merkle_root.
core::Hash32 transaction_hash(const Transaction& tx);
// Pre-Crescendo hash (mass commitment excluded).
core::Hash32 transaction_hash_pre_crescendo(const Transaction& tx);
// tx id: v0 -> transaction_id_v0, any other version -> transaction_id_v1 (as rusty-kaspa HEAD).
TransactionId transaction_id(const Transaction& tx);
// BLAKE2b("TransactionID", EXCLUDE_SIG | EXCLUDE_MASS).
TransactionId transaction_id_v0(const Transaction& tx);
// BLAKE3("TransactionV1Id", payload_digest || rest_digest).
TransactionId transaction_id_v1(const Transaction& tx);
// BLAKE3("PayloadDigest", payload) (raw bytes, no length prefix).
core::Hash32 payload_digest(core::ByteView payload);
// BLAKE3("TransactionRest", EXCLUDE_PAYLOAD | EXCLUDE_SIG | EXCLUDE_MASS).
core::Hash32 v1_rest_digest(const Transaction& tx);
// BLAKE3("TransactionV1Id", payload_digest || rest_digest).
TransactionId v1_id_from_digests(const core::Hash32& payload_digest, const core::Hash32& rest_digest);

// rusty-kaspa v1.1.0 (Crescendo era) semantics, for historical data and vectors: every version hashed with the
// v0 layout, and a coinbase id computed over the FULL encoding.
TransactionId transaction_id_legacy(const Transaction& tx);
core::Hash32 transaction_hash_legacy(const Transaction& tx);

// Nonce mining for ids (kaspa-protocol.md §2.4). The nonce is a big-endian u32 in the last 4 payload bytes.
// The id excludes signature scripts and the mass commitment, so sign after mining.
class IdMiner {
 public:
  static constexpr std::size_t kNonceSize = 4;

  // Fails if the payload is shorter than 4 bytes or the version is above 1.
  static core::Result<IdMiner> create(const Transaction& tx);

  // The id of `tx` with its last 4 payload bytes replaced by `nonce` (big-endian). Equal to
  // transaction_id(tx_with_nonce). v0: ~1 BLAKE2b compression; v1: 2-3 BLAKE3 compressions (+ log2 chunk
  // merges for payloads > 1 KiB).
  TransactionId id_with_nonce(std::uint32_t nonce) const noexcept;

  // Tries nonces start, start+1, ... (wrapping, at most `max_tries`) until the id begins with `prefix`
  // (at most 32 bytes). Returns the first such nonce in that order and its id.
  // v0 hashes lanes(backend) nonces per step with the multi-lane BLAKE2b kernel (core/blake2b_multi.hpp: 8 with
  // AVX-512, 4 with AVX2, 1 scalar); v1 hashes 8 nonces per step with Blake3::finalize_with_lanes unless `backend`
  // is kScalar (one at a time). The result is the same as the sequential search in every case. `backend` exists
  // for tests and benchmarks.
  std::optional<std::pair<std::uint32_t, TransactionId>> find_nonce(
      core::ByteView prefix, std::uint32_t start, std::uint64_t max_tries,
      core::Blake2bBackend backend = core::blake2b_best_backend()) const noexcept;

  // The same search on `threads` threads (0: every core): chunks of nonces in order, handed out to the threads;
  // the result is the sequential one (the first match in nonce order).
  std::optional<std::pair<std::uint32_t, TransactionId>> find_nonce_parallel(core::ByteView prefix, std::uint32_t start,
                                                                             std::uint64_t max_tries,
                                                                             unsigned threads = 0) const;

  std::uint16_t version() const noexcept { return version_; }

 private:
  IdMiner() = default;
  std::optional<std::pair<std::uint32_t, TransactionId>> find_nonce_v0(core::ByteView prefix, std::uint32_t start,
                                                                       std::uint64_t max_tries,
                                                                       core::Blake2bBackend backend) const noexcept;
  std::uint16_t version_ = 0;
  // v0: TransactionID hasher fed the whole preimage up to the nonce.
  core::Blake2b v0_prefix_{32};
  // v1: PayloadDigest hasher fed the payload up to the nonce, the constant rest digest, and a fresh
  // TransactionV1Id hasher.
  core::Blake3 v1_payload_prefix_;
  core::Blake3 v1_id_hasher_;
  core::Hash32 v1_rest_digest_;
};

// Writes `nonce` big-endian into the last 4 payload bytes (payload must hold at least 4 bytes).
core::Result<void> set_payload_nonce(Transaction& tx, std::uint32_t nonce);

}  // namespace igra::kaspa
