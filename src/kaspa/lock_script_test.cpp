#include "kaspa/lock_script.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "kaspa/multisig_sign.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/script_class.hpp"
#include "kaspa/script_engine.hpp"
#include "kaspa/script_opcodes.hpp"
#include "support/testing.hpp"

namespace igra::kaspa {
namespace {

nlohmann::json networks() { return testing::load_json(testing::shared_path("igra/expected.json"))["networks"]; }

crypto::SecretKey secret(std::uint8_t seed) {
  crypto::SecretKey k;
  for (int i = 0; i < 32; ++i) k[i] = static_cast<std::uint8_t>(seed * 31 + i + 1);
  return k;
}

TEST(LockScript, MainnetLockScriptIsP2shOfOurForm) {
  const auto mainnet = networks()["mainnet"];
  auto spk = parse_lock_script_public_key(mainnet["lock_script_pubkey_hex"].get<std::string>());
  ASSERT_TRUE(spk.ok());
  EXPECT_EQ(spk->version, mainnet["lock_script_version"].get<int>());
  EXPECT_EQ(classify_script_public_key(*spk), ScriptClass::kScriptHash);
  // Exactly the bytes our P2SH builder produces for that redeem-script hash: aa 20 <32 bytes> 87.
  ASSERT_EQ(spk->script.size(), 35u);
  const auto hash = core::Hash32::from_view(core::ByteView(spk->script).subspan(2, 32));
  EXPECT_EQ(p2sh_script_from_hash(hash), *spk);
  // Its address is the published lock address, and the address decodes back to the same script.
  auto addr = extract_script_public_key_address(*spk, Prefix::kMainnet);
  ASSERT_TRUE(addr.ok());
  EXPECT_EQ(addr->to_string(), mainnet["lock_address"].get<std::string>());
  auto decoded = decode_address(mainnet["lock_address"].get<std::string>());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->version, AddressVersion::kScriptHash);
  auto back = pay_to_address_script(*decoded);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *spk);
  TransactionOutput out{1'000'000'000, *spk, std::nullopt};
  EXPECT_TRUE(is_entry_lock_output(out, *spk));
  out.script_public_key.version = 1;
  EXPECT_FALSE(is_entry_lock_output(out, *spk));
}

TEST(LockScript, GalleonLockScriptIsP2pk) {
  const auto galleon = networks()["galleon"];
  auto spk = parse_lock_script_public_key(galleon["lock_script_pubkey_hex"].get<std::string>());
  ASSERT_TRUE(spk.ok());
  EXPECT_EQ(classify_script_public_key(*spk), ScriptClass::kPubKey);
  auto addr = extract_script_public_key_address(*spk, Prefix::kTestnet);
  ASSERT_TRUE(addr.ok());
  EXPECT_EQ(addr->to_string(), galleon["lock_address"].get<std::string>());
  const auto key = crypto::XOnlyPublicKey::from_view(core::ByteView(spk->script).subspan(1, 32));
  EXPECT_EQ(p2pk_script(key), *spk);
}

TEST(LockScript, EntryLockScriptStructure) {
  EntryLockPolicy policy;
  for (std::uint8_t i = 0; i < 5; ++i) policy.keys.push_back(*crypto::schnorr_public_key(secret(i)));
  auto redeem = entry_lock_redeem_script(policy);
  ASSERT_TRUE(redeem.ok()) << redeem.error().message;
  auto ms = parse_multisig_redeem_script(*redeem);
  ASSERT_TRUE(ms.ok()) << ms.error().message;
  EXPECT_EQ(ms->required, 3u);
  ASSERT_EQ(ms->keys.size(), 5u);
  EXPECT_FALSE(ms->ecdsa);
  ASSERT_TRUE(ms->lock_time.has_value());
  EXPECT_EQ(*ms->lock_time, 1775001600000ull);  // 2026-04-01T00:00:00Z
  EXPECT_GE(*ms->lock_time, kLockTimeThreshold);
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(std::equal(policy.keys[i].begin(), policy.keys[i].end(), ms->keys[i].begin()));
  // <6-byte lock time> OP_CHECKLOCKTIMEVERIFY OP_3 ... OP_5 OP_CHECKMULTISIG; no OP_DROP.
  EXPECT_EQ((*redeem)[0], 0x06);
  EXPECT_EQ((*redeem)[7], opcodes::kOpCheckLockTimeVerify);
  EXPECT_EQ((*redeem)[8], opcodes::small_int_opcode(3));
  EXPECT_EQ((*redeem)[redeem->size() - 2], opcodes::small_int_opcode(5));
  EXPECT_EQ(redeem->back(), opcodes::kOpCheckMultiSig);

  auto spk = entry_lock_script_public_key(policy);
  ASSERT_TRUE(spk.ok());
  EXPECT_EQ(*spk, p2sh_script(*redeem));
  EXPECT_EQ(classify_script_public_key(*spk), ScriptClass::kScriptHash);
  for (auto prefix : {Prefix::kMainnet, Prefix::kTestnet, Prefix::kSimnet, Prefix::kDevnet}) {
    auto a = entry_lock_address(policy, prefix);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->prefix, prefix);
    EXPECT_EQ(a->version, AddressVersion::kScriptHash);
    auto d = decode_address(a->to_string());
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*pay_to_address_script(*d), *spk);
  }
}

TEST(LockScript, EntryLockPolicyErrors) {
  EntryLockPolicy policy;
  for (std::uint8_t i = 0; i < 5; ++i) policy.keys.push_back(*crypto::schnorr_public_key(secret(i)));
  auto p = policy;
  p.unlock_time_ms = 1000;
  EXPECT_FALSE(entry_lock_redeem_script(p).ok());
  p = policy;
  p.keys.pop_back();
  EXPECT_FALSE(entry_lock_redeem_script(p).ok());
  p = policy;
  p.required = 6;
  EXPECT_FALSE(entry_lock_redeem_script(p).ok());
  p.required = 0;
  EXPECT_FALSE(entry_lock_redeem_script(p).ok());
  EXPECT_FALSE(parse_lock_script_public_key("zz").ok());
  EXPECT_FALSE(parse_lock_script_public_key("").ok());
}

// Spend the entry lock with 3 of 5 signers: only once tx.lock_time (ms) reaches the unlock time.
TEST(LockScript, EntryLockSpendableOnlyAfterUnlockTime) {
  EntryLockPolicy policy;
  std::vector<crypto::SecretKey> secrets;
  for (std::uint8_t i = 0; i < 5; ++i) {
    secrets.push_back(secret(i));
    policy.keys.push_back(*crypto::schnorr_public_key(secrets.back()));
  }
  const auto redeem = *entry_lock_redeem_script(policy);
  const auto spk = *entry_lock_script_public_key(policy);

  auto attempt = [&](std::uint64_t lock_time) -> core::Result<void> {
    Transaction tx;
    TransactionInput in;
    in.previous_outpoint.transaction_id[0] = 0x42;
    in.sequence = 0;
    in.compute_commit = SigOpCount{5};
    tx.inputs.push_back(in);
    tx.outputs.push_back(TransactionOutput{999'000'000, p2pk_script(policy.keys[0]), std::nullopt});
    tx.lock_time = lock_time;
    std::vector<UtxoEntry> utxos = {UtxoEntry{1'000'000'000, spk, 10, false, std::nullopt}};
    std::vector<PartialSignature> partials;
    for (int s : {4, 1, 2}) {
      auto p = create_partial_signature(tx, utxos, 0, redeem, secrets[s]);
      if (!p) return p.error();
      partials.push_back(*p);
    }
    auto sig_script = combine_multisig_signatures(redeem, partials);
    if (!sig_script) return sig_script.error();
    tx.inputs[0].signature_script = *sig_script;
    return verify_input(tx, utxos, 0);
  };
  auto before = attempt(kIgraEntryUnlockTimeMs - 1);
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(script_error_name(before.error()), "UnsatisfiedLockTime");
  auto at = attempt(kIgraEntryUnlockTimeMs);
  EXPECT_TRUE(at.ok()) << at.error().message;
  auto after = attempt(kIgraEntryUnlockTimeMs + 86'400'000);
  EXPECT_TRUE(after.ok()) << after.error().message;
  auto daa = attempt(123'456);
  ASSERT_FALSE(daa.ok());
  EXPECT_EQ(script_error_name(daa.error()), "UnsatisfiedLockTime");
}

}  // namespace
}  // namespace igra::kaspa
