// Block headers, bodies, whole blocks and the roots a header commits to. Oracles: execution-spec-tests
// v5.4.0 blockchain tests (../shared/fixtures/eest-blockchain_tests.tar.xz): each block's "rlp", its
// "blockHeader" fields and hash, its "transactions" and "withdrawals"; the requests hash of an EIP-6110
// deposit block is rebuilt from the deposit call's calldata and checked against the header's requestsHash.
#include "chain/block.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "chain/transaction_codec.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "state/mpt.hpp"
#include "support/testing.hpp"

using namespace igra::core;
using namespace igra::chain;
using nlohmann::json;

namespace {

// The fixture files these tests read: a few per block feature (typed transactions of every type,
// withdrawals, requests, invalid headers of London through Osaka).
const char* const kFixtureFiles[] = {
    "blockchain_tests/prague/eip6110_deposits/test_eip_6110.json",
    "blockchain_tests/prague/eip7002_el_triggerable_withdrawals/test_eip_7002.json",
    "blockchain_tests/prague/eip7702_set_code_tx/test_eip_7702.json",
    "blockchain_tests/shanghai/eip4895_withdrawals/test_large_amount.json",
    "blockchain_tests/cancun/eip4844_blobs/test_blobhash_multiple_txs_in_block.json",
    "blockchain_tests/berlin/eip2930_access_list/test_repeated_address_acl.json",
    "blockchain_tests/london/eip1559_fee_market_change/test_eip1559_tx_validity.json",
    "blockchain_tests/london/validation/test_invalid_header.json",
};

// Extracts only kFixtureFiles from the (875 MB unpacked) archive, once per build tree. ctest runs each test
// in its own process, possibly in parallel: each extracts into a private directory and renames it into
// place, so a reader never sees a half-written file.
std::filesystem::path fixture_dir() {
  static const std::filesystem::path dir = [] {
    const auto archive = igra::testing::shared_path("fixtures/eest-blockchain_tests.tar.xz");
    const auto out = igra::testing::binary_dir() / "fixtures" / "eest-blockchain_tests-block-codec";
    if (std::filesystem::exists(out / ".unpacked")) return out;
    const std::filesystem::path tmp = out.string() + ".tmp." + std::to_string(::getpid());
    std::filesystem::create_directories(tmp);
    std::string cmd = "tar -xJf '" + archive.string() + "' -C '" + tmp.string() + "'";
    for (const char* f : kFixtureFiles) cmd += std::string(" '") + f + "'";
    if (std::system(cmd.c_str()) != 0) {
      ADD_FAILURE() << "failed: " << cmd;
      return out;
    }
    std::ofstream(tmp / ".unpacked") << "ok\n";
    std::error_code ec;
    std::filesystem::rename(tmp, out, ec);  // fails when another process got there first
    if (ec) std::filesystem::remove_all(tmp, ec);
    return out;
  }();
  return dir;
}

json load_fixture(const char* file) { return igra::testing::load_json(fixture_dir() / file); }

std::uint64_t u64(const json& j) {
  auto v = uint256::from_hex(j.get<std::string>());
  EXPECT_TRUE(v.ok() && v->fits_uint64()) << j;
  return v.ok() ? v->low64() : 0;
}
uint256 u256(const json& j) { return *uint256::from_hex(j.get<std::string>()); }
template <std::size_t N>
FixedBytes<N> fixed(const json& j) {
  auto v = fixed_from_hex<N>(j.get<std::string>());
  EXPECT_TRUE(v.ok()) << j;
  return v.ok() ? *v : FixedBytes<N>{};
}

// Every field of a header against a fixture's blockHeader object (its hash included).
void expect_header_matches(const BlockHeader& h, const json& j, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(h.parent_hash, fixed<32>(j.at("parentHash")));
  EXPECT_EQ(h.ommers_hash, fixed<32>(j.at("uncleHash")));
  EXPECT_EQ(h.coinbase, fixed<20>(j.at("coinbase")));
  EXPECT_EQ(h.state_root, fixed<32>(j.at("stateRoot")));
  EXPECT_EQ(h.transactions_root, fixed<32>(j.at("transactionsTrie")));
  EXPECT_EQ(h.receipts_root, fixed<32>(j.at("receiptTrie")));
  EXPECT_EQ(h.logs_bloom, fixed<256>(j.at("bloom")));
  EXPECT_EQ(h.difficulty, u256(j.at("difficulty")));
  EXPECT_EQ(h.number, u64(j.at("number")));
  EXPECT_EQ(h.gas_limit, u64(j.at("gasLimit")));
  EXPECT_EQ(h.gas_used, u64(j.at("gasUsed")));
  EXPECT_EQ(h.timestamp, u64(j.at("timestamp")));
  EXPECT_EQ(h.extra_data, hex_or_die(j.at("extraData").get<std::string>()));
  EXPECT_EQ(h.mix_hash, fixed<32>(j.at("mixHash")));
  EXPECT_EQ(h.nonce, fixed<8>(j.at("nonce")));
  EXPECT_EQ(h.base_fee_per_gas.has_value(), j.contains("baseFeePerGas"));
  if (j.contains("baseFeePerGas") && h.base_fee_per_gas) {
    EXPECT_EQ(*h.base_fee_per_gas, u256(j["baseFeePerGas"]));
  }
  EXPECT_EQ(h.withdrawals_root.has_value(), j.contains("withdrawalsRoot"));
  if (j.contains("withdrawalsRoot") && h.withdrawals_root) {
    EXPECT_EQ(*h.withdrawals_root, fixed<32>(j["withdrawalsRoot"]));
  }
  EXPECT_EQ(h.blob_gas_used.has_value(), j.contains("blobGasUsed"));
  if (j.contains("blobGasUsed") && h.blob_gas_used) {
    EXPECT_EQ(*h.blob_gas_used, u64(j["blobGasUsed"]));
  }
  EXPECT_EQ(h.excess_blob_gas.has_value(), j.contains("excessBlobGas"));
  if (j.contains("excessBlobGas") && h.excess_blob_gas) {
    EXPECT_EQ(*h.excess_blob_gas, u64(j["excessBlobGas"]));
  }
  EXPECT_EQ(h.parent_beacon_block_root.has_value(), j.contains("parentBeaconBlockRoot"));
  if (j.contains("parentBeaconBlockRoot") && h.parent_beacon_block_root) {
    EXPECT_EQ(*h.parent_beacon_block_root, fixed<32>(j["parentBeaconBlockRoot"]));
  }
  EXPECT_EQ(h.requests_hash.has_value(), j.contains("requestsHash"));
  if (j.contains("requestsHash") && h.requests_hash) {
    EXPECT_EQ(*h.requests_hash, fixed<32>(j["requestsHash"]));
  }
  EXPECT_EQ(header_hash(h), fixed<32>(j.at("hash")));
}

struct Counts {
  int valid_blocks = 0;
  int invalid_decoded = 0;
  int invalid_rejected = 0;
  int transactions = 0;
  int withdrawals = 0;
  int genesis = 0;
};

void check_file(const char* file, Counts& n) {
  const json doc = load_fixture(file);
  ASSERT_FALSE(doc.empty()) << file;
  for (const auto& [name, c] : doc.items()) {
    const std::string where = std::string(file) + " " + name;
    // Genesis: its RLP is a whole block without transactions.
    {
      const Bytes rlp = hex_or_die(c.at("genesisRLP").get<std::string>());
      auto g = decode_block(rlp);
      ASSERT_TRUE(g.ok()) << where << " genesis: " << g.error().message;
      expect_header_matches(g->header, c.at("genesisBlockHeader"), where + " genesis");
      EXPECT_EQ(encode_block(*g), rlp) << where;
      ++n.genesis;
    }
    for (const auto& b : c.at("blocks")) {
      const Bytes rlp = hex_or_die(b.at("rlp").get<std::string>());
      auto block = decode_block(rlp);
      if (!b.contains("blockHeader")) {
        // An invalid block: it may or may not be well-formed; when it decodes it must re-encode exactly.
        ASSERT_TRUE(b.contains("expectException")) << where;
        if (block.ok()) {
          EXPECT_EQ(encode_block(*block), rlp) << where;
          ++n.invalid_decoded;
        } else {
          ++n.invalid_rejected;
        }
        continue;
      }
      ASSERT_TRUE(block.ok()) << where << ": " << block.error().message;
      ++n.valid_blocks;
      EXPECT_EQ(encode_block(*block), rlp) << where;
      const BlockHeader& h = block->header;
      expect_header_matches(h, b.at("blockHeader"), where);
      // The header alone.
      const Bytes header_rlp = encode_header(h);
      auto h2 = decode_header(header_rlp);
      ASSERT_TRUE(h2.ok()) << where;
      EXPECT_EQ(*h2, h);
      // The body alone.
      const Bytes body_rlp = encode_body(block->body);
      auto body2 = decode_body(body_rlp);
      ASSERT_TRUE(body2.ok()) << where << ": " << body2.error().message;
      EXPECT_EQ(*body2, block->body);

      // Transactions: canonical forms that decode to the fixture's fields, and their root.
      const auto& txs = b.at("transactions");
      ASSERT_EQ(block->body.transactions.size(), txs.size()) << where;
      for (std::size_t i = 0; i < txs.size(); ++i) {
        auto tx = decode_transaction(block->body.transactions[i]);
        ASSERT_TRUE(tx.ok()) << where << " tx " << i;
        EXPECT_EQ(encode_transaction(*tx), block->body.transactions[i]);
        EXPECT_EQ(static_cast<std::uint64_t>(tx->type), u64(txs[i].at("type"))) << where << " tx " << i;
        EXPECT_EQ(tx->nonce, u64(txs[i].at("nonce")));
        EXPECT_EQ(tx->gas_limit, u64(txs[i].at("gasLimit")));
        EXPECT_EQ(tx->value, u256(txs[i].at("value")));
        EXPECT_EQ(tx->data, hex_or_die(txs[i].at("data").get<std::string>()));
        EXPECT_EQ(tx->r, u256(txs[i].at("r")));
        ++n.transactions;
      }
      EXPECT_EQ(transactions_root(block->body.transactions), h.transactions_root) << where;
      EXPECT_EQ(block->body.ommers.size(), b.at("uncleHeaders").size());

      // Withdrawals: present exactly from Shanghai on, equal to the fixture's, and their root.
      EXPECT_EQ(block->body.withdrawals.has_value(), h.withdrawals_root.has_value()) << where;
      if (block->body.withdrawals) {
        const auto& ws = b.at("withdrawals");
        ASSERT_EQ(block->body.withdrawals->size(), ws.size()) << where;
        for (std::size_t i = 0; i < ws.size(); ++i) {
          const Withdrawal& w = (*block->body.withdrawals)[i];
          EXPECT_EQ(w.index, u64(ws[i].at("index")));
          EXPECT_EQ(w.validator_index, u64(ws[i].at("validatorIndex")));
          EXPECT_EQ(w.address, fixed<20>(ws[i].at("address")));
          EXPECT_EQ(w.amount_gwei, u64(ws[i].at("amount")));
          ++n.withdrawals;
        }
        EXPECT_EQ(withdrawals_root(*block->body.withdrawals), *h.withdrawals_root) << where;
      }
    }
  }
}

TEST(Block, EestBlocksDecodeEncodeAndRoots) {
  Counts n;
  for (const char* f : kFixtureFiles) {
    check_file(f, n);
    if (HasFatalFailure()) return;
  }
  // The selection must actually exercise every path (guards against an empty unpack).
  EXPECT_GE(n.genesis, 20);
  EXPECT_GE(n.valid_blocks, 20);
  EXPECT_GE(n.transactions, 20);
  EXPECT_GE(n.withdrawals, 5);
  EXPECT_GE(n.invalid_decoded + n.invalid_rejected, 10);
  std::printf("genesis %d, valid blocks %d, invalid blocks decoded %d / rejected %d, txs %d, withdrawals %d\n",
              n.genesis, n.valid_blocks, n.invalid_decoded, n.invalid_rejected, n.transactions, n.withdrawals);
}

TEST(Block, EestTypedTransactionsOfEveryType) {
  // Types 0-4 all appear in the selected fixtures' block bodies.
  bool seen[5] = {};
  for (const char* f : kFixtureFiles) {
    const json doc = load_fixture(f);
    for (const auto& [name, c] : doc.items())
      for (const auto& b : c.at("blocks")) {
        if (!b.contains("blockHeader")) continue;
        auto block = decode_block(hex_or_die(b.at("rlp").get<std::string>()));
        ASSERT_TRUE(block.ok());
        for (const Bytes& tx : block->body.transactions) {
          ASSERT_FALSE(tx.empty());
          const unsigned type = tx[0] >= 0xc0 ? 0u : tx[0];
          ASSERT_LT(type, 5u);
          seen[type] = true;
        }
      }
  }
  for (int t = 0; t < 5; ++t) EXPECT_TRUE(seen[t]) << "no transaction of type " << t;
}

// Reads an ABI `bytes` argument (head offset `arg` * 32) from calldata without the selector.
Bytes abi_bytes(const Bytes& args, std::size_t arg) {
  const std::size_t off = uint256::from_be_bytes(ByteView(args).subspan(32 * arg, 32)).low64();
  const std::size_t len = uint256::from_be_bytes(ByteView(args).subspan(off, 32)).low64();
  return Bytes(args.begin() + static_cast<std::ptrdiff_t>(off + 32),
               args.begin() + static_cast<std::ptrdiff_t>(off + 32 + len));
}

TEST(Block, RequestsHashOfEestDepositBlock) {
  // test_eip_6110 single_deposit_from_eoa_minimum: one call to the deposit contract
  // deposit(pubkey, withdrawal_credentials, signature, deposit_data_root) in block 1; EIP-6110's request is
  // pubkey || withdrawal_credentials || amount (gwei, 8 bytes LE) || signature || index (8 bytes LE).
  const json doc = load_fixture(kFixtureFiles[0]);
  const json& c = doc.begin().value();
  const json& b = c.at("blocks").at(0);
  const json& tx = b.at("transactions").at(0);
  const Bytes data = hex_or_die(tx.at("data").get<std::string>());
  ASSERT_GT(data.size(), 4u);
  const Bytes args(data.begin() + 4, data.end());
  Request r;
  r.type = 0;
  append(r.data, abi_bytes(args, 0));
  append(r.data, abi_bytes(args, 1));
  put_le<std::uint64_t>(r.data, (u256(tx.at("value")) / uint256(1'000'000'000)).low64());
  append(r.data, abi_bytes(args, 2));
  put_le<std::uint64_t>(r.data, 0);
  ASSERT_EQ(r.data.size(), 48u + 32 + 8 + 96 + 8);
  const Hash32 want = fixed<32>(b.at("blockHeader").at("requestsHash"));
  EXPECT_EQ(requests_hash({r}), want);
  // Requests with empty data are left out; the order of the others counts.
  EXPECT_EQ(requests_hash({Request{1, {}}, r, Request{2, {}}}), want);
  EXPECT_NE(requests_hash({r, Request{1, {0x01}}}), want);
  EXPECT_NE(requests_hash({Request{1, {0x01}}, r}), requests_hash({r, Request{1, {0x01}}}));
}

TEST(Block, EmptyRequestsHashInPragueBlocksWithoutRequests) {
  EXPECT_EQ(requests_hash({}), kEmptyRequestsHash);
  EXPECT_EQ(requests_hash({Request{0, {}}, Request{1, {}}, Request{2, {}}}), kEmptyRequestsHash);
  EXPECT_EQ(to_hex(kEmptyRequestsHash), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // test_eip_7702 Prague blocks: no deposits, nothing queued in the EIP-7002/7251 contracts.
  const json doc = load_fixture("blockchain_tests/prague/eip7702_set_code_tx/test_eip_7702.json");
  int checked = 0;
  for (const auto& [name, c] : doc.items()) {
    if (c.at("network") != "Prague") continue;
    for (const auto& b : c.at("blocks")) {
      if (!b.contains("blockHeader")) continue;
      EXPECT_EQ(fixed<32>(b["blockHeader"].at("requestsHash")), requests_hash({})) << name;
      ++checked;
    }
  }
  EXPECT_GE(checked, 1);
}

TEST(Block, EmptyRootsAndConstants) {
  EXPECT_EQ(transactions_root({}), igra::state::kEmptyTrieRoot);
  EXPECT_EQ(withdrawals_root({}), igra::state::kEmptyTrieRoot);
  EXPECT_EQ(keccak256(rlp_encode_list({})), kEmptyOmmersHash);
}

// ---- strict decoding ----

// The encoded items of a header, in RLP order, so tests can damage one field at a time.
std::vector<Bytes> header_items(const BlockHeader& h) {
  std::vector<Bytes> v;
  const Bytes rlp = encode_header(h);
  auto r = RlpReader::of_encoded_list(rlp);
  EXPECT_TRUE(r.ok());
  while (!r->empty()) {
    auto it = r->next();
    v.emplace_back(it->raw.begin(), it->raw.end());
  }
  return v;
}

BlockHeader prague_header() {
  BlockHeader h;
  h.parent_hash[0] = 0x11;
  h.coinbase[19] = 0x22;
  h.state_root[5] = 0x33;
  h.transactions_root = igra::state::kEmptyTrieRoot;
  h.receipts_root = igra::state::kEmptyTrieRoot;
  h.number = 7;
  h.gas_limit = 30'000'000;
  h.gas_used = 21'000;
  h.timestamp = 1'700'000'000;
  h.extra_data = {0xab, 0xcd};
  h.base_fee_per_gas = uint256(7);
  h.withdrawals_root = igra::state::kEmptyTrieRoot;
  h.blob_gas_used = 0;
  h.excess_blob_gas = 0;
  h.parent_beacon_block_root = Hash32{};
  h.requests_hash = kEmptyRequestsHash;
  return h;
}

TEST(BlockStrict, HeaderRoundTripAndFieldCounts) {
  const BlockHeader full = prague_header();
  auto items = header_items(full);
  ASSERT_EQ(items.size(), 21u);
  // Every prefix from 15 fields (pre-London) to 21 (Prague) decodes, with exactly those fields present.
  for (std::size_t n = 15; n <= 21; ++n) {
    std::vector<Bytes> prefix(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n));
    auto h = decode_header(rlp_encode_list(prefix));
    ASSERT_TRUE(h.ok()) << n << ": " << h.error().message;
    EXPECT_EQ(encode_header(*h), rlp_encode_list(prefix)) << n;
    EXPECT_EQ(h->base_fee_per_gas.has_value(), n >= 16);
    EXPECT_EQ(h->requests_hash.has_value(), n >= 21);
  }
  for (std::size_t n = 0; n < 15; ++n) {
    std::vector<Bytes> prefix(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(decode_header(rlp_encode_list(prefix)).ok()) << n << " fields";
  }
  // 22 fields.
  auto more = items;
  more.push_back(rlp_encode_bytes(kEmptyRequestsHash));
  EXPECT_FALSE(decode_header(rlp_encode_list(more)).ok());
}

TEST(BlockStrict, TrailingBytes) {
  const Bytes rlp = encode_header(prague_header());
  Bytes bad = rlp;
  bad.push_back(0x00);
  EXPECT_FALSE(decode_header(bad).ok());
  Block b;
  b.header = prague_header();
  b.body.withdrawals = std::vector<Withdrawal>{};
  Bytes block_rlp = encode_block(b);
  ASSERT_TRUE(decode_block(block_rlp).ok());
  block_rlp.push_back(0x80);
  EXPECT_FALSE(decode_block(block_rlp).ok());
  Bytes body_rlp = encode_body(b.body);
  ASSERT_TRUE(decode_body(body_rlp).ok());
  body_rlp.push_back(0xc0);
  EXPECT_FALSE(decode_body(body_rlp).ok());
}

TEST(BlockStrict, OptionalFieldsOnlyInOrder) {
  BlockHeader h = prague_header();
  auto items = header_items(h);
  // requestsHash right after withdrawalsRoot (no Cancun fields): lands in blobGasUsed, a 32-byte integer.
  std::vector<Bytes> shanghai_plus_requests(items.begin(), items.begin() + 17);
  shanghai_plus_requests.push_back(items[20]);
  EXPECT_FALSE(decode_header(rlp_encode_list(shanghai_plus_requests)).ok());
  // Cancun fields without withdrawalsRoot: blobGasUsed (an 8-byte slot) in the 32-byte withdrawalsRoot slot.
  std::vector<Bytes> london_plus_blob(items.begin(), items.begin() + 16);
  london_plus_blob.push_back(items[17]);
  EXPECT_FALSE(decode_header(rlp_encode_list(london_plus_blob)).ok());
  // The encoder cannot write a field whose predecessor is absent: it stops at the gap.
  BlockHeader gap = h;
  gap.parent_beacon_block_root.reset();
  auto d = decode_header(encode_header(gap));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->requests_hash.has_value());
  EXPECT_TRUE(d->excess_blob_gas.has_value());
}

TEST(BlockStrict, WrongWidths) {
  const auto items = header_items(prague_header());
  auto with = [&](std::size_t i, Bytes item) {
    auto v = items;
    v[i] = std::move(item);
    return rlp_encode_list(v);
  };
  const Bytes b31(31, 0x01), b33(33, 0x01), b19(19, 0x01), b21(21, 0x01), b7(7, 0x01), b9(9, 0x01);
  EXPECT_FALSE(decode_header(with(0, rlp_encode_bytes(b31))).ok()) << "parentHash 31 bytes";
  EXPECT_FALSE(decode_header(with(1, rlp_encode_bytes(b33))).ok()) << "ommersHash 33 bytes";
  EXPECT_FALSE(decode_header(with(2, rlp_encode_bytes(b19))).ok()) << "coinbase 19 bytes";
  EXPECT_FALSE(decode_header(with(2, rlp_encode_bytes(b21))).ok()) << "coinbase 21 bytes";
  EXPECT_FALSE(decode_header(with(6, rlp_encode_bytes(Bytes(255, 0)))).ok()) << "bloom 255 bytes";
  EXPECT_FALSE(decode_header(with(7, rlp_encode_bytes(b33))).ok()) << "difficulty 33 bytes";
  EXPECT_FALSE(decode_header(with(8, rlp_encode_bytes(b9))).ok()) << "number 9 bytes";
  EXPECT_FALSE(decode_header(with(8, rlp_encode_bytes(Bytes{0x00, 0x07}))).ok()) << "number leading zero";
  EXPECT_FALSE(decode_header(with(8, rlp_encode_bytes(Bytes{0x00}))).ok()) << "number as 0x00";
  EXPECT_FALSE(decode_header(with(9, rlp_encode_bytes(b9))).ok()) << "gasLimit 9 bytes";
  EXPECT_FALSE(decode_header(with(11, rlp_encode_bytes(b9))).ok()) << "timestamp 9 bytes";
  EXPECT_FALSE(decode_header(with(13, rlp_encode_bytes(b31))).ok()) << "mixHash 31 bytes";
  EXPECT_FALSE(decode_header(with(14, rlp_encode_bytes(b7))).ok()) << "nonce 7 bytes";
  EXPECT_FALSE(decode_header(with(14, rlp_encode_bytes(b9))).ok()) << "nonce 9 bytes";
  EXPECT_FALSE(decode_header(with(15, rlp_encode_bytes(b33))).ok()) << "baseFee 33 bytes";
  EXPECT_FALSE(decode_header(with(16, rlp_encode_bytes(b31))).ok()) << "withdrawalsRoot 31 bytes";
  EXPECT_FALSE(decode_header(with(17, rlp_encode_bytes(b9))).ok()) << "blobGasUsed 9 bytes";
  EXPECT_FALSE(decode_header(with(18, rlp_encode_bytes(b9))).ok()) << "excessBlobGas 9 bytes";
  EXPECT_FALSE(decode_header(with(19, rlp_encode_bytes(b33))).ok()) << "parentBeaconBlockRoot 33 bytes";
  EXPECT_FALSE(decode_header(with(20, rlp_encode_bytes(b31))).ok()) << "requestsHash 31 bytes";
  EXPECT_FALSE(decode_header(with(12, rlp_encode_list({}))).ok()) << "extraData as a list";
  EXPECT_FALSE(decode_header(with(0, rlp_encode_list({}))).ok()) << "parentHash as a list";
  // A header given as a string.
  EXPECT_FALSE(decode_header(rlp_encode_bytes(encode_header(prague_header()))).ok());
  // Control: the undamaged items decode.
  EXPECT_TRUE(decode_header(rlp_encode_list(items)).ok());
}

TEST(BlockStrict, BodyShapes) {
  const Bytes header = encode_header(prague_header());
  const Bytes empty_list = rlp_encode_list({});
  // [header, txs, ommers, withdrawals] decodes; with a fifth list it does not.
  EXPECT_TRUE(decode_block(rlp_encode_list({header, empty_list, empty_list, empty_list})).ok());
  EXPECT_FALSE(decode_block(rlp_encode_list({header, empty_list, empty_list, empty_list, empty_list})).ok());
  // Withdrawals absent (pre-Shanghai) is a valid shape; missing ommers is not.
  auto pre = decode_block(rlp_encode_list({header, empty_list, empty_list}));
  ASSERT_TRUE(pre.ok());
  EXPECT_FALSE(pre->body.withdrawals.has_value());
  EXPECT_FALSE(decode_block(rlp_encode_list({header, empty_list})).ok());
  // Transactions given as a string instead of a list.
  EXPECT_FALSE(decode_block(rlp_encode_list({header, rlp_encode_bytes(Bytes{1, 2}), empty_list})).ok());
  // Withdrawals: 4 fields, address 20 bytes, integers at most 8 bytes.
  Withdrawal w{1, 2, Address20{}, 3};
  w.address[0] = 0x42;
  const Bytes good_w = encode_withdrawal(w);
  auto block_with = [&](const Bytes& wd) {
    return decode_block(rlp_encode_list({header, empty_list, empty_list, rlp_encode_list({wd})}));
  };
  auto ok = block_with(good_w);
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(ok->body.withdrawals.has_value());
  EXPECT_EQ(ok->body.withdrawals->at(0), w);
  EXPECT_FALSE(block_with(rlp_encode_list({rlp_encode_uint(1), rlp_encode_uint(2), rlp_encode_bytes(w.address)})).ok());
  EXPECT_FALSE(block_with(rlp_encode_list({rlp_encode_uint(1), rlp_encode_uint(2), rlp_encode_bytes(w.address),
                                           rlp_encode_uint(3), rlp_encode_uint(4)}))
                   .ok());
  EXPECT_FALSE(block_with(rlp_encode_list({rlp_encode_uint(1), rlp_encode_uint(2), rlp_encode_bytes(Bytes(19, 1)),
                                           rlp_encode_uint(3)}))
                   .ok());
  EXPECT_FALSE(block_with(rlp_encode_list({rlp_encode_uint(1), rlp_encode_uint(2), rlp_encode_bytes(w.address),
                                           rlp_encode_bytes(Bytes(9, 1))}))
                   .ok());
  // A malformed ommer header.
  EXPECT_FALSE(decode_block(rlp_encode_list({header, empty_list, rlp_encode_list({empty_list}), empty_list})).ok());
}

TEST(BlockStrict, TransactionForms) {
  // A legacy transaction from the fixtures: as a list it decodes, wrapped in a string it does not; a typed
  // one: wrapped in a string it decodes, spliced in as a bare type byte + list it does not.
  const json doc = load_fixture("blockchain_tests/london/eip1559_fee_market_change/test_eip1559_tx_validity.json");
  Bytes legacy, typed;
  for (const auto& [name, c] : doc.items())
    for (const auto& b : c.at("blocks")) {
      if (!b.contains("blockHeader")) continue;
      auto block = decode_block(hex_or_die(b.at("rlp").get<std::string>()));
      ASSERT_TRUE(block.ok());
      for (const Bytes& tx : block->body.transactions) (tx[0] >= 0xc0 ? legacy : typed) = tx;
    }
  ASSERT_FALSE(typed.empty());
  const Bytes header = encode_header(prague_header());
  const Bytes empty_list = rlp_encode_list({});
  auto with_tx_item = [&](const Bytes& item) {
    return decode_block(rlp_encode_list({header, rlp_encode_list({item}), empty_list, empty_list}));
  };
  auto t = with_tx_item(rlp_encode_bytes(typed));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->body.transactions.at(0), typed);
  EXPECT_FALSE(with_tx_item(typed).ok()) << "typed tx not wrapped in a string";
  if (!legacy.empty()) {
    auto l = with_tx_item(legacy);
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l->body.transactions.at(0), legacy);
    EXPECT_FALSE(with_tx_item(rlp_encode_bytes(legacy)).ok()) << "legacy tx wrapped in a string";
  }
  // Garbage inside the string.
  EXPECT_FALSE(with_tx_item(rlp_encode_bytes(Bytes{0x02, 0xc0})).ok());
  EXPECT_FALSE(with_tx_item(rlp_encode_bytes(Bytes{0x07, 0xc0})).ok());
}

}  // namespace
