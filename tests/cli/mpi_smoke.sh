#!/usr/bin/env bash
# `mpirun -np 2 aegrad train`: the same results as one process for the joint, layer-wise and conv schedules
# and the variants; rank 0 alone prints and writes; a bad launch is one clear error and a clean exit of
# every rank; a rank that fails alone ends the job; a run killed under mpirun resumes to the same bytes.
#   mpi_smoke.sh MPIRUN PATH/TO/aegrad PATH/TO/data_parallel_check
set -euo pipefail
mpirun=$1 aegrad=$2 check=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
[[ -d /usr/share/datasets/fashion-mnist ]] || { echo "dataset-fashion-mnist is not installed: skipped"; exit 77; }
two() { "$mpirun" --allow-run-as-root --oversubscribe -np 2 "$@"; }
small=(--train-samples 2048 --test-samples 500 --threads 1 --quiet)
metric() { grep -o "\"$2\": [^,]*" "$1/metrics.json" | cut -d' ' -f2; }
# Two test MSEs within float rounding's reach (the ranks sum gradients in another order).
close() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-4 * (a > 0 ? a : -a) + 1e-7) }'; }

echo "== the same runs alone and with 2 ranks"
for run in "joint --epochs 2" "layerwise --epochs 3" "joint --model conv --epochs 1 --layers 8,16,10" \
           "joint --noise gaussian:0.2 --epochs 2" "joint --model vae --epochs 2" \
           "layerwise --model conv --mirror --tied --layers 8,16,10 --epochs 3 --pretrain-epochs 1"; do
  read -r schedule rest <<< "$run"
  name=$(echo "$run" | tr -c 'a-z0-9' _)
  # shellcheck disable=SC2086
  "$aegrad" train --schedule $schedule $rest "${small[@]}" --out "$work/$name-1" > "$work/$name-1.log" 2>&1 ||
    { cat "$work/$name-1.log"; fail "$run: one process failed"; }
  # shellcheck disable=SC2086
  two "$aegrad" train --schedule $schedule $rest "${small[@]}" --out "$work/$name-2" > "$work/$name-2.log" 2>&1 ||
    { cat "$work/$name-2.log"; fail "$run: 2 ranks failed"; }
  [[ $(metric "$work/$name-2" ranks) == 2 && $(metric "$work/$name-1" ranks) == 1 ]] || fail "$run: metrics.json's ranks"
  [[ $(grep -c "^test MSE" "$work/$name-2.log") == 1 ]] || fail "$run: rank 0 alone should print the result"
  a=$(metric "$work/$name-1" test_mse) b=$(metric "$work/$name-2" test_mse)
  echo "$run: test MSE $a alone, $b with 2 ranks"
  # Noise is drawn per rank, so a denoising run is only statistically the same.
  if [[ $run == *noise* || $run == *vae* ]]; then
    awk -v a="$a" -v b="$b" 'BEGIN { exit !(b < 1.1 * a && a < 1.1 * b) }' || fail "$run: $a and $b differ by over 10%"
  else
    close "$a" "$b" || fail "$run: test MSE $a alone but $b with 2 ranks"
  fi
done

echo "== a bad launch: one message, exit 2, no hang"
set +e
two "$aegrad" train --batch 255 "${small[@]}" --out "$work/bad" > "$work/bad.log" 2>&1; code=$?
set -e
[[ $code == 2 ]] || { cat "$work/bad.log"; fail "--batch 255 on 2 ranks: exit $code"; }
grep -q "multiple of 2" "$work/bad.log" || { cat "$work/bad.log"; fail "--batch 255: no reason given"; }
[[ $(grep -c "multiple of 2" "$work/bad.log") == 1 ]] || fail "--batch 255: the error is printed more than once"
[[ ! -e $work/bad ]] || fail "--batch 255 created the output folder"
set +e
"$mpirun" --allow-run-as-root --oversubscribe -np 1 "$aegrad" train --lr 0.001 "${small[@]}" --out "$work/mixed" : \
  -np 1 "$aegrad" train --lr 0.01 "${small[@]}" --out "$work/mixed" > "$work/mixed.log" 2>&1; code=$?
set -e
[[ $code == 2 ]] || { cat "$work/mixed.log"; fail "ranks with different arguments: exit $code"; }
grep -q "every rank must run the same command.*rank 1 runs .*--lr 0.01" "$work/mixed.log" ||
  { cat "$work/mixed.log"; fail "ranks with different arguments: not named"; }

echo "== a rank that fails alone ends every rank"
set +e
timeout 120 "$mpirun" --allow-run-as-root --oversubscribe -np 2 "$check" throw-on-rank 1 > "$work/throw.log" 2>&1
code=$?
set -e
[[ $code != 0 && $code != 124 ]] || { cat "$work/throw.log"; fail "a rank that throws: exit $code (124: a hang)"; }
grep -q "rank 1 fails at step 3" "$work/throw.log" || { cat "$work/throw.log"; fail "the failing rank's error is not shown"; }

echo "== killed under mpirun and resumed: the same bytes as an uninterrupted 2-rank run"
args=(--epochs 3 --checkpoint-every 2 --noise gaussian:0.1 "${small[@]}")
two "$aegrad" train "${args[@]}" --out "$work/ref" > /dev/null 2>&1 || fail "the uninterrupted 2-rank run failed"
kills=0
resume=()
for delay in 0.1 0.3 0.2; do
  two "$aegrad" train "${args[@]}" --out "$work/killed" "${resume[@]}" > "$work/killed.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2> /dev/null && ! compgen -G "$work/killed/checkpoints/*.state.safetensors" > /dev/null; do
    sleep 0.01
  done
  sleep "$delay"
  # Both ranks at once, as a lost machine or an out-of-memory kill would.
  if pkill -KILL -f "aegrad train.*$work/killed" 2> /dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2> /dev/null || true
  resume=(--resume)
done
two "$aegrad" train "${args[@]}" --out "$work/killed" --resume > "$work/killed.log" 2>&1 ||
  { cat "$work/killed.log"; fail "the last resume failed"; }
cmp "$work/ref/model.safetensors" "$work/killed/model.safetensors" || fail "resumed under mpirun: another model"
echo "killed $kills times, resumed: model.safetensors is byte-identical to the uninterrupted run's"
