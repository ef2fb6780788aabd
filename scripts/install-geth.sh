#!/usr/bin/env bash
# Installs geth (a pinned go-ethereum release) into .tools/bin for the JSON-RPC benchmark (bench/rpc/run.sh
# runs `geth --dev` side by side with igrad). Optional: nothing in scripts/test.sh needs it. Needs Go >= 1.21;
# modules come from the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
GETH_VERSION=v1.16.7  # 1.17.x needs a module the Go proxy does not serve (attestantio/go-eth2-client v0.30.1)
if [ -x .tools/bin/geth ] && .tools/bin/geth version 2>/dev/null | grep -q "${GETH_VERSION#v}"; then
  echo "geth ${GETH_VERSION} already in .tools/bin"; exit 0
fi
command -v go >/dev/null || { echo "install-geth: Go is not installed (need Go >= 1.21)" >&2; exit 1; }
mkdir -p .tools/bin
GOBIN="$PWD/.tools/bin" GOTOOLCHAIN=auto go install "github.com/ethereum/go-ethereum/cmd/geth@${GETH_VERSION}"
.tools/bin/geth version | head -2
