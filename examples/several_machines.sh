#!/usr/bin/env bash
# Data-parallel training under mpirun, here with two ranks on this machine: the tied 784-100-30
# autoencoder trained by one process, then by two ranks that each take half of every batch, then resumed
# for one more epoch. The two runs see the same batches, start from the same weights and step with the
# same averaged gradients, so they end with the same test MSE up to float rounding.
set -euo pipefail
aegrad=${AEGRAD:-aegrad}
python=${PYTHON:-/usr/bin/python3}
mpirun=(mpirun -np 2)
if [[ $(id -u) == 0 ]]; then mpirun+=(--allow-run-as-root); fi  # Open MPI refuses root unless told
epochs=10
if [[ ${AEGRAD_EXAMPLE_BUDGET:-} == small ]]; then epochs=2; fi

# 1. One process on one core.
"$aegrad" train --epochs "$epochs" --threads 1 --quiet --out one

# 2. Two ranks, one core each. --batch (256 by default) is the global batch: each rank takes 128 rows.
"${mpirun[@]}" "$aegrad" train --epochs "$epochs" --threads 1 --quiet --out two

# 3. The two runs' test MSE, from the metrics.json each wrote.
"$python" - <<'EOF'
import json
one, two = (json.load(open(f"{d}/metrics.json")) for d in ("one", "two"))
print(f"test MSE: one process {one['test_mse']:.6f}, {two['ranks']} ranks {two['test_mse']:.6f}, "
      f"relative difference {abs(one['test_mse'] - two['test_mse']) / one['test_mse']:.1e}")
EOF

# 4. One more epoch on two ranks, resumed from the checkpoint rank 0 wrote at the last epoch's end.
"${mpirun[@]}" "$aegrad" train --epochs $((epochs + 1)) --threads 1 --quiet --resume --out two
