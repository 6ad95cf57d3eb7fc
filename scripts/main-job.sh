#!/usr/bin/env bash
# Installs what is missing, builds aegrad, and runs the main job. Until `aegrad train` lands, the main job
# is the seed model's tour: the tape's basics and the tied 784-100-30 autoencoder's summary.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
build=${AEGRAD_BUILD_DIR:-build}
if [[ ! -f "$build/build.ninja" ]]; then
  meson setup "$build"
fi
ninja -C "$build"
"$build/examples/tape_basics"
echo
"$build/examples/tied_autoencoder"
