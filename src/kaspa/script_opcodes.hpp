#pragma once
// Kaspa script opcodes (rusty-kaspa crypto/txscript/src/opcodes/mod.rs @v1.1.0) and the wire format of one
// instruction (opcode byte + optional pushed data).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::kaspa::opcodes {

// Pushes.
inline constexpr std::uint8_t kOp0 = 0x00;  // OP_FALSE: pushes an empty element
inline constexpr std::uint8_t kOpFalse = 0x00;
inline constexpr std::uint8_t kOpData1 = 0x01;  // OP_DATA_n = n, n in 1..75
inline constexpr std::uint8_t kOpData32 = 0x20;
inline constexpr std::uint8_t kOpData33 = 0x21;
inline constexpr std::uint8_t kOpData65 = 0x41;
inline constexpr std::uint8_t kOpData75 = 0x4b;
inline constexpr std::uint8_t kOpPushData1 = 0x4c;
inline constexpr std::uint8_t kOpPushData2 = 0x4d;
inline constexpr std::uint8_t kOpPushData4 = 0x4e;
inline constexpr std::uint8_t kOp1Negate = 0x4f;
inline constexpr std::uint8_t kOpReserved = 0x50;
inline constexpr std::uint8_t kOp1 = 0x51;  // OP_TRUE; OP_n = 0x50 + n for n in 1..16
inline constexpr std::uint8_t kOpTrue = 0x51;
inline constexpr std::uint8_t kOp16 = 0x60;

// Flow control.
inline constexpr std::uint8_t kOpNop = 0x61;
inline constexpr std::uint8_t kOpVer = 0x62;
inline constexpr std::uint8_t kOpIf = 0x63;
inline constexpr std::uint8_t kOpNotIf = 0x64;
inline constexpr std::uint8_t kOpVerIf = 0x65;
inline constexpr std::uint8_t kOpVerNotIf = 0x66;
inline constexpr std::uint8_t kOpElse = 0x67;
inline constexpr std::uint8_t kOpEndIf = 0x68;
inline constexpr std::uint8_t kOpVerify = 0x69;
inline constexpr std::uint8_t kOpReturn = 0x6a;

// Stack.
inline constexpr std::uint8_t kOpToAltStack = 0x6b;
inline constexpr std::uint8_t kOpFromAltStack = 0x6c;
inline constexpr std::uint8_t kOp2Drop = 0x6d;
inline constexpr std::uint8_t kOp2Dup = 0x6e;
inline constexpr std::uint8_t kOp3Dup = 0x6f;
inline constexpr std::uint8_t kOp2Over = 0x70;
inline constexpr std::uint8_t kOp2Rot = 0x71;
inline constexpr std::uint8_t kOp2Swap = 0x72;
inline constexpr std::uint8_t kOpIfDup = 0x73;
inline constexpr std::uint8_t kOpDepth = 0x74;
inline constexpr std::uint8_t kOpDrop = 0x75;
inline constexpr std::uint8_t kOpDup = 0x76;
inline constexpr std::uint8_t kOpNip = 0x77;
inline constexpr std::uint8_t kOpOver = 0x78;
inline constexpr std::uint8_t kOpPick = 0x79;
inline constexpr std::uint8_t kOpRoll = 0x7a;
inline constexpr std::uint8_t kOpRot = 0x7b;
inline constexpr std::uint8_t kOpSwap = 0x7c;
inline constexpr std::uint8_t kOpTuck = 0x7d;

// Splice and bitwise (most disabled before Toccata).
inline constexpr std::uint8_t kOpCat = 0x7e;
inline constexpr std::uint8_t kOpSubStr = 0x7f;
inline constexpr std::uint8_t kOpLeft = 0x80;
inline constexpr std::uint8_t kOpRight = 0x81;
inline constexpr std::uint8_t kOpSize = 0x82;
inline constexpr std::uint8_t kOpInvert = 0x83;
inline constexpr std::uint8_t kOpAnd = 0x84;
inline constexpr std::uint8_t kOpOr = 0x85;
inline constexpr std::uint8_t kOpXor = 0x86;
inline constexpr std::uint8_t kOpEqual = 0x87;
inline constexpr std::uint8_t kOpEqualVerify = 0x88;
inline constexpr std::uint8_t kOpReserved1 = 0x89;
inline constexpr std::uint8_t kOpReserved2 = 0x8a;

// Arithmetic.
inline constexpr std::uint8_t kOp1Add = 0x8b;
inline constexpr std::uint8_t kOp1Sub = 0x8c;
inline constexpr std::uint8_t kOp2Mul = 0x8d;
inline constexpr std::uint8_t kOp2Div = 0x8e;
inline constexpr std::uint8_t kOpNegate = 0x8f;
inline constexpr std::uint8_t kOpAbs = 0x90;
inline constexpr std::uint8_t kOpNot = 0x91;
inline constexpr std::uint8_t kOp0NotEqual = 0x92;
inline constexpr std::uint8_t kOpAdd = 0x93;
inline constexpr std::uint8_t kOpSub = 0x94;
inline constexpr std::uint8_t kOpMul = 0x95;
inline constexpr std::uint8_t kOpDiv = 0x96;
inline constexpr std::uint8_t kOpMod = 0x97;
inline constexpr std::uint8_t kOpLShift = 0x98;
inline constexpr std::uint8_t kOpRShift = 0x99;
inline constexpr std::uint8_t kOpBoolAnd = 0x9a;
inline constexpr std::uint8_t kOpBoolOr = 0x9b;
inline constexpr std::uint8_t kOpNumEqual = 0x9c;
inline constexpr std::uint8_t kOpNumEqualVerify = 0x9d;
inline constexpr std::uint8_t kOpNumNotEqual = 0x9e;
inline constexpr std::uint8_t kOpLessThan = 0x9f;
inline constexpr std::uint8_t kOpGreaterThan = 0xa0;
inline constexpr std::uint8_t kOpLessThanOrEqual = 0xa1;
inline constexpr std::uint8_t kOpGreaterThanOrEqual = 0xa2;
inline constexpr std::uint8_t kOpMin = 0xa3;
inline constexpr std::uint8_t kOpMax = 0xa4;
inline constexpr std::uint8_t kOpWithin = 0xa5;

// Crypto.
inline constexpr std::uint8_t kOpSha256 = 0xa8;
inline constexpr std::uint8_t kOpCheckMultiSigEcdsa = 0xa9;
inline constexpr std::uint8_t kOpBlake2b = 0xaa;
inline constexpr std::uint8_t kOpCheckSigEcdsa = 0xab;
inline constexpr std::uint8_t kOpCheckSig = 0xac;
inline constexpr std::uint8_t kOpCheckSigVerify = 0xad;
inline constexpr std::uint8_t kOpCheckMultiSig = 0xae;
inline constexpr std::uint8_t kOpCheckMultiSigVerify = 0xaf;

// Locks.
inline constexpr std::uint8_t kOpCheckLockTimeVerify = 0xb0;
inline constexpr std::uint8_t kOpCheckSequenceVerify = 0xb1;

// KIP-10 introspection (Crescendo). Only the ones enabled at v1.1.0 are named; the others in b2..c3 are reserved.
inline constexpr std::uint8_t kOpTxInputCount = 0xb3;
inline constexpr std::uint8_t kOpTxOutputCount = 0xb4;
inline constexpr std::uint8_t kOpTxInputIndex = 0xb9;
inline constexpr std::uint8_t kOpTxInputAmount = 0xbe;
inline constexpr std::uint8_t kOpTxInputSpk = 0xbf;
inline constexpr std::uint8_t kOpTxOutputAmount = 0xc2;
inline constexpr std::uint8_t kOpTxOutputSpk = 0xc3;

// OP_1..OP_16 for n in 1..16.
constexpr std::uint8_t small_int_opcode(int n) noexcept { return static_cast<std::uint8_t>(kOp1 - 1 + n); }

// Opcodes 0x00..0x60 (including OP_RESERVED) are "push" opcodes: they cost no operation and are the only ones
// allowed in a signature script.
constexpr bool is_push_opcode(std::uint8_t op) noexcept { return op <= kOp16; }
constexpr bool is_conditional_opcode(std::uint8_t op) noexcept { return op >= kOpIf && op <= kOpEndIf; }
// Disabled at v1.1.0 (an error even inside a non-executed branch).
constexpr bool is_disabled_opcode(std::uint8_t op) noexcept {
  switch (op) {
    case kOpCat: case kOpSubStr: case kOpLeft: case kOpRight: case kOpInvert: case kOpAnd: case kOpOr:
    case kOpXor: case kOp2Mul: case kOp2Div: case kOpMul: case kOpDiv: case kOpMod: case kOpLShift:
    case kOpRShift:
      return true;
    default:
      return false;
  }
}
// Always illegal, even when not executed.
constexpr bool is_always_illegal_opcode(std::uint8_t op) noexcept { return op == kOpVerIf || op == kOpVerNotIf; }

// One decoded instruction: the opcode and, for push opcodes 0x01..0x4e, the pushed bytes (a view into the script).
struct Instruction {
  std::uint8_t opcode = 0;
  core::ByteView data;
  std::size_t offset = 0;  // position of the opcode byte in the script
};

// Decodes the instruction at `pos` and advances `pos` past it. Truncated pushes are errors named like
// rusty-kaspa's TxScriptError: "MalformedPush" (data shorter than announced) and "MalformedPushSize" (the
// PUSHDATA length field itself is truncated).
inline core::Result<Instruction> read_instruction(core::ByteView script, std::size_t& pos) {
  Instruction ins;
  ins.offset = pos;
  if (pos >= script.size()) return core::make_error("script: read past end of script");
  ins.opcode = script[pos++];
  std::size_t len = 0;
  const std::size_t remaining = script.size() - pos;
  if (ins.opcode >= kOpData1 && ins.opcode <= kOpData75) {
    len = ins.opcode;
  } else if (ins.opcode >= kOpPushData1 && ins.opcode <= kOpPushData4) {
    const std::size_t width = ins.opcode == kOpPushData1 ? 1 : ins.opcode == kOpPushData2 ? 2 : 4;
    if (remaining < width)
      return core::make_error("MalformedPushSize: opcode 0x" + std::string(1, "0123456789abcdef"[ins.opcode >> 4]) +
                              std::string(1, "0123456789abcdef"[ins.opcode & 15]) + " at offset " +
                              std::to_string(ins.offset) + " needs a " + std::to_string(width) +
                              "-byte length, script has " + std::to_string(remaining) + " bytes left");
    for (std::size_t i = 0; i < width; ++i) len |= static_cast<std::size_t>(script[pos + i]) << (8 * i);
    pos += width;
  } else {
    return ins;
  }
  const std::size_t left = script.size() - pos;
  if (left < len)
    return core::make_error("MalformedPush: opcode at offset " + std::to_string(ins.offset) + " requires " +
                            std::to_string(len) + " bytes, but script only has " + std::to_string(left) +
                            " remaining");
  ins.data = script.subspan(pos, len);
  pos += len;
  return ins;
}

}  // namespace igra::kaspa::opcodes
