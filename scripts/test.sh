#!/usr/bin/env bash
# Runs every test: installs dependencies (scripts/setup.sh), then
#   1. release build: unit tests, fixture tests and oracle (differential) tests,
#   2. ASan+UBSan build: unit tests again,
#   3. clang/libFuzzer build: each fuzz target for FUZZ_SECONDS (default 10) as a smoke run.
# The last line is the total "N passed, N failed". Options: --quick (stage 1 only), --no-setup.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=0; setup=1
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    --no-setup) setup=0 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
JOBS=${JOBS:-$(nproc)}

if ((setup)); then scripts/setup.sh || exit 1; fi

passed=0; failed=0
note() { printf '\n=== %s ===\n' "$*"; }

# ctest_stage <label> <preset> [ctest args...]: build, run ctest, add its counts.
ctest_stage() {
  local label=$1 preset=$2; shift 2
  note "$label: configure and build ($preset)"
  if ! cmake --preset "$preset" >/dev/null || ! cmake --build --preset "$preset" -j "$JOBS"; then
    echo "BUILD FAILED: $preset"; failed=$((failed + 1)); return
  fi
  note "$label: tests"
  local out; out=$(mktemp)
  ctest --preset "$preset" -j "$JOBS" "$@" 2>&1 | tee "$out"
  local line; line=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$out" | tail -1)
  if [ -z "$line" ]; then
    echo "NO TEST SUMMARY from $preset"; failed=$((failed + 1))
  else
    local total fail
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    fail=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
    passed=$((passed + total - fail)); failed=$((failed + fail))
  fi
  rm -f "$out"
}

ctest_stage "release" release
if ((!quick)); then
  ctest_stage "asan" asan -L unit
  note "fuzz: build (clang, libFuzzer, ASan+UBSan)"
  if cmake --preset fuzz >/dev/null && cmake --build --preset fuzz -j "$JOBS"; then
    for f in build/fuzz/fuzz/*_fuzz; do
      [ -x "$f" ] || continue
      name=$(basename "$f")
      corpus="build/fuzz/corpus/$name"; mkdir -p "$corpus"
      if "$f" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -print_final_stats=0 "$corpus" \
           > "build/fuzz/$name.log" 2>&1; then
        echo "fuzz $name: ${FUZZ_SECONDS}s clean"; passed=$((passed + 1))
      else
        echo "fuzz $name: FAILED (see build/fuzz/$name.log)"; tail -30 "build/fuzz/$name.log"; failed=$((failed + 1))
      fi
    done
  else
    echo "BUILD FAILED: fuzz"; failed=$((failed + 1))
  fi
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
