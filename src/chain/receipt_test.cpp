// Receipts, logs and blooms. Oracles: logs hashes from execution-spec-tests (state test `logs` field),
// receipts, blooms and the receipts root / block bloom recorded by geth on the execution-apis hive chain.
#include "chain/receipt.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "support/testing.hpp"

using namespace igra::core;
using namespace igra::chain;
using nlohmann::json;

namespace {

Hash32 word(std::uint64_t v) { return uint256(v).to_be32(); }

// execution-spec-tests v5.4.0 state_tests/prague/eip7702_set_code_tx/test_set_code_to_log.json: an EOA
// delegated to `PUSH2 0x1234 PUSH1 0 MSTORE [PUSH1 n ...] PUSH1 32 PUSH1 0 LOGk` emits one log with the
// 32-byte word 0x1234 as data and topics 1..k; post[Osaka][0].logs is the expected logs hash.
TEST(Logs, EestLogsHashes) {
  struct Case {
    const char* address;
    int topics;
    const char* hash;
  };
  const Case cases[] = {
      {"0x369c25b8ef85964310c0bba82cec4e9d11e94475", 0, "0xf87b74d51e704f6c9c6cd3e4729b0c11c1f6507789bec238456d6d0ec8241179"},
      {"0xccd5e2b26c27e1e18ee3543e652968e0228adbaa", 1, "0x8572b353bf6629760fe71e573bf77122d056cb7e4115cd3bcaefed122cc3bbd3"},
      {"0xa69525e0c322a9702c3a1990f856e8818fb19c00", 2, "0x47b47f4e341d39565dc6479997bc47f379a9a4d594800b5a1641a8231d14c652"},
      {"0xfa4870ca3bced6615ea2d005672e9555eb91866c", 3, "0xdd52cba7b1253e7ea0c852d21bacc291ab5bb85abc001a3cd2c820b73e914ede"},
  };
  for (const auto& c : cases) {
    Log log;
    log.address = *fixed_from_hex<20>(c.address);
    for (int t = 1; t <= c.topics; ++t) log.topics.push_back(word(static_cast<std::uint64_t>(t)));
    const Hash32 data = word(0x1234);
    log.data.assign(data.begin(), data.end());
    EXPECT_EQ(to_hex(logs_rlp_hash({log}), true), c.hash) << c.topics << " topics";
  }
  // No logs: keccak(rlp([])), the well-known empty-list hash (also the empty ommers hash).
  EXPECT_EQ(to_hex(logs_rlp_hash({})), "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
}

Receipt receipt_from_rpc(const json& j) {
  Receipt r;
  r.type = static_cast<TxType>(uint256::from_hex(j.at("type").get<std::string>())->low64());
  r.status = j.at("status").get<std::string>() == "0x1";
  r.cumulative_gas_used = uint256::from_hex(j.at("cumulativeGasUsed").get<std::string>())->low64();
  for (const auto& l : j.at("logs")) {
    Log log;
    log.address = *fixed_from_hex<20>(l.at("address").get<std::string>());
    for (const auto& t : l.at("topics")) log.topics.push_back(*fixed_from_hex<32>(t.get<std::string>()));
    log.data = hex_or_die(l.at("data").get<std::string>());
    r.logs.push_back(std::move(log));
  }
  r.bloom = logs_bloom(r.logs);
  return r;
}

void collect_receipts(const json& j, std::vector<json>& out) {
  if (j.is_object()) {
    if (j.contains("logsBloom") && j.contains("cumulativeGasUsed") && j.contains("transactionHash")) out.push_back(j);
    for (const auto& [k, v] : j.items()) collect_receipts(v, out);
  } else if (j.is_array()) {
    for (const auto& v : j) collect_receipts(v, out);
  }
}

std::filesystem::path apis_dir() { return igra::testing::unpacked_fixture("execution-apis-tests.tar.xz") / "tests"; }

json rpc_result(const std::filesystem::path& io) {
  std::ifstream in(io);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("<< ", 0) == 0) return json::parse(line.substr(3)).at("result");
  ADD_FAILURE() << "no response in " << io;
  return {};
}

// Every post-Byzantium receipt geth returned: our bloom of its logs equals its logsBloom, and the
// consensus encoding round-trips.
TEST(Receipts, RpcReceiptsBloomAndRoundTrip) {
  std::vector<json> receipts;
  for (const auto& e : std::filesystem::recursive_directory_iterator(apis_dir())) {
    if (e.path().extension() != ".io") continue;
    std::ifstream in(e.path());
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("<< ", 0) == 0) {
        const json j = json::parse(line.substr(3), nullptr, false);
        if (!j.is_discarded()) collect_receipts(j, receipts);
      }
  }
  int checked = 0, with_logs = 0;
  for (const json& j : receipts) {
    if (!j.contains("status")) continue;  // pre-Byzantium (state root form)
    const Receipt r = receipt_from_rpc(j);
    EXPECT_EQ(to_hex(r.bloom, true), j.at("logsBloom").get<std::string>()) << j.at("transactionHash");
    const Bytes enc = encode_receipt(r);
    auto back = decode_receipt(enc);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, r);
    ++checked;
    if (!r.logs.empty()) ++with_logs;
  }
  EXPECT_GE(checked, 8);  // the distinct post-Byzantium receipts recorded (types 0-4)
  EXPECT_GE(with_logs, 3);
}

// Header fields 5 (receiptsRoot) and 6 (logsBloom) of block `number` in chain.rlp.
std::pair<Hash32, Bloom> header_receipt_fields(std::uint64_t number) {
  std::ifstream f(apis_dir() / "chain.rlp", std::ios::binary);
  const Bytes chain((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  RlpReader blocks(chain);
  while (!blocks.empty()) {
    auto block = blocks.read_list();
    EXPECT_TRUE(block.ok());
    auto header = block->read_list();
    EXPECT_TRUE(header.ok());
    std::vector<RlpItem> fields;
    while (!header->empty()) fields.push_back(*header->next());
    if (*rlp_uint64(fields.at(8)) == number) return {*rlp_fixed<32>(fields.at(5)), *rlp_fixed<256>(fields.at(6))};
  }
  ADD_FAILURE() << "block " << number << " not in chain.rlp";
  return {};
}

// eth_getBlockReceipts("latest") = all receipts of the last block: their trie root and OR-ed blooms must
// be the block header's receiptsRoot and logsBloom.
TEST(Receipts, BlockReceiptsRootAndBloom) {
  const json result = rpc_result(apis_dir() / "eth_getBlockReceipts" / "get-block-receipts-latest.io");
  ASSERT_TRUE(result.is_array());
  ASSERT_FALSE(result.empty());
  const std::uint64_t number = uint256::from_hex(result[0].at("blockNumber").get<std::string>())->low64();
  std::vector<Receipt> receipts;
  Bloom block_bloom;
  for (const json& j : result) {
    receipts.push_back(receipt_from_rpc(j));
    bloom_or(block_bloom, receipts.back().bloom);
  }
  const auto [root, bloom] = header_receipt_fields(number);
  EXPECT_EQ(receipts_root(receipts), root);
  EXPECT_EQ(block_bloom, bloom);
}

TEST(Receipts, EncodingLayout) {
  Receipt r;
  r.type = TxType::kLegacy;
  r.status = true;
  r.cumulative_gas_used = 21000;
  const Bytes legacy = encode_receipt(r);
  // f9 0108: list of 264 bytes = 01 (status) + 825208 (gas) + b90100 <256 zero bytes> + c0 (no logs).
  ASSERT_EQ(legacy.size(), 267u);
  EXPECT_EQ(to_hex(ByteView(legacy).first(9)), "f9010801825208b901");
  EXPECT_EQ(legacy.back(), 0xc0);
  r.type = TxType::kDynamicFee;
  r.status = false;
  const Bytes typed = encode_receipt(r);
  EXPECT_EQ(typed[0], 0x02);
  EXPECT_EQ(to_hex(ByteView(typed).subspan(1, 4)), "f9010880");

  // Strictness.
  Bytes bad = typed;
  bad[0] = 0x05;
  EXPECT_FALSE(decode_receipt(bad).ok());
  RlpEncoder e;
  auto l = e.begin_list();
  e.add_bytes(Bytes(32, 1));  // pre-Byzantium post-state root
  e.add_uint(std::uint64_t{1});
  e.add_bytes(Bloom{});
  e.add_raw(Bytes{0xc0});
  e.end_list(l);
  EXPECT_FALSE(decode_receipt(std::move(e).finish()).ok());
  RlpEncoder e2;
  l = e2.begin_list();
  e2.add_uint(std::uint64_t{2});  // status 2
  e2.add_uint(std::uint64_t{1});
  e2.add_bytes(Bloom{});
  e2.add_raw(Bytes{0xc0});
  e2.end_list(l);
  EXPECT_FALSE(decode_receipt(std::move(e2).finish()).ok());
}

// Bit positions from the definition, computed by hand for one input: keccak256("") =
// c5d2460186f7233c927e7db2dcc703c0..., words c5d2, 4601, 86f7 -> bits 0x5d2 = 1490, 0x601 = 1537,
// 0x6f7 = 1783 -> bytes 255-186 = 69 mask 1<<2, 255-192 = 63 mask 1<<1, 255-222 = 33 mask 1<<7.
TEST(Bloom, BitPositions) {
  Bloom b;
  bloom_add(b, {});
  Bloom expected;
  expected[69] = 1 << 2;
  expected[63] = 1 << 1;
  expected[33] = 1 << 7;
  EXPECT_EQ(b, expected);
  EXPECT_TRUE(bloom_contains(b, {}));
  EXPECT_FALSE(bloom_contains(Bloom{}, {}));
}

}  // namespace
