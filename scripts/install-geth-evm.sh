#!/usr/bin/env bash
# Installs geth's `evm` tool (a pinned go-ethereum release) into .tools/bin for the EVM benchmark
# (bench/evm/compare.py) and the differential fuzzer (tests/diff/evm_diff.py --geth). Optional: nothing in
# scripts/test.sh needs it. Needs Go >= 1.21 (Debian: golang from bookworm-backports, or any Go toolchain);
# modules come from the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
GETH_VERSION=v1.17.10
if [ -x .tools/bin/evm ] && .tools/bin/evm --version 2>/dev/null | grep -q "${GETH_VERSION#v}"; then
  echo "geth evm ${GETH_VERSION} already in .tools/bin"; exit 0
fi
command -v go >/dev/null || { echo "install-geth-evm: Go is not installed (need Go >= 1.21)" >&2; exit 1; }
mkdir -p .tools/bin
GOBIN="$PWD/.tools/bin" GOTOOLCHAIN=auto go install "github.com/ethereum/go-ethereum/cmd/evm@${GETH_VERSION}"
.tools/bin/evm --version
