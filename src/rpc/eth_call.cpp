// eth_call, eth_estimateGas, eth_createAccessList (execution over a snapshot with the shared state
// transition) and eth_sendRawTransaction(Sync) (checks against the head state, then the relayer).
#include <algorithm>
#include <thread>

#include "chain/base_fee.hpp"
#include "chain/state_transition.hpp"
#include "chain/transaction_codec.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "evm/evm.hpp"
#include "rpc/eth_api_impl.hpp"

namespace igra::rpc {
namespace {

struct CallArgs {
  chain::Transaction tx;
  core::Address20 from;
  bool gas_given = false;
  bool price_given = false;  // any fee field non-zero
  bool nonce_given = false;
};

CallArgs parse_call_args(const json& o, std::uint64_t chain_id) {
  if (!o.is_object()) invalid_arg(0, "transaction call object expected");
  CallArgs a;
  auto get = [&](const char* k) -> const json* {
    auto it = o.find(k);
    return it == o.end() || it->is_null() ? nullptr : &*it;
  };
  if (auto v = get("from")) a.from = parse_address(*v, 0);
  if (auto v = get("to")) a.tx.to = parse_address(*v, 0);
  if (auto v = get("gas")) {
    a.tx.gas_limit = parse_u64(*v, 0);
    a.gas_given = true;
  }
  if (auto v = get("value")) a.tx.value = parse_u256(*v, 0);
  if (auto v = get("nonce")) {
    a.tx.nonce = parse_u64(*v, 0);
    a.nonce_given = true;
  }
  const json* input = get("input");
  const json* data = get("data");
  if (input && data && *input != *data)
    invalid_arg(0, "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass transaction call data");
  if (input || data) a.tx.data = parse_data(input ? *input : *data, 0, 4u << 20);
  const json* gp = get("gasPrice");
  const json* mf = get("maxFeePerGas");
  const json* mp = get("maxPriorityFeePerGas");
  if (gp && (mf || mp)) invalid_arg(0, "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified");
  if (auto v = get("accessList")) {
    if (!v->is_array()) invalid_arg(0, "accessList must be an array");
    for (const auto& e : *v) {
      chain::AccessListEntry entry;
      entry.address = parse_address(e.at("address"), 0);
      if (auto k = e.find("storageKeys"); k != e.end() && !k->is_null())
        for (const auto& key : *k) entry.storage_keys.push_back(parse_hash(key, 0));
      a.tx.access_list.push_back(std::move(entry));
    }
  }
  if (auto v = get("authorizationList")) {
    if (!v->is_array()) invalid_arg(0, "authorizationList must be an array");
    for (const auto& e : *v) {
      chain::Authorization au;
      au.chain_id = parse_u256(e.at("chainId"), 0);
      au.address = parse_address(e.at("address"), 0);
      au.nonce = parse_u64(e.at("nonce"), 0);
      au.y_parity = parse_u256(e.contains("yParity") ? e.at("yParity") : e.at("v"), 0);
      au.r = parse_u256(e.at("r"), 0);
      au.s = parse_u256(e.at("s"), 0);
      a.tx.authorization_list.push_back(au);
    }
  }
  if (auto v = get("chainId")) {
    if (parse_u256(*v, 0) != core::uint256(chain_id)) invalid_arg(0, "chainId does not match the node's");
  }
  a.tx.chain_id = core::uint256(chain_id);
  if (gp) {
    a.tx.gas_price = parse_u256(*gp, 0);
    a.tx.type = a.tx.access_list.empty() ? chain::TxType::kLegacy : chain::TxType::kAccessList;
    a.price_given = !a.tx.gas_price.is_zero();
  } else if (mf || mp || !a.tx.authorization_list.empty()) {
    a.tx.type = a.tx.authorization_list.empty() ? chain::TxType::kDynamicFee : chain::TxType::kSetCode;
    if (mf) a.tx.max_fee_per_gas = parse_u256(*mf, 0);
    if (mp) a.tx.max_priority_fee_per_gas = parse_u256(*mp, 0);
    if (!mf) a.tx.max_fee_per_gas = a.tx.max_priority_fee_per_gas;
    a.price_given = !a.tx.max_fee_per_gas.is_zero() || !a.tx.max_priority_fee_per_gas.is_zero();
  } else {
    a.tx.type = a.tx.access_list.empty() ? chain::TxType::kLegacy : chain::TxType::kAccessList;
  }
  return a;
}

using Overrides = std::unordered_map<core::Address20, HistoricalReader::Override, evm::AddressHash>;

Overrides parse_state_overrides(const json& o, int arg) {
  Overrides out;
  if (o.is_null()) return out;
  if (!o.is_object()) invalid_arg(arg, "state overrides must be an object");
  if (o.size() > 1000) invalid_arg(arg, "too many state overrides");
  for (const auto& [k, v] : o.items()) {
    const core::Address20 addr = parse_address(json(k), arg);
    HistoricalReader::Override ov;
    if (!v.is_object()) invalid_arg(arg, "account override must be an object");
    if (auto x = v.find("balance"); x != v.end() && !x->is_null()) ov.balance = parse_u256(*x, arg);
    if (auto x = v.find("nonce"); x != v.end() && !x->is_null()) ov.nonce = parse_u64(*x, arg);
    if (auto x = v.find("code"); x != v.end() && !x->is_null()) ov.code = parse_data(*x, arg, 1u << 20);
    const auto st = v.find("state");
    const auto sd = v.find("stateDiff");
    if (st != v.end() && !st->is_null() && sd != v.end() && !sd->is_null())
      invalid_arg(arg, "account " + k + " has both 'state' and 'stateDiff'");
    auto slots = [&](const json& m) {
      std::unordered_map<core::uint256, core::uint256> r;
      if (!m.is_object()) invalid_arg(arg, "state must be an object");
      for (const auto& [sk, sv] : m.items())
        r[core::uint256::load_be(parse_slot(json(sk), arg))] = core::uint256::load_be(parse_hash(sv, arg));
      return r;
    };
    if (st != v.end() && !st->is_null()) ov.state = slots(*st);
    if (sd != v.end() && !sd->is_null()) ov.state_diff = slots(*sd);
    out[addr] = std::move(ov);
  }
  return out;
}

void apply_block_overrides(evm::BlockEnv& env, const json& o, int arg) {
  if (o.is_null()) return;
  if (!o.is_object()) invalid_arg(arg, "block overrides must be an object");
  for (const auto& [k, v] : o.items()) {
    if (v.is_null()) continue;
    if (k == "number") env.number = parse_u64(v, arg);
    else if (k == "time") env.timestamp = parse_u64(v, arg);
    else if (k == "gasLimit") env.gas_limit = parse_u64(v, arg);
    else if (k == "feeRecipient" || k == "coinbase") env.coinbase = parse_address(v, arg);
    else if (k == "prevRandao" || k == "random") env.prevrandao = core::uint256::load_be(parse_hash(v, arg));
    else if (k == "baseFeePerGas" || k == "baseFee") env.base_fee = parse_u256(v, arg);
    else if (k == "blobBaseFee") env.blob_base_fee = parse_u256(v, arg);
    else invalid_arg(arg, "unknown block override " + k);
  }
}

// The geth wording of a transaction-validity error (wallets and libraries match on these phrases).
std::string geth_wording(const std::string& msg) {
  static const std::pair<const char*, const char*> kMap[] = {
      {"INSUFFICIENT_ACCOUNT_FUNDS", "insufficient funds for gas * price + value"},
      {"INTRINSIC_GAS_TOO_LOW", "intrinsic gas too low"},
      {"INTRINSIC_GAS_BELOW_FLOOR_GAS_COST", "insufficient gas for floor data gas cost"},
      {"INSUFFICIENT_MAX_FEE_PER_GAS", "max fee per gas less than block base fee"},
      {"PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS", "max priority fee per gas higher than max fee per gas"},
      {"NONCE_TOO_HIGH", "nonce too high"},
      {"NONCE_TOO_LOW", "nonce too low"},
      {"NONCE_IS_MAX", "nonce has max value"},
      {"SENDER_NOT_EOA", "sender not an eoa"},
      {"INITCODE_SIZE_EXCEEDED", "max initcode size exceeded"},
      {"GAS_ALLOWANCE_EXCEEDED", "gas limit reached"},
      {"INVALID_CHAINID", "invalid chain id"},
      {"TYPE_4_EMPTY_AUTHORIZATION_LIST", "EIP-7702 transaction with empty auth list"},
      {"TYPE_4_TX_CONTRACT_CREATION", "EIP-7702 transaction cannot be used to create contract"},
  };
  for (const auto& [k, v] : kMap)
    if (msg.rfind(k, 0) == 0) return v;
  return msg;
}

struct Simulation {
  std::optional<std::string> invalid;  // the transaction is invalid (geth wording)
  chain::Transaction tx;
  chain::TxExecution exec;
  std::vector<std::pair<core::Address20, std::vector<core::uint256>>> loaded;
};

struct CallSetup {
  std::uint64_t block = 0;
  evm::BlockEnv env;
  CallArgs args;
  Overrides overrides;
};

}  // namespace

std::string halt_message(evm::StatusCode s) {
  switch (s) {
    case evm::StatusCode::kOutOfGas: return "out of gas";
    case evm::StatusCode::kUndefinedInstruction: return "invalid opcode";
    case evm::StatusCode::kStackOverflow: return "stack limit reached 1024";
    case evm::StatusCode::kStackUnderflow: return "stack underflow";
    case evm::StatusCode::kBadJumpDestination: return "invalid jump destination";
    case evm::StatusCode::kStaticModeViolation: return "write protection";
    case evm::StatusCode::kPrecompileFailure: return "precompile failed";
    case evm::StatusCode::kContractValidationFailure: return "invalid code: must not begin with 0xef or exceeds the size limit";
    case evm::StatusCode::kCallDepthExceeded: return "max call depth exceeded";
    case evm::StatusCode::kInsufficientBalance: return "insufficient balance for transfer";
    case evm::StatusCode::kCreateCollision: return "contract address collision";
    case evm::StatusCode::kNonceOverflow: return "nonce uint64 overflow";
    default: return std::string("execution failed: ") + evm::status_name(s);
  }
}

namespace {

CallSetup setup_call(EthApi::Impl& im, state::StateView& v, const json& p, bool allow_block_overrides) {
  if (!p.is_array() || p.empty()) throw RpcError(code::kInvalidParams, "missing value for required argument 0");
  if (p.size() > (allow_block_overrides ? 4u : 3u)) throw RpcError(code::kInvalidParams, "too many arguments");
  CallSetup s;
  s.args = parse_call_args(p[0], im.params.chain_id);
  s.block = im.require_block(v, param_at(p, 1), 1);
  s.overrides = parse_state_overrides(param_at(p, 2), 2);
  auto b = im.load_block(v, s.block);
  if (!b) throw RpcError(code::kInvalidInput, "header not found");
  const auto& h = b->header;
  s.env.number = h.number;
  s.env.timestamp = h.timestamp;
  s.env.gas_limit = h.gas_limit;
  s.env.coinbase = h.coinbase;
  s.env.base_fee = h.base_fee_per_gas.value_or(core::uint256());
  s.env.prevrandao = core::uint256::load_be(h.mix_hash);
  s.env.blob_base_fee = chain::blob_base_fee(h.excess_blob_gas.value_or(0),
                                             chain::blob_schedule(im.config.revision).update_fraction);
  s.env.chain_id = im.config.chain_id;
  if (allow_block_overrides) apply_block_overrides(s.env, param_at(p, 3), 3);
  // As geth: a call without any fee runs with base fee 0 so that it is not rejected for its price.
  if (!s.args.price_given) s.env.base_fee = core::uint256();
  return s;
}

Simulation simulate(EthApi::Impl& im, state::StateView& v, const CallSetup& s, std::uint64_t gas,
                    const chain::AccessList* access_list = nullptr, evm::Tracer* tracer = nullptr) {
  HistoricalReader reader(v, s.block);
  reader.set_overrides(s.overrides);
  evm::BlockEnv env = s.env;
  env.block_hash = [&reader](std::uint64_t n) { return reader.block_hash(n); };
  chain::Transaction tx = s.args.tx;
  tx.gas_limit = gas;
  if (access_list) tx.access_list = *access_list;
  if (access_list && tx.type == chain::TxType::kLegacy) tx.type = chain::TxType::kAccessList;
  evm::State st(reader);
  if (!s.args.nonce_given) tx.nonce = st.nonce(s.args.from);
  chain::ApplyOptions opts;
  opts.balance_at_effective_price = im.config.balance_at_effective_price;
  opts.skip_nonce_check = true;
  opts.skip_eoa_check = true;
  opts.skip_block_gas_limit = true;
  Simulation out;
  auto r = chain::apply_transaction(st, env, im.config.revision, tx, s.args.from, {}, tracer, opts);
  reader.check();
  if (!r) {
    out.invalid = geth_wording(r.error().message);
    return out;
  }
  out.tx = tx;
  out.exec = std::move(*r);
  out.loaded = st.loaded_keys();
  return out;
}

[[noreturn]] void throw_failure(const Simulation& sim, std::uint64_t gas) {
  if (sim.invalid) throw RpcError(code::kInvalidInput, *sim.invalid + " (supplied gas " + std::to_string(gas) + ")");
  if (sim.exec.status == evm::StatusCode::kRevert)
    throw RpcError(code::kExecutionReverted, revert_message(sim.exec.output), json(hex_data(sim.exec.output)));
  throw RpcError(code::kInvalidInput, halt_message(sim.exec.status));
}

}  // namespace

json EthApi::Impl::call(const json& p, CallContext&) {
  auto v = view();
  CallSetup s = setup_call(*this, v, p, true);
  const std::uint64_t gas = s.args.gas_given ? std::min(s.args.tx.gas_limit, options.gas_cap) : options.gas_cap;
  Simulation sim = simulate(*this, v, s, gas);
  if (sim.invalid || !sim.exec.success()) throw_failure(sim, gas);
  return hex_data(sim.exec.output);
}

std::pair<chain::Transaction, chain::TxExecution> EthApi::Impl::trace_call(const json& p, CallContext&,
                                                                           evm::Tracer* tracer) {
  auto v = view();
  CallSetup s = setup_call(*this, v, p, false);
  const std::uint64_t gas = s.args.gas_given ? std::min(s.args.tx.gas_limit, options.gas_cap) : options.gas_cap;
  Simulation sim = simulate(*this, v, s, gas, nullptr, tracer);
  if (sim.invalid) throw RpcError(code::kInvalidInput, *sim.invalid);
  return {sim.tx, sim.exec};
}

json EthApi::Impl::estimate_gas(const json& p, CallContext& ctx) {
  auto v = view();
  CallSetup s = setup_call(*this, v, p, true);
  std::uint64_t hi = s.args.gas_given ? s.args.tx.gas_limit : std::min(s.env.gas_limit, options.gas_cap);
  hi = std::min(hi, options.gas_cap);
  // Plain value transfer to an account without code: exactly the intrinsic cost.
  if (s.args.tx.to && s.args.tx.data.empty() && s.args.tx.access_list.empty() && s.args.tx.authorization_list.empty()) {
    HistoricalReader reader(v, s.block);
    reader.set_overrides(s.overrides);
    auto acct = reader.read_account(*s.args.tx.to);
    reader.check();
    if (!acct || acct->code_hash == evm::kEmptyCodeHash) {
      Simulation sim = simulate(*this, v, s, std::max<std::uint64_t>(21'000, std::min(hi, std::uint64_t{21'000})));
      if (!sim.invalid && sim.exec.success()) return qty(std::uint64_t{21'000});
    }
  }
  // With a price, the balance bounds the gas the sender can pay for.
  const core::uint256 price = s.args.tx.type == chain::TxType::kLegacy || s.args.tx.type == chain::TxType::kAccessList
                                  ? s.args.tx.gas_price
                                  : s.args.tx.max_fee_per_gas;
  if (!price.is_zero()) {
    HistoricalReader reader(v, s.block);
    reader.set_overrides(s.overrides);
    auto acct = reader.read_account(s.args.from);
    reader.check();
    const core::uint256 bal = acct ? acct->balance : core::uint256();
    if (bal < s.args.tx.value) throw RpcError(code::kInvalidInput, "insufficient funds for transfer");
    const core::uint256 allowance = (bal - s.args.tx.value) / price;
    if (allowance.bit_width() <= 64 && allowance.low64() < hi) hi = allowance.low64();
  }
  Simulation top = simulate(*this, v, s, hi);
  if (top.invalid || !top.exec.success()) {
    if (!top.invalid && top.exec.status != evm::StatusCode::kRevert)
      throw RpcError(code::kInvalidInput, "gas required exceeds allowance (" + std::to_string(hi) + ")");
    throw_failure(top, hi);
  }
  std::uint64_t lo = top.exec.gas_used ? top.exec.gas_used - 1 : 0;
  // Optimistic first probe (geth): the gas used plus the call stipend, scaled for the 63/64 rule.
  const std::uint64_t optimistic = (top.exec.gas_used + 2300) * 64 / 63;
  if (optimistic < hi) {
    Simulation sim = simulate(*this, v, s, optimistic);
    if (!sim.invalid && sim.exec.success()) {
      hi = optimistic;
    } else {
      lo = optimistic;
    }
  }
  while (lo + 1 < hi) {
    if (ctx.expired()) throw RpcError(code::kLimitExceeded, "eth_estimateGas timed out");
    const std::uint64_t mid = lo + (hi - lo) / 2;
    Simulation sim = simulate(*this, v, s, mid);
    if (!sim.invalid && sim.exec.success()) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return qty(hi);
}

json EthApi::Impl::create_access_list(const json& p, CallContext&) {
  auto v = view();
  CallSetup s = setup_call(*this, v, p, false);
  const std::uint64_t gas = s.args.gas_given ? std::min(s.args.tx.gas_limit, options.gas_cap) : options.gas_cap;
  // Iterate until the list is stable (adding entries changes gas, never the accessed set, for most code).
  chain::AccessList list = s.args.tx.access_list;
  Simulation sim;
  for (int round = 0; round < 4; ++round) {
    sim = simulate(*this, v, s, gas, &list);
    if (sim.invalid) throw RpcError(code::kInvalidInput, *sim.invalid);
    chain::AccessList next;
    for (auto& [addr, keys] : sim.loaded) {
      if (addr == s.args.from || (s.args.tx.to && addr == *s.args.tx.to) || addr == s.env.coinbase) continue;
      if (sim.exec.contract_address && addr == *sim.exec.contract_address) continue;
      // Precompiles are always warm.
      bool precompile = true;
      for (int i = 0; i < 18; ++i) precompile = precompile && addr[i] == 0;
      if (precompile && addr[18] == 0 && addr[19] >= 1 && addr[19] <= 0x11) continue;
      chain::AccessListEntry e;
      e.address = addr;
      std::sort(keys.begin(), keys.end());
      for (const auto& k : keys) e.storage_keys.push_back(k.to_be32());
      next.push_back(std::move(e));
    }
    std::sort(next.begin(), next.end(), [](const auto& a, const auto& b) { return a.address < b.address; });
    if (next == list) break;
    list = std::move(next);
  }
  json al = json::array();
  for (const auto& e : list) {
    json keys = json::array();
    for (const auto& k : e.storage_keys) keys.push_back(hex_data(k));
    al.push_back({{"address", hex_data(e.address)}, {"storageKeys", std::move(keys)}});
  }
  json out = {{"accessList", std::move(al)}, {"gasUsed", qty(sim.exec.gas_used)}};
  if (!sim.exec.success())
    out["error"] = sim.exec.status == evm::StatusCode::kRevert ? revert_message(sim.exec.output)
                                                               : halt_message(sim.exec.status);
  return out;
}

json EthApi::Impl::send_raw_transaction(const json& p, CallContext&) {
  if (!p.is_array() || p.empty()) throw RpcError(code::kInvalidParams, "missing value for required argument 0");
  const core::Bytes raw = parse_data(p[0], 0, 128 * 1024);
  auto tx = chain::decode_transaction(raw);
  if (!tx) throw RpcError(code::kInvalidInput, "invalid transaction: " + tx.error().message);
  const auto type = static_cast<std::uint8_t>(tx->type);
  if (std::find(params.allowed_tx_types.begin(), params.allowed_tx_types.end(), type) == params.allowed_tx_types.end())
    throw RpcError(code::kInvalidInput, "transaction type not supported: type " + std::to_string(type) +
                                            " is not accepted by this network");
  if (!tx->chain_id)
    throw RpcError(code::kInvalidInput, "only replay-protected (EIP-155) transactions allowed over RPC");
  if (*tx->chain_id != core::uint256(params.chain_id)) throw RpcError(code::kInvalidInput, "invalid chain id");
  auto sender = chain::recover_sender(*tx);
  if (!sender) throw RpcError(code::kInvalidInput, "invalid sender: " + sender.error().message);
  const core::Hash32 hash = core::keccak256(raw);
  auto v = view();
  const std::uint64_t h = head(v);
  auto acct = db_ok(v.account(*sender, h));
  const std::uint64_t nonce = acct ? acct->nonce : 0;
  if (tx->nonce < nonce)
    throw RpcError(code::kInvalidInput, "nonce too low: next nonce " + std::to_string(nonce) + ", tx nonce " +
                                            std::to_string(tx->nonce));
  // The fee floor (decisions.md): legacy / 2930 gasPrice >= max(baseFee, minFee); 1559 maxFee >= baseFee and
  // maxPriorityFee >= minFee. The base fee is the next block's.
  auto b = load_block(v, h);
  if (!b) throw RpcError(code::kInternalError, "head block missing");
  const core::uint256 base = chain::next_base_fee(b->header.gas_limit, b->header.gas_used,
                                                  b->header.base_fee_per_gas.value_or(core::uint256(1)));
  const core::uint256 min_fee = core::uint256(params.min_fee_gwei) * core::uint256(1'000'000'000ull);
  core::uint256 price;
  if (tx->type == chain::TxType::kLegacy || tx->type == chain::TxType::kAccessList) {
    if (tx->gas_price < min_fee)
      throw RpcError(code::kInvalidInput, "transaction underpriced: gas price " + tx->gas_price.to_decimal() +
                                              " below the network minimum " + min_fee.to_decimal());
    if (tx->gas_price < base)
      throw RpcError(code::kInvalidInput, "max fee per gas less than block base fee: gasPrice " +
                                              tx->gas_price.to_decimal() + ", baseFee " + base.to_decimal());
    price = tx->gas_price;
  } else {
    if (tx->max_priority_fee_per_gas < min_fee)
      throw RpcError(code::kInvalidInput, "transaction underpriced: max priority fee " +
                                              tx->max_priority_fee_per_gas.to_decimal() + " below the network minimum " +
                                              min_fee.to_decimal());
    if (tx->max_fee_per_gas < base)
      throw RpcError(code::kInvalidInput, "max fee per gas less than block base fee: maxFeePerGas " +
                                              tx->max_fee_per_gas.to_decimal() + ", baseFee " + base.to_decimal());
    if (tx->max_fee_per_gas < tx->max_priority_fee_per_gas)
      throw RpcError(code::kInvalidInput, "max priority fee per gas higher than max fee per gas");
    price = effective_gas_price(*tx, base);
  }
  const chain::IntrinsicGas ig = chain::intrinsic_gas(*tx, config.revision);
  if (tx->gas_limit < std::max(ig.intrinsic, ig.floor))
    throw RpcError(code::kInvalidInput, "intrinsic gas too low: have " + std::to_string(tx->gas_limit) + ", want " +
                                            std::to_string(std::max(ig.intrinsic, ig.floor)));
  if (tx->gas_limit > b->header.gas_limit) throw RpcError(code::kInvalidInput, "exceeds block gas limit");
  const core::uint256 cost = core::uint256(tx->gas_limit) * price + tx->value;
  const core::uint256 bal = acct ? acct->balance : core::uint256();
  if (bal < cost)
    throw RpcError(code::kInvalidInput, "insufficient funds for gas * price + value: address " + core::to_hex(*sender, true) +
                                            " have " + bal.to_decimal() + " want " + cost.to_decimal());
  if (!hooks.submit) throw RpcError(code::kMethodNotSupported, "this node has no relayer: eth_sendRawTransaction is not available");
  {
    std::lock_guard lk(pending_mu);
    auto it = pending.find(*sender);
    if (it != pending.end()) {
      auto n = it->second.find(tx->nonce);
      if (n != it->second.end()) {
        if (n->second == hash) return hex_data(hash);  // already relayed
        throw RpcError(code::kInvalidInput, "replacement transaction underpriced: nonce " + std::to_string(tx->nonce) +
                                                " was already relayed to Kaspa (Igra executes the first one)");
      }
    }
  }
  auto r = hooks.submit(raw);
  if (!r) throw RpcError(code::kTransactionRejected, "transaction rejected: " + r.error().message);
  add_pending(*sender, tx->nonce, hash);
  publish_pending(hash);
  return hex_data(hash);
}

json EthApi::Impl::send_raw_transaction_sync(const json& p, CallContext& ctx) {
  if (!p.is_array() || p.empty() || p.size() > 2) throw RpcError(code::kInvalidParams, "expected [rawTx, timeoutMs?]");
  std::uint64_t timeout_ms = 2'000;
  if (p.size() > 1 && !p[1].is_null()) timeout_ms = std::min<std::uint64_t>(parse_u64(p[1], 1), 60'000);
  json hash_json = send_raw_transaction(json::array({p[0]}), ctx);
  const core::Hash32 hash = parse_hash(hash_json, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    std::uint64_t seen;
    {
      std::lock_guard lk(events_mu);
      seen = commits;
    }
    {
      auto v = view();
      auto loc = db_ok(v.tx_location(hash));
      if (loc) {
        auto b = load_block(v, loc->block);
        const auto rs = receipts(v, loc->block);
        if (b && loc->index < rs.size()) {
          std::size_t log_index = 0;
          for (std::size_t k = 0; k < loc->index; ++k) log_index += rs[k].logs.size();
          auto tx = chain::decode_transaction(b->body.transactions[loc->index]);
          auto from = tx ? chain::recover_sender(*tx) : core::Result<core::Address20>(tx.error());
          if (tx && from) return receipt_json(*b, loc->index, *tx, *from, rs, log_index);
        }
      }
    }
    std::unique_lock lk(events_mu);
    if (!head_cv.wait_until(lk, deadline, [&] { return commits != seen; }))
      throw RpcError(4, "the transaction was added to the transaction pool but wasn't processed in " +
                            std::to_string(timeout_ms) + "ms",
                     hash_json);
  }
}

}  // namespace igra::rpc
