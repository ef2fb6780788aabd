// Interpreter, gas and state tests with hand-assembled bytecode. Expected gas figures are derived from the
// Yellow Paper and the EIPs named in each test (not from this implementation's output).
#include "evm/evm.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

#include <functional>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "evm/state.hpp"

namespace igra::evm {
namespace {

using core::hex_or_die;

Address20 addr(std::uint8_t last, std::uint8_t first = 0) {
  Address20 a;
  a[0] = first;
  a[19] = last;
  return a;
}
Address20 addr_hex(std::string_view h) { return Address20::from_view(hex_or_die(h)); }

const Address20 kSender = addr(0x01, 0xaa);
const Address20 kContract = addr(0xc0, 0xcc);

struct Harness {
  InMemoryState pre;
  BlockEnv block;
  TxEnv tx;
  Revision rev = Revision::kPrague;

  Harness() {
    block.number = 100;
    block.gas_limit = 30'000'000;
    tx.origin = kSender;
    pre.set_account(kSender, 0, uint256(1'000'000'000), {}, {});
  }
  void code(const Address20& a, std::string_view hex, std::unordered_map<uint256, uint256> storage = {}) {
    pre.set_account(a, 1, uint256(0), hex_or_die(hex), std::move(storage));
  }
};

// Runs a call from kSender to `to` with `gas` as in a transaction whose sender and target are warm.
struct CallOutcome {
  ExecutionResult result;
  std::int64_t gas_used = 0;
  std::int64_t refund = 0;
};
CallOutcome run_call(Harness& h, State& st, const Address20& to, std::int64_t gas, core::ByteView input = {},
                     const uint256& value = 0) {
  st.warm_address(kSender);
  st.warm_address(to);
  Evm vm(st, h.block, h.tx, h.rev);
  Message m;
  m.kind = CallKind::kCall;
  m.gas = gas;
  m.sender = kSender;
  m.recipient = to;
  m.code_address = to;
  m.input = input;
  m.value = value;
  CallOutcome out;
  out.result = vm.execute(m);
  out.gas_used = gas - out.result.gas_left;
  out.refund = st.refund();
  return out;
}

TEST(Evm, ArithmeticAndReturn) {
  Harness h;
  // PUSH1 2 PUSH1 3 ADD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
  h.code(kContract, "600260030160005260206000f3");
  State st(h.pre);
  auto o = run_call(h, st, kContract, 100000);
  ASSERT_EQ(o.result.status, StatusCode::kSuccess);
  EXPECT_EQ(uint256::load_be(o.result.output.data()), uint256(5));
  // 5 pushes (3 each) + ADD 3 + MSTORE 3 + 1 word memory 3 + RETURN 0 = 24
  EXPECT_EQ(o.gas_used, 24);
}

TEST(Evm, Push0CostsTwo) {  // EIP-3855
  Harness h;
  h.code(kContract, "5f5f00");
  State st(h.pre);
  EXPECT_EQ(run_call(h, st, kContract, 1000).gas_used, 4);
}

TEST(Evm, ExpDynamicGas) {  // Yellow Paper: G_exp 10 + G_expbyte 50 per exponent byte
  Harness h;
  h.code(kContract, "61010060020a00");  // PUSH2 0x0100 PUSH1 2 EXP (2^256) -> exponent has 2 bytes
  State st(h.pre);
  EXPECT_EQ(run_call(h, st, kContract, 1000).gas_used, 3 + 3 + 10 + 100);
}

TEST(Evm, MemoryExpansionQuadratic) {
  Harness h;
  // PUSH1 0 PUSH2 0x03e0 MSTORE: writes word 31 -> 32 words: 3*32 + 32*32/512 = 98
  h.code(kContract, "60006103e05200");
  State st(h.pre);
  EXPECT_EQ(run_call(h, st, kContract, 1000).gas_used, 3 + 3 + 3 + 98);
}

TEST(Evm, ColdAndWarmSload) {  // EIP-2929
  Harness h;
  h.code(kContract, "600154506001545000");  // SLOAD(1) twice
  State st(h.pre);
  EXPECT_EQ(run_call(h, st, kContract, 10000).gas_used, 3 + 2100 + 2 + 3 + 100 + 2);
}

TEST(Evm, ColdAccountAccess) {  // EIP-2929 BALANCE of a cold then warm address
  Harness h;
  h.code(kContract, "73" "00000000000000000000000000000000000000ee" "3150"
                    "73" "00000000000000000000000000000000000000ee" "315000");
  State st(h.pre);
  EXPECT_EQ(run_call(h, st, kContract, 10000).gas_used, 3 + 2600 + 2 + 3 + 100 + 2);
}

// EIP-3529 "Test Cases" table: slot 0 pre-warmed, original value as given; (used gas, refund).
struct SstoreCase {
  const char* code;
  std::int64_t gas;
  std::int64_t refund;
  std::uint64_t original;
};
class SstoreTest : public ::testing::TestWithParam<SstoreCase> {};
TEST_P(SstoreTest, Eip3529Table) {
  const auto& c = GetParam();
  Harness h;
  std::unordered_map<uint256, uint256> storage;
  if (c.original) storage[uint256(0)] = uint256(c.original);
  h.code(kContract, c.code, storage);
  State st(h.pre);
  st.warm_slot(kContract, uint256(0));
  auto o = run_call(h, st, kContract, 100000);
  ASSERT_EQ(o.result.status, StatusCode::kSuccess);
  EXPECT_EQ(o.gas_used, c.gas) << c.code;
  EXPECT_EQ(o.refund, c.refund) << c.code;
}
INSTANTIATE_TEST_SUITE_P(
    Eip3529, SstoreTest,
    ::testing::Values(SstoreCase{"60006000556000600055", 212, 0, 0}, SstoreCase{"60006000556001600055", 20112, 0, 0},
                      SstoreCase{"60016000556000600055", 20112, 19900, 0},
                      SstoreCase{"60016000556002600055", 20112, 0, 0}, SstoreCase{"60016000556001600055", 20112, 0, 0},
                      SstoreCase{"60006000556000600055", 3012, 4800, 1}, SstoreCase{"60006000556001600055", 3012, 2800, 1},
                      SstoreCase{"60006000556002600055", 3012, 0, 1}, SstoreCase{"60026000556000600055", 3012, 4800, 1},
                      SstoreCase{"60026000556003600055", 3012, 0, 1}, SstoreCase{"60026000556001600055", 3012, 2800, 1},
                      SstoreCase{"60026000556002600055", 3012, 0, 1}, SstoreCase{"60016000556000600055", 3012, 4800, 1},
                      SstoreCase{"60016000556002600055", 3012, 0, 1}, SstoreCase{"60016000556001600055", 212, 0, 1},
                      SstoreCase{"600160005560006000556001600055", 40118, 19900, 0},
                      SstoreCase{"600060005560016000556000600055", 5918, 7600, 1}));

TEST(Evm, SstoreNeedsMoreThanStipend) {  // EIP-2200: fails if gas left <= 2300
  Harness h;
  h.code(kContract, "6001600055");
  State st(h.pre);
  auto o = run_call(h, st, kContract, 6 + 2300);
  EXPECT_EQ(o.result.status, StatusCode::kOutOfGas);
}

TEST(Evm, StackUnderflowAndOverflow) {
  Harness h;
  h.code(kContract, "01");  // ADD on an empty stack
  State st(h.pre);
  EXPECT_EQ(run_call(h, st, kContract, 1000).result.status, StatusCode::kStackUnderflow);

  Harness h2;
  std::string code;
  for (int i = 0; i < 1025; ++i) code += "5f";
  h2.code(kContract, code);
  State st2(h2.pre);
  auto o = run_call(h2, st2, kContract, 100000);
  EXPECT_EQ(o.result.status, StatusCode::kStackOverflow);
  EXPECT_EQ(o.result.gas_left, 0);
}

TEST(Evm, JumpdestAnalysisSkipsPushData) {
  Harness h;
  // PUSH1 4 JUMP PUSH1 0x5b: the 0x5b at offset 4 is push data, not a JUMPDEST.
  h.code(kContract, "600456605b00");
  State st(h.pre);
  EXPECT_EQ(run_call(h, st, kContract, 1000).result.status, StatusCode::kBadJumpDestination);
  Harness h2;
  h2.code(kContract, "6004565b5b00");  // offset 4 is a real JUMPDEST
  State st2(h2.pre);
  EXPECT_EQ(run_call(h2, st2, kContract, 1000).result.status, StatusCode::kSuccess);
}

TEST(Evm, UndefinedAndInvalidConsumeAllGas) {
  Harness h;
  h.code(kContract, "fe");
  State st(h.pre);
  auto o = run_call(h, st, kContract, 5000);
  EXPECT_EQ(o.result.status, StatusCode::kUndefinedInstruction);
  EXPECT_EQ(o.gas_used, 5000);
}

TEST(Evm, RevertKeepsGasAndOutput) {
  Harness h;
  h.code(kContract, "60aa60005260206000fd");  // MSTORE 0xaa, REVERT(0, 32)
  State st(h.pre);
  auto o = run_call(h, st, kContract, 1000);
  EXPECT_EQ(o.result.status, StatusCode::kRevert);
  EXPECT_EQ(o.gas_used, 3 + 3 + 3 + 3 + 3 + 3);
  EXPECT_EQ(o.result.output.size(), 32u);
}

TEST(Evm, TransientStorageRevertsWithFrame) {  // EIP-1153
  Harness h;
  // TSTORE(1, 7) TLOAD(1) -> MSTORE -> RETURN
  h.code(kContract, "600760015d60015c60005260206000f3");
  State st(h.pre);
  auto o = run_call(h, st, kContract, 10000);
  ASSERT_EQ(o.result.status, StatusCode::kSuccess);
  EXPECT_EQ(uint256::load_be(o.result.output.data()), uint256(7));
  // 100 for each of TSTORE and TLOAD (EIP-1153), pushes, MSTORE + 1 word, RETURN.
  EXPECT_EQ(o.gas_used, 3 + 3 + 100 + 3 + 100 + 3 + 3 + 3 + 3 + 3);
}

TEST(Evm, McopyOverlapping) {  // EIP-5656: memmove semantics, 3 + 3/word + expansion
  Harness h;
  // MSTORE(0, 0x0102..), MCOPY(dst=1, src=0, len=32), RETURN(0, 64)
  h.code(kContract,
         "7f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20600052"
         "6020600060015e60406000f3");
  State st(h.pre);
  auto o = run_call(h, st, kContract, 10000);
  ASSERT_EQ(o.result.status, StatusCode::kSuccess);
  ASSERT_EQ(o.result.output.size(), 64u);
  EXPECT_EQ(o.result.output[0], 0x01);
  EXPECT_EQ(o.result.output[1], 0x01);
  EXPECT_EQ(o.result.output[32], 0x20);
  // PUSH32 3, PUSH1 3, MSTORE 3 + 3 (1 word); 3 pushes 9, MCOPY 3 + 3 (1 word) + 3 (2nd word); 2 pushes 6.
  EXPECT_EQ(o.gas_used, 3 + 3 + 6 + 9 + 9 + 6);
}

TEST(Evm, StaticCallForbidsStateChange) {
  Harness h;
  const Address20 callee = addr(0xd0, 0xdd);
  h.code(callee, "6001600055");  // SSTORE
  // STATICCALL(gas, callee, 0, 0, 0, 0); store the success flag at slot 1
  h.code(kContract, "6000600060006000" "73" "dd000000000000000000000000000000000000d0" "5afa600155");
  State st(h.pre);
  st.set_storage(kContract, uint256(1), uint256(9));
  // The failing callee burns what it was given, so leave enough (1/64) for the caller's own SSTORE.
  auto o = run_call(h, st, kContract, 3'000'000);
  ASSERT_EQ(o.result.status, StatusCode::kSuccess);
  EXPECT_EQ(st.get_storage(kContract, uint256(1)), uint256(0));  // STATICCALL returned 0
}

TEST(Evm, CallPassesAllButOne64th) {  // EIP-150
  Harness h;
  const Address20 callee = addr(0xd0, 0xdd);
  h.code(callee, "5a60005260206000f3");  // returns GAS
  // CALL(gas=0xffff.., callee, 0, 0, 0, 0, 32) and return the word
  h.code(kContract, "60206000600060006000" "73" "dd000000000000000000000000000000000000d0"
                    "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" "f160206000f3");
  State st(h.pre);
  const std::int64_t gas = 100000;
  auto o = run_call(h, st, kContract, gas);
  ASSERT_EQ(o.result.status, StatusCode::kSuccess);
  // Before CALL: 5 pushes (15) + PUSH20 3 + PUSH32 3 = 21; CALL: 100 warm-access base + 2500 cold + memory 1 word 3.
  std::int64_t left = gas - 21 - 100 - 2500 - 3;
  const std::int64_t passed = left - left / 64;
  // callee: GAS (2) reads passed - 2.
  EXPECT_EQ(uint256::load_be(o.result.output.data()), uint256(static_cast<std::uint64_t>(passed - 2)));
}

TEST(Evm, CreateAddresses) {
  // Yellow Paper rlp([sender, nonce]) derivation, well-known values.
  EXPECT_EQ(create_address(addr_hex("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0"), 0),
            addr_hex("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d"));
  EXPECT_EQ(create_address(addr_hex("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0"), 1),
            addr_hex("343c43a37d37dff08ae8c4a11544c718abb4fcf8"));
  // EIP-1014 examples 0, 1 and 5.
  EXPECT_EQ(create2_address(Address20{}, Hash32{}, hex_or_die("00")),
            addr_hex("4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38"));
  EXPECT_EQ(create2_address(addr_hex("deadbeef00000000000000000000000000000000"), Hash32{}, hex_or_die("00")),
            addr_hex("b928f69bb1d91cd65274e3c79d8986362984fda3"));
  Hash32 salt;
  salt[28] = 0xca;
  salt[29] = 0xfe;
  salt[30] = 0xba;
  salt[31] = 0xbe;
  EXPECT_EQ(create2_address(addr_hex("00000000000000000000000000000000deadbeef"), salt, hex_or_die("deadbeef")),
            addr_hex("60f3f640a8508fc6a86d45df051962668e1e8ac7"));
}

TEST(Evm, CreateDepositsCodeAndRejectsEf) {  // EIP-3541
  Harness h;
  // initcode returning 1 byte 0xef: PUSH1 0xef PUSH1 0 MSTORE8 PUSH1 1 PUSH1 0 RETURN
  // CREATE(0, offset, size) of that initcode placed in memory via PUSH + MSTORE.
  const std::string init = "60ef60005360016000f3";  // 10 bytes
  h.code(kContract, "69" + init + "600052600a60166000f060005500");
  State st(h.pre);
  auto o = run_call(h, st, kContract, 200000);
  ASSERT_EQ(o.result.status, StatusCode::kSuccess);
  EXPECT_EQ(st.get_storage(kContract, uint256(0)), uint256(0));  // CREATE pushed 0

  Harness h2;
  const std::string init2 = "60fe60005360016000f3";  // deploys 0xfe
  h2.code(kContract, "69" + init2 + "600052600a60166000f060005500");
  State st2(h2.pre);
  auto o2 = run_call(h2, st2, kContract, 200000);
  ASSERT_EQ(o2.result.status, StatusCode::kSuccess);
  const Address20 created = create_address(kContract, 1);
  EXPECT_EQ(st2.get_storage(kContract, uint256(0)), uint256::from_be_bytes(created.view()));
  EXPECT_EQ(st2.code(created), hex_or_die("fe"));
  EXPECT_EQ(st2.nonce(created), 1u);
  EXPECT_EQ(st2.nonce(kContract), 2u);
}

TEST(Evm, Selfdestruct6780OnlyMovesBalanceOfOldContract) {
  Harness h;
  const Address20 beneficiary = addr(0xbe, 0xbb);
  h.pre.set_account(kContract, 1, uint256(1000), hex_or_die("73bb000000000000000000000000000000000000beff"), {});
  State st(h.pre);
  auto o = run_call(h, st, kContract, 100000);
  ASSERT_EQ(o.result.status, StatusCode::kSuccess);
  // 3 push + 5000 + 2600 cold beneficiary + 25000 (new account receiving value)
  EXPECT_EQ(o.gas_used, 3 + 5000 + 2600 + 25000);
  st.finalize_transaction();
  EXPECT_TRUE(st.exists(kContract));
  EXPECT_EQ(st.balance(kContract), uint256(0));
  EXPECT_EQ(st.balance(beneficiary), uint256(1000));
}

TEST(Evm, DelegationDesignator) {  // EIP-7702
  Harness h;
  const Address20 eoa = addr(0xe0, 0xee);
  const Address20 target = addr(0xd0, 0xdd);
  h.code(target, "602a60005260206000f3");  // returns 42
  Bytes designator = hex_or_die("ef0100");
  core::append(designator, target);
  h.pre.set_account(eoa, 1, uint256(0), designator, {});
  // CALL(gas, eoa, 0, 0, 0, 0, 32); EXTCODESIZE(eoa); return both
  h.code(kContract, "60206000600060006000" "73" "ee000000000000000000000000000000000000e0" "5af1"
                    "50" "73" "ee000000000000000000000000000000000000e0" "3b" "602052" "60406000f3");
  State st(h.pre);
  auto o = run_call(h, st, kContract, 200000);
  ASSERT_EQ(o.result.status, StatusCode::kSuccess);
  EXPECT_EQ(uint256::load_be(o.result.output.data()), uint256(42));
  EXPECT_EQ(uint256::load_be(o.result.output.data() + 32), uint256(23));
  EXPECT_TRUE(st.is_warm_address(target));  // delegation target access is charged and warms it
}

// Runs fn on a thread with a 512 MiB stack: nested calls recurse in C++ once per call depth, and sanitizer
// builds inflate every frame, so the deepest call chains need more than the main thread's 8 MiB.
void on_big_stack(const std::function<void()>& fn) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, std::size_t{512} << 20);
  pthread_t t;
  auto* f = new std::function<void()>(fn);
  ASSERT_EQ(pthread_create(&t, &attr, [](void* p) -> void* {
              auto* g = static_cast<std::function<void()>*>(p);
              (*g)();
              delete g;
              return nullptr;
            }, f), 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
}

TEST(Evm, DepthLimitFailsCallButNotCaller) {
  Harness h;
  // Recursive self-call forwarding all gas; stores depth reached via a counter would be expensive, so just
  // check that deep recursion terminates successfully (CALL at depth 1024 returns 0).
  h.code(kContract, "6000600060006000600030" "5af100");
  on_big_stack([&] {
    State st(h.pre);
    auto o = run_call(h, st, kContract, 10'000'000);
    EXPECT_EQ(o.result.status, StatusCode::kSuccess);
  });
}

// Block-wise gas and stack checks (CodeAnalysis::blocks) must be indistinguishable from per-instruction ones:
// exact gas where it is observable (GAS, the gas left after a halt, OOG at the exact boundary) and the same
// exceptional outcome. The same programs run with a tracer (per-instruction checks) must agree.
class CountingTracer final : public Tracer {
 public:
  void on_instruction(std::size_t, std::uint8_t, std::int64_t, int, const uint256*, std::size_t,
                      std::size_t) override {
    ++steps;
  }
  int steps = 0;
};

CallOutcome run_both(Harness& h, const Address20& to, std::int64_t gas, bool traced) {
  State st(h.pre);
  st.warm_address(kSender);
  st.warm_address(to);
  Evm vm(st, h.block, h.tx, h.rev);
  CountingTracer tracer;
  if (traced) vm.set_tracer(&tracer);
  Message m;
  m.gas = gas;
  m.sender = kSender;
  m.recipient = m.code_address = to;
  CallOutcome out;
  out.result = vm.execute(m);
  out.gas_used = gas - out.result.gas_left;
  if (traced) EXPECT_GT(tracer.steps, 0);
  return out;
}

TEST(Evm, GasOpcodeIsExactInsideABlock) {
  Harness h;
  // PUSH1 1 PUSH1 2 ADD POP GAS PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
  h.code(kContract, "600160020150" "5a" "600052" "60206000f3");
  for (bool traced : {false, true}) {
    auto o = run_both(h, kContract, 1000, traced);
    ASSERT_EQ(o.result.status, StatusCode::kSuccess);
    // GAS sees 1000 minus PUSH1, PUSH1, ADD (3 each), POP (2) and its own 2.
    EXPECT_EQ(uint256::load_be(o.result.output.data()), uint256(1000 - 13)) << traced;
    EXPECT_EQ(o.gas_used, 13 + 3 + 3 + 3 + 3 + 3) << traced;  // + PUSH1, MSTORE + 1 word, 2 PUSH1
  }
}

TEST(Evm, BlockGasBoundaryIsExact) {
  Harness h;
  // PUSH1 5 JUMP, then JUMPDESTs at 3..7 and STOP: the jump lands on 5, so 3 + 8 + 3 * 1 = 14 gas.
  h.code(kContract, "6005565b5b5b5b5b00");
  for (bool traced : {false, true}) {
    auto ok = run_both(h, kContract, 14, traced);
    EXPECT_EQ(ok.result.status, StatusCode::kSuccess) << traced;
    EXPECT_EQ(ok.result.gas_left, 0) << traced;
    auto oog = run_both(h, kContract, 13, traced);
    EXPECT_EQ(oog.result.status, StatusCode::kOutOfGas) << traced;
    EXPECT_EQ(oog.result.gas_left, 0) << traced;
  }
  // A countdown loop: PUSH1 10; JUMPDEST PUSH1 1 SWAP1 SUB DUP1 PUSH1 2 JUMPI; STOP = 3 + 10 * 26 gas.
  Harness h2;
  h2.code(kContract, "600a" "5b600190038060025700");
  for (bool traced : {false, true}) {
    EXPECT_EQ(run_both(h2, kContract, 263, traced).result.status, StatusCode::kSuccess) << traced;
    EXPECT_EQ(run_both(h2, kContract, 262, traced).result.status, StatusCode::kOutOfGas) << traced;
  }
}

TEST(Evm, BlockAnalysisSumsToTheBlockEnd) {
  // PUSH1 1 PUSH1 2 ADD JUMPDEST POP GAS JUMPDEST PUSH0 PUSH1 0 JUMPI STOP
  const auto a = analyze(hex_or_die("6001600201" "5b" "50" "5a" "5b" "5f" "6000" "57" "00"));
  EXPECT_EQ(a->blocks[0].gas, 3 + 3 + 3 + 1 + 2 + 2);  // through GAS, falling through the JUMPDEST
  EXPECT_EQ(a->blocks[0].stack_req, 0);
  EXPECT_EQ(a->blocks[0].stack_grow, 2);
  EXPECT_EQ(a->blocks[5].gas, 1 + 2 + 2);               // from the JUMPDEST at 5
  EXPECT_EQ(a->blocks[5].stack_req, 1);                 // POP needs one item
  EXPECT_EQ(a->blocks[8].gas, 1 + 2 + 3 + 10);          // after GAS: JUMPDEST PUSH0 PUSH1 JUMPI
  EXPECT_EQ(a->blocks[13].gas, 0);                      // STOP after JUMPI
  for (std::size_t pc : {0u, 5u, 7u, 8u, 13u})
    EXPECT_EQ(block_gas_exact(*a, pc), a->blocks[pc].gas) << pc;
}

TEST(Evm, FailureLaterInABlockUndoesTheBlock) {
  Harness h;
  // PUSH1 0 PUSH1 0 LOG0 ADD: ADD underflows after the log, so the frame fails: no log, all gas used.
  h.code(kContract, "60006000a001");
  for (bool traced : {false, true}) {
    State st(h.pre);
    Evm vm(st, h.block, h.tx, h.rev);
    CountingTracer tracer;
    if (traced) vm.set_tracer(&tracer);
    Message m;
    m.gas = 10000;
    m.sender = kSender;
    m.recipient = m.code_address = kContract;
    auto r = vm.execute(m);
    EXPECT_EQ(r.status, StatusCode::kStackUnderflow) << traced;
    EXPECT_EQ(r.gas_left, 0) << traced;
    EXPECT_TRUE(st.logs().empty()) << traced;
  }
}

TEST(Precompiles, Sha256Identity) {
  Harness h;
  State st(h.pre);
  auto o = run_call(h, st, addr(0x02), 1000);
  ASSERT_EQ(o.result.status, StatusCode::kSuccess);
  EXPECT_EQ(core::to_hex(o.result.output), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(o.gas_used, 60);
  const Bytes in = hex_or_die("0102030405");
  auto o2 = run_call(h, st, addr(0x04), 1000, in);
  EXPECT_EQ(o2.result.output, in);
  EXPECT_EQ(o2.gas_used, 18);
  auto o3 = run_call(h, st, addr(0x04), 17, in);
  EXPECT_EQ(o3.result.status, StatusCode::kOutOfGas);
}

TEST(Precompiles, Ecrecover) {
  Harness h;
  State st(h.pre);
  const Bytes in = hex_or_die(
      "456e9aea5e197a1f1af7a3e85a3212fa4049a3ba34c2289b4c860fc0b0c64ef3"
      "000000000000000000000000000000000000000000000000000000000000001c"
      "9242685bf161793cc25603c231bc2f568eb630ea16aa137d2664ac8038825608"
      "4f8ae3bd7535248d0bd448298cc2e2071e56992d0774dc340c368ae950852ada");
  auto o = run_call(h, st, addr(0x01), 5000, in);
  ASSERT_EQ(o.result.status, StatusCode::kSuccess);
  EXPECT_EQ(core::to_hex(o.result.output), "0000000000000000000000007156526fbd7a3c72969b54f64e42c10fbb768c8a");
  EXPECT_EQ(o.gas_used, 3000);
  Bytes bad = in;
  bad[63] = 29;  // v must be 27 or 28
  auto o2 = run_call(h, st, addr(0x01), 5000, bad);
  EXPECT_EQ(o2.result.status, StatusCode::kSuccess);
  EXPECT_TRUE(o2.result.output.empty());
}

TEST(Precompiles, EveryAddressHasAnImplementationAndBlsIsPragueOnly) {
  for (int a = 1; a <= kMaxPrecompile; ++a) EXPECT_NE(find_precompile(a), nullptr) << a;
  EXPECT_EQ(precompile_index(addr(0x0b), Revision::kCancun), 0);  // BLS is Prague-only
  EXPECT_EQ(precompile_index(addr(0x0b), Revision::kPrague), 0x0b);
}

TEST(Precompiles, ModexpPriceZeroExponentHead) {
  // EIP-2565 as consensus clients price it: base_len 32, exp_len 64 whose first 32 bytes are zero, mod_len 32:
  // complexity ceil(32/8)^2 = 16, iterations 8 * (64 - 32) + 0 = 256, price 16 * 256 / 3 = 1365.
  Bytes in(96 + 32 + 64 + 32, 0);
  in[31] = 32;
  in[63] = 64;
  in[95] = 32;
  in[96 + 31] = 3;                // base 3
  in[96 + 32 + 63] = 5;           // exponent 5 (in its low half)
  in[96 + 32 + 64 + 31] = 7;      // modulus 7
  const PrecompileFn fn = find_precompile(0x05);
  ASSERT_NE(fn, nullptr);
  const PrecompileOutput ok = fn(in, 1365, Revision::kCancun);
  ASSERT_TRUE(ok.ok);
  EXPECT_EQ(ok.gas_used, 1365);
  ASSERT_EQ(ok.output.size(), 32u);
  EXPECT_EQ(ok.output[31], 5);  // 3^5 mod 7 = 243 mod 7 = 5
  EXPECT_GT(fn(in, 1364, Revision::kCancun).gas_used, 1364);  // out of gas
}

TEST(State, SnapshotRevertAndFinalize) {
  InMemoryState pre;
  const Address20 a = addr(1), b = addr(2);
  pre.set_account(a, 1, uint256(100), {}, {{uint256(1), uint256(5)}});
  State st(pre);
  const auto s0 = st.snapshot();
  st.set_storage(a, uint256(1), uint256(6));
  st.add_balance(b, uint256(7));
  st.set_transient(a, uint256(1), uint256(9));
  EXPECT_FALSE(st.warm_address(b));
  EXPECT_EQ(st.get_storage(a, uint256(1)), uint256(6));
  EXPECT_EQ(st.get_original_storage(a, uint256(1)), uint256(5));
  st.revert(s0);
  EXPECT_EQ(st.get_storage(a, uint256(1)), uint256(5));
  EXPECT_FALSE(st.exists(b));
  EXPECT_EQ(st.get_transient(a, uint256(1)), uint256(0));
  EXPECT_FALSE(st.is_warm_address(b));

  st.set_storage(a, uint256(1), uint256(8));
  st.touch(b);  // touching a non-existent account creates nothing
  st.finalize_transaction();
  EXPECT_EQ(st.get_original_storage(a, uint256(1)), uint256(8));
  EXPECT_FALSE(st.exists(b));
  InMemoryState out = pre;
  st.commit_to(out);
  EXPECT_EQ(out.read_storage(a, uint256(1)), uint256(8));
}

TEST(State, TouchedEmptyAccountIsCleared) {  // EIP-161
  InMemoryState pre;
  const Address20 a = addr(1);
  pre.set_account(a, 0, uint256(0), {}, {});
  State st(pre);
  EXPECT_TRUE(st.exists(a));
  st.add_balance(a, uint256(0));
  st.finalize_transaction();
  EXPECT_FALSE(st.exists(a));
}

}  // namespace
}  // namespace igra::evm
