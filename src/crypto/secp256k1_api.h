#pragma once
// The libsecp256k1 API under its usual names. The library is built from the sources vendored in the crates.io
// package secp256k1-sys (cmake/secp256k1.cmake), whose symbols carry the prefix rustsecp256k1_v0_10_0_; the
// macros below map the names this code base uses onto them (a name not listed fails to compile, never links to a
// different copy). That copy leaves context allocation to its user: secp256k1_context_create allocates with
// malloc and the preallocated API. Include only from .cpp files of the crypto layer.
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_preallocated.h>
#include <secp256k1_recovery.h>
#include <secp256k1_schnorrsig.h>

#include <cstdlib>

#define IGRA_SECP(name) rustsecp256k1_v0_10_0_##name
#define secp256k1_context IGRA_SECP(context)
#define secp256k1_pubkey IGRA_SECP(pubkey)
#define secp256k1_xonly_pubkey IGRA_SECP(xonly_pubkey)
#define secp256k1_keypair IGRA_SECP(keypair)
#define secp256k1_ecdsa_signature IGRA_SECP(ecdsa_signature)
#define secp256k1_ecdsa_recoverable_signature IGRA_SECP(ecdsa_recoverable_signature)
#define secp256k1_context_randomize IGRA_SECP(context_randomize)
#define secp256k1_ec_pubkey_parse IGRA_SECP(ec_pubkey_parse)
#define secp256k1_ec_pubkey_serialize IGRA_SECP(ec_pubkey_serialize)
#define secp256k1_ec_pubkey_create IGRA_SECP(ec_pubkey_create)
#define secp256k1_ec_seckey_verify IGRA_SECP(ec_seckey_verify)
#define secp256k1_ec_seckey_tweak_add IGRA_SECP(ec_seckey_tweak_add)
#define secp256k1_ecdsa_sign IGRA_SECP(ecdsa_sign)
#define secp256k1_ecdsa_verify IGRA_SECP(ecdsa_verify)
#define secp256k1_ecdsa_signature_parse_compact IGRA_SECP(ecdsa_signature_parse_compact)
#define secp256k1_ecdsa_signature_serialize_compact IGRA_SECP(ecdsa_signature_serialize_compact)
#define secp256k1_ecdsa_sign_recoverable IGRA_SECP(ecdsa_sign_recoverable)
#define secp256k1_ecdsa_recover IGRA_SECP(ecdsa_recover)
#define secp256k1_ecdsa_recoverable_signature_parse_compact IGRA_SECP(ecdsa_recoverable_signature_parse_compact)
#define secp256k1_ecdsa_recoverable_signature_serialize_compact \
  IGRA_SECP(ecdsa_recoverable_signature_serialize_compact)
#define secp256k1_keypair_create IGRA_SECP(keypair_create)
#define secp256k1_keypair_xonly_pub IGRA_SECP(keypair_xonly_pub)
#define secp256k1_xonly_pubkey_parse IGRA_SECP(xonly_pubkey_parse)
#define secp256k1_xonly_pubkey_serialize IGRA_SECP(xonly_pubkey_serialize)
#define secp256k1_schnorrsig_sign32 IGRA_SECP(schnorrsig_sign32)
#define secp256k1_schnorrsig_verify IGRA_SECP(schnorrsig_verify)

namespace igra::crypto {
// A context on the heap (never freed by its users here: process-lifetime contexts). nullptr if out of memory.
inline secp256k1_context* secp256k1_context_new(unsigned int flags) noexcept {
  void* mem = std::malloc(IGRA_SECP(context_preallocated_size)(flags));
  return mem == nullptr ? nullptr : IGRA_SECP(context_preallocated_create)(mem, flags);
}
}  // namespace igra::crypto
