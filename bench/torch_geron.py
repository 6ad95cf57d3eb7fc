#!/usr/bin/env python3
"""PyTorch's side of docs/results/geron.md: Géron's dense Fashion-MNIST autoencoders (Hands-On ML, ch. 17)
trained as his notebook trains them (55,000 training images, the last 5,000 of the training file as
validation, batch 32 or 128, NAdam with Keras's defaults, Glorot-uniform weights, zero biases), printing
one JSON line with the last epoch's validation loss (penalties included, as Keras reports it).

    torch_geron.py --model stacked|denoising|sparse-l1|sparse-kl|vae [--epochs N] [--seed S] [--threads T]

Keras divides an activity regulariser's penalty by the batch size; the sparse models here do the same, so
their weights are Géron's (1e-4 and 5e-3).
"""
import argparse
import json

import torch
import torch.nn.functional as F

from torch_common import load

DENSE = torch.nn.Linear


def glorot(module):
    if isinstance(module, DENSE):
        torch.nn.init.xavier_uniform_(module.weight)
        torch.nn.init.zeros_(module.bias)


def mlp(sizes, last_activation=None):
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(DENSE(a, b))
        if i + 2 < len(sizes):
            layers.append(torch.nn.ReLU())
    if last_activation:
        layers.append(last_activation)
    return torch.nn.Sequential(*layers)


class Plain(torch.nn.Module):
    """stacked / denoising / sparse: an encoder, a decoder, an optional input noise and a code penalty."""

    def __init__(self, codes, coding_activation=None, dropout=0.0, penalty=None):
        super().__init__()
        self.encoder = mlp([784, 100, codes], coding_activation or torch.nn.ReLU())
        self.decoder = mlp([codes, 100, 784])
        self.dropout, self.penalty = dropout, penalty

    def loss(self, x):
        inp = F.dropout(x, self.dropout, self.training) if self.dropout else x
        codes = self.encoder(inp)
        loss = F.mse_loss(self.decoder(codes), x)
        if self.penalty:
            loss = loss + self.penalty(codes) / x.shape[0]  # Keras: activity regularisers over the batch size
        return loss


class Variational(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = mlp([784, 150, 100], torch.nn.ReLU())
        self.mean, self.log_var = DENSE(100, 10), DENSE(100, 10)
        self.decoder = mlp([10, 100, 150, 784])

    def loss(self, x):  # Keras's Sampling layer draws in validation too
        h = self.encoder(x)
        mu, lv = self.mean(h), self.log_var(h)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        kl = (-0.5 * (1 + lv - mu ** 2 - torch.exp(lv)).sum(dim=1)).mean()
        return F.mse_loss(self.decoder(z), x) + kl / 784


def kl_penalty(target, weight):
    def penalty(codes):
        q = codes.mean(dim=0).clamp(1e-7, 1)
        return weight * ((target * torch.log(target / q)).sum() +
                         ((1 - target) * torch.log((1 - target) / (1 - q).clamp(1e-7, 1))).sum())
    return penalty


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, choices=["stacked", "denoising", "sparse-l1", "sparse-kl", "vae"])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    full = load(args.data, "train")
    train, valid = full[:-5000], full[-5000:]
    model = {
        "stacked": lambda: Plain(30),
        "denoising": lambda: Plain(30, dropout=0.5),
        "sparse-l1": lambda: Plain(300, torch.nn.Sigmoid(), penalty=lambda c: 1e-4 * c.abs().sum()),
        "sparse-kl": lambda: Plain(300, torch.nn.Sigmoid(), penalty=kl_penalty(0.1, 5e-3)),
        "vae": Variational,
    }[args.model]()
    model.apply(glorot)
    batch = 128 if args.model == "vae" else 32
    # foreach: torch 1.13's default single-tensor NAdam multiplies mu twice into its momentum product
    # (fixed in later releases); the foreach path computes NAdam as documented.
    opt = torch.optim.NAdam(model.parameters(), lr=1e-3, eps=1e-7, foreach=True)
    for _ in range(args.epochs):
        model.train()
        for idx in torch.randperm(len(train)).split(batch):
            opt.zero_grad()
            loss = model.loss(train[idx])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():  # Keras evaluates in batches of 32
        losses = [model.loss(b).item() * len(b) for b in valid.split(32)]
    print(json.dumps({"model": args.model, "epochs": args.epochs, "seed": args.seed, "batch": batch,
                      "val_loss": sum(losses) / len(valid), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
