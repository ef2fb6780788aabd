#pragma once
// Internal to src/evm: the per-revision instruction table (static gas and stack requirements), shared by the
// interpreter (evm.cpp) and the code analysis (analysis.cpp), which sums it per basic block.
#include <array>
#include <cstdint>

#include "evm/evm.hpp"

namespace igra::evm {

inline constexpr int kStackLimit = 1024;

// ---- per-revision instruction table: static gas and stack requirements (checked per instruction when
// tracing, summed per basic block by analyze() otherwise) ----
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

inline constexpr std::array<OpTable, kNumRevisions> kTables = {make_table(Revision::kCancun), make_table(Revision::kPrague)};


}  // namespace igra::evm
