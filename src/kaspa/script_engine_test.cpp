#include "kaspa/script_engine.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "crypto/secp256k1.hpp"
#include "kaspa/multisig_sign.hpp"
#include "kaspa/script_builder.hpp"
#include "kaspa/script_opcodes.hpp"
#include "kaspa/sign.hpp"

namespace igra::kaspa {
namespace {

namespace op = opcodes;

crypto::SecretKey secret(std::uint8_t seed) {
  crypto::SecretKey k;
  for (int i = 0; i < 32; ++i) k[i] = static_cast<std::uint8_t>(seed * 17 + i + 3);
  return k;
}
crypto::XOnlyPublicKey xonly(std::uint8_t seed) { return *crypto::schnorr_public_key(secret(seed)); }
crypto::CompressedPublicKey compressed(std::uint8_t seed) { return *crypto::ecdsa_public_key_compressed(secret(seed)); }

// A one-input, one-output v0 transaction spending `spk`.
struct Spend {
  Transaction tx;
  std::vector<UtxoEntry> utxos;
};
Spend make_spend(const ScriptPublicKey& spk, std::uint8_t sig_op_count, std::uint64_t lock_time = 0,
                 std::uint64_t sequence = 0) {
  Spend s;
  TransactionInput in;
  for (int i = 0; i < 32; ++i) in.previous_outpoint.transaction_id[i] = static_cast<std::uint8_t>(0xa0 + i);
  in.previous_outpoint.index = 1;
  in.sequence = sequence;
  in.compute_commit = SigOpCount{sig_op_count};
  s.tx.inputs.push_back(in);
  s.tx.outputs.push_back(TransactionOutput{4'999'000'000, p2pk_script(xonly(200)), std::nullopt});
  s.tx.lock_time = lock_time;
  s.utxos.push_back(UtxoEntry{5'000'000'000, spk, 1000, false, std::nullopt});
  return s;
}

std::string err_name(const core::Result<void>& r) { return r.ok() ? "ok" : std::string(script_error_name(r.error())); }

core::Result<void> run_standalone(std::initializer_list<core::Bytes> scripts) {
  std::vector<core::ByteView> views(scripts.begin(), scripts.end());
  ScriptEngine e;
  return e.execute_scripts(views);
}
core::Bytes h(std::string_view hex) {  // spaces are ignored
  std::string compact;
  for (char c : hex)
    if (c != ' ') compact.push_back(c);
  return core::hex_or_die(compact);
}
core::Bytes operator+(core::Bytes a, const core::Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// --- P2PK --------------------------------------------------------------------------------------------------

TEST(ScriptEngine, P2pkSchnorr) {
  auto s = make_spend(p2pk_script(xonly(1)), 1);
  auto sig_script = sign_input_schnorr(s.tx, s.utxos, 0, secret(1));
  ASSERT_TRUE(sig_script.ok()) << sig_script.error().message;
  s.tx.inputs[0].signature_script = *sig_script;
  auto r = verify_input(s.tx, s.utxos, 0);
  EXPECT_TRUE(r.ok()) << r.error().message;

  // Tampering with a signed field makes the signature check push false.
  auto t = s;
  t.tx.outputs[0].value -= 1;
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "EvalFalse");
  // Wrong key in the spent script.
  t = s;
  t.utxos[0].script_public_key = p2pk_script(xonly(2));
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "EvalFalse");
  // Extra push: clean-stack rule.
  t = s;
  t.tx.inputs[0].signature_script.insert(t.tx.inputs[0].signature_script.begin(), op::kOpTrue);
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "CleanStack");
  // Empty signature: false, not an error.
  t = s;
  t.tx.inputs[0].signature_script = {op::kOp0};
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "EvalFalse");
  // Invalid sighash type byte.
  t = s;
  t.tx.inputs[0].signature_script.back() = 0x03;
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "InvalidSigHashType");
  // Signature of the wrong length.
  t = s;
  t.tx.inputs[0].signature_script = {0x02, 0x11, 0x01};
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "SigLength");
  // Non-push opcode in the signature script.
  t = s;
  t.tx.inputs[0].signature_script.push_back(op::kOpNop);
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "SignatureScriptNotPushOnly");
  // An x-only key that is not on the curve (x >= p) is an error, not false.
  t = s;
  std::fill(t.utxos[0].script_public_key.script.begin() + 1, t.utxos[0].script_public_key.script.begin() + 33, 0xff);
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "InvalidSignature");
  // No sig-op budget.
  auto z = make_spend(p2pk_script(xonly(1)), 0);
  z.tx.inputs[0].signature_script = *sign_input_schnorr(z.tx, z.utxos, 0, secret(1));
  EXPECT_EQ(err_name(verify_input(z.tx, z.utxos, 0)), "ExceededSigOpLimit");
}

TEST(ScriptEngine, P2pkSchnorrOtherSighashTypes) {
  for (auto type : {SigHashType::kNone, SigHashType::kSingle, SigHashType::kAllAnyoneCanPay,
                    SigHashType::kNoneAnyoneCanPay, SigHashType::kSingleAnyoneCanPay}) {
    auto s = make_spend(p2pk_script(xonly(3)), 1);
    s.tx.inputs[0].signature_script = *sign_input_schnorr(s.tx, s.utxos, 0, secret(3), type);
    auto r = verify_input(s.tx, s.utxos, 0);
    EXPECT_TRUE(r.ok()) << static_cast<int>(type) << ": " << r.error().message;
  }
}

TEST(ScriptEngine, P2pkEcdsa) {
  auto s = make_spend(p2pk_ecdsa_script(compressed(4)), 1);
  auto sig_script = sign_input_ecdsa(s.tx, s.utxos, 0, secret(4));
  ASSERT_TRUE(sig_script.ok()) << sig_script.error().message;
  s.tx.inputs[0].signature_script = *sig_script;
  auto r = verify_input(s.tx, s.utxos, 0);
  EXPECT_TRUE(r.ok()) << r.error().message;

  auto t = s;
  t.tx.lock_time = 7;
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "EvalFalse");
  // A Schnorr signature script against an ECDSA key: same length, fails verification.
  t = s;
  t.tx.inputs[0].signature_script = *sign_input_schnorr(t.tx, t.utxos, 0, secret(4));
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "EvalFalse");
  // High-S form of the same signature (s -> n - s): libsecp256k1 verification rejects it -> false.
  t = s;
  {
    static const std::uint8_t kN[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                        0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
    auto& script = t.tx.inputs[0].signature_script;  // 41 r(32) s(32) type
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
      int d = kN[i] - script[33 + i] - borrow;
      borrow = d < 0;
      script[33 + i] = static_cast<std::uint8_t>(d + (borrow ? 256 : 0));
    }
  }
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "EvalFalse");
  // A signature with s >= n does not even parse: an error.
  t = s;
  std::fill(t.tx.inputs[0].signature_script.begin() + 33, t.tx.inputs[0].signature_script.begin() + 65, 0xff);
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "InvalidSignature");
  // An ECDSA key that is not on the curve is an error, not false.
  t = s;
  t.utxos[0].script_public_key.script[1] = 0x05;
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "InvalidSignature");
}

// --- P2SH multisig -----------------------------------------------------------------------------------------

struct Multisig {
  std::vector<crypto::SecretKey> secrets;
  std::vector<crypto::XOnlyPublicKey> keys;
  core::Bytes redeem;
  ScriptPublicKey spk;
};
Multisig make_multisig(std::size_t m, std::size_t n, std::optional<std::uint64_t> lock_time = std::nullopt) {
  Multisig ms;
  for (std::size_t i = 0; i < n; ++i) {
    ms.secrets.push_back(secret(static_cast<std::uint8_t>(50 + i)));
    ms.keys.push_back(xonly(static_cast<std::uint8_t>(50 + i)));
  }
  ms.redeem = lock_time ? *cltv_multisig_redeem_script(*lock_time, m, std::span<const crypto::XOnlyPublicKey>(ms.keys))
                        : *multisig_redeem_script(m, std::span<const crypto::XOnlyPublicKey>(ms.keys));
  ms.spk = p2sh_script(ms.redeem);
  return ms;
}

core::Bytes partial(const Spend& s, const Multisig& ms, std::size_t signer) {
  auto p = create_partial_signature(s.tx, s.utxos, 0, ms.redeem, ms.secrets[signer]);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? p->signature : core::Bytes{};
}

core::Result<void> spend_with(Spend s, const Multisig& ms, std::initializer_list<std::size_t> signers) {
  std::vector<PartialSignature> partials;
  for (auto i : signers) {
    auto p = create_partial_signature(s.tx, s.utxos, 0, ms.redeem, ms.secrets[i]);
    if (!p) return p.error();
    partials.push_back(*p);
  }
  auto sig_script = combine_multisig_signatures(ms.redeem, partials);
  if (!sig_script) return sig_script.error();
  s.tx.inputs[0].signature_script = *sig_script;
  return verify_input(s.tx, s.utxos, 0);
}

TEST(ScriptEngine, P2sh2of3) {
  const auto ms = make_multisig(2, 3);
  const auto s = make_spend(ms.spk, 3);
  for (auto pair : {std::pair{0, 1}, std::pair{0, 2}, std::pair{1, 2}, std::pair{2, 0}}) {
    auto r = spend_with(s, ms, {static_cast<std::size_t>(pair.first), static_cast<std::size_t>(pair.second)});
    EXPECT_TRUE(r.ok()) << pair.first << "," << pair.second << ": " << r.error().message;
  }
}

TEST(ScriptEngine, P2sh3of5AndSighashReuse) {
  const auto ms = make_multisig(3, 5);
  auto s = make_spend(ms.spk, 5);
  for (auto signers : {std::initializer_list<std::size_t>{0, 1, 2}, {2, 3, 4}, {4, 0, 2}, {1, 3, 4}}) {
    auto r = spend_with(s, ms, signers);
    EXPECT_TRUE(r.ok()) << r.error().message;
  }
  // All signatures use SIGHASH_ALL on the same input: one sighash computation for five checks.
  std::vector<PartialSignature> partials;
  for (std::size_t i : {0, 1, 4}) partials.push_back(*create_partial_signature(s.tx, s.utxos, 0, ms.redeem, ms.secrets[i]));
  s.tx.inputs[0].signature_script = *combine_multisig_signatures(ms.redeem, partials);
  SigHashCache cache(s.tx, s.utxos);
  ScriptEngine engine(cache, 0);
  auto r = engine.execute();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(cache.computed(), 1u);
  EXPECT_EQ(engine.used_sig_ops(), 5);  // keys 0, 1 match; 2, 3 tried for sig 3; key 4 matches
}

TEST(ScriptEngine, MultisigFailures) {
  const auto ms = make_multisig(2, 3);
  auto s = make_spend(ms.spk, 3);
  const auto sig0 = partial(s, ms, 0), sig1 = partial(s, ms, 1), sig2 = partial(s, ms, 2);
  auto run = [&](std::vector<core::Bytes> sigs, std::uint8_t sig_ops = 3) {
    auto t = s;
    t.tx.inputs[0].compute_commit = SigOpCount{sig_ops};
    if (sig_ops != 3) {  // the sig-op count is signed: re-sign
      for (auto& sig : sigs)
        for (std::size_t i = 0; i < 3; ++i)
          if (sig == partial(s, ms, i)) sig = partial(t, ms, i);
    }
    t.tx.inputs[0].signature_script = *p2sh_signature_script(ms.redeem, std::span<const core::Bytes>(sigs));
    return verify_input(t.tx, t.utxos, 0);
  };
  EXPECT_TRUE(run({sig0, sig2}).ok());
  // Signatures out of key order.
  EXPECT_EQ(err_name(run({sig2, sig0})), "NullFail");
  EXPECT_EQ(err_name(run({sig1, sig0})), "NullFail");
  // A corrupted signature.
  auto bad = sig1;
  bad[10] ^= 1;
  EXPECT_EQ(err_name(run({sig0, bad})), "NullFail");
  // The same signature twice (the key is consumed).
  EXPECT_EQ(err_name(run({sig0, sig0})), "NullFail");
  // All-empty signatures: false without NullFail.
  EXPECT_EQ(err_name(run({core::Bytes{}, core::Bytes{}})), "EvalFalse");
  // Too few signatures on the stack.
  EXPECT_EQ(err_name(run({sig0})), "InvalidStackOperation");
  // Too many: the extra one stays on the stack.
  EXPECT_EQ(err_name(run({sig0, sig1, sig2})), "CleanStack");
  // Sig-op budget: keys 0 (match), 1 (no), 2 (match) = 3 checks.
  EXPECT_EQ(err_name(run({sig0, sig2}, 2)), "ExceededSigOpLimit");
  EXPECT_TRUE(run({sig0, sig1}, 2).ok());
  EXPECT_EQ(err_name(run({sig0, sig1}, 1)), "ExceededSigOpLimit");

  // combine_multisig_signatures refuses too few signers.
  std::vector<PartialSignature> one = {*create_partial_signature(s.tx, s.utxos, 0, ms.redeem, ms.secrets[0])};
  auto c = combine_multisig_signatures(ms.redeem, one);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message, "multisig: 1 distinct signers, 2 required");
  // A key that is not in the script cannot sign.
  auto outsider = create_partial_signature(s.tx, s.utxos, 0, ms.redeem, secret(99));
  ASSERT_FALSE(outsider.ok());
  EXPECT_EQ(outsider.error().message, "multisig: signing key is not one of the redeem script's keys");
}

TEST(ScriptEngine, P2shWrongRedeemScript) {
  const auto ms = make_multisig(2, 3);
  const auto other = make_multisig(1, 3);
  auto s = make_spend(ms.spk, 3);
  std::vector<core::Bytes> sigs = {partial(s, ms, 0), partial(s, ms, 1)};
  // Redeem script whose hash does not match the P2SH script.
  s.tx.inputs[0].signature_script = *p2sh_signature_script(other.redeem, std::span<const core::Bytes>(sigs));
  EXPECT_EQ(err_name(verify_input(s.tx, s.utxos, 0)), "EvalFalse");
  // Empty signature script.
  s.tx.inputs[0].signature_script.clear();
  EXPECT_EQ(err_name(verify_input(s.tx, s.utxos, 0)), "InvalidStackOperation");
}

TEST(ScriptEngine, P2shEcdsaMultisig) {
  std::vector<crypto::CompressedPublicKey> keys;
  std::vector<crypto::SecretKey> secrets;
  for (std::uint8_t i = 0; i < 3; ++i) {
    secrets.push_back(secret(70 + i));
    keys.push_back(compressed(70 + i));
  }
  const auto redeem = *multisig_redeem_script_ecdsa(2, std::span<const crypto::CompressedPublicKey>(keys));
  auto s = make_spend(p2sh_script(redeem), 3);
  std::vector<PartialSignature> partials = {*create_partial_signature(s.tx, s.utxos, 0, redeem, secrets[2]),
                                            *create_partial_signature(s.tx, s.utxos, 0, redeem, secrets[1])};
  s.tx.inputs[0].signature_script = *combine_multisig_signatures(redeem, partials);
  auto r = verify_input(s.tx, s.utxos, 0);
  EXPECT_TRUE(r.ok()) << r.error().message;
}

// --- Lock times ---------------------------------------------------------------------------------------------

core::Result<void> cltv_spend(std::uint64_t script_lock, std::uint64_t tx_lock, std::uint64_t sequence = 0) {
  const auto ms = make_multisig(2, 3, script_lock);
  auto s = make_spend(ms.spk, 3, tx_lock, sequence);
  return spend_with(s, ms, {0, 2});
}

TEST(ScriptEngine, CltvDaaScore) {
  EXPECT_EQ(err_name(cltv_spend(1000, 999)), "UnsatisfiedLockTime");
  EXPECT_TRUE(cltv_spend(1000, 1000).ok());
  EXPECT_TRUE(cltv_spend(1000, 1001).ok());
  EXPECT_EQ(err_name(cltv_spend(1000, 0)), "UnsatisfiedLockTime");
  // Kind mismatch: DAA-score operand, millisecond tx lock time.
  EXPECT_EQ(err_name(cltv_spend(1000, 1775001600000ull)), "UnsatisfiedLockTime");
  // Small operands use OP_n pushes.
  EXPECT_TRUE(cltv_spend(5, 5).ok());
  EXPECT_EQ(err_name(cltv_spend(5, 4)), "UnsatisfiedLockTime");
  // Boundary of the kinds: threshold - 1 is a DAA score.
  EXPECT_TRUE(cltv_spend(kLockTimeThreshold - 1, kLockTimeThreshold - 1).ok());
  EXPECT_EQ(err_name(cltv_spend(kLockTimeThreshold - 1, kLockTimeThreshold)), "UnsatisfiedLockTime");
}

TEST(ScriptEngine, CltvMilliseconds) {
  const std::uint64_t t = 1775001600000ull;
  EXPECT_EQ(err_name(cltv_spend(t, t - 1)), "UnsatisfiedLockTime");
  EXPECT_TRUE(cltv_spend(t, t).ok());
  EXPECT_TRUE(cltv_spend(t, t + 1).ok());
  EXPECT_EQ(err_name(cltv_spend(t, 1000)), "UnsatisfiedLockTime");
  EXPECT_TRUE(cltv_spend(kLockTimeThreshold, kLockTimeThreshold).ok());
}

TEST(ScriptEngine, CltvFinalizedSequence) {
  auto r = cltv_spend(1000, 2000, kMaxTxInSequenceNum);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "UnsatisfiedLockTime: transaction input is finalized");
  EXPECT_TRUE(cltv_spend(1000, 2000, kMaxTxInSequenceNum - 1).ok());
}

TEST(ScriptEngine, CltvOperandTooLong) {
  // <9-byte operand> OP_CHECKLOCKTIMEVERIFY OP_1 as a P2SH redeem script.
  const core::Bytes redeem = h("09010203040506070809b051");
  auto s = make_spend(p2sh_script(redeem), 0, 1000);
  s.tx.inputs[0].signature_script = *p2sh_signature_script(redeem, core::ByteView{});
  EXPECT_EQ(err_name(verify_input(s.tx, s.utxos, 0)), "NumberTooBig");
}

TEST(ScriptEngine, CheckSequenceVerify) {
  auto csv = [](std::uint64_t operand, std::uint64_t sequence) {
    ScriptBuilder b;
    b.add_sequence(operand).add_op(op::kOpCheckSequenceVerify).add_op(op::kOpTrue);
    const auto redeem = *b.build();
    auto s = make_spend(p2sh_script(redeem), 0, 0, sequence);
    s.tx.inputs[0].signature_script = *p2sh_signature_script(redeem, core::ByteView{});
    return verify_input(s.tx, s.utxos, 0);
  };
  EXPECT_TRUE(csv(10, 10).ok());
  EXPECT_TRUE(csv(10, 11).ok());
  EXPECT_EQ(err_name(csv(10, 9)), "UnsatisfiedLockTime");
  EXPECT_EQ(err_name(csv(10, 1ull << 63 | 20)), "UnsatisfiedLockTime");
  EXPECT_TRUE(csv(1ull << 63, 0).ok());                         // disabled operand: NOP
  EXPECT_TRUE(csv((1ull << 32) | 5, 5).ok());                    // only the low 32 bits compare
}

TEST(ScriptEngine, IsFinal) {
  Transaction tx;
  tx.inputs.resize(2);
  tx.inputs[0].sequence = 0;
  tx.inputs[1].sequence = kMaxTxInSequenceNum;
  tx.lock_time = 0;
  EXPECT_TRUE(is_final(tx, 0, 0));
  tx.lock_time = 1000;  // DAA score
  EXPECT_FALSE(is_final(tx, 999, ~0ull));
  EXPECT_FALSE(is_final(tx, 1000, ~0ull));
  EXPECT_TRUE(is_final(tx, 1001, 0));
  tx.lock_time = 1775001600000ull;  // milliseconds
  EXPECT_FALSE(is_final(tx, ~0ull, 1775001600000ull));
  EXPECT_TRUE(is_final(tx, 0, 1775001600001ull));
  tx.inputs[0].sequence = kMaxTxInSequenceNum;  // all inputs finalized
  EXPECT_TRUE(is_final(tx, 0, 0));
}

// --- Limits and encoding rules ------------------------------------------------------------------------------

TEST(ScriptEngine, ElementTooBig) {
  core::Bytes sig_script = {op::kOpPushData2, 0x09, 0x02};  // 521 bytes
  sig_script.resize(sig_script.size() + 521, 0x01);
  auto s = make_spend(p2pk_script(xonly(1)), 1);
  s.tx.inputs[0].signature_script = sig_script;
  auto r = verify_input(s.tx, s.utxos, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "ElementTooBig: element size 521 exceeds max allowed size 520");
  // 520 bytes is fine as far as the push goes (the script then fails for other reasons).
  sig_script = {op::kOpPushData2, 0x08, 0x02};
  sig_script.resize(sig_script.size() + 520, 0x01);
  s.tx.inputs[0].signature_script = sig_script;
  EXPECT_NE(err_name(verify_input(s.tx, s.utxos, 0)), "ElementTooBig");
}

TEST(ScriptEngine, NonMinimalPushes) {
  EXPECT_EQ(err_name(run_standalone({h("0105")})), "NotMinimalData");        // OP_DATA_1 5 -> OP_5
  EXPECT_EQ(err_name(run_standalone({h("0181")})), "NotMinimalData");        // -> OP_1NEGATE
  EXPECT_EQ(err_name(run_standalone({h("4c00")})), "NotMinimalData");        // -> OP_0
  EXPECT_EQ(err_name(run_standalone({h("4c0101")})), "NotMinimalData");
  EXPECT_EQ(err_name(run_standalone({h("4c021111")})), "NotMinimalData");    // -> OP_DATA_2
  EXPECT_EQ(err_name(run_standalone({h("4d0200" "1111")})), "NotMinimalData");
  EXPECT_TRUE(run_standalone({h("0100"), h("7551")}).ok());                  // {0x00} via OP_DATA_1 is minimal
  // Not checked in a non-executed branch.
  EXPECT_TRUE(run_standalone({h("006301056851")}).ok());
  // In a signature script of a real input too.
  auto s = make_spend(p2pk_script(xonly(1)), 1);
  s.tx.inputs[0].signature_script = h("4c0101");
  EXPECT_EQ(err_name(verify_input(s.tx, s.utxos, 0)), "NotMinimalData");
}

TEST(ScriptEngine, MalformedPushes) {
  EXPECT_EQ(err_name(run_standalone({h("0301")})), "MalformedPush");
  EXPECT_EQ(err_name(run_standalone({h("4c")})), "MalformedPushSize");
  EXPECT_EQ(err_name(run_standalone({h("4d01")})), "MalformedPushSize");
  EXPECT_EQ(err_name(run_standalone({h("4e0100")})), "MalformedPushSize");
  EXPECT_EQ(err_name(run_standalone({h("4c05aa")})), "MalformedPush");
}

TEST(ScriptEngine, OpLimitStackLimitScriptSize) {
  core::Bytes nops(201, op::kOpNop);
  nops.push_back(op::kOpTrue);
  EXPECT_TRUE(run_standalone({nops}).ok());
  nops.insert(nops.begin(), op::kOpNop);
  EXPECT_EQ(err_name(run_standalone({nops})), "TooManyOperations");

  core::Bytes pushes(244, op::kOpTrue);
  core::Bytes drops(121, op::kOp2Drop);
  drops.push_back(op::kOpDrop);
  pushes.insert(pushes.end(), drops.begin(), drops.end());
  EXPECT_TRUE(run_standalone({pushes}).ok());
  core::Bytes too_many(245, op::kOpTrue);
  EXPECT_EQ(err_name(run_standalone({too_many})), "StackSizeExceeded");

  core::Bytes huge(10'001, op::kOpTrue);
  EXPECT_EQ(err_name(run_standalone({huge})), "ScriptSize");
  EXPECT_EQ(err_name(run_standalone({core::Bytes{}, core::Bytes{}})), "EvalFalse");

  // The multisig key count counts as operations: 190 NOPs + 1 + 20 > 201.
  core::Bytes many(190, op::kOpNop);
  for (auto b : {op::kOp0, std::uint8_t{0x01}, std::uint8_t{20}, op::kOpCheckMultiSig}) many.push_back(b);
  EXPECT_EQ(err_name(run_standalone({many})), "TooManyOperations");
  many.erase(many.begin(), many.begin() + 10);  // 180 + 1 + 20 = 201: fine, then the stack is short
  EXPECT_EQ(err_name(run_standalone({many})), "InvalidStackOperation");
}

TEST(ScriptEngine, DisabledAndReservedOpcodes) {
  // Disabled opcodes fail even in a non-executed branch.
  EXPECT_EQ(err_name(run_standalone({h("00637e6851")})), "OpcodeDisabled");
  EXPECT_EQ(err_name(run_standalone({h("0063956851")})), "OpcodeDisabled");
  // VERIF / VERNOTIF always illegal.
  EXPECT_EQ(err_name(run_standalone({h("0063656851")})), "OpcodeReserved");
  // Reserved ones only when executed.
  EXPECT_TRUE(run_standalone({h("0063506851")}).ok());
  EXPECT_EQ(err_name(run_standalone({h("50")})), "OpcodeReserved");
  EXPECT_EQ(err_name(run_standalone({h("62")})), "OpcodeReserved");
  EXPECT_EQ(err_name(run_standalone({h("b2")})), "OpcodeReserved");
  EXPECT_EQ(err_name(run_standalone({h("a6")})), "InvalidOpcode");
  EXPECT_EQ(err_name(run_standalone({h("ff")})), "InvalidOpcode");
  EXPECT_EQ(err_name(run_standalone({h("6a")})), "EarlyReturn");
  EXPECT_TRUE(run_standalone({h("00636a6851")}).ok());
}

TEST(ScriptEngine, FlowAndStackOps) {
  EXPECT_EQ(err_name(run_standalone({h("51635167006851")})), "CleanStack");  // 1 IF 1 ELSE 0 ENDIF 1
  EXPECT_TRUE(run_standalone({h("516351670068")}).ok());                     // 1 IF 1 ELSE 0 ENDIF
  EXPECT_EQ(err_name(run_standalone({h("006351670068")})), "EvalFalse");     // 0 IF 1 ELSE 0 ENDIF
  EXPECT_TRUE(run_standalone({h("006451670068")}).ok());                     // 0 NOTIF 1 ELSE 0 ENDIF
  EXPECT_TRUE(run_standalone({h("0063006351686851")}).ok());                 // nested, skipped
  EXPECT_EQ(err_name(run_standalone({h("5263")})), "InvalidState");         // IF needs a boolean
  EXPECT_EQ(err_name(run_standalone({h("5163")})), "ErrUnbalancedConditional");
  EXPECT_EQ(err_name(run_standalone({h("67")})), "InvalidState");
  EXPECT_EQ(err_name(run_standalone({h("68")})), "InvalidState");
  EXPECT_EQ(err_name(run_standalone({h("63")})), "EmptyStack");
  EXPECT_EQ(err_name(run_standalone({h("0069")})), "VerifyError");
  EXPECT_TRUE(run_standalone({h("515169")}).ok());
  EXPECT_EQ(err_name(run_standalone({h("52537c5287")})), "CleanStack");      // [2,3] SWAP -> [3,2]; 2 EQUAL
  EXPECT_TRUE(run_standalone({h("52537c52877c75")}).ok());                   // ... SWAP DROP -> [1]
  EXPECT_TRUE(run_standalone({h("52768851")}).ok());                         // DUP EQUALVERIFY 1
  EXPECT_EQ(err_name(run_standalone({h("52538851")})), "VerifyError");
  EXPECT_EQ(err_name(run_standalone({h("75")})), "InvalidStackOperation");
  EXPECT_EQ(err_name(run_standalone({h("76")})), "InvalidStackOperation");
  EXPECT_EQ(err_name(run_standalone({h("517c")})), "InvalidStackOperation");
  EXPECT_TRUE(run_standalone({h("516b6c")}).ok());                           // TOALTSTACK FROMALTSTACK
  EXPECT_EQ(err_name(run_standalone({h("516b"), h("6c")})), "EmptyStack");  // alt stack does not persist
  // Arithmetic (enabled opcodes of v1.1.0).
  EXPECT_TRUE(run_standalone({h("525393559c")}).ok());                       // 2+3 == 5
  EXPECT_TRUE(run_standalone({h("555294539c")}).ok());                       // 5-2 == 3
  EXPECT_TRUE(run_standalone({h("4f8f519c")}).ok());                         // -(-1) == 1
  EXPECT_EQ(err_name(run_standalone({h("08ffffffffffffff7f8b")})), "NumberTooBig");  // overflow
  EXPECT_EQ(err_name(run_standalone({h("09ffffffffffffffff008b")})), "NumberTooBig");  // 9 bytes
  EXPECT_EQ(err_name(run_standalone({h("0200008b")})), "NotMinimalData");
}

TEST(ScriptEngine, HashOpcodes) {
  // SHA256("") and unkeyed BLAKE2b-256("") are well-known constants.
  const auto sha_empty = h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const auto blake_empty = h("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  ScriptBuilder b;
  b.add_op(op::kOp0).add_op(op::kOpSha256).add_data(sha_empty).add_op(op::kOpEqualVerify);
  b.add_op(op::kOp0).add_op(op::kOpBlake2b).add_data(blake_empty).add_op(op::kOpEqual);
  EXPECT_TRUE(run_standalone({*b.build()}).ok());
}

TEST(ScriptEngine, SignatureOpsNeedATransaction) {
  EXPECT_EQ(err_name(run_standalone({h("5151ac")})), "NotATransactionInput");
  EXPECT_EQ(err_name(run_standalone({h("51b0")})), "InvalidSource");
}

TEST(ScriptEngine, UnknownScriptVersionSucceeds) {
  auto s = make_spend(ScriptPublicKey{1, h("6a")}, 0);
  s.tx.inputs[0].signature_script = h("ffff");  // not even parsable
  EXPECT_TRUE(verify_input(s.tx, s.utxos, 0).ok());
}

TEST(ScriptEngine, Introspection) {
  // OP_TXINPUTINDEX OP_0 OP_EQUALVERIFY, OP_TXINPUTCOUNT OP_1 OP_EQUALVERIFY, OP_0 OP_TXINPUTAMOUNT <5e9>
  // OP_EQUAL, as a P2SH redeem script.
  ScriptBuilder b;
  b.add_op(op::kOpTxInputIndex).add_op(op::kOp0).add_op(op::kOpEqualVerify);
  b.add_op(op::kOpTxInputCount).add_op(op::kOp1).add_op(op::kOpEqualVerify);
  b.add_op(op::kOp0).add_op(op::kOpTxInputAmount).add_i64(5'000'000'000).add_op(op::kOpEqual);
  const auto redeem = *b.build();
  auto s = make_spend(p2sh_script(redeem), 0);
  s.tx.inputs[0].signature_script = *p2sh_signature_script(redeem, core::ByteView{});
  auto r = verify_input(s.tx, s.utxos, 0);
  EXPECT_TRUE(r.ok()) << r.error().message;
}

TEST(ScriptEngine, VerifyTransactionScripts) {
  auto s = make_spend(p2pk_script(xonly(1)), 1);
  TransactionInput second = s.tx.inputs[0];
  second.previous_outpoint.index = 2;
  s.tx.inputs.push_back(second);
  s.utxos.push_back(UtxoEntry{10, p2pk_ecdsa_script(compressed(2)), 5, false, std::nullopt});
  s.tx.inputs[0].signature_script = *sign_input_schnorr(s.tx, s.utxos, 0, secret(1));
  s.tx.inputs[1].signature_script = *sign_input_ecdsa(s.tx, s.utxos, 1, secret(2));
  auto r = verify_transaction_scripts(s.tx, s.utxos);
  EXPECT_TRUE(r.ok()) << r.error().message;
  s.tx.inputs[1].signature_script = s.tx.inputs[0].signature_script;
  r = verify_transaction_scripts(s.tx, s.utxos);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("input 1: ", 0), 0u) << r.error().message;
  EXPECT_FALSE(verify_input(s.tx, s.utxos, 5).ok());
}

TEST(ScriptEngine, ScriptNumAndBool) {
  EXPECT_EQ(*decode_script_num(h("")), 0);
  EXPECT_EQ(*decode_script_num(h("8000")), 128);
  EXPECT_EQ(*decode_script_num(h("ff80")), -255);
  EXPECT_EQ(*decode_script_num(h("ffffffffffffff7f")), 9223372036854775807LL);
  EXPECT_EQ(script_error_name(decode_script_num(h("00")).error()), "NotMinimalData");
  EXPECT_EQ(script_error_name(decode_script_num(h("80")).error()), "NotMinimalData");
  EXPECT_EQ(script_error_name(decode_script_num(h("0100")).error()), "NotMinimalData");
  EXPECT_EQ(script_error_name(decode_script_num(h("0102030405"), 4).error()), "NumberTooBig");
  EXPECT_FALSE(script_bool(h("")));
  EXPECT_FALSE(script_bool(h("0000")));
  EXPECT_FALSE(script_bool(h("0080")));
  EXPECT_TRUE(script_bool(h("0001")));
  EXPECT_TRUE(script_bool(h("81")));
  EXPECT_TRUE(is_push_only(h("0051024142")));
  EXPECT_FALSE(is_push_only(h("0051ac")));
  EXPECT_FALSE(is_push_only(h("03")));
}

// --- Version 1 (Toccata): compute budgets and script units ---------------------------------------------------

Spend make_spend_v1(const ScriptPublicKey& spk, std::uint16_t compute_budget) {
  Spend s = make_spend(spk, 0);
  s.tx.version = kTxVersionToccata;
  s.tx.inputs[0].compute_commit = ComputeBudget{compute_budget};
  return s;
}

// Runs input 0 and returns the engine's result and the script units it used.
std::pair<core::Result<void>, std::uint64_t> run_input(const Spend& s) {
  SigHashCache cache(s.tx, s.utxos);
  ScriptEngine engine(cache, 0);
  auto r = engine.execute();
  return {r, engine.used_script_units()};
}

core::Result<void> run_toccata(std::initializer_list<core::Bytes> scripts, std::uint64_t* used = nullptr) {
  std::vector<core::ByteView> views(scripts.begin(), scripts.end());
  ScriptEngine e(ScriptRules::kToccata);
  auto r = e.execute_scripts(views);
  if (used) *used = e.used_script_units();
  return r;
}

TEST(ScriptEngineV1, AllowedScriptUnits) {
  EXPECT_EQ(allowed_script_units(ComputeBudget{0}), 9'999u);
  EXPECT_EQ(allowed_script_units(ComputeBudget{1}), 19'999u);
  EXPECT_EQ(allowed_script_units(ComputeBudget{10}), 109'999u);
  EXPECT_EQ(allowed_script_units(ComputeBudget{65535}), 655'359'999u);
  EXPECT_EQ(allowed_script_units(SigOpCount{1}), 109'999u);  // HEAD's legacy peg: 100,000 per sig-op
  EXPECT_EQ(script_rules_for_version(0), ScriptRules::kCrescendo);
  EXPECT_EQ(script_rules_for_version(1), ScriptRules::kToccata);
}

TEST(ScriptEngineV1, P2pkSchnorrBudget) {
  auto s = make_spend_v1(p2pk_script(xonly(1)), 10);
  auto sig_script = sign_input_schnorr(s.tx, s.utxos, 0, secret(1));
  ASSERT_TRUE(sig_script.ok()) << sig_script.error().message;
  s.tx.inputs[0].signature_script = *sig_script;
  // One sig-op (100,000) + the pushed `true` (1 byte); the literal pushes are free. Budget 10 allows 109,999.
  auto [r, used] = run_input(s);
  EXPECT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(used, 100'001u);
  // The compute budget is not signed: any budget that covers the execution keeps the signature valid.
  for (std::uint16_t b : {11, 100, 65535}) {
    auto t = s;
    t.tx.inputs[0].compute_commit = ComputeBudget{b};
    EXPECT_TRUE(verify_input(t.tx, t.utxos, 0).ok()) << b;
  }
  // Budget 9 allows 99,999 units: the sig-op itself does not fit.
  auto t = s;
  t.tx.inputs[0].compute_commit = ComputeBudget{9};
  auto r9 = verify_input(t.tx, t.utxos, 0);
  ASSERT_FALSE(r9.ok());
  EXPECT_EQ(script_error_name(r9.error()), "ExceededCommittedScriptUnits");
  EXPECT_NE(r9.error().message.find("used=100000, limit=99999"), std::string::npos) << r9.error().message;
  t.tx.inputs[0].compute_commit = ComputeBudget{0};
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "ExceededCommittedScriptUnits");
  // A v0 signature does not verify in the v1 transaction (different sighash layout and tx version).
  auto v0 = make_spend(p2pk_script(xonly(1)), 1);
  t = s;
  t.tx.inputs[0].signature_script = *sign_input_schnorr(v0.tx, v0.utxos, 0, secret(1));
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "EvalFalse");
  // A failed check still pays for its sig-op and pushes an empty `false` (0 bytes).
  t = s;
  t.tx.outputs[0].value -= 1;
  auto [rf, used_f] = run_input(t);
  EXPECT_EQ(err_name(rf), "EvalFalse");
  EXPECT_EQ(used_f, 100'000u);
}

TEST(ScriptEngineV1, P2pkSchnorrSighashTypesAndCovenantOutputs) {
  for (auto type : {SigHashType::kAll, SigHashType::kNone, SigHashType::kSingle, SigHashType::kAllAnyoneCanPay,
                    SigHashType::kNoneAnyoneCanPay, SigHashType::kSingleAnyoneCanPay}) {
    auto s = make_spend_v1(p2pk_script(xonly(3)), 10);
    s.tx.outputs[0].covenant = CovenantBinding{0, core::Hash32{}};
    s.tx.outputs[0].covenant->covenant_id[5] = 7;
    s.tx.inputs[0].signature_script = *sign_input_schnorr(s.tx, s.utxos, 0, secret(3), type);
    auto r = verify_input(s.tx, s.utxos, 0);
    EXPECT_TRUE(r.ok()) << static_cast<int>(type) << ": " << r.error().message;
    // The covenant binding is committed by ALL (and SINGLE for output 0).
    if (!is_sighash_none(type)) {
      auto t = s;
      t.tx.outputs[0].covenant->covenant_id[5] = 8;
      EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "EvalFalse") << static_cast<int>(type);
    }
  }
}

TEST(ScriptEngineV1, P2pkEcdsaBudget) {
  auto s = make_spend_v1(p2pk_ecdsa_script(compressed(4)), 10);
  auto sig_script = sign_input_ecdsa(s.tx, s.utxos, 0, secret(4));
  ASSERT_TRUE(sig_script.ok()) << sig_script.error().message;
  s.tx.inputs[0].signature_script = *sig_script;
  auto [r, used] = run_input(s);
  EXPECT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(used, 100'001u);  // the 35-byte P2PK-ECDSA script is not charged (standard size)
  auto t = s;
  t.tx.inputs[0].compute_commit = ComputeBudget{9};
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "ExceededCommittedScriptUnits");
  // Malformed inputs are errors with HEAD's names: a key of the wrong length, a key off the curve, r >= n.
  t = s;
  t.utxos[0].script_public_key.script[1] = 0x04;  // 0x04 prefix on 33 bytes
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "InvalidPubkey");
  t = s;
  std::fill(t.tx.inputs[0].signature_script.begin() + 1, t.tx.inputs[0].signature_script.begin() + 33, 0xff);
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "InvalidSignature");
  t = s;
  t.tx.inputs[0].signature_script = {0x02, 0x11, 0x01};
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "InvalidSignature");
  // A tampered message: false, not an error.
  t = s;
  t.tx.lock_time = 1;
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "EvalFalse");
}

TEST(ScriptEngineV1, SchnorrMalformedInputs) {
  auto s = make_spend_v1(p2pk_script(xonly(1)), 10);
  s.tx.inputs[0].signature_script = *sign_input_schnorr(s.tx, s.utxos, 0, secret(1));
  // HEAD checks the key before the signature; both are InvalidPubkey / InvalidSignature (no SigLength).
  auto t = s;
  t.tx.inputs[0].signature_script = {0x02, 0x11, 0x01};
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "InvalidSignature");
  t = s;
  std::fill(t.utxos[0].script_public_key.script.begin() + 1, t.utxos[0].script_public_key.script.begin() + 33, 0xff);
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "InvalidPubkey");
  t = s;  // 33-byte key under OP_CHECKSIG
  t.utxos[0].script_public_key = ScriptPublicKey{0, h("21") + [] { return core::Bytes(33, 2); }()};
  t.utxos[0].script_public_key.script.push_back(op::kOpCheckSig);
  EXPECT_EQ(err_name(verify_input(t.tx, t.utxos, 0)), "InvalidPubkey");
  // The v0 rules keep v1.1.0's names for the same inputs.
  auto v0 = make_spend(p2pk_script(xonly(1)), 1);
  v0.tx.inputs[0].signature_script = {0x02, 0x11, 0x01};
  EXPECT_EQ(err_name(verify_input(v0.tx, v0.utxos, 0)), "SigLength");
}

Spend make_spend_v1_multisig(const Multisig& ms, std::uint16_t budget, std::initializer_list<std::size_t> signers) {
  auto s = make_spend_v1(ms.spk, budget);
  std::vector<PartialSignature> partials;
  for (auto i : signers) partials.push_back(*create_partial_signature(s.tx, s.utxos, 0, ms.redeem, ms.secrets[i]));
  s.tx.inputs[0].signature_script = *combine_multisig_signatures(ms.redeem, partials);
  return s;
}

TEST(ScriptEngineV1, P2shMultisigBudget) {
  const auto ms = make_multisig(2, 3);
  ASSERT_EQ(ms.redeem.size(), 102u);  // OP_2 3x(OP_DATA_32 key) OP_3 OP_CHECKMULTISIG
  // Keys 0 and 1 sign: two sig-ops. Units: 2 * 100,000 + 1 (true) + BLAKE2B of the redeem script (2/byte) + its
  // 32-byte digest + OP_EQUAL's true = 200,238 -> budget 20 (209,999); 19 (199,999) is not enough.
  const std::uint64_t expected = 2 * 100'000 + 1 + 2 * 102 + 32 + 1;
  auto s = make_spend_v1_multisig(ms, 20, {0, 1});
  auto [r, used] = run_input(s);
  EXPECT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(used, expected);
  auto t = s;
  t.tx.inputs[0].compute_commit = ComputeBudget{19};
  auto r19 = verify_input(t.tx, t.utxos, 0);
  EXPECT_EQ(err_name(r19), "ExceededCommittedScriptUnits");
  EXPECT_NE(r19.error().message.find("used=200237, limit=199999"), std::string::npos) << r19.error().message;

  // Keys 0 and 2 sign: key 1 is tried against signature 2 as well, so three sig-ops (300,238 units, budget 30).
  auto s02 = make_spend_v1_multisig(ms, 30, {0, 2});
  auto [r02, used02] = run_input(s02);
  EXPECT_TRUE(r02.ok()) << r02.error().message;
  EXPECT_EQ(used02, expected + 100'000);
  s02.tx.inputs[0].compute_commit = ComputeBudget{29};
  EXPECT_EQ(err_name(verify_input(s02.tx, s02.utxos, 0)), "ExceededCommittedScriptUnits");

  // 3-of-5 signed by 0, 1, 4: five sig-ops.
  const auto ms5 = make_multisig(3, 5);
  auto s5 = make_spend_v1_multisig(ms5, 50, {0, 1, 4});
  auto [r5, used5] = run_input(s5);
  EXPECT_TRUE(r5.ok()) << r5.error().message;
  EXPECT_EQ(used5, 5 * 100'000 + 1 + 2 * ms5.redeem.size() + 32 + 1);
  s5.tx.inputs[0].compute_commit = ComputeBudget{49};
  EXPECT_EQ(err_name(verify_input(s5.tx, s5.utxos, 0)), "ExceededCommittedScriptUnits");
}

TEST(ScriptEngineV1, P2shEcdsaMultisig) {
  std::vector<crypto::CompressedPublicKey> keys;
  std::vector<crypto::SecretKey> secrets;
  for (std::uint8_t i = 0; i < 3; ++i) {
    secrets.push_back(secret(70 + i));
    keys.push_back(compressed(70 + i));
  }
  const auto redeem = *multisig_redeem_script_ecdsa(2, std::span<const crypto::CompressedPublicKey>(keys));
  auto s = make_spend_v1(p2sh_script(redeem), 20);
  std::vector<PartialSignature> partials = {*create_partial_signature(s.tx, s.utxos, 0, redeem, secrets[0]),
                                            *create_partial_signature(s.tx, s.utxos, 0, redeem, secrets[1])};
  s.tx.inputs[0].signature_script = *combine_multisig_signatures(redeem, partials);
  auto [r, used] = run_input(s);
  EXPECT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(used, 2 * 100'000 + 1 + 2 * redeem.size() + 32 + 1);
  s.tx.inputs[0].compute_commit = ComputeBudget{19};
  EXPECT_EQ(err_name(verify_input(s.tx, s.utxos, 0)), "ExceededCommittedScriptUnits");
}

TEST(ScriptEngineV1, LongScriptPublicKeyIsCharged) {
  // A non-standard 41-byte spent script (6 bytes over the standard 35): 600 units before anything runs.
  core::Bytes spk = h("20") + core::Bytes(32, 0x11);
  spk.push_back(op::kOpDrop);
  for (int i = 0; i < 5; ++i) spk.push_back(op::kOpNop);
  spk.push_back(op::kOpTrue);
  spk.push_back(op::kOpNop);
  ASSERT_EQ(spk.size(), 41u);
  auto s = make_spend_v1(ScriptPublicKey{0, spk}, 0);
  auto [r, used] = run_input(s);
  EXPECT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(used, 600u);
}

TEST(ScriptEngineV1, PushedBytesAreCharged) {
  // Literal pushes are free; DUP charges the duplicated element.
  const core::Bytes data(100, 0x42);
  auto push100 = h("4c64") + data;  // OP_PUSHDATA1 100
  std::uint64_t used = 0;
  auto r = run_toccata({push100 + h("7675") + h("7551")}, &used);  // push, DUP, DROP, DROP, 1
  EXPECT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(used, 100u);
  // 2DUP of two 100-byte items: 200; OVER: 100; PICK: 100 (+ nothing for the literal index); TUCK: 100.
  EXPECT_TRUE(run_toccata({push100 + push100 + h("6e6d6d51")}, &used).ok());
  EXPECT_EQ(used, 200u);
  EXPECT_TRUE(run_toccata({push100 + h("51") + h("78") + h("6d7551")}, &used).ok());
  EXPECT_EQ(used, 100u);
  EXPECT_TRUE(run_toccata({push100 + h("00") + h("79") + h("6d51")}, &used).ok());
  EXPECT_EQ(used, 100u);
  EXPECT_TRUE(run_toccata({push100 + h("51") + h("7d") + h("6d7551")}, &used).ok());
  EXPECT_EQ(used, 1u);  // TUCK copies the top item (1 byte)
  // Moves are free: SWAP, ROT, ROLL, NIP, TOALTSTACK/FROMALTSTACK.
  EXPECT_TRUE(run_toccata({push100 + push100 + push100 + h("7c7b52 7a 6b6c77 75 75 51")}, &used).ok());
  EXPECT_EQ(used, 0u);
  // Hashes: SHA256 1/byte + 32, BLAKE2B 2/byte + 32; numeric results and EQUAL's true are charged by size.
  EXPECT_TRUE(run_toccata({push100 + h("a8 75 51")}, &used).ok());
  EXPECT_EQ(used, 132u);
  EXPECT_TRUE(run_toccata({push100 + h("aa 75 51")}, &used).ok());
  EXPECT_EQ(used, 232u);
  EXPECT_TRUE(run_toccata({h("5253 93 55 87")}, &used).ok());  // 2 3 ADD (1 byte) 5 EQUAL (1 byte)
  EXPECT_EQ(used, 2u);
}

TEST(ScriptEngineV1, ToccataLimitsAndRelaxedRules) {
  // Non-minimal pushes and numbers are accepted under Toccata rules only.
  EXPECT_TRUE(run_toccata({h("4c0105 55 87")}).ok());     // PUSHDATA1 [5] == 5
  EXPECT_EQ(err_name(run_standalone({h("4c010555 87")})), "NotMinimalData");
  EXPECT_TRUE(run_toccata({h("020500 55 9c")}).ok());     // [05 00] NUMEQUAL 5
  EXPECT_EQ(err_name(run_toccata({h("09ffffffffffffffff00 8b")})), "NumberTooBig");
  // OP_IF takes any value as a boolean.
  EXPECT_TRUE(run_toccata({h("52 63 51 67 00 68")}).ok());
  EXPECT_EQ(err_name(run_toccata({h("63")})), "InvalidStackOperation");
  // 520+ byte elements and 201+ ops are fine.
  core::Bytes big = h("4d") + core::Bytes{0x10, 0x27} + core::Bytes(10'000, 0x01);  // PUSHDATA2 10,000
  big.push_back(op::kOpDrop);
  big.push_back(op::kOpTrue);
  EXPECT_TRUE(run_toccata({big}).ok());
  core::Bytes many(1000, op::kOpNop);
  many.push_back(op::kOpTrue);
  EXPECT_TRUE(run_toccata({many}).ok());
  EXPECT_EQ(err_name(run_standalone({many})), "TooManyOperations");
  // Re-enabled opcodes.
  EXPECT_TRUE(run_toccata({h("020102 020304 7e 0401020304 87")}).ok());         // CAT
  EXPECT_TRUE(run_toccata({h("0401020304 51 53 7f 020203 87")}).ok());           // SUBSTR [1:3]
  EXPECT_EQ(err_name(run_toccata({h("0401020304 53 51 7f")})), "InvalidRange");
  EXPECT_EQ(err_name(run_toccata({h("0401020304 51 55 7f")})), "OutOfBoundsSubstring");
  EXPECT_EQ(err_name(run_toccata({h("0401020304 4f 51 7f")})), "InvalidIndex");
  EXPECT_TRUE(run_toccata({h("0100 83 01ff 87")}).ok());                         // INVERT
  EXPECT_TRUE(run_toccata({h("010f 013c 84 010c 87")}).ok());                    // AND
  EXPECT_TRUE(run_toccata({h("010f 013c 85 013f 87")}).ok());                    // OR
  EXPECT_TRUE(run_toccata({h("010f 013c 86 0133 87")}).ok());                    // XOR
  EXPECT_EQ(err_name(run_toccata({h("010f 02013c 86")})), "InvalidState");
  EXPECT_TRUE(run_toccata({h("53 55 95 010f 9c")}).ok());                        // 3*5 == 15
  EXPECT_TRUE(run_toccata({h("010f 52 96 57 9c")}).ok());                        // 15/2 == 7
  EXPECT_TRUE(run_toccata({h("010f 52 97 51 9c")}).ok());                        // 15%2 == 1
  EXPECT_EQ(err_name(run_toccata({h("51 00 96")})), "InvalidState");
  EXPECT_EQ(err_name(run_toccata({h("51 00 97")})), "InvalidState");
  EXPECT_TRUE(run_toccata({h("4f 54 cd 0401000080 87")}).ok());                  // NUM2BIN(-1, 4)
  EXPECT_TRUE(run_toccata({h("0401000080 ce 4f 87")}).ok());                     // BIN2NUM
  // Still disabled.
  EXPECT_EQ(err_name(run_toccata({h("00 63 80 68 51")})), "OpcodeDisabled");
  EXPECT_EQ(err_name(run_toccata({h("00 63 98 68 51")})), "OpcodeDisabled");
  // Toccata opcodes this engine does not implement are reported as unsupported, not as script failures.
  auto zk = run_toccata({h("a6")});
  ASSERT_FALSE(zk.ok());
  EXPECT_EQ(zk.error().code, core::ErrorCode::kUnsupported);
  EXPECT_EQ(err_name(run_toccata({h("ca")})), "InvalidOpcode");
  EXPECT_EQ(err_name(run_toccata({h("b2")})), "InvalidSource");  // OpTxVersion needs a transaction
}

TEST(ScriptEngineV1, Introspection) {
  ScriptBuilder b;
  b.add_op(0xb2).add_op(op::kOp1).add_op(op::kOpEqualVerify);               // OpTxVersion == 1
  b.add_op(0xc4).add_op(op::kOp0).add_op(op::kOpEqualVerify);               // OpTxPayloadLen == 0
  b.add_op(op::kOp0).add_op(0xbb).add_op(op::kOp1).add_op(op::kOpEqualVerify);  // OpOutpointIndex(0) == 1
  b.add_op(op::kOp0).add_op(0xc0).add_i64(1000).add_op(op::kOpEqualVerify);     // OpTxInputDaaScore(0)
  b.add_op(op::kOp0).add_op(0xc7).add_i64(36).add_op(op::kOpEqualVerify);       // OpTxOutputSpkLen(0) (2 + 34)
  b.add_op(op::kOp0).add_op(0xbd).add_data(core::Bytes(8, 0)).add_op(op::kOpEqualVerify);  // OpTxInputSeq(0)
  b.add_op(op::kOp0).add_op(0xcf).add_data(core::Bytes(32, 0)).add_op(op::kOpEqual);      // OpInputCovenantId
  const auto redeem = *b.build();
  auto s = make_spend_v1(p2sh_script(redeem), 1);
  s.tx.inputs[0].signature_script = *p2sh_signature_script(redeem, core::ByteView{});
  auto r = verify_input(s.tx, s.utxos, 0);
  EXPECT_TRUE(r.ok()) << r.error().message;
  s.tx.inputs[0].compute_commit = ComputeBudget{0};  // 9,999 units suffice: no signature checks
  r = verify_input(s.tx, s.utxos, 0);
  EXPECT_TRUE(r.ok()) << r.error().message;
}


}  // namespace
}  // namespace igra::kaspa
