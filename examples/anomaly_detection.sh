#!/usr/bin/env bash
# Anomaly detection on a real table: an autoencoder trained on benign tumours only (the Wisconsin breast
# cancer measurements scikit-learn ships as CSV) flags malignant ones by how badly it reconstructs them.
# Two baselines are measured on the same split: each row's distance from the benign mean (z-score) and its
# reconstruction error under PCA with as many components as the autoencoder's code.
set -euo pipefail
aegrad=${AEGRAD:-aegrad}
python=${PYTHON:-/usr/bin/python3}
epochs=300
if [[ ${AEGRAD_EXAMPLE_BUDGET:-} == small ]]; then epochs=40; fi

# The table as CSV files with a header: 30 measurements per tumour and its diagnosis. Seven benign rows in
# ten train; the test part holds the other benign rows and every malignant one.
"$python" - <<'PY'
import csv
from sklearn.datasets import load_breast_cancer

cancer = load_breast_cancer()  # read from the CSV file scikit-learn installs; target 0 malignant, 1 benign
header = [name.replace(" ", "_") for name in cancer.feature_names] + ["diagnosis"]
with open("train.csv", "w", newline="") as train, open("test.csv", "w", newline="") as test:
    train, test = csv.writer(train), csv.writer(test)
    train.writerow(header)
    test.writerow(header)
    benign = 0
    for row, target in zip(cancer.data, cancer.target):
        out = test
        if target == 1:
            out = train if benign % 10 < 7 else test
            benign += 1
        out.writerow([f"{v:g}" for v in row] + [cancer.target_names[target]])
PY

"$aegrad" train --data train.csv --test-data test.csv --label-column diagnosis --scale standard \
  --layers 4 --epochs "$epochs" --batch 32 --quiet --out anomaly
"$aegrad" score anomaly/model.safetensors --data test.csv --label-column diagnosis --anomaly-label malignant \
  --fpr 0.05 --out anomaly/scores.csv

"$python" - <<'PY'
import numpy as np
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score

def read(path):
    return np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(30)), \
        np.loadtxt(path, delimiter=",", skiprows=1, usecols=30, dtype=str)

(train, _), (test, diagnosis) = read("train.csv"), read("test.csv")
mean, std = train.mean(axis=0), train.std(axis=0)  # what --scale standard fits
z_train, z_test = (train - mean) / std, (test - mean) / std
malignant = diagnosis == "malignant"
pca = PCA(n_components=4).fit(z_train)
pca_error = ((pca.inverse_transform(pca.transform(z_test)) - z_test) ** 2).mean(axis=1)
print(f"baselines on the same split: z-score ROC AUC {roc_auc_score(malignant, (z_test ** 2).mean(axis=1)):.4f}, "
      f"PCA (4 components) ROC AUC {roc_auc_score(malignant, pca_error):.4f}")
PY
