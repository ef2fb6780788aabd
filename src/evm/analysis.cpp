#include <cstring>
#include <unordered_map>

#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "evm/evm.hpp"

namespace igra::evm {

std::shared_ptr<const CodeAnalysis> analyze(ByteView code) {
  auto a = std::make_shared<CodeAnalysis>();
  a->size = code.size();
  // 33 zero bytes: a PUSH32 at the very end reads zeros, and the byte after it is STOP, so the interpreter
  // needs no bounds checks on pc.
  a->padded.reserve(code.size() + 33);
  a->padded.assign(code.begin(), code.end());
  a->padded.insert(a->padded.end(), 33, 0);
  a->jumpdest.assign(code.size(), 0);
  for (std::size_t i = 0; i < code.size(); ++i) {
    const std::uint8_t op = code[i];
    if (op == 0x5b)
      a->jumpdest[i] = 1;
    else if (op >= 0x60 && op <= 0x7f)
      i += op - 0x5f;
  }
  return a;
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
