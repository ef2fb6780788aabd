#pragma once
// Kaspa transaction model (rusty-kaspa consensus/core/src/tx.rs), versions 0 (classic) and 1 (Toccata).
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "core/bytes.hpp"

namespace igra::kaspa {

using TransactionId = core::Hash32;
using SubnetworkId = core::FixedBytes<20>;

inline constexpr std::uint16_t kTxVersionClassic = 0;
inline constexpr std::uint16_t kTxVersionToccata = 1;
inline constexpr std::uint64_t kSompiPerKaspa = 100'000'000;
inline constexpr std::uint64_t kMaxSompi = 29'000'000'000ull * kSompiPerKaspa;
inline constexpr std::uint64_t kLockTimeThreshold = 500'000'000'000ull;  // below: DAA score, else ms timestamp

// Well-known subnetworks.
inline SubnetworkId subnetwork_native() { return {}; }
inline SubnetworkId subnetwork_coinbase() { SubnetworkId s; s[0] = 1; return s; }
inline SubnetworkId subnetwork_registry() { SubnetworkId s; s[0] = 2; return s; }
// Toccata user lane: 4-byte namespace followed by 16 zero bytes (Igra: 97 b1 00 00).
inline SubnetworkId subnetwork_lane(std::uint32_t lane_be) {
  SubnetworkId s;
  s[0] = static_cast<std::uint8_t>(lane_be >> 24); s[1] = static_cast<std::uint8_t>(lane_be >> 16);
  s[2] = static_cast<std::uint8_t>(lane_be >> 8);  s[3] = static_cast<std::uint8_t>(lane_be);
  return s;
}

struct Outpoint {
  TransactionId transaction_id;
  std::uint32_t index = 0;
  friend auto operator<=>(const Outpoint&, const Outpoint&) = default;
};

struct ScriptPublicKey {
  std::uint16_t version = 0;
  core::Bytes script;
  friend bool operator==(const ScriptPublicKey&, const ScriptPublicKey&) = default;
};

// Per-input compute commitment: v0 carries a sig-op count (u8), v1 a compute budget (u16).
struct SigOpCount { std::uint8_t value = 0; friend bool operator==(SigOpCount, SigOpCount) = default; };
struct ComputeBudget { std::uint16_t value = 0; friend bool operator==(ComputeBudget, ComputeBudget) = default; };
using ComputeCommit = std::variant<SigOpCount, ComputeBudget>;

struct TransactionInput {
  Outpoint previous_outpoint;
  core::Bytes signature_script;
  std::uint64_t sequence = 0;
  ComputeCommit compute_commit = SigOpCount{1};
  friend bool operator==(const TransactionInput&, const TransactionInput&) = default;

  std::uint8_t sig_op_count() const {
    auto* s = std::get_if<SigOpCount>(&compute_commit);
    return s ? s->value : 0;
  }
  std::uint16_t compute_budget() const {
    auto* c = std::get_if<ComputeBudget>(&compute_commit);
    return c ? c->value : 0;
  }
};

struct CovenantBinding {
  std::uint16_t authorizing_input = 0;
  core::Hash32 covenant_id;
  friend bool operator==(const CovenantBinding&, const CovenantBinding&) = default;
};

struct TransactionOutput {
  std::uint64_t value = 0;
  ScriptPublicKey script_public_key;
  std::optional<CovenantBinding> covenant;  // v1 only
  friend bool operator==(const TransactionOutput&, const TransactionOutput&) = default;
};

struct Transaction {
  std::uint16_t version = kTxVersionClassic;
  std::vector<TransactionInput> inputs;
  std::vector<TransactionOutput> outputs;
  std::uint64_t lock_time = 0;
  SubnetworkId subnetwork_id;
  std::uint64_t gas = 0;
  core::Bytes payload;
  std::uint64_t storage_mass = 0;  // KIP-9 storage-mass commitment (part of the hash, never of the id)
  friend bool operator==(const Transaction&, const Transaction&) = default;

  bool is_coinbase() const { return subnetwork_id == subnetwork_coinbase(); }
};

// The UTXO an input spends (needed for sighash, mass and script checks).
struct UtxoEntry {
  std::uint64_t amount = 0;
  ScriptPublicKey script_public_key;
  std::uint64_t block_daa_score = 0;
  bool is_coinbase = false;
  std::optional<core::Hash32> covenant_id;
  friend bool operator==(const UtxoEntry&, const UtxoEntry&) = default;
};

}  // namespace igra::kaspa
