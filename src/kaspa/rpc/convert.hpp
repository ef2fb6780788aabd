#pragma once
// Conversions between protowire messages (generated from rpc/proto/*.proto) and our model types.
//
// Parsing is strict: every hash must be exactly 32 bytes of hex (optional hashes may be empty), integers are
// range-checked into the narrower model types, required sub-messages must be present, and an input's compute
// commitment must match the transaction version (v0: sigOpCount, computeBudget must be 0; v1+: computeBudget,
// sigOpCount must be 0 - as rusty-kaspa rpc/core/src/convert/tx.rs). Errors name the offending field path, e.g.
// "RpcBlock.transactions[3].inputs[0].previousOutpoint.transactionId: hex: expected 32 bytes, got 31".
//
// Encoding writes what kaspad writes: lowercase hex, blueWork as big-endian hex without leading zeros ("0" for
// zero), the sig-op count or compute budget per the input's variant.
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "kaspa/header.hpp"
#include "kaspa/rpc/proto/rpc.pb.h"
#include "kaspa/rpc/types.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa::rpc {

// ---- scalars ----
std::string hash_to_hex(const core::Hash32& h);
// Exactly 32 bytes. `what` prefixes the error.
core::Result<core::Hash32> hash_from_hex(std::string_view hex, std::string_view what);
// Empty string -> zero hash; otherwise exactly 32 bytes.
core::Result<core::Hash32> optional_hash_from_hex(std::string_view hex, std::string_view what);
// kaspad's Uint192 hex: big-endian, no leading zeros, odd length allowed, "0" for zero (also accepts "").
std::string blue_work_to_rpc_hex(const BlueWork& w);
core::Result<BlueWork> blue_work_from_rpc_hex(std::string_view hex);

// ---- model -> proto ----
void to_proto(const Outpoint& o, protowire::RpcOutpoint* out);
void to_proto(const ScriptPublicKey& spk, protowire::RpcScriptPublicKey* out);
void to_proto(const UtxoEntry& e, protowire::RpcUtxoEntry* out);
void to_proto(const Transaction& tx, protowire::RpcTransaction* out);
void to_proto(const RpcTransaction& tx, protowire::RpcTransaction* out);
void to_proto(const TransactionVerboseData& v, protowire::RpcTransactionVerboseData* out);
// `hash` goes to RpcBlockHeader.hash; pass header_hash(h) (or the zero hash to leave it empty, as for raw headers).
void to_proto(const BlockHeader& h, const core::Hash32& hash, protowire::RpcBlockHeader* out);
void to_proto(const BlockVerboseData& v, protowire::RpcBlockVerboseData* out);
void to_proto(const Block& b, protowire::RpcBlock* out);
void to_proto(const AcceptedTransactionIds& a, protowire::RpcAcceptedTransactionIds* out);
void to_proto(const UtxosByAddressesEntry& e, protowire::RpcUtxosByAddressesEntry* out);
void to_proto(const MempoolEntry& e, protowire::RpcMempoolEntry* out);
void to_proto(const FeerateBucket& b, protowire::RpcFeerateBucket* out);
void to_proto(const FeeEstimate& f, protowire::RpcFeeEstimate* out);
void to_proto(const ServerInfo& s, protowire::GetServerInfoResponseMessage* out);
void to_proto(const BlockDagInfo& d, protowire::GetBlockDagInfoResponseMessage* out);
void to_proto(const VirtualChainChanged& v, protowire::GetVirtualChainFromBlockResponseMessage* out);
void to_proto(const VirtualChainChanged& v, protowire::VirtualChainChangedNotificationMessage* out);
void to_proto(const UtxosChanged& u, protowire::UtxosChangedNotificationMessage* out);

// ---- proto -> model ----
core::Result<Outpoint> outpoint_from_proto(const protowire::RpcOutpoint& o);
core::Result<ScriptPublicKey> script_public_key_from_proto(const protowire::RpcScriptPublicKey& s);
core::Result<UtxoEntry> utxo_entry_from_proto(const protowire::RpcUtxoEntry& e);
core::Result<Transaction> transaction_from_proto(const protowire::RpcTransaction& tx);
core::Result<RpcTransaction> rpc_transaction_from_proto(const protowire::RpcTransaction& tx);
core::Result<TransactionVerboseData> transaction_verbose_data_from_proto(const protowire::RpcTransactionVerboseData& v);
// RpcBlockHeader.hash is not part of the header; see block_from_proto.
core::Result<BlockHeader> header_from_proto(const protowire::RpcBlockHeader& h);
core::Result<BlockVerboseData> block_verbose_data_from_proto(const protowire::RpcBlockVerboseData& v);
core::Result<Block> block_from_proto(const protowire::RpcBlock& b);
core::Result<AcceptedTransactionIds> accepted_transaction_ids_from_proto(const protowire::RpcAcceptedTransactionIds& a);
core::Result<UtxosByAddressesEntry> utxos_by_addresses_entry_from_proto(const protowire::RpcUtxosByAddressesEntry& e);
core::Result<MempoolEntry> mempool_entry_from_proto(const protowire::RpcMempoolEntry& e);
FeerateBucket feerate_bucket_from_proto(const protowire::RpcFeerateBucket& b);
FeeEstimate fee_estimate_from_proto(const protowire::RpcFeeEstimate& f);
ServerInfo server_info_from_proto(const protowire::GetServerInfoResponseMessage& m);
core::Result<BlockDagInfo> block_dag_info_from_proto(const protowire::GetBlockDagInfoResponseMessage& m);
core::Result<VirtualChainChanged> virtual_chain_from_proto(const protowire::GetVirtualChainFromBlockResponseMessage& m);
core::Result<VirtualChainChanged> virtual_chain_from_proto(const protowire::VirtualChainChangedNotificationMessage& m);
core::Result<UtxosChanged> utxos_changed_from_proto(const protowire::UtxosChangedNotificationMessage& m);

}  // namespace igra::kaspa::rpc
