#!/usr/bin/env bash
# What the codes learnt, as maps: the tied 784-100-30 autoencoder and a variational one trained on
# Fashion-MNIST without labels, the codes of 2,000 test images mapped to 2-D by t-SNE and by PCA and
# coloured by their class, which training never saw.
set -euo pipefail
aegrad=${AEGRAD:-aegrad}
epochs=20 vae_epochs=25 samples=2000
if [[ ${AEGRAD_EXAMPLE_BUDGET:-} == small ]]; then epochs=1 vae_epochs=1 samples=300; fi

# 1. The tied autoencoder of tutorial 2, and its 30 codes per image mapped twice: t-SNE keeps each image's
#    neighbours together, PCA keeps the two directions of largest variance.
"$aegrad" train --epochs "$epochs" --quiet --out tied
"$aegrad" embed tied/model.safetensors --test-samples "$samples" --out tied-tsne.png --codes tied-tsne.npy
"$aegrad" embed tied/model.safetensors --test-samples "$samples" --method pca --out tied-pca.png

# 2. The VAE of tutorial 10: its codes are the means of the 10-dimensional Gaussians it encodes images to.
"$aegrad" train --model vae --layers 150,100 --latent 10 --optimizer nadam --batch 128 --epochs "$vae_epochs" \
  --validation-samples 5000 --quiet --out vae
"$aegrad" embed vae/model.safetensors --test-samples "$samples" --out vae-tsne.png
