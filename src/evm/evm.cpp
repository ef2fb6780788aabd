#include "evm/evm.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "core/keccak.hpp"
#include "evm/instructions.hpp"

namespace igra::evm {

namespace {

constexpr int kDepthLimit = 1024;
constexpr std::size_t kMaxCodeSize = 24576;         // EIP-170
constexpr std::size_t kMaxInitcodeSize = 2 * 24576;  // EIP-3860
constexpr std::uint64_t kMaxMemory = 1ull << 32;     // beyond this the expansion cost exceeds any gas limit
constexpr std::int64_t kColdAccountExtra = 2500;      // 2600 cold - 100 warm charged statically
constexpr std::int64_t kColdSloadExtra = 2000;        // 2100 cold - 100 warm

std::shared_ptr<const CodeAnalysis> cached_analysis(const Hash32& code_hash, ByteView code) {
  // Per thread so parallel test runners need no locking; bounded to keep memory in check.
  // An analysis takes about 10 bytes per code byte (padded code, jumpdest map, block costs): bounded by count
  // and by total code size.
  constexpr std::size_t kMaxEntries = 4096;
  constexpr std::size_t kMaxCodeBytes = std::size_t{8} << 20;
  thread_local std::unordered_map<Hash32, std::shared_ptr<const CodeAnalysis>> cache;
  thread_local std::size_t cached_bytes = 0;
  auto it = cache.find(code_hash);
  if (it != cache.end()) return it->second;
  if (cache.size() >= kMaxEntries || cached_bytes + code.size() > kMaxCodeBytes) {
    cache.clear();
    cached_bytes = 0;
  }
  auto a = analyze(code);
  cache.emplace(code_hash, a);
  cached_bytes += code.size();
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
// The N-byte big-endian immediate of a PUSH, read as whole 64-bit words (the code is followed by 33 zero bytes,
// so reading up to 8 bytes past the immediate stays in the buffer). The limbs go straight into the result.
template <unsigned N>
inline uint256 load_push(const std::uint8_t* p) noexcept {
  constexpr unsigned kFull = N / 8, kRest = N % 8;
  const auto limb = [p](unsigned k) -> std::uint64_t {
    if (k < kFull) return uint256::load_be64(p + N - 8 * (k + 1));
    if (k == kFull && kRest != 0) return uint256::load_be64(p) >> ((64 - 8 * kRest) % 64);
    return 0;
  };
  return uint256::from_limbs(limb(0), limb(1), limb(2), limb(3));
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
  // Keep memory buffers for the next transaction (no reallocation and page faults on re-growth), up to a total
  // budget: a deep call chain with big memories could otherwise pin gigabytes per thread.
  constexpr std::size_t kKeepBytes = std::size_t{16} << 20;
  std::size_t kept = 0;
  for (Bytes& m : buffers_->memories) {
    if (m.capacity() == 0) continue;
    if (kept + m.capacity() > kKeepBytes)
      Bytes().swap(m);
    else
      kept += m.capacity();
  }
  buffers_->in_use = false;
}

ExecutionResult Evm::execute(const Message& msg) {
  if (tracer_ != nullptr) {
    tracer_->on_call_start(msg);
    ExecutionResult r = msg.depth > kDepthLimit ? ExecutionResult{StatusCode::kCallDepthExceeded, msg.gas, {}, {}}
                        : msg.kind == CallKind::kCreate || msg.kind == CallKind::kCreate2 ? create_message(msg)
                                                                                           : call_message(msg);
    tracer_->on_call_end(msg, r);
    return r;
  }
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
  const PrecompileFn fn = find_precompile(index);  // every address 0x01-0x11 has one
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
  const BlockCost* const blocks = code.blocks.data();
  const std::uint8_t* ip = code_begin;
  uint256* sp = stack_bottom;
  std::int64_t gas = msg.gas;
  ExecutionResult result;
  // Initcode runs with empty calldata (the initcode is its code, not its input).
  const ByteView calldata =
      msg.kind == CallKind::kCreate || msg.kind == CallKind::kCreate2 ? ByteView() : msg.input;

  // Computed-goto dispatch: every handler ends with its own indirect jump (better branch prediction than one
  // shared switch). Without a tracer, static gas and stack bounds are checked once per basic block
  // (CodeAnalysis::blocks); with one, per instruction, so that the trace shows the exact gas before each.
  static void* const kLabels[256] = {
#include "evm/dispatch_labels.inc"
  };

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
#define IGRA_EXPAND(off, size)               \
  do {                                       \
    IGRA_SYNC_OUT();                         \
    if (!f.expand((off), (size))) goto halt; \
    gas = f.gas;                             \
  } while (0)
#define IGRA_DISPATCH()                \
  do {                                 \
    if constexpr (kTrace) {            \
      goto trace_step;                 \
    } else {                           \
      goto* kLabels[*ip];              \
    }                                  \
  } while (0)
#define IGRA_NEXT() \
  do {              \
    ++ip;           \
    IGRA_DISPATCH(); \
  } while (0)
  // Enters the basic block starting at ip: its static gas and stack bounds (no-op when tracing).
#define IGRA_BLOCK()                                                                          \
  do {                                                                                        \
    if constexpr (!kTrace) {                                                                  \
      const BlockCost& blk = blocks[ip - code_begin];                                         \
      const std::ptrdiff_t height = sp - stack_bottom;                                        \
      if (height < blk.stack_req) IGRA_FAIL(StatusCode::kStackUnderflow);                     \
      if (height + blk.stack_grow > kStackLimit) IGRA_FAIL(StatusCode::kStackOverflow);       \
      if (blk.gas == kBlockGasSaturated) [[unlikely]]                                         \
        IGRA_CHARGE(block_gas_exact(code, static_cast<std::size_t>(ip - code_begin)));        \
      else                                                                                    \
        IGRA_CHARGE(blk.gas);                                                                 \
    }                                                                                         \
  } while (0)
#define IGRA_BINARY(expr) \
  do {                    \
    sp[-2] = (expr);      \
    --sp;                 \
    IGRA_NEXT();          \
  } while (0)

  IGRA_BLOCK();
  IGRA_DISPATCH();

trace_step:
  __attribute__((unused));
  if constexpr (kTrace) {
    const std::uint8_t op = *ip;
    tracer->on_instruction(static_cast<std::size_t>(ip - code_begin), op, gas, depth, stack_bottom,
                           static_cast<std::size_t>(sp - stack_bottom), memory.size());
    const OpInfo& info = table[op];
    // One unsigned comparison covers undefined opcodes, underflow and overflow; the slow path tells them apart.
    const std::ptrdiff_t height = sp - stack_bottom;
    if (static_cast<std::size_t>(height - info.req) > static_cast<std::size_t>(info.span)) [[unlikely]] {
      if (!info.defined) IGRA_FAIL(StatusCode::kUndefinedInstruction);
      if (height < info.req) IGRA_FAIL(StatusCode::kStackUnderflow);
      IGRA_FAIL(StatusCode::kStackOverflow);
    }
    IGRA_CHARGE(info.gas);
    goto* kLabels[op];
  }

L00:
  goto stop;
L01: IGRA_BINARY(sp[-1] + sp[-2]);
L02: IGRA_BINARY(sp[-1] * sp[-2]);
L03: IGRA_BINARY(sp[-1] - sp[-2]);
L04: IGRA_BINARY(sp[-1] / sp[-2]);
L05: IGRA_BINARY(core::sdiv(sp[-1], sp[-2]));
L06: IGRA_BINARY(sp[-1] % sp[-2]);
L07: IGRA_BINARY(core::smod(sp[-1], sp[-2]));
L08:
  sp[-3] = core::addmod(sp[-1], sp[-2], sp[-3]);
  sp -= 2;
  IGRA_NEXT();
L09:
  sp[-3] = core::mulmod(sp[-1], sp[-2], sp[-3]);
  sp -= 2;
  IGRA_NEXT();
L0A:
  IGRA_CHARGE(50 * static_cast<std::int64_t>(sp[-2].byte_width()));
  IGRA_BINARY(core::exp(sp[-1], sp[-2]));
L0B: IGRA_BINARY(core::signextend(sp[-1], sp[-2]));
L10: IGRA_BINARY(sp[-1] < sp[-2] ? 1 : 0);
L11: IGRA_BINARY(sp[-1] > sp[-2] ? 1 : 0);
L12: IGRA_BINARY(core::slt(sp[-1], sp[-2]) ? 1 : 0);
L13: IGRA_BINARY(core::sgt(sp[-1], sp[-2]) ? 1 : 0);
L14: IGRA_BINARY(sp[-1] == sp[-2] ? 1 : 0);
L15:
  sp[-1] = sp[-1].is_zero() ? 1 : 0;
  IGRA_NEXT();
L16: IGRA_BINARY(sp[-1] & sp[-2]);
L17: IGRA_BINARY(sp[-1] | sp[-2]);
L18: IGRA_BINARY(sp[-1] ^ sp[-2]);
L19:
  sp[-1] = ~sp[-1];
  IGRA_NEXT();
L1A: IGRA_BINARY(core::byte(sp[-1], sp[-2]));
L1B: IGRA_BINARY(sp[-2] << sp[-1]);
L1C: IGRA_BINARY(sp[-2] >> sp[-1]);
L1D: IGRA_BINARY(core::sar(sp[-2], sp[-1]));
L20: {
  const uint256 off = sp[-1], size = sp[-2];
  IGRA_EXPAND(off, size);
  IGRA_CHARGE(6 * num_words(size.low64()));
  const ByteView data = size.is_zero() ? ByteView() : ByteView(memory.data() + off.low64(), size.low64());
  sp[-2] = from_hash(core::keccak256(data));
  --sp;
  IGRA_NEXT();
}
L30:
  *sp++ = from_address(msg.recipient);
  IGRA_NEXT();
L31: {
  const Address20 a = to_address(sp[-1]);
  if (!state_.warm_address(a)) IGRA_CHARGE(kColdAccountExtra);
  sp[-1] = state_.balance(a);
  IGRA_NEXT();
}
L32:
  *sp++ = from_address(tx_.origin);
  IGRA_NEXT();
L33:
  *sp++ = from_address(msg.sender);
  IGRA_NEXT();
L34:
  *sp++ = msg.value;
  IGRA_NEXT();
L35: {
  const uint256& off = sp[-1];
  std::uint8_t buf[32] = {};
  if (off.fits_uint64() && off.low64() < calldata.size()) {
    const std::size_t o = off.low64();
    std::memcpy(buf, calldata.data() + o, std::min<std::size_t>(32, calldata.size() - o));
  }
  sp[-1] = uint256::load_be(buf);
  IGRA_NEXT();
}
L36:
  *sp++ = uint256(calldata.size());
  IGRA_NEXT();
L37:
L39:
L3E: {
  const std::uint8_t op = *ip;
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
  if (size.is_zero()) IGRA_NEXT();
  const std::size_t n = size.low64();
  std::uint8_t* d = memory.data() + dst.low64();
  std::size_t copied = 0;
  if (src.fits_uint64() && src.low64() < from.size()) {
    copied = std::min<std::size_t>(n, from.size() - src.low64());
    std::memcpy(d, from.data() + src.low64(), copied);
  }
  std::memset(d + copied, 0, n - copied);
  IGRA_NEXT();
}
L38:
  *sp++ = uint256(code.size);
  IGRA_NEXT();
L3A:
  *sp++ = tx_.gas_price;
  IGRA_NEXT();
L3B: {
  const Address20 a = to_address(sp[-1]);
  if (!state_.warm_address(a)) IGRA_CHARGE(kColdAccountExtra);
  sp[-1] = uint256(state_.code(a).size());
  IGRA_NEXT();
}
L3C: {
  const Address20 a = to_address(sp[-1]);
  const uint256 dst = sp[-2], src = sp[-3], size = sp[-4];
  sp -= 4;
  IGRA_EXPAND(dst, size);
  IGRA_CHARGE(3 * num_words(size.low64()));
  if (!state_.warm_address(a)) IGRA_CHARGE(kColdAccountExtra);
  if (size.is_zero()) IGRA_NEXT();
  const Bytes& c = state_.code(a);
  const std::size_t n = size.low64();
  std::uint8_t* d = memory.data() + dst.low64();
  std::size_t copied = 0;
  if (src.fits_uint64() && src.low64() < c.size()) {
    copied = std::min<std::size_t>(n, c.size() - src.low64());
    std::memcpy(d, c.data() + src.low64(), copied);
  }
  std::memset(d + copied, 0, n - copied);
  IGRA_NEXT();
}
L3D:
  *sp++ = uint256(f.return_data.size());
  IGRA_NEXT();
L3F: {
  const Address20 a = to_address(sp[-1]);
  if (!state_.warm_address(a)) IGRA_CHARGE(kColdAccountExtra);
  sp[-1] = state_.is_empty(a) ? uint256() : from_hash(state_.code_hash(a));
  IGRA_NEXT();
}
L40: {
  const uint256& n = sp[-1];
  uint256 h;
  if (n.fits_uint64() && n.low64() < block_.number && block_.number - n.low64() <= 256 && block_.block_hash)
    h = from_hash(block_.block_hash(n.low64()));
  sp[-1] = h;
  IGRA_NEXT();
}
L41:
  *sp++ = from_address(block_.coinbase);
  IGRA_NEXT();
L42:
  *sp++ = uint256(block_.timestamp);
  IGRA_NEXT();
L43:
  *sp++ = uint256(block_.number);
  IGRA_NEXT();
L44:
  *sp++ = block_.prevrandao;
  IGRA_NEXT();
L45:
  *sp++ = uint256(block_.gas_limit);
  IGRA_NEXT();
L46:
  *sp++ = block_.chain_id;
  IGRA_NEXT();
L47:
  *sp++ = state_.balance(msg.recipient);
  IGRA_NEXT();
L48:
  *sp++ = block_.base_fee;
  IGRA_NEXT();
L49: {
  const uint256& i = sp[-1];
  sp[-1] = i.fits_uint64() && i.low64() < tx_.blob_hashes.size() ? from_hash(tx_.blob_hashes[i.low64()]) : uint256();
  IGRA_NEXT();
}
L4A:
  *sp++ = block_.blob_base_fee;
  IGRA_NEXT();
L50:
  --sp;
  IGRA_NEXT();
L51: {
  const uint256& off = sp[-1];
  if (!off.fits_uint64() || off.low64() >= memory.size() || memory.size() - off.low64() < 32)
    IGRA_EXPAND(off, uint256(32));
  sp[-1] = uint256::load_be(memory.data() + off.low64());
  IGRA_NEXT();
}
L52: {
  const uint256& off = sp[-1];
  if (!off.fits_uint64() || off.low64() >= memory.size() || memory.size() - off.low64() < 32)
    IGRA_EXPAND(off, uint256(32));
  sp[-2].store_be(memory.data() + off.low64());
  sp -= 2;
  IGRA_NEXT();
}
L53: {
  const uint256& off = sp[-1];
  if (!off.fits_uint64() || off.low64() >= memory.size()) IGRA_EXPAND(off, uint256(1));
  memory[off.low64()] = static_cast<std::uint8_t>(sp[-2].low64());
  sp -= 2;
  IGRA_NEXT();
}
L54:
  if (!state_.warm_slot(msg.recipient, sp[-1])) IGRA_CHARGE(kColdSloadExtra);
  sp[-1] = state_.get_storage(msg.recipient, sp[-1]);
  IGRA_NEXT();
L55: {
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
  ++ip;
  IGRA_BLOCK();
  IGRA_DISPATCH();
}
L56: {
  const uint256& d = sp[-1];
  if (!d.fits_uint64() || d.low64() >= code.size || !code.jumpdest[d.low64()])
    IGRA_FAIL(StatusCode::kBadJumpDestination);
  ip = code_begin + d.low64();
  --sp;
  IGRA_BLOCK();
  IGRA_DISPATCH();
}
L57: {
  if (!sp[-2].is_zero()) {
    const uint256& d = sp[-1];
    if (!d.fits_uint64() || d.low64() >= code.size || !code.jumpdest[d.low64()])
      IGRA_FAIL(StatusCode::kBadJumpDestination);
    ip = code_begin + d.low64();
  } else {
    ++ip;
  }
  sp -= 2;
  IGRA_BLOCK();
  IGRA_DISPATCH();
}
L58:
  *sp++ = uint256(static_cast<std::uint64_t>(ip - code_begin));
  IGRA_NEXT();
L59:
  *sp++ = uint256(memory.size());
  IGRA_NEXT();
L5A:
  *sp++ = uint256(static_cast<std::uint64_t>(gas));
  ++ip;
  IGRA_BLOCK();
  IGRA_DISPATCH();
L5B:
  IGRA_NEXT();
L5C:
  sp[-1] = state_.get_transient(msg.recipient, sp[-1]);
  IGRA_NEXT();
L5D:
  if (msg.is_static) IGRA_FAIL(StatusCode::kStaticModeViolation);
  state_.set_transient(msg.recipient, sp[-1], sp[-2]);
  sp -= 2;
  IGRA_NEXT();
L5E: {
  const uint256 dst = sp[-1], src = sp[-2], size = sp[-3];
  sp -= 3;
  if (!size.is_zero()) {
    // Expansion covers both ranges (EIP-5656).
    IGRA_EXPAND(src > dst ? src : dst, size);
  }
  IGRA_CHARGE(3 * num_words(size.low64()));
  if (!size.is_zero()) std::memmove(memory.data() + dst.low64(), memory.data() + src.low64(), size.low64());
  IGRA_NEXT();
}
L5F:
  *sp++ = uint256();
  IGRA_NEXT();

#define IGRA_PUSH(L, N)                  \
  L:                                     \
  *sp++ = load_push<N>(ip + 1);          \
  ip += (N) + 1;                         \
  IGRA_DISPATCH();
  IGRA_PUSH(L60, 1) IGRA_PUSH(L61, 2) IGRA_PUSH(L62, 3) IGRA_PUSH(L63, 4) IGRA_PUSH(L64, 5) IGRA_PUSH(L65, 6)
  IGRA_PUSH(L66, 7) IGRA_PUSH(L67, 8) IGRA_PUSH(L68, 9) IGRA_PUSH(L69, 10) IGRA_PUSH(L6A, 11) IGRA_PUSH(L6B, 12)
  IGRA_PUSH(L6C, 13) IGRA_PUSH(L6D, 14) IGRA_PUSH(L6E, 15) IGRA_PUSH(L6F, 16) IGRA_PUSH(L70, 17)
  IGRA_PUSH(L71, 18) IGRA_PUSH(L72, 19) IGRA_PUSH(L73, 20) IGRA_PUSH(L74, 21) IGRA_PUSH(L75, 22)
  IGRA_PUSH(L76, 23) IGRA_PUSH(L77, 24) IGRA_PUSH(L78, 25) IGRA_PUSH(L79, 26) IGRA_PUSH(L7A, 27)
  IGRA_PUSH(L7B, 28) IGRA_PUSH(L7C, 29) IGRA_PUSH(L7D, 30) IGRA_PUSH(L7E, 31) IGRA_PUSH(L7F, 32)
#undef IGRA_PUSH

#define IGRA_DUP(L, N) \
  L:                   \
  *sp = sp[-(N)];      \
  ++sp;                \
  IGRA_NEXT();
  IGRA_DUP(L80, 1) IGRA_DUP(L81, 2) IGRA_DUP(L82, 3) IGRA_DUP(L83, 4) IGRA_DUP(L84, 5) IGRA_DUP(L85, 6)
  IGRA_DUP(L86, 7) IGRA_DUP(L87, 8) IGRA_DUP(L88, 9) IGRA_DUP(L89, 10) IGRA_DUP(L8A, 11) IGRA_DUP(L8B, 12)
  IGRA_DUP(L8C, 13) IGRA_DUP(L8D, 14) IGRA_DUP(L8E, 15) IGRA_DUP(L8F, 16)
#undef IGRA_DUP

#define IGRA_SWAP(L, N)             \
  L:                                \
  std::swap(sp[-1], sp[-1 - (N)]);  \
  IGRA_NEXT();
  IGRA_SWAP(L90, 1) IGRA_SWAP(L91, 2) IGRA_SWAP(L92, 3) IGRA_SWAP(L93, 4) IGRA_SWAP(L94, 5) IGRA_SWAP(L95, 6)
  IGRA_SWAP(L96, 7) IGRA_SWAP(L97, 8) IGRA_SWAP(L98, 9) IGRA_SWAP(L99, 10) IGRA_SWAP(L9A, 11) IGRA_SWAP(L9B, 12)
  IGRA_SWAP(L9C, 13) IGRA_SWAP(L9D, 14) IGRA_SWAP(L9E, 15) IGRA_SWAP(L9F, 16)
#undef IGRA_SWAP

LA0:
LA1:
LA2:
LA3:
LA4: {
  if (msg.is_static) IGRA_FAIL(StatusCode::kStaticModeViolation);
  const int n = *ip - 0xa0;
  const uint256 off = sp[-1], size = sp[-2];
  IGRA_EXPAND(off, size);
  if (!size.is_zero()) IGRA_CHARGE(8 * static_cast<std::int64_t>(size.low64()));
  {
    // Own scope: clang rejects an indirect goto (IGRA_NEXT) inside the scope of a variable with a destructor.
    Log log;
    log.address = msg.recipient;
    for (int i = 0; i < n; ++i) log.topics.push_back(sp[-3 - i].to_be32());
    if (!size.is_zero()) log.data.assign(memory.data() + off.low64(), memory.data() + off.low64() + size.low64());
    state_.add_log(std::move(log));
  }
  sp -= n + 2;
  IGRA_NEXT();
}
LF0:
LF5:
  IGRA_SYNC_OUT();
  op_create(f, *ip == 0xf0 ? CallKind::kCreate : CallKind::kCreate2);
  IGRA_SYNC_IN();
  ++ip;
  IGRA_BLOCK();
  IGRA_DISPATCH();
LF1:
LF2:
LF4:
LFA: {
  const std::uint8_t op = *ip;
  IGRA_SYNC_OUT();
  op_call(f, op == 0xf1   ? CallKind::kCall
             : op == 0xf2 ? CallKind::kCallCode
             : op == 0xf4 ? CallKind::kDelegateCall
                          : CallKind::kStaticCall);
  IGRA_SYNC_IN();
  ++ip;
  IGRA_BLOCK();
  IGRA_DISPATCH();
}
LF3:
LFD: {
  const uint256 off = sp[-1], size = sp[-2];
  IGRA_EXPAND(off, size);
  if (!size.is_zero()) result.output.assign(memory.data() + off.low64(), memory.data() + off.low64() + size.low64());
  result.status = *ip == 0xf3 ? StatusCode::kSuccess : StatusCode::kRevert;
  result.gas_left = gas;
  if constexpr (kTrace) tracer->on_frame_end(depth, result.status, gas);
  return result;
}
LFF:
  IGRA_SYNC_OUT();
  op_selfdestruct(f);
  IGRA_SYNC_IN();
  goto stop;
Lundef:
  IGRA_FAIL(StatusCode::kUndefinedInstruction);

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
#undef IGRA_DISPATCH
#undef IGRA_NEXT
#undef IGRA_BLOCK
#undef IGRA_BINARY
}

}  // namespace igra::evm
