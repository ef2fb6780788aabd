#pragma once
// Block execution shared by Ethereum block import (igra-blocktest) and Igra L2 block production: the
// Prague/Cancun system calls, the transactions in order, EIP-4895 withdrawals and (Ethereum only) the
// EIP-6110/7002/7251 requests. The caller owns the pre-state (any evm::StateReader) and turns the result's
// BlockChanges into a state root (state::StateDb::stage_block, or an in-memory trie).
//
// Order of a block (execution-specs `apply_body`):
//  1. system call to the EIP-4788 beacon-roots contract with header.parent_beacon_block_root (Cancun+;
//     Igra: its modified 4788 contract at the same address), then EIP-2935 with header.parent_hash (Prague);
//     caller 0xff..fe, 30,000,000 gas, no fee, not counted in the block's gas. These calls are "unchecked"
//     (execution-specs): skipped when the contract has no code, a failure is ignored.
//  2. transactions in order. Each is decoded, its sender recovered and admitted; then apply_transaction.
//     TxPolicy::kRejectBlock (Ethereum): any invalid transaction invalidates the block.
//     TxPolicy::kDrop (Igra): an invalid transaction is dropped (no receipt, no state change) and recorded.
//  3. withdrawals: balance += amount_gwei * 1e9; an account left empty afterwards is removed (EIP-161, as
//     execution-specs `process_withdrawals`), so a zero withdrawal to a missing account creates nothing.
//  4. requests (ChainConfig::requests): deposit logs (EIP-6110) and the EIP-7002 / EIP-7251 system calls,
//     which are "checked": missing code (SYSTEM_CONTRACT_EMPTY) or a failed call
//     (SYSTEM_CONTRACT_CALL_FAILED) invalidates the block.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chain/block.hpp"
#include "chain/receipt.hpp"
#include "chain/state_transition.hpp"
#include "chain/transaction.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/uint256.hpp"
#include "evm/evm.hpp"
#include "evm/state.hpp"
#include "state/account.hpp"

namespace igra::chain {

struct ChainConfig {
  core::uint256 chain_id = 1;
  evm::Revision revision = evm::Revision::kPrague;
  // Ethereum: collect EIP-6110 deposits (from logs of deposit_contract) and run the EIP-7002 / EIP-7251
  // system calls. Igra: false (no request contracts; requests hash = sha256("")).
  bool requests = true;
  core::Address20 deposit_contract;  // mainnet 0x00000000219ab540356cbb839cbe05303d7705fa
  // Igra admission (decisions.md): the balance must cover gas_limit * effective gas price + value, instead
  // of Ethereum's gas_limit * max fee (+ blob fee) + value.
  bool balance_at_effective_price = false;
};

enum class TxPolicy : std::uint8_t { kRejectBlock, kDrop };

// Extra admission rules checked before apply_transaction (Igra's consensus admission, decisions.md). Return
// a reason to drop the transaction, or nullopt to go on. `state` is the state before the transaction.
using AdmissionCheck = std::function<std::optional<std::string>(const Transaction& tx, const core::Address20& sender,
                                                                evm::State& state, const evm::BlockEnv& env)>;

struct BlockInput {
  // The header fields execution reads: number, timestamp, gas_limit, coinbase, base_fee_per_gas,
  // mix_hash (prevRandao), excess_blob_gas, parent_hash, parent_beacon_block_root. The other fields are
  // outputs and ignored here.
  BlockHeader header;
  std::vector<core::Bytes> transactions;  // canonical EIP-2718 forms
  std::vector<Withdrawal> withdrawals;
  // Senders recovered ahead of time (sender_prefetcher.hpp), by transaction hash; nullopt: recover here.
  std::function<std::optional<core::Result<core::Address20>>(const core::Hash32&)> known_sender;
};

struct DroppedTx {
  std::size_t input_index = 0;  // position in BlockInput::transactions
  core::Hash32 hash;            // keccak256 of the raw bytes
  std::string reason;           // e.g. "NONCE_TOO_HIGH: nonce above account nonce"
};

struct IncludedTx {
  std::size_t input_index = 0;
  core::Hash32 hash;
  core::Address20 sender;
  Transaction tx;
  TxExecution execution;
};

struct BlockResult {
  std::vector<IncludedTx> included;     // in block order
  std::vector<core::Bytes> raw_included;  // canonical forms of `included`, for the body and the tx root
  std::vector<Receipt> receipts;
  std::vector<DroppedTx> dropped;
  std::uint64_t gas_used = 0;
  std::uint64_t blob_gas_used = 0;
  Bloom logs_bloom;
  std::vector<Request> requests;
  core::Hash32 requests_hash = kEmptyRequestsHash;
  core::Hash32 transactions_root;
  core::Hash32 receipts_root;
  core::Hash32 withdrawals_root;
  state::BlockChanges changes;  // everything the block changed, for StateDb / an in-memory state
};

// Per-transaction hooks for tracing (debug_trace*): `before(i, state)` runs just before transaction i (its
// pre-state), `tracer(i)` gives the tracer for it (null: none). `i` indexes BlockInput::transactions.
struct BlockTraceHooks {
  std::function<void(std::size_t, evm::State&)> before;
  std::function<evm::Tracer*(std::size_t)> tracer;
};

// Executes a block over `pre`. `block_hash(n)` answers BLOCKHASH for n in [number-256, number-1].
// Errors (kRejectBlock: invalid transaction, blob gas over the limit, gas over the limit, failed system
// call, bad deposit log) carry the execution-spec exception name first, e.g. "GAS_USED_OVERFLOW: ...".
core::Result<BlockResult> execute_block(const evm::StateReader& pre, const ChainConfig& config,
                                        const BlockInput& input, std::function<core::Hash32(std::uint64_t)> block_hash,
                                        TxPolicy policy, const AdmissionCheck& admission = {},
                                        const BlockTraceHooks* hooks = nullptr);

}  // namespace igra::chain
