#pragma once
// The Igra Entry lock script (igra-protocol.md §2.2): entry transactions lock KAS at output 0 in a P2SH of a
// time-locked Schnorr multisig, `<unlock_time_ms> OP_CHECKLOCKTIMEVERIFY OP_3 <k1> ... <k5> OP_5
// OP_CHECKMULTISIG`, spendable only once the spending transaction's lock_time (a millisecond timestamp) has
// reached the unlock time. Nodes only compare script bytes with the configured IGRA_LOCK_SCRIPT_PUBKEY.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/address.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

inline constexpr std::uint64_t kIgraEntryUnlockTimeMs = 1'775'001'600'000ull;  // 2026-04-01T00:00:00Z
inline constexpr std::size_t kIgraEntryRequiredSignatures = 3;
inline constexpr std::size_t kIgraEntryKeyCount = 5;

struct EntryLockPolicy {
  std::vector<crypto::XOnlyPublicKey> keys;  // kIgraEntryKeyCount keys, in script order
  std::size_t required = kIgraEntryRequiredSignatures;
  std::uint64_t unlock_time_ms = kIgraEntryUnlockTimeMs;
};

// The redeem script. Errors: unlock time below 500,000,000,000 (it would be read as a DAA score), a key count
// other than kIgraEntryKeyCount, required not in 1..n.
core::Result<core::Bytes> entry_lock_redeem_script(const EntryLockPolicy& policy);
// aa 20 <BLAKE2b-256(redeem)> 87, version 0.
core::Result<ScriptPublicKey> entry_lock_script_public_key(const EntryLockPolicy& policy);
// The P2SH address of the lock script for any network prefix.
core::Result<Address> entry_lock_address(const EntryLockPolicy& policy, Prefix prefix);

// Parses a configured lock script (hex, as in IGRA_LOCK_SCRIPT_PUBKEY) into a version-0 script public key.
core::Result<ScriptPublicKey> parse_lock_script_public_key(std::string_view hex);
// An entry output locks funds iff its script public key equals the configured one (version and bytes).
bool is_entry_lock_output(const TransactionOutput& output, const ScriptPublicKey& configured) noexcept;

}  // namespace igra::kaspa
