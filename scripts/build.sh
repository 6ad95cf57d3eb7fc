#!/usr/bin/env bash
# Installs what is missing and builds aegrad (release, xsimd on) in $AEGRAD_BUILD_DIR (default build/).
# scripts/test.sh and scripts/main-job.sh start with it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${AEGRAD_BUILD_DIR:-build}
if [[ ! -f "$build/build.ninja" ]]; then
  meson setup "$build"
fi
ninja -C "$build"
