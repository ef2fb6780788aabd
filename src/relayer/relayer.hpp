#pragma once
// The relayer (architecture.md "Relayer"): turns a raw signed Ethereum transaction (EIP-2718 bytes from
// eth_sendRawTransaction) into an Igra L1 transaction and submits it to kaspad over gRPC.
//
//   raw tx --> payload 0x94 (raw) or 0x95 (zlib, when smaller), 4-byte nonce (l1_payload.hpp)
//          --> one coin of the funding key (wallet.hpp), change back to the funding key, fee from the mass
//          --> nonce mined so the txid starts with the network prefix, Schnorr-signed (tx_builder.hpp)
//          --> SubmitTransaction
//
// Thread-safe: submissions are serialized by one mutex (the nonce search takes ~65k hashes for a 2-byte prefix,
// i.e. a few milliseconds), so concurrent RPC threads never pick the same coin.
//
// Coins: see wallet.hpp. The UTXO list is re-read when no free coin is known (and at most every
// `refresh_interval_ms` while only unconfirmed change is left, so that matured coins are picked up and spending
// chains do not grow without need). Errors are values with messages starting "relayer: ".
//
// Tracking to L2 execution, resubmission after a restart, eviction or reorg, and persistence are the job of
// RelayQueue (relay_queue.hpp), built on prepare() / send() / resend().
#include <array>
#include <chrono>
#include <map>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/address.hpp"
#include "kaspa/rpc/client.hpp"
#include "kaspa/transaction.hpp"
#include "relayer/l1_payload.hpp"
#include "relayer/tx_builder.hpp"
#include "relayer/wallet.hpp"

namespace igra::relayer {

struct RelayerOptions {
  crypto::SecretKey funding_key;           // Schnorr P2PK key owning the L1 coins that pay fees
  kaspa::Prefix address_prefix = kaspa::Prefix::kSimnet;  // kSimnet for the dev simnet, kMainnet ...
  std::array<std::uint8_t, 2> txid_prefix{0x97, 0xae};     // the network's Igra txid prefix (devnet 97ae)
  std::uint64_t coinbase_maturity = 1000;  // DAA score units (the node's; the dev simnet uses a small value)
  // From this virtual DAA score on, build v1 transactions on the Igra lane; nullopt = v0 always.
  std::optional<std::uint64_t> toccata_daa_score;
  std::uint32_t lane_id = kIgraLaneId;
  // Spend the change of an own, still unconfirmed transaction at once (needs a mempool that accepts chained
  // transactions: kaspad does, and so does the simnet).
  bool use_unconfirmed_change = true;
  // Change below this is refused (a small change output has a large KIP-9 storage mass: C / value grams).
  std::uint64_t min_change_sompi = 20'000'000;  // 0.2 KAS -> at most 50,000 grams of storage mass
  std::uint64_t refresh_interval_ms = 1000;
  // Submissions tried with another coin when kaspad refuses the coin (spent elsewhere, unknown, immature).
  int max_attempts = 4;
  kaspa::rpc::Timeout rpc_timeout = kaspa::rpc::kDefaultTimeout;
  // Keep the funding address's UTXO set from kaspad's UtxosChanged notifications (a full GetUtxosByAddresses only at
  // the start and every `full_refresh_interval_ms` to resynchronize).
  bool use_utxo_notifications = true;
  std::uint64_t full_refresh_interval_ms = 60'000;
  // Fee = max(policy minimum, mass x kaspad's normal feerate from GetFeeEstimate, re-read at most this often).
  bool use_fee_estimate = true;
  std::uint64_t fee_estimate_interval_ms = 5000;
};

struct RelayerStats {
  std::uint64_t submitted = 0;       // L1 transactions accepted by SubmitTransaction
  std::uint64_t failed = 0;          // submit() calls that returned an error
  std::uint64_t fees_sompi = 0;      // fees of the submitted transactions
  std::uint64_t zipped = 0;          // of them with a 0x95 payload
  std::uint64_t resent = 0;          // resend() calls that kaspad accepted
  std::uint64_t consolidations = 0;  // consolidation transactions submitted
  std::uint64_t replacements = 0;    // stuck transactions replaced at a higher fee
  std::uint64_t utxo_queries = 0;    // GetUtxosByAddresses calls
  std::uint64_t nonce_tries = 0;     // txid nonce mining: ids hashed
  double mining_seconds = 0;         // and the time it took
  std::uint64_t balance_sompi = 0;   // spendable coins as the wallet sees them
  std::uint64_t utxo_notifications = 0;  // UtxosChanged notifications applied
  double feerate = 0;                // the feerate in use (sompi per gram; 0: policy minimum only)
  WalletCounts wallet;
};

class Relayer {
 public:
  // The client must outlive the relayer. An invalid funding key is reported by every call.
  Relayer(RelayerOptions options, kaspa::rpc::Client& client);
  Relayer(const Relayer&) = delete;
  Relayer& operator=(const Relayer&) = delete;

  // The kaspa address of the funding key ("" when the key is invalid).
  std::string l1_address() const;
  const kaspa::ScriptPublicKey& l1_script() const { return spk_; }
  const RelayerOptions& options() const { return options_; }

  // Builds, mines, signs and submits the L1 transaction carrying `raw_l2_tx`; returns its id (which starts with
  // the txid prefix). The L2 transaction is checked to be one decodable EIP-2718 transaction (no admission rules:
  // that is the caller's job against its head state).
  core::Result<kaspa::TransactionId> submit(core::ByteView raw_l2_tx);

  // The same in steps, for the persistent queue (relay_queue.hpp), which records the signed L1 transaction
  // before it is handed to kaspad: prepare() builds, mines and signs it spending a reserved coin; send() submits
  // it and settles the coin (spent, refused or released); abandon() releases the coin of a prepared transaction
  // that will not be sent; resend() submits an already sent transaction again (after a restart, a reorg or a
  // mempool eviction) without touching the wallet.
  struct Prepared {
    BuiltTransaction built;
    Coin coin;
    Coin change;
    std::uint8_t payload_type = 0;
  };
  enum class SendResult {
    kAccepted,     // in kaspad's mempool now
    kKnown,        // kaspad already has it (mempool) or its input is spent (accepted earlier, or a conflict)
    kUnknown,      // timeout / disconnect: it may or may not have arrived
    kCoinRefused,  // (send only) the coin is spent elsewhere, unknown or immature: prepare again
    kRejected,     // refused for another reason (message)
  };
  struct SendOutcome {
    SendResult result = SendResult::kRejected;
    std::string message;
  };
  core::Result<Prepared> prepare(core::ByteView raw_l2_tx);
  SendOutcome send(const Prepared& prepared);
  void abandon(const Prepared& prepared);
  SendOutcome resend(const kaspa::Transaction& tx);
  // A stuck transaction (in kaspad's mempool for too long): a replacement spending the same coin with the same
  // payload (nonce mined again) at a higher fee - at least twice the old feerate and kaspad's priority estimate -
  // submitted with SubmitTransactionReplacement (kaspad drops the old one and its descendants). The wallet forgets
  // the old change and adopts the new one. `input` is the coin `old` spends.
  core::Result<kaspa::Transaction> replace(const kaspa::Transaction& old, const Coin& input);
  // kaspad dropped this own transaction (a descendant of a replaced one): forget its change.
  void forget(const kaspa::TransactionId& id);

  // When more than `threshold` confirmed coins are spendable, spends up to `max_inputs` of the smallest in one
  // transaction back to the funding key (fewer, larger coins: smaller later transactions, no KIP-9 storage-mass
  // trouble). Returns its id, or nullopt when the wallet is not fragmented. The queue's worker calls it when idle.
  core::Result<std::optional<kaspa::TransactionId>> consolidate(std::size_t threshold = 50, std::size_t max_inputs = 40);

  // Spendable coins (sompi) as the wallet sees them after re-reading the UTXO set: mature confirmed coins not
  // spent by own transactions, plus the change of own pending transactions.
  core::Result<std::uint64_t> balance();

  RelayerStats stats() const;

 private:
  core::Result<kaspa::TransactionId> submit_locked(core::ByteView raw_l2_tx);
  core::Result<Prepared> prepare_locked(core::ByteView raw_l2_tx);
  SendOutcome send_locked(const Prepared& prepared);
  core::Result<void> refresh_locked(bool full = false);
  core::Result<std::uint64_t> virtual_daa_locked();
  core::Error no_coins_error_locked(std::uint64_t min_amount) const;

  RelayerOptions options_;
  kaspa::rpc::Client* client_;
  std::optional<core::Error> init_error_;
  kaspa::ScriptPublicKey spk_;
  std::string address_;

  mutable std::mutex mu_;
  Wallet wallet_;
  std::chrono::steady_clock::time_point last_refresh_{};
  bool refreshed_once_ = false;
  std::uint64_t last_daa_ = 0;
  double feerate_ = 0;  // sompi per gram, from the last fee estimate
  // The address's UTXO set as notifications maintain it (guarded by mirror_mu_, never held across an RPC).
  mutable std::mutex mirror_mu_;
  std::map<kaspa::Outpoint, kaspa::UtxoEntry> mirror_;
  bool mirror_valid_ = false;
  bool subscribed_ = false;
  std::uint64_t mirror_daa_ = 0;  // the highest block DAA score among notified entries
  std::uint64_t notifications_ = 0;
  std::chrono::steady_clock::time_point last_full_refresh_{};
  std::chrono::steady_clock::time_point last_fee_estimate_{};
  RelayerStats stats_;
};

}  // namespace igra::relayer
