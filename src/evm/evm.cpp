#include "evm/evm.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "core/keccak.hpp"

namespace igra::evm {

namespace {

constexpr int kStackLimit = 1024;
constexpr int kDepthLimit = 1024;
constexpr std::size_t kMaxCodeSize = 24576;         // EIP-170
constexpr std::size_t kMaxInitcodeSize = 2 * 24576;  // EIP-3860
constexpr std::uint64_t kMaxMemory = 1ull << 32;     // beyond this the expansion cost exceeds any gas limit
constexpr std::int64_t kColdAccountExtra = 2500;      // 2600 cold - 100 warm charged statically
constexpr std::int64_t kColdSloadExtra = 2000;        // 2100 cold - 100 warm

// ---- per-revision instruction table: static gas and stack requirements, checked before dispatch ----
struct OpInfo {
  std::int16_t gas = 0;
  std::int16_t req = 0x4000;  // items needed on the stack (huge for undefined opcodes)
  std::int16_t span = 0;      // valid stack heights are [req, req + span], i.e. up to 1024 - growth
  std::int8_t change = 0;     // net stack growth
  bool defined = false;
};
using OpTable = std::array<OpInfo, 256>;

constexpr OpTable make_table(Revision) {
  OpTable t{};
  auto set = [&t](int op, int gas, int req, int change) {
    t[static_cast<std::size_t>(op)] = OpInfo{static_cast<std::int16_t>(gas), static_cast<std::int16_t>(req),
                                             static_cast<std::int16_t>(kStackLimit - change - req),
                                             static_cast<std::int8_t>(change), true};
  };
  set(0x00, 0, 0, 0);
  set(0x01, 3, 2, -1); set(0x02, 5, 2, -1); set(0x03, 3, 2, -1); set(0x04, 5, 2, -1); set(0x05, 5, 2, -1);
  set(0x06, 5, 2, -1); set(0x07, 5, 2, -1); set(0x08, 8, 3, -2); set(0x09, 8, 3, -2); set(0x0a, 10, 2, -1);
  set(0x0b, 5, 2, -1);
  for (int op = 0x10; op <= 0x14; ++op) set(op, 3, 2, -1);
  set(0x15, 3, 1, 0);
  set(0x16, 3, 2, -1); set(0x17, 3, 2, -1); set(0x18, 3, 2, -1); set(0x19, 3, 1, 0);
  set(0x1a, 3, 2, -1); set(0x1b, 3, 2, -1); set(0x1c, 3, 2, -1); set(0x1d, 3, 2, -1);
  set(0x20, 30, 2, -1);
  set(0x30, 2, 0, 1); set(0x31, 100, 1, 0); set(0x32, 2, 0, 1); set(0x33, 2, 0, 1); set(0x34, 2, 0, 1);
  set(0x35, 3, 1, 0); set(0x36, 2, 0, 1); set(0x37, 3, 3, -3); set(0x38, 2, 0, 1); set(0x39, 3, 3, -3);
  set(0x3a, 2, 0, 1); set(0x3b, 100, 1, 0); set(0x3c, 100, 4, -4); set(0x3d, 2, 0, 1); set(0x3e, 3, 3, -3);
  set(0x3f, 100, 1, 0);
  set(0x40, 20, 1, 0);
  for (int op = 0x41; op <= 0x46; ++op) set(op, 2, 0, 1);
  set(0x47, 5, 0, 1); set(0x48, 2, 0, 1); set(0x49, 3, 1, 0); set(0x4a, 2, 0, 1);
  set(0x50, 2, 1, -1); set(0x51, 3, 1, 0); set(0x52, 3, 2, -2); set(0x53, 3, 2, -2); set(0x54, 100, 1, 0);
  set(0x55, 0, 2, -2); set(0x56, 8, 1, -1); set(0x57, 10, 2, -2); set(0x58, 2, 0, 1); set(0x59, 2, 0, 1);
  set(0x5a, 2, 0, 1); set(0x5b, 1, 0, 0); set(0x5c, 100, 1, 0); set(0x5d, 100, 2, -2); set(0x5e, 3, 3, -3);
  set(0x5f, 2, 0, 1);
  for (int op = 0x60; op <= 0x7f; ++op) set(op, 3, 0, 1);
  for (int n = 1; n <= 16; ++n) set(0x7f + n, 3, n, 1);
  for (int n = 1; n <= 16; ++n) set(0x8f + n, 3, n + 1, 0);
  for (int n = 0; n <= 4; ++n) set(0xa0 + n, 375 * (n + 1), n + 2, -(n + 2));
  set(0xf0, 32000, 3, -2); set(0xf1, 100, 7, -6); set(0xf2, 100, 7, -6); set(0xf3, 0, 2, -2);
  set(0xf4, 100, 6, -5); set(0xf5, 32000, 4, -3); set(0xfa, 100, 6, -5); set(0xfd, 0, 2, -2);
  set(0xff, 5000, 1, -1);
  // 0xFE INVALID stays undefined: it halts consuming all gas like any undefined opcode.
  return t;
}

constexpr std::array<OpTable, kNumRevisions> kTables = {make_table(Revision::kCancun), make_table(Revision::kPrague)};

std::shared_ptr<const CodeAnalysis> cached_analysis(const Hash32& code_hash, ByteView code) {
  // Per thread so parallel test runners need no locking; bounded to keep memory in check.
  thread_local std::unordered_map<Hash32, std::shared_ptr<const CodeAnalysis>> cache;
  auto it = cache.find(code_hash);
  if (it != cache.end()) return it->second;
  if (cache.size() > 4096) cache.clear();
  auto a = analyze(code);
  cache.emplace(code_hash, a);
  return a;
}

inline Address20 to_address(const uint256& v) {
  std::uint8_t b[32];
  v.store_be(b);
  return Address20::from_view(ByteView(b + 12, 20));
}
inline uint256 from_address(const Address20& a) { return uint256::from_be_bytes(a.view()); }
inline uint256 from_hash(const Hash32& h) { return uint256::load_be(h.data()); }

inline std::int64_t memory_cost(std::uint64_t words) {
  return static_cast<std::int64_t>(3 * words + words * words / 512);
}
inline std::int64_t num_words(std::uint64_t size) { return static_cast<std::int64_t>((size + 31) / 32); }

}  // namespace

const char* status_name(StatusCode s) noexcept {
  switch (s) {
    case StatusCode::kSuccess: return "success";
    case StatusCode::kRevert: return "revert";
    case StatusCode::kFailure: return "failure";
    case StatusCode::kOutOfGas: return "out of gas";
    case StatusCode::kUndefinedInstruction: return "undefined instruction";
    case StatusCode::kStackOverflow: return "stack overflow";
    case StatusCode::kStackUnderflow: return "stack underflow";
    case StatusCode::kBadJumpDestination: return "bad jump destination";
    case StatusCode::kStaticModeViolation: return "static mode violation";
    case StatusCode::kPrecompileFailure: return "precompile failure";
    case StatusCode::kContractValidationFailure: return "contract validation failure";
    case StatusCode::kCallDepthExceeded: return "call depth exceeded";
    case StatusCode::kInsufficientBalance: return "insufficient balance";
    case StatusCode::kCreateCollision: return "create collision";
    case StatusCode::kNonceOverflow: return "nonce overflow";
  }
  return "?";
}

struct Evm::Frame {
  const Message& msg;
  uint256* sp;
  std::int64_t gas;
  Bytes& memory;
  Bytes return_data;
  StatusCode status = StatusCode::kSuccess;  // set by helpers to halt the frame

  // Expands memory to cover [offset, offset + size); charges the expansion. False (and status OOG) if it
  // cannot be paid. A zero size never expands, whatever the offset.
  bool expand(const uint256& offset, const uint256& size) {
    if (size.is_zero()) return true;
    if (!offset.fits_uint64() || !size.fits_uint64() || offset.low64() > kMaxMemory || size.low64() > kMaxMemory) {
      status = StatusCode::kOutOfGas;
      return false;
    }
    return expand_to(offset.low64() + size.low64());
  }
  bool expand_to(std::uint64_t end) {
    if (end <= memory.size()) return true;
    const std::uint64_t new_words = (end + 31) / 32;
    const std::int64_t cost = memory_cost(new_words) - memory_cost(memory.size() / 32);
    if ((gas -= cost) < 0) {
      status = StatusCode::kOutOfGas;
      return false;
    }
    memory.resize(new_words * 32);
    return true;
  }
  bool charge(std::int64_t cost) {
    if ((gas -= cost) < 0) {
      status = StatusCode::kOutOfGas;
      return false;
    }
    return true;
  }
};

Evm::Evm(State& state, const BlockEnv& block, const TxEnv& tx, Revision rev)
    : state_(state), block_(block), tx_(tx), rev_(rev) {
  thread_local Buffers pool;
  if (!pool.in_use) {
    buffers_ = &pool;
  } else {
    own_buffers_ = std::make_unique<Buffers>();
    buffers_ = own_buffers_.get();
  }
  buffers_->in_use = true;
  // Sized once: frames hold references into these vectors, which must never reallocate.
  if (buffers_->stacks.empty()) {
    buffers_->stacks.resize(kDepthLimit + 2);
    buffers_->memories.resize(kDepthLimit + 2);
  }
}

Evm::~Evm() {
  // Keep small buffers for the next transaction but return large ones (a deep call chain with big memories
  // could otherwise pin gigabytes per thread).
  for (Bytes& m : buffers_->memories)
    if (m.capacity() > (std::size_t{1} << 16)) Bytes().swap(m);
  buffers_->in_use = false;
}

ExecutionResult Evm::execute(const Message& msg) {
  if (msg.depth > kDepthLimit) return ExecutionResult{StatusCode::kCallDepthExceeded, msg.gas, {}, {}};
  if (msg.kind == CallKind::kCreate || msg.kind == CallKind::kCreate2) return create_message(msg);
  return call_message(msg);
}

ExecutionResult Evm::call_message(const Message& msg) {
  const std::size_t snap = state_.snapshot();
  // Value moves for CALL and CALLCODE (CALLCODE to itself); the recipient is touched either way (EIP-161: a
  // touched empty account is removed at the end of the transaction).
  if ((msg.kind == CallKind::kCall || msg.kind == CallKind::kCallCode) && !msg.value.is_zero()) {
    if (state_.balance(msg.sender) < msg.value) return ExecutionResult{StatusCode::kInsufficientBalance, msg.gas, {}, {}};
    state_.sub_balance(msg.sender, msg.value);
    state_.add_balance(msg.recipient, msg.value);
  } else {
    state_.touch(msg.recipient);
  }

  ExecutionResult r;
  const int pc_index = msg.disable_precompiles ? 0 : precompile_index(msg.code_address, rev_);
  if (pc_index != 0) {
    r = run_precompile(pc_index, msg);
  } else {
    const Bytes& code = state_.code(msg.code_address);
    if (code.empty()) return ExecutionResult{StatusCode::kSuccess, msg.gas, {}, {}};
    const auto analysis = cached_analysis(state_.code_hash(msg.code_address), code);
    r = run(msg, *analysis);
  }
  if (r.status != StatusCode::kSuccess) {
    state_.revert(snap);
    if (r.status != StatusCode::kRevert) r.gas_left = 0;
  }
  return r;
}

ExecutionResult Evm::create_message(const Message& msg) {
  const Address20& addr = msg.recipient;
  ExecutionResult r;
  r.create_address = addr;
  // EIP-684/EIP-7610: an address with a nonce, code or storage cannot be created over; all gas is consumed.
  if (state_.nonce(addr) != 0 || state_.code_hash(addr) != kEmptyCodeHash || state_.has_storage(addr)) {
    r.status = StatusCode::kCreateCollision;
    r.gas_left = 0;
    return r;
  }
  const std::size_t snap = state_.snapshot();
  state_.create_account(addr);
  state_.mark_created(addr);
  state_.set_nonce(addr, 1);  // EIP-161
  if (!msg.value.is_zero()) {
    state_.sub_balance(msg.sender, msg.value);
    state_.add_balance(msg.recipient, msg.value);
  }
  ExecutionResult run_result;
  if (msg.input.empty()) {
    run_result = ExecutionResult{StatusCode::kSuccess, msg.gas, {}, {}};
  } else {
    const auto analysis = analyze(msg.input);
    run_result = run(msg, *analysis);
  }
  r.status = run_result.status;
  r.gas_left = run_result.gas_left;
  r.output = std::move(run_result.output);
  if (r.status == StatusCode::kSuccess) {
    const Bytes& code = r.output;
    const std::int64_t deposit = 200 * static_cast<std::int64_t>(code.size());
    if (!code.empty() && code[0] == 0xef) {
      r.status = StatusCode::kContractValidationFailure;  // EIP-3541
    } else if (code.size() > kMaxCodeSize) {
      r.status = StatusCode::kContractValidationFailure;  // EIP-170
    } else if (r.gas_left < deposit) {
      r.status = StatusCode::kOutOfGas;
    } else {
      r.gas_left -= deposit;
      state_.set_code(addr, code);
      r.output.clear();  // a successful create returns no data to the caller
      return r;
    }
  }
  state_.revert(snap);
  if (r.status != StatusCode::kRevert) {
    r.gas_left = 0;
    r.output.clear();
  }
  return r;
}

ExecutionResult Evm::run_precompile(int index, const Message& msg) {
  PrecompileFn fn = find_precompile(index);
  if (fn == nullptr) {
    if (needs_precompile_ == 0) needs_precompile_ = index;
    return ExecutionResult{StatusCode::kPrecompileFailure, 0, {}, {}};
  }
  PrecompileOutput out = fn(msg.input, msg.gas, rev_);
  if (out.gas_used > msg.gas) return ExecutionResult{StatusCode::kOutOfGas, 0, {}, {}};
  if (!out.ok) return ExecutionResult{StatusCode::kPrecompileFailure, 0, {}, {}};
  return ExecutionResult{StatusCode::kSuccess, msg.gas - out.gas_used, std::move(out.output), {}};
}

void Evm::op_call(Frame& f, CallKind kind) {
  const bool has_value = kind == CallKind::kCall || kind == CallKind::kCallCode;
  uint256* sp = f.sp;
  const uint256 gas_req = sp[-1];
  const Address20 to = to_address(sp[-2]);
  const uint256 value = has_value ? sp[-3] : uint256();
  const int a = has_value ? 4 : 3;
  const uint256 in_off = sp[-a], in_size = sp[-a - 1], out_off = sp[-a - 2], out_size = sp[-a - 3];
  f.sp = sp - (has_value ? 6 : 5);
  uint256& result = f.sp[-1];
  result = 0;

  if (!f.expand(in_off, in_size) || !f.expand(out_off, out_size)) return;
  std::int64_t extra = 0;
  if (!state_.warm_address(to)) extra += kColdAccountExtra;
  Address20 code_address = to;
  bool delegated = false;
  if (rev_ >= Revision::kPrague) {
    // EIP-7702: calling a delegated account runs the target's code and pays for accessing the target.
    const Bytes& c = state_.code(to);
    if (is_delegation(c)) {
      delegated = true;
      code_address = delegation_target(c);
      extra += state_.warm_address(code_address) ? 100 : 2600;
    }
  }
  if (!value.is_zero()) {
    if (kind == CallKind::kCall && f.msg.is_static) {
      f.status = StatusCode::kStaticModeViolation;
      return;
    }
    extra += 9000;
    if (kind == CallKind::kCall && state_.is_empty(to)) extra += 25000;
  }
  if (!f.charge(extra)) return;
  // EIP-150: at most all but one 64th of the remaining gas is passed on.
  const std::int64_t avail = f.gas - f.gas / 64;
  std::int64_t call_gas = gas_req.fits_uint64() && gas_req.low64() < static_cast<std::uint64_t>(avail)
                              ? static_cast<std::int64_t>(gas_req.low64())
                              : avail;
  f.gas -= call_gas;
  if (!value.is_zero()) call_gas += 2300;  // stipend, free for the caller
  f.return_data.clear();
  if (f.msg.depth >= kDepthLimit || (!value.is_zero() && state_.balance(f.msg.recipient) < value)) {
    f.gas += call_gas;
    return;
  }
  Message m;
  m.kind = kind;
  m.depth = f.msg.depth + 1;
  m.gas = call_gas;
  m.is_static = f.msg.is_static || kind == CallKind::kStaticCall;
  m.code_address = code_address;
  m.disable_precompiles = delegated;
  if (!in_size.is_zero()) m.input = ByteView(f.memory.data() + in_off.low64(), in_size.low64());
  switch (kind) {
    case CallKind::kCall:
      m.recipient = to;
      m.sender = f.msg.recipient;
      m.value = value;
      break;
    case CallKind::kCallCode:
      m.recipient = f.msg.recipient;
      m.sender = f.msg.recipient;
      m.value = value;
      break;
    case CallKind::kDelegateCall:
      m.recipient = f.msg.recipient;
      m.sender = f.msg.sender;
      m.value = f.msg.value;
      break;
    default:  // STATICCALL
      m.recipient = to;
      m.sender = f.msg.recipient;
      break;
  }
  ExecutionResult r = execute(m);
  result = r.status == StatusCode::kSuccess ? 1 : 0;
  if (!out_size.is_zero()) {
    const std::size_t n = std::min<std::size_t>(out_size.low64(), r.output.size());
    if (n) std::memcpy(f.memory.data() + out_off.low64(), r.output.data(), n);
  }
  f.gas += r.gas_left;
  f.return_data = std::move(r.output);
}

void Evm::op_create(Frame& f, CallKind kind) {
  uint256* sp = f.sp;
  const uint256 value = sp[-1], off = sp[-2], size = sp[-3];
  Hash32 salt;
  if (kind == CallKind::kCreate2) salt = sp[-4].to_be32();
  f.sp = sp - (kind == CallKind::kCreate2 ? 3 : 2);
  uint256& result = f.sp[-1];
  result = 0;
  if (f.msg.is_static) {
    f.status = StatusCode::kStaticModeViolation;
    return;
  }
  if (!f.expand(off, size)) return;
  if (!size.is_zero() && size.low64() > kMaxInitcodeSize) {  // EIP-3860
    f.status = StatusCode::kOutOfGas;
    return;
  }
  const std::int64_t w = num_words(size.low64());
  if (!f.charge(2 * w + (kind == CallKind::kCreate2 ? 6 * w : 0))) return;
  const ByteView initcode = size.is_zero() ? ByteView() : ByteView(f.memory.data() + off.low64(), size.low64());
  const Address20& self = f.msg.recipient;
  const std::uint64_t nonce = state_.nonce(self);
  const Address20 addr = kind == CallKind::kCreate ? create_address(self, nonce) : create2_address(self, salt, initcode);
  state_.warm_address(addr);  // EIP-2929: warm even if the create fails early
  const std::int64_t avail = f.gas - f.gas / 64;
  f.gas -= avail;
  f.return_data.clear();
  if (state_.balance(self) < value || nonce == UINT64_MAX || f.msg.depth >= kDepthLimit) {
    f.gas += avail;
    return;
  }
  state_.set_nonce(self, nonce + 1);
  Message m;
  m.kind = kind;
  m.depth = f.msg.depth + 1;
  m.gas = avail;
  m.recipient = addr;
  m.sender = self;
  m.code_address = addr;
  m.value = value;
  m.input = initcode;
  m.salt = salt;
  ExecutionResult r = execute(m);
  f.gas += r.gas_left;
  if (r.status == StatusCode::kSuccess)
    result = from_address(addr);
  else if (r.status == StatusCode::kRevert)
    f.return_data = std::move(r.output);
}

void Evm::op_selfdestruct(Frame& f) {
  if (f.msg.is_static) {
    f.status = StatusCode::kStaticModeViolation;
    return;
  }
  const Address20 beneficiary = to_address(f.sp[-1]);
  --f.sp;
  const Address20& self = f.msg.recipient;
  std::int64_t cost = 0;
  if (!state_.warm_address(beneficiary)) cost += 2600;
  const uint256 bal = state_.balance(self);
  if (!bal.is_zero() && state_.is_empty(beneficiary)) cost += 25000;
  if (!f.charge(cost)) return;
  // EIP-6780: the balance always moves; the account is deleted only if created in this transaction.
  if (beneficiary != self) {
    state_.sub_balance(self, bal);
    state_.add_balance(beneficiary, bal);
  } else {
    state_.touch(beneficiary);
  }
  if (state_.created_in_tx(self)) {
    state_.set_balance(self, 0);  // burns the balance when the beneficiary is the account itself
    state_.mark_destructed(self);
  }
}

ExecutionResult Evm::run(const Message& msg, const CodeAnalysis& code) {
  if (tracer_ != nullptr)
    return rev_ == Revision::kCancun ? run_impl<Revision::kCancun, true>(msg, code)
                                     : run_impl<Revision::kPrague, true>(msg, code);
  return rev_ == Revision::kCancun ? run_impl<Revision::kCancun, false>(msg, code)
                                   : run_impl<Revision::kPrague, false>(msg, code);
}

template <Revision R, bool kTrace>
ExecutionResult Evm::run_impl(const Message& msg, const CodeAnalysis& code) {
  const int depth = msg.depth;
  auto& stack_slot = buffers_->stacks[static_cast<std::size_t>(depth)];
  if (!stack_slot) stack_slot = std::make_unique_for_overwrite<uint256[]>(kStackLimit);
  uint256* const stack_bottom = stack_slot.get();
  Bytes& memory = buffers_->memories[static_cast<std::size_t>(depth)];
  memory.clear();
  Frame f{msg, stack_bottom, msg.gas, memory, {}};

  constexpr const OpTable& table = kTables[static_cast<std::size_t>(R)];
  Tracer* const tracer = tracer_;
  const std::uint8_t* const code_begin = code.padded.data();
  const std::uint8_t* ip = code_begin;
  uint256* sp = stack_bottom;
  std::int64_t gas = msg.gas;
  ExecutionResult result;
  // Initcode runs with empty calldata (the initcode is its code, not its input).
  const ByteView calldata =
      msg.kind == CallKind::kCreate || msg.kind == CallKind::kCreate2 ? ByteView() : msg.input;

#define IGRA_SYNC_OUT() \
  f.sp = sp;            \
  f.gas = gas
#define IGRA_SYNC_IN() \
  sp = f.sp;           \
  gas = f.gas;         \
  if (f.status != StatusCode::kSuccess) goto halt
#define IGRA_FAIL(s) \
  do {               \
    f.status = (s);  \
    goto halt;       \
  } while (0)
#define IGRA_CHARGE(c)                                      \
  do {                                                      \
    if ((gas -= (c)) < 0) IGRA_FAIL(StatusCode::kOutOfGas); \
  } while (0)
#define IGRA_EXPAND(off, size)    \
  do {                            \
    IGRA_SYNC_OUT();              \
    if (!f.expand((off), (size))) goto halt; \
    gas = f.gas;                  \
  } while (0)

  for (;;) {
    const std::uint8_t op = *ip;
    if constexpr (kTrace)
      tracer->on_instruction(static_cast<std::size_t>(ip - code_begin), op, gas, depth, stack_bottom,
                              static_cast<std::size_t>(sp - stack_bottom), memory.size());
    const OpInfo& info = table[op];
    {
      // One unsigned comparison covers undefined opcodes, underflow and overflow; the slow path tells them apart.
      const std::ptrdiff_t height = sp - stack_bottom;
      if (static_cast<std::size_t>(height - info.req) > static_cast<std::size_t>(info.span)) [[unlikely]] {
        if (!info.defined) IGRA_FAIL(StatusCode::kUndefinedInstruction);
        if (height < info.req) IGRA_FAIL(StatusCode::kStackUnderflow);
        IGRA_FAIL(StatusCode::kStackOverflow);
      }
    }
    IGRA_CHARGE(info.gas);

    switch (op) {
      case 0x00:
        goto stop;
      case 0x01: sp[-2] = sp[-1] + sp[-2]; --sp; break;
      case 0x02: sp[-2] = sp[-1] * sp[-2]; --sp; break;
      case 0x03: sp[-2] = sp[-1] - sp[-2]; --sp; break;
      case 0x04: sp[-2] = sp[-1] / sp[-2]; --sp; break;
      case 0x05: sp[-2] = core::sdiv(sp[-1], sp[-2]); --sp; break;
      case 0x06: sp[-2] = sp[-1] % sp[-2]; --sp; break;
      case 0x07: sp[-2] = core::smod(sp[-1], sp[-2]); --sp; break;
      case 0x08: sp[-3] = core::addmod(sp[-1], sp[-2], sp[-3]); sp -= 2; break;
      case 0x09: sp[-3] = core::mulmod(sp[-1], sp[-2], sp[-3]); sp -= 2; break;
      case 0x0a: {
        IGRA_CHARGE(50 * static_cast<std::int64_t>(sp[-2].byte_width()));
        sp[-2] = core::exp(sp[-1], sp[-2]);
        --sp;
        break;
      }
      case 0x0b: sp[-2] = core::signextend(sp[-1], sp[-2]); --sp; break;
      case 0x10: sp[-2] = sp[-1] < sp[-2] ? 1 : 0; --sp; break;
      case 0x11: sp[-2] = sp[-1] > sp[-2] ? 1 : 0; --sp; break;
      case 0x12: sp[-2] = core::slt(sp[-1], sp[-2]) ? 1 : 0; --sp; break;
      case 0x13: sp[-2] = core::sgt(sp[-1], sp[-2]) ? 1 : 0; --sp; break;
      case 0x14: sp[-2] = sp[-1] == sp[-2] ? 1 : 0; --sp; break;
      case 0x15: sp[-1] = sp[-1].is_zero() ? 1 : 0; break;
      case 0x16: sp[-2] = sp[-1] & sp[-2]; --sp; break;
      case 0x17: sp[-2] = sp[-1] | sp[-2]; --sp; break;
      case 0x18: sp[-2] = sp[-1] ^ sp[-2]; --sp; break;
      case 0x19: sp[-1] = ~sp[-1]; break;
      case 0x1a: sp[-2] = core::byte(sp[-1], sp[-2]); --sp; break;
      case 0x1b: sp[-2] = sp[-2] << sp[-1]; --sp; break;
      case 0x1c: sp[-2] = sp[-2] >> sp[-1]; --sp; break;
      case 0x1d: sp[-2] = core::sar(sp[-2], sp[-1]); --sp; break;
      case 0x20: {
        const uint256 off = sp[-1], size = sp[-2];
        IGRA_EXPAND(off, size);
        IGRA_CHARGE(6 * num_words(size.low64()));
        const ByteView data = size.is_zero() ? ByteView() : ByteView(memory.data() + off.low64(), size.low64());
        sp[-2] = from_hash(core::keccak256(data));
        --sp;
        break;
      }
      case 0x30: *sp++ = from_address(msg.recipient); break;
      case 0x31: {
        const Address20 a = to_address(sp[-1]);
        if (!state_.warm_address(a)) IGRA_CHARGE(kColdAccountExtra);
        sp[-1] = state_.balance(a);
        break;
      }
      case 0x32: *sp++ = from_address(tx_.origin); break;
      case 0x33: *sp++ = from_address(msg.sender); break;
      case 0x34: *sp++ = msg.value; break;
      case 0x35: {
        const uint256& off = sp[-1];
        std::uint8_t buf[32] = {};
        if (off.fits_uint64() && off.low64() < calldata.size()) {
          const std::size_t o = off.low64();
          std::memcpy(buf, calldata.data() + o, std::min<std::size_t>(32, calldata.size() - o));
        }
        sp[-1] = uint256::load_be(buf);
        break;
      }
      case 0x36: *sp++ = uint256(calldata.size()); break;
      case 0x37:
      case 0x39:
      case 0x3e: {
        const uint256 dst = sp[-1], src = sp[-2], size = sp[-3];
        sp -= 3;
        IGRA_EXPAND(dst, size);
        IGRA_CHARGE(3 * num_words(size.low64()));
        ByteView from = op == 0x37 ? calldata : op == 0x39 ? ByteView(code_begin, code.size) : ByteView(f.return_data);
        if (op == 0x3e) {
          // RETURNDATACOPY may not read past the return data (EIP-211).
          if (!src.fits_uint64() || src.low64() > from.size() || from.size() - src.low64() < size.low64())
            IGRA_FAIL(StatusCode::kFailure);
        }
        if (size.is_zero()) break;
        const std::size_t n = size.low64();
        std::uint8_t* d = memory.data() + dst.low64();
        std::size_t copied = 0;
        if (src.fits_uint64() && src.low64() < from.size()) {
          copied = std::min<std::size_t>(n, from.size() - src.low64());
          std::memcpy(d, from.data() + src.low64(), copied);
        }
        std::memset(d + copied, 0, n - copied);
        break;
      }
      case 0x38: *sp++ = uint256(code.size); break;
      case 0x3a: *sp++ = tx_.gas_price; break;
      case 0x3b: {
        const Address20 a = to_address(sp[-1]);
        if (!state_.warm_address(a)) IGRA_CHARGE(kColdAccountExtra);
        sp[-1] = uint256(state_.code(a).size());
        break;
      }
      case 0x3c: {
        const Address20 a = to_address(sp[-1]);
        const uint256 dst = sp[-2], src = sp[-3], size = sp[-4];
        sp -= 4;
        IGRA_EXPAND(dst, size);
        IGRA_CHARGE(3 * num_words(size.low64()));
        if (!state_.warm_address(a)) IGRA_CHARGE(kColdAccountExtra);
        if (size.is_zero()) break;
        const Bytes& c = state_.code(a);
        const std::size_t n = size.low64();
        std::uint8_t* d = memory.data() + dst.low64();
        std::size_t copied = 0;
        if (src.fits_uint64() && src.low64() < c.size()) {
          copied = std::min<std::size_t>(n, c.size() - src.low64());
          std::memcpy(d, c.data() + src.low64(), copied);
        }
        std::memset(d + copied, 0, n - copied);
        break;
      }
      case 0x3d: *sp++ = uint256(f.return_data.size()); break;
      case 0x3f: {
        const Address20 a = to_address(sp[-1]);
        if (!state_.warm_address(a)) IGRA_CHARGE(kColdAccountExtra);
        sp[-1] = state_.is_empty(a) ? uint256() : from_hash(state_.code_hash(a));
        break;
      }
      case 0x40: {
        const uint256& n = sp[-1];
        uint256 h;
        if (n.fits_uint64() && n.low64() < block_.number && block_.number - n.low64() <= 256 && block_.block_hash)
          h = from_hash(block_.block_hash(n.low64()));
        sp[-1] = h;
        break;
      }
      case 0x41: *sp++ = from_address(block_.coinbase); break;
      case 0x42: *sp++ = uint256(block_.timestamp); break;
      case 0x43: *sp++ = uint256(block_.number); break;
      case 0x44: *sp++ = block_.prevrandao; break;
      case 0x45: *sp++ = uint256(block_.gas_limit); break;
      case 0x46: *sp++ = block_.chain_id; break;
      case 0x47: *sp++ = state_.balance(msg.recipient); break;
      case 0x48: *sp++ = block_.base_fee; break;
      case 0x49: {
        const uint256& i = sp[-1];
        sp[-1] = i.fits_uint64() && i.low64() < tx_.blob_hashes.size() ? from_hash(tx_.blob_hashes[i.low64()]) : uint256();
        break;
      }
      case 0x4a: *sp++ = block_.blob_base_fee; break;
      case 0x50: --sp; break;
      case 0x51: {
        const uint256 off = sp[-1];
        IGRA_EXPAND(off, uint256(32));
        sp[-1] = uint256::load_be(memory.data() + off.low64());
        break;
      }
      case 0x52: {
        const uint256 off = sp[-1];
        IGRA_EXPAND(off, uint256(32));
        sp[-2].store_be(memory.data() + off.low64());
        sp -= 2;
        break;
      }
      case 0x53: {
        const uint256 off = sp[-1];
        IGRA_EXPAND(off, uint256(1));
        memory[off.low64()] = static_cast<std::uint8_t>(sp[-2].low64());
        sp -= 2;
        break;
      }
      case 0x54: {
        if (!state_.warm_slot(msg.recipient, sp[-1])) IGRA_CHARGE(kColdSloadExtra);
        sp[-1] = state_.get_storage(msg.recipient, sp[-1]);
        break;
      }
      case 0x55: {
        if (msg.is_static) IGRA_FAIL(StatusCode::kStaticModeViolation);
        // EIP-2200: SSTORE needs more than the call stipend left.
        if (gas <= 2300) IGRA_FAIL(StatusCode::kOutOfGas);
        const uint256 key = sp[-1], val = sp[-2];
        sp -= 2;
        std::int64_t cost = 0;
        if (!state_.warm_slot(msg.recipient, key)) cost += 2100;
        const uint256 current = state_.get_storage(msg.recipient, key);
        const uint256 original = state_.get_original_storage(msg.recipient, key);
        if (current == val)
          cost += 100;
        else if (original == current)
          cost += original.is_zero() ? 20000 : 2900;
        else
          cost += 100;
        IGRA_CHARGE(cost);
        if (current != val) {
          // EIP-2200 refunds with the EIP-3529 values.
          std::int64_t refund = 0;
          if (original == current) {
            if (!original.is_zero() && val.is_zero()) refund += 4800;
          } else {
            if (!original.is_zero()) {
              if (current.is_zero())
                refund -= 4800;
              else if (val.is_zero())
                refund += 4800;
            }
            if (original == val) refund += original.is_zero() ? 19900 : 2800;
          }
          if (refund != 0) state_.add_refund(refund);
          state_.set_storage(msg.recipient, key, val);
        }
        break;
      }
      case 0x56: {
        const uint256& d = sp[-1];
        if (!d.fits_uint64() || d.low64() >= code.size || !code.jumpdest[d.low64()])
          IGRA_FAIL(StatusCode::kBadJumpDestination);
        ip = code_begin + d.low64();
        --sp;
        continue;
      }
      case 0x57: {
        if (!sp[-2].is_zero()) {
          const uint256& d = sp[-1];
          if (!d.fits_uint64() || d.low64() >= code.size || !code.jumpdest[d.low64()])
            IGRA_FAIL(StatusCode::kBadJumpDestination);
          ip = code_begin + d.low64();
          sp -= 2;
          continue;
        }
        sp -= 2;
        break;
      }
      case 0x58: *sp++ = uint256(static_cast<std::uint64_t>(ip - code_begin)); break;
      case 0x59: *sp++ = uint256(memory.size()); break;
      case 0x5a: *sp++ = uint256(static_cast<std::uint64_t>(gas)); break;
      case 0x5b: break;
      case 0x5c: sp[-1] = state_.get_transient(msg.recipient, sp[-1]); break;
      case 0x5d: {
        if (msg.is_static) IGRA_FAIL(StatusCode::kStaticModeViolation);
        state_.set_transient(msg.recipient, sp[-1], sp[-2]);
        sp -= 2;
        break;
      }
      case 0x5e: {
        const uint256 dst = sp[-1], src = sp[-2], size = sp[-3];
        sp -= 3;
        if (!size.is_zero()) {
          // Expansion covers both ranges (EIP-5656).
          IGRA_EXPAND(src > dst ? src : dst, size);
        }
        IGRA_CHARGE(3 * num_words(size.low64()));
        if (!size.is_zero()) std::memmove(memory.data() + dst.low64(), memory.data() + src.low64(), size.low64());
        break;
      }
      case 0x5f: *sp++ = uint256(); break;
      case 0x60: case 0x61: case 0x62: case 0x63: case 0x64: case 0x65: case 0x66: case 0x67:
      case 0x68: case 0x69: case 0x6a: case 0x6b: case 0x6c: case 0x6d: case 0x6e: case 0x6f:
      case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
      case 0x78: case 0x79: case 0x7a: case 0x7b: case 0x7c: case 0x7d: case 0x7e: case 0x7f: {
        const unsigned n = op - 0x5f;
        if (n <= 8) {
          std::uint64_t v = 0;
          for (unsigned i = 1; i <= n; ++i) v = (v << 8) | ip[i];
          *sp++ = uint256(v);
        } else {
          *sp++ = uint256::from_be_bytes(ByteView(ip + 1, n));
        }
        ip += n + 1;
        continue;
      }
      case 0x80: case 0x81: case 0x82: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87:
      case 0x88: case 0x89: case 0x8a: case 0x8b: case 0x8c: case 0x8d: case 0x8e: case 0x8f: {
        const int n = op - 0x7f;
        *sp = sp[-n];
        ++sp;
        break;
      }
      case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97:
      case 0x98: case 0x99: case 0x9a: case 0x9b: case 0x9c: case 0x9d: case 0x9e: case 0x9f: {
        const int n = op - 0x8f;
        std::swap(sp[-1], sp[-1 - n]);
        break;
      }
      case 0xa0: case 0xa1: case 0xa2: case 0xa3: case 0xa4: {
        if (msg.is_static) IGRA_FAIL(StatusCode::kStaticModeViolation);
        const int n = op - 0xa0;
        const uint256 off = sp[-1], size = sp[-2];
        IGRA_EXPAND(off, size);
        if (!size.is_zero()) IGRA_CHARGE(8 * static_cast<std::int64_t>(size.low64()));
        Log log;
        log.address = msg.recipient;
        for (int i = 0; i < n; ++i) log.topics.push_back(sp[-3 - i].to_be32());
        if (!size.is_zero()) log.data.assign(memory.data() + off.low64(), memory.data() + off.low64() + size.low64());
        state_.add_log(std::move(log));
        sp -= n + 2;
        break;
      }
      case 0xf0:
      case 0xf5:
        IGRA_SYNC_OUT();
        op_create(f, op == 0xf0 ? CallKind::kCreate : CallKind::kCreate2);
        IGRA_SYNC_IN();
        break;
      case 0xf1:
      case 0xf2:
      case 0xf4:
      case 0xfa:
        IGRA_SYNC_OUT();
        op_call(f, op == 0xf1   ? CallKind::kCall
                   : op == 0xf2 ? CallKind::kCallCode
                   : op == 0xf4 ? CallKind::kDelegateCall
                                : CallKind::kStaticCall);
        IGRA_SYNC_IN();
        break;
      case 0xf3:
      case 0xfd: {
        const uint256 off = sp[-1], size = sp[-2];
        IGRA_EXPAND(off, size);
        if (!size.is_zero()) result.output.assign(memory.data() + off.low64(), memory.data() + off.low64() + size.low64());
        result.status = op == 0xf3 ? StatusCode::kSuccess : StatusCode::kRevert;
        result.gas_left = gas;
        if constexpr (kTrace) tracer->on_frame_end(depth, result.status, gas);
        return result;
      }
      case 0xff:
        IGRA_SYNC_OUT();
        op_selfdestruct(f);
        IGRA_SYNC_IN();
        goto stop;
      default:
        IGRA_FAIL(StatusCode::kUndefinedInstruction);
    }
    ++ip;
  }

stop:
  result.status = StatusCode::kSuccess;
  result.gas_left = gas;
  if constexpr (kTrace) tracer->on_frame_end(depth, result.status, gas);
  return result;

halt:
  result.status = f.status;
  result.gas_left = 0;
  result.output.clear();
  if constexpr (kTrace) tracer->on_frame_end(depth, result.status, 0);
  return result;

#undef IGRA_SYNC_OUT
#undef IGRA_SYNC_IN
#undef IGRA_FAIL
#undef IGRA_CHARGE
#undef IGRA_EXPAND
}

}  // namespace igra::evm
