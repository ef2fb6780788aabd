#pragma once
// JSON forms of transactions and UTXO entries.
//
// "vectors" form (shared/vectors/kaspa-vectors.json `tx` objects): snake_case keys, u64 fields as decimal
// strings, bytes and hashes as plain hex, an input carries `sig_op_count` (v0) or `compute_budget` (v1), an
// output `covenant: null | {authorizing_input, covenant_id}`.
//
// "rpc" form (kaspad wRPC RpcTransaction JSON): camelCase keys (previousOutpoint.transactionId, signatureScript,
// sigOpCount, computeBudget, scriptPublicKey as hex of u16-BE version || script, lockTime, subnetworkId,
// storageMass and the deprecated alias mass, verboseData), integers as JSON numbers.
//
// Parsing accepts integers either as JSON numbers or as decimal strings, range-checks them, ignores unknown
// keys, and fails with the path of the offending field.
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

core::Result<Transaction> transaction_from_vector_json(std::string_view json);
std::string transaction_to_vector_json(const Transaction& tx);
// {"amount": "100", "script_public_key": {"version": 0, "script": "20..ac"}}
core::Result<UtxoEntry> utxo_entry_from_vector_json(std::string_view json);

core::Result<Transaction> transaction_from_rpc_json(std::string_view json);
// With verbose data {"transactionId", "hash", "computeMass"} when with_verbose_data is set (blockHash and
// blockTime are zero).
std::string transaction_to_rpc_json(const Transaction& tx, bool with_verbose_data = false);
// {"amount", "scriptPublicKey", "blockDaaScore", "isCoinbase", "covenantId"}
core::Result<UtxoEntry> utxo_entry_from_rpc_json(std::string_view json);
std::string utxo_entry_to_rpc_json(const UtxoEntry& entry);

// Detects the form (camelCase "lockTime" -> rpc, otherwise vectors) and parses.
core::Result<Transaction> transaction_from_json(std::string_view json);

}  // namespace igra::kaspa
