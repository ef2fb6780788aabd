#pragma once
// The EVM: message execution (calls, creates, precompiles) over a journaled State, and the interpreter.
//
// Design (after evmone): code is analysed once per code hash (jump destinations, zero padding so PUSH never
// reads past the end, and the static gas and stack bounds of every basic block, which the interpreter checks
// once on entering the block, as evmone's "advanced" interpreter does); dispatch is computed goto with one
// handler per opcode; with a tracer attached the same handlers run with per-instruction checks from the
// per-revision table so traces show exact gas. The stack is a fixed array per call depth and memory buffers
// are reused across calls and transactions, so the hot loop does not allocate.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/bytes.hpp"
#include "core/uint256.hpp"
#include "evm/state.hpp"

namespace igra::evm {

enum class Revision : std::uint8_t { kCancun = 0, kPrague = 1 };
inline constexpr int kNumRevisions = 2;

enum class StatusCode : std::uint8_t {
  kSuccess,
  kRevert,
  kFailure,                 // generic exceptional halt
  kOutOfGas,
  kUndefinedInstruction,
  kStackOverflow,
  kStackUnderflow,
  kBadJumpDestination,
  kStaticModeViolation,
  kPrecompileFailure,
  kContractValidationFailure,  // EIP-3541 0xEF prefix or EIP-170 code size
  kCallDepthExceeded,
  kInsufficientBalance,
  kCreateCollision,
  kNonceOverflow,
};
const char* status_name(StatusCode s) noexcept;

enum class CallKind : std::uint8_t { kCall, kCallCode, kDelegateCall, kStaticCall, kCreate, kCreate2 };

struct BlockEnv {
  std::uint64_t number = 0;
  std::uint64_t timestamp = 0;
  std::uint64_t gas_limit = 0;
  Address20 coinbase;
  uint256 base_fee;
  uint256 prevrandao;   // DIFFICULTY/PREVRANDAO opcode value
  uint256 blob_base_fee;
  uint256 chain_id = 1;
  // Hash of block `n` (asked only for n in [number - 256, number - 1]); empty function = zero hashes.
  std::function<Hash32(std::uint64_t)> block_hash;
};

struct TxEnv {
  Address20 origin;
  uint256 gas_price;  // effective gas price
  std::vector<Hash32> blob_hashes;
};

struct Message {
  CallKind kind = CallKind::kCall;
  bool is_static = false;
  int depth = 0;
  std::int64_t gas = 0;
  Address20 recipient;     // account whose storage/balance the code acts on (the new address for creates)
  Address20 sender;        // CALLER
  Address20 code_address;  // where the code comes from (the delegation target for EIP-7702 accounts)
  uint256 value;           // CALLVALUE (apparent value for DELEGATECALL)
  ByteView input;          // calldata, or initcode for creates
  Hash32 salt;             // CREATE2
  // EIP-7702: the code is a delegation target's; precompiles are not run for it.
  bool disable_precompiles = false;
};

struct ExecutionResult {
  StatusCode status = StatusCode::kSuccess;
  std::int64_t gas_left = 0;
  Bytes output;
  Address20 create_address;  // creates only
};

// Precompiles 0x01..0x11 (0x0b-0x11 from Prague). 0x01-0x04 are implemented in precompiles.cpp, 0x05-0x11 are
// adapters over src/crypto in the same table.
// A PrecompileFn returns gas_used > gas for "out of gas" and ok = false for invalid input (all gas consumed).
struct PrecompileOutput {
  bool ok = false;
  std::int64_t gas_used = 0;
  Bytes output;
};
using PrecompileFn = PrecompileOutput (*)(ByteView input, std::int64_t gas, Revision rev);
inline constexpr int kMaxPrecompile = 0x11;
PrecompileFn find_precompile(int address) noexcept;
// Number of precompile addresses active in `rev` (0x0a for Cancun, 0x11 for Prague).
int precompile_count(Revision rev) noexcept;
// The precompile number (1..count) of addr, or 0 if it is not one in rev.
int precompile_index(const Address20& addr, Revision rev) noexcept;

// Static cost of the straight-line code from one instruction to the end of its basic block (evmone "advanced"
// style): the interpreter charges it and checks the stack once on entering a block instead of per instruction.
// A block ends at an instruction that leaves it (STOP, JUMP, JUMPI, RETURN, REVERT, SELFDESTRUCT, undefined) or
// that must see the exact gas left (GAS, SSTORE, CALL*, CREATE*); a JUMPDEST reached by falling through does
// not start one. Charging early is exact in effect: every exceptional halt consumes all the frame's gas.
struct BlockCost {
  std::int32_t gas = 0;         // sum of the static gas of the block's instructions; kBlockGasSaturated if larger
  std::int16_t stack_req = 0;   // stack height needed on entry (clamped to 2048)
  std::int16_t stack_grow = 0;  // largest growth above the entry height within the block (>= 0, clamped)
};

// A block whose static gas does not fit 31 bits (only possible for code over 1 MB, e.g. in a genesis alloc):
// the interpreter then sums it exactly with block_gas_exact.
inline constexpr std::int32_t kBlockGasSaturated = INT32_MAX;

// Jump-destination and block analysis of one code, cached by code hash.
struct CodeAnalysis {
  Bytes padded;                    // code followed by 33 zero bytes (PUSH32 at the end, then STOP)
  std::vector<std::uint8_t> jumpdest;  // 1 where a JUMPDEST opcode (not PUSH data) is
  std::vector<BlockCost> blocks;   // by pc (size + 1 entries); meaningful at instruction starts
  std::size_t size = 0;
};
std::shared_ptr<const CodeAnalysis> analyze(ByteView code);
// The static gas of the block starting at instruction `pc`, summed without saturation.
std::int64_t block_gas_exact(const CodeAnalysis& code, std::size_t pc) noexcept;

// EIP-7702 delegation designator 0xef0100 || address.
bool is_delegation(ByteView code) noexcept;
Address20 delegation_target(ByteView code) noexcept;  // precondition: is_delegation(code)

// Contract addresses.
Address20 create_address(const Address20& sender, std::uint64_t nonce);
Address20 create2_address(const Address20& sender, const Hash32& salt, ByteView initcode);

// Observes execution (EIP-3155-style traces). Called before each instruction with the gas left before it.
class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual void on_instruction(std::size_t pc, std::uint8_t op, std::int64_t gas, int depth, const uint256* stack,
                              std::size_t stack_size, std::size_t memory_size) = 0;
  virtual void on_frame_end(int depth, StatusCode status, std::int64_t gas_left) {}
  // Every message (calls of all kinds, creates, precompile calls) as it starts and ends, with its result
  // (for call tracers). Nested inside on_instruction of the calling opcode.
  virtual void on_call_start(const Message& msg) {}
  virtual void on_call_end(const Message& msg, const ExecutionResult& result) {}
};

// Mnemonic of an opcode ("PUSH1", "SSTORE"; "opcode 0xNN not defined" style names for undefined bytes are
// left to the caller: returns nullptr).
const char* opcode_name(std::uint8_t op) noexcept;

// Nested calls recurse in C++ (one interpreter frame per call depth, up to 1024): run execution on a thread with a
// large stack (64 MiB is ample for release builds; sanitizer builds need several times more).
class Evm {
 public:
  Evm(State& state, const BlockEnv& block, const TxEnv& tx, Revision rev);
  ~Evm();
  Evm(const Evm&) = delete;
  Evm& operator=(const Evm&) = delete;

  // Executes a message with full call semantics (value transfer, snapshot/revert, code deposit).
  // For creates the caller must have incremented the sender nonce (the top-level transaction does; CREATE
  // opcodes do it themselves) and msg.recipient must be the new address.
  ExecutionResult execute(const Message& msg);

  // Optional tracer (not owned); null disables tracing at the cost of one predictable branch per instruction.
  void set_tracer(Tracer* tracer) noexcept { tracer_ = tracer; }

  State& state() noexcept { return state_; }
  Revision revision() const noexcept { return rev_; }

 private:
  struct Frame;
  ExecutionResult call_message(const Message& msg);
  ExecutionResult create_message(const Message& msg);
  ExecutionResult run(const Message& msg, const CodeAnalysis& code);
  // The interpreter loop, specialised per revision (its instruction table becomes a constant) and per tracing.
  template <Revision R, bool kTrace>
  ExecutionResult run_impl(const Message& msg, const CodeAnalysis& code);
  ExecutionResult run_precompile(int index, const Message& msg);
  void op_call(Frame& f, CallKind kind);
  void op_create(Frame& f, CallKind kind);
  void op_selfdestruct(Frame& f);

  State& state_;
  const BlockEnv& block_;
  const TxEnv& tx_;
  Revision rev_;
  Tracer* tracer_ = nullptr;
  // Per-depth stack arrays and memory buffers. Taken from a per-thread pool so consecutive transactions reuse
  // them (an Evm created while another is alive on the same thread gets its own).
  struct Buffers {
    std::vector<std::unique_ptr<uint256[]>> stacks;
    std::vector<Bytes> memories;
    bool in_use = false;
  };
  Buffers* buffers_ = nullptr;
  std::unique_ptr<Buffers> own_buffers_;
};

}  // namespace igra::evm
