#pragma once
// Kaspa script interpreter. Two rule sets, chosen by the transaction version:
//
//  * Version 0 (ScriptRules::kCrescendo): rusty-kaspa crypto/txscript @v1.1.0 exactly (KIP-10 introspection,
//    runtime sig-op counting against the input's sig_op_count, 10,000-byte scripts, 520-byte elements, 201 ops,
//    minimal pushes and numbers).
//  * Version 1 (ScriptRules::kToccata): rusty-kaspa HEAD (v2.0.1, crypto/txscript/src/lib.rs, opcodes/mod.rs,
//    data_stack.rs, runtime_resource_meter.rs; consensus/core/src/mass/units.rs, tx.rs): every input runs against
//    a script-unit budget derived from its ComputeBudget, see "Toccata script units" below. Opcodes that need
//    Toccata covenant/ZK/sequencing context are outside the subset and fail with ErrorCode::kUnsupported.
//
// Errors carry code kVerifyFailed (kInvalidArgument for bad call arguments, kUnsupported for Toccata
// opcodes outside the subset) and a message that starts with the name of rusty-kaspa's TxScriptError variant, e.g.
// "EvalFalse: false stack entry at end of script execution", "NullFail: ...", "ExceededSigOpLimit: ...",
// "ExceededCommittedScriptUnits: ...", "UnsatisfiedLockTime: ...", "ElementTooBig: ...".
// script_error_name() extracts that name.
//
// Toccata script units (version 1):
//  * limit per input = compute_commit units + 9,999 free units (tx.rs ComputeCommit::allowed_script_units,
//    units.rs free_script_units_per_input): ComputeBudget(B) -> B * 10,000 (GRAMS_PER_COMPUTE_BUDGET_UNIT 100 *
//    SCRIPT_UNITS_PER_GRAM 100); a SigopCount(n) commit (only valid in v0) would be n * 100,000.
//  * one signature check (OP_CHECKSIG*, each key tried by OP_CHECKMULTISIG*) = 100,000 units, charged before the
//    check (lib.rs EngineFlags: Gram(mass_per_sig_op = 1000) * 100).
//  * bytes newly pushed by an executed opcode = 1 unit/byte, charged after the opcode (data_stack.rs push/
//    push_item/insert/dup_items/over_items count, runtime_resource_meter.rs charge_newly_pushed_bytes). Literal
//    pushes (OP_0, OP_DATA_n, OP_PUSHDATA*, OP_1NEGATE, OP_1..OP_16) are free (already paid by script size), as are
//    pure moves (DROP, NIP, ROT, SWAP, ROLL, 2ROT, 2SWAP, TOALTSTACK, FROMALTSTACK). DUP, 2DUP, 3DUP, OVER, 2OVER,
//    PICK, TUCK, IFDUP, and every computed result (numbers, booleans incl. signature results, hashes,
//    introspection data) are charged by their size.
//  * hashing: OP_SHA256 1 unit per input byte, OP_BLAKE2B 2 units per input byte, charged before hashing.
//  * the spent script public key: (len - 35) * 100 units if longer than 35 bytes, charged first (lib.rs
//    execute_inner).
//  * exceeding the limit: "ExceededCommittedScriptUnits" with used = limit + overflow.
//  * limits: scripts and elements <= 1,000,000 bytes, <= 1,000,000 non-push ops per script, stack <= 244.
//  * no minimal-push rule; numbers need not be minimally encoded (still <= 8 bytes); OP_IF/OP_NOTIF take any
//    stack value as a boolean; CAT, SUBSTR, INVERT, AND, OR, XOR, MUL, DIV, MOD are enabled; KIP-10/Toccata
//    introspection 0xb2..0xc9, NUM2BIN, BIN2NUM and OP_INPUTCOVENANTID are implemented.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "kaspa/script_opcodes.hpp"
#include "kaspa/sighash.hpp"
#include "kaspa/transaction.hpp"

namespace igra::kaspa {

inline constexpr std::size_t kMaxStackSize = 244;
inline constexpr int kMaxOpsPerScript = 201;
inline constexpr std::uint64_t kMaxTxInSequenceNum = ~0ull;
inline constexpr std::uint64_t kSequenceLockTimeDisabled = 1ull << 63;
inline constexpr std::uint64_t kSequenceLockTimeMask = 0x00000000ffffffffull;
// Toccata (version-1) limits and script-unit prices.
inline constexpr std::size_t kToccataMaxScriptSize = 1'000'000;
inline constexpr std::size_t kToccataMaxScriptElementSize = 1'000'000;
inline constexpr int kToccataMaxOpsPerScript = 1'000'000;
inline constexpr std::uint64_t kScriptUnitsPerComputeBudgetUnit = 10'000;
inline constexpr std::uint64_t kScriptUnitsPerSigOp = 100'000;
inline constexpr std::uint64_t kFreeScriptUnitsPerInput = kScriptUnitsPerComputeBudgetUnit - 1;
inline constexpr std::uint64_t kScriptUnitsPerGram = 100;
inline constexpr std::size_t kStandardScriptPublicKeyMaxSize = 35;

enum class ScriptRules : std::uint8_t {
  kCrescendo,  // rusty-kaspa v1.1.0, version-0 transactions
  kToccata,    // rusty-kaspa HEAD, version-1 transactions (script-unit metering)
};
// Rules that apply to a transaction version (0 -> kCrescendo, otherwise kToccata).
constexpr ScriptRules script_rules_for_version(std::uint16_t version) noexcept {
  return version == 0 ? ScriptRules::kCrescendo : ScriptRules::kToccata;
}
// Script units an input may consume under Toccata rules: commit units + 9,999 free units.
std::uint64_t allowed_script_units(const ComputeCommit& commit) noexcept;


// --- Script-level helpers ------------------------------------------------------------------------------------
// Decodes a script number of at most max_len bytes with minimal-encoding enforcement
// ("NumberTooBig" / "NotMinimalData").
core::Result<std::int64_t> decode_script_num(core::ByteView bytes, std::size_t max_len = 8);
// Stack truthiness: false for empty, all-zero and negative zero.
bool script_bool(core::ByteView bytes) noexcept;
// Splits a script into instructions; fails on a truncated push.
core::Result<std::vector<opcodes::Instruction>> parse_script(core::ByteView script);
// True if the script parses and contains only push opcodes (0x00..0x60).
bool is_push_only(core::ByteView script) noexcept;
// The TxScriptError-style name at the start of an engine error message ("EvalFalse", ...).
std::string_view script_error_name(const core::Error& error) noexcept;

// Caches sighashes of one transaction, so several signature checks against the same (input, type) compute the
// hash once. One cache may be shared by the engines of all inputs of the transaction.
class SigHashCache {
 public:
  SigHashCache(const Transaction& tx, std::span<const UtxoEntry> utxos) : tx_(tx), utxos_(utxos) {}
  core::Result<core::Hash32> schnorr(std::size_t input_index, SigHashType type);
  core::Result<core::Hash32> ecdsa(std::size_t input_index, SigHashType type);
  // Number of sighashes actually computed (cache misses).
  std::size_t computed() const noexcept { return computed_; }
  const Transaction& transaction() const noexcept { return tx_; }
  std::span<const UtxoEntry> utxos() const noexcept { return utxos_; }

 private:
  struct Entry {
    std::size_t input_index;
    std::uint8_t type;
    bool ecdsa;
    core::Hash32 hash;
  };
  core::Result<core::Hash32> get(std::size_t input_index, SigHashType type, bool ecdsa);
  const Transaction& tx_;
  std::span<const UtxoEntry> utxos_;
  SigHashReusedValues reused_;
  std::vector<Entry> entries_;
  std::size_t computed_ = 0;
};

class ScriptEngine {
 public:
  // Verifies input `input_index` of `cache.transaction()`, spending `cache.utxos()[input_index]`.
  ScriptEngine(SigHashCache& cache, std::size_t input_index);
  // Stand-alone mode: no transaction; signature, lock-time and introspection opcodes fail. With kToccata rules the
  // script-unit limit is unbounded (rusty-kaspa from_script), but usage is still counted.
  explicit ScriptEngine(ScriptRules rules = ScriptRules::kCrescendo) : rules_(rules) {}

  // Input mode: runs signature script (push-only) + script public key (+ P2SH redeem script) and applies the
  // clean-stack rule. An SPK version above 0 succeeds without running anything. The rules follow the
  // transaction version: v0 with the input's sig_op_count as the sig-op limit, v1 with the script-unit limit of
  // the input's compute budget.
  core::Result<void> execute();
  // Stand-alone mode: runs the scripts in order on one stack, then applies the clean-stack rule.
  core::Result<void> execute_scripts(std::span<const core::ByteView> scripts);

  ScriptRules rules() const noexcept { return rules_; }
  // Signature operations executed so far (under kCrescendo the input's sig_op_count is the limit).
  std::uint16_t used_sig_ops() const noexcept { return used_sig_ops_; }
  // Script units consumed so far and the limit (kToccata; 0 and 0 under kCrescendo).
  std::uint64_t used_script_units() const noexcept { return used_script_units_; }
  std::uint64_t script_units_limit() const noexcept { return script_units_limit_; }
  const std::vector<core::Bytes>& stack() const noexcept { return dstack_; }

 private:
  enum class Cond : std::uint8_t { kFalse, kTrue, kSkip };

  core::Result<void> run(std::span<const core::ByteView> scripts, bool is_p2sh);
  core::Result<void> execute_script(core::ByteView script, bool verify_only_push);
  core::Result<void> execute_opcode(const opcodes::Instruction& ins);
  core::Result<void> execute_executing(const opcodes::Instruction& ins);
  core::Result<void> check_error_condition(bool final_script);
  bool is_executing() const noexcept { return cond_stack_.empty() || cond_stack_.back() == Cond::kTrue; }

  // Stack helpers.
  core::Result<core::Bytes> pop_raw();
  core::Result<std::int64_t> pop_num(std::size_t max_len = 8);
  core::Result<bool> pop_bool();
  core::Result<void> push_num(std::int64_t v);          // metered under kToccata
  core::Result<void> push_literal_num(std::int64_t v);  // OP_1NEGATE, OP_1..OP_16: never metered
  core::Result<void> require(std::size_t n) const;
  bool toccata() const noexcept { return rules_ == ScriptRules::kToccata; }
  // Numeric operands: kCrescendo decodes minimally encoded numbers of at most 8 (i64) or 4 (i32) bytes; kToccata
  // accepts any encoding of at most 8 bytes and range-checks i32 operands.
  core::Result<std::int64_t> pop_i64();
  core::Result<std::int64_t> pop_i32();
  // A computed (metered under kToccata) push; kToccata also enforces the element size limit.
  core::Result<void> push_metered(core::Bytes v);
  core::Result<void> push_bool(bool v) { return push_metered(v ? core::Bytes{1} : core::Bytes{}); }
  core::Result<void> consume_script_units(std::uint64_t units);
  core::Result<void> execute_toccata_opcode(const opcodes::Instruction& ins, bool& handled);

  // Signature checks.
  core::Result<void> consume_sig_op();
  core::Result<bool> check_schnorr(SigHashType type, core::ByteView key, core::ByteView sig);
  core::Result<bool> check_ecdsa(SigHashType type, core::ByteView key, core::ByteView sig);
  core::Result<void> op_check_sig(bool ecdsa);
  core::Result<void> op_check_multisig(bool ecdsa);
  core::Result<void> op_check_lock_time_verify();
  core::Result<void> op_check_sequence_verify();

  ScriptRules rules_ = ScriptRules::kCrescendo;
  SigHashCache* cache_ = nullptr;  // null in stand-alone mode
  std::size_t input_index_ = 0;
  std::vector<core::Bytes> dstack_;
  std::vector<core::Bytes> astack_;
  std::vector<Cond> cond_stack_;
  int num_ops_ = 0;
  std::uint8_t sig_op_limit_ = 255;  // kCrescendo
  std::uint8_t sig_op_remaining_ = 255;
  std::uint16_t used_sig_ops_ = 0;
  std::uint64_t script_units_limit_ = 0;  // kToccata
  std::uint64_t used_script_units_ = 0;
  std::uint64_t pushed_bytes_ = 0;  // bytes pushed by the opcode being executed (kToccata)
};

// Verifies the scripts of one input (utxos[i] is the entry spent by input i).
core::Result<void> verify_input(const Transaction& tx, std::span<const UtxoEntry> utxos, std::size_t input_index);
// Verifies every input; the message of the first failure is prefixed with "input <i>: ".
core::Result<void> verify_transaction_scripts(const Transaction& tx, std::span<const UtxoEntry> utxos);

// Lock-time finality (tx_validation_in_header_context.rs): final if lock_time == 0, or lock_time is below the
// block's DAA score (lock_time < 500,000,000,000) / past median time in ms (otherwise), or every input has
// sequence == u64::MAX.
bool is_final(const Transaction& tx, std::uint64_t daa_score, std::uint64_t past_median_time_ms) noexcept;

}  // namespace igra::kaspa
