#!/usr/bin/env bash
# 2 ranks x half the batch against 1 process x the whole batch, for the seed model (Adam) and Géron's conv
# model (SGD with momentum and Adam): the parameters after every step must agree within float rounding.
# Usage: data_parallel_equality.sh MPIRUN DATA_PARALLEL_CHECK
set -euo pipefail
mpirun=$1 check=$2
[[ -d /usr/share/datasets/fashion-mnist ]] || { echo "skipped: no Fashion-MNIST"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
steps=20
for run in "dense 256 adam" "conv 128 sgd" "conv 128 adam"; do
  read -r model batch optimizer <<< "$run"
  echo "== $model, batch $batch, $optimizer: $steps steps"
  "$check" train "$model" "$steps" "$batch" "$optimizer" "$work/one.bin"
  "$mpirun" --allow-run-as-root --oversubscribe -np 2 "$check" train "$model" "$steps" "$batch" "$optimizer" "$work/two.bin"
  # The gradients are float sums in another order, so they differ by rounding (about 1e-7 relative) and
  # Adam's division by sqrt(v) carries that on; 1e-5 is PyTorch's own float tolerance (atol) for such
  # checks. A step moves the parameters by about 1e-3, so a wrong shard or a missed gradient shows at once.
  "$check" compare "$work/one.bin" "$work/two.bin" "$steps" 1e-5
done
