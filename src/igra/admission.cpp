#include "igra/admission.hpp"

#include <algorithm>

namespace igra::igra {

chain::AdmissionCheck make_admission_check(const NetworkParams& params) {
  const core::uint256 min_fee = core::uint256(params.min_fee_gwei) * core::uint256(1'000'000'000);
  const core::uint256 chain_id(params.chain_id);
  const std::vector<std::uint8_t> allowed = params.allowed_tx_types;
  return [min_fee, chain_id, allowed](const chain::Transaction& tx, const core::Address20&, evm::State&,
                                      const evm::BlockEnv& env) -> std::optional<std::string> {
    const auto type = static_cast<std::uint8_t>(tx.type);
    if (std::find(allowed.begin(), allowed.end(), type) == allowed.end())
      return "TYPE_NOT_ALLOWED: transaction type " + std::to_string(type) + " is not allowed on this network";
    if (!tx.chain_id) return std::string("CHAIN_ID_MISSING: legacy transaction without EIP-155 chain id");
    if (*tx.chain_id != chain_id)
      return "WRONG_CHAIN_ID: chain id " + tx.chain_id->to_decimal() + ", expected " + chain_id.to_decimal();
    if (tx.type == chain::TxType::kLegacy || tx.type == chain::TxType::kAccessList) {
      const core::uint256 floor = env.base_fee < min_fee ? min_fee : env.base_fee;
      if (tx.gas_price < floor)
        return "FEE_BELOW_MINIMUM: gas price " + tx.gas_price.to_decimal() + " below " + floor.to_decimal();
    } else {
      if (tx.max_fee_per_gas < env.base_fee)
        return "FEE_BELOW_MINIMUM: max fee per gas " + tx.max_fee_per_gas.to_decimal() + " below base fee " +
               env.base_fee.to_decimal();
      if (tx.max_priority_fee_per_gas < min_fee)
        return "FEE_BELOW_MINIMUM: max priority fee per gas " + tx.max_priority_fee_per_gas.to_decimal() +
               " below the minimum " + min_fee.to_decimal();
    }
    return std::nullopt;
  };
}

chain::ChainConfig igra_chain_config(const NetworkParams& params) {
  chain::ChainConfig c;
  c.chain_id = core::uint256(params.chain_id);
  c.revision = evm::Revision::kPrague;
  c.requests = false;
  c.balance_at_effective_price = true;
  return c;
}

}  // namespace igra::igra
