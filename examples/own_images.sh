#!/usr/bin/env bash
# Your own images through aegrad as NumPy arrays: scikit-learn's 1,797 handwritten digits (8 x 8 pixels,
# values 0-16) saved as .npy, a tied conv autoencoder trained on them, its reconstructions drawn, the codes
# written out and used as features by a linear classifier.
set -euo pipefail
aegrad=${AEGRAD:-aegrad}
python=${PYTHON:-/usr/bin/python3}
epochs=60
if [[ ${AEGRAD_EXAMPLE_BUDGET:-} == small ]]; then epochs=8; fi

# 1. The arrays: images [N, H, W] (uint8, or float32/float64 used as they are) and one integer label each.
"$python" - <<'PY'
import numpy as np
from sklearn.datasets import load_digits

digits = load_digits()
np.save("digits.npy", (digits.images / 16).astype(np.float32))  # [1797, 8, 8] in [0, 1]
np.save("digit-labels.npy", digits.target)                       # [1797] int64
PY

# 2. Training: a tenth is held out for testing (--test-fraction, seeded). A model must fit the image size:
#    Géron's layout halves it at each of its pooling stages, and four would take 8 x 8 below one pixel, which
#    aegrad says before training (exit 2). The tied mirror layout below has two stride-2 stages: 8 -> 4 -> 2.
if "$aegrad" train --data digits.npy --labels digit-labels.npy --model conv --layers 8,16,32,64,10 \
     --epochs 1 --out too-deep 2> too-deep.txt; then
  echo "four pooling stages should not fit 8 x 8 images" >&2; exit 1
fi
echo "four pooling stages: $(cat too-deep.txt)"
"$aegrad" train --data digits.npy --labels digit-labels.npy --model conv --tied --layers 16,32,10 \
  --epochs "$epochs" --batch 32 --quiet --out digits

# 3. Pictures and codes, for the held-out part and for every image.
"$aegrad" reconstruct digits/model.safetensors --data digits.npy --labels digit-labels.npy --count 12 \
  --out digits/reconstructions.png
"$aegrad" encode digits/model.safetensors --data digits.npy --out digits/codes.npy

# 4. The codes as features: a logistic regression on 10 numbers per image instead of 64 pixels.
"$python" - <<'PY'
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

codes, labels = np.load("digits/codes.npy"), np.load("digit-labels.npy")
pixels = np.load("digits.npy").reshape(len(labels), -1)
for name, x in (("10 codes", codes), ("64 pixels", pixels)):
    accuracy = cross_val_score(LogisticRegression(max_iter=2000), x, labels, cv=5).mean()
    print(f"logistic regression on the {name}: {100 * accuracy:.1f}% accuracy (5-fold)")
PY
