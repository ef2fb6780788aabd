#include "chain/block_executor.hpp"

#include <algorithm>
#include <thread>
#include <utility>

#include "chain/base_fee.hpp"
#include "chain/state_transition.hpp"
#include "chain/transaction_codec.hpp"
#include "core/keccak.hpp"

namespace igra::chain {

using core::Address20;
using core::Bytes;
using core::ByteView;
using core::Hash32;
using core::uint256;
using evm::Revision;

namespace {

constexpr std::int64_t kSystemCallGas = 30'000'000;

constexpr Address20 address_from(const char (&hex)[41]) {
  Address20 a{};
  auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    return static_cast<std::uint8_t>(c - 'A' + 10);
  };
  for (std::size_t i = 0; i < 20; ++i)
    a[i] = static_cast<std::uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return a;
}

constexpr Address20 kSystemAddress = address_from("fffffffffffffffffffffffffffffffffffffffe");
constexpr Address20 kBeaconRootsAddress = address_from("000F3df6D732807Ef1319fB7B8bB8522d0Beac02");      // EIP-4788
constexpr Address20 kHistoryStorageAddress = address_from("0000F90827F1C53a10cb7A02335B175320002935");   // EIP-2935
constexpr Address20 kWithdrawalRequestAddress = address_from("00000961Ef480Eb55e80D19ad83579A64c007002");  // EIP-7002
constexpr Address20 kConsolidationRequestAddress =
    address_from("0000BBdDc7CE488642fb579F8B00f3a590007251");  // EIP-7251

// keccak256("DepositEvent(bytes,bytes,bytes,bytes,bytes)").
constexpr Hash32 kDepositEventTopic = {{0x64, 0x9b, 0xbc, 0x62, 0xd0, 0xe3, 0x13, 0x42, 0xaf, 0xea, 0x4e,
                                        0x5c, 0xd8, 0x2d, 0x40, 0x49, 0xe7, 0xe1, 0xee, 0x91, 0x2f, 0xc0,
                                        0x88, 0x9a, 0xa7, 0x90, 0x80, 0x3b, 0xe3, 0x90, 0x38, 0xc5}};

constexpr std::uint8_t kDepositRequestType = 0x00;
constexpr std::uint8_t kWithdrawalRequestType = 0x01;
constexpr std::uint8_t kConsolidationRequestType = 0x02;

core::Error block_error(const char* name, const std::string& detail) {
  return core::make_error(core::ErrorCode::kInvalidArgument, std::string(name) + ": " + detail);
}

// The big-endian word at data[offset..offset+32) as a small number, or UINT64_MAX when it does not fit.
std::uint64_t word_at(ByteView data, std::size_t offset) {
  const uint256 v = uint256::from_be_bytes(data.subspan(offset, 32));
  return v.fits_uint64() ? v.low64() : UINT64_MAX;
}

// EIP-6110 DepositEvent(pubkey, withdrawal_credentials, amount, signature, index): the ABI layout must be the
// one the deposit contract emits (execution-specs `extract_deposit_data`); returns the request data
// pubkey(48) || withdrawal_credentials(32) || amount(8) || signature(96) || index(8).
core::Result<Bytes> extract_deposit_data(ByteView data) {
  constexpr std::size_t kEventLength = 576;
  struct Field {
    std::size_t offset;
    std::size_t size;
  };
  constexpr Field kFields[] = {{160, 48}, {256, 32}, {320, 8}, {384, 96}, {512, 8}};
  if (data.size() != kEventLength)
    return block_error("INVALID_DEPOSIT_EVENT_LAYOUT", "deposit event data length " + std::to_string(data.size()));
  Bytes out;
  out.reserve(192);
  for (std::size_t i = 0; i < 5; ++i) {
    if (word_at(data, 32 * i) != kFields[i].offset)
      return block_error("INVALID_DEPOSIT_EVENT_LAYOUT", "deposit event field offset " + std::to_string(i));
    if (word_at(data, kFields[i].offset) != kFields[i].size)
      return block_error("INVALID_DEPOSIT_EVENT_LAYOUT", "deposit event field size " + std::to_string(i));
    const ByteView field = data.subspan(kFields[i].offset + 32, kFields[i].size);
    out.insert(out.end(), field.begin(), field.end());
  }
  return out;
}

struct SystemCallResult {
  bool has_code = false;
  evm::StatusCode status = evm::StatusCode::kSuccess;
  Bytes output;
};

// A system call (execution-specs `process_unchecked_system_transaction`): caller and origin 0xff..fe, 30M gas,
// no value, no fee, gas price = base fee; the system address is not touched. Skipped when `target` has no
// code. The transaction-scoped data is finalized afterwards (EIP-161 clearing included).
SystemCallResult system_call(evm::State& state, const evm::BlockEnv& env, Revision rev, const Address20& target,
                             ByteView data) {
  SystemCallResult out;
  if (state.code(target).empty()) return out;
  out.has_code = true;
  evm::TxEnv tx_env;
  tx_env.origin = kSystemAddress;
  tx_env.gas_price = env.base_fee;
  evm::ExecutionResult r;
  {
    evm::Evm vm(state, env, tx_env, rev);
    evm::Message msg;
    msg.kind = evm::CallKind::kCall;
    msg.gas = kSystemCallGas;
    msg.recipient = target;
    msg.sender = kSystemAddress;
    msg.code_address = target;
    msg.input = data;
    r = vm.execute(msg);
  }
  out.status = r.status;
  out.output = std::move(r.output);
  state.finalize_transaction();
  return out;
}

// A checked system call (execution-specs `process_checked_system_transaction`): missing code or a failed
// call invalidates the block.
core::Result<Bytes> checked_system_call(evm::State& state, const evm::BlockEnv& env, Revision rev,
                                        const Address20& target, const char* what) {
  SystemCallResult r = system_call(state, env, rev, target, {});
  if (!r.has_code) return block_error("SYSTEM_CONTRACT_EMPTY", std::string(what) + " contract has no code");
  if (r.status != evm::StatusCode::kSuccess)
    return block_error("SYSTEM_CONTRACT_CALL_FAILED",
                       std::string(what) + " system call failed: " + evm::status_name(r.status));
  return std::move(r.output);
}

std::vector<Log> to_chain_logs(const std::vector<evm::Log>& logs) {
  std::vector<Log> out;
  out.reserve(logs.size());
  for (const auto& l : logs) out.push_back(Log{l.address, l.topics, l.data});
  return out;
}

state::BlockChanges to_block_changes(const evm::State& state) {
  state::BlockChanges out;
  for (auto& d : state.changes()) {
    state::AccountChange ac;
    ac.address = d.address;
    ac.wipe_storage = d.wipe_storage;
    if (d.exists) {
      state::Account a;
      a.nonce = d.nonce;
      a.balance = d.balance;
      a.code_hash = d.code_hash;
      ac.account = a;
      if (d.new_code) out.code.push_back(*d.new_code);
      for (const auto& [k, v] : d.storage) out.storage.push_back(state::StorageChange{d.address, k.to_be32(), v});
    }
    out.accounts.push_back(std::move(ac));
  }
  return out;
}

}  // namespace

core::Result<BlockResult> execute_block(const evm::StateReader& pre, const ChainConfig& config,
                                        const BlockInput& input, std::function<core::Hash32(std::uint64_t)> block_hash,
                                        TxPolicy policy, const AdmissionCheck& admission,
                                        const BlockTraceHooks* hooks) {
  const BlockHeader& h = input.header;
  const Revision rev = config.revision;
  evm::BlockEnv env;
  env.number = h.number;
  env.timestamp = h.timestamp;
  env.gas_limit = h.gas_limit;
  env.coinbase = h.coinbase;
  env.base_fee = h.base_fee_per_gas.value_or(uint256());
  env.prevrandao = uint256::load_be(h.mix_hash);
  env.blob_base_fee = blob_base_fee(h.excess_blob_gas.value_or(0), blob_schedule(rev).update_fraction);
  env.chain_id = config.chain_id;
  env.block_hash = std::move(block_hash);

  evm::State state(pre);
  BlockResult result;

  // ---- 1. system calls ----
  {
    const Hash32 beacon_root = h.parent_beacon_block_root.value_or(Hash32{});
    system_call(state, env, rev, kBeaconRootsAddress, beacon_root);
    if (rev >= Revision::kPrague) system_call(state, env, rev, kHistoryStorageAddress, h.parent_hash);
  }

  // ---- 2. transactions ----
  ApplyOptions options;
  options.balance_at_effective_price = config.balance_at_effective_price;
  BlockUsage usage;
  // Decoding, hashing and sender recovery do not depend on the state: done up front, in parallel for
  // large blocks (signature recovery dominates the cost of simple transactions).
  struct Decoded {
    Hash32 hash;
    core::Result<Transaction> tx = core::Error{};
    core::Result<Address20> sender = core::Error{};
  };
  std::vector<Decoded> decoded(input.transactions.size());
  auto decode_range = [&](std::size_t from, std::size_t step) {
    for (std::size_t i = from; i < decoded.size(); i += step) {
      Decoded& d = decoded[i];
      d.hash = core::keccak256(input.transactions[i]);
      d.tx = decode_transaction(input.transactions[i]);
      if (!d.tx) continue;
      if (input.known_sender) {
        if (auto known = input.known_sender(d.hash)) {
          d.sender = std::move(*known);
          continue;
        }
      }
      d.sender = recover_sender(*d.tx);
    }
  };
  const std::size_t threads =
      decoded.size() >= 256 ? std::max<std::size_t>(1, std::min<std::size_t>(std::thread::hardware_concurrency(), 16)) : 1;
  if (threads > 1) {
    std::vector<std::thread> workers;
    for (std::size_t t = 1; t < threads; ++t) workers.emplace_back(decode_range, t, threads);
    decode_range(0, threads);
    for (auto& w : workers) w.join();
  } else {
    decode_range(0, 1);
  }
  for (std::size_t i = 0; i < input.transactions.size(); ++i) {
    const Bytes& raw = input.transactions[i];
    const Hash32 tx_hash = decoded[i].hash;
    auto reject = [&](std::string reason) -> std::optional<core::Error> {
      state.discard_transaction();
      if (policy == TxPolicy::kRejectBlock)
        return core::make_error(core::ErrorCode::kInvalidArgument,
                                reason + " (transaction " + std::to_string(i) + ")");
      result.dropped.push_back(DroppedTx{i, tx_hash, std::move(reason)});
      return std::nullopt;
    };
    auto& tx = decoded[i].tx;
    if (!tx) {
      if (auto e = reject("INVALID_TRANSACTION_ENCODING: " + tx.error().message)) return *e;
      continue;
    }
    const auto& sender = decoded[i].sender;
    if (!sender) {
      if (auto e = reject("INVALID_SIGNATURE: " + sender.error().message)) return *e;
      continue;
    }
    if (admission) {
      if (auto reason = admission(*tx, *sender, state, env)) {
        if (auto e = reject(std::move(*reason))) return *e;
        continue;
      }
    }
    evm::Tracer* tracer = nullptr;
    if (hooks) {
      if (hooks->before) hooks->before(i, state);
      if (hooks->tracer) tracer = hooks->tracer(i);
    }
    auto exec = apply_transaction(state, env, rev, *tx, *sender, usage, tracer, options);
    if (!exec) {
      if (auto e = reject(exec.error().message)) return *e;
      continue;
    }
    usage.gas_used += exec->gas_used;
    usage.blob_gas_used += exec->blob_gas_used;
    Receipt receipt;
    receipt.type = tx->type;
    receipt.status = exec->success();
    receipt.cumulative_gas_used = usage.gas_used;
    receipt.logs = to_chain_logs(exec->logs);
    receipt.bloom = logs_bloom(receipt.logs);
    bloom_or(result.logs_bloom, receipt.bloom);
    result.receipts.push_back(std::move(receipt));
    result.raw_included.push_back(raw);
    result.included.push_back(IncludedTx{i, tx_hash, *sender, std::move(*tx), std::move(*exec)});
  }
  result.gas_used = usage.gas_used;
  result.blob_gas_used = usage.blob_gas_used;

  // ---- 3. withdrawals ----
  if (!input.withdrawals.empty()) {
    const uint256 gwei(1'000'000'000ull);
    for (const auto& w : input.withdrawals) state.add_balance(w.address, uint256(w.amount_gwei) * gwei);
    state.finalize_transaction();  // removes accounts left empty (touched by a zero withdrawal)
  }

  // ---- 4. requests ----
  if (config.requests && rev >= Revision::kPrague) {
    Bytes deposits;
    for (const auto& receipt : result.receipts) {
      for (const auto& log : receipt.logs) {
        if (log.address != config.deposit_contract || log.topics.empty() || log.topics[0] != kDepositEventTopic)
          continue;
        IGRA_TRY(Bytes d, extract_deposit_data(log.data));
        core::append(deposits, d);
      }
    }
    if (!deposits.empty()) result.requests.push_back(Request{kDepositRequestType, std::move(deposits)});
    IGRA_TRY(Bytes withdrawals, checked_system_call(state, env, rev, kWithdrawalRequestAddress, "EIP-7002"));
    if (!withdrawals.empty()) result.requests.push_back(Request{kWithdrawalRequestType, std::move(withdrawals)});
    IGRA_TRY(Bytes consolidations, checked_system_call(state, env, rev, kConsolidationRequestAddress, "EIP-7251"));
    if (!consolidations.empty())
      result.requests.push_back(Request{kConsolidationRequestType, std::move(consolidations)});
    result.requests_hash = requests_hash(result.requests);
  } else {
    result.requests_hash = kEmptyRequestsHash;
  }

  // ---- roots and changes ----
  result.transactions_root = transactions_root(result.raw_included);
  result.receipts_root = receipts_root(result.receipts);
  result.withdrawals_root = withdrawals_root(input.withdrawals);
  result.changes = to_block_changes(state);
  return result;
}

}  // namespace igra::chain
