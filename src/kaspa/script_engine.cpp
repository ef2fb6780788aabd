#include "kaspa/script_engine.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "core/blake2b.hpp"
#include "core/hex.hpp"
#include "crypto/secp256k1.hpp"
#include "crypto/sha256.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/script_class.hpp"

namespace igra::kaspa {

namespace op = opcodes;

namespace top {  // Toccata opcodes (opcodes/mod.rs @HEAD) not named in script_opcodes.hpp
inline constexpr std::uint8_t kOpTxVersion = 0xb2;
inline constexpr std::uint8_t kOpTxLockTime = 0xb5;
inline constexpr std::uint8_t kOpTxSubnetId = 0xb6;
inline constexpr std::uint8_t kOpTxGas = 0xb7;
inline constexpr std::uint8_t kOpTxPayloadSubstr = 0xb8;
inline constexpr std::uint8_t kOpOutpointTxId = 0xba;
inline constexpr std::uint8_t kOpOutpointIndex = 0xbb;
inline constexpr std::uint8_t kOpTxInputScriptSigSubstr = 0xbc;
inline constexpr std::uint8_t kOpTxInputSeq = 0xbd;
inline constexpr std::uint8_t kOpTxInputDaaScore = 0xc0;
inline constexpr std::uint8_t kOpTxInputIsCoinbase = 0xc1;
inline constexpr std::uint8_t kOpTxPayloadLen = 0xc4;
inline constexpr std::uint8_t kOpTxInputSpkLen = 0xc5;
inline constexpr std::uint8_t kOpTxInputSpkSubstr = 0xc6;
inline constexpr std::uint8_t kOpTxOutputSpkLen = 0xc7;
inline constexpr std::uint8_t kOpTxOutputSpkSubstr = 0xc8;
inline constexpr std::uint8_t kOpTxInputScriptSigLen = 0xc9;
inline constexpr std::uint8_t kOpNum2Bin = 0xcd;
inline constexpr std::uint8_t kOpBin2Num = 0xce;
inline constexpr std::uint8_t kOpInputCovenantId = 0xcf;
}  // namespace top

namespace {

core::Error script_error(std::string_view name, std::string detail) {
  return core::make_error(core::ErrorCode::kVerifyFailed, std::string(name) + ": " + std::move(detail));
}

std::string opcode_text(std::uint8_t code) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "opcode 0x";
  s.push_back(kHex[code >> 4]);
  s.push_back(kHex[code & 15]);
  return s;
}

core::Error invalid_stack_operation(std::size_t need, std::size_t have) {
  return script_error("InvalidStackOperation", "opcode requires at least " + std::to_string(need) +
                                                   " but stack has only " + std::to_string(have));
}

core::Result<void> check_minimal_data_push(const op::Instruction& ins) {
  const std::size_t n = ins.data.size();
  const std::uint8_t code = ins.opcode;
  auto fail = [&](std::string want) {
    return script_error("NotMinimalData", "push encoding is not minimal: data push of " + std::to_string(n) +
                                              " bytes encoded with " + opcode_text(code) + " instead of " + want);
  };
  if (n == 0) {
    if (code != op::kOp0) return fail("OP_0");
  } else if (n == 1 && ins.data[0] >= 1 && ins.data[0] <= 16) {
    if (code != op::small_int_opcode(ins.data[0])) return fail("OP_" + std::to_string(ins.data[0]));
  } else if (n == 1 && ins.data[0] == 0x81) {
    if (code != op::kOp1Negate) return fail("OP_1NEGATE");
  } else if (n <= op::kOpData75) {
    if (code != n) return fail("OP_DATA_" + std::to_string(n));
  } else if (n <= 0xff) {
    if (code != op::kOpPushData1) return fail("OP_PUSHDATA1");
  } else if (n < 0xffff && code != op::kOpPushData2) {
    return fail("OP_PUSHDATA2");
  }
  return {};
}

// opcodes/mod.rs @HEAD is_disabled: Toccata re-enables CAT, SUBSTR, INVERT, AND, OR, XOR, MUL, DIV and MOD.
constexpr bool is_disabled_opcode_toccata(std::uint8_t code) noexcept {
  switch (code) {
    case op::kOpLeft: case op::kOpRight: case op::kOp2Mul: case op::kOp2Div: case op::kOpLShift: case op::kOpRShift:
      return true;
    default:
      return false;
  }
}

core::Bytes spk_bytes(const ScriptPublicKey& spk) {
  core::Bytes out;
  core::put_be<std::uint16_t>(out, spk.version);
  core::append(out, spk.script);
  return out;
}

std::uint64_t read_u64_operand(const core::Bytes& b) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < b.size(); ++i) v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
  return v;
}

}  // namespace

// --- Script-level helpers ---------------------------------------------------------------------------------

std::uint64_t allowed_script_units(const ComputeCommit& commit) noexcept {
  // consensus/core/src/tx.rs ComputeCommit::allowed_script_units (saturating; cannot overflow for u8/u16 commits).
  std::uint64_t units = 0;
  if (const auto* b = std::get_if<ComputeBudget>(&commit))
    units = std::uint64_t{b->value} * kScriptUnitsPerComputeBudgetUnit;
  else if (const auto* c = std::get_if<SigOpCount>(&commit))
    units = std::uint64_t{c->value} * kScriptUnitsPerSigOp;
  return units + kFreeScriptUnitsPerInput;
}

core::Result<std::int64_t> decode_script_num(core::ByteView v, std::size_t max_len) {
  if (v.size() > max_len)
    return script_error("NumberTooBig", "numeric value encoded as " + core::to_hex(v) + " is " +
                                            std::to_string(v.size()) + " bytes which exceeds the max allowed of " +
                                            std::to_string(max_len));
  if (v.empty()) return std::int64_t{0};
  const std::uint8_t msb = v.back();
  if ((msb & 0x7f) == 0 && (v.size() == 1 || (v[v.size() - 2] & 0x80) == 0))
    return script_error("NotMinimalData",
                        "numeric value encoded as " + core::to_hex(v) + " is not minimally encoded");
  std::uint64_t magnitude = msb & 0x7f;
  for (std::size_t i = v.size() - 1; i-- > 0;) magnitude = (magnitude << 8) | v[i];
  const auto m = static_cast<std::int64_t>(magnitude);  // at most 2^63 - 1 for 8 bytes
  return (msb & 0x80) ? -m : m;
}

bool script_bool(core::ByteView v) noexcept {
  if (v.empty()) return false;
  if ((v.back() & 0x7f) != 0) return true;
  for (std::size_t i = 0; i + 1 < v.size(); ++i)
    if (v[i] != 0) return true;
  return false;
}

core::Result<std::vector<op::Instruction>> parse_script(core::ByteView script) {
  std::vector<op::Instruction> out;
  std::size_t pos = 0;
  while (pos < script.size()) {
    IGRA_TRY(auto ins, op::read_instruction(script, pos));
    out.push_back(ins);
  }
  return out;
}

bool is_push_only(core::ByteView script) noexcept {
  std::size_t pos = 0;
  while (pos < script.size()) {
    auto ins = op::read_instruction(script, pos);
    if (!ins || !op::is_push_opcode(ins->opcode)) return false;
  }
  return true;
}

std::string_view script_error_name(const core::Error& error) noexcept {
  std::string_view m = error.message;
  const auto colon = m.find(':');
  return colon == std::string_view::npos ? m : m.substr(0, colon);
}

// --- SigHashCache ----------------------------------------------------------------------------------------

core::Result<core::Hash32> SigHashCache::get(std::size_t input_index, SigHashType type, bool ecdsa) {
  const auto t = static_cast<std::uint8_t>(type);
  for (const auto& e : entries_)
    if (e.input_index == input_index && e.type == t && e.ecdsa == ecdsa) return e.hash;
  if (ecdsa) {
    // The ECDSA sighash is a hash of the Schnorr one.
    IGRA_TRY(core::Hash32 schnorr_hash, get(input_index, type, false));
    const core::Hash32 h = ecdsa_sighash_from_schnorr(schnorr_hash);
    entries_.push_back(Entry{input_index, t, true, h});
    return h;
  }
  auto h = schnorr_sighash(tx_, utxos_, input_index, type, reused_);
  if (!h) return h.error().context("sighash");
  ++computed_;
  entries_.push_back(Entry{input_index, t, false, *h});
  return *h;
}

core::Result<core::Hash32> SigHashCache::schnorr(std::size_t input_index, SigHashType type) {
  return get(input_index, type, false);
}
core::Result<core::Hash32> SigHashCache::ecdsa(std::size_t input_index, SigHashType type) {
  return get(input_index, type, true);
}

// --- ScriptEngine ----------------------------------------------------------------------------------------

ScriptEngine::ScriptEngine(SigHashCache& cache, std::size_t input_index) : cache_(&cache), input_index_(input_index) {}

core::Result<void> ScriptEngine::require(std::size_t n) const {
  if (dstack_.size() < n) return invalid_stack_operation(n, dstack_.size());
  return {};
}

core::Result<core::Bytes> ScriptEngine::pop_raw() {
  IGRA_TRY_VOID(require(1));
  core::Bytes v = std::move(dstack_.back());
  dstack_.pop_back();
  return v;
}

core::Result<std::int64_t> ScriptEngine::pop_num(std::size_t max_len) {
  IGRA_TRY(core::Bytes v, pop_raw());
  return decode_script_num(v, max_len);
}

core::Result<bool> ScriptEngine::pop_bool() {
  IGRA_TRY(core::Bytes v, pop_raw());
  return script_bool(v);
}

core::Result<std::int64_t> ScriptEngine::pop_i64() {
  if (!toccata()) return pop_num(8);
  // data_stack.rs @HEAD: at most 8 bytes, any encoding (deserialize_i64).
  IGRA_TRY(core::Bytes v, pop_raw());
  if (v.size() > 8)
    return script_error("NumberTooBig", "numeric value encoded as " + core::to_hex(v) + " is " +
                                            std::to_string(v.size()) + " bytes which exceeds the max allowed of 8");
  if (v.empty()) return std::int64_t{0};
  std::uint64_t magnitude = v.back() & 0x7f;
  for (std::size_t i = v.size() - 1; i-- > 0;) magnitude = (magnitude << 8) | v[i];
  const auto m = static_cast<std::int64_t>(magnitude);
  return (v.back() & 0x80) ? -m : m;
}

core::Result<std::int64_t> ScriptEngine::pop_i32() {
  if (!toccata()) return pop_num(4);
  IGRA_TRY(std::int64_t v, pop_i64());
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
    return script_error("NumberTooBig", "out of range integral type conversion attempted (" + std::to_string(v) +
                                            " does not fit in i32)");
  return v;
}

core::Result<void> ScriptEngine::push_metered(core::Bytes v) {
  if (toccata()) {
    if (v.size() > kToccataMaxScriptElementSize)
      return script_error("ElementTooBig", "element size " + std::to_string(v.size()) + " exceeds max allowed size " +
                                               std::to_string(kToccataMaxScriptElementSize));
    pushed_bytes_ += v.size();
  }
  dstack_.push_back(std::move(v));
  return {};
}

core::Result<void> ScriptEngine::consume_script_units(std::uint64_t units) {
  if (!toccata()) return {};
  // runtime_resource_meter.rs consume_script_units: on failure nothing is consumed and used = limit + overflow.
  const std::uint64_t remaining = script_units_limit_ - used_script_units_;
  if (units > remaining) {
    const std::uint64_t overflow = units - remaining;
    const std::uint64_t used = script_units_limit_ > ~0ull - overflow ? ~0ull : script_units_limit_ + overflow;
    return script_error("ExceededCommittedScriptUnits",
                        "script units exceeded the amount committed in the input: used=" + std::to_string(used) +
                            ", limit=" + std::to_string(script_units_limit_));
  }
  used_script_units_ += units;
  return {};
}

core::Result<void> ScriptEngine::push_num(std::int64_t v) {
  core::Bytes b = encode_script_num(v);
  if (b.size() > 8) return script_error("Serialization", "Number exceeds 8 bytes: " + std::to_string(v));
  return push_metered(std::move(b));
}

core::Result<void> ScriptEngine::push_literal_num(std::int64_t v) {
  dstack_.push_back(encode_script_num(v));
  return {};
}

core::Result<void> ScriptEngine::execute() {
  if (cache_ == nullptr)
    return core::make_error(core::ErrorCode::kInvalidArgument,
                            "NotATransactionInput: execute() needs an engine built for a transaction input");
  const Transaction& tx = cache_->transaction();
  const auto utxos = cache_->utxos();
  if (input_index_ >= tx.inputs.size())
    return core::make_error("InvalidInputIndex: transaction input " + std::to_string(input_index_) +
                            " is out of bounds, should be below " + std::to_string(tx.inputs.size()));
  if (input_index_ >= utxos.size())
    return core::make_error("InvalidInputIndex: no UTXO entry for input " + std::to_string(input_index_) + " (" +
                            std::to_string(utxos.size()) + " given)");
  const TransactionInput& input = tx.inputs[input_index_];
  const UtxoEntry& utxo = utxos[input_index_];
  // An unknown script version is anyone-can-spend (non-standard, but valid by consensus).
  if (utxo.script_public_key.version > kMaxScriptPublicKeyVersion) return {};
  rules_ = script_rules_for_version(tx.version);
  if (toccata()) {
    script_units_limit_ = allowed_script_units(input.compute_commit);
    // lib.rs execute_inner @HEAD: only the part of the spent script beyond the standard 35 bytes is charged,
    // as grams (100 script units each).
    const std::size_t spk_len = utxo.script_public_key.script.size();
    if (spk_len > kStandardScriptPublicKeyMaxSize)
      IGRA_TRY_VOID(consume_script_units((spk_len - kStandardScriptPublicKeyMaxSize) * kScriptUnitsPerGram));
  } else {
    sig_op_limit_ = sig_op_remaining_ = input.sig_op_count();
  }
  const bool p2sh = is_pay_to_script_hash(utxo.script_public_key.script);
  const core::ByteView scripts[2] = {input.signature_script, utxo.script_public_key.script};
  return run(scripts, p2sh);
}

core::Result<void> ScriptEngine::execute_scripts(std::span<const core::ByteView> scripts) {
  if (cache_ != nullptr)
    return core::make_error("script engine: execute_scripts() is for stand-alone engines; use execute()");
  if (toccata()) script_units_limit_ = ~0ull;
  return run(scripts, false);
}

core::Result<void> ScriptEngine::run(std::span<const core::ByteView> scripts, bool is_p2sh) {
  if (scripts.empty()) return script_error("NoScripts", "no scripts to run");
  if (std::all_of(scripts.begin(), scripts.end(), [](core::ByteView s) { return s.empty(); }))
    return script_error("EvalFalse", "false stack entry at end of script execution (all scripts are empty)");
  const std::size_t max_script_size = toccata() ? kToccataMaxScriptSize : kMaxScriptSize;
  for (auto s : scripts)
    if (s.size() > max_script_size)
      return script_error("ScriptSize", "script of size " + std::to_string(s.size()) +
                                            " exceeded maximum allowed size of " + std::to_string(max_script_size));

  std::vector<core::Bytes> saved_stack;
  bool saved = false;
  for (std::size_t idx = 0; idx < scripts.size(); ++idx) {
    if (scripts[idx].empty()) continue;
    const bool verify_only_push = idx == 0 && cache_ != nullptr;
    if (is_p2sh && idx == 1) {
      saved_stack = dstack_;
      saved = true;
    }
    IGRA_TRY_VOID(execute_script(scripts[idx], verify_only_push));
  }

  if (is_p2sh) {
    IGRA_TRY_VOID(check_error_condition(false));
    if (!saved) return script_error("EmptyStack", "attempt to read from empty stack");
    dstack_ = std::move(saved_stack);
    if (dstack_.empty()) return script_error("EmptyStack", "attempt to read from empty stack (no redeem script)");
    core::Bytes redeem = std::move(dstack_.back());
    dstack_.pop_back();
    IGRA_TRY_VOID(execute_script(redeem, false));
  }
  return check_error_condition(true);
}

core::Result<void> ScriptEngine::check_error_condition(bool final_script) {
  if (final_script) {
    if (dstack_.size() > 1)
      return script_error("CleanStack", "stack contains " + std::to_string(dstack_.size() - 1) + " unexpected items");
    if (dstack_.empty()) return script_error("EmptyStack", "attempt to read from empty stack");
  }
  IGRA_TRY(bool v, pop_bool());
  if (!v) return script_error("EvalFalse", "false stack entry at end of script execution");
  return {};
}

core::Result<void> ScriptEngine::execute_script(core::ByteView script, bool verify_only_push) {
  core::Result<void> result;
  std::size_t pos = 0;
  while (pos < script.size()) {
    auto ins = op::read_instruction(script, pos);
    if (!ins) {
      result = core::Error(core::ErrorCode::kVerifyFailed, ins.error().message);
      break;
    }
    const std::uint8_t code = ins->opcode;
    if (toccata() ? is_disabled_opcode_toccata(code) : op::is_disabled_opcode(code)) {
      result = script_error("OpcodeDisabled", "attempt to execute disabled " + opcode_text(code));
      break;
    }
    if (op::is_always_illegal_opcode(code)) {
      result = script_error("OpcodeReserved", "attempt to execute reserved " + opcode_text(code));
      break;
    }
    if (verify_only_push && !op::is_push_opcode(code)) {
      result = script_error("SignatureScriptNotPushOnly",
                            "signature script is not push only (" + opcode_text(code) + " at offset " +
                                std::to_string(ins->offset) + ")");
      break;
    }
    result = execute_opcode(*ins);
    if (!result) break;
    const std::size_t combined = dstack_.size() + astack_.size();
    if (combined > kMaxStackSize) {
      result = script_error("StackSizeExceeded", "combined stack size " + std::to_string(combined) +
                                                     " > max allowed " + std::to_string(kMaxStackSize));
      break;
    }
  }
  if (result.ok() && !cond_stack_.empty())
    result = script_error("ErrUnbalancedConditional", "end of script reached in conditional execution");
  astack_.clear();
  num_ops_ = 0;
  return result;
}

core::Result<void> ScriptEngine::execute_opcode(const op::Instruction& ins) {
  const int max_ops = toccata() ? kToccataMaxOpsPerScript : kMaxOpsPerScript;
  const std::size_t max_element = toccata() ? kToccataMaxScriptElementSize : kMaxScriptElementSize;
  if (!op::is_push_opcode(ins.opcode)) {
    if (++num_ops_ > max_ops)
      return script_error("TooManyOperations", "exceeded max operation limit of " + std::to_string(max_ops));
  } else if (ins.data.size() > max_element) {
    return script_error("ElementTooBig", "element size " + std::to_string(ins.data.size()) +
                                             " exceeds max allowed size " + std::to_string(max_element));
  }
  if (!is_executing() && !op::is_conditional_opcode(ins.opcode)) return {};
  if (!toccata()) {
    if (ins.opcode > 0 && ins.opcode <= op::kOpPushData4) IGRA_TRY_VOID(check_minimal_data_push(ins));
    return execute_executing(ins);
  }
  // Toccata: no minimal-push rule; bytes pushed by the opcode are charged once it has run (lib.rs execute_opcode).
  pushed_bytes_ = 0;
  IGRA_TRY_VOID(execute_executing(ins));
  const std::uint64_t pushed = pushed_bytes_;
  pushed_bytes_ = 0;
  return consume_script_units(pushed);
}

core::Result<void> ScriptEngine::execute_executing(const op::Instruction& ins) {
  const std::uint8_t code = ins.opcode;
  auto& st = dstack_;

  // Pushes.
  if (code == op::kOp0) {
    st.emplace_back();
    return {};
  }
  if (code <= op::kOpPushData4) {
    st.emplace_back(ins.data.begin(), ins.data.end());
    return {};
  }
  if (code == op::kOp1Negate) return push_literal_num(-1);
  if (code >= op::kOp1 && code <= op::kOp16) return push_literal_num(code - (op::kOp1 - 1));
  if (toccata()) {
    bool handled = false;
    auto r = execute_toccata_opcode(ins, handled);
    if (handled) return r;
  }

  auto binary_num = [&](auto fn) -> core::Result<void> {
    IGRA_TRY_VOID(require(2));
    IGRA_TRY(std::int64_t b, pop_i64());
    IGRA_TRY(std::int64_t a, pop_i64());
    return fn(a, b);
  };
  auto overflow = [](const char* what) { return script_error("NumberTooBig", std::string(what) + " exceeds 64-bit signed integer range"); };
  auto no_tx = [&](const char* what) {
    return script_error("InvalidSource", std::string(what) + " only applies to transaction inputs");
  };

  switch (code) {
    case op::kOpReserved:
    case op::kOpVer:
    case op::kOpReserved1:
    case op::kOpReserved2:
      return script_error("OpcodeReserved", "attempt to execute reserved " + opcode_text(code));

    case op::kOpNop:
      return {};

    case op::kOpIf:
    case op::kOpNotIf: {
      Cond cond = Cond::kSkip;
      if (is_executing() && toccata()) {
        // opcodes/mod.rs @HEAD: any stack value, read as a boolean.
        IGRA_TRY(bool truth, pop_bool());
        if (code == op::kOpNotIf) truth = !truth;
        cond = truth ? Cond::kTrue : Cond::kFalse;
      } else if (is_executing()) {
        if (st.empty()) return script_error("EmptyStack", "attempt to read from empty stack");
        core::Bytes c = std::move(st.back());
        st.pop_back();
        if (c.size() > 1) return script_error("InvalidState", "encountered invalid state while running script: expected boolean");
        bool truth = false;
        if (c.size() == 1) {
          if (c[0] != 1) return script_error("InvalidState", "encountered invalid state while running script: expected boolean");
          truth = true;
        }
        if (code == op::kOpNotIf) truth = !truth;
        cond = truth ? Cond::kTrue : Cond::kFalse;
      }
      cond_stack_.push_back(cond);
      return {};
    }
    case op::kOpElse:
      if (cond_stack_.empty()) return script_error("InvalidState", "encountered invalid state while running script: condition stack empty");
      if (cond_stack_.back() == Cond::kTrue)
        cond_stack_.back() = Cond::kFalse;
      else if (cond_stack_.back() == Cond::kFalse)
        cond_stack_.back() = Cond::kTrue;
      return {};
    case op::kOpEndIf:
      if (cond_stack_.empty()) return script_error("InvalidState", "encountered invalid state while running script: condition stack empty");
      cond_stack_.pop_back();
      return {};

    case op::kOpVerify: {
      IGRA_TRY(bool v, pop_bool());
      if (!v) return script_error("VerifyError", "script ran, but verification failed (OP_VERIFY)");
      return {};
    }
    case op::kOpReturn:
      return script_error("EarlyReturn", "script returned early");

    case op::kOpToAltStack: {
      IGRA_TRY(core::Bytes v, pop_raw());
      astack_.push_back(std::move(v));
      return {};
    }
    case op::kOpFromAltStack:
      if (astack_.empty()) return script_error("EmptyStack", "attempt to read from empty alt stack");
      st.push_back(std::move(astack_.back()));
      astack_.pop_back();
      return {};
    case op::kOp2Drop:
      IGRA_TRY_VOID(require(2));
      st.resize(st.size() - 2);
      return {};
    case op::kOp2Dup:
      IGRA_TRY_VOID(require(2));
      for (int i = 0; i < 2; ++i) IGRA_TRY_VOID(push_metered(st[st.size() - 2]));
      return {};
    case op::kOp3Dup:
      IGRA_TRY_VOID(require(3));
      for (int i = 0; i < 3; ++i) IGRA_TRY_VOID(push_metered(st[st.size() - 3]));
      return {};
    case op::kOp2Over:
      IGRA_TRY_VOID(require(4));
      for (int i = 0; i < 2; ++i) IGRA_TRY_VOID(push_metered(st[st.size() - 4]));
      return {};
    case op::kOp2Rot: {
      IGRA_TRY_VOID(require(6));
      const auto base = st.end() - 6;
      std::rotate(base, base + 2, st.end());
      return {};
    }
    case op::kOp2Swap: {
      IGRA_TRY_VOID(require(4));
      const auto base = st.end() - 4;
      std::rotate(base, base + 2, st.end());
      return {};
    }
    case op::kOpIfDup: {
      IGRA_TRY_VOID(require(1));
      if (script_bool(st.back())) return push_metered(st.back());
      return {};
    }
    case op::kOpDepth:
      return push_num(static_cast<std::int64_t>(st.size()));
    case op::kOpDrop:
      IGRA_TRY_VOID(require(1));
      st.pop_back();
      return {};
    case op::kOpDup:
      IGRA_TRY_VOID(require(1));
      return push_metered(st.back());
    case op::kOpNip:
      IGRA_TRY_VOID(require(2));
      st.erase(st.end() - 2);
      return {};
    case op::kOpOver:
      IGRA_TRY_VOID(require(2));
      return push_metered(st[st.size() - 2]);
    case op::kOpPick:
    case op::kOpRoll: {
      IGRA_TRY(std::int64_t loc, pop_i32());
      if (loc < 0 || static_cast<std::uint64_t>(loc) >= st.size())
        return script_error("InvalidState", std::string("encountered invalid state while running script: ") +
                                                (code == op::kOpPick ? "pick" : "roll") + " at an invalid location");
      const std::size_t i = st.size() - static_cast<std::size_t>(loc) - 1;
      if (code == op::kOpPick) {
        return push_metered(st[i]);
      } else {
        core::Bytes item = std::move(st[i]);
        st.erase(st.begin() + static_cast<std::ptrdiff_t>(i));
        st.push_back(std::move(item));
      }
      return {};
    }
    case op::kOpRot: {
      IGRA_TRY_VOID(require(3));
      const auto base = st.end() - 3;
      std::rotate(base, base + 1, st.end());
      return {};
    }
    case op::kOpSwap:
      IGRA_TRY_VOID(require(2));
      std::swap(st[st.size() - 1], st[st.size() - 2]);
      return {};
    case op::kOpTuck:
      IGRA_TRY_VOID(require(2));
      if (toccata()) pushed_bytes_ += st.back().size();
      st.insert(st.end() - 2, st.back());
      return {};

    case op::kOpSize:
      IGRA_TRY_VOID(require(1));
      return push_num(static_cast<std::int64_t>(st.back().size()));

    case op::kOpEqual:
    case op::kOpEqualVerify: {
      IGRA_TRY_VOID(require(2));
      const bool eq = st[st.size() - 1] == st[st.size() - 2];
      st.resize(st.size() - 2);
      if (code == op::kOpEqual) return push_bool(eq);
      if (!eq) return script_error("VerifyError", "script ran, but verification failed (OP_EQUALVERIFY)");
      return {};
    }

    case op::kOp1Add: {
      IGRA_TRY(std::int64_t v, pop_i64());
      if (v == std::numeric_limits<std::int64_t>::max()) return overflow("Result of addition");
      return push_num(v + 1);
    }
    case op::kOp1Sub: {
      IGRA_TRY(std::int64_t v, pop_i64());
      if (v == std::numeric_limits<std::int64_t>::min()) return overflow("Result of subtraction");
      return push_num(v - 1);
    }
    case op::kOpNegate: {
      IGRA_TRY(std::int64_t v, pop_i64());
      if (v == std::numeric_limits<std::int64_t>::min()) return overflow("Negation result");
      return push_num(-v);
    }
    case op::kOpAbs: {
      IGRA_TRY(std::int64_t v, pop_i64());
      if (v == std::numeric_limits<std::int64_t>::min()) return overflow("Absolute value");
      return push_num(v < 0 ? -v : v);
    }
    case op::kOpNot: {
      IGRA_TRY(std::int64_t v, pop_i64());
      return push_num(v == 0 ? 1 : 0);
    }
    case op::kOp0NotEqual: {
      IGRA_TRY(std::int64_t v, pop_i64());
      return push_num(v != 0 ? 1 : 0);
    }
    case op::kOpAdd:
      return binary_num([&](std::int64_t a, std::int64_t b) -> core::Result<void> {
        std::int64_t r;
        if (__builtin_add_overflow(a, b, &r)) return overflow("Sum");
        return push_num(r);
      });
    case op::kOpSub:
      return binary_num([&](std::int64_t a, std::int64_t b) -> core::Result<void> {
        std::int64_t r;
        if (__builtin_sub_overflow(a, b, &r)) return overflow("Difference");
        return push_num(r);
      });
    case op::kOpBoolAnd:
      return binary_num([&](std::int64_t a, std::int64_t b) { return push_num(a != 0 && b != 0); });
    case op::kOpBoolOr:
      return binary_num([&](std::int64_t a, std::int64_t b) { return push_num(a != 0 || b != 0); });
    case op::kOpNumEqual:
      return binary_num([&](std::int64_t a, std::int64_t b) { return push_num(a == b); });
    case op::kOpNumEqualVerify:
      return binary_num([&](std::int64_t a, std::int64_t b) -> core::Result<void> {
        if (a != b) return script_error("VerifyError", "script ran, but verification failed (OP_NUMEQUALVERIFY)");
        return {};
      });
    case op::kOpNumNotEqual:
      return binary_num([&](std::int64_t a, std::int64_t b) { return push_num(a != b); });
    case op::kOpLessThan:
      return binary_num([&](std::int64_t a, std::int64_t b) { return push_num(a < b); });
    case op::kOpGreaterThan:
      return binary_num([&](std::int64_t a, std::int64_t b) { return push_num(a > b); });
    case op::kOpLessThanOrEqual:
      return binary_num([&](std::int64_t a, std::int64_t b) { return push_num(a <= b); });
    case op::kOpGreaterThanOrEqual:
      return binary_num([&](std::int64_t a, std::int64_t b) { return push_num(a >= b); });
    case op::kOpMin:
      return binary_num([&](std::int64_t a, std::int64_t b) { return push_num(std::min(a, b)); });
    case op::kOpMax:
      return binary_num([&](std::int64_t a, std::int64_t b) { return push_num(std::max(a, b)); });
    case op::kOpWithin: {
      IGRA_TRY_VOID(require(3));
      IGRA_TRY(std::int64_t u, pop_i64());
      IGRA_TRY(std::int64_t l, pop_i64());
      IGRA_TRY(std::int64_t x, pop_i64());
      return push_num(x >= l && x < u);
    }

    case op::kOpSha256: {
      IGRA_TRY(core::Bytes v, pop_raw());
      IGRA_TRY_VOID(consume_script_units(v.size()));  // opcodes/mod.rs @HEAD HashOpcodePricing::Sha256: 1/byte
      const auto h = crypto::sha256(v);
      return push_metered(core::Bytes(h.begin(), h.end()));
    }
    case op::kOpBlake2b: {
      IGRA_TRY(core::Bytes v, pop_raw());
      IGRA_TRY_VOID(consume_script_units(2 * std::uint64_t{v.size()}));  // HashOpcodePricing::Blake2b: 2/byte
      const auto h = core::blake2b_256(v);
      return push_metered(core::Bytes(h.begin(), h.end()));
    }
    case op::kOpCheckSig:
      return op_check_sig(false);
    case op::kOpCheckSigEcdsa:
      return op_check_sig(true);
    case op::kOpCheckSigVerify: {
      IGRA_TRY_VOID(op_check_sig(false));
      IGRA_TRY(bool v, pop_bool());
      if (!v) return script_error("VerifyError", "script ran, but verification failed (OP_CHECKSIGVERIFY)");
      return {};
    }
    case op::kOpCheckMultiSig:
      return op_check_multisig(false);
    case op::kOpCheckMultiSigEcdsa:
      return op_check_multisig(true);
    case op::kOpCheckMultiSigVerify: {
      IGRA_TRY_VOID(op_check_multisig(false));
      IGRA_TRY(bool v, pop_bool());
      if (!v) return script_error("VerifyError", "script ran, but verification failed (OP_CHECKMULTISIGVERIFY)");
      return {};
    }
    case op::kOpCheckLockTimeVerify:
      return op_check_lock_time_verify();
    case op::kOpCheckSequenceVerify:
      return op_check_sequence_verify();

    // KIP-10 introspection enabled at v1.1.0.
    case op::kOpTxInputCount:
      if (!cache_) return no_tx("OpInputCount");
      return push_num(static_cast<std::int64_t>(cache_->transaction().inputs.size()));
    case op::kOpTxOutputCount:
      if (!cache_) return no_tx("OpOutputCount");
      return push_num(static_cast<std::int64_t>(cache_->transaction().outputs.size()));
    case op::kOpTxInputIndex:
      if (!cache_) return no_tx("OpInputIndex");
      return push_num(static_cast<std::int64_t>(input_index_));
    case op::kOpTxInputAmount:
    case op::kOpTxInputSpk: {
      if (!cache_) return no_tx(code == op::kOpTxInputAmount ? "OpInputAmount" : "OpInputSpk");
      IGRA_TRY(std::int64_t idx, pop_i32());
      const auto utxos = cache_->utxos();
      const auto n_in = cache_->transaction().inputs.size();
      if (idx < 0 || static_cast<std::uint64_t>(idx) >= n_in || static_cast<std::uint64_t>(idx) >= utxos.size())
        return script_error("InvalidInputIndex", "transaction input " + std::to_string(idx) +
                                                     " is out of bounds, should be non-negative below " +
                                                     std::to_string(n_in));
      const auto& utxo = utxos[static_cast<std::size_t>(idx)];
      if (code == op::kOpTxInputSpk) return push_metered(spk_bytes(utxo.script_public_key));
      if (utxo.amount > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return script_error("NumberTooBig", "input amount " + std::to_string(utxo.amount) + " exceeds i64");
      return push_num(static_cast<std::int64_t>(utxo.amount));
    }
    case op::kOpTxOutputAmount:
    case op::kOpTxOutputSpk: {
      if (!cache_) return no_tx(code == op::kOpTxOutputAmount ? "OpOutputAmount" : "OpOutputSpk");
      IGRA_TRY(std::int64_t idx, pop_i32());
      const auto& outs = cache_->transaction().outputs;
      if (idx < 0 || static_cast<std::uint64_t>(idx) >= outs.size())
        return script_error("InvalidOutputIndex", "transaction output " + std::to_string(idx) +
                                                      " is out of bounds, should be non-negative below " +
                                                      std::to_string(outs.size()));
      const auto& out = outs[static_cast<std::size_t>(idx)];
      if (code == op::kOpTxOutputSpk) return push_metered(spk_bytes(out.script_public_key));
      if (out.value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return script_error("NumberTooBig", "output value " + std::to_string(out.value) + " exceeds i64");
      return push_num(static_cast<std::int64_t>(out.value));
    }
    case 0xb2: case 0xb5: case 0xb6: case 0xb7: case 0xb8: case 0xba: case 0xbb: case 0xbc: case 0xbd:
    case 0xc0: case 0xc1:
      return script_error("OpcodeReserved", "attempt to execute reserved " + opcode_text(code));
    default:
      break;
  }
  // 0xa6, 0xa7, 0xc4..0xff (disabled and always-illegal opcodes never get here).
  return script_error("InvalidOpcode", "attempt to execute invalid " + opcode_text(code));
}

// --- Toccata-only opcodes (opcodes/mod.rs @HEAD) -----------------------------------------------------------

namespace {

core::Error unsupported_toccata_opcode(std::uint8_t code, std::string_view name) {
  return core::make_error(core::ErrorCode::kUnsupported,
                          "UnsupportedOpcode: " + std::string(name) + " (" + opcode_text(code) +
                              ") in a version-1 transaction is outside this engine's opcode subset (it needs Toccata "
                              "covenant, ZK or sequencing-commitment context)");
}

// substring() @HEAD: end < start -> InvalidRange, too long -> ElementTooBig, past the end -> OutOfBoundsSubstring.
core::Result<core::Bytes> substring(core::ByteView data, std::int64_t start, std::int64_t end) {
  if (end < start)
    return script_error("InvalidRange", std::to_string(start) + ".." + std::to_string(end) + " is not a valid range, " +
                                            std::to_string(end) + " must be greater than " + std::to_string(start));
  if (static_cast<std::uint64_t>(end - start) > kToccataMaxScriptElementSize)
    return script_error("ElementTooBig", "element size " + std::to_string(end - start) + " exceeds max allowed size " +
                                             std::to_string(kToccataMaxScriptElementSize));
  if (static_cast<std::uint64_t>(end) > data.size())
    return script_error("OutOfBoundsSubstring", "substring [" + std::to_string(start) + ":" + std::to_string(end) +
                                                    "] is out of bounds for string of length " +
                                                    std::to_string(data.size()));
  return core::Bytes(data.begin() + start, data.begin() + end);
}

core::Result<void> check_index(std::int64_t v) {
  if (v < 0) return script_error("InvalidIndex", std::to_string(v) + " cannot be used as an array index");
  return {};
}

// serialize_i64(num, Some(size)) @HEAD (data_stack.rs): little-endian magnitude padded to `size`, sign in the top bit.
core::Result<core::Bytes> serialize_num_sized(std::int64_t num, std::size_t size) {
  core::Bytes out = encode_script_num(num < 0 ? -num : num);  // minimal magnitude (num > i64::MIN here)
  if (out.size() > size)
    return script_error("Serialization", "number " + std::to_string(num) + " cannot fit in " + std::to_string(size) +
                                             " bytes");
  out.resize(size, 0);
  if (num < 0) out.back() |= 0x80;
  return out;
}

}  // namespace

core::Result<void> ScriptEngine::execute_toccata_opcode(const op::Instruction& ins, bool& handled) {
  const std::uint8_t code = ins.opcode;
  handled = true;
  auto& st = dstack_;
  auto pop_entry = [&]() -> core::Result<core::Bytes> {  // Stack::pop: EmptyStack
    if (st.empty()) return script_error("EmptyStack", "attempt to read from empty stack");
    core::Bytes v = std::move(st.back());
    st.pop_back();
    return v;
  };
  // pop_items::<N, i32>: needs N items, then decodes them (deepest first in the result).
  auto pop_i32s = [&](std::size_t n, std::int64_t* out) -> core::Result<void> {
    IGRA_TRY_VOID(require(n));
    for (std::size_t i = n; i-- > 0;) {
      IGRA_TRY(std::int64_t v, pop_i32());
      out[i] = v;
    }
    return {};
  };
  auto no_tx = [&](const char* what) {
    return script_error("InvalidSource", std::string(what) + " only applies to transaction inputs");
  };
  const Transaction* tx = cache_ ? &cache_->transaction() : nullptr;
  auto utxo_at = [&](std::int64_t idx) -> core::Result<const UtxoEntry*> {
    const auto utxos = cache_->utxos();
    if (idx < 0 || static_cast<std::uint64_t>(idx) >= tx->inputs.size() ||
        static_cast<std::uint64_t>(idx) >= utxos.size())
      return script_error("InvalidInputIndex", "transaction input " + std::to_string(idx) +
                                                   " is out of bounds, should be non-negative below " +
                                                   std::to_string(tx->inputs.size()));
    return &utxos[static_cast<std::size_t>(idx)];
  };
  auto input_at = [&](std::int64_t idx) -> core::Result<const TransactionInput*> {
    if (idx < 0 || static_cast<std::uint64_t>(idx) >= tx->inputs.size())
      return script_error("InvalidInputIndex", "transaction input " + std::to_string(idx) +
                                                   " is out of bounds, should be non-negative below " +
                                                   std::to_string(tx->inputs.size()));
    return &tx->inputs[static_cast<std::size_t>(idx)];
  };
  auto output_at = [&](std::int64_t idx) -> core::Result<const TransactionOutput*> {
    if (idx < 0 || static_cast<std::uint64_t>(idx) >= tx->outputs.size())
      return script_error("InvalidOutputIndex", "transaction output " + std::to_string(idx) +
                                                    " is out of bounds, should be non-negative below " +
                                                    std::to_string(tx->outputs.size()));
    return &tx->outputs[static_cast<std::size_t>(idx)];
  };
  auto bitwise = [&](const char* name, auto fn) -> core::Result<void> {
    IGRA_TRY(core::Bytes b, pop_entry());
    IGRA_TRY(core::Bytes a, pop_entry());
    if (a.size() != b.size())
      return script_error("InvalidState", std::string("encountered invalid state while running script: ") + name +
                                              " operands must be of equal length");
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = fn(a[i], b[i]);
    return push_metered(std::move(a));
  };
  auto two_nums = [&](std::int64_t& a, std::int64_t& b) -> core::Result<void> {
    IGRA_TRY_VOID(require(2));
    IGRA_TRY(std::int64_t vb, pop_i64());
    IGRA_TRY(std::int64_t va, pop_i64());
    a = va;
    b = vb;
    return {};
  };

  switch (code) {
    case op::kOpCat: {
      IGRA_TRY(core::Bytes b, pop_entry());
      IGRA_TRY(core::Bytes a, pop_entry());
      core::append(a, b);
      return push_metered(std::move(a));
    }
    case op::kOpSubStr: {
      std::int64_t r[2];
      IGRA_TRY_VOID(pop_i32s(2, r));
      IGRA_TRY(core::Bytes data, pop_entry());
      IGRA_TRY_VOID(check_index(r[0]));
      IGRA_TRY_VOID(check_index(r[1]));
      IGRA_TRY(core::Bytes sub, substring(data, r[0], r[1]));
      return push_metered(std::move(sub));
    }
    case op::kOpInvert: {
      IGRA_TRY(core::Bytes v, pop_entry());
      for (auto& b : v) b = static_cast<std::uint8_t>(~b);
      return push_metered(std::move(v));
    }
    case op::kOpAnd:
      return bitwise("AND", [](std::uint8_t x, std::uint8_t y) { return static_cast<std::uint8_t>(x & y); });
    case op::kOpOr:
      return bitwise("OR", [](std::uint8_t x, std::uint8_t y) { return static_cast<std::uint8_t>(x | y); });
    case op::kOpXor:
      return bitwise("XOR", [](std::uint8_t x, std::uint8_t y) { return static_cast<std::uint8_t>(x ^ y); });
    case op::kOpMul: {
      std::int64_t a = 0, b = 0, r = 0;
      IGRA_TRY_VOID(two_nums(a, b));
      if (__builtin_mul_overflow(a, b, &r))
        return script_error("NumberTooBig", "Product exceeds 64-bit signed integer range");
      return push_num(r);
    }
    case op::kOpDiv: {
      std::int64_t a = 0, b = 0;
      IGRA_TRY_VOID(two_nums(a, b));
      if (b == 0 || (a == std::numeric_limits<std::int64_t>::min() && b == -1))
        return script_error("InvalidState", "encountered invalid state while running script: Quotient exceeds 64-bit "
                                            "signed integer range, or there was a division by zero");
      return push_num(a / b);
    }
    case op::kOpMod: {
      std::int64_t a = 0, b = 0;
      IGRA_TRY_VOID(two_nums(a, b));
      if (b == 0 || (a == std::numeric_limits<std::int64_t>::min() && b == -1))  // Rust checked_rem
        return script_error("InvalidState", "encountered invalid state while running script: Illegal modulo by zero");
      return push_num(a % b);
    }
    case top::kOpNum2Bin: {
      IGRA_TRY(std::int64_t size, pop_i32());
      IGRA_TRY_VOID(check_index(size));
      if (size > 8)
        return script_error("NotMinimalData", "push encoding is not minimal: NUM2BIN target size " +
                                                  std::to_string(size) + " exceeds 8 bytes");
      IGRA_TRY(std::int64_t num, pop_i64());
      IGRA_TRY(core::Bytes out, serialize_num_sized(num, static_cast<std::size_t>(size)));
      return push_metered(std::move(out));
    }
    case top::kOpBin2Num: {
      IGRA_TRY(std::int64_t num, pop_i64());
      return push_num(num);
    }
    default:
      break;
  }

  // Transaction introspection.
  switch (code) {
    case top::kOpTxVersion:
      if (!tx) return no_tx("OpTxVersion");
      return push_num(tx->version);
    case top::kOpTxLockTime:
      if (!tx) return no_tx("OpTxLockTime");
      return push_num(static_cast<std::int64_t>(tx->lock_time));  // `as i64`
    case top::kOpTxSubnetId:
      if (!tx) return no_tx("OpTxSubnetId");
      return push_metered(core::Bytes(tx->subnetwork_id.begin(), tx->subnetwork_id.end()));
    case top::kOpTxGas:
      if (!tx) return no_tx("OpTxGas");
      return push_num(static_cast<std::int64_t>(tx->gas));
    case top::kOpTxPayloadLen:
      if (!tx) return no_tx("OpTxPayloadLen");
      return push_num(static_cast<std::int64_t>(tx->payload.size()));
    case top::kOpTxPayloadSubstr: {
      if (!tx) return no_tx("OpTxPayloadSubstr");
      std::int64_t r[2];
      IGRA_TRY_VOID(pop_i32s(2, r));
      IGRA_TRY_VOID(check_index(r[0]));
      IGRA_TRY_VOID(check_index(r[1]));
      IGRA_TRY(core::Bytes sub, substring(tx->payload, r[0], r[1]));
      return push_metered(std::move(sub));
    }
    case top::kOpOutpointTxId:
    case top::kOpOutpointIndex:
    case top::kOpTxInputSeq:
    case top::kOpTxInputScriptSigLen: {
      if (!tx) return no_tx("input introspection");
      IGRA_TRY(std::int64_t idx, pop_i32());
      IGRA_TRY_VOID(check_index(idx));
      IGRA_TRY(const TransactionInput* in, input_at(idx));
      if (code == top::kOpOutpointTxId) {
        const auto& id = in->previous_outpoint.transaction_id;
        return push_metered(core::Bytes(id.begin(), id.end()));
      }
      if (code == top::kOpOutpointIndex) return push_num(in->previous_outpoint.index);
      if (code == top::kOpTxInputScriptSigLen) return push_num(static_cast<std::int64_t>(in->signature_script.size()));
      core::Bytes seq;  // raw little-endian u64, not a script number
      for (int i = 0; i < 8; ++i) seq.push_back(static_cast<std::uint8_t>(in->sequence >> (8 * i)));
      return push_metered(std::move(seq));
    }
    case top::kOpTxInputScriptSigSubstr: {
      if (!tx) return no_tx("OpTxInputScriptSigSubstr");
      std::int64_t r[3];
      IGRA_TRY_VOID(pop_i32s(3, r));
      for (auto v : r) IGRA_TRY_VOID(check_index(v));
      IGRA_TRY(const TransactionInput* in, input_at(r[0]));
      IGRA_TRY(core::Bytes sub, substring(in->signature_script, r[1], r[2]));
      return push_metered(std::move(sub));
    }
    case top::kOpTxInputDaaScore:
    case top::kOpTxInputIsCoinbase:
    case top::kOpTxInputSpkLen:
    case top::kOpInputCovenantId: {
      if (!tx) return no_tx("UTXO introspection");
      IGRA_TRY(std::int64_t idx, pop_i32());
      IGRA_TRY_VOID(check_index(idx));
      IGRA_TRY(const UtxoEntry* utxo, utxo_at(idx));
      if (code == top::kOpTxInputDaaScore) return push_num(static_cast<std::int64_t>(utxo->block_daa_score));
      if (code == top::kOpTxInputIsCoinbase) return push_num(utxo->is_coinbase ? 1 : 0);
      if (code == top::kOpTxInputSpkLen)
        return push_num(static_cast<std::int64_t>(2 + utxo->script_public_key.script.size()));
      const core::Hash32 id = utxo->covenant_id.value_or(core::Hash32{});
      return push_metered(core::Bytes(id.begin(), id.end()));
    }
    case top::kOpTxInputSpkSubstr: {
      if (!tx) return no_tx("OpTxInputSpkSubstr");
      std::int64_t r[3];
      IGRA_TRY_VOID(pop_i32s(3, r));
      for (auto v : r) IGRA_TRY_VOID(check_index(v));
      IGRA_TRY(const UtxoEntry* utxo, utxo_at(r[0]));
      IGRA_TRY(core::Bytes sub, substring(spk_bytes(utxo->script_public_key), r[1], r[2]));
      return push_metered(std::move(sub));
    }
    case top::kOpTxOutputSpkLen: {
      if (!tx) return no_tx("OpTxOutputSpkLen");
      IGRA_TRY(std::int64_t idx, pop_i32());
      IGRA_TRY_VOID(check_index(idx));
      IGRA_TRY(const TransactionOutput* out, output_at(idx));
      return push_num(static_cast<std::int64_t>(2 + out->script_public_key.script.size()));
    }
    case top::kOpTxOutputSpkSubstr: {
      if (!tx) return no_tx("OpTxOutputSpkSubstr");
      std::int64_t r[3];
      IGRA_TRY_VOID(pop_i32s(3, r));
      for (auto v : r) IGRA_TRY_VOID(check_index(v));
      IGRA_TRY(const TransactionOutput* out, output_at(r[0]));
      IGRA_TRY(core::Bytes sub, substring(spk_bytes(out->script_public_key), r[1], r[2]));
      return push_metered(std::move(sub));
    }
    // Opcodes outside the engine's subset: they need context it does not model (ZK verifiers, covenant bindings,
    // sequencing commitments, keyed hashing over stack data).
    case 0xa6: return unsupported_toccata_opcode(code, "OpZkPrecompile");
    case 0xa7: return unsupported_toccata_opcode(code, "OpBlake2bWithKey");
    case 0xcb: return unsupported_toccata_opcode(code, "OpAuthOutputCount");
    case 0xcc: return unsupported_toccata_opcode(code, "OpAuthOutputIdx");
    case 0xd0: return unsupported_toccata_opcode(code, "OpCovInputCount");
    case 0xd1: return unsupported_toccata_opcode(code, "OpCovInputIdx");
    case 0xd2: return unsupported_toccata_opcode(code, "OpCovOutputCount");
    case 0xd3: return unsupported_toccata_opcode(code, "OpCovOutputIdx");
    case 0xd4: return unsupported_toccata_opcode(code, "OpChainblockSeqCommit");
    case 0xd5: return unsupported_toccata_opcode(code, "OpOutputCovenantId");
    case 0xd6: return unsupported_toccata_opcode(code, "OpOutputAuthorizingInput");
    case 0xd7: return unsupported_toccata_opcode(code, "OpCheckSigFromStack");
    case 0xd8: return unsupported_toccata_opcode(code, "OpCheckSigFromStackECDSA");
    case 0xd9: return unsupported_toccata_opcode(code, "OpBlake3");
    case 0xda: return unsupported_toccata_opcode(code, "OpBlake3WithKey");
    default:
      break;
  }
  handled = false;
  return {};
}

// --- Signatures ------------------------------------------------------------------------------------------

core::Result<void> ScriptEngine::consume_sig_op() {
  if (toccata()) {
    // runtime_resource_meter.rs consume_sig_op_cost(1): 100,000 script units, before the check.
    IGRA_TRY_VOID(consume_script_units(kScriptUnitsPerSigOp));
  } else {
    if (sig_op_remaining_ == 0)
      return script_error("ExceededSigOpLimit",
                          "sig op count exceeds passed limit of " + std::to_string(sig_op_limit_));
    --sig_op_remaining_;
  }
  if (used_sig_ops_ < std::numeric_limits<std::uint16_t>::max()) ++used_sig_ops_;
  return {};
}

core::Result<bool> ScriptEngine::check_schnorr(SigHashType type, core::ByteView key, core::ByteView sig) {
  if (toccata()) {
    // lib.rs @HEAD check_schnorr_signature(_with_msg_hash): NotATransactionInput first, then the sig-op cost, then
    // the key (any length other than 32 or an x not on the curve: InvalidPubkey), then the signature length.
    if (!cache_) return script_error("NotATransactionInput", "Engine is not running on a transaction input");
    IGRA_TRY_VOID(consume_sig_op());
    if (!crypto::is_valid_xonly_public_key(key))
      return script_error("InvalidPubkey", "pubkey invalid: malformed public key (" + std::to_string(key.size()) +
                                               " bytes)");
    if (sig.size() != 64)
      return script_error("InvalidSignature", "signature invalid: malformed signature (" +
                                                  std::to_string(sig.size()) + " bytes)");
  } else {
    // lib.rs @v1.1.0: sig-op first, then signature length, key length, key validity.
    IGRA_TRY_VOID(consume_sig_op());
    if (!cache_) return script_error("NotATransactionInput", "Engine is not running on a transaction input");
    if (sig.size() != 64) return script_error("SigLength", "invalid signature length " + std::to_string(sig.size()));
    if (key.size() != 32)
      return script_error("PubKeyFormat", "unsupported public key type (" + std::to_string(key.size()) +
                                              " bytes, Schnorr keys are 32)");
    if (!crypto::is_valid_xonly_public_key(key))
      return script_error("InvalidSignature", "signature invalid: malformed public key");
  }
  auto hash = cache_->schnorr(input_index_, type);
  if (!hash) return core::Error(core::ErrorCode::kVerifyFailed, hash.error().message);
  return crypto::schnorr_verify(*hash, crypto::Signature64::from_view(sig), crypto::XOnlyPublicKey::from_view(key));
}

core::Result<bool> ScriptEngine::check_ecdsa(SigHashType type, core::ByteView key, core::ByteView sig) {
  if (toccata()) {
    // lib.rs @HEAD check_ecdsa_signature(_with_msg_hash): NotATransactionInput, sig-op cost, key length
    // (PubKeyFormat), key validity (InvalidPubkey), compact signature (InvalidSignature: length or r/s >= n).
    if (!cache_) return script_error("NotATransactionInput", "Engine is not running on a transaction input");
    IGRA_TRY_VOID(consume_sig_op());
    if (key.size() != 33)
      return script_error("PubKeyFormat", "unsupported public key type (" + std::to_string(key.size()) +
                                              " bytes, ECDSA keys are 33)");
    if (!crypto::is_valid_compressed_public_key(key))
      return script_error("InvalidPubkey", "pubkey invalid: malformed public key");
    if (!crypto::is_valid_ecdsa_compact_signature(sig))
      return script_error("InvalidSignature", "signature invalid: malformed signature (" +
                                                  std::to_string(sig.size()) + " bytes)");
  } else {
    IGRA_TRY_VOID(consume_sig_op());
    if (!cache_) return script_error("NotATransactionInput", "Engine is not running on a transaction input");
    if (sig.size() != 64) return script_error("SigLength", "invalid signature length " + std::to_string(sig.size()));
    if (key.size() != 33)
      return script_error("PubKeyFormat", "unsupported public key type (" + std::to_string(key.size()) +
                                              " bytes, ECDSA keys are 33)");
    if (!crypto::is_valid_compressed_public_key(key))
      return script_error("InvalidSignature", "signature invalid: malformed public key");
    if (!crypto::is_valid_ecdsa_compact_signature(sig))
      return script_error("InvalidSignature", "signature invalid: malformed signature");
  }
  auto hash = cache_->ecdsa(input_index_, type);
  if (!hash) return core::Error(core::ErrorCode::kVerifyFailed, hash.error().message);
  return crypto::ecdsa_verify_compact(*hash, crypto::Signature64::from_view(sig),
                                      crypto::CompressedPublicKey::from_view(key));
}

core::Result<void> ScriptEngine::op_check_sig(bool ecdsa) {
  IGRA_TRY_VOID(require(2));
  core::Bytes key = std::move(dstack_.back());
  dstack_.pop_back();
  core::Bytes sig = std::move(dstack_.back());
  dstack_.pop_back();
  if (sig.empty()) return push_bool(false);
  const std::uint8_t typ = sig.back();
  sig.pop_back();
  auto type = sighash_type_from_u8(typ);
  if (!type) return script_error("InvalidSigHashType", "invalid hash type " + core::to_hex(core::ByteView(&typ, 1), true));
  IGRA_TRY(bool valid, ecdsa ? check_ecdsa(*type, key, sig) : check_schnorr(*type, key, sig));
  return push_bool(valid);
}

core::Result<void> ScriptEngine::op_check_multisig(bool ecdsa) {
  IGRA_TRY(std::int64_t num_keys, pop_i32());
  if (num_keys < 0)
    return script_error("InvalidPubKeyCount", "number of pubkeys " + std::to_string(num_keys) + " is negative");
  if (num_keys > static_cast<std::int64_t>(kMaxPubKeysPerMultisig))
    return script_error("InvalidPubKeyCount", "too many pubkeys " + std::to_string(num_keys) + " > " +
                                                  std::to_string(kMaxPubKeysPerMultisig));
  num_ops_ += static_cast<int>(num_keys);
  const int max_ops = toccata() ? kToccataMaxOpsPerScript : kMaxOpsPerScript;
  if (num_ops_ > max_ops)
    return script_error("TooManyOperations", "exceeded max operation limit of " + std::to_string(max_ops));
  const auto nk = static_cast<std::size_t>(num_keys);
  IGRA_TRY_VOID(require(nk));
  std::vector<core::Bytes> keys(std::make_move_iterator(dstack_.end() - static_cast<std::ptrdiff_t>(nk)),
                                std::make_move_iterator(dstack_.end()));
  dstack_.resize(dstack_.size() - nk);

  IGRA_TRY(std::int64_t num_sigs, pop_i32());
  if (num_sigs < 0)
    return script_error("InvalidSignatureCount", "number of signatures " + std::to_string(num_sigs) + " is negative");
  if (num_sigs > num_keys)
    return script_error("InvalidSignatureCount", "more signatures than pubkeys " + std::to_string(num_sigs) + " > " +
                                                     std::to_string(num_keys));
  const auto ns = static_cast<std::size_t>(num_sigs);
  IGRA_TRY_VOID(require(ns));
  std::vector<core::Bytes> sigs(std::make_move_iterator(dstack_.end() - static_cast<std::ptrdiff_t>(ns)),
                                std::make_move_iterator(dstack_.end()));
  dstack_.resize(dstack_.size() - ns);

  bool failed = false;
  std::size_t key_index = 0;
  for (std::size_t sig_index = 0; sig_index < ns && !failed; ++sig_index) {
    const core::Bytes& full = sigs[sig_index];
    if (full.empty()) {
      failed = true;
      break;
    }
    const std::uint8_t typ = full.back();
    auto type = sighash_type_from_u8(typ);
    if (!type)
      return script_error("InvalidSigHashType", "invalid hash type " + core::to_hex(core::ByteView(&typ, 1), true));
    const core::ByteView sig(full.data(), full.size() - 1);
    // Keys are consumed in order; each attempt costs one sig-op.
    while (true) {
      if (nk - key_index < ns - sig_index) {
        failed = true;
        break;
      }
      const core::Bytes& key = keys[key_index++];
      IGRA_TRY(bool valid, ecdsa ? check_ecdsa(*type, key, sig) : check_schnorr(*type, key, sig));
      if (valid) break;
    }
  }
  if (failed && std::any_of(sigs.begin(), sigs.end(), [](const core::Bytes& s) { return !s.empty(); }))
    return script_error("NullFail", "not all signatures empty on failed checkmultisig");
  return push_bool(!failed);
}

core::Result<void> ScriptEngine::op_check_lock_time_verify() {
  if (!cache_) return script_error("InvalidSource", "LockTimeVerify only applies to transaction inputs");
  IGRA_TRY(core::Bytes operand, pop_raw());
  if (operand.size() > 8)
    return script_error("NumberTooBig", "lockTime value represented as " + core::to_hex(operand) +
                                            " is longer then 8 bytes");
  const std::uint64_t stack_lock_time = read_u64_operand(operand);
  const Transaction& tx = cache_->transaction();
  const bool tx_daa = tx.lock_time < kLockTimeThreshold;
  const bool stack_daa = stack_lock_time < kLockTimeThreshold;
  if (tx_daa != stack_daa)
    return script_error("UnsatisfiedLockTime", "mismatched locktime types -- tx locktime " + std::to_string(tx.lock_time) +
                                                   ", stack locktime " + std::to_string(stack_lock_time));
  if (stack_lock_time > tx.lock_time)
    return script_error("UnsatisfiedLockTime",
                        "locktime requirement not satisfied -- locktime is greater than the transaction locktime: " +
                            std::to_string(stack_lock_time) + " > " + std::to_string(tx.lock_time));
  if (tx.inputs[input_index_].sequence == kMaxTxInSequenceNum)
    return script_error("UnsatisfiedLockTime", "transaction input is finalized");
  return {};
}

core::Result<void> ScriptEngine::op_check_sequence_verify() {
  if (!cache_) return script_error("InvalidSource", "LockTimeVerify only applies to transaction inputs");
  IGRA_TRY(core::Bytes operand, pop_raw());
  if (operand.size() > 8)
    return script_error("NumberTooBig", "lockTime value represented as " + core::to_hex(operand) +
                                            " is longer then 8 bytes");
  const std::uint64_t stack_sequence = read_u64_operand(operand);
  if (stack_sequence & kSequenceLockTimeDisabled) return {};
  const std::uint64_t sequence = cache_->transaction().inputs[input_index_].sequence;
  if (sequence & kSequenceLockTimeDisabled)
    return script_error("UnsatisfiedLockTime",
                        "transaction sequence has sequence locktime disabled bit set: " + std::to_string(sequence));
  if ((stack_sequence & kSequenceLockTimeMask) > (sequence & kSequenceLockTimeMask))
    return script_error("UnsatisfiedLockTime",
                        "locktime requirement not satisfied -- locktime is greater than the transaction locktime: " +
                            std::to_string(stack_sequence & kSequenceLockTimeMask) + " > " +
                            std::to_string(sequence & kSequenceLockTimeMask));
  return {};
}

// --- Free functions --------------------------------------------------------------------------------------

core::Result<void> verify_input(const Transaction& tx, std::span<const UtxoEntry> utxos, std::size_t input_index) {
  SigHashCache cache(tx, utxos);
  ScriptEngine engine(cache, input_index);
  return engine.execute();
}

core::Result<void> verify_transaction_scripts(const Transaction& tx, std::span<const UtxoEntry> utxos) {
  if (utxos.size() != tx.inputs.size())
    return core::make_error("verify: " + std::to_string(tx.inputs.size()) + " inputs but " +
                            std::to_string(utxos.size()) + " UTXO entries");
  SigHashCache cache(tx, utxos);
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    ScriptEngine engine(cache, i);
    auto r = engine.execute();
    if (!r) return r.error().context("input " + std::to_string(i));
  }
  return {};
}

bool is_final(const Transaction& tx, std::uint64_t daa_score, std::uint64_t past_median_time_ms) noexcept {
  if (tx.lock_time == 0) return true;
  const std::uint64_t ctx = tx.lock_time < kLockTimeThreshold ? daa_score : past_median_time_ms;
  if (tx.lock_time < ctx) return true;
  for (const auto& in : tx.inputs)
    if (in.sequence != kMaxTxInSequenceNum) return false;
  return true;
}

}  // namespace igra::kaspa
