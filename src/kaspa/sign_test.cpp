#include "kaspa/sign.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "kaspa/tx_id.hpp"
#include "kaspa/tx_vectors_testing.hpp"

namespace igra::kaspa {
namespace {

using vectors_testing::kaspa_vectors;
using vectors_testing::tx_from_json;
using vectors_testing::utxos_from_json;

crypto::SecretKey key_of(std::uint8_t last) {
  crypto::SecretKey k;
  k[31] = last;
  return k;
}

ScriptPublicKey schnorr_spk(const crypto::SecretKey& k) {
  auto pub = crypto::schnorr_public_key(k);
  EXPECT_TRUE(pub.ok());
  ScriptPublicKey spk;
  spk.script.push_back(0x20);
  spk.script.insert(spk.script.end(), pub->begin(), pub->end());
  spk.script.push_back(0xac);
  return spk;
}

ScriptPublicKey ecdsa_spk(const crypto::SecretKey& k) {
  auto pub = crypto::ecdsa_public_key_compressed(k);
  EXPECT_TRUE(pub.ok());
  ScriptPublicKey spk;
  spk.script.push_back(0x21);
  spk.script.insert(spk.script.end(), pub->begin(), pub->end());
  spk.script.push_back(0xab);
  return spk;
}

// The derived vector: pubkey is the x-only key of private key 3.
TEST(Sign, DerivedVectorKeyAndSignature) {
  const auto& v = kaspa_vectors().at("derived_vectors")[0];
  Transaction tx = tx_from_json(v.at("tx"));
  const auto utxos = utxos_from_json(v.at("utxo_entries"));
  ASSERT_EQ(schnorr_spk(key_of(3)), utxos[0].script_public_key);
  const crypto::SecretKey keys[] = {key_of(3)};
  ASSERT_TRUE(sign_transaction(tx, utxos, keys).ok());
  const auto& script = tx.inputs[0].signature_script;
  ASSERT_EQ(script.size(), 66u);
  EXPECT_EQ(script[0], 0x41);
  EXPECT_EQ(script[65], 0x01);
  const auto sig = crypto::Signature64::from_view(core::ByteView(script.data() + 1, 64));
  auto xonly = crypto::schnorr_public_key(key_of(3));
  EXPECT_TRUE(crypto::schnorr_verify(
      *core::fixed_from_hex<32>(v.at("expected_sighash_all_input0_post_crescendo").get<std::string>()), sig, *xonly));
  EXPECT_TRUE(verify_p2pk_signatures(tx, utxos).ok());
  // The id does not cover signature scripts.
  EXPECT_EQ(core::to_hex(transaction_id(tx)), v.at("expected_id").get<std::string>());
}

TEST(Sign, MixedSchnorrAndEcdsaAllTypes) {
  for (std::uint16_t version : {0, 1}) {
    Transaction tx;
    tx.version = version;
    std::vector<UtxoEntry> utxos;
    for (std::uint8_t i = 0; i < 4; ++i) {
      TransactionInput in;
      in.previous_outpoint.transaction_id[0] = i;
      in.sequence = i;
      tx.inputs.push_back(in);
      UtxoEntry e;
      e.amount = 1000 + i;
      e.script_public_key = i % 2 ? ecdsa_spk(key_of(10 + i)) : schnorr_spk(key_of(10 + i));
      utxos.push_back(e);
    }
    for (std::uint8_t i = 0; i < 2; ++i) tx.outputs.push_back(TransactionOutput{500, schnorr_spk(key_of(1)), std::nullopt});
    tx.payload = {1, 2, 3, 4};
    set_standard_compute_commits(tx);
    EXPECT_EQ(tx.inputs[0].compute_commit,
              version ? ComputeCommit(ComputeBudget{10}) : ComputeCommit(SigOpCount{1}));

    const crypto::SecretKey keys[] = {key_of(13), key_of(12), key_of(11), key_of(10)};
    ASSERT_TRUE(sign_transaction(tx, utxos, keys).ok());
    auto ok = verify_p2pk_signatures(tx, utxos);
    EXPECT_TRUE(ok.ok()) << ok.error().message;

    // Per-input signing with each sighash type verifies with the matching sighash.
    const SigHashType types[] = {SigHashType::kAll, SigHashType::kNone, SigHashType::kSingle,
                                 SigHashType::kAllAnyoneCanPay, SigHashType::kNoneAnyoneCanPay,
                                 SigHashType::kSingleAnyoneCanPay};
    for (auto t : types) {
      SigHashReusedValues reused;
      for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
        auto script = i % 2 ? sign_input_ecdsa(tx, utxos, i, key_of(static_cast<std::uint8_t>(10 + i)), t, reused)
                            : sign_input_schnorr(tx, utxos, i, key_of(static_cast<std::uint8_t>(10 + i)), t, reused);
        ASSERT_TRUE(script.ok());
        ASSERT_EQ(script->size(), 66u);
        EXPECT_EQ((*script)[65], to_u8(t));
        const auto sig = crypto::Signature64::from_view(core::ByteView(script->data() + 1, 64));
        if (i % 2) {
          auto msg = ecdsa_sighash(tx, utxos, i, t);
          auto pub = crypto::ecdsa_public_key_compressed(key_of(static_cast<std::uint8_t>(10 + i)));
          EXPECT_TRUE(crypto::ecdsa_verify_compact(*msg, sig, *pub));
          // Not valid as a signature of the Schnorr sighash (ECDSA signs the SHA-256 wrapped hash).
          EXPECT_FALSE(crypto::ecdsa_verify_compact(*schnorr_sighash(tx, utxos, i, t), sig, *pub));
        } else {
          auto msg = schnorr_sighash(tx, utxos, i, t);
          auto pub = crypto::schnorr_public_key(key_of(static_cast<std::uint8_t>(10 + i)));
          EXPECT_TRUE(crypto::schnorr_verify(*msg, sig, *pub));
        }
        tx.inputs[i].signature_script = *script;
      }
      EXPECT_TRUE(verify_p2pk_signatures(tx, utxos).ok());
    }

    // Changing the payload invalidates the signatures (the sighash commits to it).
    Transaction changed = tx;
    changed.payload[3] ^= 1;
    EXPECT_FALSE(verify_p2pk_signatures(changed, utxos).ok());
  }
}

TEST(Sign, Errors) {
  Transaction tx;
  tx.inputs.push_back(TransactionInput{});
  std::vector<UtxoEntry> utxos(1);
  utxos[0].script_public_key = schnorr_spk(key_of(5));
  const crypto::SecretKey wrong[] = {key_of(6)};
  auto r = sign_transaction(tx, utxos, wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::kNotFound);
  EXPECT_TRUE(tx.inputs[0].signature_script.empty());
  utxos[0].script_public_key.script = {0x51};
  EXPECT_FALSE(sign_transaction(tx, utxos, wrong).ok());
  EXPECT_FALSE(sign_transaction(tx, {}, wrong).ok());
  EXPECT_FALSE(verify_p2pk_signatures(tx, utxos).ok());
}

}  // namespace
}  // namespace igra::kaspa
