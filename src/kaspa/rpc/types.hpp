#pragma once
// Typed results and notifications of the kaspad protowire API (rusty-kaspa rpc/core/src/model), expressed with our
// consensus model types. Hashes are parsed (32 bytes), addresses stay strings (kaspa:/kaspasim:... as kaspad sends
// them). Field order and meaning follow ../shared/spec/kaspa-protocol.md §7.1.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "kaspa/header.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa::rpc {

struct ServerInfo {
  std::uint32_t rpc_api_version = 0;
  std::uint32_t rpc_api_revision = 0;
  std::string server_version;
  std::string network_id;
  bool has_utxo_index = false;
  bool is_synced = false;
  std::uint64_t virtual_daa_score = 0;
  friend bool operator==(const ServerInfo&, const ServerInfo&) = default;
};

struct BlockDagInfo {
  std::string network_name;
  std::uint64_t block_count = 0;
  std::uint64_t header_count = 0;
  std::vector<core::Hash32> tip_hashes;
  double difficulty = 0;
  std::int64_t past_median_time = 0;  // ms
  std::vector<core::Hash32> virtual_parent_hashes;
  core::Hash32 pruning_point_hash;
  std::uint64_t virtual_daa_score = 0;
  core::Hash32 sink;
  friend bool operator==(const BlockDagInfo&, const BlockDagInfo&) = default;
};

// RpcTransactionVerboseData. block_hash is zero for mempool transactions (kaspad sends it empty or zero).
struct TransactionVerboseData {
  TransactionId transaction_id;
  core::Hash32 hash;
  std::uint64_t compute_mass = 0;
  core::Hash32 block_hash;
  std::uint64_t block_time = 0;  // ms
  friend bool operator==(const TransactionVerboseData&, const TransactionVerboseData&) = default;
};

// A transaction as the RPC carries it. Input/output verbose data (utxo entry, script class and address) is not
// modelled: it is ignored when parsing and never sent.
struct RpcTransaction {
  Transaction transaction;
  std::optional<TransactionVerboseData> verbose_data;
  friend bool operator==(const RpcTransaction&, const RpcTransaction&) = default;
};

struct BlockVerboseData {
  core::Hash32 hash;
  double difficulty = 0;
  core::Hash32 selected_parent_hash;
  std::vector<TransactionId> transaction_ids;
  bool is_header_only = false;
  std::uint64_t blue_score = 0;
  std::vector<core::Hash32> children_hashes;
  std::vector<core::Hash32> merge_set_blues_hashes;
  std::vector<core::Hash32> merge_set_reds_hashes;
  bool is_chain_block = false;
  friend bool operator==(const BlockVerboseData&, const BlockVerboseData&) = default;
};

struct Block {
  BlockHeader header;
  // RpcBlockHeader.hash as reported by the node; when the node leaves it empty (raw headers), header_hash(header).
  core::Hash32 hash;
  std::vector<RpcTransaction> transactions;
  std::optional<BlockVerboseData> verbose_data;
  friend bool operator==(const Block&, const Block&) = default;
};

struct BlocksResult {
  std::vector<core::Hash32> block_hashes;
  std::vector<Block> blocks;  // empty unless include_blocks
  friend bool operator==(const BlocksResult&, const BlocksResult&) = default;
};

struct AcceptedTransactionIds {
  core::Hash32 accepting_block_hash;
  std::vector<TransactionId> accepted_transaction_ids;
  friend bool operator==(const AcceptedTransactionIds&, const AcceptedTransactionIds&) = default;
};

// GetVirtualChainFromBlock response and VirtualChainChanged notification (same shape).
struct VirtualChainChanged {
  std::vector<core::Hash32> removed_chain_block_hashes;  // newest first
  std::vector<core::Hash32> added_chain_block_hashes;    // oldest first
  std::vector<AcceptedTransactionIds> accepted_transaction_ids;  // only when requested
  friend bool operator==(const VirtualChainChanged&, const VirtualChainChanged&) = default;
};
using VirtualChain = VirtualChainChanged;

struct UtxosByAddressesEntry {
  std::string address;  // may be empty (kaspad: script without an address)
  Outpoint outpoint;
  UtxoEntry utxo_entry;
  friend bool operator==(const UtxosByAddressesEntry&, const UtxosByAddressesEntry&) = default;
};

struct UtxosChanged {
  std::vector<UtxosByAddressesEntry> added;
  std::vector<UtxosByAddressesEntry> removed;
  friend bool operator==(const UtxosChanged&, const UtxosChanged&) = default;
};

struct MempoolEntry {
  std::uint64_t fee = 0;
  RpcTransaction transaction;
  bool is_orphan = false;
  friend bool operator==(const MempoolEntry&, const MempoolEntry&) = default;
};

struct FeerateBucket {
  double feerate = 0;  // sompi per gram
  double estimated_seconds = 0;
  friend bool operator==(const FeerateBucket&, const FeerateBucket&) = default;
};

struct FeeEstimate {
  FeerateBucket priority_bucket;
  std::vector<FeerateBucket> normal_buckets;
  std::vector<FeerateBucket> low_buckets;
  friend bool operator==(const FeeEstimate&, const FeeEstimate&) = default;
};

struct SubmitTransactionReplacementResult {
  TransactionId transaction_id;
  RpcTransaction replaced_transaction;
  friend bool operator==(const SubmitTransactionReplacementResult&, const SubmitTransactionReplacementResult&) = default;
};

// GetBlockTemplate answer. The template header has no hash and nonce 0; mine it, then SubmitBlock.
struct BlockTemplate {
  Block block;
  bool is_synced = false;
  friend bool operator==(const BlockTemplate&, const BlockTemplate&) = default;
};

// SubmitBlock outcome (protowire SubmitBlockResponseMessage.RejectReason, plus kaspad's "route is full", which has
// no protowire value and is recognised by its message).
enum class SubmitBlockResult { kSuccess, kBlockInvalid, kIsInIbd, kRouteIsFull };
struct SubmitBlockReport {
  SubmitBlockResult result = SubmitBlockResult::kSuccess;
  std::string message;  // kaspad's RPCError text for a rejection, e.g. "Block was not submitted: block is invalid"
  friend bool operator==(const SubmitBlockReport&, const SubmitBlockReport&) = default;
};

struct GetVirtualChainFromBlockParams {
  core::Hash32 start_hash;
  bool include_accepted_transaction_ids = false;
  std::optional<std::uint64_t> min_confirmation_count;
};

}  // namespace igra::kaspa::rpc
