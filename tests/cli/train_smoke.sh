#!/usr/bin/env bash
# `aegrad train` end to end on a small MNIST-format folder: every output is written and sane, `eval`
# agrees with the metrics, `summary` prints the seed counts, and bad input fails with one clear line.
#   train_smoke.sh PATH/TO/aegrad
set -euo pipefail
aegrad=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

data=/usr/share/datasets/fashion-mnist
[[ -d $data ]] || { echo "dataset-fashion-mnist is not installed: skipped"; exit 77; }

# Any MNIST-format folder works: here a copy with the files uncompressed.
mkdir "$work/data"
for f in "$data"/*.gz; do gunzip -c "$f" > "$work/data/$(basename "${f%.gz}")"; done

"$aegrad" train --data "$work/data" --layers 64,16 --epochs 2 --schedule layerwise --train-samples 2000 \
  --test-samples 500 --out "$work/out" > "$work/train.log" 2>&1 || { cat "$work/train.log"; fail "train exited non-zero"; }
cat "$work/train.log"
for f in model.safetensors history.csv metrics.json reconstructions.png loss.svg; do
  [[ -s "$work/out/$f" ]] || fail "missing $f"
done
grep -q '"test_mse"' "$work/out/metrics.json" || fail "metrics.json has no test_mse"
grep -q '"params": 51,040' "$work/out/metrics.json" && fail "params must be a number"
grep -q '"params": 52128' "$work/out/metrics.json" || fail "wrong parameter count in metrics.json"
[[ $(head -c 8 "$work/out/reconstructions.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "not a PNG"
[[ $(wc -l < "$work/out/history.csv") -eq 4 ]] || fail "history.csv should hold a header and 3 epochs"
grep -q '^pretrain 1/2,1,' "$work/out/history.csv" || fail "history.csv lacks the first phase"

# A full disk (here a 64 KB file-size limit, SIGXFSZ ignored) during a second run into the same folder:
# exit 1 with the file named, the first run's model and metrics byte for byte as they were, no temporary
# file left. (The history of a run in progress is kept in OUT/checkpoints until the run ends.)
cp -r "$work/out" "$work/before"
rc=0
(trap '' XFSZ; ulimit -f 128; exec "$aegrad" train --data "$work/data" --layers 64,16 --epochs 1 --train-samples 2000 \
  --test-samples 500 --quiet --out "$work/out") > "$work/full.log" 2>&1 || rc=$?
[[ $rc -eq 1 ]] || { cat "$work/full.log"; fail "a full disk must exit 1, not $rc"; }
grep -q "$work/out/" "$work/full.log" || { cat "$work/full.log"; fail "the failed write should name its file"; }
for f in model.safetensors metrics.json reconstructions.png history.csv; do
  cmp -s "$work/before/$f" "$work/out/$f" || fail "a failed run changed the earlier $f"
done
ls -R "$work/out" | grep -q '\.tmp' && fail "temporary files left behind: $(ls "$work/out")"

mse=$(sed -n 's/.*"test_mse": \([0-9.e-]*\).*/\1/p' "$work/out/metrics.json")
eval_mse=$("$aegrad" eval "$work/out/model.safetensors" --data "$work/data" --test-samples 500 | awk '{print $3}')
awk -v a="$mse" -v b="$eval_mse" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-5) }' \
  || fail "eval gives $eval_mse, metrics.json says $mse"

"$aegrad" summary | grep -q "Total params: 82,414" || fail "summary of the seed model"
"$aegrad" summary --untied | grep -q "Total params: 163,814" || fail "summary of the untied seed model"

# The conv model: Géron's by default; eval and reconstruct rebuild it from the file; its loss falls.
"$aegrad" train --model conv --data "$work/data" --epochs 2 --train-samples 1000 --test-samples 200 --threads 2 \
  --quiet --out "$work/conv" > "$work/conv.log" 2>&1 || { cat "$work/conv.log"; fail "conv train exited non-zero"; }
grep -q '"params": 54479' "$work/conv/metrics.json" || fail "conv model should have Géron's 54,479 parameters"
grep -q '"model": "conv"' "$work/conv/metrics.json" || fail "metrics.json does not name the conv model"
awk -F, 'NR == 2 { first = $3 } NR == 3 { exit !($3 < first) }' "$work/conv/history.csv" || fail "conv loss did not fall"
conv_mse=$(sed -n 's/.*"test_mse": \([0-9.e-]*\).*/\1/p' "$work/conv/metrics.json")
conv_eval=$("$aegrad" eval "$work/conv/model.safetensors" --data "$work/data" --test-samples 200 | awk '{print $3}')
awk -v a="$conv_mse" -v b="$conv_eval" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-5) }' \
  || fail "conv eval gives $conv_eval, metrics.json says $conv_mse"
"$aegrad" reconstruct "$work/conv/model.safetensors" --data "$work/data" --out "$work/conv/r.png" > /dev/null
[[ -s "$work/conv/r.png" ]] || fail "reconstruct did not write the conv model's figure"
"$aegrad" summary --model conv | grep -q "Total params: 54,479" || fail "summary of the conv model"

# gradflow: both models, their CSVs and plots, the graph, the report.
"$aegrad" gradflow --data "$work/data" --layers 32,8 --epochs 1 --train-samples 1000 --test-samples 200 --every 2 \
  --quiet --out "$work/gf" > "$work/gf.log" 2>&1 || { cat "$work/gf.log"; fail "gradflow exited non-zero"; }
for f in report.txt tied/gradflow.csv tied/gradflow-read_cosine.svg tied/graph.dot untied/gradflow.csv; do
  [[ -s "$work/gf/$f" ]] || fail "gradflow did not write $f"
done
grep -q "encoder.0.weight <- decoder.1/transpose" "$work/gf/report.txt" || fail "report lacks the per-read norms"
grep -q "read_cosine" "$work/gf/tied/gradflow.csv" || fail "tied CSV lacks cosines"
grep -q "read_cosine" "$work/gf/untied/gradflow.csv" && fail "the untied model has no shared weight"

# semisup: a tiny run of the default methods writes its CSV with one row per (labels, method, seed), and the
# plot shades each method's interval.
"$aegrad" semisup --data "$work/data" --layers 32,8 --epochs 1 --labels 100 --seeds 2 --quiet --out "$work/ss" \
  > "$work/ss.log" 2>&1 || { cat "$work/ss.log"; fail "semisup exited non-zero"; }
[[ $(wc -l < "$work/ss/semisup.csv") -eq 9 ]] || fail "semisup.csv should hold a header and 8 rows"
head -1 "$work/ss/semisup.csv" | grep -qx "labels,method,seed,test_accuracy,seconds" || fail "semisup.csv columns"
for m in scratch scratch-regularised joint vae-finetune; do
  for seed in 1 2; do grep -q "^100,$m,$seed," "$work/ss/semisup.csv" || fail "semisup.csv lacks $m seed $seed"; done
done
grep -q "95% interval" "$work/ss/semisup.txt" || fail "semisup table lacks the intervals"
[[ $(grep -c 'class="interval"' "$work/ss/semisup.svg") -eq 4 ]] || fail "semisup.svg should shade 4 intervals"
"$aegrad" semisup --data "$work/data" --layers 32,8 --epochs 1 --labels 100 --seeds 1 --pretrain plain --use probe \
  --quiet --out "$work/ss1" > "$work/ss1.log" 2>&1 || { cat "$work/ss1.log"; fail "semisup --pretrain plain exited non-zero"; }
grep -q "^100,plain-probe,1," "$work/ss1/semisup.csv" || fail "semisup.csv lacks plain-probe"

# Bad input: one line, non-zero exit, nothing half-written.
for args in "train --epochs 0" "train --layers 100,x" "train --data $work/nowhere --out $work/bad" \
            "eval $work/nowhere.safetensors" "train --optimizer adagrad" "semisup --labels 0" "semisup --data $work/data --labels 999999" "semisup --use knn" "semisup --pretrain ladder" "semisup --model conv --pretrain vae" \
            "train --model vae --schedule layerwise" "train --model conv --layers 30"; do
  if "$aegrad" $args > "$work/err.log" 2>&1; then fail "'aegrad $args' succeeded"; fi
  [[ $(wc -l < "$work/err.log") -eq 1 ]] || { cat "$work/err.log"; fail "'aegrad $args' printed more than one line"; }
  echo "aegrad $args -> $(cat "$work/err.log")"
done

# A diverging run is a failure (exit 1) that names what went non-finite and saves no model: one Adam step at
# --lr 1e300 (no later loss to catch it), and SGD at --lr 1e4 (test MSE infinite).
for args in "--lr 1e300 --train-samples 256" "--optimizer sgd --lr 1e4 --train-samples 512"; do
  rc=0
  "$aegrad" train --data "$work/data" $args --epochs 1 --test-samples 100 --quiet --out "$work/diverged" \
    > "$work/div.log" 2>&1 || rc=$?
  [[ $rc -eq 1 ]] || { cat "$work/div.log"; fail "a diverged run ($args) must exit 1, not $rc"; }
  grep -q "the run diverged" "$work/div.log" || { cat "$work/div.log"; fail "the diverged run ($args) should say so"; }
  [[ ! -e "$work/diverged/model.safetensors" ]] || fail "a diverged run ($args) saved a model"
  [[ -z $(find "$work/diverged/checkpoints" -name '*.state.safetensors') ]] || fail "a diverged run ($args) saved a checkpoint"
done
# With --detect-anomaly the first op whose output is not finite is named with its layer and index.
rc=0
"$aegrad" train --data "$work/data" --lr 1e30 --train-samples 512 --epochs 1 --test-samples 100 --quiet --detect-anomaly \
  --out "$work/anomaly" > "$work/anomaly.log" 2>&1 || rc=$?
[[ $rc -eq 1 ]] || { cat "$work/anomaly.log"; fail "an anomaly must exit 1, not $rc"; }
grep -q "anomaly mode: forward of encoder.[01]/linear+relu produced .*nan at \[[0-9]*, [0-9]*\]" "$work/anomaly.log" \
  || { cat "$work/anomaly.log"; fail "the anomaly should name the op, its layer and the index"; }

# A model file whose metadata claims more than its tensors can hold (layers=500000 and no tensors) is refused
# before anything is allocated for it.
python3 - "$work/claims.safetensors" <<'PY'
import json, struct, sys
head = json.dumps({"__metadata__": {"model": "dense", "layers": "500000", "tied": "true", "activation": "relu",
                                    "output_activation": "none", "input_shape": "28,28"}})
open(sys.argv[1], "wb").write(struct.pack("<Q", len(head)) + head.encode())
PY
rc=0
"$aegrad" eval "$work/claims.safetensors" > "$work/claims.log" 2>&1 || rc=$?
[[ $rc -eq 1 ]] && grep -q "weights do not fit in the file's 0 bytes of tensors" "$work/claims.log" \
  || { cat "$work/claims.log"; fail "a model file claiming 500000 units must be refused (exit 1), not $rc"; }
# Metadata that does not parse is the file's fault (exit 1), named with its field, not a usage error.
for field in 'layers=100,x' 'contractive=-1' 'model=gan' 'activation=wobble'; do
  python3 - "$work/bad-meta.safetensors" "$work/out/model.safetensors" "${field%%=*}" "${field#*=}" <<'PY'
import json, struct, sys
out, good, key, value = sys.argv[1:]
data = open(good, "rb").read()
n = struct.unpack("<Q", data[:8])[0]
head = json.loads(data[8:8 + n])
head["__metadata__"][key] = value
text = json.dumps(head).encode()
open(out, "wb").write(struct.pack("<Q", len(text)) + text + data[8 + n:])
PY
  rc=0
  "$aegrad" eval "$work/bad-meta.safetensors" --data "$work/data" --test-samples 10 > "$work/meta.log" 2>&1 || rc=$?
  [[ $rc -eq 1 ]] && grep -q "bad-meta.safetensors: the metadata" "$work/meta.log" \
    || { cat "$work/meta.log"; fail "metadata $field must be refused naming the file (exit 1), not $rc"; }
done

# An --out where nothing can be written (/proc refuses new files, even to root) fails before any training.
rc=0
"$aegrad" train --data "$work/data" --epochs 1 --train-samples 256 --test-samples 100 --out /proc > "$work/ro.log" 2>&1 || rc=$?
[[ $rc -eq 1 ]] && grep -q -- "--out /proc: cannot write files there" "$work/ro.log" && ! grep -q "epoch" "$work/ro.log" \
  || { cat "$work/ro.log"; fail "an unwritable --out must fail before training (exit 1), not $rc"; }

# Usage errors: exit 2 with a readable line, checked before any folder is made; misspellings get a suggestion.
usage() {  # usage EXPECTED-TEXT ARGS...
  local want=$1 rc=0; shift
  "$aegrad" "$@" > "$work/usage.log" 2>&1 || rc=$?
  [[ $rc -eq 2 ]] || { cat "$work/usage.log"; fail "'aegrad $*' must exit 2, not $rc"; }
  grep -qF -- "$want" "$work/usage.log" || { cat "$work/usage.log"; fail "'aegrad $*' should say: $want"; }
  [[ $(wc -l < "$work/usage.log") -eq 1 ]] || fail "'aegrad $*' printed more than one line"
}
usage "--epochs: -1 is not a positive number" train --epochs -1 --out "$work/never"
usage "--lr: nan is not a positive number" train --lr nan --out "$work/never"
usage "--lr: inf is not a positive number" gradflow --lr inf --out "$work/never"
usage "--momentum: -3 is not a number from 0 to 1" train --momentum -3 --out "$work/never"
usage "momentum is for --optimizer sgd" train --momentum 0.9 --out "$work/never"
usage "--momentum 1: must be below 1" train --optimizer sgd --momentum 1 --out "$work/never"
usage "--fpr: nan is not a number from 0 to 1" score "$work/out/model.safetensors" --fpr nan --out "$work/never/s.csv"
usage "'trian' is not a command; did you mean 'train'?" trian
usage "did you mean --epochs?" train --epoch 3 --out "$work/never"
usage "a command is required: train, eval" 
usage "--input: 0 is not a positive number" summary --input 0
usage "too small for 3 pooling stages" summary --model conv --input 4
usage "--checkpoint-every: 0 is not a positive number" train --checkpoint-every 0 --out "$work/never"
[[ ! -e "$work/never" ]] || fail "a usage error created the output folder"
"$aegrad" train --help | grep -q "Exit status: 0 done; 1 the work failed" || fail "--help should document the exit status"
echo "train smoke test passed"
