#!/usr/bin/env bash
# Installs what is missing, builds aegrad, and runs the main job: greedy layer-wise pretraining of the tied
# 784-100-30 autoencoder on Fashion-MNIST, then fine-tuning, with a report in results/main-job/.
# Extra arguments go to `aegrad train` (see `build/cli/aegrad train --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
build=${AEGRAD_BUILD_DIR:-build}
"$build/cli/aegrad" train --schedule layerwise --out results/main-job "$@"
