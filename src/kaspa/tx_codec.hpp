#pragma once
// Canonical binary encoding of a full Transaction: exactly the FULL hashing serialization (kaspa-protocol.md
// §2.2), which is reversible. Decoding is strict: every length is checked against the remaining input before
// anything is allocated, versions above 1 and trailing bytes are rejected, and the result re-encodes to the
// same bytes.
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

inline constexpr std::uint64_t kTxCodecMaxItems = 1'000'000;  // cap on input/output counts

core::Bytes encode_transaction(const Transaction& tx);

// v0: the trailing u64 storage mass is present only when non-zero (an explicit zero is non-canonical and
// rejected). v1: the storage mass is always present; a covenant flag must be 0 or 1.
core::Result<Transaction> decode_transaction(core::ByteView data);

}  // namespace igra::kaspa
