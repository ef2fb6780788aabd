// Value encodings of the Ethereum JSON-RPC (execution-apis base types) and geth's revert messages.
#include "rpc/codec.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"

namespace igra::rpc {
namespace {

int error_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const RpcError& e) {
    return e.code();
  }
  return 0;
}

TEST(RpcCodec, Quantities) {
  EXPECT_EQ(qty(std::uint64_t{0}), "0x0");
  EXPECT_EQ(qty(std::uint64_t{0x400}), "0x400");
  EXPECT_EQ(qty(core::uint256::max()), "0x" + std::string(64, 'f'));
  EXPECT_EQ(parse_u64(json("0x0"), 0), 0u);
  EXPECT_EQ(parse_u64(json("0x41"), 0), 0x41u);
  EXPECT_EQ(parse_u64(json("0xffffffffffffffff"), 0), ~0ull);
  EXPECT_EQ(error_code_of([] { parse_u64(json("0x1ffffffffffffffff"), 0); }), -32602);
  EXPECT_EQ(error_code_of([] { parse_u64(json("41"), 0); }), -32602);
  EXPECT_EQ(error_code_of([] { parse_u64(json("0x"), 0); }), -32602);
  EXPECT_EQ(error_code_of([] { parse_u64(json("0xzz"), 0); }), -32602);
  EXPECT_EQ(error_code_of([] { parse_u64(json(true), 0); }), -32602);
  EXPECT_EQ(parse_u256(json("0x" + std::string(64, 'f')), 0), core::uint256::max());
  EXPECT_EQ(error_code_of([] { parse_u256(json("0x1" + std::string(64, '0')), 0); }), -32602);
}

TEST(RpcCodec, DataAddressesHashesSlots) {
  EXPECT_EQ(hex_data(core::Bytes{}), "0x");
  EXPECT_EQ(parse_data(json("0x00ff"), 0), (core::Bytes{0x00, 0xff}));
  EXPECT_EQ(error_code_of([] { parse_data(json("0x0"), 0); }), -32602);
  EXPECT_EQ(error_code_of([] { parse_data(json("0x0g"), 0); }), -32602);
  EXPECT_EQ(error_code_of([] { parse_address(json("0x" + std::string(42, '1')), 0); }), -32602);
  EXPECT_EQ(parse_address(json("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), 0),
            core::fixed_from_hex<20>("f39fd6e51aad88f6f4ce6ab8827279cfffb92266").value());
  EXPECT_EQ(error_code_of([] { parse_hash(json("0x01"), 0); }), -32602);
  // Storage keys are left-padded quantities of at most 32 bytes (execution-apis eth_getStorageAt cases).
  core::Hash32 one;
  one[31] = 1;
  EXPECT_EQ(parse_slot(json("0x1"), 1), one);
  EXPECT_EQ(parse_slot(json("0x0000000000000000000000000000000000000000000000000000000000000001"), 1), one);
  EXPECT_EQ(error_code_of([] { parse_slot(json("0x" + std::string(65, '0')), 1); }), -32602);
  EXPECT_EQ(error_code_of([] { parse_slot(json("0xasdf"), 1); }), -32602);
}

TEST(RpcCodec, RevertMessages) {
  // Error("user error") and Panic(0x01): the execution-apis eth_call fixtures' expected messages.
  const auto err = core::hex_or_die(
      "08c379a00000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000"
      "000000000000000000000000000a75736572206572726f72");
  EXPECT_EQ(revert_message(err), "execution reverted: user error");
  const auto panic = core::hex_or_die("4e487b710000000000000000000000000000000000000000000000000000000000000001");
  EXPECT_EQ(revert_message(panic), "execution reverted: assert(false)");
  EXPECT_EQ(revert_message(core::hex_or_die("77726f6e672d63616c6c6461746173697a65")), "execution reverted");
  EXPECT_EQ(revert_message({}), "execution reverted");
  // A truncated Error(string) does not read past the end.
  EXPECT_EQ(revert_message(core::ByteView(err.data(), err.size() - 3)), "execution reverted");
}

TEST(RpcCodec, BlockSizeFromHeaderAndBody) {
  chain::Block b;
  b.header.number = 5;
  b.header.base_fee_per_gas = core::uint256(7);
  b.header.withdrawals_root = core::Hash32{};
  b.body.transactions.push_back(core::Bytes(100, 0xc0));
  b.body.withdrawals.emplace();
  b.body.withdrawals->push_back(chain::Withdrawal{1, 2, {}, 3});
  const auto whole = chain::encode_block(b);
  EXPECT_EQ(block_rlp_size(chain::encode_header(b.header), chain::encode_body(b.body)), whole.size());
}

}  // namespace
}  // namespace igra::rpc
