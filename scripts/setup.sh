#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 machine: build tools and libraries (apt),
# the Python virtualenv with the test oracles (.venv), JavaScript test dependencies (npm ci), and the pinned
# third-party C sources built by CMake (blst from the npm package c-kzg, into third_party/).
# Idempotent: when everything is present it only checks and returns in a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git xz-utils ca-certificates curl
  clang libclang-rt-14-dev
  libssl-dev zlib1g-dev libgmp-dev liblmdb-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libboost1.81-dev wrk
  python3 python3-venv python3-dev
)

log() { printf '[setup] %s\n' "$*"; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing apt packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "apt packages present"
fi

# Python oracles. Re-installed only when tests/requirements.txt changes.
req_hash=$(sha256sum tests/requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.requirements-hash 2>/dev/null)" != "$req_hash" ]; then
  log "creating Python virtualenv .venv with the test oracles"
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -r tests/requirements.txt
  echo "$req_hash" > .venv/.requirements-hash
else
  log "Python virtualenv up to date"
fi

# Node.js and npm: solc-js for the benchmarks' Solidity, and `npm pack` for the pinned c-kzg sources below.
# Machines with their own Node.js keep it; otherwise Debian's.
if ! command -v npm >/dev/null; then
  log "installing Node.js and npm (Debian packages)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# JavaScript test dependencies (once the project has any).
if [ -f package-lock.json ]; then
  lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -d node_modules ] || [ "$(cat node_modules/.lock-hash 2>/dev/null)" != "$lock_hash" ]; then
    command -v npm >/dev/null || { log "npm is missing: install Node.js 20 (apt-get install nodejs npm)"; exit 1; }
    log "npm ci"
    npm ci --silent --no-audit --no-fund
    echo "$lock_hash" > node_modules/.lock-hash
  else
    log "node_modules up to date"
  fi
fi
# blst (BLS12-381 pairing library used by geth and reth) and c-kzg, from the npm package `c-kzg`, which ships
# both as C/assembly sources (deps/blst, deps/c-kzg). Only the sources are used: CMake builds blst itself
# (cmake/blst.cmake). Pinned and checked by SHA-256, unpacked to third_party/ (git-ignored, never committed).
CKZG_VERSION=4.1.0
CKZG_SHA256=c56d9ed6aaa17bafa95c337c28837c68d2e54dabd76d91a185e2600a26480965
ckzg_dir="third_party/c-kzg-${CKZG_VERSION}"
if [ ! -f "$ckzg_dir/.sha256" ] || [ "$(cat "$ckzg_dir/.sha256")" != "$CKZG_SHA256" ]; then
  log "fetching c-kzg ${CKZG_VERSION} (blst sources) from the npm registry"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  tgz="$tmp/c-kzg-${CKZG_VERSION}.tgz"
  command -v npm >/dev/null || { log "npm is missing: install Node.js 20 (apt-get install nodejs npm)"; exit 1; }
  (cd "$tmp" && npm pack --silent "c-kzg@${CKZG_VERSION}" >/dev/null)
  got=$(sha256sum "$tgz" | cut -d' ' -f1)
  if [ "$got" != "$CKZG_SHA256" ]; then
    log "c-kzg-${CKZG_VERSION}.tgz: SHA-256 mismatch (got $got, want $CKZG_SHA256)"
    exit 1
  fi
  rm -rf "$ckzg_dir" && mkdir -p "$ckzg_dir"
  tar -xzf "$tgz" -C "$ckzg_dir" --strip-components=1
  echo "$CKZG_SHA256" > "$ckzg_dir/.sha256"
  rm -rf "$tmp"
  trap - EXIT
else
  log "c-kzg ${CKZG_VERSION} sources present"
fi
# libsecp256k1 (ECDSA recovery and verification, BIP-340 Schnorr) from the crates.io package secp256k1-sys, which
# vendors bitcoin-core/secp256k1 as C sources with its symbols prefixed rustsecp256k1_v0_10_0_ (the copy reth's
# secp256k1 crate builds). Debian 12's libsecp256k1 is 0.2.0, about 12% slower at public key recovery. Only the
# sources are used: CMake builds the library (cmake/secp256k1.cmake). Pinned and checked by SHA-256.
SECP256K1_SYS_VERSION=0.10.1
SECP256K1_SYS_SHA256=d4387882333d3aa8cb20530a17c69a3752e97837832f34f6dccc760e715001d9
secp_dir="third_party/secp256k1-sys-${SECP256K1_SYS_VERSION}"
if [ ! -f "$secp_dir/.sha256" ] || [ "$(cat "$secp_dir/.sha256")" != "$SECP256K1_SYS_SHA256" ]; then
  log "fetching secp256k1-sys ${SECP256K1_SYS_VERSION} (libsecp256k1 sources) from crates.io"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  crate="$tmp/secp256k1-sys-${SECP256K1_SYS_VERSION}.crate"
  curl -fsSL --retry 3 -o "$crate" \
    "https://static.crates.io/crates/secp256k1-sys/secp256k1-sys-${SECP256K1_SYS_VERSION}.crate"
  got=$(sha256sum "$crate" | cut -d' ' -f1)
  if [ "$got" != "$SECP256K1_SYS_SHA256" ]; then
    log "secp256k1-sys-${SECP256K1_SYS_VERSION}.crate: SHA-256 mismatch (got $got, want $SECP256K1_SYS_SHA256)"
    exit 1
  fi
  rm -rf "$secp_dir" && mkdir -p "$secp_dir"
  tar -xzf "$crate" -C "$secp_dir" --strip-components=1
  echo "$SECP256K1_SYS_SHA256" > "$secp_dir/.sha256"
  rm -rf "$tmp"
  trap - EXIT
else
  log "secp256k1-sys ${SECP256K1_SYS_VERSION} sources present"
fi
log "done"
