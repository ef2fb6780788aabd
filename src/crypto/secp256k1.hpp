#pragma once
// secp256k1 wrappers over libsecp256k1: Ethereum recoverable ECDSA, BIP-340 Schnorr, Kaspa's ECDSA
// (compact 64-byte r||s, 33-byte compressed key, low-S).
#include <cstdint>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace igra::crypto {

using SecretKey = core::FixedBytes<32>;
using XOnlyPublicKey = core::FixedBytes<32>;
using CompressedPublicKey = core::FixedBytes<33>;
using UncompressedPublicKey = core::FixedBytes<64>;  // X || Y without the 0x04 tag
using Signature64 = core::FixedBytes<64>;

// True if 0 < key < n.
bool is_valid_secret_key(const SecretKey& key) noexcept;

// --- Ethereum ECDSA with public-key recovery ---------------------------------------------------------
struct RecoverableSignature {
  core::FixedBytes<32> r;
  core::FixedBytes<32> s;
  std::uint8_t recovery_id = 0;  // 0 or 1 (y parity); Ethereum's v is derived from it by the caller
};
// Deterministic (RFC 6979) signature with low s.
core::Result<RecoverableSignature> ecdsa_sign_recoverable(const core::Hash32& msg, const SecretKey& key);
// Recovers the public key; fails on r or s out of range, recovery_id > 3 or an invalid point.
core::Result<UncompressedPublicKey> ecdsa_recover(const core::Hash32& msg, const RecoverableSignature& sig);
// keccak256(pubkey)[12:]
core::Address20 public_key_to_address(const UncompressedPublicKey& pub) noexcept;
core::Result<UncompressedPublicKey> public_key_from_secret(const SecretKey& key);

// --- BIP-340 Schnorr (Kaspa P2PK) --------------------------------------------------------------------
core::Result<XOnlyPublicKey> schnorr_public_key(const SecretKey& key);
// aux_rand: 32 bytes of auxiliary randomness per BIP-340 (zero is allowed and deterministic).
core::Result<Signature64> schnorr_sign(const core::Hash32& msg, const SecretKey& key,
                                       const core::Hash32& aux_rand = {});
bool schnorr_verify(const core::Hash32& msg, const Signature64& sig, const XOnlyPublicKey& pub) noexcept;

// --- Kaspa ECDSA (P2PK-ECDSA): compact r||s, compressed 33-byte key, low-S enforced on verify -----------
core::Result<CompressedPublicKey> ecdsa_public_key_compressed(const SecretKey& key);
core::Result<Signature64> ecdsa_sign_compact(const core::Hash32& msg, const SecretKey& key);
bool ecdsa_verify_compact(const core::Hash32& msg, const Signature64& sig, const CompressedPublicKey& pub) noexcept;

// --- Encoding checks (for script engines that must tell a malformed key/signature, an error, from a signature
// that merely fails to verify, which is `false`) --------------------------------------------------------------
// 32 bytes, and x < p is the x coordinate of a curve point (what BIP-340 x-only key parsing accepts).
bool is_valid_xonly_public_key(core::ByteView key) noexcept;
// 33 bytes with a 0x02/0x03 prefix, and x < p is the x coordinate of a curve point.
bool is_valid_compressed_public_key(core::ByteView key) noexcept;
// 64 bytes r||s with r < n and s < n (libsecp256k1's compact parser; zero values parse but never verify).
bool is_valid_ecdsa_compact_signature(core::ByteView sig) noexcept;

}  // namespace igra::crypto
