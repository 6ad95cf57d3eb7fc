#!/usr/bin/env bash
# The autoencoder variants through `aegrad train` on a small slice of Fashion-MNIST: each writes its
# outputs, validation losses include the penalties, a denoising model's figure shows the noisy input, a VAE
# samples and interpolates, BatchNorm's statistics are saved, and malformed flags are one line and exit 2.
#   variants_smoke.sh PATH/TO/aegrad
set -euo pipefail
aegrad=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
[[ -d /usr/share/datasets/fashion-mnist ]] || { echo "dataset-fashion-mnist is not installed: skipped"; exit 77; }

small="--train-samples 1500 --test-samples 300 --quiet"
train() { out=$1; shift; "$aegrad" train $small --out "$work/$out" "$@" > "$work/$out.log" 2>&1 || { cat "$work/$out.log"; fail "train $* exited non-zero"; }; }
metric() { /usr/bin/python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/$1/metrics.json" "$2"; }
png_height() { /usr/bin/python3 -c "import struct, sys; print(struct.unpack('>I', open(sys.argv[1], 'rb').read()[20:24])[0])" "$1"; }

# Denoising: the figure has three rows (noisy, reconstruction, original); reconstruct shows the same.
train denoise --noise gaussian:0.3 --untied --epochs 2
[[ $(png_height "$work/denoise/reconstructions.png") -gt $(( 3 * 56 )) ]] || fail "denoising figure lacks its noisy row"
"$aegrad" reconstruct "$work/denoise/model.safetensors" --count 5 --out "$work/denoise/again.png" > /dev/null
[[ $(png_height "$work/denoise/again.png") -gt $(( 3 * 56 )) ]] || fail "reconstruct lacks the noisy row"
[[ $(metric denoise noise) == "gaussian:0.3" ]] || fail "metrics.json lacks the noise"

# Sparse: the validation loss is the reconstruction plus the penalty, so it is larger than val_mse.
train sparse --layers 64,128 --coding-activation sigmoid --sparsity l1:1e-3 --validation-samples 300 --epochs 2
/usr/bin/python3 -c "import sys; a, b = map(float, sys.argv[1:]); sys.exit(not a > b)" "$(metric sparse val_loss)" \
  "$(metric sparse val_mse)" || fail "sparse val_loss does not include the penalty"
[[ $(metric sparse validation_samples) == 300 && $(metric sparse train_samples) == 1200 ]] || fail "validation split"

# Binary cross-entropy on sigmoid outputs; a contractive penalty on sigmoid codes.
train bce --loss bce --output-activation sigmoid --epochs 1
[[ $(metric bce loss) == bce ]] || fail "metrics.json lacks the loss"
train contractive --coding-activation sigmoid --contractive 0.01 --untied --epochs 1

# Masked: the loss on masked pixels; early stopping and a cosine schedule on the way.
train masked --noise mask:0.5:4 --masked-loss --early-stopping 3 --lr-schedule cosine --epochs 3
awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "lr") c = i } NR == 2 { first = $c } NR == 4 { exit !($c < first) }' \
  "$work/masked/history.csv" || fail "the cosine schedule did not lower the learning rate"

# VAE: trains, samples, interpolates; sample refuses a model that is not a VAE.
train vae --model vae --layers 64,32 --latent 4 --batch 128 --epochs 2
"$aegrad" sample "$work/vae/model.safetensors" --n 14 --columns 7 --out "$work/vae/samples.png" > /dev/null
[[ $(png_height "$work/vae/samples.png") -gt 112 ]] || fail "samples grid should have two rows"
"$aegrad" interpolate "$work/vae/model.safetensors" --steps 5 --out "$work/vae/line.png" > /dev/null
[[ -s "$work/vae/line.png" ]] || fail "no interpolation figure"
if "$aegrad" sample "$work/denoise/model.safetensors" --out "$work/x.png" > "$work/err.log" 2>&1; then fail "sample took a non-VAE"; fi

# BatchNorm in the conv model: its running statistics are in the file, and eval agrees with training's MSE.
train bn --model conv --layers 8,16,10 --batch-norm --epochs 1
grep -q running_mean "$work/bn/model.safetensors" || fail "BatchNorm statistics not saved"
eval_mse=$("$aegrad" eval "$work/bn/model.safetensors" --test-samples 300 | awk '{ print $3 }')
/usr/bin/python3 -c "import sys; a, b = map(float, sys.argv[1:]); sys.exit(not abs(a - b) < 1e-5)" "$eval_mse" \
  "$(metric bn test_mse)" || fail "eval $eval_mse differs from the run's test MSE"

# Malformed flags: one line, exit code 2.
for args in "--noise salt:0.1" "--noise dropout:1" "--sparsity kl:0.1" "--contractive -1" "--masked-loss" \
            "--loss bce" "--model vae --batch-norm" "--lr-schedule step:0:0.5" "--model conv --contractive 0.1" \
            "--early-stopping 0" "--coding-activation swish" "--mirror" "--model vae --tied" "--tied --untied"; do
  status=0
  "$aegrad" train $args --out "$work/bad" > "$work/err.log" 2>&1 || status=$?
  [[ $status -eq 2 ]] || { cat "$work/err.log"; fail "'aegrad train $args' exited $status, not 2"; }
  [[ $(wc -l < "$work/err.log") -eq 1 ]] || { cat "$work/err.log"; fail "'aegrad train $args' printed more than one line"; }
  echo "aegrad train $args -> $(cat "$work/err.log")"
done
[[ ! -e "$work/bad" ]] || fail "a refused run created its output folder"
echo "variants smoke test passed"
