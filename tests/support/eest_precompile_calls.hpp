#pragma once
// Extracts precompile input/expectation pairs from EEST state-test fixtures, so that precompile unit tests can
// check against them without an EVM. The EEST precompile tests send the input as transaction data to a small
// contract that copies it to memory, calls the precompile and records the outcome in storage:
//
//   CALLDATACOPY(0, 0, CALLDATASIZE)
//   CALLx(gas, address, [value 0,] 0, CALLDATASIZE, 0, ret_size)   (CALL, CALLCODE, DELEGATECALL, STATICCALL)
//   ... SSTORE(0, success) and further slots, depending on the suite
//
// Only contracts that start with exactly that shape are used (others are skipped); the rest of the code is left to
// the caller, who knows which slots its suite writes. Header-only (used by a few layer test binaries).
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bytes.hpp"
#include "core/hex.hpp"
#include "support/testing.hpp"

namespace igra::testing {

struct EestPrecompileCall {
  std::string name;            // fixture test name, fork and data index
  std::uint8_t address = 0;    // precompile address (low byte)
  std::uint64_t gas = 0;       // gas the contract forwards to the precompile
  std::size_t ret_size = 0;    // return-buffer size given to the call
  core::Bytes input;           // the call's input (the transaction data)
  core::Bytes code_tail;       // contract code after the CALL opcode
  std::map<std::uint64_t, core::Bytes> storage;  // post-state storage of the contract (slot -> 32-byte value)

  // A storage slot as a 32-byte big-endian word (absent slots are zero).
  core::Bytes slot(std::uint64_t key) const {
    auto it = storage.find(key);
    return it == storage.end() ? core::Bytes(32, 0) : it->second;
  }
  std::uint64_t slot_u64(std::uint64_t key) const {
    const core::Bytes w = slot(key);
    std::uint64_t v = 0;
    for (std::size_t i = 24; i < 32; ++i) v = (v << 8) | w[i];
    return v;
  }
};

namespace eest_detail {

struct Op {
  std::uint8_t op = 0;
  core::Bytes imm;
  std::size_t end = 0;  // offset after this instruction
};

inline std::vector<Op> disassemble(const core::Bytes& code) {
  std::vector<Op> ops;
  for (std::size_t pc = 0; pc < code.size();) {
    Op o;
    o.op = code[pc++];
    if (o.op >= 0x60 && o.op <= 0x7f) {
      const std::size_t n = o.op - 0x5f;
      if (pc + n > code.size()) break;
      o.imm.assign(code.begin() + static_cast<std::ptrdiff_t>(pc), code.begin() + static_cast<std::ptrdiff_t>(pc + n));
      pc += n;
    }
    o.end = pc;
    ops.push_back(std::move(o));
  }
  return ops;
}

inline std::uint64_t imm_u64(const Op& o) {
  std::uint64_t v = 0;
  for (auto b : o.imm) v = (v << 8) | b;
  return v;
}

inline bool is_push(const Op& o) { return o.op >= 0x60 && o.op <= 0x7f && o.imm.size() <= 8; }
inline bool is_push_value(const Op& o, std::uint64_t v) { return is_push(o) && imm_u64(o) == v; }

inline core::Bytes word(const std::string& hex) {
  core::Bytes v = core::hex_or_die(hex.size() % 2 ? "0" + hex.substr(2) : hex.substr(2));
  core::Bytes w(32, 0);
  if (v.size() <= 32) std::copy(v.begin(), v.end(), w.end() - static_cast<std::ptrdiff_t>(v.size()));
  return w;
}

inline std::uint64_t hex_u64(const std::string& hex) { return std::stoull(hex, nullptr, 16); }

// Matches the call shape described above; on success fills address, gas, ret_size and code_tail.
inline bool match_call_shape(const core::Bytes& code, EestPrecompileCall& out) {
  const auto ops = disassemble(code);
  std::size_t i = 0;
  auto next = [&](auto pred) { return i < ops.size() && pred(ops[i]) ? (++i, true) : false; };
  auto op_is = [](std::uint8_t v) { return [v](const Op& o) { return o.op == v; }; };
  auto push_is = [](std::uint64_t v) { return [v](const Op& o) { return is_push_value(o, v); }; };
  auto any_push = [](const Op& o) { return is_push(o); };
  if (!(next(op_is(0x36)) && next(push_is(0)) && next(push_is(0)) && next(op_is(0x37)))) return false;
  if (i >= ops.size() || !is_push(ops[i])) return false;
  out.ret_size = imm_u64(ops[i++]);
  if (!(next(push_is(0)) && next(op_is(0x36)) && next(push_is(0)))) return false;
  // Then either [value, address, gas, CALL/CALLCODE] or [address, gas, DELEGATECALL/STATICCALL].
  std::vector<std::uint64_t> pushes;
  while (i < ops.size() && any_push(ops[i])) pushes.push_back(imm_u64(ops[i++]));
  if (i >= ops.size()) return false;
  const std::uint8_t call = ops[i].op;
  const bool with_value = call == 0xf1 || call == 0xf2;
  const bool without_value = call == 0xf4 || call == 0xfa;
  if (!(with_value && pushes.size() == 3 && pushes[0] == 0) && !(without_value && pushes.size() == 2)) return false;
  out.address = static_cast<std::uint8_t>(pushes[pushes.size() - 2]);
  if (pushes[pushes.size() - 2] > 0xff) return false;
  out.gas = pushes.back();
  out.code_tail.assign(code.begin() + static_cast<std::ptrdiff_t>(ops[i].end), code.end());
  return true;
}

}  // namespace eest_detail

// All calls to precompile `address` found in the state-test JSON files of `dir` (one per post-state entry of the
// given forks).
inline std::vector<EestPrecompileCall> eest_precompile_calls(const std::filesystem::path& dir, std::uint8_t address,
                                                             const std::vector<std::string>& forks) {
  std::vector<EestPrecompileCall> calls;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const nlohmann::json doc = load_json(file);
    for (const auto& [test_name, test] : doc.items()) {
      const auto& tx = test["transaction"];
      if (!tx.contains("to") || !tx["to"].is_string()) continue;
      const std::string to = tx["to"];
      if (!test["pre"].contains(to)) continue;
      EestPrecompileCall shape;
      const core::Bytes code = core::hex_or_die(test["pre"][to]["code"].get<std::string>());
      if (!eest_detail::match_call_shape(code, shape) || shape.address != address) continue;
      for (const auto& fork : forks) {
        if (!test["post"].contains(fork)) continue;
        for (const auto& post : test["post"][fork]) {
          const std::size_t d = post["indexes"]["data"];
          EestPrecompileCall c = shape;
          c.name = file.filename().string() + ": " + test_name + " [" + fork + " data " + std::to_string(d) + "]";
          c.input = core::hex_or_die(tx["data"][d].get<std::string>());
          if (post["state"].contains(to)) {
            for (const auto& [k, v] : post["state"][to]["storage"].items()) {
              c.storage[eest_detail::hex_u64(k)] = eest_detail::word(v.get<std::string>());
            }
          }
          calls.push_back(std::move(c));
        }
        break;  // one fork is enough: the precompiles are the same in the later ones
      }
    }
  }
  return calls;
}

}  // namespace igra::testing
