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
# Pinned third-party sources (checked by SHA-256, unpacked to third_party/, git-ignored, never committed). Only
# the sources are used: CMake builds the libraries itself.
#   unpack_pinned NAME VERSION SHA256 DIR FETCH: runs FETCH "$archive" to download the archive when DIR does not
#   hold that version yet, checks it, and unpacks it into DIR (first path component stripped).
unpack_pinned() {
  local name=$1 version=$2 sha=$3 dir=$4 fetch=$5
  if [ -f "$dir/.sha256" ] && [ "$(cat "$dir/.sha256")" = "$sha" ]; then
    log "$name $version sources present"
    return
  fi
  log "fetching $name $version"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  local archive="$tmp/$name-$version.tar.gz"
  "$fetch" "$archive" "$version"
  local got
  got=$(sha256sum "$archive" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    log "$name $version: SHA-256 mismatch (got $got, want $sha)"
    exit 1
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$archive" -C "$dir" --strip-components=1
  echo "$sha" > "$dir/.sha256"
  rm -rf "$tmp"
  trap - EXIT
}
# blst (BLS12-381 pairing library used by geth and reth) and c-kzg, from the npm package `c-kzg`, which ships
# both as C/assembly sources (deps/blst, deps/c-kzg); cmake/blst.cmake builds blst.
CKZG_VERSION=4.1.0
CKZG_SHA256=c56d9ed6aaa17bafa95c337c28837c68d2e54dabd76d91a185e2600a26480965
fetch_ckzg() {
  command -v npm >/dev/null || { log "npm is missing: install Node.js 20 (apt-get install nodejs npm)"; exit 1; }
  (cd "$(dirname "$1")" && npm pack --silent "c-kzg@$2" >/dev/null && mv "c-kzg-$2.tgz" "$1")
}
unpack_pinned c-kzg "$CKZG_VERSION" "$CKZG_SHA256" "third_party/c-kzg-${CKZG_VERSION}" fetch_ckzg
# libsecp256k1 (ECDSA recovery and verification, BIP-340 Schnorr) from the crates.io package secp256k1-sys, which
# vendors bitcoin-core/secp256k1 as C sources with its symbols prefixed rustsecp256k1_v0_10_0_ (the copy reth's
# secp256k1 crate builds); cmake/secp256k1.cmake builds it. Debian 12's libsecp256k1 is 0.2.0, about 12% slower
# at public key recovery.
SECP256K1_SYS_VERSION=0.10.1
SECP256K1_SYS_SHA256=d4387882333d3aa8cb20530a17c69a3752e97837832f34f6dccc760e715001d9
fetch_secp256k1_sys() {
  curl -fsSL --retry 3 -o "$1" "https://static.crates.io/crates/secp256k1-sys/secp256k1-sys-$2.crate"
}
unpack_pinned secp256k1-sys "$SECP256K1_SYS_VERSION" "$SECP256K1_SYS_SHA256" \
  "third_party/secp256k1-sys-${SECP256K1_SYS_VERSION}" fetch_secp256k1_sys
log "done"
