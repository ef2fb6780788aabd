#pragma once
// Igra's L2 transaction admission (decisions.md O5). Admission is consensus: every node drops exactly the
// same transactions. The rules checked here come before the state transition's own validity checks
// (nonce equal to the account nonce, balance for gas_limit * effective price + value, intrinsic gas with the
// EIP-7623 floor, the block gas left), which drop a transaction the same way.
#include "chain/block_executor.hpp"
#include "igra/network.hpp"

namespace igra::igra {

// Allowed types (default 0, 1, 2), chain id present and equal (pre-EIP-155 legacy dropped), fee floor:
// legacy / 2930 gasPrice >= max(baseFee, minFee); 1559 maxFeePerGas >= baseFee and maxPriorityFeePerGas >=
// minFee. Reasons start with an upper-case tag, e.g. "FEE_BELOW_MINIMUM: ...".
chain::AdmissionCheck make_admission_check(const NetworkParams& params);

// The chain configuration Igra blocks execute under.
chain::ChainConfig igra_chain_config(const NetworkParams& params);

}  // namespace igra::igra
