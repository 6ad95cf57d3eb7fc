#!/usr/bin/env bash
# `aegrad train` killed with SIGKILL at many moments (mid-epoch, mid-checkpoint-write, between phases) and
# resumed with --resume until it finishes ends with the same model.safetensors, byte for byte, and the same
# per-epoch losses as an uninterrupted run: the joint, layer-wise and conv schedules.
#   kill_resume.sh PATH/TO/aegrad
set -euo pipefail
aegrad=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

data=/usr/share/datasets/fashion-mnist
[[ -d $data ]] || { echo "dataset-fashion-mnist is not installed: skipped"; exit 77; }

# The losses of history.csv (phase, epoch, loss, val_loss): timings and memory differ between any two runs.
losses() { cut -d, -f1-4 "$1"; }
# The step within its epoch that a checkpoint was taken at (0: at an epoch's end), from its JSON header.
checkpoint_step() { head -c 100000 "$1" | grep -a -o '"step":"[0-9]*"' | head -1 | tr -dc 0-9; }

# The newest checkpoint's modification time in OUT ("" before there is one).
stamp() { stat -c %y "$1"/checkpoints/*.state.safetensors 2> /dev/null | sort | tail -1 || true; }

# run NAME DELAYS ARGS...: the reference run into NAME-ref, then the same run into NAME-killed, killed each
# DELAY seconds after its next checkpoint in turn, resumed after each kill, and finally resumed to the end.
run() {
  local name=$1 delays=$2; shift 2
  local ref="$work/$name-ref" out="$work/$name-killed" mid_epoch=0 mid_write=0 kills=0
  "$aegrad" train "$@" --quiet --out "$ref" > "$work/$name-ref.log" 2>&1 || { cat "$work/$name-ref.log"; fail "$name: the reference run failed"; }
  local resume=()
  for delay in $delays; do
    "$aegrad" train "$@" --quiet --out "$out" "${resume[@]}" > "$work/$name-killed.log" 2>&1 &
    local pid=$!
    # Kill `delay` seconds after the run writes a new checkpoint, so that every kill lands in training.
    local before; before=$(stamp "$out")
    while kill -0 "$pid" 2> /dev/null && [[ $(stamp "$out") == "$before" ]]; do sleep 0.01; done
    sleep "$delay"
    if kill -KILL "$pid" 2> /dev/null; then
      kills=$((kills + 1))
      wait "$pid" 2> /dev/null || true
    else  # finished before the kill
      wait "$pid" || { cat "$work/$name-killed.log"; fail "$name: a resumed run failed"; }
    fi
    [[ -f "$out/checkpoints/settings.json" ]] && resume=(--resume)
    ls "$out" "$out/checkpoints" 2> /dev/null | grep -q '\.tmp\.' && mid_write=$((mid_write + 1))
    for state in "$out"/checkpoints/*.state.safetensors; do
      [[ -f $state && $(checkpoint_step "$state") != 0 ]] && mid_epoch=$((mid_epoch + 1)) && break
    done
  done
  "$aegrad" train "$@" --quiet --out "$out" "${resume[@]}" > "$work/$name-last.log" 2>&1 || { cat "$work/$name-last.log"; fail "$name: the last resumed run failed"; }
  cmp -s "$ref/model.safetensors" "$out/model.safetensors" || fail "$name: the resumed model differs from the uninterrupted one"
  diff <(losses "$ref/history.csv") <(losses "$out/history.csv") > /dev/null || { diff <(losses "$ref/history.csv") <(losses "$out/history.csv"); fail "$name: the losses differ"; }
  ls -R "$out" | grep -q '\.tmp\.' && fail "$name: temporary files of killed runs were left: $(ls -R "$out")"
  echo "$name: killed $kills times ($mid_epoch left a mid-epoch checkpoint, $mid_write a half-written file); the resumed model is byte-identical"
  ((kills >= 2 && mid_epoch >= 1)) || fail "$name: too few kills landed in training ($kills, $mid_epoch mid-epoch) to test anything"
}

small=(--data "$data" --train-samples 2000 --test-samples 200 --batch 16 --threads 2)
# A checkpoint every step: most kills land during a checkpoint's write.
run joint "0 0.05 0.11 0.2 0.3" "${small[@]}" --epochs 3 --checkpoint-every 1 --noise gaussian:0.2
run layerwise "0 0.03 0.07 0.1 0.2 0.3" "${small[@]}" --epochs 6 --schedule layerwise --pretrain-epochs 2 --checkpoint-every 3 \
  --early-stopping 5
run conv "0 0.05 0.1 0.2 0.4" "${small[@]}" --model conv --layers 8,16,10 --epochs 2 --checkpoint-every 4 --noise mask:0.25:2

# Resuming checks the settings: nothing to resume, a changed setting, and fewer epochs are usage errors.
out="$work/joint-killed"
rc=0; "$aegrad" train "${small[@]}" --epochs 3 --out "$work/nothing" --resume > "$work/e.log" 2>&1 || rc=$?
[[ $rc -eq 2 ]] && grep -q "nothing to resume" "$work/e.log" || { cat "$work/e.log"; fail "--resume with nothing to resume: exit $rc"; }
[[ ! -e "$work/nothing" ]] || fail "--resume with nothing to resume created its --out"
rc=0; "$aegrad" train "${small[@]}" --epochs 3 --checkpoint-every 1 --noise gaussian:0.2 --lr 0.01 --out "$out" --resume > "$work/e.log" 2>&1 || rc=$?
[[ $rc -eq 2 ]] && grep -q -- "--lr 0.001 (now 0.01)" "$work/e.log" || { cat "$work/e.log"; fail "--resume with another --lr: exit $rc"; }
rc=0; "$aegrad" train "${small[@]}" --epochs 2 --noise gaussian:0.2 --out "$out" --resume > "$work/e.log" 2>&1 || rc=$?
[[ $rc -eq 2 ]] && grep -q "extended, not shortened" "$work/e.log" || { cat "$work/e.log"; fail "--resume with fewer epochs: exit $rc"; }
cmp -s "$work/joint-ref/model.safetensors" "$out/model.safetensors" || fail "a refused resume changed the model"

# More epochs extend a finished run: the same bytes as a run asked for them at first.
"$aegrad" train "${small[@]}" --epochs 4 --noise gaussian:0.2 --quiet --out "$work/four" > /dev/null 2>&1 || fail "a 4-epoch run failed"
"$aegrad" train "${small[@]}" --epochs 4 --noise gaussian:0.2 --quiet --out "$out" --resume > "$work/e.log" 2>&1 || { cat "$work/e.log"; fail "extending failed"; }
cmp -s "$work/four/model.safetensors" "$out/model.safetensors" || fail "3 epochs extended to 4 differ from 4 epochs"
[[ $(wc -l < "$out/history.csv") -eq 5 ]] || fail "the extended history should hold 4 epochs"
echo "kill and resume: all passed"
