#pragma once
// The relayer's own Igra L1 payload encoder (igra-protocol.md §1.1, decisions.md "Transactions taken from L1"):
//
//   0x94 || raw EIP-2718 tx         || nonce (u32 big-endian)
//   0x95 || zlib(raw EIP-2718 tx)   || nonce (u32 big-endian)
//
// The relayer layer may not use igra/payload.hpp (cmake/layers.cmake), so this is a small independent encoder;
// the tests check it against the igra layer's decoder.
#include <cstddef>
#include <cstdint>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::relayer {

inline constexpr std::uint8_t kPayloadL2Tx = 0x94;        // one raw EIP-2718 transaction
inline constexpr std::uint8_t kPayloadL2TxZipped = 0x95;  // the same, zlib-compressed
inline constexpr std::size_t kPayloadNonceSize = 4;
// L2 data limit (for 0x95: after inflating).
inline constexpr std::size_t kMaxL2DataBytes = 24'800;

// zlib stream (RFC 1950) of `data` at the best compression level.
core::Bytes zlib_compress(core::ByteView data);

// The payload carrying `raw_tx`, with a zero nonce (mined later): 0x95 when the zlib stream is strictly smaller
// than the raw transaction, else 0x94. Errors: empty transaction, or more than kMaxL2DataBytes.
core::Result<core::Bytes> encode_l2_tx_payload(core::ByteView raw_tx);

// Writes `nonce` big-endian into the last 4 bytes of a payload (at least 4 bytes long).
void set_payload_nonce(core::Bytes& payload, std::uint32_t nonce);

}  // namespace igra::relayer
