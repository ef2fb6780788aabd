#pragma once
// What each L2 block records about its Kaspa origin (table L1Origin) and the derivation cursor (Meta
// "derivation_cursor"), both written in the block's LMDB transaction. RLP encodings:
//   L1Origin: [window, anchor_hash, anchor_daa, anchor_timestamp_ms, anchor_isc, [chain_block_hash...],
//              last_isc, next_withdrawal_index, [[l1_txid, kind, outcome]...]]
//   Cursor:   [l2_number, last_chain_block, last_isc, next_withdrawal_index, window]
#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::igra {

// Fate of one Igra L1 transaction seen in a window.
enum class L1TxOutcome : std::uint8_t {
  kExecuted = 0,  // L2 tx included (index = position in the block)
  kDropped = 1,   // L2 tx dropped (reason in the block's dropped list)
  kMinted = 2,    // Entry credited (index = withdrawal index)
  kRejectedEntry = 3,
  kIndexed = 4,   // Exit / Service: recorded only
};

struct L1TxRecord {
  core::Hash32 l1_txid;
  std::uint8_t payload_type = 0;  // header byte
  L1TxOutcome outcome = L1TxOutcome::kIndexed;
  std::uint64_t index = 0;
  bool operator==(const L1TxRecord&) const = default;
};

struct L1Origin {
  std::uint64_t window = 0;  // floor(anchor_daa / 10)
  core::Hash32 anchor_hash;
  std::uint64_t anchor_daa = 0;
  std::uint64_t anchor_timestamp_ms = 0;
  core::Hash32 anchor_isc;
  std::vector<core::Hash32> chain_blocks;  // the window's selected-chain blocks, oldest first
  core::Hash32 last_isc;                   // ISC of the last chain block of the window
  std::uint64_t next_withdrawal_index = 0;  // after this block
  std::vector<L1TxRecord> l1_txs;
  bool operator==(const L1Origin&) const = default;
};

core::Bytes encode_l1_origin(const L1Origin& o);
core::Result<L1Origin> decode_l1_origin(core::ByteView rlp);

struct DerivationCursor {
  std::uint64_t l2_number = 0;      // the L2 head this cursor belongs to
  core::Hash32 last_chain_block;    // derivation resumes after this Kaspa chain block
  core::Hash32 last_isc;            // its ISC
  std::uint64_t next_withdrawal_index = 0;
  std::uint64_t window = 0;         // window of the head (0 with no derived block yet)
  bool operator==(const DerivationCursor&) const = default;
};

core::Bytes encode_cursor(const DerivationCursor& c);
core::Result<DerivationCursor> decode_cursor(core::ByteView rlp);

}  // namespace igra::igra
