// libFuzzer target: random bytecode run by the EVM with bounded gas. The first input byte picks the revision
// and the gas budget; the rest is the code of the called contract, which is also deployed at a second address
// so CALL/DELEGATECALL/CREATE paths get exercised. Invariants: no crash, gas_left within [0, gas], a failed
// top-level call leaves the state exactly as before (journal revert), and finalize_transaction never throws.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "evm/evm.hpp"
#include "evm/state.hpp"

namespace {

using namespace igra;

evm::Address20 make_addr(std::uint8_t b) {
  evm::Address20 a;
  a[0] = 0xf0;
  a[19] = b;
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t ctl = data[0];
  const evm::Revision rev = (ctl & 1) ? evm::Revision::kPrague : evm::Revision::kCancun;
  const std::int64_t gas = 10'000 + static_cast<std::int64_t>(ctl >> 1) * 20'000;  // at most ~2.5M
  const core::Bytes code(data + 1, data + size);

  const evm::Address20 sender = make_addr(1), contract = make_addr(2), other = make_addr(3);
  evm::InMemoryState pre;
  pre.set_account(sender, 1, core::uint256(1'000'000'000), {}, {});
  pre.set_account(contract, 1, core::uint256(1'000), code, {{core::uint256(0), core::uint256(1)}});
  pre.set_account(other, 1, core::uint256(0), code, {});

  evm::BlockEnv block;
  block.number = 10;
  block.gas_limit = 30'000'000;
  block.block_hash = [](std::uint64_t n) {
    evm::Hash32 h;
    h[31] = static_cast<std::uint8_t>(n);
    return h;
  };
  evm::TxEnv tx;
  tx.origin = sender;
  tx.gas_price = 1;

  evm::State state(pre);
  state.warm_address(sender);
  state.warm_address(contract);
  const std::size_t snap = state.snapshot();
  evm::Evm vm(state, block, tx, rev);
  evm::Message msg;
  msg.gas = gas;
  msg.sender = sender;
  msg.recipient = contract;
  msg.code_address = contract;
  msg.value = core::uint256(ctl & 2 ? 1 : 0);
  msg.input = core::ByteView(data, size);
  const evm::ExecutionResult r = vm.execute(msg);
  if (r.gas_left < 0 || r.gas_left > gas) std::abort();
  if (r.status != evm::StatusCode::kSuccess) {
    if (state.snapshot() != snap) std::abort();  // the journal was unwound to the call's start
    if (state.get_storage(contract, core::uint256(0)) != core::uint256(1)) std::abort();
    if (state.balance(sender) != core::uint256(1'000'000'000)) std::abort();
  }
  state.finalize_transaction();
  evm::InMemoryState post = pre;
  state.commit_to(post);
  return 0;
}
