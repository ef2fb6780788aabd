#include "simnet/tx_validator.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "kaspa/script_engine.hpp"
#include "simnet/tx_test_support.hpp"

namespace igra::simnet {
namespace {

using testing::fake_txid;
using testing::kKas;
using testing::Spend;
using testing::utxo;
using testing::Wallet;

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

class TxValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    w = testing::wallet(1);
    w2 = testing::wallet(2);
    fund = {kaspa::Outpoint{fake_txid(1), 0}, utxo(100 * kKas, w.spk, 10)};
    fund2 = {kaspa::Outpoint{fake_txid(1), 1}, utxo(30 * kKas, w.spk, 10)};
    cb = {kaspa::Outpoint{fake_txid(2), 0}, utxo(50 * kKas, w.spk, 100, /*coinbase=*/true)};
    for (const auto* s : {&fund, &fund2, &cb}) set.insert(s->outpoint, s->entry);
    ctx.pov_daa_score = 2000;
    ctx.past_median_time_ms = 1'700'000'000'000ull;
    ctx.coinbase_maturity = 1000;
  }

  // 100 KAS -> 50 KAS to w2 + change, `fee` sompi fee; signed.
  kaspa::Transaction pay(std::uint64_t fee = 10'000) {
    return testing::signed_tx(w, {fund}, {{50 * kKas, w2.spk}, {50 * kKas - fee, w.spk}});
  }

  std::string isolation_error(const kaspa::Transaction& tx, const TxValidator& v) {
    auto r = v.validate_in_isolation(tx);
    return r.ok() ? "ok" : r.error().message;
  }
  std::string isolation_error(const kaspa::Transaction& tx) { return isolation_error(tx, validator); }
  std::string utxo_error(const kaspa::Transaction& tx) {
    auto r = validator.validate_in_utxo_context(tx, set, ctx);
    return r.ok() ? "ok" : r.error().message;
  }

  Wallet w, w2;
  Spend fund, fund2, cb;
  UtxoSet set;
  TxValidationContext ctx;
  TxValidator validator;
};

// --- isolation ---------------------------------------------------------------------------------------------------

TEST_F(TxValidatorTest, IsolationAcceptsValidTxAndPayload) {
  EXPECT_EQ(isolation_error(pay()), "ok");
  // Crescendo: native transactions may carry a payload.
  auto tx = testing::signed_tx(w, {fund}, {{99 * kKas, w.spk}}, core::Bytes(100, 0xab));
  EXPECT_EQ(isolation_error(tx), "ok");
}

TEST_F(TxValidatorTest, IsolationInputAndOutputCounts) {
  auto tx = pay();
  tx.inputs.clear();
  EXPECT_EQ(isolation_error(tx), "transaction has no inputs");

  tx = pay();
  tx.inputs.clear();
  for (std::uint32_t i = 0; i < 1000; ++i) {
    kaspa::TransactionInput in;
    in.previous_outpoint = {fake_txid(7), i};
    tx.inputs.push_back(in);
  }
  EXPECT_EQ(isolation_error(tx), "ok");
  kaspa::TransactionInput extra;
  extra.previous_outpoint = {fake_txid(7), 1000};
  tx.inputs.push_back(extra);
  EXPECT_EQ(isolation_error(tx), "transaction has 1001 inputs where the max allowed is 1000");

  tx = pay();
  tx.outputs.assign(1000, tx.outputs[0]);
  for (auto& o : tx.outputs) o.value = kKas;
  EXPECT_EQ(isolation_error(tx), "ok");
  tx.outputs.push_back(tx.outputs[0]);
  EXPECT_EQ(isolation_error(tx), "transaction has 1001 outputs where the max allowed is 1000");
}

TEST_F(TxValidatorTest, IsolationScriptLengths) {
  auto tx = pay();
  tx.inputs[0].signature_script.assign(10'000, 0x51);
  EXPECT_EQ(isolation_error(tx), "ok");
  tx.inputs[0].signature_script.push_back(0x51);
  EXPECT_EQ(isolation_error(tx), "transaction input #0 signature script is above 10000 bytes");

  tx = pay();
  tx.outputs[1].script_public_key.script.assign(10'001, 0x51);
  EXPECT_EQ(isolation_error(tx), "transaction output #1 script public key is above 10000 bytes");
}

TEST_F(TxValidatorTest, IsolationOutputValues) {
  auto tx = pay();
  tx.outputs[1].value = 0;
  EXPECT_EQ(isolation_error(tx), "transaction output 1 has zero value");
  tx.outputs[1].value = kaspa::kMaxSompi + 1;
  EXPECT_EQ(isolation_error(tx), "transaction output 1 value is higher than the max allowed of 2900000000000000000");
  tx.outputs[0].value = kaspa::kMaxSompi;
  tx.outputs[1].value = kaspa::kMaxSompi;
  EXPECT_EQ(isolation_error(tx), "transaction total outputs value is higher than the max allowed of 2900000000000000000");
  tx.outputs[0].value = kaspa::kMaxSompi - 1;
  tx.outputs[1].value = 1;
  EXPECT_EQ(isolation_error(tx), "ok");
}

TEST_F(TxValidatorTest, IsolationDuplicateInputsGasSubnetworkVersion) {
  auto tx = testing::build_tx({fund, fund2}, {{120 * kKas, w.spk}});
  EXPECT_EQ(isolation_error(tx), "ok");
  tx.inputs[1].previous_outpoint = tx.inputs[0].previous_outpoint;
  EXPECT_EQ(isolation_error(tx), "transaction has duplicate inputs");

  tx = pay();
  tx.gas = 1;
  EXPECT_EQ(isolation_error(tx), "transaction has non zero gas value");

  tx = pay();
  tx.subnetwork_id = kaspa::subnetwork_registry();
  EXPECT_EQ(isolation_error(tx),
            "transaction subnetwork id 0200000000000000000000000000000000000000 is neither native nor coinbase");
  tx.subnetwork_id = kaspa::subnetwork_lane(0x97b10000);  // lanes need Toccata and v1
  EXPECT_NE(isolation_error(tx).find("is neither native nor coinbase"), std::string::npos);

  tx = pay();
  tx.version = 1;
  EXPECT_EQ(isolation_error(tx), "transaction version 1 is unknown");
}

TEST_F(TxValidatorTest, IsolationCoinbaseShape) {
  kaspa::Transaction coinbase;
  coinbase.subnetwork_id = kaspa::subnetwork_coinbase();
  coinbase.payload = core::Bytes(19, 0);
  coinbase.outputs.push_back({50 * kKas, w.spk, std::nullopt});
  EXPECT_EQ(isolation_error(coinbase), "ok");

  auto tx = coinbase;
  tx.inputs.push_back(pay().inputs[0]);
  EXPECT_EQ(isolation_error(tx), "coinbase transaction has 1 inputs while none are expected");
  tx = coinbase;
  tx.storage_mass = 1;
  EXPECT_EQ(isolation_error(tx), "coinbase mass commitment field is not zero");
  tx = coinbase;
  tx.outputs.assign(126, coinbase.outputs[0]);
  EXPECT_EQ(isolation_error(tx), "ok");  // k + 2 with k = 124
  tx.outputs.push_back(coinbase.outputs[0]);
  EXPECT_EQ(isolation_error(tx), "coinbase transaction has 127 outputs while at most 126 are expected");
  tx = coinbase;
  tx.outputs[0].script_public_key.script.assign(151, 0x51);
  EXPECT_EQ(isolation_error(tx), "script public key of coinbase output #0 is too long");
  tx = coinbase;
  tx.payload.assign(205, 0);
  EXPECT_EQ(isolation_error(tx), "coinbase payload length is 205 while the maximum allowed length is 204");
  tx.payload.assign(204, 0);
  EXPECT_EQ(isolation_error(tx), "ok");
}

TEST_F(TxValidatorTest, IsolationToccataVersionRules) {
  TxValidatorParams p;
  p.toccata = true;
  const TxValidator toccata(p);

  auto v1 = testing::build_tx({fund}, {{99 * kKas, w.spk}});
  v1.version = kaspa::kTxVersionToccata;
  v1.inputs[0].compute_commit = kaspa::ComputeBudget{10};
  EXPECT_EQ(isolation_error(v1, toccata), "ok");
  EXPECT_EQ(isolation_error(v1), "transaction version 1 is unknown");  // Crescendo rules

  auto tx = v1;
  tx.inputs[0].compute_commit = kaspa::SigOpCount{1};
  EXPECT_EQ(isolation_error(tx, toccata), "transaction input #0 has a sig op count field with value 1 in version 1 transaction");

  auto v0 = testing::build_tx({fund}, {{99 * kKas, w.spk}});
  EXPECT_EQ(isolation_error(v0, toccata), "ok");
  v0.inputs[0].compute_commit = kaspa::ComputeBudget{10};
  EXPECT_EQ(isolation_error(v0, toccata),
            "transaction input #0 has a compute mass commitment field with value 10 in version 0 transaction");
  v0.inputs[0].compute_commit = kaspa::SigOpCount{1};
  v0.outputs[0].covenant = kaspa::CovenantBinding{0, fake_txid(5)};
  EXPECT_EQ(isolation_error(v0, toccata), "transaction output #0 has covenant field but transaction version is below 1");

  // User lanes: v1 only; gas only on a lane.
  tx = v1;
  tx.subnetwork_id = kaspa::subnetwork_lane(0x97b10000);
  tx.gas = 1000;
  EXPECT_EQ(isolation_error(tx, toccata), "ok");
  tx.version = 0;
  tx.inputs[0].compute_commit = kaspa::SigOpCount{1};
  EXPECT_EQ(isolation_error(tx, toccata), "transaction has non zero gas value");
  tx.gas = 0;
  EXPECT_NE(isolation_error(tx, toccata).find("is neither native nor coinbase"), std::string::npos);
  tx = v1;
  tx.gas = 5;
  EXPECT_EQ(isolation_error(tx, toccata), "transaction has non zero gas value");
  tx = v1;
  tx.version = 2;
  EXPECT_EQ(isolation_error(tx, toccata), "transaction version 2 is unknown");
}

// --- header context (lock time) --------------------------------------------------------------------------------

TEST_F(TxValidatorTest, LockTimeFinality) {
  auto tx = testing::build_tx({fund}, {{99 * kKas, w.spk}});
  tx.lock_time = 2000;  // DAA score lock
  auto r = validator.validate_in_header_context(tx, 2000, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "transaction input #0 is not finalized");
  EXPECT_EQ(r.error().code, core::ErrorCode::kOutOfRange);
  EXPECT_TRUE(validator.validate_in_header_context(tx, 2001, 0).ok());
  tx.inputs[0].sequence = kaspa::kMaxTxInSequenceNum;  // every input final -> final
  EXPECT_TRUE(validator.validate_in_header_context(tx, 2000, 0).ok());

  tx.inputs[0].sequence = 0;
  tx.lock_time = 1'700'000'000'000ull;  // a time lock (ms), compared with the past median time
  EXPECT_FALSE(validator.validate_in_header_context(tx, 1'000'000'000'000'000ull, 1'700'000'000'000ull).ok());
  EXPECT_TRUE(validator.validate_in_header_context(tx, 0, 1'700'000'000'001ull).ok());

  // In UTXO context the same rule applies at the context's DAA score.
  tx = testing::build_tx({fund}, {{99 * kKas, w.spk}});
  tx.lock_time = 2000;
  testing::sign(tx, {fund}, {w.key});
  EXPECT_EQ(utxo_error(tx), "transaction input #0 is not finalized");
  ctx.pov_daa_score = 2001;
  EXPECT_EQ(utxo_error(tx), "ok");
}

// --- UTXO context ------------------------------------------------------------------------------------------------

TEST_F(TxValidatorTest, UtxoContextReturnsFeeAndEntries) {
  auto tx = pay(12'345);
  auto r = validator.validate_in_utxo_context(tx, set, ctx);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->fee, 12'345u);
  EXPECT_EQ(r->total_in, 100 * kKas);
  EXPECT_EQ(r->total_out, 100 * kKas - 12'345);
  ASSERT_EQ(r->entries.size(), 1u);
  EXPECT_EQ(r->entries[0], fund.entry);
  // KIP-9 relaxed path (|I| = 1): C/50e8 + C/(50e8 - fee) - C/100e8, per-element integer division.
  const std::uint64_t c = kaspa::kStorageMassParameter;
  EXPECT_EQ(r->storage_mass, c / (50 * kKas) + c / (50 * kKas - 12'345) - c / (100 * kKas));
}

TEST_F(TxValidatorTest, MissingOutpointIsAnOrphan) {
  Spend ghost{kaspa::Outpoint{fake_txid(99), 3}, utxo(10 * kKas, w.spk)};
  auto tx = testing::signed_tx(w, {ghost}, {{9 * kKas, w.spk}});
  auto r = validator.validate_in_utxo_context(tx, set, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message, "missing UTXO entry for outpoint " + core::to_hex(fake_txid(99)) + ":3");
}

TEST_F(TxValidatorTest, CoinbaseMaturity) {
  auto tx = testing::signed_tx(w, {cb}, {{49 * kKas, w.spk}});
  ctx.pov_daa_score = 1099;  // block_daa_score 100 + maturity 1000 > 1099
  auto r = validator.validate_in_utxo_context(tx, set, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "transaction input #0 tried to spend coinbase outpoint " +
                                   outpoint_display(cb.outpoint) +
                                   " with daa score of 100 while the merging block daa score is 1099 and the "
                                   "coinbase maturity period of 1000 hasn't passed yet");
  ctx.pov_daa_score = 1100;  // 100 + 1000 <= 1100: mature
  EXPECT_EQ(utxo_error(tx), "ok");
}

TEST_F(TxValidatorTest, AmountsMustCoverOutputs) {
  auto tx = testing::signed_tx(w, {fund}, {{60 * kKas, w2.spk}, {40 * kKas + 1, w.spk}});
  EXPECT_EQ(utxo_error(tx), "transaction tries to spend 10000000001 while its total inputs amount is 10000000000");
  tx = testing::signed_tx(w, {fund}, {{60 * kKas, w2.spk}, {40 * kKas, w.spk}});
  EXPECT_EQ(utxo_error(tx), "ok");  // zero fee is a valid consensus tx
}

TEST_F(TxValidatorTest, StorageMassCommitment) {
  auto tx = pay();
  const std::uint64_t right = tx.storage_mass;
  ASSERT_GT(right, 0u);
  tx.storage_mass = right + 1;  // not covered by the signature (sighash excludes the commitment)
  EXPECT_EQ(utxo_error(tx), "calculated contextual mass (including storage mass) " + std::to_string(right) +
                                " is not equal to the committed mass field " + std::to_string(right + 1));
  ctx.check_mass_commitment = false;
  EXPECT_EQ(utxo_error(tx), "ok");
  ctx.check_mass_commitment = true;
  tx.storage_mass = right;
  EXPECT_EQ(utxo_error(tx), "ok");
}

TEST_F(TxValidatorTest, SequenceLocks) {
  // Relative lock of 100 DAA on an entry at DAA 10: spendable when 10 + 100 - 1 < pov.
  auto tx = testing::build_tx({fund}, {{99 * kKas, w.spk}});
  tx.inputs[0].sequence = 100;
  testing::sign(tx, {fund}, {w.key});
  ctx.pov_daa_score = 109;
  EXPECT_EQ(utxo_error(tx), "one of the transaction sequence locks conditions was not met");
  ctx.pov_daa_score = 110;
  EXPECT_EQ(utxo_error(tx), "ok");
  // Bit 63 disables the relative lock.
  tx.inputs[0].sequence = kaspa::kSequenceLockTimeDisabled | 100;
  testing::sign(tx, {fund}, {w.key});
  ctx.pov_daa_score = 50;
  EXPECT_EQ(utxo_error(tx), "ok");
}

TEST_F(TxValidatorTest, ScriptFailures) {
  auto tx = pay();
  tx.inputs[0].signature_script[10] ^= 0x01;  // corrupt the Schnorr signature
  auto r = validator.validate_in_utxo_context(tx, set, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::kVerifyFailed);
  EXPECT_TRUE(starts_with(r.error().message, "failed to verify the signature script: EvalFalse"))
      << r.error().message;

  // Signed with a key that does not own the UTXO.
  tx = testing::build_tx({fund}, {{99 * kKas, w.spk}});
  const auto entries = testing::entries_of({fund});
  auto script = kaspa::sign_input_schnorr(tx, entries, 0, w2.key);
  ASSERT_TRUE(script.ok());
  tx.inputs[0].signature_script = *script;
  EXPECT_TRUE(starts_with(utxo_error(tx), "failed to verify the signature script: EvalFalse")) << utxo_error(tx);

  // Signature made before an output was changed.
  tx = pay();
  tx.outputs[0].value -= 1;
  tx.storage_mass = *kaspa::calc_storage_mass(tx, testing::entries_of({fund}));
  EXPECT_TRUE(starts_with(utxo_error(tx), "failed to verify the signature script: EvalFalse"));

  tx = pay();
  tx.inputs[0].signature_script.clear();
  EXPECT_TRUE(starts_with(utxo_error(tx), "failed to verify empty signature script. Inner error: "))
      << utxo_error(tx);

  // A chain block's own transactions skip script checks.
  ctx.skip_script_check = true;
  EXPECT_EQ(utxo_error(tx), "ok");
}

TEST_F(TxValidatorTest, P2shMultisigTwoOfThree) {
  const Wallet k1 = testing::wallet(11), k2 = testing::wallet(12), k3 = testing::wallet(13);
  const crypto::XOnlyPublicKey pubs[] = {k1.pub, k2.pub, k3.pub};
  auto redeem = kaspa::multisig_redeem_script(2, pubs);
  ASSERT_TRUE(redeem.ok());
  Spend ms{kaspa::Outpoint{fake_txid(3), 0}, utxo(20 * kKas, kaspa::p2sh_script(*redeem), 10)};
  set.insert(ms.outpoint, ms.entry);

  auto tx = testing::build_tx({ms}, {{19 * kKas, w.spk}});
  tx.inputs[0].compute_commit = kaspa::SigOpCount{3};
  const auto entries = testing::entries_of({ms});
  auto p1 = kaspa::create_partial_signature(tx, entries, 0, *redeem, k1.key);
  auto p3 = kaspa::create_partial_signature(tx, entries, 0, *redeem, k3.key);
  ASSERT_TRUE(p1.ok() && p3.ok());
  const kaspa::PartialSignature parts[] = {*p3, *p1};
  auto sig_script = kaspa::combine_multisig_signatures(*redeem, parts);
  ASSERT_TRUE(sig_script.ok()) << sig_script.error().message;
  tx.inputs[0].signature_script = *sig_script;
  EXPECT_EQ(utxo_error(tx), "ok");

  // Too few sig ops committed: the engine's runtime limit trips.
  auto low = tx;
  low.inputs[0].compute_commit = kaspa::SigOpCount{1};
  EXPECT_NE(utxo_error(low).find("ExceededSigOpLimit"), std::string::npos) << utxo_error(low);

  // The signed content changed: the multisig check fails with non-empty signatures.
  auto changed = tx;
  changed.outputs[0].value -= 1;
  changed.storage_mass = *kaspa::calc_storage_mass(changed, entries);
  EXPECT_TRUE(starts_with(utxo_error(changed), "failed to verify the signature script: NullFail")) << utxo_error(changed);

  // Standardness: a P2SH input is standard with 3 sig ops (<= 15).
  auto check = validator.validate_in_utxo_context(tx, set, ctx);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check_standard_in_context(tx, kaspa::transaction_id(tx), *check, StandardnessPolicy::crescendo()).ok());
}

TEST_F(TxValidatorTest, CltvRedeemScript) {
  const Wallet k1 = testing::wallet(21);
  const crypto::XOnlyPublicKey pubs[] = {k1.pub};
  auto redeem = kaspa::cltv_multisig_redeem_script(1500, 1, pubs);
  ASSERT_TRUE(redeem.ok());
  Spend locked{kaspa::Outpoint{fake_txid(4), 0}, utxo(20 * kKas, kaspa::p2sh_script(*redeem), 10)};
  set.insert(locked.outpoint, locked.entry);
  const auto entries = testing::entries_of({locked});

  auto make = [&](std::uint64_t lock_time) {
    auto tx = testing::build_tx({locked}, {{19 * kKas, w.spk}});
    tx.lock_time = lock_time;
    tx.inputs[0].compute_commit = kaspa::SigOpCount{1};
    auto part = kaspa::create_partial_signature(tx, entries, 0, *redeem, k1.key);
    EXPECT_TRUE(part.ok());
    const kaspa::PartialSignature parts[] = {*part};
    tx.inputs[0].signature_script = *kaspa::combine_multisig_signatures(*redeem, parts);
    return tx;
  };
  ctx.pov_daa_score = 1501;
  EXPECT_EQ(utxo_error(make(1500)), "ok");
  // tx.lock_time below the script's operand: CLTV fails.
  EXPECT_NE(utxo_error(make(1400)).find("UnsatisfiedLockTime"), std::string::npos) << utxo_error(make(1400));
  // tx.lock_time reached by the script but not yet by the chain: not final.
  ctx.pov_daa_score = 1500;
  EXPECT_EQ(utxo_error(make(1500)), "transaction input #0 is not finalized");
}

TEST_F(TxValidatorTest, ToccataComputeBudgetCoversSigOps) {
  TxValidatorParams p;
  p.toccata = true;
  const TxValidator toccata(p);
  auto make = [&](std::uint16_t budget) {
    auto tx = testing::build_tx({fund}, {{99 * kKas, w.spk}});
    tx.version = kaspa::kTxVersionToccata;
    tx.inputs[0].compute_commit = kaspa::ComputeBudget{budget};
    tx.storage_mass = *kaspa::calc_storage_mass(tx, testing::entries_of({fund}));
    testing::sign(tx, {fund}, {w.key});
    return tx;
  };
  auto tx = make(10);
  auto r = toccata.validate_in_utxo_context(tx, set, ctx);
  EXPECT_TRUE(r.ok()) << r.error().message;
  // One sig-op = 100,000 units; budget 9 allows 9 * 10,000 + 9,999 = 99,999.
  r = toccata.validate_in_utxo_context(make(9), set, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("ExceededCommittedScriptUnits"), std::string::npos) << r.error().message;
}

TEST_F(TxValidatorTest, ToccataV1P2pkSignatures) {
  TxValidatorParams p;
  p.toccata = true;
  const TxValidator toccata(p);
  crypto::SecretKey ek;
  ek[31] = 78;
  Spend e{kaspa::Outpoint{fake_txid(8), 1}, utxo(10 * kKas, kaspa::p2pk_ecdsa_script(*crypto::ecdsa_public_key_compressed(ek)), 10)};
  set.insert(e.outpoint, e.entry);
  auto tx = testing::build_tx({fund, e}, {{109 * kKas, w.spk}});
  tx.version = kaspa::kTxVersionToccata;
  for (auto& in : tx.inputs) in.compute_commit = kaspa::ComputeBudget{10};
  tx.storage_mass = *kaspa::calc_storage_mass(tx, testing::entries_of({fund, e}));
  testing::sign(tx, {fund, e}, {w.key, ek});
  auto check = [&](const kaspa::Transaction& t) {
    auto r = toccata.validate_in_utxo_context(t, set, ctx);
    return r.ok() ? std::string("ok") : r.error().message;
  };
  EXPECT_EQ(check(tx), "ok");
  auto bad = tx;
  bad.inputs[0].signature_script[7] ^= 1;  // Schnorr input
  EXPECT_EQ(check(bad), "failed to verify the signature script: EvalFalse: false stack entry at end of script execution");
  bad = tx;
  bad.inputs[1].signature_script[7] ^= 1;  // ECDSA input
  EXPECT_TRUE(starts_with(check(bad), "failed to verify the signature script: EvalFalse")) << check(bad);
  bad = tx;
  bad.outputs[0].value -= 1;  // the v1 sighash covers the outputs
  bad.storage_mass = *kaspa::calc_storage_mass(bad, testing::entries_of({fund, e}));
  EXPECT_TRUE(starts_with(check(bad), "failed to verify the signature script: EvalFalse")) << check(bad);
  bad = tx;
  bad.inputs[0].signature_script.back() = 0x03;  // not a sighash type
  EXPECT_TRUE(starts_with(check(bad), "failed to verify the signature script: InvalidSigHashType")) << check(bad);
  bad = tx;
  bad.inputs[0].signature_script.clear();
  EXPECT_TRUE(starts_with(check(bad), "failed to verify empty signature script. Inner error: ")) << check(bad);
}

TEST_F(TxValidatorTest, CoinbaseInUtxoContextAndEcdsaSpends) {
  kaspa::Transaction coinbase;
  coinbase.subnetwork_id = kaspa::subnetwork_coinbase();
  coinbase.payload = core::Bytes(19, 0);
  coinbase.outputs.push_back({50 * kKas, w.spk, std::nullopt});
  auto r = validator.validate_in_utxo_context(coinbase, set, ctx);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->fee, 0u);
  EXPECT_TRUE(r->entries.empty());

  // P2PK-ECDSA outputs are spendable with an ECDSA signature.
  crypto::SecretKey k;
  k[31] = 77;
  auto pub = crypto::ecdsa_public_key_compressed(k);
  ASSERT_TRUE(pub.ok());
  Spend e{kaspa::Outpoint{fake_txid(8), 0}, utxo(10 * kKas, kaspa::p2pk_ecdsa_script(*pub), 10)};
  set.insert(e.outpoint, e.entry);
  auto tx = testing::build_tx({e}, {{9 * kKas, w.spk}});
  testing::sign(tx, {e}, {k});
  EXPECT_EQ(utxo_error(tx), "ok");
  tx.inputs[0].signature_script[3] ^= 1;
  EXPECT_TRUE(starts_with(utxo_error(tx), "failed to verify the signature script: ")) << utxo_error(tx);
}

TEST(SigOpBound, CountsP2pkAndRedeemScripts) {
  const auto w = testing::wallet(1);
  EXPECT_EQ(sig_op_count_upper_bound({}, w.spk), 1u);
  std::vector<crypto::XOnlyPublicKey> pubs{testing::wallet(2).pub, testing::wallet(3).pub, testing::wallet(4).pub};
  auto redeem = kaspa::multisig_redeem_script(2, pubs);
  ASSERT_TRUE(redeem.ok());
  auto sig_script = kaspa::p2sh_signature_script(*redeem, core::Bytes{});
  ASSERT_TRUE(sig_script.ok());
  EXPECT_EQ(sig_op_count_upper_bound(*sig_script, kaspa::p2sh_script(*redeem)), 3u);
  // A multisig whose key count is not a small-int push counts the maximum (20).
  const core::Bytes odd{kaspa::opcodes::kOpCheckMultiSig};
  EXPECT_EQ(sig_op_count_upper_bound(*kaspa::p2sh_signature_script(odd, core::Bytes{}), kaspa::p2sh_script(odd)), 20u);
}

// --- standardness ------------------------------------------------------------------------------------------------

class StandardnessTest : public TxValidatorTest {
 protected:
  std::string iso(const kaspa::Transaction& tx, const StandardnessPolicy& p = StandardnessPolicy::crescendo()) {
    auto r = check_standard_in_isolation(tx, kaspa::transaction_id(tx), p);
    return r.ok() ? "ok" : r.error().message;
  }
  std::string in_ctx(const kaspa::Transaction& tx, const StandardnessPolicy& p = StandardnessPolicy::crescendo()) {
    TxValidationContext c = ctx;
    c.skip_script_check = true;
    auto check = validator.validate_in_utxo_context(tx, set, c);
    if (!check.ok()) return "consensus: " + check.error().message;
    auto r = check_standard_in_context(tx, kaspa::transaction_id(tx), *check, p);
    return r.ok() ? "ok" : r.error().message;
  }
  std::string prefix(const kaspa::Transaction& tx) {
    return "transaction " + core::to_hex(kaspa::transaction_id(tx)) + " is not standard: ";
  }
};

TEST_F(StandardnessTest, ValidTxIsStandard) {
  auto tx = pay();
  EXPECT_EQ(iso(tx), "ok");
  EXPECT_EQ(in_ctx(tx), "ok");
}

TEST_F(StandardnessTest, Version) {
  auto tx = pay();
  tx.version = 1;
  EXPECT_EQ(iso(tx), prefix(tx) + "transaction version 1 is not in the valid range of 0-0");
  tx.inputs[0].compute_commit = kaspa::ComputeBudget{10};
  EXPECT_EQ(iso(tx, StandardnessPolicy::toccata_rules()), "ok");
}

TEST_F(StandardnessTest, MinimumRelayFeeCrescendo) {
  // kaspa-protocol.md §8.2 worked example: v0 P2PK 1-in/2-out, no payload: size 316, compute mass 2036, so the
  // minimum fee is 2036 sompi.
  auto tx = pay(2036);
  EXPECT_EQ(kaspa::transaction_estimated_serialized_size(tx), 316u);
  EXPECT_EQ(in_ctx(tx), "ok");
  tx = pay(2035);
  EXPECT_EQ(in_ctx(tx), prefix(tx) + "transaction has 2035 fees which is under the required amount of 2036");
}

TEST_F(StandardnessTest, MinimumRelayFeeToccata) {
  // v1: size 316 + 2 = 318, compute = 318 + 10*(2+34)*2 + 100*10 = 2038; min fee 100*max(2038, 2*318) = 203,800.
  TxValidatorParams p;
  p.toccata = true;
  validator = TxValidator(p);
  auto make = [&](std::uint64_t fee) {
    auto tx = testing::build_tx({fund}, {{50 * kKas, w2.spk}, {50 * kKas - fee, w.spk}});
    tx.version = kaspa::kTxVersionToccata;
    tx.inputs[0].compute_commit = kaspa::ComputeBudget{10};
    tx.inputs[0].signature_script.assign(66, 0x01);
    return tx;
  };
  const auto policy = StandardnessPolicy::toccata_rules();
  EXPECT_EQ(in_ctx(make(203'800), policy), "ok");
  auto tx = make(203'799);
  EXPECT_EQ(in_ctx(tx, policy), prefix(tx) + "transaction has 203799 fees which is under the required amount of 203800");
}

TEST_F(StandardnessTest, MaxStandardMasses) {
  // Compute mass: 100 inputs cost at least 100 * 1000 grams of sig ops alone.
  std::vector<Spend> ins;
  for (std::uint32_t i = 0; i < 100; ++i) ins.push_back({{fake_txid(50), i}, utxo(kKas, w.spk)});
  auto tx = testing::build_tx(ins, {{99 * kKas, w.spk}});
  const auto m = kaspa::calc_non_contextual_masses(tx);
  ASSERT_GT(m.compute_mass, 100'000u);
  EXPECT_EQ(iso(tx), prefix(tx) + "transaction mass of " + std::to_string(m.compute_mass) +
                         " is larger than max allowed size of 100000");

  // Payload size is bounded by the transient mass (4 grams per byte): ~24,000 bytes pass, 25,000 do not.
  tx = testing::signed_tx(w, {fund}, {{99 * kKas, w.spk}}, core::Bytes(24'000, 0x42));
  EXPECT_EQ(iso(tx), "ok");
  tx = testing::signed_tx(w, {fund}, {{99 * kKas, w.spk}}, core::Bytes(25'000, 0x42));
  const auto m2 = kaspa::calc_non_contextual_masses(tx);
  ASSERT_GT(m2.transient_mass, 100'000u);
  EXPECT_EQ(iso(tx), prefix(tx) + "transaction transient mass of " + std::to_string(m2.transient_mass) +
                         " is larger than max allowed size of 100000");

  // Storage mass: a 0.05 KAS output costs C / 5e6 = 200,000 grams.
  tx = testing::signed_tx(w, {fund}, {{5'000'000, w2.spk}, {99 * kKas, w.spk}});
  EXPECT_EQ(iso(tx), "ok");
  const std::uint64_t c = kaspa::kStorageMassParameter;
  const std::uint64_t storage = c / 5'000'000 + c / (99 * kKas) - c / (100 * kKas);
  EXPECT_EQ(in_ctx(tx), prefix(tx) + "transaction mass in context (including storage mass) of " +
                            std::to_string(storage) + " is larger than max allowed size of 100000");
}

TEST_F(StandardnessTest, SignatureScriptSize) {
  auto tx = pay();
  tx.inputs[0].signature_script.assign(1650, 0x51);
  EXPECT_EQ(iso(tx), "ok");
  tx.inputs[0].signature_script.push_back(0x51);
  EXPECT_EQ(iso(tx), prefix(tx) + "transaction input #0: signature script size of 1651 bytes is larger than the "
                                  "maximum allowed size of 1650 bytes");
  EXPECT_EQ(iso(tx, StandardnessPolicy::toccata_rules()), "ok");  // removed at HEAD
}

TEST_F(StandardnessTest, OutputsClassesAndDust) {
  auto tx = pay();
  tx.outputs[0].script_public_key.version = 1;
  EXPECT_EQ(iso(tx), prefix(tx) + "transaction output #0: the version of the scriptPublicKey is higher than the known version");
  tx = pay();
  tx.outputs[0].script_public_key = kaspa::ScriptPublicKey{0, {0x51}};
  EXPECT_EQ(iso(tx), prefix(tx) + "transaction output #0: non-standard script form");
  // ECDSA P2PK and P2SH outputs are standard.
  tx = pay();
  tx.outputs[0].script_public_key = kaspa::p2sh_script(core::Bytes{0x51});
  EXPECT_EQ(iso(tx), "ok");

  // Dust: value*1000 / (3*(52 + 148)) < 1000 for a P2PK output, i.e. value < 600.
  tx = pay();
  tx.outputs[0].value = 599;
  EXPECT_EQ(iso(tx), prefix(tx) + "transaction output #0: payment of 599 is dust");
  tx.outputs[0].value = 600;
  EXPECT_EQ(iso(tx), "ok");
  tx.outputs[0].value = 599;
  EXPECT_EQ(iso(tx, StandardnessPolicy::toccata_rules()), "ok");  // no dust rule at HEAD
}

TEST_F(StandardnessTest, InputClassesAndP2shSigOps) {
  Spend any{kaspa::Outpoint{fake_txid(60), 0}, utxo(10 * kKas, kaspa::ScriptPublicKey{0, {0x51}}, 10)};
  set.insert(any.outpoint, any.entry);
  auto tx = testing::build_tx({any}, {{9 * kKas, w.spk}});
  EXPECT_EQ(in_ctx(tx), prefix(tx) + "transaction input 0: non-standard script form");

  // A redeem script with 16 OP_CHECKSIGs: 16 sig ops > 15. (A 16-key multisig redeem script would not even fit
  // the 520-byte element limit.)
  const core::Bytes redeem_bytes(16, kaspa::opcodes::kOpCheckSig);
  const core::Bytes* redeem = &redeem_bytes;
  Spend ms{kaspa::Outpoint{fake_txid(61), 0}, utxo(10 * kKas, kaspa::p2sh_script(*redeem), 10)};
  set.insert(ms.outpoint, ms.entry);
  tx = testing::build_tx({ms}, {{9 * kKas, w.spk}});
  tx.inputs[0].signature_script = *kaspa::p2sh_signature_script(*redeem, core::Bytes{});
  EXPECT_EQ(sig_op_count_upper_bound(tx.inputs[0].signature_script, ms.entry.script_public_key), 16u);
  EXPECT_EQ(in_ctx(tx), prefix(tx) + "transaction input #0 has 16 signature operations which is more than the "
                                     "allowed max amount of 15");
}

}  // namespace
}  // namespace igra::simnet
