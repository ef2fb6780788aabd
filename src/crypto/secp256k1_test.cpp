#include "crypto/secp256k1.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/hex.hpp"
#include "crypto/sha256.hpp"

namespace igra::crypto {
namespace {

using core::to_hex;

template <std::size_t N>
core::FixedBytes<N> fx(std::string_view hex) {
  auto r = core::fixed_from_hex<N>(hex);
  EXPECT_TRUE(r.ok()) << hex;
  return r.ok() ? *r : core::FixedBytes<N>{};
}
core::Hash32 h32(std::string_view hex) { return fx<32>(hex); }

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

constexpr const char* kOrderHex = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141";

// n - v for a 32-byte big-endian scalar v (v < n).
core::FixedBytes<32> negate_mod_n(const core::FixedBytes<32>& v) {
  const auto n = fx<32>(kOrderHex);
  core::FixedBytes<32> out;
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int d = int(n[i]) - int(v[i]) - borrow;
    borrow = d < 0;
    out[i] = static_cast<std::uint8_t>(d + (borrow ? 256 : 0));
  }
  return out;
}

TEST(Secp256k1, SecretKeyRange) {
  EXPECT_FALSE(is_valid_secret_key(SecretKey{}));
  EXPECT_TRUE(is_valid_secret_key(fx<32>("0000000000000000000000000000000000000000000000000000000000000001")));
  EXPECT_TRUE(is_valid_secret_key(fx<32>("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140")));
  EXPECT_FALSE(is_valid_secret_key(fx<32>(kOrderHex)));
  EXPECT_FALSE(is_valid_secret_key(fx<32>("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")));
  for (auto bad : {SecretKey{}, fx<32>(kOrderHex)}) {
    EXPECT_FALSE(ecdsa_sign_recoverable(core::Hash32{}, bad).ok());
    EXPECT_FALSE(public_key_from_secret(bad).ok());
    EXPECT_FALSE(schnorr_public_key(bad).ok());
    EXPECT_FALSE(schnorr_sign(core::Hash32{}, bad).ok());
    EXPECT_FALSE(ecdsa_public_key_compressed(bad).ok());
    auto r = ecdsa_sign_compact(core::Hash32{}, bad);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("secret key"), std::string::npos) << r.error().message;
  }
}

// ----- BIP-340 official test vectors (bip-0340/test-vectors.csv, indices 0..14) -----

struct Bip340Vector {
  int index;
  const char* secret_key;  // empty: verification-only vector
  const char* public_key;
  const char* aux_rand;
  const char* message;
  const char* signature;
  bool valid;
};

const Bip340Vector kBip340[] = {
    {0, "0000000000000000000000000000000000000000000000000000000000000003",
     "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "0000000000000000000000000000000000000000000000000000000000000000",
     "E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA821525F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0",
     true},
    {1, "B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFEF",
     "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
     "0000000000000000000000000000000000000000000000000000000000000001",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "6896BD60EEAE296DB48A229FF71DFE071BDE413E6D43F917DC8DCF8C78DE33418906D11AC976ABCCB20B091292BFF4EA897EFCB639EA871CFA95F6DE339E4B0A",
     true},
    {2, "C90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B14E5C9",
     "DD308AFEC5777E13121FA72B9CC1B7CC0139715309B086C960E18FD969774EB8",
     "C87AA53824B4D7AE2EB035A2B5BBBCCC080E76CDC6D1692C4B0B62D798E6D906",
     "7E2D58D8B3BCDF1ABADEC7829054F90DDA9805AAB56C77333024B9D0A508B75C",
     "5831AAEED7B44BB74E5EAB94BA9D4294C49BCF2A60728D8B4C200F50DD313C1BAB745879A5AD954A72C45A91C3A51D3C7ADEA98D82F8481E0E1E03674A6F3FB7",
     true},
    {3, "0B432B2677937381AEF05BB02A66ECD012773062CF3FA2549E44F58ED2401710",
     "25D1DFF95105F5253C4022F628A996AD3A0D95FBF21D468A1B33F8C160D8F517",
     "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
     "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
     "7EB0509757E246F19449885651611CB965ECC1A187DD51B64FDA1EDC9637D5EC97582B9CB13DB3933705B32BA982AF5AF25FD78881EBB32771FC5922EFC66EA3",
     true},
    {4, "", "D69C3509BB99E412E68B0FE8544E72837DFA30746D8BE2AA65975F29D22DC7B9", "",
     "4DF3C3F68FCC83B27E9D42C90431A72499F17875C81A599B566C9889B9696703",
     "00000000000000000000003B78CE563F89A0ED9414F5AA28AD0D96D6795F9C6376AFB1548AF603B3EB45C9F8207DEE1060CB71C04E80F593060B07D28308D7F4",
     true},
    // public key not on the curve
    {5, "", "EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E17776969E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B",
     false},
    // has_even_y(R) is false
    {6, "", "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "FFF97BD5755EEEA420453A14355235D382F6472F8568A18B2F057A14602975563CC27944640AC607CD107AE10923D9EF7A73C643E166BE5EBEAFA34B1AC553E2",
     false},
    // negated message
    {7, "", "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "1FA62E331EDBC21C394792D2AB1100A7B432B013DF3F6FF4F99FCB33E0E1515F28890B3EDB6E7189B630448B515CE4F8622A954CFE545735AAEA5134FCCDB2BD",
     false},
    // negated s value
    {8, "", "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769961764B3AA9B2FFCB6EF947B6887A226E8D7C93E00C5ED0C1834FF0D0C2E6DA6",
     false},
    // sG - eP is infinite (x(inf) as 0)
    {9, "", "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "0000000000000000000000000000000000000000000000000000000000000000123DDA8328AF9C23A94C1FEECFD123BA4FB73476F0D594DCB65C6425BD186051",
     false},
    // sG - eP is infinite (x(inf) as 1)
    {10, "", "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "00000000000000000000000000000000000000000000000000000000000000017615FBAF5AE28864013C099742DEADB4DBA87F11AC6754F93780D5A1837CF197",
     false},
    // sig[0:32] is not an X coordinate on the curve
    {11, "", "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "4A298DACAE57395A15D0795DDBFD1DCB564DA82B0F269BC70A74F8220429BA1D69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B",
     false},
    // sig[0:32] is equal to field size
    {12, "", "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B",
     false},
    // sig[32:64] is equal to curve order
    {13, "", "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
     false},
    // public key is not a valid X coordinate because it exceeds the field size
    {14, "", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC30", "",
     "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
     "6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E17776969E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B",
     false},
};

TEST(Bip340, OfficialVectors) {
  int signed_count = 0, valid_count = 0, invalid_count = 0;
  for (const auto& v : kBip340) {
    SCOPED_TRACE("BIP-340 vector " + std::to_string(v.index));
    const auto pub = fx<32>(v.public_key);
    const auto msg = h32(v.message);
    const auto sig = fx<64>(v.signature);
    if (*v.secret_key) {
      const auto sk = fx<32>(v.secret_key);
      auto derived = schnorr_public_key(sk);
      ASSERT_TRUE(derived.ok());
      EXPECT_EQ(upper(to_hex(*derived)), v.public_key);
      auto produced = schnorr_sign(msg, sk, h32(v.aux_rand));
      ASSERT_TRUE(produced.ok()) << produced.error().message;
      EXPECT_EQ(upper(to_hex(*produced)), v.signature);
      ++signed_count;
    }
    EXPECT_EQ(schnorr_verify(msg, sig, pub), v.valid);
    (v.valid ? valid_count : invalid_count)++;
  }
  EXPECT_EQ(signed_count, 4);
  EXPECT_EQ(valid_count, 5);
  EXPECT_EQ(invalid_count, 10);
}

TEST(Bip340, DefaultAuxIsZeroAux) {
  const auto sk = fx<32>("0000000000000000000000000000000000000000000000000000000000000003");
  auto sig = schnorr_sign(core::Hash32{}, sk);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(upper(to_hex(*sig)), kBip340[0].signature);
}

TEST(Bip340, TamperedSignatureFails) {
  const auto& v = kBip340[1];
  const auto pub = fx<32>(v.public_key);
  const auto msg = h32(v.message);
  const auto sig = fx<64>(v.signature);
  ASSERT_TRUE(schnorr_verify(msg, sig, pub));
  for (std::size_t i = 0; i < 64; i += 7) {
    auto bad = sig;
    bad[i] ^= 0x01;
    EXPECT_FALSE(schnorr_verify(msg, bad, pub)) << i;
  }
  auto bad_msg = msg;
  bad_msg[31] ^= 0x80;
  EXPECT_FALSE(schnorr_verify(bad_msg, sig, pub));
  EXPECT_FALSE(schnorr_verify(msg, sig, XOnlyPublicKey{}));  // x = 0 is not on the curve
}

// ----- Ethereum -----

// EIP-155 example: private key 0x46..46, signing hash of the example transaction; the EIP gives
// v = 37 (chain id 1, recovery id 0), r and s in decimal; the sender is 0x9d8A62f6...855A4F.
TEST(EthereumEcdsa, Eip155Example) {
  const SecretKey sk = fx<32>("4646464646464646464646464646464646464646464646464646464646464646");
  const auto msg = h32("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
  // r = 18515461264373351373200002665853028612451056578545711640558177340181847433846
  // s = 46948507304638947509940763649030358759909902576025900602547168820602576006531
  const auto r = h32("28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276");
  const auto s = h32("67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
  auto sig = ecdsa_sign_recoverable(msg, sk);
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  EXPECT_EQ(sig->r, r);
  EXPECT_EQ(sig->s, s);
  EXPECT_EQ(sig->recovery_id, 0);  // 37 - 2*1 - 35

  auto pub = public_key_from_secret(sk);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(to_hex(public_key_to_address(*pub)), "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
  auto rec = ecdsa_recover(msg, RecoverableSignature{r, s, 0});
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  EXPECT_EQ(*rec, *pub);
  EXPECT_EQ(to_hex(public_key_to_address(*rec)), "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
  // The other parity recovers a different key.
  auto other = ecdsa_recover(msg, RecoverableSignature{r, s, 1});
  if (other.ok()) {
    EXPECT_NE(*other, *pub);
  }
}

// Well-known addresses of the secret keys 1 and 2.
TEST(EthereumEcdsa, KnownAddresses) {
  auto a1 = public_key_from_secret(fx<32>("0000000000000000000000000000000000000000000000000000000000000001"));
  auto a2 = public_key_from_secret(fx<32>("0000000000000000000000000000000000000000000000000000000000000002"));
  ASSERT_TRUE(a1.ok() && a2.ok());
  // The public key of 1 is the generator G.
  EXPECT_EQ(upper(to_hex(*a1)),
            "79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798"
            "483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8");
  EXPECT_EQ(to_hex(public_key_to_address(*a1)), "7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  EXPECT_EQ(to_hex(public_key_to_address(*a2)), "2b5ad5c4795c026514f8317c7a215e218dccd6cf");
}

TEST(EthereumEcdsa, RecoverRejectsOutOfRange) {
  const auto msg = h32("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
  const auto r = h32("28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276");
  const auto s = h32("67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
  const auto n = h32(kOrderHex);
  const auto ones = h32("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
  struct Case {
    RecoverableSignature sig;
    const char* what;
  } cases[] = {
      {{core::Hash32{}, s, 0}, "r is zero"}, {{r, core::Hash32{}, 0}, "s is zero"}, {{n, s, 0}, "r is zero or not"},
      {{r, n, 0}, "s is zero or not"},       {{ones, s, 0}, "r is zero"},          {{r, ones, 0}, "s is zero"},
      {{r, s, 4}, "recovery id 4"},          {{r, s, 27}, "recovery id 27"},
  };
  for (const auto& c : cases) {
    auto res = ecdsa_recover(msg, c.sig);
    ASSERT_FALSE(res.ok()) << c.what;
    EXPECT_NE(res.error().message.find(c.what), std::string::npos) << res.error().message;
  }
}

TEST(EthereumEcdsa, RecoverAcceptsHighSWithFlippedParity) {
  // ecrecover accepts high s: (r, n - s, recid ^ 1) recovers the same key.
  const SecretKey sk = fx<32>("4646464646464646464646464646464646464646464646464646464646464646");
  const auto msg = h32("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
  auto sig = ecdsa_sign_recoverable(msg, sk);
  ASSERT_TRUE(sig.ok());
  RecoverableSignature high{sig->r, negate_mod_n(sig->s), static_cast<std::uint8_t>(sig->recovery_id ^ 1)};
  auto rec = ecdsa_recover(msg, high);
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  EXPECT_EQ(*rec, *public_key_from_secret(sk));
}

TEST(EthereumEcdsa, RecoverRejectsInvalidPoint) {
  // r = 5: x = 5 is not the x coordinate of a curve point (5^3 + 7 = 132 is a non-residue mod p),
  // and recovery id 2 asks for x = r + n, which exceeds p for any r >= p - n.
  const auto msg = h32("0000000000000000000000000000000000000000000000000000000000000001");
  const auto s = h32("0000000000000000000000000000000000000000000000000000000000000001");
  auto res = ecdsa_recover(msg, RecoverableSignature{h32("0000000000000000000000000000000000000000000000000000000000000005"), s, 0});
  EXPECT_FALSE(res.ok());
  auto res2 = ecdsa_recover(msg, RecoverableSignature{h32("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140"), s, 2});
  EXPECT_FALSE(res2.ok());
}

TEST(EthereumEcdsa, SignRecoverRoundTripAndLowS) {
  const auto half_n = h32("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0");
  for (int i = 1; i <= 50; ++i) {
    std::string seed = "key" + std::to_string(i);
    const SecretKey sk = sha256(core::as_bytes(seed));
    const auto msg = sha256(core::as_bytes("msg" + std::to_string(i)));
    auto sig = ecdsa_sign_recoverable(msg, sk);
    ASSERT_TRUE(sig.ok());
    EXPECT_LE(sig->s, half_n);
    auto again = ecdsa_sign_recoverable(msg, sk);  // RFC 6979 is deterministic
    EXPECT_EQ(again->r, sig->r);
    EXPECT_EQ(again->s, sig->s);
    auto rec = ecdsa_recover(msg, *sig);
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(*rec, *public_key_from_secret(sk));
  }
}

// ----- Kaspa ECDSA -----

// RFC 6979 deterministic signature for secret key 1 over SHA256("Satoshi Nakamoto") (widely published
// secp256k1/RFC 6979 vector; DER 3045022100934b...e3d802202442...d9e5).
TEST(KaspaEcdsa, Rfc6979KnownVector) {
  const SecretKey sk = fx<32>("0000000000000000000000000000000000000000000000000000000000000001");
  const auto msg = sha256(core::as_bytes("Satoshi Nakamoto"));
  auto sig = ecdsa_sign_compact(msg, sk);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(to_hex(*sig),
            "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
            "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
  auto pub = ecdsa_public_key_compressed(sk);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(upper(to_hex(*pub)), "0279BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798");
  EXPECT_TRUE(ecdsa_verify_compact(msg, *sig, *pub));
}

TEST(KaspaEcdsa, RoundTripAndHighSRejected) {
  const auto half_n = h32("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0");
  for (int i = 1; i <= 50; ++i) {
    const SecretKey sk = sha256(core::as_bytes("kaspa-key" + std::to_string(i)));
    const auto msg = sha256(core::as_bytes("kaspa-msg" + std::to_string(i)));
    auto pub = ecdsa_public_key_compressed(sk);
    ASSERT_TRUE(pub.ok());
    EXPECT_TRUE((*pub)[0] == 0x02 || (*pub)[0] == 0x03);
    auto sig = ecdsa_sign_compact(msg, sk);
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(ecdsa_verify_compact(msg, *sig, *pub));

    auto s = core::FixedBytes<32>::from_view(core::ByteView(sig->data() + 32, 32));
    EXPECT_LE(s, half_n);
    // (r, n - s) is mathematically valid but high-S: Kaspa (libsecp256k1 verify) rejects it.
    Signature64 high = *sig;
    const auto neg = negate_mod_n(s);
    std::copy(neg.begin(), neg.end(), high.begin() + 32);
    EXPECT_FALSE(ecdsa_verify_compact(msg, high, *pub));

    auto wrong_msg = msg;
    wrong_msg[0] ^= 1;
    EXPECT_FALSE(ecdsa_verify_compact(wrong_msg, *sig, *pub));
    auto other = ecdsa_public_key_compressed(sha256(core::as_bytes("other" + std::to_string(i))));
    EXPECT_FALSE(ecdsa_verify_compact(msg, *sig, *other));
  }
}

TEST(KaspaEcdsa, MalformedInputsRejected) {
  const SecretKey sk = fx<32>("0000000000000000000000000000000000000000000000000000000000000007");
  const auto msg = sha256(core::as_bytes("m"));
  auto sig = *ecdsa_sign_compact(msg, sk);
  auto pub = *ecdsa_public_key_compressed(sk);
  ASSERT_TRUE(ecdsa_verify_compact(msg, sig, pub));
  // Bad key prefixes (including the uncompressed/hybrid tags) and x not on the curve.
  for (std::uint8_t tag : {0x00, 0x01, 0x04, 0x06, 0x07}) {
    auto bad = pub;
    bad[0] = tag;
    EXPECT_FALSE(ecdsa_verify_compact(msg, sig, bad)) << int(tag);
  }
  auto flipped = pub;
  flipped[0] ^= 0x01;  // the other y: a valid point but the wrong key
  EXPECT_FALSE(ecdsa_verify_compact(msg, sig, flipped));
  EXPECT_FALSE(ecdsa_verify_compact(msg, sig, CompressedPublicKey{}));
  // r or s zero or >= n.
  const auto n = fx<32>(kOrderHex);
  for (int half = 0; half < 2; ++half) {
    auto zero = sig;
    std::fill(zero.begin() + 32 * half, zero.begin() + 32 * half + 32, 0);
    EXPECT_FALSE(ecdsa_verify_compact(msg, zero, pub));
    auto over = sig;
    std::copy(n.begin(), n.end(), over.begin() + 32 * half);
    EXPECT_FALSE(ecdsa_verify_compact(msg, over, pub));
  }
}

TEST(Secp256k1, EncodingChecks) {
  const SecretKey sk = fx<32>("0000000000000000000000000000000000000000000000000000000000000007");
  const auto xonly = *schnorr_public_key(sk);
  const auto comp = *ecdsa_public_key_compressed(sk);
  const auto msg = sha256(core::as_bytes("m"));
  const auto sig = *ecdsa_sign_compact(msg, sk);

  // x-only keys: exactly 32 bytes, x on the curve and below p.
  EXPECT_TRUE(is_valid_xonly_public_key(xonly.view()));
  EXPECT_TRUE(is_valid_xonly_public_key(comp.view().subspan(1)));  // same x
  EXPECT_FALSE(is_valid_xonly_public_key(comp.view()));            // 33 bytes
  EXPECT_FALSE(is_valid_xonly_public_key(xonly.view().first(31)));
  EXPECT_FALSE(is_valid_xonly_public_key({}));
  XOnlyPublicKey over_p;
  std::fill(over_p.begin(), over_p.end(), 0xff);  // x >= p
  EXPECT_FALSE(is_valid_xonly_public_key(over_p.view()));
  // x = 5 is not the x coordinate of a point: 5^3 + 7 = 132 is a quadratic non-residue mod p.
  XOnlyPublicKey x5{};
  x5[31] = 5;
  EXPECT_FALSE(is_valid_xonly_public_key(x5.view()));
  EXPECT_FALSE(schnorr_verify(msg, *schnorr_sign(msg, sk), x5));

  // Compressed keys: 33 bytes, 0x02/0x03 prefix, x on the curve.
  EXPECT_TRUE(is_valid_compressed_public_key(comp.view()));
  auto other_y = comp;
  other_y[0] ^= 0x01;
  EXPECT_TRUE(is_valid_compressed_public_key(other_y.view()));
  for (std::uint8_t tag : {0x00, 0x01, 0x04, 0x05, 0x06, 0x07}) {
    auto bad = comp;
    bad[0] = tag;
    EXPECT_FALSE(is_valid_compressed_public_key(bad.view())) << int(tag);
  }
  EXPECT_FALSE(is_valid_compressed_public_key(xonly.view()));
  core::Bytes x5_comp{0x02};
  x5_comp.insert(x5_comp.end(), x5.begin(), x5.end());
  EXPECT_FALSE(is_valid_compressed_public_key(x5_comp));
  const auto uncompressed = *public_key_from_secret(sk);
  core::Bytes tagged{0x04};
  tagged.insert(tagged.end(), uncompressed.begin(), uncompressed.end());
  EXPECT_FALSE(is_valid_compressed_public_key(tagged));  // 65 bytes

  // Compact ECDSA signatures: 64 bytes with r, s < n. Zero values parse (they just never verify).
  EXPECT_TRUE(is_valid_ecdsa_compact_signature(sig.view()));
  EXPECT_FALSE(is_valid_ecdsa_compact_signature(sig.view().first(63)));
  EXPECT_FALSE(is_valid_ecdsa_compact_signature({}));
  const auto n = fx<32>(kOrderHex);
  for (int half = 0; half < 2; ++half) {
    auto over = sig;
    std::copy(n.begin(), n.end(), over.begin() + 32 * half);
    EXPECT_FALSE(is_valid_ecdsa_compact_signature(over.view())) << half;
    auto zero = sig;
    std::fill(zero.begin() + 32 * half, zero.begin() + 32 * half + 32, 0);
    EXPECT_TRUE(is_valid_ecdsa_compact_signature(zero.view())) << half;
    EXPECT_FALSE(ecdsa_verify_compact(msg, zero, comp));
  }
  // A high-S signature is well formed but does not verify.
  auto high_s = sig;
  const auto neg = negate_mod_n(core::FixedBytes<32>::from_view(core::ByteView(sig.data() + 32, 32)));
  std::copy(neg.begin(), neg.end(), high_s.begin() + 32);
  EXPECT_TRUE(is_valid_ecdsa_compact_signature(high_s.view()));
  EXPECT_FALSE(ecdsa_verify_compact(msg, high_s, comp));
}

TEST(Secp256k1, ConcurrentUse) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &ok] {
      for (int i = 0; i < 25; ++i) {
        const SecretKey sk = sha256(core::as_bytes("thread" + std::to_string(t * 100 + i)));
        const auto msg = sha256(core::as_bytes(std::to_string(i)));
        auto x = schnorr_public_key(sk);
        auto sig = schnorr_sign(msg, sk, msg);
        if (x.ok() && sig.ok() && schnorr_verify(msg, *sig, *x)) ++ok[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_EQ(v, 25);
}

}  // namespace
}  // namespace igra::crypto
