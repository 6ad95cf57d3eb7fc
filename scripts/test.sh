#!/usr/bin/env bash
# Installs what is missing, builds aegrad (release, xsimd on) and runs every test, then builds and runs the
# whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (--no-sanitize skips that). With
# --tsan, instead, under ThreadSanitizer (aegrad's own threads: parallel_for, split products, gradients computed at
# once); with --fuzz, it builds the libFuzzer targets of fuzz/ with clang and runs each for
# $AEGRAD_FUZZ_SECONDS (default 60) from its committed corpus, saving what it finds in build-fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
build=${AEGRAD_BUILD_DIR:-build}
meson test -C "$build" --print-errorlogs

mode=${1:-}
if [[ -z $mode || $mode == "--sanitize" ]]; then
  # Unoptimised: sanitizer instrumentation of optimised xtensor code takes minutes per file to compile.
  asan=${build}-sanitize
  if [[ ! -f "$asan/build.ninja" ]]; then
    # Not -march=native: GCC 12 cannot compile xsimd's AVX-512 code unoptimised, and the checks need no speed.
    # Not MPI: Open MPI's own allocations, kept until exit, would drown the leak report; the data-parallel
    # code is sanitized through its world of one (nn/single_world.cpp) and run under mpirun by the first suite.
    meson setup "$asan" -Db_sanitize=address,undefined -Doptimization=0 -Ddebug=false -Db_lundef=false \
      -Dexamples=false -Dbenchmarks=false -Dnative=false -Dmpi=disabled
  fi
  ninja -C "$asan"
  # The install suite is left out: a consumer built without the sanitizer cannot link a library built with it.
  LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C "$asan" --print-errorlogs --timeout-multiplier 4 --no-suite install
fi

if [[ $mode == "--tsan" ]]; then
  tsan=${build}-tsan
  if [[ ! -f "$tsan/build.ninja" ]]; then
    meson setup "$tsan" -Db_sanitize=thread -Doptimization=0 -Ddebug=false -Db_lundef=false \
      -Dexamples=false -Dbenchmarks=false -Dmpi=disabled
  fi
  ninja -C "$tsan"
  TSAN_OPTIONS=halt_on_error=1 meson test -C "$tsan" --print-errorlogs --timeout-multiplier 4
fi

if [[ $mode == "--fuzz" ]]; then
  bash scripts/install-deps.sh --fuzz
  fuzz=${build}-fuzz
  if [[ ! -f "$fuzz/build.ninja" ]]; then
    CC=clang CXX=clang++ meson setup "$fuzz" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
      -Doptimization=1 -Dtests=false -Dexamples=false -Dbenchmarks=false -Dnative=false -Dmpi=disabled
  fi
  ninja -C "$fuzz"
  seconds=${AEGRAD_FUZZ_SECONDS:-60}
  mkdir -p "$fuzz/findings"
  for target in fuzz/corpus/*/; do
    name=$(basename "$target")
    work="$fuzz/corpus/$name"  # grows as libFuzzer finds new paths; the committed seeds stay as they are
    mkdir -p "$work"
    echo "fuzzing $name for $seconds s"
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$fuzz/fuzz/fuzz_$name" "$work" "$target" \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$fuzz/findings/$name-" 2>&1 | grep -E "^(stat::|#[0-9]+ *DONE)|ERROR|SUMMARY" || true
  done
  if compgen -G "$fuzz/findings/*" > /dev/null; then
    echo "fuzzing found inputs that fail (add each to fuzz/corpus/<target>/ once fixed):"; ls "$fuzz/findings"
    exit 1
  fi
fi
