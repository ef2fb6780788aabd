// secp256k1 wrappers over libsecp256k1 (Debian 0.2.0: recovery, extrakeys and schnorrsig modules).
#include "crypto/secp256k1.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/keccak.hpp"
#include "crypto/secp256k1_api.h"

namespace igra::crypto {

namespace {

using core::ErrorCode;
using core::make_error;

// One context for the whole process. libsecp256k1 functions take a const context, so after creation and
// the one-time randomization (done inside the thread-safe static initializer) concurrent use is safe.
// Randomization only blinds signing/key generation against side channels; results do not depend on it.
class Context {
 public:
  Context() noexcept {
    ctx_ = secp256k1_context_new(SECP256K1_CONTEXT_NONE);
    if (ctx_ == nullptr) std::abort();  // out of memory at start-up
    unsigned char seed[32];
    // Failure (no entropy, or randomize refusing the seed) leaves the context unblinded but fully functional.
    if (RAND_bytes(seed, sizeof(seed)) == 1) {
      const int randomized = secp256k1_context_randomize(ctx_, seed);
      static_cast<void>(randomized);
    }
    OPENSSL_cleanse(seed, sizeof(seed));
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  const secp256k1_context* get() const noexcept { return ctx_; }

 private:
  secp256k1_context* ctx_ = nullptr;
};

const secp256k1_context* ctx() noexcept {
  // Never destroyed: static destructors or late threads may still sign/verify during shutdown.
  static const Context* const context = new Context();
  return context->get();
}

// The group order n, big-endian.
constexpr std::uint8_t kOrder[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                     0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48,
                                     0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41};

// True if 0 < v < n (v big-endian).
bool in_scalar_range(const core::FixedBytes<32>& v) noexcept {
  return !v.is_zero() && std::memcmp(v.data(), kOrder, 32) < 0;
}

// Zeroes secret material on scope exit (the compiler may not elide OPENSSL_cleanse).
template <typename T>
struct Wipe {
  T& obj;
  ~Wipe() { OPENSSL_cleanse(&obj, sizeof(T)); }
};

core::Error bad_secret_key(const char* what) {
  return make_error(ErrorCode::kInvalidArgument,
                    std::string(what) + ": secret key is zero or not below the secp256k1 group order");
}

}  // namespace

bool is_valid_secret_key(const SecretKey& key) noexcept {
  return secp256k1_ec_seckey_verify(ctx(), key.data()) == 1;
}

// --- Ethereum -------------------------------------------------------------------------------------------

core::Result<RecoverableSignature> ecdsa_sign_recoverable(const core::Hash32& msg, const SecretKey& key) {
  if (!is_valid_secret_key(key)) return bad_secret_key("ecdsa_sign_recoverable");
  secp256k1_ecdsa_recoverable_signature sig;
  // noncefp = NULL selects RFC 6979 (HMAC-SHA256); libsecp256k1 always produces a low-S signature.
  if (secp256k1_ecdsa_sign_recoverable(ctx(), &sig, msg.data(), key.data(), nullptr, nullptr) != 1)
    return make_error(ErrorCode::kInternal, "ecdsa_sign_recoverable: signing failed");
  std::uint8_t compact[64];
  int recid = -1;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx(), compact, &recid, &sig);
  if (recid < 0 || recid > 3)
    return make_error(ErrorCode::kInternal, "ecdsa_sign_recoverable: unexpected recovery id");
  RecoverableSignature out;
  std::memcpy(out.r.data(), compact, 32);
  std::memcpy(out.s.data(), compact + 32, 32);
  out.recovery_id = static_cast<std::uint8_t>(recid);
  return out;
}

core::Result<UncompressedPublicKey> ecdsa_recover(const core::Hash32& msg, const RecoverableSignature& sig) {
  if (sig.recovery_id > 3)
    return make_error(ErrorCode::kInvalidArgument,
                      "ecdsa_recover: recovery id " + std::to_string(sig.recovery_id) + " is not in 0..3");
  if (!in_scalar_range(sig.r))
    return make_error(ErrorCode::kInvalidArgument, "ecdsa_recover: r is zero or not below the group order");
  if (!in_scalar_range(sig.s))
    return make_error(ErrorCode::kInvalidArgument, "ecdsa_recover: s is zero or not below the group order");
  std::uint8_t compact[64];
  std::memcpy(compact, sig.r.data(), 32);
  std::memcpy(compact + 32, sig.s.data(), 32);
  secp256k1_ecdsa_recoverable_signature parsed;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx(), &parsed, compact, sig.recovery_id) != 1)
    return make_error(ErrorCode::kInvalidArgument, "ecdsa_recover: malformed signature");
  secp256k1_pubkey pub;
  // High s is accepted here on purpose (the ecrecover precompile allows it); callers enforce EIP-2.
  if (secp256k1_ecdsa_recover(ctx(), &pub, &parsed, msg.data()) != 1)
    return make_error(ErrorCode::kVerifyFailed, "ecdsa_recover: no public key recovers from this signature");
  std::uint8_t ser[65];
  std::size_t len = sizeof(ser);
  secp256k1_ec_pubkey_serialize(ctx(), ser, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
  if (len != 65 || ser[0] != 0x04)
    return make_error(ErrorCode::kInternal, "ecdsa_recover: unexpected public key serialization");
  return UncompressedPublicKey::from_view(core::ByteView(ser + 1, 64));
}

core::Address20 public_key_to_address(const UncompressedPublicKey& pub) noexcept {
  const core::Hash32 h = core::keccak256(pub.view());
  return core::Address20::from_view(core::ByteView(h.data() + 12, 20));
}

core::Result<UncompressedPublicKey> public_key_from_secret(const SecretKey& key) {
  secp256k1_pubkey pub;
  if (secp256k1_ec_pubkey_create(ctx(), &pub, key.data()) != 1) return bad_secret_key("public_key_from_secret");
  std::uint8_t ser[65];
  std::size_t len = sizeof(ser);
  secp256k1_ec_pubkey_serialize(ctx(), ser, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
  if (len != 65 || ser[0] != 0x04)
    return make_error(ErrorCode::kInternal, "public_key_from_secret: unexpected public key serialization");
  return UncompressedPublicKey::from_view(core::ByteView(ser + 1, 64));
}

// --- BIP-340 Schnorr ------------------------------------------------------------------------------------

core::Result<XOnlyPublicKey> schnorr_public_key(const SecretKey& key) {
  secp256k1_keypair keypair;
  Wipe<secp256k1_keypair> wipe{keypair};
  if (secp256k1_keypair_create(ctx(), &keypair, key.data()) != 1) return bad_secret_key("schnorr_public_key");
  secp256k1_xonly_pubkey xonly;
  if (secp256k1_keypair_xonly_pub(ctx(), &xonly, nullptr, &keypair) != 1)
    return make_error(ErrorCode::kInternal, "schnorr_public_key: cannot derive x-only key");
  XOnlyPublicKey out;
  secp256k1_xonly_pubkey_serialize(ctx(), out.data(), &xonly);
  return out;
}

core::Result<Signature64> schnorr_sign(const core::Hash32& msg, const SecretKey& key, const core::Hash32& aux_rand) {
  secp256k1_keypair keypair;
  Wipe<secp256k1_keypair> wipe{keypair};
  if (secp256k1_keypair_create(ctx(), &keypair, key.data()) != 1) return bad_secret_key("schnorr_sign");
  Signature64 sig;
  if (secp256k1_schnorrsig_sign32(ctx(), sig.data(), msg.data(), &keypair, aux_rand.data()) != 1)
    return make_error(ErrorCode::kInternal, "schnorr_sign: signing failed");
  return sig;
}

bool schnorr_verify(const core::Hash32& msg, const Signature64& sig, const XOnlyPublicKey& pub) noexcept {
  secp256k1_xonly_pubkey xonly;
  // Fails if x >= p or x is not the x coordinate of a curve point.
  if (secp256k1_xonly_pubkey_parse(ctx(), &xonly, pub.data()) != 1) return false;
  return secp256k1_schnorrsig_verify(ctx(), sig.data(), msg.data(), 32, &xonly) == 1;
}

// --- Kaspa ECDSA ----------------------------------------------------------------------------------------

core::Result<CompressedPublicKey> ecdsa_public_key_compressed(const SecretKey& key) {
  secp256k1_pubkey pub;
  if (secp256k1_ec_pubkey_create(ctx(), &pub, key.data()) != 1)
    return bad_secret_key("ecdsa_public_key_compressed");
  CompressedPublicKey out;
  std::size_t len = out.size();
  secp256k1_ec_pubkey_serialize(ctx(), out.data(), &len, &pub, SECP256K1_EC_COMPRESSED);
  if (len != 33) return make_error(ErrorCode::kInternal, "ecdsa_public_key_compressed: unexpected serialization");
  return out;
}

core::Result<Signature64> ecdsa_sign_compact(const core::Hash32& msg, const SecretKey& key) {
  if (!is_valid_secret_key(key)) return bad_secret_key("ecdsa_sign_compact");
  secp256k1_ecdsa_signature sig;
  // RFC 6979 nonce; the result is always low-S.
  if (secp256k1_ecdsa_sign(ctx(), &sig, msg.data(), key.data(), nullptr, nullptr) != 1)
    return make_error(ErrorCode::kInternal, "ecdsa_sign_compact: signing failed");
  Signature64 out;
  secp256k1_ecdsa_signature_serialize_compact(ctx(), out.data(), &sig);
  return out;
}

bool ecdsa_verify_compact(const core::Hash32& msg, const Signature64& sig, const CompressedPublicKey& pub) noexcept {
  // Only the 33-byte compressed encoding (0x02/0x03 prefix) is accepted, as Kaspa's P2PK-ECDSA requires.
  if (pub[0] != 0x02 && pub[0] != 0x03) return false;
  secp256k1_pubkey key;
  if (secp256k1_ec_pubkey_parse(ctx(), &key, pub.data(), pub.size()) != 1) return false;
  secp256k1_ecdsa_signature parsed;
  // Rejects r or s >= n; r or s = 0 parse but never verify.
  if (secp256k1_ecdsa_signature_parse_compact(ctx(), &parsed, sig.data()) != 1) return false;
  // secp256k1_ecdsa_verify rejects high-S signatures (no normalization here, matching rust-secp256k1 usage).
  return secp256k1_ecdsa_verify(ctx(), &parsed, msg.data(), &key) == 1;
}

// --- Encoding checks -------------------------------------------------------------------------------------

bool is_valid_xonly_public_key(core::ByteView key) noexcept {
  if (key.size() != 32) return false;
  secp256k1_xonly_pubkey parsed;
  return secp256k1_xonly_pubkey_parse(ctx(), &parsed, key.data()) == 1;
}

bool is_valid_compressed_public_key(core::ByteView key) noexcept {
  if (key.size() != 33 || (key[0] != 0x02 && key[0] != 0x03)) return false;
  secp256k1_pubkey parsed;
  return secp256k1_ec_pubkey_parse(ctx(), &parsed, key.data(), key.size()) == 1;
}

bool is_valid_ecdsa_compact_signature(core::ByteView sig) noexcept {
  if (sig.size() != 64) return false;
  secp256k1_ecdsa_signature parsed;
  return secp256k1_ecdsa_signature_parse_compact(ctx(), &parsed, sig.data()) == 1;
}

}  // namespace igra::crypto

// libsecp256k1's default callbacks (the vendored build leaves them to its user, USE_EXTERNAL_DEFAULT_CALLBACKS):
// an illegal argument is a bug in our calling code, an internal error a broken library; neither may continue.
extern "C" {
void rustsecp256k1_v0_10_0_default_illegal_callback_fn(const char* str, void*) {
  std::fprintf(stderr, "libsecp256k1: illegal argument: %s\n", str);
  std::abort();
}
void rustsecp256k1_v0_10_0_default_error_callback_fn(const char* str, void*) {
  std::fprintf(stderr, "libsecp256k1: internal consistency check failed: %s\n", str);
  std::abort();
}
}
