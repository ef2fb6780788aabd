// Transaction codec against ethereum/tests TransactionTests (every case), real chain data from
// execution-apis (chain.rlp + the RPC answers recorded on it: sender and hash of all five types), EIP-7702
// vectors from execution-spec-tests, and signed round trips of every type.
#include "chain/transaction_codec.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "crypto/secp256k1.hpp"
#include "support/testing.hpp"

using namespace igra::core;
using namespace igra::chain;
using nlohmann::json;

namespace {

// ---- TransactionTests -----------------------------------------------------------------------------------

// Cancun rules that TransactionTests check beyond encoding and signatures. They are not the codec's job
// (state_transition applies them); they are restated here only so that every fixture exception can be
// attributed to a stage. Intrinsic gas is also compared with the fixture's own value.
std::uint64_t cancun_intrinsic_gas(const Transaction& tx) {
  std::uint64_t g = 21000;
  for (auto b : tx.data) g += b ? 16 : 4;
  if (!tx.to) g += 32000 + 2 * ((tx.data.size() + 31) / 32);  // EIP-2 creation + EIP-3860 init code words
  for (const auto& e : tx.access_list) g += 2400 + 1900 * e.storage_keys.size();
  return g;
}

// The failing validation rule's fixture name, or "" if the transaction is valid for chain id 1.
std::string cancun_validation(const Transaction& tx) {
  if (tx.chain_id && *tx.chain_id != uint256(1)) return "INVALID_CHAINID";
  if (tx.nonce == ~std::uint64_t{0}) return "NONCE_TOO_BIG";  // EIP-2681
  const uint256 price = tx.type == TxType::kLegacy || tx.type == TxType::kAccessList ? tx.gas_price : tx.max_fee_per_gas;
  if (tx.type >= TxType::kDynamicFee && tx.max_priority_fee_per_gas > tx.max_fee_per_gas)
    return "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS";
  // gas_limit * price must fit 256 bits.
  if (tx.gas_limit != 0 && price > uint256::max() / uint256(tx.gas_limit)) return "GASLIMIT_PRICE_PRODUCT_OVERFLOW";
  if (!tx.to && tx.data.size() > 49152) return "INITCODE_SIZE_EXCEEDED";
  if (cancun_intrinsic_gas(tx) > tx.gas_limit) return "INTRINSIC_GAS_TOO_LOW";
  return "";
}

// Which stages may report each fixture exception. "decode" = decode_transaction fails; "signature" =
// recover_sender fails; "validation" = cancun_validation names the rule.
std::set<std::string> allowed_stages(const std::string& exception) {
  static const std::set<std::string> kDecode = {
      "ADDRESS_TOO_LONG", "ADDRESS_TOO_SHORT", "TYPE_NOT_SUPPORTED", "GASLIMIT_OVERFLOW", "GASPRICE_OVERFLOW",
      "NONCE_OVERFLOW",   "VALUE_OVERFLOW",    "PRIORITY_OVERFLOW"};
  if (exception.rfind("RLP_", 0) == 0 || kDecode.count(exception)) return {"decode"};
  // r or s wider than 32 bytes is already a decoding error here.
  if (exception == "INVALID_SIGNATURE_VRS" || exception == "EC_RECOVERY_FAIL") return {"decode", "signature"};
  // A legacy v that is neither 27/28 nor EIP-155 for chain 1: geth derives a bogus chain id, we reject v.
  if (exception == "INVALID_CHAINID") return {"signature", "validation"};
  return {"validation"};
}

struct Outcome {
  std::string stage;  // "", "decode", "signature", "validation"
  std::string detail;
  std::optional<Transaction> tx;
  Address20 sender;
};

Outcome run_pipeline(ByteView raw) {
  Outcome o;
  auto tx = decode_transaction(raw);
  if (!tx) return {"decode", tx.error().message, std::nullopt, {}};
  o.tx = *tx;
  auto sender = recover_sender(*tx);
  if (!sender) {
    o.stage = "signature";
    o.detail = sender.error().message;
    return o;
  }
  o.sender = *sender;
  const std::string rule = cancun_validation(*tx);
  if (!rule.empty()) {
    o.stage = "validation";
    o.detail = rule;
  }
  return o;
}

TEST(TransactionTests, AllCases) {
  const auto root = igra::testing::unpacked_fixture("ethereum-tests.tar.xz") / "TransactionTests";
  // The fixtures have no Prague entries; Cancun is the newest fork where present, else the newest listed.
  const std::vector<std::string> fork_preference = {"Prague", "Cancun", "Shanghai", "Paris", "London"};
  int run = 0, valid = 0, invalid = 0, skipped = 0;
  std::vector<std::string> skipped_names;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const json doc = igra::testing::load_json(file);
    for (const auto& [name, c] : doc.items()) {
      SCOPED_TRACE(file.filename().string() + " / " + name);
      const json& results = c.at("result");
      std::string fork;
      for (const auto& f : fork_preference)
        if (results.contains(f)) {
          fork = f;
          break;
        }
      ASSERT_FALSE(fork.empty());
      const json& expected = results.at(fork);
      const Bytes raw = hex_or_die(c.at("txbytes").get<std::string>());

      // A set-code (type 4) transaction judged under a fork before Prague: "type not supported" there. Under
      // Prague (Igra) the type exists, so the fixture's reason does not apply; the bytes (a type-2 body behind
      // a 0x04 byte, whose authorization list is the empty string) must still be rejected when decoding.
      if (fork != "Prague" && !raw.empty() && raw[0] == 0x04 && expected.contains("exception") &&
          expected["exception"] == "TransactionException.TYPE_NOT_SUPPORTED") {
        ++skipped;
        skipped_names.push_back(name);
        auto d = decode_transaction(raw);
        ASSERT_FALSE(d.ok());
        EXPECT_NE(d.error().message.find("authorization list"), std::string::npos) << d.error().message;
        continue;
      }
      ++run;
      const Outcome o = run_pipeline(raw);
      if (expected.contains("exception")) {
        ++invalid;
        std::string ex = expected["exception"].get<std::string>();
        ex = ex.substr(ex.find('.') + 1);
        if (ex.rfind("PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS", 0) == 0) ex = "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS";
        const auto stages = allowed_stages(ex);
        EXPECT_TRUE(stages.count(o.stage)) << "expected " << ex << ", got stage '" << o.stage << "': " << o.detail;
        if (o.stage == "validation" && ex != "INVALID_CHAINID") {
          EXPECT_EQ(o.detail, ex);
        }
      } else {
        ++valid;
        ASSERT_EQ(o.stage, "") << o.detail;
        EXPECT_EQ(to_hex(transaction_hash(*o.tx), true), expected.at("hash").get<std::string>());
        EXPECT_EQ(to_hex(o.sender, true), expected.at("sender").get<std::string>());
        EXPECT_EQ(encode_transaction(*o.tx), raw) << "re-encoding differs";
      }
      // Whenever the transaction decodes, it re-encodes to the same bytes and its intrinsic gas matches.
      if (o.tx) {
        EXPECT_EQ(encode_transaction(*o.tx), raw);
        const auto ig = uint256::from_hex(expected.at("intrinsicGas").get<std::string>());
        ASSERT_TRUE(ig.ok());
        if (!ig->is_zero()) {
          EXPECT_EQ(uint256(cancun_intrinsic_gas(*o.tx)), *ig);
        }
      }
    }
  }
  EXPECT_EQ(run + skipped, 210);
  EXPECT_EQ(skipped, 1);
  std::printf("TransactionTests: %d run (%d valid, %d invalid), %d judged pre-Prague only (rejected for the "
              "Prague reason instead):", run, valid, invalid, skipped);
  for (const auto& s : skipped_names) std::printf(" %s", s.c_str());
  std::printf("\n");
}

// ---- execution-apis chain: every transaction of chain.rlp, senders from the recorded RPC answers ---------

void collect_rpc_txs(const json& j, std::map<std::string, std::string>& out) {
  if (j.is_object()) {
    if (j.contains("from") && j.contains("hash") && j.contains("type") && j.contains("r"))
      out[j["hash"].get<std::string>()] = j["from"].get<std::string>();
    for (const auto& [k, v] : j.items()) collect_rpc_txs(v, out);
  } else if (j.is_array()) {
    for (const auto& v : j) collect_rpc_txs(v, out);
  }
}

TEST(TransactionChain, ExecutionApisChain) {
  const auto dir = igra::testing::unpacked_fixture("execution-apis-tests.tar.xz") / "tests";
  std::map<std::string, std::string> rpc_senders;  // tx hash -> from
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".io") continue;
    std::ifstream in(e.path());
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("<< ", 0) == 0) {
        const json j = json::parse(line.substr(3), nullptr, false);
        if (!j.is_discarded()) collect_rpc_txs(j, rpc_senders);
      }
  }
  ASSERT_GE(rpc_senders.size(), 60u);

  std::ifstream f(dir / "chain.rlp", std::ios::binary);
  const Bytes chain((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  RlpReader blocks(chain);
  int n = 0, checked_sender = 0;
  std::map<TxType, int> by_type;
  std::set<TxType> checked_types;
  while (!blocks.empty()) {
    auto block = blocks.read_list();
    ASSERT_TRUE(block.ok());
    ASSERT_TRUE(block->next().ok());  // header
    auto txs = block->read_list();
    ASSERT_TRUE(txs.ok());
    while (!txs->empty()) {
      auto item = txs->next();
      ASSERT_TRUE(item.ok());
      auto tx = decode_block_transaction(*item);
      ASSERT_TRUE(tx.ok()) << tx.error().message;
      EXPECT_EQ(encode_block_transaction(*tx), Bytes(item->raw.begin(), item->raw.end()));
      const ByteView canonical = item->is_list ? item->raw : item->payload;
      EXPECT_EQ(transaction_hash(*tx), keccak256(canonical));
      auto sender = recover_sender(*tx);
      ASSERT_TRUE(sender.ok()) << sender.error().message;
      if (auto it = rpc_senders.find(to_hex(transaction_hash(*tx), true)); it != rpc_senders.end()) {
        EXPECT_EQ(to_hex(*sender, true), it->second);
        ++checked_sender;
        checked_types.insert(tx->type);
      }
      ++by_type[tx->type];
      ++n;
    }
  }
  EXPECT_EQ(by_type.size(), 5u);  // all five types appear
  // Most recorded transactions are not in chain.rlp (sent in the tests themselves); those that are cover
  // every type.
  EXPECT_GE(checked_sender, 13);
  EXPECT_EQ(checked_types.size(), 5u);
  std::printf("chain.rlp: %d transactions decoded and re-encoded, %d senders checked against RPC answers\n", n,
              checked_sender);
}

// ---- EIP-7702 vectors (execution-spec-tests v5.4.0, state_tests/prague/eip7702_set_code_tx/
//      test_set_code_to_log.json, LOG0 and LOG1 cases: txbytes, sender, authorization signer) ------------

struct SetCodeVector {
  const char* txbytes;
  const char* sender;
  const char* signer;
};
const SetCodeVector kSetCodeVectors[] = {
    {"0x04f8c1018080078398968094369c25b8ef85964310c0bba82cec4e9d11e944758080c0f85cf85a8094b893c327e639576f1167ccdb"
     "353424b1472329af0180a082bb088ce99b8cd27f35d949cc3af10c83f5beb2541255eb849ad13e6779574aa049b13f5b801bb28449569b"
     "8510d2a6c292cce9ffcf4753f46f9c337ed303117f01a0606bb6eb69d9839682d289203e618c3d219a9b459863bf8fe682bc6d94a75834"
     "a0559328e1834b17a51d32380a254d623fb96ba1afbbbe7a1617e8ccf34367a150",
     "0x369c25b8ef85964310c0bba82cec4e9d11e94475",
     "0x369c25b8ef85964310c0bba82cec4e9d11e94475"},
    {"0x04f8c1018080078398968094ccd5e2b26c27e1e18ee3543e652968e0228adbaa8080c0f85cf85a80943ddbf6bfb176a67b4152acea86"
     "8bd9f3474129c30101a029c64c86b0cb7f7ba2bf431881b1a439e5892d80c453e5d895f1121cca23916fa0250b52c982b9f41478504a58"
     "afd0a921211c4b14e0c2785266456add67b34bde80a099cd1dad51a08792cd417497bbada9dc940a55c231cb319540c659831f9d25f0a0"
     "179b26f1195d0ff65d202ce79e1ee47a1ef32a3637c715e8225572937ed61cc1",
     "0xccd5e2b26c27e1e18ee3543e652968e0228adbaa",
     "0xccd5e2b26c27e1e18ee3543e652968e0228adbaa"},
};

TEST(TransactionSetCode, EestVectors) {
  for (const auto& v : kSetCodeVectors) {
    const Bytes raw = hex_or_die(v.txbytes);
    auto tx = decode_transaction(raw);
    ASSERT_TRUE(tx.ok()) << tx.error().message;
    EXPECT_EQ(tx->type, TxType::kSetCode);
    EXPECT_EQ(encode_transaction(*tx), raw);
    EXPECT_EQ(transaction_hash(*tx), keccak256(raw));
    auto sender = recover_sender(*tx);
    ASSERT_TRUE(sender.ok()) << sender.error().message;
    EXPECT_EQ(to_hex(*sender, true), v.sender);
    ASSERT_EQ(tx->authorization_list.size(), 1u);
    auto authority = recover_authority(tx->authorization_list[0]);
    ASSERT_TRUE(authority.ok()) << authority.error().message;
    EXPECT_EQ(to_hex(*authority, true), v.signer);
  }
}

// The two authorizations of test_double_auth.json (same signer, nonces 0 and 1, chain id 0).
TEST(TransactionSetCode, EestAuthorities) {
  Authorization a;
  a.chain_id = 0;
  a.address = *fixed_from_hex<20>("0x20e13b0ab8c5a64022d8a2353786c35a11b12175");
  a.nonce = 0;
  a.y_parity = 0;
  a.r = *uint256::from_hex("0xb69f2c6e52cfc513858b80e5b983255148a6075572ba80226aa23bd963da867f");
  a.s = *uint256::from_hex("0x553dee43cc2de3284d6077eba353ba21cb0f7077096783730e2bda741c76f95c");
  auto signer = recover_authority(a);
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(to_hex(*signer, true), "0x071a1a4d706252e7d98e508cfccacd0b2899808c");
  a.nonce = 1;
  a.r = *uint256::from_hex("0x1b3cc9c15b8903fc57b1353085e299b883b3bd8a07da6d5c9abcb90d87a02015");
  a.s = *uint256::from_hex("0x7351657ec762230c103f4ebe7b5e07f20c495f347f348e933c2a2a103ef61082");
  signer = recover_authority(a);
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(to_hex(*signer, true), "0x071a1a4d706252e7d98e508cfccacd0b2899808c");

  a.y_parity = 2;
  EXPECT_FALSE(recover_authority(a).ok());
}

// ---- signed round trips of every type -------------------------------------------------------------------

constexpr uint256 kHalfN = uint256::from_limbs(0xDFE92F46681B20A0ull, 0x5D576E7357A4501Dull, 0xFFFFFFFFFFFFFFFFull,
                                               0x7FFFFFFFFFFFFFFFull);
constexpr uint256 kN = uint256::from_limbs(0xBFD25E8CD0364141ull, 0xBAAEDCE6AF48A03Bull, 0xFFFFFFFFFFFFFFFEull,
                                           0xFFFFFFFFFFFFFFFFull);

Transaction random_tx(std::mt19937_64& rng, TxType type) {
  auto u256 = [&] { return uint256::from_limbs(rng(), rng() % 3 ? 0 : rng(), 0, rng() % 5 ? 0 : rng()); };
  auto bytes = [&](std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng() % 3 ? rng() : 0);
    return b;
  };
  Transaction tx;
  tx.type = type;
  tx.nonce = rng() % 2 ? rng() : rng() % 3;
  tx.gas_limit = rng();
  tx.value = u256();
  tx.data = bytes(rng() % 3 ? rng() % 100 : rng() % 5000);
  const bool create_ok = type != TxType::kBlob && type != TxType::kSetCode;
  if (!create_ok || rng() % 4) tx.to = Address20::from_view(bytes(20));
  if (type == TxType::kLegacy) {
    if (rng() % 2) tx.chain_id = uint256(rng() % 2 ? 1 : rng());
    tx.gas_price = u256();
  } else {
    tx.chain_id = u256();
    if (type == TxType::kAccessList) {
      tx.gas_price = u256();
    } else {
      tx.max_priority_fee_per_gas = u256();
      tx.max_fee_per_gas = u256();
    }
    for (std::size_t i = rng() % 4; i-- > 0;) {
      AccessListEntry e;
      e.address = Address20::from_view(bytes(20));
      for (std::size_t k = rng() % 3; k-- > 0;) e.storage_keys.push_back(Hash32::from_view(bytes(32)));
      tx.access_list.push_back(e);
    }
  }
  if (type == TxType::kBlob) {
    tx.max_fee_per_blob_gas = u256();
    for (std::size_t i = 1 + rng() % 6; i-- > 0;) tx.blob_versioned_hashes.push_back(Hash32::from_view(bytes(32)));
  }
  if (type == TxType::kSetCode) {
    for (std::size_t i = 1 + rng() % 3; i-- > 0;) {
      Authorization a;
      a.chain_id = rng() % 2;
      a.address = Address20::from_view(bytes(20));
      a.nonce = rng();
      a.y_parity = rng() % 2;
      a.r = u256();
      a.s = u256();
      tx.authorization_list.push_back(a);
    }
  }
  return tx;
}

TEST(TransactionRoundTrip, SignEncodeDecodeRecover) {
  std::mt19937_64 rng(7);
  igra::crypto::SecretKey key = *fixed_from_hex<32>("4646464646464646464646464646464646464646464646464646464646464646");
  auto pub = igra::crypto::public_key_from_secret(key);
  ASSERT_TRUE(pub.ok());
  const Address20 address = igra::crypto::public_key_to_address(*pub);
  for (int i = 0; i < 200; ++i) {
    const TxType type = static_cast<TxType>(i % 5);
    Transaction tx = random_tx(rng, type);
    auto sig = igra::crypto::ecdsa_sign_recoverable(signing_hash(tx), key);
    ASSERT_TRUE(sig.ok());
    tx.r = uint256::load_be(sig->r);
    tx.s = uint256::load_be(sig->s);
    if (type == TxType::kLegacy)
      tx.v = tx.chain_id ? *tx.chain_id * uint256(2) + uint256(35 + sig->recovery_id) : uint256(27 + sig->recovery_id);
    else
      tx.v = sig->recovery_id;

    const Bytes enc = encode_transaction(tx);
    auto back = decode_transaction(enc);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, tx);
    EXPECT_EQ(encode_transaction(*back), enc);
    const Bytes block_form = encode_block_transaction(tx);
    auto item = rlp_decode(block_form);
    ASSERT_TRUE(item.ok());
    auto from_block = decode_block_transaction(*item);
    ASSERT_TRUE(from_block.ok()) << from_block.error().message;
    EXPECT_EQ(*from_block, tx);
    auto sender = recover_sender(*back);
    ASSERT_TRUE(sender.ok()) << sender.error().message;
    EXPECT_EQ(*sender, address);

    // The same signature with s' = n - s and the other parity recovers to the same key in libsecp256k1,
    // but EIP-2 forbids it.
    Transaction high = tx;
    high.s = kN - tx.s;
    ASSERT_TRUE(high.s > kHalfN);
    high.v = tx.v ^ uint256(1);
    if (type == TxType::kLegacy) high.v = tx.v == uint256(27) || tx.v == uint256(28) ? uint256(55) - tx.v : high.v;
    EXPECT_FALSE(recover_sender(high).ok());
  }
}

// EIP-155 example from the EIP text (chain id 1, nonce 9, key 0x4646...): signing hash and signed bytes.
TEST(TransactionLegacy, Eip155Example) {
  Transaction tx;
  tx.nonce = 9;
  tx.gas_price = uint256(20000000000ull);
  tx.gas_limit = 21000;
  tx.to = *fixed_from_hex<20>("3535353535353535353535353535353535353535");
  tx.value = uint256(1000000000000000000ull);
  tx.chain_id = uint256(1);
  EXPECT_EQ(to_hex(signing_hash(tx)), "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
  const Bytes signed_tx = hex_or_die(
      "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195"
      "fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
  auto d = decode_transaction(signed_tx);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->chain_id, uint256(1));
  EXPECT_EQ(d->v, uint256(37));
  auto sender = recover_sender(*d);
  ASSERT_TRUE(sender.ok());
  EXPECT_EQ(to_hex(*sender, true), "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
  EXPECT_EQ(signing_hash(*d), signing_hash(tx));
}

// Strictness: each rejection below is of otherwise valid encodings.
TEST(TransactionDecode, RejectsMalformed) {
  // A valid type-2 transaction to start from (built, not signed: decoding does not look at signatures).
  Transaction tx;
  tx.type = TxType::kDynamicFee;
  tx.chain_id = uint256(1);
  tx.to = Address20{};
  tx.v = 1;
  tx.r = 5;
  tx.s = 6;
  const Bytes good = encode_transaction(tx);
  ASSERT_TRUE(decode_transaction(good).ok());

  Bytes trailing = good;
  trailing.push_back(0x00);
  EXPECT_FALSE(decode_transaction(trailing).ok());
  EXPECT_FALSE(decode_transaction({}).ok());
  Bytes t5 = good;
  t5[0] = 0x05;  // unknown type
  EXPECT_FALSE(decode_transaction(t5).ok());
  Bytes t0 = good;
  t0[0] = 0x00;  // type 0 has no envelope
  EXPECT_FALSE(decode_transaction(t0).ok());
  EXPECT_FALSE(decode_transaction(Bytes(good.begin() + 1, good.end())).ok());  // typed payload without type

  // Blob and set-code transactions cannot create.
  Transaction blob = tx;
  blob.type = TxType::kBlob;
  blob.blob_versioned_hashes.push_back(Hash32{});
  ASSERT_TRUE(decode_transaction(encode_transaction(blob)).ok());
  blob.to.reset();
  EXPECT_FALSE(decode_transaction(encode_transaction(blob)).ok());
  Transaction sc = tx;
  sc.type = TxType::kSetCode;
  sc.authorization_list.push_back(Authorization{});
  ASSERT_TRUE(decode_transaction(encode_transaction(sc)).ok());
  sc.authorization_list[0].y_parity = 256;  // EIP-7702: y_parity < 2^8, else the transaction is invalid
  EXPECT_FALSE(decode_transaction(encode_transaction(sc)).ok());
  sc.authorization_list[0].y_parity = 255;
  auto with_255 = decode_transaction(encode_transaction(sc));
  ASSERT_TRUE(with_255.ok());
  EXPECT_FALSE(recover_authority(with_255->authorization_list[0]).ok());

  // Nonce: 2^64 - 1 decodes (EIP-2681 is a validation rule), 2^64 does not.
  Transaction legacy;
  legacy.nonce = ~std::uint64_t{0};
  legacy.v = 27;
  legacy.r = 1;
  legacy.s = 1;
  Bytes enc = encode_transaction(legacy);
  ASSERT_TRUE(decode_transaction(enc).ok());
  RlpEncoder e;
  auto l = e.begin_list();
  e.add_bytes(hex_or_die("010000000000000000"));  // nonce 2^64
  for (int i = 0; i < 8; ++i) e.add_bytes({});
  e.end_list(l);
  EXPECT_FALSE(decode_transaction(std::move(e).finish()).ok());

  // A 19-byte `to`.
  RlpEncoder e2;
  l = e2.begin_list();
  e2.add_uint(std::uint64_t{0});
  e2.add_uint(std::uint64_t{1});
  e2.add_uint(std::uint64_t{21000});
  e2.add_bytes(Bytes(19, 0x11));
  for (int i = 0; i < 5; ++i) e2.add_bytes({});
  e2.end_list(l);
  EXPECT_FALSE(decode_transaction(std::move(e2).finish()).ok());
}

TEST(TransactionSignature, VRules) {
  Transaction tx;
  tx.r = 1;
  tx.s = 1;
  for (std::uint64_t v : {0, 1, 26, 29, 34}) {
    tx.v = v;
    EXPECT_FALSE(signature_y_parity(tx).ok()) << v;
  }
  tx.v = 27;
  EXPECT_EQ(*signature_y_parity(tx), 0);
  tx.v = 28;
  EXPECT_EQ(*signature_y_parity(tx), 1);
  tx.v = 38;
  tx.chain_id = uint256(1);
  EXPECT_EQ(*signature_y_parity(tx), 1);
  tx.chain_id = uint256(2);  // signs for another chain than v says
  EXPECT_FALSE(signature_y_parity(tx).ok());
  tx.chain_id = uint256(1);
  tx.s = kHalfN;
  EXPECT_TRUE(signature_y_parity(tx).ok());
  tx.s = kHalfN + uint256(1);
  EXPECT_FALSE(signature_y_parity(tx).ok());
  tx.s = 1;
  tx.r = kN;
  EXPECT_FALSE(signature_y_parity(tx).ok());
  tx.r = 0;
  EXPECT_FALSE(signature_y_parity(tx).ok());

  Transaction typed;
  typed.type = TxType::kDynamicFee;
  typed.chain_id = uint256(1);
  typed.r = 1;
  typed.s = 1;
  typed.v = 2;
  EXPECT_FALSE(signature_y_parity(typed).ok());
  typed.v = 27;
  EXPECT_FALSE(signature_y_parity(typed).ok());
}

}  // namespace
