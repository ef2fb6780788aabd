#pragma once
// Builds one Igra L1 transaction: a single P2PK (Schnorr) coin in, the change back to the funding script out,
// the Igra payload, the txid nonce mined so the id starts with the network prefix, then signed.
//
// Fee: twice the larger of the Crescendo policy minimum (1 sompi per gram of compute mass) and the Toccata relay
// minimum (kaspa::minimum_relay_fee_toccata), plus 1000 sompi, so the transaction passes both mempool policies;
// at least the mass times kaspad's estimated feerate when one is given (TxShape::feerate). It depends only on the
// non-contextual masses, i.e. on the sizes, not on the amounts.
//
// Versions (decisions.md "Toccata / KIP-21"): v0 on the native subnetwork before the network's Toccata activation;
// from it on, v1 on the Igra lane (subnetwork 97b10000 + 16 zero bytes) with a compute budget of 10 per input.
#include <cstdint>
#include <span>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/transaction.hpp"

namespace igra::relayer {

// The Igra lane id (igra-protocol.md §1.4; the same on every network).
inline constexpr std::uint32_t kIgraLaneId = 0x97b10000;

// A coin the funding key can spend.
struct Coin {
  kaspa::Outpoint outpoint;
  kaspa::UtxoEntry entry;
};

struct TxShape {
  bool v1_lane = false;                  // v1 on the Igra lane (after Toccata) instead of v0 native
  std::uint32_t lane_id = kIgraLaneId;   // used when v1_lane
  // kaspad's fee estimate (sompi per gram, GetFeeEstimate); the fee is at least mass x feerate. 0: policy only.
  double feerate = 0;
};

struct BuiltTransaction {
  kaspa::Transaction tx;  // signed
  kaspa::TransactionId id;
  std::uint64_t fee = 0;
  std::uint32_t nonce = 0;
  std::uint64_t tries = 0;      // ids hashed by the nonce search (the sequential count)
  double mining_seconds = 0;    // wall time of the nonce search
};

// The fee a relayer transaction with this payload size pays (see above); `payload` needs its 4 nonce bytes.
core::Result<std::uint64_t> relay_fee(const kaspa::ScriptPublicKey& funding_spk, const core::Bytes& payload,
                                      const TxShape& shape);

// The policy part of the fee of a transaction with its final signature-script sizes (placeholders suffice): twice
// the larger of the Crescendo and Toccata minimums plus 1000 sompi.
std::uint64_t policy_relay_fee(const kaspa::Transaction& tx);

// Builds, mines and signs the transaction spending `coin` to `change_spk` with `payload` (last 4 bytes: nonce).
// Fails when the coin cannot pay the fee plus `min_change` sompi, when the key does not own the coin, or when no
// nonce gives the prefix (practically impossible for a prefix of up to 3 bytes).
core::Result<BuiltTransaction> build_l1_transaction(const Coin& coin, const crypto::SecretKey& key,
                                                    const kaspa::ScriptPublicKey& change_spk, core::Bytes payload,
                                                    std::span<const std::uint8_t> txid_prefix, const TxShape& shape,
                                                    std::uint64_t min_change, std::uint32_t nonce_start = 0);

}  // namespace igra::relayer
