#pragma once
// Kaspa script interpreter with the semantics of rusty-kaspa crypto/txscript @v1.1.0 (Crescendo rules:
// KIP-10 introspection enabled, runtime sig-op counting), plus transaction lock-time finality.
//
// Errors carry code kVerifyFailed (kInvalidArgument for bad call arguments) and a message that starts with the
// name of rusty-kaspa's TxScriptError variant, e.g. "EvalFalse: false stack entry at end of script execution",
// "NullFail: ...", "ExceededSigOpLimit: ...", "UnsatisfiedLockTime: ...", "ElementTooBig: ...".
// script_error_name() extracts that name.
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
  // Stand-alone mode: no transaction; signature, lock-time and introspection opcodes fail.
  ScriptEngine() = default;

  // Input mode: runs signature script (push-only) + script public key (+ P2SH redeem script) and applies the
  // clean-stack rule. An SPK version above 0 succeeds without running anything.
  core::Result<void> execute();
  // Stand-alone mode: runs the scripts in order on one stack, then applies the clean-stack rule.
  core::Result<void> execute_scripts(std::span<const core::ByteView> scripts);

  // Signature operations executed so far (the input's sig_op_count is the limit).
  std::uint8_t used_sig_ops() const noexcept { return static_cast<std::uint8_t>(sig_op_limit_ - sig_op_remaining_); }
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
  core::Result<void> push_num(std::int64_t v);
  core::Result<void> require(std::size_t n) const;

  // Signature checks.
  core::Result<void> consume_sig_op();
  core::Result<bool> check_schnorr(SigHashType type, core::ByteView key, core::ByteView sig);
  core::Result<bool> check_ecdsa(SigHashType type, core::ByteView key, core::ByteView sig);
  core::Result<void> op_check_sig(bool ecdsa);
  core::Result<void> op_check_multisig(bool ecdsa);
  core::Result<void> op_check_lock_time_verify();
  core::Result<void> op_check_sequence_verify();

  SigHashCache* cache_ = nullptr;  // null in stand-alone mode
  std::size_t input_index_ = 0;
  std::vector<core::Bytes> dstack_;
  std::vector<core::Bytes> astack_;
  std::vector<Cond> cond_stack_;
  int num_ops_ = 0;
  std::uint8_t sig_op_limit_ = 255;
  std::uint8_t sig_op_remaining_ = 255;
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
