// Genesis files. Oracle: ../shared/igra/expected.json (values recomputed from Igra's launcher templates;
// the genesis hashes equal the networks' published GENESIS_BLOCK_HASH) for the two rendered genesis files
// ../shared/igra/<net>.genesis.json, and the sha256 of <net>.network-params.md as the extraData.
#include "chain/genesis.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "crypto/sha256.hpp"
#include "state/mpt.hpp"
#include "support/testing.hpp"

using namespace igra::core;
using namespace igra::chain;
using nlohmann::json;

namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << p;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

const json& expected() {
  static const json j = igra::testing::load_json(igra::testing::shared_path("igra/expected.json"));
  return j;
}

std::string genesis_text(const std::string& net) {
  return read_text(igra::testing::shared_path("igra/" + net + ".genesis.json"));
}

Genesis load(const std::string& net) {
  auto g = load_genesis(igra::testing::shared_path("igra/" + net + ".genesis.json"));
  EXPECT_TRUE(g.ok()) << net << ": " << (g.ok() ? "" : g.error().message);
  return g.ok() ? *g : Genesis{};
}

// A header field as expected.json writes it: hex strings for byte fields, JSON numbers for integers.
void expect_field(const BlockHeader& h, const std::string& name, const json& want, const std::string& net) {
  SCOPED_TRACE(net + " " + name);
  auto hex = [&](ByteView b) { EXPECT_EQ(to_hex(b, true), want.get<std::string>()); };
  auto num = [&](std::uint64_t v) { EXPECT_EQ(v, want.get<std::uint64_t>()); };
  if (name == "parentHash") hex(h.parent_hash);
  else if (name == "ommersHash") hex(h.ommers_hash);
  else if (name == "coinbase") hex(h.coinbase);
  else if (name == "stateRoot") hex(h.state_root);
  else if (name == "transactionsRoot") hex(h.transactions_root);
  else if (name == "receiptsRoot") hex(h.receipts_root);
  else if (name == "logsBloom") hex(h.logs_bloom);
  else if (name == "difficulty") EXPECT_EQ(h.difficulty, uint256(want.get<std::uint64_t>()));
  else if (name == "number") num(h.number);
  else if (name == "gasLimit") num(h.gas_limit);
  else if (name == "gasUsed") num(h.gas_used);
  else if (name == "timestamp") num(h.timestamp);
  else if (name == "extraData") hex(h.extra_data);
  else if (name == "mixHash") hex(h.mix_hash);
  else if (name == "nonce") hex(h.nonce);
  else if (name == "baseFeePerGas") {
    ASSERT_TRUE(h.base_fee_per_gas.has_value());
    EXPECT_EQ(*h.base_fee_per_gas, uint256(want.get<std::uint64_t>()));
  } else if (name == "withdrawalsRoot") {
    ASSERT_TRUE(h.withdrawals_root.has_value());
    hex(*h.withdrawals_root);
  } else if (name == "blobGasUsed") {
    ASSERT_TRUE(h.blob_gas_used.has_value());
    num(*h.blob_gas_used);
  } else if (name == "excessBlobGas") {
    ASSERT_TRUE(h.excess_blob_gas.has_value());
    num(*h.excess_blob_gas);
  } else if (name == "parentBeaconBlockRoot") {
    ASSERT_TRUE(h.parent_beacon_block_root.has_value());
    hex(*h.parent_beacon_block_root);
  } else if (name == "requestsHash") {
    ASSERT_TRUE(h.requests_hash.has_value());
    hex(*h.requests_hash);
  } else {
    ADD_FAILURE() << "unknown header field " << name;
  }
}

const GenesisAccount* find_account(const Genesis& g, std::string_view address) {
  const Address20 a = *fixed_from_hex<20>(address);
  for (const auto& acc : g.alloc)
    if (acc.address == a) return &acc;
  return nullptr;
}

class GenesisIgra : public ::testing::TestWithParam<std::string> {};

TEST_P(GenesisIgra, MatchesExpectedJson) {
  const std::string net = GetParam();
  const json& e = expected().at("networks").at(net);
  const Genesis g = load(net);
  const BlockHeader& h = g.header;

  // Header fields, in RLP order, exactly as listed.
  const json& fields = e.at("genesis_header");
  ASSERT_EQ(fields.size(), 21u);
  for (const auto& f : fields) expect_field(h, f.at(0).get<std::string>(), f.at(1), net);
  static const char* const kOrder[] = {"parentHash", "ommersHash", "coinbase", "stateRoot", "transactionsRoot",
                                       "receiptsRoot", "logsBloom", "difficulty", "number", "gasLimit", "gasUsed",
                                       "timestamp", "extraData", "mixHash", "nonce", "baseFeePerGas",
                                       "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot",
                                       "requestsHash"};
  for (std::size_t i = 0; i < 21; ++i) EXPECT_EQ(fields[i].at(0).get<std::string>(), kOrder[i]);

  EXPECT_EQ(to_hex(encode_header(h), true), e.at("genesis_header_rlp").get<std::string>());
  EXPECT_EQ(to_hex(g.hash, true), e.at("genesis_block_hash").get<std::string>());
  EXPECT_EQ(header_hash(h), g.hash);
  EXPECT_EQ(to_hex(h.state_root, true), e.at("state_root").get<std::string>());
  EXPECT_EQ(to_hex(h.extra_data, true), e.at("extra_data").get<std::string>());
  EXPECT_EQ(g.chain_id, uint256(e.at("chain_id").get<std::uint64_t>()));
  EXPECT_EQ(g.chain_id.to_hex(true), e.at("chain_id_hex").get<std::string>());
  EXPECT_EQ(h.timestamp, e.at("genesis_timestamp").get<std::uint64_t>());
  EXPECT_EQ(h.gas_limit, e.at("gas_limit").get<std::uint64_t>());
  ASSERT_TRUE(h.base_fee_per_gas.has_value());
  EXPECT_EQ(*h.base_fee_per_gas, uint256(e.at("base_fee_per_gas_genesis_wei").get<std::uint64_t>()));
  EXPECT_EQ(h.coinbase, *fixed_from_hex<20>(e.at("coinbase").get<std::string>()));
  // genesis_timestamp formula.
  EXPECT_EQ(h.timestamp, e.at("launch_daa_score").get<std::uint64_t>() / 10 -
                             e.at("l1_reference_daa_score").get<std::uint64_t>() / 10 +
                             e.at("l1_reference_timestamp").get<std::uint64_t>() - 1);

  // The decoded header equals the parsed one (all 21 fields present).
  auto d = decode_header(hex_or_die(e.at("genesis_header_rlp").get<std::string>()));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, h);

  // Fork schedule and config.
  EXPECT_EQ(g.forks.prague_time, std::optional<std::uint64_t>(0));
  EXPECT_EQ(g.forks.cancun_time, std::optional<std::uint64_t>(0));
  EXPECT_EQ(g.forks.shanghai_time, std::optional<std::uint64_t>(0));
  EXPECT_EQ(g.forks.london_block, std::optional<std::uint64_t>(0));
  EXPECT_FALSE(g.forks.osaka_time.has_value());
  EXPECT_EQ(g.forks.terminal_total_difficulty, std::optional<uint256>(uint256(0)));
  ASSERT_TRUE(g.deposit_contract.has_value());
  EXPECT_TRUE(g.deposit_contract->is_zero());
}

TEST_P(GenesisIgra, ExtraDataIsSha256OfNetworkParams) {
  const std::string net = GetParam();
  const json& e = expected().at("networks").at(net);
  const std::string params = read_text(igra::testing::shared_path("igra/" + net + ".network-params.md"));
  const json& file = e.at("files").at(net + ".network-params.md");
  ASSERT_EQ(params.size(), file.at("bytes").get<std::size_t>());
  EXPECT_EQ(to_hex(igra::crypto::sha256(as_bytes(params))), file.at("sha256").get<std::string>());
  const Genesis g = load(net);
  const Hash32 digest = igra::crypto::sha256(as_bytes(params));
  EXPECT_EQ(g.header.extra_data, Bytes(digest.begin(), digest.end()));
  // The genesis file is the one expected.json describes.
  const std::string text = genesis_text(net);
  const json& gf = e.at("files").at(net + ".genesis.json");
  EXPECT_EQ(text.size(), gf.at("bytes").get<std::size_t>());
  EXPECT_EQ(to_hex(igra::crypto::sha256(as_bytes(text))), gf.at("sha256").get<std::string>());
}

TEST_P(GenesisIgra, AllocMatchesFormulas) {
  const std::string net = GetParam();
  const json& e = expected().at("networks").at(net);
  const Genesis g = load(net);
  ASSERT_EQ(g.alloc.size(), 8u);
  for (std::size_t i = 1; i < g.alloc.size(); ++i) EXPECT_LT(g.alloc[i - 1].address, g.alloc[i].address);
  for (const auto& a : g.alloc) {
    EXPECT_EQ(a.nonce, 0u);
    EXPECT_TRUE(a.balance.is_zero());
    EXPECT_FALSE(a.code.empty());
  }
  // configurator getter: 0x73 || one-time address || 5f5260205ff3.
  const GenesisAccount* cfg = find_account(g, "0x9063d52b68D8883c882a5d4C34B0e4d58bA4b356");
  ASSERT_NE(cfg, nullptr);
  std::string one_time = e.at("one_time_address").get<std::string>().substr(2);
  for (char& c : one_time) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(to_hex(cfg->code), "73" + one_time + "5f5260205ff3");
  // timestamp-reference getter: 0x67 || u64be(daa) || 5f5267 || u64be(ts) || 60205260405ff3.
  const GenesisAccount* ts = find_account(g, "0x9A232AcF6dD107483D3466494b8E0CD39da1828D");
  ASSERT_NE(ts, nullptr);
  Bytes want = {0x67};
  put_be<std::uint64_t>(want, e.at("l1_reference_daa_score").get<std::uint64_t>());
  append(want, hex_or_die("5f5267"));
  put_be<std::uint64_t>(want, e.at("l1_reference_timestamp").get<std::uint64_t>());
  append(want, hex_or_die("60205260405ff3"));
  EXPECT_EQ(ts->code, want);
  // Only the fee proxy has storage: its EIP-1967 implementation slot.
  for (const auto& a : g.alloc) {
    if (a.address == *fixed_from_hex<20>(e.at("coinbase").get<std::string>())) {
      ASSERT_EQ(a.storage.size(), 1u);
      EXPECT_EQ(to_hex(a.storage[0].first), "360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc");
      EXPECT_EQ(a.storage[0].second, *uint256::from_hex("45acf4f486c100ab6cbda96dd3161c2eeffd8b2a"));
    } else {
      EXPECT_TRUE(a.storage.empty());
    }
  }
}

TEST_P(GenesisIgra, ChangesRebuildTheStateRoot) {
  // An independent path to the state root: the BlockChanges' accounts and storage through the state
  // layer's leaf encodings and trie.
  const std::string net = GetParam();
  const json& e = expected().at("networks").at(net);
  const Genesis g = load(net);
  const igra::state::BlockChanges c = genesis_changes(g);
  ASSERT_EQ(c.accounts.size(), g.alloc.size());
  EXPECT_EQ(c.code.size(), 8u);
  EXPECT_EQ(c.storage.size(), 1u);
  std::vector<std::pair<Bytes, Bytes>> accounts;
  for (const auto& ac : c.accounts) {
    ASSERT_TRUE(ac.account.has_value());
    EXPECT_FALSE(ac.wipe_storage);
    std::vector<std::pair<Bytes, Bytes>> slots;
    for (const auto& s : c.storage)
      if (s.address == ac.address)
        slots.emplace_back(Bytes(s.slot.begin(), s.slot.end()), igra::state::encode_storage_value(s.value));
    igra::state::Account a = *ac.account;
    a.storage_root = igra::state::secure_mpt_root(slots);
    bool code_found = a.code_hash == igra::state::kEmptyCodeHash;
    for (const Bytes& code : c.code) code_found = code_found || keccak256(code) == a.code_hash;
    EXPECT_TRUE(code_found);
    accounts.emplace_back(Bytes(ac.address.begin(), ac.address.end()), igra::state::encode_account(a));
  }
  EXPECT_EQ(to_hex(igra::state::secure_mpt_root(accounts), true), e.at("state_root").get<std::string>());
  // The in-memory state holds the same.
  const auto s = genesis_state(g);
  EXPECT_EQ(s.accounts().size(), g.alloc.size());
}

INSTANTIATE_TEST_SUITE_P(Genesis, GenesisIgra, ::testing::Values("mainnet", "galleon"),
                         [](const auto& info) { return info.param; });

// ---- variations on the mainnet file ----

json mainnet_json() { return json::parse(genesis_text("mainnet")); }

Result<Genesis> parse(const json& j) { return parse_genesis(j.dump()); }

std::string expected_hash(const std::string& net) {
  return expected().at("networks").at(net).at("genesis_block_hash").get<std::string>();
}

TEST(Genesis, QuantitiesAsHexDecimalOrNumber) {
  for (const json& ts : {json("1772021709"), json("0x699ee7cd"), json("0x00699EE7CD"), json(1772021709)}) {
    json j = mainnet_json();
    j["timestamp"] = ts;
    auto g = parse(j);
    ASSERT_TRUE(g.ok()) << ts << ": " << g.error().message;
    EXPECT_EQ(to_hex(g->hash, true), expected_hash("mainnet")) << ts;
  }
  for (const json& id : {json(38833), json("38833"), json("0x97b1")}) {
    json j = mainnet_json();
    j["config"]["chainId"] = id;
    auto g = parse(j);
    ASSERT_TRUE(g.ok()) << id;
    EXPECT_EQ(g->chain_id, uint256(38833));
  }
  json j = mainnet_json();
  j["gasLimit"] = 10000000000ull;
  j["baseFeePerGas"] = 1;
  j["nonce"] = "0";
  j["difficulty"] = 0;
  j["alloc"]["0x0000000000000000000000000000000000000FEE"]["balance"] = "0";
  auto g = parse(j);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(to_hex(g->hash, true), expected_hash("mainnet"));
}

TEST(Genesis, StorageShortFormsAndZeroValues) {
  json j = mainnet_json();
  auto& st = j["alloc"]["0x0000000000000000000000000000000000000FEE"]["storage"];
  st["0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc"] = "0x45acf4f486c100ab6cbda96dd3161c2eeffd8b2a";
  st["0x01"] = "0x0000";  // zero: not stored
  auto g = parse(j);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(to_hex(g->hash, true), expected_hash("mainnet"));
  // The same slot given twice (short and long forms).
  st["0x0000000000000000000000000000000000000000000000000000000000000001"] = "0x01";
  EXPECT_FALSE(parse(j).ok());
}

TEST(Genesis, DefaultsAndForkDependentFields) {
  // No baseFeePerGas: geth's 1 gwei.
  json j = mainnet_json();
  j.erase("baseFeePerGas");
  auto g = parse(j);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->header.base_fee_per_gas, std::optional<uint256>(uint256(1'000'000'000)));
  // No parentHash, no extraData, no mixHash, no coinbase: zero / empty.
  j = mainnet_json();
  for (const char* k : {"parentHash", "extraData", "mixHash", "coinbase", "nonce", "timestamp", "number", "gasUsed"})
    j.erase(k);
  g = parse(j);
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->header.parent_hash.is_zero());
  EXPECT_TRUE(g->header.extra_data.empty());
  EXPECT_TRUE(g->header.coinbase.is_zero());
  EXPECT_EQ(g->header.timestamp, 0u);
  // Prague not scheduled: a Cancun header (20 fields, no requestsHash).
  j = mainnet_json();
  j["config"].erase("pragueTime");
  g = parse(j);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->header.requests_hash.has_value());
  EXPECT_TRUE(g->header.parent_beacon_block_root.has_value());
  // Prague later than genesis: also no requestsHash; Cancun blob fields taken from the file.
  j = mainnet_json();
  j["config"]["pragueTime"] = "0x6a000000";
  j["excessBlobGas"] = "0x20000";
  g = parse(j);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->header.requests_hash.has_value());
  EXPECT_EQ(g->header.excess_blob_gas, std::optional<std::uint64_t>(0x20000));
  // Pre-London: 15 fields.
  j = mainnet_json();
  for (const char* k : {"londonBlock", "shanghaiTime", "cancunTime", "pragueTime"}) j["config"].erase(k);
  g = parse(j);
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->header.base_fee_per_gas.has_value());
  EXPECT_FALSE(g->header.withdrawals_root.has_value());
  // Prague at genesis without Cancun: inconsistent.
  j = mainnet_json();
  j["config"].erase("cancunTime");
  EXPECT_FALSE(parse(j).ok());
  // Alloc addresses without 0x and in any case.
  j = mainnet_json();
  json acc = j["alloc"]["0x4e59b44847b379578588920ca78fbf26c0b4956c"];
  j["alloc"].erase("0x4e59b44847b379578588920ca78fbf26c0b4956c");
  j["alloc"]["4E59B44847B379578588920CA78FBF26C0B4956C"] = acc;
  g = parse(j);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(to_hex(g->hash, true), expected_hash("mainnet"));
}

// Applies `edit` to the mainnet genesis and expects parsing to fail with a message containing `needle`.
template <typename Edit>
void expect_rejected(Edit edit, const std::string& needle) {
  json j = mainnet_json();
  edit(j);
  auto g = parse(j);
  ASSERT_FALSE(g.ok()) << "accepted: " << needle;
  EXPECT_NE(g.error().message.find(needle), std::string::npos) << g.error().message;
}

TEST(Genesis, RejectsMalformedDocuments) {
  EXPECT_FALSE(parse_genesis("").ok());
  EXPECT_FALSE(parse_genesis("{").ok());
  EXPECT_FALSE(parse_genesis("[]").ok());
  EXPECT_FALSE(parse_genesis("{\"config\": {\"chainId\": 1}}").ok());  // no alloc, gasLimit, difficulty
  auto missing = load_genesis("/nonexistent/genesis.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);

  expect_rejected([](json& j) { j.erase("config"); }, "missing config");
  expect_rejected([](json& j) { j["config"] = json::array(); }, "config");
  expect_rejected([](json& j) { j["config"].erase("chainId"); }, "chainId");
  expect_rejected([](json& j) { j["config"]["chainId"] = "0xzz"; }, "chainId");
  expect_rejected([](json& j) { j["config"]["chainId"] = -1; }, "negative");
  expect_rejected([](json& j) { j["config"]["chainId"] = 1.5; }, "not an integer");
  expect_rejected([](json& j) { j["config"]["chainId"] = true; }, "chainId");
  expect_rejected([](json& j) { j["config"]["pragueTime"] = "soon"; }, "pragueTime");
  expect_rejected([](json& j) { j["config"]["cancunTime"] = json::object(); }, "cancunTime");
  expect_rejected([](json& j) { j["config"]["depositContractAddress"] = "0x00"; }, "depositContractAddress");
  expect_rejected([](json& j) { j.erase("gasLimit"); }, "gasLimit");
  expect_rejected([](json& j) { j.erase("difficulty"); }, "difficulty");
  expect_rejected([](json& j) { j["gasLimit"] = "0x10000000000000000"; }, "gasLimit");
  expect_rejected([](json& j) { j["timestamp"] = "12abc"; }, "timestamp");
  expect_rejected([](json& j) { j["timestamp"] = ""; }, "timestamp");
  expect_rejected([](json& j) { j["timestamp"] = "0x"; }, "timestamp");
  expect_rejected([](json& j) { j["nonce"] = "0x1ffffffffffffffff"; }, "nonce");
  expect_rejected([](json& j) { j["difficulty"] = "0x1" + std::string(64, '0'); }, "difficulty");
  expect_rejected([](json& j) { j["baseFeePerGas"] = "1e9"; }, "baseFeePerGas");
  expect_rejected([](json& j) { j["extraData"] = "0x123"; }, "extraData");
  expect_rejected([](json& j) { j["extraData"] = "0xzz"; }, "extraData");
  expect_rejected([](json& j) { j["extraData"] = 5; }, "extraData");
  expect_rejected([](json& j) { j["mixHash"] = "0x00"; }, "mixHash");
  expect_rejected([](json& j) { j["coinbase"] = "0x" + std::string(42, '0'); }, "coinbase");
  expect_rejected([](json& j) { j["parentHash"] = "0x" + std::string(62, 'a'); }, "parentHash");
  // JSON numbers above 2^64 - 1 (parsed as floating point).
  EXPECT_FALSE(parse_genesis(std::string(genesis_text("mainnet")).replace(
                                 genesis_text("mainnet").find("\"chainId\": 38833"), 16,
                                 "\"chainId\": 184467440737095516160"))
                   .ok());
}

TEST(Genesis, RejectsMalformedAlloc) {
  const std::string fee = "0x0000000000000000000000000000000000000FEE";
  expect_rejected([](json& j) { j.erase("alloc"); }, "missing alloc");
  expect_rejected([](json& j) { j["alloc"] = json::array(); }, "alloc");
  expect_rejected([](json& j) { j["alloc"] = "0x"; }, "alloc");
  expect_rejected([&](json& j) { j["alloc"][fee] = "0x1"; }, "expected an object");
  expect_rejected([&](json& j) { j["alloc"][fee].erase("balance"); }, "missing balance");
  expect_rejected([&](json& j) { j["alloc"][fee]["balance"] = false; }, "balance");
  expect_rejected([&](json& j) { j["alloc"][fee]["balance"] = "0xg"; }, "balance");
  expect_rejected([&](json& j) { j["alloc"][fee]["balance"] = "1" + std::string(80, '0'); }, "balance");
  expect_rejected([&](json& j) { j["alloc"][fee]["balance"] = 1e30; }, "balance");
  expect_rejected([&](json& j) { j["alloc"][fee]["nonce"] = "0x10000000000000000"; }, "nonce");
  expect_rejected([&](json& j) { j["alloc"][fee]["nonce"] = json::array(); }, "nonce");
  expect_rejected([&](json& j) { j["alloc"][fee]["code"] = "0x123"; }, "code");
  expect_rejected([&](json& j) { j["alloc"][fee]["code"] = 0; }, "code");
  expect_rejected([&](json& j) { j["alloc"][fee]["storage"] = json::array(); }, "storage");
  expect_rejected([&](json& j) { j["alloc"][fee]["storage"]["0x" + std::string(66, '1')] = "0x01"; }, "storage");
  expect_rejected([&](json& j) { j["alloc"][fee]["storage"]["0x01"] = "0xqq"; }, "storage");
  expect_rejected([&](json& j) { j["alloc"][fee]["storage"]["0x01"] = 1; }, "storage");
  expect_rejected([](json& j) { j["alloc"]["0x1234"] = {{"balance", "0x0"}}; }, "address");
  expect_rejected([](json& j) { j["alloc"]["not an address"] = {{"balance", "0x0"}}; }, "address");
  expect_rejected([](json& j) { j["alloc"]["0x0000000000000000000000000000000000000fee"] = {{"balance", "0x1"}}; },
                  "given twice");
}

}  // namespace
