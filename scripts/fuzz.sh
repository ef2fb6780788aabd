#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for SECONDS (default 60).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}; shift || true
cmake --preset fuzz >/dev/null && cmake --build --preset fuzz
targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in build/fuzz/fuzz/*_fuzz; do targets+=("$(basename "$f")"); done
fi
for t in "${targets[@]}"; do
  mkdir -p "build/fuzz/corpus/$t"
  echo "== $t for ${secs}s"
  "build/fuzz/fuzz/$t" -max_total_time="$secs" -rss_limit_mb=2048 "build/fuzz/corpus/$t" 2>&1 | tail -3
done
