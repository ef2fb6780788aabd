#pragma once
// Executes one transaction against an evm::State: validation (the invalid-transaction rules of Cancun and
// Prague), EIP-7702 authorizations, access-list warming, the message itself, refunds, the EIP-7623 floor,
// fee burning and the priority fee to the coinbase. An invalid transaction leaves the state untouched and
// returns an error whose message starts with the execution-spec exception name (e.g.
// "INTRINSIC_GAS_TOO_LOW: ...").
#include <cstdint>
#include <string>
#include <vector>

#include "chain/transaction.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "evm/evm.hpp"
#include "evm/state.hpp"

namespace igra::chain {

// Gas already used in the block (for the block gas and blob gas allowance checks). The block executor adds
// each transaction's gas_used and blob_gas_used to it after apply_transaction.
struct BlockUsage {
  std::uint64_t gas_used = 0;
  std::uint64_t blob_gas_used = 0;
};

struct TxExecution {
  evm::StatusCode status = evm::StatusCode::kSuccess;
  std::uint64_t gas_used = 0;       // what the sender pays for (after refund and floor)
  std::uint64_t blob_gas_used = 0;
  std::vector<evm::Log> logs;
  std::optional<core::Address20> contract_address;  // creates
  core::Bytes output;
  bool success() const noexcept { return status == evm::StatusCode::kSuccess; }
};

struct IntrinsicGas {
  std::uint64_t intrinsic = 0;
  std::uint64_t floor = 0;  // EIP-7623 calldata floor (0 before Prague)
};
IntrinsicGas intrinsic_gas(const Transaction& tx, evm::Revision rev);

// Variations of the admission rules.
struct ApplyOptions {
  // Igra admission (decisions.md): the sender's balance must cover gas_limit * effective gas price + value
  // (+ the blob fee at the block's blob base fee for type 3), instead of Ethereum's
  // gas_limit * max_fee_per_gas + blob_gas * max_fee_per_blob_gas + value.
  bool balance_at_effective_price = false;
  // Simulation (eth_call, eth_estimateGas): skip the nonce equality check (the given nonce is still used for
  // the sender's new nonce and a created contract's address), the EIP-3607 sender-has-code rule and the
  // block gas allowance.
  bool skip_nonce_check = false;
  bool skip_eoa_check = false;
  bool skip_block_gas_limit = false;
};

// The sender is given (recovered by the caller, see transaction_codec.hpp). block.blob_base_fee must be set.
core::Result<TxExecution> apply_transaction(evm::State& state, const evm::BlockEnv& block, evm::Revision rev,
                                            const Transaction& tx, const core::Address20& sender,
                                            const BlockUsage& usage = {}, evm::Tracer* tracer = nullptr,
                                            const ApplyOptions& options = {});

}  // namespace igra::chain
