#!/usr/bin/env bash
# Tied conv models and layer-wise pretraining of conv and denoising stacks through the command, on a small
# slice of Fashion-MNIST: the counts `summary` prints, a tied conv model trained layer by layer (its file
# rebuilt by eval, its run resumed), a stacked denoising run, and gradflow on the tied conv model.
#   layerwise_stacks_smoke.sh PATH/TO/aegrad
set -euo pipefail
aegrad=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
[[ -d /usr/share/datasets/fashion-mnist ]] || { echo "dataset-fashion-mnist is not installed: skipped"; exit 77; }
metric() { /usr/bin/python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/$1/metrics.json" "$2"; }

# Counts: the tied conv model holds each kernel once (about half the untied mirror model), Géron's is as before.
"$aegrad" summary --model conv --tied > "$work/tied.txt"
grep -q "Total params: 55,119" "$work/tied.txt" || { cat "$work/tied.txt"; fail "tied conv count"; }
grep -q "encoder.1.weight \[16, 1, 3, 3\] read by encoder.1, decoder.4" "$work/tied.txt" || fail "no shared line"
"$aegrad" summary --model conv --mirror | grep -q "Total params: 109,023" || fail "untied mirror conv count"
"$aegrad" summary --model conv | grep -q "Total params: 54,479" || fail "Géron's conv count"

# A tied conv model, layer by layer: 4 phases and fine-tuning, each checkpointed; eval rebuilds it.
small="--train-samples 1200 --test-samples 200 --batch 128 --threads 2 --quiet"
"$aegrad" train --model conv --tied --schedule layerwise --epochs 6 $small --out "$work/tc" > "$work/tc.log" 2>&1 \
  || { cat "$work/tc.log"; fail "tied conv layer-wise run exited non-zero"; }
[[ $(metric tc tied) == True && $(metric tc mirror) == True && $(metric tc params) == 55119 ]] || fail "metrics.json"
for phase in 1 2 3 4 5; do
  [[ -s "$work/tc/checkpoints/phase-$phase-of-5.safetensors" ]] || fail "no checkpoint of phase $phase"
done
[[ $(grep -c "^pretrain 4/4," "$work/tc/history.csv") -eq 1 ]] || fail "history lacks the fourth phase"
eval_mse=$("$aegrad" eval "$work/tc/model.safetensors" --test-samples 200 | awk '{ print $3 }')
/usr/bin/python3 -c "import sys; a, b = map(float, sys.argv[1:]); sys.exit(not abs(a - b) < 1e-5)" "$eval_mse" \
  "$(metric tc test_mse)" || fail "eval $eval_mse differs from the run's test MSE"
# Resumed, every phase comes from its checkpoint and the model is the same.
"$aegrad" train --model conv --tied --schedule layerwise --epochs 6 $small --out "$work/tc" --resume > "$work/tc2.log" 2>&1 \
  || { cat "$work/tc2.log"; fail "resumed run exited non-zero"; }
[[ $(grep -c "resumed from its checkpoint" "$work/tc2.log") -eq 5 ]] || { cat "$work/tc2.log"; fail "not every phase resumed"; }
[[ $(metric tc test_mse) == "$eval_mse" || $(/usr/bin/python3 -c "import sys; print(abs(float(sys.argv[1]) - float(sys.argv[2])) < 1e-5)" "$(metric tc test_mse)" "$eval_mse") == True ]] \
  || fail "the resumed model differs"

# Géron's conv layout layer by layer: one phase per conv + pool stage (the innermost holds the coding conv).
"$aegrad" train --model conv --layers 8,16,10 --schedule layerwise --epochs 4 $small --out "$work/gc" > "$work/gc.log" 2>&1 \
  || { cat "$work/gc.log"; fail "Géron conv layer-wise run exited non-zero"; }
grep -q "pretrain 2/2" "$work/gc.log" || { cat "$work/gc.log"; fail "Géron's layout with 2 stages should pretrain 2 phases"; }

# A stacked denoising autoencoder: every phase trains on corrupted input and is validated on clean input, so
# with heavy noise each phase's training loss is several times its validation loss.
"$aegrad" train --schedule layerwise --layers 64,16 --epochs 4 --noise gaussian:3 $small --out "$work/sda" > "$work/sda.log" 2>&1 \
  || { cat "$work/sda.log"; fail "stacked denoising run exited non-zero"; }
[[ $(metric sda noise) == "gaussian:3" ]] || fail "metrics.json lacks the noise"
for phase in "pretrain 1/2" "pretrain 2/2"; do
  awk -F, -v p="$phase" '$1 == p && $2 == 1 { found = 1; ok = $3 > 3 * $4 } END { exit !(found && ok) }' "$work/sda/history.csv" \
    || { cat "$work/sda/history.csv"; fail "$phase did not train on corrupted input"; }
done

# gradflow on the mirror conv model: per-read norms of a tied kernel in the report.
"$aegrad" gradflow --model conv --layers 8,16,10 --epochs 1 --train-samples 600 --test-samples 100 --every 2 --quiet \
  --out "$work/gf" > "$work/gf.log" 2>&1 || { cat "$work/gf.log"; fail "gradflow --model conv exited non-zero"; }
grep -q "encoder.1.weight <- decoder.*conv_transpose2d" "$work/gf/report.txt" || { cat "$work/gf/report.txt"; fail "no per-read norms"; }
grep -q "read_cosine" "$work/gf/tied/gradflow.csv" || fail "tied CSV lacks cosines"
echo "layer-wise stacks smoke test passed"
