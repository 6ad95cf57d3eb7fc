#!/usr/bin/env bash
# A user's own data through the command: a CSV table trained on its normal rows, scored and encoded; a NumPy
# array of images of another size; and each bad file one clear line naming the file and the place.
#   own_data_smoke.sh PATH/TO/aegrad
set -euo pipefail
aegrad=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

# Normal rows lie on a plane in 6 dimensions (each feature a fixed mix of two hidden values, plus a little
# noise); anomalies are drawn independently per feature, off the plane. An autoencoder with a 2-value code
# reconstructs the plane and not the rest, so the anomalies' scores must rank above the normal rows'.
awk -v seed=7 'BEGIN {
  srand(seed)
  print "f1,f2,f3,f4,f5,f6,is_anomaly" > "'"$work"'/train.csv"
  print "f1,f2,f3,f4,f5,f6,is_anomaly" > "'"$work"'/test.csv"
  for (i = 0; i < 1400; i++) {
    anomaly = i >= 1000 && i % 4 == 0
    u = 4 * rand() - 2; v = 4 * rand() - 2
    if (anomaly) { for (j = 1; j <= 6; j++) x[j] = 6 * rand() - 3 }
    else { x[1] = u; x[2] = v; x[3] = u + v; x[4] = u - v; x[5] = 2 * u; x[6] = -v
           for (j = 1; j <= 6; j++) x[j] += 0.05 * (rand() - 0.5) }
    line = sprintf("%.5f,%.5f,%.5f,%.5f,%.5f,%.5f,%d", x[1], x[2], x[3], x[4], x[5], x[6], anomaly)
    print line > ("'"$work"'/" (i < 1000 ? "train.csv" : "test.csv"))
  }
}'

"$aegrad" train --data "$work/train.csv" --test-data "$work/test.csv" --label-column is_anomaly --scale standard \
  --layers 16,2 --untied --epochs 60 --batch 32 --lr 3e-3 --quiet --out "$work/tab" > "$work/train.log" 2>&1 \
  || { cat "$work/train.log"; fail "train on CSV exited non-zero"; }
grep -q '"scale": "standard"' "$work/tab/metrics.json" || fail "metrics.json lacks the scaling"
grep -q '"input_shape": \[' "$work/tab/metrics.json" || fail "metrics.json lacks the input shape"
[[ -e "$work/tab/reconstructions.png" ]] && fail "a table has no reconstructions picture"

"$aegrad" score "$work/tab/model.safetensors" --data "$work/test.csv" --label-column is_anomaly \
  --out "$work/scores/test.csv" > "$work/score.log" 2>&1 || { cat "$work/score.log"; fail "score exited non-zero"; }
cat "$work/score.log"
[[ $(wc -l < "$work/scores/test.csv") -eq 401 ]] || fail "scores.csv should hold a header and 400 rows"
head -1 "$work/scores/test.csv" | grep -qx "index,score,label" || fail "scores.csv columns"
for f in test.json test.svg; do [[ -s "$work/scores/$f" ]] || fail "score did not write $f"; done
for key in roc_auc pr_auc threshold; do grep -q "\"$key\"" "$work/scores/test.json" || fail "test.json lacks $key"; done
auc=$(sed -n 's/.*"roc_auc": \([0-9.e-]*\).*/\1/p' "$work/scores/test.json")
awk -v auc="$auc" 'BEGIN { exit !(auc > 0.95) }' || fail "ROC AUC $auc: the off-plane rows should rank far above the rest"

"$aegrad" encode "$work/tab/model.safetensors" --data "$work/test.csv" --label-column is_anomaly --out "$work/codes.npy" \
  > /dev/null || fail "encode to .npy"
[[ $(head -c 6 "$work/codes.npy" | od -An -c | tr -d ' ') == '223NUMPY' ]] || fail "codes.npy is not a .npy file"
"$aegrad" encode "$work/tab/model.safetensors" --data "$work/test.csv" --label-column is_anomaly --out "$work/codes.csv" \
  > /dev/null || fail "encode to .csv"
[[ $(wc -l < "$work/codes.csv") -eq 401 ]] || fail "codes.csv should hold a header and 400 rows"
head -1 "$work/codes.csv" | grep -qx "code_0,code_1" || fail "codes.csv columns"

# Images of 12 x 10 bytes as a NumPy file, written byte by byte: format 1.0, header padded to 64 bytes.
npy_header() {  # DESCR SHAPE
  local dict="{'descr': '$1', 'fortran_order': False, 'shape': $2, }"
  local pad=$(( (64 - (10 + ${#dict} + 1) % 64) % 64 ))
  local header="$dict$(printf '%*s' "$pad" '')"
  printf '\x93NUMPY\x01\x00'
  printf "\\x$(printf '%02x' $(( (${#header} + 1) % 256 )))\\x$(printf '%02x' $(( (${#header} + 1) / 256 )))"
  printf '%s\n' "$header"
}
{ npy_header '|u1' '(200, 12, 10)'; head -c 24000 /dev/urandom; } > "$work/images.npy"
"$aegrad" train --data "$work/images.npy" --layers 32,8 --epochs 2 --quiet --out "$work/img" > "$work/img.log" 2>&1 \
  || { cat "$work/img.log"; fail "train on .npy images exited non-zero"; }
[[ -s "$work/img/reconstructions.png" ]] || fail "12 x 10 images get a reconstructions picture"
"$aegrad" reconstruct "$work/img/model.safetensors" --data "$work/images.npy" --out "$work/img/r.png" > /dev/null \
  || fail "reconstruct of 12 x 10 images"
# --worst K draws the K samples `aegrad score` ranks highest.
"$aegrad" reconstruct "$work/img/model.safetensors" --data "$work/images.npy" --worst 3 --out "$work/img/worst.png" \
  > "$work/worst.log" || fail "reconstruct --worst"
[[ -s "$work/img/worst.png" ]] || fail "reconstruct --worst wrote no picture"
"$aegrad" score "$work/img/model.safetensors" --data "$work/images.npy" --out "$work/img/scores.csv" > /dev/null \
  || fail "score of 12 x 10 images"
expected=$(tail -n +2 "$work/img/scores.csv" | sort -t, -k2,2 -g -r | head -3 | cut -d, -f1 | tr '\n' ' ')
listed=$(sed -n 's/.*(error): //p' "$work/worst.log" | sed 's/ ([^)]*)//g; s/,//g')
[[ "$listed " == "$expected" ]] || fail "--worst 3 listed '$listed', score ranks '$expected' highest"

# A table has no picture: each feature's error, named by the header, as SVG and CSV.
"$aegrad" reconstruct "$work/tab/model.safetensors" --data "$work/test.csv" --label-column is_anomaly \
  --out "$work/tab/features.svg" > /dev/null || fail "reconstruct of a tabular model"
[[ -s "$work/tab/features.svg" ]] || fail "no per-feature error plot"
[[ $(cut -d, -f2 "$work/tab/features.csv" | tr '\n' ' ') == 'name "f1" "f2" "f3" "f4" "f5" "f6" ' ]] \
  || fail "features.csv should name the six features: $(cat "$work/tab/features.csv")"

# Bad files: one line naming the file and the place, exit 1.
printf 'a,b\n1,2\n3,oops\n' > "$work/text.csv"
printf 'a,b\n1,2\n3,4,5\n' > "$work/ragged.csv"
printf 'a,b\n1,2\nnan,4\n' > "$work/nan.csv"
head -c 1000 "$work/images.npy" > "$work/truncated.npy"
{ npy_header '<c8' '(2,)'; head -c 16 /dev/zero; } > "$work/complex.npy"
check_bad() {  # FILE EXPECTED
  local rc=0
  "$aegrad" train --data "$1" --epochs 1 --out "$work/bad" > "$work/err.log" 2>&1 || rc=$?
  [[ $rc -eq 1 ]] || { cat "$work/err.log"; fail "training on $1 exited $rc, not 1"; }
  [[ $(wc -l < "$work/err.log") -eq 1 ]] || { cat "$work/err.log"; fail "$1: more than one line"; }
  grep -qF "$1" "$work/err.log" || { cat "$work/err.log"; fail "$1: the error does not name the file"; }
  grep -qF "$2" "$work/err.log" || { cat "$work/err.log"; fail "$1: the error does not say '$2'"; }
  echo "$(basename "$1") -> $(cat "$work/err.log")"
}
check_bad "$work/text.csv" "line 3, column 'b': 'oops' is not a number"
check_bad "$work/ragged.csv" "line 3, 3 cells where the first row has 2"
check_bad "$work/nan.csv" "line 3, column 'a': 'nan' is not a finite number"
check_bad "$work/truncated.npy" "needs 24000 data bytes but the file holds 872 (truncated)"
check_bad "$work/complex.npy" "'descr' is '<c8'"
set +e
# Usage errors exit 2: a model applied to data of another shape, labels where there are none, a wrong extension.
"$aegrad" eval "$work/tab/model.safetensors" --data "$work/images.npy" > "$work/err.log" 2>&1; [[ $? -eq 2 ]] \
  || fail "eval on data of another shape must exit 2"
grep -q "the model takes samples of 6 features" "$work/err.log" || { cat "$work/err.log"; fail "the shape error names both shapes"; }
"$aegrad" score "$work/img/model.safetensors" --data "$work/images.npy" --anomaly-label 1 --out "$work/s.csv" > /dev/null 2>&1
[[ $? -eq 2 ]] || fail "--anomaly-label without labels must exit 2"
"$aegrad" encode "$work/tab/model.safetensors" --data "$work/test.csv" --label-column is_anomaly --out "$work/c.txt" > /dev/null 2>&1
[[ $? -eq 2 ]] || fail "encode to .txt must exit 2"
"$aegrad" train --data "$work/train.csv" --model conv --epochs 1 --out "$work/bad" > "$work/err.log" 2>&1
[[ $? -eq 2 ]] || fail "conv on a table must exit 2"
grep -q "needs images" "$work/err.log" || { cat "$work/err.log"; fail "conv on a table: say it needs images"; }
echo "own data: all checks passed"
