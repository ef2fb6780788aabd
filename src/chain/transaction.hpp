#pragma once
// Ethereum transactions of types 0 (legacy, EIP-155), 1 (EIP-2930), 2 (EIP-1559), 3 (EIP-4844) and
// 4 (EIP-7702) as plain data. Decoding, encoding, signing hashes and sender recovery live in
// transaction_codec.hpp; execution in state_transition.hpp.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/bytes.hpp"
#include "core/uint256.hpp"

namespace igra::chain {

enum class TxType : std::uint8_t {
  kLegacy = 0,
  kAccessList = 1,  // EIP-2930
  kDynamicFee = 2,  // EIP-1559
  kBlob = 3,        // EIP-4844
  kSetCode = 4,     // EIP-7702
};

struct AccessListEntry {
  core::Address20 address;
  std::vector<core::Hash32> storage_keys;
  bool operator==(const AccessListEntry&) const = default;
};
using AccessList = std::vector<AccessListEntry>;

// EIP-7702 authorization tuple [chain_id, address, nonce, y_parity, r, s]. Fields are kept as decoded;
// range checks (nonce < 2^64 - 1, y_parity < 2^8, s <= n/2) are applied when authorizations are processed.
struct Authorization {
  core::uint256 chain_id;
  core::Address20 address;
  std::uint64_t nonce = 0;
  core::uint256 y_parity;
  core::uint256 r;
  core::uint256 s;
  bool operator==(const Authorization&) const = default;
};

struct Transaction {
  TxType type = TxType::kLegacy;
  // Typed transactions always carry a chain id; legacy ones only when EIP-155 protected (v = 35 + 2 id + y).
  std::optional<core::uint256> chain_id;
  std::uint64_t nonce = 0;
  core::uint256 gas_price;                 // types 0 and 1
  core::uint256 max_priority_fee_per_gas;  // types 2, 3, 4
  core::uint256 max_fee_per_gas;           // types 2, 3, 4
  std::uint64_t gas_limit = 0;
  std::optional<core::Address20> to;       // nullopt = contract creation (not allowed for types 3 and 4)
  core::uint256 value;
  core::Bytes data;
  AccessList access_list;                          // types 1..4
  core::uint256 max_fee_per_blob_gas;              // type 3
  std::vector<core::Hash32> blob_versioned_hashes;  // type 3
  std::vector<Authorization> authorization_list;    // type 4
  // Signature: legacy keeps the raw v; typed transactions keep y_parity in v (0 or 1).
  core::uint256 v;
  core::uint256 r;
  core::uint256 s;
  bool operator==(const Transaction&) const = default;
};

}  // namespace igra::chain
