#pragma once
// Igra L1 transaction payloads (igra-protocol.md section 1, decisions.md "Transactions taken from L1"):
// header byte (version nibble 9, type nibble), L2 data, 4-byte txid-mining nonce.
//
//   0x92 Entry:   recipient (20) || amount sompi (u64 LE)          -> exactly 33 bytes of payload
//   0x93 Exit:    32-byte message ids (never changes L2 state; indexed)
//   0x94 L2 tx:   one EIP-2718 transaction (at most 24,800 bytes)
//   0x95 L2 tx:   zlib stream inflating to at most 24,800 bytes (hard cap; never allocates more)
//   0x9F Service: up to 68 bytes (never changes L2 state; indexed)
//   others:       reserved, ignored
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "igra/network.hpp"
#include "kaspa/transaction.hpp"

namespace igra::igra {

inline constexpr std::uint8_t kTypeEntry = 0x92;
inline constexpr std::uint8_t kTypeExit = 0x93;
inline constexpr std::uint8_t kTypeL2Tx = 0x94;
inline constexpr std::uint8_t kTypeL2TxZipped = 0x95;
inline constexpr std::uint8_t kTypeService = 0x9f;
inline constexpr std::size_t kEntryPayloadSize = 33;
inline constexpr std::size_t kNonceSize = 4;

struct EntryPayload {
  core::Address20 recipient;
  std::uint64_t amount_sompi = 0;
};

enum class PayloadKind : std::uint8_t { kNotIgra, kEntry, kExit, kL2Tx, kService, kReserved };

// Classification of a payload by its header byte alone (no decoding).
PayloadKind classify_payload(core::ByteView payload) noexcept;

// Inflates a zlib stream into at most `cap` bytes. Errors: any zlib error, a truncated stream, bytes after
// the end of the stream, or output beyond the cap (detected without producing more than cap + 1 bytes).
core::Result<core::Bytes> zlib_inflate_capped(core::ByteView stream, std::size_t cap);
// zlib (default level) of data; used by the relayer to decide between 0x94 and 0x95.
core::Bytes zlib_deflate(core::ByteView data);

// The L2 transaction bytes of a 0x94 / 0x95 payload (inflated for 0x95), at most kMaxL2DataBytes.
core::Result<core::Bytes> l2_tx_bytes(core::ByteView payload);

// Parses a 0x92 payload: exactly 33 bytes.
core::Result<EntryPayload> parse_entry_payload(core::ByteView payload);
// All L1-level Entry rules against the Kaspa transaction that carries it (decisions.md O11): payload of 33
// bytes, output 0 pays exactly the amount to the lock script in force at `daa_score`, amount >= the minimum.
// The error says which rule failed.
core::Result<EntryPayload> validate_entry(const kaspa::Transaction& tx, const NetworkParams& params,
                                          std::uint64_t daa_score);

// Builds payloads (relayer, igra-cli, tests): header || data || nonce (big-endian u32).
core::Bytes make_payload(std::uint8_t type, core::ByteView data, std::uint32_t nonce = 0);
core::Bytes make_entry_payload(const core::Address20& recipient, std::uint64_t amount_sompi, std::uint32_t nonce = 0);

// The txid gate: the id starts with the network prefix; after Toccata also version >= 1 on the Igra lane.
bool matches_prefix(const kaspa::TransactionId& id, const NetworkParams& params) noexcept;
bool passes_lane_gate(const kaspa::Transaction& tx, const NetworkParams& params, std::uint64_t daa_score) noexcept;

}  // namespace igra::igra
