# blst (BLS12-381: EIP-2537 precompiles, EIP-4844 KZG point evaluation), built from the sources that
# scripts/setup.sh unpacks from the pinned npm package c-kzg into third_party/ (never committed).
# Portable build: __BLST_PORTABLE__ makes the x86-64 assembly pick the ADX/MULX code paths at run time (cpuid),
# so one binary runs on any x86-64; on other architectures the same sources fall back to their own assembly or C.
# The pinned version lives in scripts/setup.sh alone (CKZG_VERSION=...).
igra_pinned_version(IGRA_CKZG_VERSION CKZG_VERSION)
set(ckzg_dir "${CMAKE_SOURCE_DIR}/third_party/c-kzg-${IGRA_CKZG_VERSION}")
# -DIGRA_BLST_DIR=... overrides the location (deps/blst of the c-kzg package, or a blst checkout).
if(NOT IGRA_BLST_DIR)
  set(IGRA_BLST_DIR "${ckzg_dir}/deps/blst")
endif()
# The c-kzg trusted setup (Ethereum KZG ceremony); only tests read it, to check our embedded [tau]G2 constant.
set(IGRA_KZG_TRUSTED_SETUP "${ckzg_dir}/deps/c-kzg/trusted_setup.txt")

if(NOT EXISTS "${IGRA_BLST_DIR}/src/server.c" OR NOT EXISTS "${IGRA_BLST_DIR}/build/assembly.S"
   OR NOT EXISTS "${IGRA_BLST_DIR}/bindings/blst.h")
  message(FATAL_ERROR "blst sources not found in ${IGRA_BLST_DIR}.\n"
                      "Run scripts/setup.sh: it fetches the pinned c-kzg ${IGRA_CKZG_VERSION} package "
                      "(which ships blst) and unpacks it into third_party/.")
endif()

enable_language(ASM)
# server.c #includes every other blst C file; assembly.S #includes the per-platform .s files.
add_library(blst STATIC "${IGRA_BLST_DIR}/src/server.c" "${IGRA_BLST_DIR}/build/assembly.S")
target_include_directories(blst SYSTEM PUBLIC "${IGRA_BLST_DIR}/bindings")
target_compile_definitions(blst PRIVATE __BLST_PORTABLE__)
# -fno-builtin as in blst's own build.sh; -w: third-party code, its warnings are not ours to fix.
target_compile_options(blst PRIVATE -fno-builtin -w)
set_target_properties(blst PROPERTIES POSITION_INDEPENDENT_CODE ON C_STANDARD 99)
if(NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|aarch64|arm64)$")
  target_compile_definitions(blst PRIVATE __BLST_NO_ASM__)  # no assembly for this CPU: blst's C fallback
endif()
