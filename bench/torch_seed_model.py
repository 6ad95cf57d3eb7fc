#!/usr/bin/env python3
"""PyTorch's side of the seed-model comparison: the same tied 784-100-30 autoencoder (ReLU, linear output,
Glorot-uniform weights, zero biases, weights stored [in, out] as in aegrad), Adam, MSE, the same data.

Prints one JSON line: test MSE, seconds per epoch (median), threads, and a 30-component PCA baseline.
    torch_seed_model.py --data DIR --epochs 20 --batch 256 --threads 1 [--pca]
"""
import argparse
import json
import resource
import statistics
import time

import torch

from torch_common import load, openblas_core, resident_mb


def glorot(fan_in, fan_out):
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return torch.nn.Parameter(torch.empty(fan_in, fan_out).uniform_(-limit, limit))


class TiedAutoencoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w1, self.w2 = glorot(784, 100), glorot(100, 30)
        self.b1, self.b2 = torch.nn.Parameter(torch.zeros(100)), torch.nn.Parameter(torch.zeros(30))
        self.b3, self.b4 = torch.nn.Parameter(torch.zeros(100)), torch.nn.Parameter(torch.zeros(784))

    def forward(self, x):
        h = torch.relu(x @ self.w1 + self.b1)
        codes = torch.relu(h @ self.w2 + self.b2)
        h = torch.relu(codes @ self.w2.T + self.b3)
        return h @ self.w1.T + self.b4


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--pca", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train, test = load(args.data, "train"), load(args.data, "t10k")
    model = TiedAutoencoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()
    epoch_seconds, rss_mb = [], []
    for _ in range(args.epochs):
        start = time.perf_counter()
        for idx in torch.randperm(len(train)).split(args.batch):
            x = train[idx]
            opt.zero_grad()
            loss = loss_fn(model(x), x)
            loss.backward()
            opt.step()
        epoch_seconds.append(time.perf_counter() - start)
        rss_mb.append(resident_mb())
    with torch.no_grad():
        test_mse = loss_fn(model(test), test).item()
    out = {
        "test_mse": test_mse,
        "epoch_seconds_median": statistics.median(epoch_seconds),
        "threads": args.threads,
        "params": sum(p.numel() for p in model.parameters()),
        "blas_core": openblas_core(),
        "epoch_seconds": epoch_seconds,
        "rss_mb": rss_mb,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000,
    }
    if args.pca:
        mean = train.mean(0)
        _, _, v = torch.linalg.svd(train - mean, full_matrices=False)
        basis = v[:30].T
        recon = (test - mean) @ basis @ basis.T + mean
        out["pca30_test_mse"] = ((recon - test) ** 2).mean().item()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
