#include "chain/state_transition.hpp"

#include <algorithm>

#include "chain/base_fee.hpp"
#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "crypto/secp256k1.hpp"

namespace igra::chain {

using core::Address20;
using core::uint256;
using evm::Revision;

namespace {

constexpr std::uint64_t kTxBaseCost = 21000;
constexpr std::uint64_t kTxCreateCost = 32000;
constexpr std::uint64_t kAccessListAddressCost = 2400;
constexpr std::uint64_t kAccessListKeyCost = 1900;
constexpr std::uint64_t kPerEmptyAccountCost = 25000;  // EIP-7702
constexpr std::uint64_t kPerAuthBaseCost = 12500;      // EIP-7702
constexpr std::uint64_t kTotalCostFloorPerToken = 10;  // EIP-7623
constexpr std::size_t kMaxInitcodeSize = 49152;        // EIP-3860

// secp256k1 group order n and n / 2.
const uint256 kSecpN = uint256::from_limbs(0xbfd25e8cd0364141ull, 0xbaaedce6af48a03bull, 0xfffffffffffffffeull,
                                           0xffffffffffffffffull);
const uint256 kSecpHalfN = uint256::from_limbs(0xdfe92f46681b20a0ull, 0x5d576e7357a4501dull,
                                               0xffffffffffffffffull, 0x7fffffffffffffffull);

core::Error tx_error(const char* name, const std::string& detail) {
  return core::make_error(core::ErrorCode::kInvalidArgument, std::string(name) + ": " + detail);
}

// a * b, or nullopt when it does not fit 256 bits.
std::optional<uint256> checked_mul(const uint256& a, const uint256& b) {
  const auto w = core::mul_wide(a, b);
  if (w[4] | w[5] | w[6] | w[7]) return std::nullopt;
  return uint256::from_limbs(w[0], w[1], w[2], w[3]);
}
std::optional<uint256> checked_add(const uint256& a, const uint256& b) {
  const uint256 s = a + b;
  if (s < a) return std::nullopt;
  return s;
}

// EIP-7702 authority: ecrecover over keccak256(0x05 || rlp([chain_id, address, nonce])).
std::optional<Address20> recover_authority(const Authorization& auth) {
  if (auth.y_parity > uint256(1)) return std::nullopt;
  if (auth.r.is_zero() || auth.r >= kSecpN) return std::nullopt;
  if (auth.s.is_zero() || auth.s > kSecpHalfN) return std::nullopt;
  core::RlpEncoder e;
  auto l = e.begin_list();
  e.add_uint(auth.chain_id);
  e.add_bytes(auth.address);
  e.add_uint(auth.nonce);
  e.end_list(l);
  core::Bytes msg{0x05};
  core::append(msg, std::move(e).finish());
  crypto::RecoverableSignature sig;
  sig.r = auth.r.to_be32();
  sig.s = auth.s.to_be32();
  sig.recovery_id = static_cast<std::uint8_t>(auth.y_parity.low64());
  auto pub = crypto::ecdsa_recover(core::keccak256(msg), sig);
  if (!pub) return std::nullopt;
  return crypto::public_key_to_address(*pub);
}

Address20 precompile_address(int i) {
  Address20 a;
  a[19] = static_cast<std::uint8_t>(i);
  return a;
}

}  // namespace

IntrinsicGas intrinsic_gas(const Transaction& tx, Revision rev) {
  std::uint64_t zeros = 0;
  for (auto b : tx.data) zeros += b == 0;
  const std::uint64_t nonzeros = tx.data.size() - zeros;
  const std::uint64_t tokens = zeros + 4 * nonzeros;
  std::uint64_t gas = kTxBaseCost + 4 * tokens;
  if (!tx.to) gas += kTxCreateCost + 2 * ((tx.data.size() + 31) / 32);
  for (const auto& e : tx.access_list) gas += kAccessListAddressCost + kAccessListKeyCost * e.storage_keys.size();
  gas += kPerEmptyAccountCost * tx.authorization_list.size();
  IntrinsicGas r{gas, 0};
  if (rev >= Revision::kPrague) r.floor = kTxBaseCost + kTotalCostFloorPerToken * tokens;
  return r;
}

core::Result<TxExecution> apply_transaction(evm::State& state, const evm::BlockEnv& block, Revision rev,
                                            const Transaction& tx, const Address20& sender, const BlockUsage& usage,
                                            evm::Tracer* tracer, const ApplyOptions& options) {
  // ---- stateless validity ----
  if (tx.type == TxType::kSetCode && rev < Revision::kPrague) return tx_error("TYPE_4_TX_PRE_FORK", "type 4 before Prague");
  // Typed transactions always carry a chain id; legacy ones only when EIP-155 protected.
  if (tx.chain_id && *tx.chain_id != block.chain_id) return tx_error("INVALID_CHAINID", "chain id mismatch");
  const IntrinsicGas ig = intrinsic_gas(tx, rev);
  if (ig.intrinsic > tx.gas_limit) return tx_error("INTRINSIC_GAS_TOO_LOW", "gas limit below intrinsic gas");
  if (ig.floor > tx.gas_limit) return tx_error("INTRINSIC_GAS_BELOW_FLOOR_GAS_COST", "gas limit below calldata floor");
  if (tx.nonce == UINT64_MAX) return tx_error("NONCE_IS_MAX", "nonce 2^64-1");
  if (!tx.to && tx.data.size() > kMaxInitcodeSize) return tx_error("INITCODE_SIZE_EXCEEDED", "initcode too large");

  // ---- against the block ----
  if (!options.skip_block_gas_limit && tx.gas_limit > block.gas_limit - std::min(block.gas_limit, usage.gas_used))
    return tx_error("GAS_ALLOWANCE_EXCEEDED", "gas limit above block gas left");
  const BlobSchedule schedule = blob_schedule(rev);
  const std::uint64_t blob_gas = kGasPerBlob * tx.blob_versioned_hashes.size();
  if (tx.type == TxType::kBlob && blob_gas > schedule.max_blobs * kGasPerBlob - std::min(schedule.max_blobs * kGasPerBlob, usage.blob_gas_used))
    return tx_error("TYPE_3_TX_BLOB_COUNT_EXCEEDED", "too many blobs");

  uint256 effective_price;
  uint256 max_fee;
  const bool dynamic = tx.type == TxType::kDynamicFee || tx.type == TxType::kBlob || tx.type == TxType::kSetCode;
  if (dynamic) {
    if (tx.max_fee_per_gas < tx.max_priority_fee_per_gas)
      return tx_error("PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS", "priority fee above max fee");
    if (tx.max_fee_per_gas < block.base_fee) return tx_error("INSUFFICIENT_MAX_FEE_PER_GAS", "max fee below base fee");
    const uint256 priority = std::min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - block.base_fee);
    effective_price = priority + block.base_fee;
    max_fee = tx.max_fee_per_gas;
  } else {
    if (tx.gas_price < block.base_fee) return tx_error("INSUFFICIENT_MAX_FEE_PER_GAS", "gas price below base fee");
    effective_price = tx.gas_price;
    max_fee = tx.gas_price;
  }
  // Igra: the balance is checked at the effective price (and the blob fee at the blob base fee).
  const uint256& balance_price = options.balance_at_effective_price ? effective_price : max_fee;
  std::optional<uint256> max_cost = checked_mul(uint256(tx.gas_limit), balance_price);
  if (tx.type == TxType::kBlob) {
    if (tx.blob_versioned_hashes.empty()) return tx_error("TYPE_3_TX_ZERO_BLOBS", "blob transaction without blobs");
    for (const auto& h : tx.blob_versioned_hashes)
      if (h[0] != 0x01) return tx_error("TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH", "blob hash version is not 0x01");
    if (tx.max_fee_per_blob_gas < block.blob_base_fee)
      return tx_error("INSUFFICIENT_MAX_FEE_PER_BLOB_GAS", "max blob fee below blob base fee");
    if (max_cost) {
      auto blob_max = checked_mul(uint256(blob_gas), options.balance_at_effective_price ? block.blob_base_fee
                                                                                        : tx.max_fee_per_blob_gas);
      max_cost = blob_max ? checked_add(*max_cost, *blob_max) : std::nullopt;
    }
  }
  if ((tx.type == TxType::kBlob || tx.type == TxType::kSetCode) && !tx.to)
    return tx_error(tx.type == TxType::kBlob ? "TYPE_3_TX_CONTRACT_CREATION" : "TYPE_4_TX_CONTRACT_CREATION",
                    "transaction type cannot create");
  if (tx.type == TxType::kSetCode && tx.authorization_list.empty())
    return tx_error("TYPE_4_EMPTY_AUTHORIZATION_LIST", "empty authorization list");
  const std::uint64_t sender_nonce = options.skip_nonce_check ? tx.nonce : state.nonce(sender);
  if (sender_nonce < tx.nonce) return tx_error("NONCE_TOO_HIGH", "nonce above account nonce");
  if (sender_nonce > tx.nonce) return tx_error("NONCE_TOO_LOW", "nonce below account nonce");
  if (max_cost) max_cost = checked_add(*max_cost, tx.value);
  if (!max_cost || state.balance(sender) < *max_cost)
    return tx_error("INSUFFICIENT_ACCOUNT_FUNDS", "balance below gas limit * max fee + value");
  if (!options.skip_eoa_check) {
    // EIP-3607, relaxed by EIP-7702 for delegation designators.
    const core::Bytes& code = state.code(sender);
    if (!code.empty() && !(rev >= Revision::kPrague && evm::is_delegation(code)))
      return tx_error("SENDER_NOT_EOA", "sender has code");
  }

  // ---- execution ----
  const uint256 blob_fee = uint256(blob_gas) * block.blob_base_fee;
  state.set_nonce(sender, tx.nonce + 1);
  state.sub_balance(sender, uint256(tx.gas_limit) * effective_price + blob_fee);

  evm::TxEnv tx_env;
  tx_env.origin = sender;
  tx_env.gas_price = effective_price;
  tx_env.blob_hashes = tx.blob_versioned_hashes;

  state.warm_address(sender);
  state.warm_address(block.coinbase);  // EIP-3651
  for (int i = 1; i <= evm::precompile_count(rev); ++i) state.warm_address(precompile_address(i));
  for (const auto& e : tx.access_list) {
    state.warm_address(e.address);
    for (const auto& k : e.storage_keys) state.warm_slot(e.address, uint256::load_be(k));
  }

  // EIP-7702 authorizations: invalid tuples are skipped, valid ones set the delegation and bump the nonce.
  for (const auto& auth : tx.authorization_list) {
    if (!auth.chain_id.is_zero() && auth.chain_id != block.chain_id) continue;
    if (auth.nonce == UINT64_MAX) continue;
    const auto authority = recover_authority(auth);
    if (!authority) continue;
    state.warm_address(*authority);
    const core::Bytes& code = state.code(*authority);
    if (!code.empty() && !evm::is_delegation(code)) continue;
    if (state.nonce(*authority) != auth.nonce) continue;
    if (state.exists(*authority)) state.add_refund(static_cast<std::int64_t>(kPerEmptyAccountCost - kPerAuthBaseCost));
    if (auth.address.is_zero()) {
      state.set_code(*authority, {});
    } else {
      core::Bytes designator{0xef, 0x01, 0x00};
      core::append(designator, auth.address);
      state.set_code(*authority, std::move(designator));
    }
    state.set_nonce(*authority, auth.nonce + 1);
  }

  evm::Evm vm(state, block, tx_env, rev);
  vm.set_tracer(tracer);
  evm::Message msg;
  msg.depth = 0;
  msg.gas = static_cast<std::int64_t>(tx.gas_limit - ig.intrinsic);
  msg.sender = sender;
  msg.value = tx.value;
  msg.input = tx.data;
  TxExecution out;
  if (tx.to) {
    msg.kind = evm::CallKind::kCall;
    msg.recipient = *tx.to;
    msg.code_address = *tx.to;
    state.warm_address(*tx.to);
    if (rev >= Revision::kPrague) {
      const core::Bytes& code = state.code(*tx.to);
      if (evm::is_delegation(code)) {
        msg.code_address = evm::delegation_target(code);
        msg.disable_precompiles = true;
        state.warm_address(msg.code_address);
      }
    }
  } else {
    msg.kind = evm::CallKind::kCreate;
    msg.recipient = evm::create_address(sender, tx.nonce);
    msg.code_address = msg.recipient;
    state.warm_address(msg.recipient);
    out.contract_address = msg.recipient;
  }
  evm::ExecutionResult r = vm.execute(msg);

  // ---- gas and fees ----
  std::uint64_t gas_used = tx.gas_limit - static_cast<std::uint64_t>(r.gas_left);
  const std::uint64_t refund = std::min<std::uint64_t>(gas_used / 5, static_cast<std::uint64_t>(std::max<std::int64_t>(0, state.refund())));
  gas_used -= refund;
  gas_used = std::max(gas_used, ig.floor);  // EIP-7623
  state.add_balance(sender, uint256(tx.gas_limit - gas_used) * effective_price);
  state.add_balance(block.coinbase, uint256(gas_used) * (effective_price - block.base_fee));

  out.status = r.status;
  out.gas_used = gas_used;
  out.blob_gas_used = blob_gas;
  out.output = std::move(r.output);
  if (r.status == evm::StatusCode::kSuccess) out.logs = state.logs();
  state.finalize_transaction();
  return out;
}

}  // namespace igra::chain
