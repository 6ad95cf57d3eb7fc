#!/usr/bin/env bash
# Installs the Debian packages aegrad needs, skipping those already there. Idempotent: a second run
# installs nothing and does not touch the network.
#   scripts/install-deps.sh            build + tests + main job (includes the Fashion-MNIST data package)
#   scripts/install-deps.sh --no-peer  without python3-torch (PyTorch is only the benchmarks' peer and the
#                                      cross-checks' reference; the library never uses it)
#   scripts/install-deps.sh --fuzz     also clang and its libFuzzer runtime, for scripts/test.sh --fuzz
set -euo pipefail

packages=(
  # build
  g++ meson ninja-build pkg-config cmake
  # libraries
  libxtensor-dev libxtensor-blas-dev libxsimd-dev xtl-dev libopenblas-dev libfmt-dev zlib1g-dev libpng-dev
  nlohmann-json3-dev libcli11-dev
  # CSV tokenising for tabular data
  libcsv-dev
  # PNG copies of the SVG figures
  librsvg2-dev
  # tests
  doctest-dev
  # data: Fashion-MNIST as IDX files under /usr/share/datasets/fashion-mnist
  dataset-fashion-mnist
  # figures of the computation graph
  graphviz
  # data-parallel training under mpirun (Open MPI: Debian's default MPI, and what clusters' launchers speak)
  libopenmpi-dev openmpi-bin
  # the tutorials' real tables (scikit-learn ships its data sets as CSV files) and NumPy for making .npy files
  python3-sklearn python3-numpy
)
if [[ "${1:-}" != "--no-peer" ]]; then
  packages+=(python3-torch)
fi
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages are installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "install-deps: not root and no sudo. As root, run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
${SUDO:-} apt-get update -qq
${SUDO:-} apt-get install -y -qq --no-install-recommends "${missing[@]}"
