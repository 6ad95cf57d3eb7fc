#!/usr/bin/env bash
# Installs what is missing, builds aegrad (release, xsimd on) and runs every test. With --sanitize it also
# builds and runs the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer; with --tsan, under
# ThreadSanitizer (aegrad's own threads: parallel_for, split products, gradients computed at once).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
build=${AEGRAD_BUILD_DIR:-build}
meson test -C "$build" --print-errorlogs

if [[ "${1:-}" == "--sanitize" ]]; then
  # Unoptimised: sanitizer instrumentation of optimised xtensor code takes minutes per file to compile.
  asan=${build}-sanitize
  if [[ ! -f "$asan/build.ninja" ]]; then
    meson setup "$asan" -Db_sanitize=address,undefined -Doptimization=0 -Ddebug=false -Db_lundef=false \
      -Dexamples=false -Dbenchmarks=false
  fi
  ninja -C "$asan"
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 meson test -C "$asan" --print-errorlogs --timeout-multiplier 4
fi

if [[ "${1:-}" == "--tsan" ]]; then
  tsan=${build}-tsan
  if [[ ! -f "$tsan/build.ninja" ]]; then
    meson setup "$tsan" -Db_sanitize=thread -Doptimization=0 -Ddebug=false -Db_lundef=false \
      -Dexamples=false -Dbenchmarks=false
  fi
  ninja -C "$tsan"
  TSAN_OPTIONS=halt_on_error=1 meson test -C "$tsan" --print-errorlogs --timeout-multiplier 4
fi
