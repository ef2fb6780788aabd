#pragma once
// Transaction receipts (post-Byzantium, EIP-658 status form) and their EIP-2718 typed envelope, logs and
// the 2048-bit logs bloom.
//
// Consensus form of a receipt: rlp([status, cumulative_gas_used, bloom, logs]) for legacy transactions,
// type || that for typed ones; this is the value stored in the receipts trie (key rlp(index)). A log is
// rlp([address, [topic, ...], data]).
#include <cstdint>
#include <vector>

#include "chain/transaction.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/rlp.hpp"

namespace igra::chain {

using Bloom = core::FixedBytes<256>;

struct Log {
  core::Address20 address;
  std::vector<core::Hash32> topics;
  core::Bytes data;
  bool operator==(const Log&) const = default;
};

struct Receipt {
  TxType type = TxType::kLegacy;
  bool status = false;  // EIP-658: true = success
  std::uint64_t cumulative_gas_used = 0;
  std::vector<Log> logs;
  Bloom bloom;  // logs_bloom(logs) for receipts built by execution; as decoded otherwise
  bool operator==(const Receipt&) const = default;
};

// Sets the 3 bloom bits of `data`: the low 11 bits of each of the first three big-endian 16-bit words of
// keccak256(data), bit b meaning byte 255 - b / 8, mask 1 << (b % 8) (Yellow Paper M3:2048).
void bloom_add(Bloom& bloom, core::ByteView data) noexcept;
// Bloom of a log sequence: each log's address and each of its topics (never the data).
Bloom logs_bloom(const std::vector<Log>& logs) noexcept;
// into |= other (a block bloom is the OR of its receipts' blooms); bloom_contains: all 3 bits of data are set.
void bloom_or(Bloom& into, const Bloom& other) noexcept;
bool bloom_contains(const Bloom& bloom, core::ByteView data) noexcept;

// rlp(list of [address, topics, data]).
core::Bytes encode_logs(const std::vector<Log>& logs);
// keccak256(encode_logs(logs)): the `logs` field of state tests.
core::Hash32 logs_rlp_hash(const std::vector<Log>& logs);

// Consensus form (typed envelope for non-legacy types).
core::Bytes encode_receipt(const Receipt& r);
// Strict inverse of encode_receipt. Rejects pre-Byzantium receipts (32-byte state root instead of status),
// a status other than empty / 0x01, non-canonical RLP and unknown types.
core::Result<Receipt> decode_receipt(core::ByteView encoded);

// Receipts root of a block: ordered trie of encode_receipt values.
core::Hash32 receipts_root(const std::vector<Receipt>& receipts);

}  // namespace igra::chain
