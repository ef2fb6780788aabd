#!/usr/bin/env bash
# Installs dependencies, builds (release preset) and runs `igrad dev`: an Igra devnet node on an embedded Kaspa
# simnet, with the ten development accounts funded in its genesis. Extra arguments go to `igrad dev`
# (see `build/release/apps/igrad/igrad dev --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target igrad
exec build/release/apps/igrad/igrad dev "$@"
