#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "evm/evm.hpp"
#include "evm/instructions.hpp"

namespace igra::evm {

namespace {

// Tables must agree between revisions for the analysis (cached per code, not per revision) to be valid.
consteval bool tables_agree() {
  for (std::size_t op = 0; op < 256; ++op) {
    const OpInfo& a = kTables[0][op];
    const OpInfo& b = kTables[1][op];
    if (a.gas != b.gas || a.req != b.req || a.change != b.change || a.defined != b.defined) return false;
  }
  return true;
}
static_assert(tables_agree(), "per-revision instruction tables differ: make the block analysis per revision");

// Instructions that end a basic block for gas accounting (see BlockCost).
constexpr bool ends_block(std::uint8_t op, const OpInfo& info) {
  switch (op) {
    case 0x00: case 0x56: case 0x57: case 0xf3: case 0xfd: case 0xff:  // leave the block
    case 0x5a: case 0x55:                                              // GAS, SSTORE: read the gas left
    case 0xf0: case 0xf1: case 0xf2: case 0xf4: case 0xf5: case 0xfa:  // calls and creates
      return true;
    default:
      return !info.defined;
  }
}

constexpr int kClamp = 2048;

}  // namespace

std::shared_ptr<const CodeAnalysis> analyze(ByteView code) {
  auto a = std::make_shared<CodeAnalysis>();
  a->size = code.size();
  // 33 zero bytes: a PUSH32 at the very end reads zeros, and the byte after it is STOP, so the interpreter
  // needs no bounds checks on pc.
  a->padded.reserve(code.size() + 33);
  a->padded.assign(code.begin(), code.end());
  a->padded.insert(a->padded.end(), 33, 0);
  a->jumpdest.assign(code.size(), 0);
  std::vector<std::uint32_t> starts;  // instruction starts, in order
  starts.reserve(code.size());
  for (std::size_t i = 0; i < code.size(); ++i) {
    const std::uint8_t op = code[i];
    starts.push_back(static_cast<std::uint32_t>(i));
    if (op == 0x5b)
      a->jumpdest[i] = 1;
    else if (op >= 0x60 && op <= 0x7f)
      i += op - 0x5f;
  }
  // Block costs, from the end backwards: the implicit STOP after the code costs nothing.
  const OpTable& table = kTables[0];
  a->blocks.assign(code.size() + 1, BlockCost{});
  std::size_t next = code.size();
  for (std::size_t k = starts.size(); k-- > 0;) {
    const std::size_t pc = starts[k];
    const std::uint8_t op = code[pc];
    const OpInfo& info = table[op];
    const int gas = info.defined ? info.gas : 0;
    const int req = info.defined ? info.req : 0;
    const int change = info.defined ? info.change : 0;
    BlockCost& b = a->blocks[pc];
    if (ends_block(op, info)) {
      b.gas = gas;
      b.stack_req = static_cast<std::int16_t>(req);
      b.stack_grow = static_cast<std::int16_t>(std::max(0, change));
    } else {
      const BlockCost& n = a->blocks[next];
      b.gas = n.gas == kBlockGasSaturated || gas > kBlockGasSaturated - 1 - n.gas ? kBlockGasSaturated : gas + n.gas;
      b.stack_req = static_cast<std::int16_t>(std::min(kClamp, std::max(req, n.stack_req - change)));
      b.stack_grow = static_cast<std::int16_t>(std::min(kClamp, std::max(0, change + n.stack_grow)));
    }
    next = pc;
  }
  return a;
}

std::int64_t block_gas_exact(const CodeAnalysis& code, std::size_t pc) noexcept {
  const OpTable& table = kTables[0];
  std::int64_t sum = 0;
  while (pc < code.size) {
    const std::uint8_t op = code.padded[pc];
    const OpInfo& info = table[op];
    if (info.defined) sum += info.gas;
    if (ends_block(op, info)) break;
    pc += op >= 0x60 && op <= 0x7f ? op - 0x5f + 1 : 1;
  }
  return sum;
}

bool is_delegation(ByteView code) noexcept {
  return code.size() == 23 && code[0] == 0xef && code[1] == 0x01 && code[2] == 0x00;
}

Address20 delegation_target(ByteView code) noexcept { return Address20::from_view(code.subspan(3, 20)); }

Address20 create_address(const Address20& sender, std::uint64_t nonce) {
  core::RlpEncoder e;
  auto l = e.begin_list();
  e.add_bytes(sender);
  e.add_uint(nonce);
  e.end_list(l);
  const Bytes enc = std::move(e).finish();
  const Hash32 h = core::keccak256(enc);
  return Address20::from_view(ByteView(h.data() + 12, 20));
}

Address20 create2_address(const Address20& sender, const Hash32& salt, ByteView initcode) {
  std::uint8_t buf[85];
  buf[0] = 0xff;
  std::copy(sender.begin(), sender.end(), buf + 1);
  std::copy(salt.begin(), salt.end(), buf + 21);
  const Hash32 ch = core::keccak256(initcode);
  std::copy(ch.begin(), ch.end(), buf + 53);
  const Hash32 h = core::keccak256(ByteView(buf, 85));
  return Address20::from_view(ByteView(h.data() + 12, 20));
}

}  // namespace igra::evm
