#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 machine: build tools and libraries (apt),
# the Python virtualenv with the test oracles (.venv), and JavaScript test dependencies (npm ci).
# Idempotent: when everything is present it only checks and returns in a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git xz-utils ca-certificates
  clang libclang-rt-14-dev
  libsecp256k1-dev libssl-dev zlib1g-dev libgmp-dev liblmdb-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  python3 python3-venv python3-dev
)

log() { printf '[setup] %s\n' "$*"; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
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
log "done"
