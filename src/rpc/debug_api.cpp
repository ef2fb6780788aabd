// debug_traceTransaction, debug_traceBlockByNumber / ByHash and debug_traceCall with the struct-log tracer
// (geth's default), callTracer and prestateTracer. Blocks are re-executed from the state before them with the
// node's own block executor (same system calls, admission and order), tracing the requested transactions.
//
// Struct logs: pc, op, gas, gasCost, depth, stack (bottom first, unless disableStack), error on a failing
// step, and storage (the slots this frame's contract wrote so far, when storage is enabled; slots only read
// are not listed). gasCost is the gas consumed until the next step of the same frame (for calls and creates
// it includes the callee's consumption). Memory contents are not captured (geth's default is off).
#include <unordered_set>

#include "chain/transaction_codec.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "evm/evm.hpp"
#include "igra/admission.hpp"
#include "rpc/eth_api_impl.hpp"

namespace igra::rpc {
namespace {

const char* call_type(evm::CallKind k) {
  switch (k) {
    case evm::CallKind::kCall: return "CALL";
    case evm::CallKind::kCallCode: return "CALLCODE";
    case evm::CallKind::kDelegateCall: return "DELEGATECALL";
    case evm::CallKind::kStaticCall: return "STATICCALL";
    case evm::CallKind::kCreate: return "CREATE";
    case evm::CallKind::kCreate2: return "CREATE2";
  }
  return "CALL";
}

struct TraceOptions {
  std::string tracer;  // "" = struct logs
  bool disable_stack = false;
  bool disable_storage = false;
  bool only_top_call = false;
  bool with_log = false;
};

TraceOptions parse_trace_options(const json& o, int arg) {
  TraceOptions t;
  if (o.is_null()) return t;
  if (!o.is_object()) invalid_arg(arg, "trace options must be an object");
  if (auto x = o.find("tracer"); x != o.end() && !x->is_null()) {
    if (!x->is_string()) invalid_arg(arg, "tracer must be a string");
    t.tracer = x->get<std::string>();
    if (t.tracer != "callTracer" && t.tracer != "prestateTracer")
      throw RpcError(code::kInvalidParams, "tracer not found: " + t.tracer + " (available: callTracer, prestateTracer)");
  }
  if (auto x = o.find("disableStack"); x != o.end() && x->is_boolean()) t.disable_stack = x->get<bool>();
  if (auto x = o.find("disableStorage"); x != o.end() && x->is_boolean()) t.disable_storage = x->get<bool>();
  if (auto c = o.find("tracerConfig"); c != o.end() && c->is_object()) {
    if (auto x = c->find("onlyTopCall"); x != c->end() && x->is_boolean()) t.only_top_call = x->get<bool>();
    if (auto x = c->find("withLog"); x != c->end() && x->is_boolean()) t.with_log = x->get<bool>();
    if (auto x = c->find("diffMode"); x != c->end() && x->is_boolean() && x->get<bool>())
      throw RpcError(code::kInvalidParams, "prestateTracer diffMode is not supported");
  }
  return t;
}

// ---- tracers ----

class StructLogTracer final : public evm::Tracer {
 public:
  explicit StructLogTracer(const TraceOptions& o, const CallContext& ctx) : opts_(o), ctx_(ctx) {}

  void on_call_start(const evm::Message& msg) override {
    frames_.push_back(Frame{msg.recipient, {}, std::nullopt});
  }
  void on_call_end(const evm::Message&, const evm::ExecutionResult&) override {
    if (!frames_.empty()) frames_.pop_back();
  }
  void on_instruction(std::size_t pc, std::uint8_t op, std::int64_t gas, int depth, const core::uint256* stack,
                      std::size_t stack_size, std::size_t) override {
    if (logs_.size() >= kMaxSteps) {
      truncated_ = true;
      return;
    }
    if ((logs_.size() & 1023) == 0 && ctx_.expired()) throw RpcError(code::kLimitExceeded, "trace timed out");
    Frame* f = frames_.empty() ? nullptr : &frames_.back();
    if (f && f->last) logs_[*f->last]["gasCost"] = f->last_gas - gas;
    json step = {{"pc", pc}, {"gas", gas}, {"gasCost", 0}, {"depth", depth + 1}};
    const char* name = evm::opcode_name(op);
    step["op"] = name ? std::string(name) : "opcode 0x" + core::uint256(op).to_hex(false) + " not defined";
    if (!opts_.disable_stack) {
      json st = json::array();
      for (std::size_t i = 0; i < stack_size; ++i) st.push_back(stack[i].to_hex(true));
      step["stack"] = std::move(st);
    }
    if (f && op == 0x55 && stack_size >= 2 && !opts_.disable_storage) {  // SSTORE
      f->storage[stack[stack_size - 1].to_be32()] = stack[stack_size - 2].to_be32();
    }
    if (f && !opts_.disable_storage && (op == 0x54 || op == 0x55) && !f->storage.empty()) {
      json s = json::object();
      for (const auto& [k, v] : f->storage) s[core::to_hex(k)] = core::to_hex(v);
      step["storage"] = std::move(s);
    }
    logs_.push_back(std::move(step));
    if (f) {
      f->last = logs_.size() - 1;
      f->last_gas = gas;
    }
  }
  void on_frame_end(int, evm::StatusCode status, std::int64_t gas_left) override {
    if (frames_.empty()) return;
    Frame& f = frames_.back();
    if (f.last) {
      logs_[*f.last]["gasCost"] = std::max<std::int64_t>(0, f.last_gas - gas_left);
      if (status != evm::StatusCode::kSuccess && status != evm::StatusCode::kRevert)
        logs_[*f.last]["error"] = halt_message(status);
    }
    f.last.reset();
  }

  json result(const chain::TxExecution& exec) {
    json out = {{"gas", exec.gas_used},
                {"failed", !exec.success()},
                {"returnValue", hex_data(exec.output)},
                {"structLogs", std::move(logs_)}};
    if (truncated_) out["truncated"] = true;
    return out;
  }

 private:
  static constexpr std::size_t kMaxSteps = 1'000'000;
  struct Frame {
    core::Address20 address;
    std::map<core::Hash32, core::Hash32> storage;
    std::optional<std::size_t> last;
    std::int64_t last_gas = 0;
  };
  TraceOptions opts_;
  const CallContext& ctx_;
  std::vector<Frame> frames_;
  json logs_ = json::array();
  bool truncated_ = false;
};

class CallTracer final : public evm::Tracer {
 public:
  explicit CallTracer(const TraceOptions& o) : opts_(o) {}
  void on_call_start(const evm::Message& msg) override {
    json f = {{"type", call_type(msg.kind)},
              {"from", hex_data(msg.sender)},
              {"gas", qty(static_cast<std::uint64_t>(std::max<std::int64_t>(0, msg.gas)))},
              {"input", hex_data(msg.input)}};
    if (msg.kind != evm::CallKind::kCreate && msg.kind != evm::CallKind::kCreate2) f["to"] = hex_data(msg.recipient);
    if (msg.kind != evm::CallKind::kDelegateCall && msg.kind != evm::CallKind::kStaticCall) f["value"] = qty(msg.value);
    stack_.push_back(std::move(f));
  }
  void on_call_end(const evm::Message& msg, const evm::ExecutionResult& r) override {
    if (stack_.empty()) return;
    json f = std::move(stack_.back());
    stack_.pop_back();
    f["gasUsed"] = qty(static_cast<std::uint64_t>(std::max<std::int64_t>(0, msg.gas - r.gas_left)));
    if (msg.kind == evm::CallKind::kCreate || msg.kind == evm::CallKind::kCreate2) {
      f["to"] = hex_data(r.status == evm::StatusCode::kSuccess ? r.create_address : msg.recipient);
    }
    if (!r.output.empty() || r.status == evm::StatusCode::kSuccess) f["output"] = hex_data(r.output);
    if (r.status != evm::StatusCode::kSuccess) {
      f["error"] = r.status == evm::StatusCode::kRevert ? "execution reverted" : halt_message(r.status);
      if (r.status == evm::StatusCode::kRevert) {
        const std::string m = revert_message(r.output);
        if (m.size() > 20) f["revertReason"] = m.substr(20);
      }
    }
    if (stack_.empty()) {
      top_ = std::move(f);
    } else if (!opts_.only_top_call) {
      auto& parent = stack_.back();
      if (!parent.contains("calls")) parent["calls"] = json::array();
      parent["calls"].push_back(std::move(f));
    }
  }
  void on_instruction(std::size_t, std::uint8_t, std::int64_t, int, const core::uint256*, std::size_t,
                      std::size_t) override {}

  json result(const chain::Transaction& tx, const chain::TxExecution& exec) {
    json f = top_.is_null() ? json::object() : std::move(top_);
    // The top frame reports the transaction's gas, as geth does.
    f["gas"] = qty(tx.gas_limit);
    f["gasUsed"] = qty(exec.gas_used);
    if (f.is_object() && !f.contains("type")) {
      f["type"] = tx.to ? "CALL" : "CREATE";
      f["value"] = qty(tx.value);
      f["input"] = hex_data(tx.data);
      if (tx.to) f["to"] = hex_data(*tx.to);
    }
    if (opts_.with_log) {
      json logs = json::array();
      for (const auto& l : exec.logs) {
        json topics = json::array();
        for (const auto& t : l.topics) topics.push_back(hex_data(t));
        logs.push_back({{"address", hex_data(l.address)}, {"topics", std::move(topics)}, {"data", hex_data(l.data)}});
      }
      if (!logs.empty()) f["logs"] = std::move(logs);
    }
    return f;
  }

 private:
  TraceOptions opts_;
  std::vector<json> stack_;
  json top_;
};

// Collects the accounts and slots a transaction touches (pass 1 of the prestate tracer).
class KeyCollector final : public evm::Tracer {
 public:
  std::map<core::Address20, std::set<core::uint256>> keys;
  void on_call_start(const evm::Message& msg) override {
    keys[msg.sender];
    keys[msg.recipient];
    keys[msg.code_address];
    frames_.push_back(msg.recipient);
  }
  void on_call_end(const evm::Message&, const evm::ExecutionResult&) override {
    if (!frames_.empty()) frames_.pop_back();
  }
  void on_instruction(std::size_t, std::uint8_t op, std::int64_t, int, const core::uint256* stack, std::size_t n,
                      std::size_t) override {
    if (n == 0) return;
    const core::uint256& top = stack[n - 1];
    auto addr_of = [](const core::uint256& v) {
      const auto b = v.to_be32();
      return core::Address20::from_view(core::ByteView(b.data() + 12, 20));
    };
    switch (op) {
      case 0x54:
      case 0x55:
        if (!frames_.empty()) keys[frames_.back()].insert(top);
        break;
      case 0x31:
      case 0x3b:
      case 0x3c:
      case 0x3f:
      case 0xff:
        keys[addr_of(top)];
        break;
      default:
        break;
    }
  }

 private:
  std::vector<core::Address20> frames_;
};

json prestate_of(evm::State& st, const std::map<core::Address20, std::set<core::uint256>>& keys) {
  json out = json::object();
  for (const auto& [addr, slots] : keys) {
    if (!st.exists(addr)) continue;
    json a = {{"balance", qty(st.balance(addr))}};
    if (st.nonce(addr)) a["nonce"] = st.nonce(addr);
    const core::Bytes& code = st.code(addr);
    if (!code.empty()) a["code"] = hex_data(code);
    json storage = json::object();
    for (const auto& k : slots) storage[hex_data(k.to_be32())] = hex_data(st.get_storage(addr, k).to_be32());
    if (!storage.empty()) a["storage"] = std::move(storage);
    out[hex_data(addr)] = std::move(a);
  }
  return out;
}

}  // namespace

namespace {

// Re-executes block `n` with hooks; returns the block result.
chain::BlockResult replay_block(EthApi::Impl& im, state::StateView& v, const LoadedBlock& b,
                                const chain::BlockTraceHooks& hooks) {
  if (b.number == 0) throw RpcError(code::kInvalidInput, "genesis is not traceable");
  HistoricalReader reader(v, b.number - 1);
  chain::BlockInput input;
  input.header = b.header;
  input.transactions = b.body.transactions;
  if (b.body.withdrawals) input.withdrawals = *b.body.withdrawals;
  auto admission = igra::make_admission_check(im.params);
  auto r = chain::execute_block(reader, im.config, input, [&reader](std::uint64_t k) { return reader.block_hash(k); },
                                chain::TxPolicy::kDrop, admission, &hooks);
  reader.check();
  if (!r) throw RpcError(code::kInternalError, "re-execution failed: " + r.error().message);
  return std::move(*r);
}

// Traces transactions `which` (indices into the block body) of block b.
std::vector<json> trace_block_txs(EthApi::Impl& im, state::StateView& v, const LoadedBlock& b,
                                  const std::vector<std::size_t>& which, const TraceOptions& opts, CallContext& ctx) {
  std::vector<json> out;
  std::vector<chain::Transaction> txs;
  for (const auto& raw : b.body.transactions) {
    auto tx = chain::decode_transaction(raw);
    if (!tx) throw_db(tx.error());
    txs.push_back(std::move(*tx));
  }
  const std::set<std::size_t> wanted(which.begin(), which.end());
  if (opts.tracer == "prestateTracer") {
    std::map<std::size_t, KeyCollector> collectors;
    for (auto i : wanted) collectors[i];
    chain::BlockTraceHooks h1;
    h1.tracer = [&](std::size_t i) -> evm::Tracer* {
      auto it = collectors.find(i);
      return it == collectors.end() ? nullptr : &it->second;
    };
    auto r1 = replay_block(im, v, b, h1);
    std::map<std::size_t, json> pre;
    chain::BlockTraceHooks h2;
    h2.before = [&](std::size_t i, evm::State& st) {
      auto it = collectors.find(i);
      if (it == collectors.end()) return;
      auto keys = it->second.keys;
      keys[b.header.coinbase];
      for (std::size_t k = 0; k < r1.included.size(); ++k)
        if (r1.included[k].input_index == i) {
          keys[r1.included[k].sender];
          if (txs[i].to) keys[*txs[i].to];
        }
      pre[i] = prestate_of(st, keys);
    };
    replay_block(im, v, b, h2);
    for (auto i : which) out.push_back(pre.count(i) ? pre[i] : json::object());
    return out;
  }
  std::map<std::size_t, std::unique_ptr<evm::Tracer>> tracers;
  for (auto i : wanted) {
    if (opts.tracer == "callTracer") {
      tracers[i] = std::make_unique<CallTracer>(opts);
    } else {
      tracers[i] = std::make_unique<StructLogTracer>(opts, ctx);
    }
  }
  chain::BlockTraceHooks hooks;
  hooks.tracer = [&](std::size_t i) -> evm::Tracer* {
    auto it = tracers.find(i);
    return it == tracers.end() ? nullptr : it->second.get();
  };
  auto r = replay_block(im, v, b, hooks);
  for (auto i : which) {
    const chain::IncludedTx* inc = nullptr;
    for (const auto& t : r.included)
      if (t.input_index == i) inc = &t;
    if (!inc) {
      out.push_back(json{{"error", "transaction was not executed on re-execution"}});
      continue;
    }
    if (opts.tracer == "callTracer") {
      out.push_back(static_cast<CallTracer*>(tracers[i].get())->result(txs[i], inc->execution));
    } else {
      out.push_back(static_cast<StructLogTracer*>(tracers[i].get())->result(inc->execution));
    }
  }
  return out;
}

}  // namespace

void register_debug_methods(EthApi::Impl& im, Dispatcher& d) {
  EthApi::Impl* imp = &im;
  d.add("debug_traceTransaction", [imp](const json& p, CallContext& ctx) -> json {
    if (!p.is_array() || p.empty() || p.size() > 2) throw RpcError(code::kInvalidParams, "expected [txHash, options?]");
    const core::Hash32 hash = parse_hash(p[0], 0);
    const TraceOptions opts = parse_trace_options(param_at(p, 1), 1);
    auto v = imp->view();
    auto loc = db_ok(v.tx_location(hash));
    if (!loc) throw RpcError(code::kInvalidInput, "transaction not found");
    auto b = imp->load_block(v, loc->block);
    if (!b) throw RpcError(code::kInvalidInput, "transaction not found");
    return trace_block_txs(*imp, v, *b, {loc->index}, opts, ctx).at(0);
  });
  for (bool by_hash : {false, true}) {
    d.add(by_hash ? "debug_traceBlockByHash" : "debug_traceBlockByNumber",
          [imp, by_hash](const json& p, CallContext& ctx) -> json {
            if (!p.is_array() || p.empty() || p.size() > 2)
              throw RpcError(code::kInvalidParams, "expected [block, options?]");
            const TraceOptions opts = parse_trace_options(param_at(p, 1), 1);
            auto v = imp->view();
            std::optional<std::uint64_t> n;
            if (by_hash) {
              n = db_ok(v.block_number(parse_hash(p[0], 0)));
            } else {
              n = imp->resolve_block(v, p[0], 0);
            }
            if (!n) throw RpcError(code::kInvalidInput, by_hash ? "block not found" : "block #" + p[0].dump() + " not found");
            auto b = imp->load_block(v, *n);
            if (!b) throw RpcError(code::kInvalidInput, "block not found");
            std::vector<std::size_t> all(b->body.transactions.size());
            for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
            auto results = all.empty() ? std::vector<json>{} : trace_block_txs(*imp, v, *b, all, opts, ctx);
            if (b->number == 0) throw RpcError(code::kInvalidInput, "genesis is not traceable");
            json out = json::array();
            for (std::size_t i = 0; i < results.size(); ++i)
              out.push_back({{"txHash", hex_data(core::keccak256(b->body.transactions[i]))}, {"result", std::move(results[i])}});
            return out;
          });
  }
  d.add("debug_traceCall", [imp](const json& p, CallContext& ctx) -> json {
    if (!p.is_array() || p.empty() || p.size() > 3) throw RpcError(code::kInvalidParams, "expected [call, block?, options?]");
    const TraceOptions opts = parse_trace_options(param_at(p, 2), 2);
    json call_params = json::array({p[0], param_at(p, 1)});
    if (opts.tracer == "prestateTracer") {
      KeyCollector keys;
      imp->trace_call(call_params, ctx, &keys);
      auto v = imp->view();
      const std::uint64_t n = imp->require_block(v, param_at(p, 1), 1);
      HistoricalReader reader(v, n);
      evm::State st(reader);
      json out = prestate_of(st, keys.keys);
      reader.check();
      return out;
    }
    if (opts.tracer == "callTracer") {
      CallTracer t(opts);
      auto [tx, exec] = imp->trace_call(call_params, ctx, &t);
      return t.result(tx, exec);
    }
    StructLogTracer t(opts, ctx);
    auto [tx, exec] = imp->trace_call(call_params, ctx, &t);
    return t.result(exec);
  });
}

}  // namespace igra::rpc
