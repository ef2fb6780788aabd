#!/usr/bin/env bash
# Installs dependencies, builds (release preset) and runs the demo. Until the node (igrad) exists, this runs
# `igra-cli demo`: an Igra Entry transaction built, prefix-mined, signed and verified as Kaspa would.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target igra-cli
exec build/release/apps/igra-cli/igra-cli demo "$@"
