# libsecp256k1 (bitcoin-core/secp256k1: ECDSA recovery and verification for ecrecover and L2 signatures, BIP-340
# Schnorr for Kaspa), built from the C sources vendored in the crates.io package secp256k1-sys (rust-secp256k1's
# copy, symbols prefixed rustsecp256k1_v0_10_0_; src/crypto/secp256k1_api.h maps the usual names onto them), which
# scripts/setup.sh unpacks into third_party/ (never committed). Debian 12 ships libsecp256k1 0.2.0, whose public
# key recovery is about 12% slower (37.3 vs 32.8 us on the 2-core machine).
# The pinned version lives in scripts/setup.sh alone (SECP256K1_SYS_VERSION=...).
igra_pinned_version(IGRA_SECP256K1_SYS_VERSION SECP256K1_SYS_VERSION)
set(IGRA_SECP256K1_DIR "${CMAKE_SOURCE_DIR}/third_party/secp256k1-sys-${IGRA_SECP256K1_SYS_VERSION}/depend/secp256k1")
if(NOT EXISTS "${IGRA_SECP256K1_DIR}/src/secp256k1.c")
  message(FATAL_ERROR "libsecp256k1 sources not found in ${IGRA_SECP256K1_DIR}.\n"
                      "Run scripts/setup.sh: it fetches the pinned secp256k1-sys ${IGRA_SECP256K1_SYS_VERSION} crate "
                      "(which vendors libsecp256k1) and unpacks it into third_party/.")
endif()
# secp256k1.c #includes the implementation and the enabled modules; the two precomputed tables are separate units.
add_library(secp256k1_vendored STATIC "${IGRA_SECP256K1_DIR}/src/secp256k1.c"
                                      "${IGRA_SECP256K1_DIR}/src/precomputed_ecmult.c"
                                      "${IGRA_SECP256K1_DIR}/src/precomputed_ecmult_gen.c")
target_include_directories(secp256k1_vendored SYSTEM PUBLIC "${IGRA_SECP256K1_DIR}/include")
# The defaults of upstream's own build (ECMULT_WINDOW_SIZE 15: the precomputed table); the modules we call. The
# default callbacks (illegal argument / internal error) are ours (secp256k1.cpp): they log and abort.
target_compile_definitions(secp256k1_vendored PRIVATE ECMULT_WINDOW_SIZE=15 ENABLE_MODULE_RECOVERY=1
                           ENABLE_MODULE_EXTRAKEYS=1 ENABLE_MODULE_SCHNORRSIG=1 USE_EXTERNAL_DEFAULT_CALLBACKS=1)
# -w: third-party code, its warnings are not ours to fix.
target_compile_options(secp256k1_vendored PRIVATE -w)
set_target_properties(secp256k1_vendored PROPERTIES POSITION_INDEPENDENT_CODE ON C_STANDARD 99)
