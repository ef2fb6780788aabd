#include "kaspa/tx_id.hpp"

#include <gtest/gtest.h>

#include <random>

#include "core/hex.hpp"
#include "crypto/sha256.hpp"
#include "kaspa/hashing.hpp"
#include "kaspa/tx_vectors_testing.hpp"

namespace igra::kaspa {
namespace {

using vectors_testing::hash_from;
using vectors_testing::kaspa_vectors;
using vectors_testing::tx_from_json;

std::string hex(core::ByteView b) { return core::to_hex(b); }

TEST(TxId, AllTxVectors) {
  const auto& vecs = kaspa_vectors().at("tx_vectors");
  ASSERT_EQ(vecs.size(), 20u);
  int legacy = 0, head = 0, preimages = 0;
  for (const auto& v : vecs) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    const Transaction tx = tx_from_json(v.at("tx"));
    const bool is_legacy = v.at("name").get<std::string>().rfind("v1.1.0-legacy", 0) == 0;
    if (is_legacy) {
      ++legacy;
      EXPECT_EQ(core::to_hex(transaction_id_legacy(tx)), v.at("expected_id").get<std::string>());
      EXPECT_EQ(core::to_hex(transaction_hash_legacy(tx)), v.at("expected_hash").get<std::string>());
      continue;
    }
    ++head;
    EXPECT_EQ(core::to_hex(transaction_id(tx)), v.at("expected_id").get<std::string>());
    EXPECT_EQ(core::to_hex(transaction_hash(tx)), v.at("expected_hash").get<std::string>());
    if (v.contains("id_preimage_hex_derived")) {
      ++preimages;
      EXPECT_EQ(hex(transaction_preimage(tx, kTxExcludeSignatureScript | kTxExcludeMassCommit)),
                v.at("id_preimage_hex_derived").get<std::string>());
    }
    if (v.contains("hash_preimage_hex_derived")) {
      ++preimages;
      EXPECT_EQ(hex(transaction_preimage(tx, kTxEncodeFull)), v.at("hash_preimage_hex_derived").get<std::string>());
      EXPECT_EQ(transaction_preimage_size(tx, kTxEncodeFull), transaction_preimage(tx, kTxEncodeFull).size());
    }
    if (v.contains("v1_rest_preimage_hex_derived")) {
      ++preimages;
      EXPECT_EQ(hex(transaction_preimage(tx, kTxExcludePayload | kTxExcludeSignatureScript | kTxExcludeMassCommit)),
                v.at("v1_rest_preimage_hex_derived").get<std::string>());
    }
    if (v.contains("v1_payload_digest_derived")) {
      ++preimages;
      EXPECT_EQ(core::to_hex(payload_digest(tx.payload)), v.at("v1_payload_digest_derived").get<std::string>());
    }
  }
  EXPECT_EQ(head, 13);
  EXPECT_EQ(legacy, 7);
  EXPECT_EQ(preimages, 9 * 2 + 4 * 3);
}

// Spec §2.3: v0 id preimage length = 62 + 52·n_in + Σ_out(18 + len(spk)) + len(payload).
TEST(TxId, V0IdPreimageLengthFormula) {
  for (const auto& v : kaspa_vectors().at("tx_vectors")) {
    const Transaction tx = tx_from_json(v.at("tx"));
    if (tx.version != 0) continue;
    std::uint64_t expected = 62 + 52 * tx.inputs.size() + tx.payload.size();
    for (const auto& o : tx.outputs) expected += 18 + o.script_public_key.script.size();
    EXPECT_EQ(transaction_preimage_size(tx, kTxExcludeSignatureScript | kTxExcludeMassCommit), expected);
  }
}

TEST(TxId, DerivedPayloadVector) {
  const auto& dv = kaspa_vectors().at("derived_vectors");
  ASSERT_EQ(dv.size(), 1u);
  const auto& v = dv[0];
  const Transaction tx = tx_from_json(v.at("tx"));
  EXPECT_EQ(hex(transaction_preimage(tx, kTxExcludeSignatureScript | kTxExcludeMassCommit)),
            v.at("id_preimage_hex").get<std::string>());
  EXPECT_EQ(core::to_hex(transaction_id(tx)), v.at("expected_id").get<std::string>());
}

// hashers.rs test vectors: the hasher is not reset between steps.
TEST(Hashing, DomainHashVectors) {
  const auto& d = kaspa_vectors().at("domain_hash_vectors");
  const auto& steps = d.at("steps_hex");
  const auto& cumulative = d.at("cumulative_input_hex");
  int checked = 0;
  for (const auto& [domain, expected] : d.at("expected").items()) {
    SCOPED_TRACE(domain);
    ASSERT_EQ(expected.size(), steps.size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const core::Bytes data = core::hex_or_die(cumulative[i].get<std::string>());
      std::string got;
      if (domain == "TransactionSigningHashECDSA") {
        auto h = ecdsa_signing_hasher();
        h.update(data);
        got = core::to_hex(h.finalize());
      } else if (domain == "PayloadDigest") {
        got = core::to_hex(payload_digest(data));
      } else {
        auto h = blake2b_domain_hasher(domain);
        h.update(data);
        got = core::to_hex(h.finalize32());
      }
      EXPECT_EQ(got, expected[i].get<std::string>()) << "step " << i;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 7 * 5);
}

TEST(Hashing, WriterPrimitives) {
  core::Bytes out;
  BytesSink sink{out};
  HashWriter w(sink);
  w.write_u8(1).write_bool(true).write_u16(0x0203).write_u32(0x04050607).write_u64(0x08090a0b0c0d0e0full);
  w.write_var_bytes(core::hex_or_die("aabb"));
  EXPECT_EQ(hex(out), "01010302070605040f0e0d0c0b0a0908" "0200000000000000aabb");
}

// --- IdMiner ---------------------------------------------------------------------------------------------

Transaction sample_tx(std::uint16_t version, std::size_t payload_len, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Transaction tx;
  tx.version = version;
  tx.subnetwork_id = version == 1 ? subnetwork_lane(0x97b10000) : subnetwork_native();
  const std::size_t n_in = 1 + rng() % 3;
  for (std::size_t i = 0; i < n_in; ++i) {
    TransactionInput in;
    for (auto& b : in.previous_outpoint.transaction_id) b = static_cast<std::uint8_t>(rng());
    in.previous_outpoint.index = rng() % 4;
    in.sequence = rng();
    in.signature_script = core::Bytes(rng() % 70, 0x5a);
    in.compute_commit = version == 1 ? ComputeCommit(ComputeBudget{10}) : ComputeCommit(SigOpCount{1});
    tx.inputs.push_back(in);
  }
  const std::size_t n_out = 1 + rng() % 3;
  for (std::size_t i = 0; i < n_out; ++i) {
    TransactionOutput out;
    out.value = 1000 + rng();
    out.script_public_key.script = core::Bytes(34, static_cast<std::uint8_t>(rng()));
    if (version == 1 && i == 0) out.covenant = CovenantBinding{1, core::Hash32{}};
    tx.outputs.push_back(out);
  }
  tx.payload.resize(payload_len);
  for (auto& b : tx.payload) b = static_cast<std::uint8_t>(rng());
  tx.storage_mass = rng() % 2 ? 0 : 1234;
  return tx;
}

void check_miner_against_naive(const Transaction& base, int tries) {
  auto miner = IdMiner::create(base);
  ASSERT_TRUE(miner.ok()) << miner.error().message;
  Transaction tx = base;
  std::mt19937 rng(static_cast<std::uint32_t>(base.payload.size()));
  for (int i = 0; i < tries; ++i) {
    const std::uint32_t nonce = i < 4 ? std::uint32_t(i) * 0x40000000u + 0x01020304u : rng();
    ASSERT_TRUE(set_payload_nonce(tx, nonce).ok());
    const std::size_t n = tx.payload.size();
    ASSERT_EQ(tx.payload[n - 4], std::uint8_t(nonce >> 24));  // big-endian
    ASSERT_EQ(tx.payload[n - 1], std::uint8_t(nonce));
    ASSERT_EQ(miner->id_with_nonce(nonce), transaction_id(tx)) << "payload " << n << " nonce " << nonce;
  }
}

TEST(IdMiner, V0MatchesNaiveAcrossBlockBoundaries) {
  // The v0 preimage before the payload has a tx-dependent length, so sweep payload lengths over more than one
  // 128-byte block to place the 4 nonce bytes at every offset, including straddling a block boundary.
  int straddles = 0;
  for (std::size_t len = 4; len <= 4 + 160; ++len) {
    const Transaction tx = sample_tx(0, len, 7);
    const auto total = transaction_preimage_size(tx, kTxExcludeSignatureScript | kTxExcludeMassCommit);
    // Key block is 128 bytes; message byte i sits at absolute offset 128 + i.
    const auto nonce_start = total - 4;
    if (nonce_start / 128 != (total - 1) / 128) ++straddles;
    check_miner_against_naive(tx, 40);
  }
  EXPECT_GT(straddles, 0);
  check_miner_against_naive(sample_tx(0, 300, 3), 3000);
}

TEST(IdMiner, V1MatchesNaive) {
  for (std::size_t len : {4u, 5u, 63u, 64u, 67u, 68u, 128u, 1020u, 1023u, 1024u, 1025u, 1027u, 1028u, 2048u, 3000u,
                          5000u}) {
    check_miner_against_naive(sample_tx(1, len, 11), 200);
  }
  check_miner_against_naive(sample_tx(1, 250, 5), 3000);
}

TEST(IdMiner, SignaturesAndMassDoNotAffectId) {
  for (std::uint16_t version : {0, 1}) {
    const Transaction tx = sample_tx(version, 100, 9);
    auto miner = IdMiner::create(tx);
    ASSERT_TRUE(miner.ok());
    Transaction changed = tx;
    changed.inputs[0].signature_script = core::Bytes(66, 1);
    changed.storage_mass = 99;
    if (version == 1) changed.inputs[0].compute_commit = ComputeBudget{77};
    ASSERT_TRUE(set_payload_nonce(changed, 42).ok());
    EXPECT_EQ(miner->id_with_nonce(42), transaction_id(changed));
  }
}

TEST(IdMiner, FindNonceAndErrors) {
  const Transaction tx = sample_tx(1, 40, 1);
  auto miner = IdMiner::create(tx);
  ASSERT_TRUE(miner.ok());
  const core::Bytes prefix = core::hex_or_die("97");
  auto found = miner->find_nonce(prefix, 0, 100000);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->second[0], 0x97);
  Transaction mined = tx;
  ASSERT_TRUE(set_payload_nonce(mined, found->first).ok());
  EXPECT_EQ(transaction_id(mined), found->second);

  Transaction short_payload = tx;
  short_payload.payload = core::hex_or_die("010203");
  EXPECT_FALSE(IdMiner::create(short_payload).ok());
  Transaction v2 = tx;
  v2.version = 2;
  EXPECT_FALSE(IdMiner::create(v2).ok());
}

}  // namespace
}  // namespace igra::kaspa
