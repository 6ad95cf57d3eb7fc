#!/usr/bin/env bash
# The seed model side by side: aegrad and PyTorch train the same tied 784-100-30 autoencoder (ReLU, Adam
# 1e-3, batch 256, MSE) on Fashion-MNIST for the same epochs, one after the other in this run, and print
# test MSE and seconds per epoch; aegrad's layerwise schedule with the same total epochs, and 30-component
# PCA, for reference.
#   bench/seed_model_vs_pytorch.sh [BUILD_DIR] [EPOCHS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
epochs=${2:-20}
threads=${3:-1}
aegrad="$build/cli/aegrad"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
[[ -x $aegrad ]] || { echo "build aegrad first: meson setup $build && ninja -C $build" >&2; exit 1; }

field() { sed -n "s/.*\"$1\": *\([0-9.e+-]*\).*/\1/p" "$2" | head -n 1; }

echo "seed model: tied 784-100-30, ReLU, Adam 1e-3, batch 256, $epochs epochs, $threads thread(s)"
"$aegrad" train --epochs "$epochs" --threads "$threads" --quiet --out "$out/joint" > "$out/joint.log"
"$aegrad" train --epochs "$epochs" --threads "$threads" --quiet --schedule layerwise --out "$out/layerwise" > "$out/layerwise.log"
aegrad_core=$(sed -n 's/.*"blas_core": "\([^"]*\)".*/\1/p' "$out/joint/metrics.json")
joint_mse=$(field test_mse "$out/joint/metrics.json")
layer_mse=$(field test_mse "$out/layerwise/metrics.json")
joint_epoch=$(awk -F, 'NR > 1 { print $5 }' "$out/joint/history.csv" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')

if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  /usr/bin/python3 bench/torch_seed_model.py --epochs "$epochs" --threads "$threads" --pca > "$out/torch.json"
  torch_mse=$(field test_mse "$out/torch.json")
  torch_epoch=$(field epoch_seconds_median "$out/torch.json")
  pca_mse=$(field pca30_test_mse "$out/torch.json")
else
  torch_mse=nan torch_epoch=nan pca_mse=nan
  echo "(python3-torch is not installed: PyTorch columns are empty)"
fi

printf '\n%-44s %12s %14s\n' "run" "test MSE" "s/epoch (med)"
printf '%-44s %12.5f %14.3f\n' "aegrad joint (OpenBLAS $aegrad_core)" "$joint_mse" "$joint_epoch"
printf '%-44s %12.5f %14s\n' "aegrad layerwise (pretrain + fine-tune)" "$layer_mse" "-"
printf '%-44s %12.5f %14.3f\n' "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)' 2>/dev/null) joint" "$torch_mse" "$torch_epoch"
printf '%-44s %12.5f %14s\n' "PCA, 30 components" "$pca_mse" "-"
awk -v a="$joint_mse" -v t="$torch_mse" -v ea="$joint_epoch" -v et="$torch_epoch" -v l="$layer_mse" 'BEGIN {
  printf "\naegrad / PyTorch test MSE: %.3f (target: within 1.05)\n", a / t
  printf "aegrad / PyTorch time per epoch: %.2f\n", ea / et
  printf "layerwise / joint test MSE: %.3f (target: <= 1)\n", l / a }'
