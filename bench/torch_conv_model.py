#!/usr/bin/env python3
"""PyTorch's side of the conv autoencoder comparison: Géron's Fashion-MNIST model, configured as aegrad's
default (Glorot-uniform kernels, zero biases, ReLU, linear output, Adam 1e-3, MSE). With --model
denoising-conv it learns to undo Gaussian noise (sigma 0.2, drawn each step); with --model vae it is Géron's
variational autoencoder 784-150-100-(10), loss MSE + KL / 784; --model mirror-conv and tied-conv are the mirror
layout (stride-2 convolutions 16-32-64, a dense 30-unit coding layer, and the decoder's transposes), its
decoder with its own weights or reading the encoder's — as bench_conv's models.

Two modes, each printing one JSON line:
    torch_conv_model.py --throughput --threads 1 --batch 256 --steps 20 --runs 5 [--model ...]
        training images/s: `runs` timings of `steps` steps each (after 3 warm-up steps); the median and all runs
    torch_conv_model.py --epochs 10 --batch 256 --threads 1
        test MSE after training on the whole training set, and seconds per epoch
"""
import argparse
import json
import statistics
import time

import torch

from torch_common import load, openblas_core


def keras_init(module):
    if isinstance(module, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
        torch.nn.init.xavier_uniform_(module.weight)
        torch.nn.init.zeros_(module.bias)


def geron_conv_autoencoder():
    relu = torch.nn.ReLU
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1), relu(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1), relu(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding=1), relu(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(64, 30, 3, padding=1), relu(), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
        torch.nn.Linear(30, 3 * 3 * 16), torch.nn.Unflatten(1, (16, 3, 3)),
        torch.nn.ConvTranspose2d(16, 32, 3, stride=2), relu(),
        torch.nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), relu(),
        torch.nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1))
    model.apply(keras_init)
    return model


class MirrorConvAutoencoder(torch.nn.Module):
    """Stride-2 convs 1-16-32-64 (28 -> 14 -> 7 -> 4), Dense 1024 -> 30, and back; tied, the decoder applies
    conv_transpose2d with each encoder conv's own kernel and the coding layer's weight transposed."""

    def __init__(self, tied):
        super().__init__()
        self.tied = tied
        self.convs = torch.nn.ModuleList(torch.nn.Conv2d(i, o, 3, stride=2, padding=1)
                                         for i, o in ((1, 16), (16, 32), (32, 64)))
        self.coding = torch.nn.Linear(1024, 30)
        if tied:
            self.back_bias = torch.nn.Parameter(torch.zeros(1024))
            self.deconv_biases = torch.nn.ParameterList(torch.nn.Parameter(torch.zeros(c)) for c in (32, 16, 1))
        else:
            self.back = torch.nn.Linear(30, 1024)
            self.deconvs = torch.nn.ModuleList(torch.nn.ConvTranspose2d(i, o, 3, stride=2, padding=1, output_padding=p)
                                               for i, o, p in ((64, 32, 0), (32, 16, 1), (16, 1, 1)))
        self.apply(keras_init)

    def forward(self, x):
        F = torch.nn.functional
        h = x.view(-1, 1, 28, 28)
        for conv in self.convs:
            h = F.relu(conv(h))
        z = F.relu(self.coding(h.flatten(1)))
        if self.tied:
            h = F.relu(F.linear(z, self.coding.weight.t(), self.back_bias)).view(-1, 64, 4, 4)
            for i, (conv, pad) in enumerate(zip(reversed(self.convs), (0, 1, 1))):
                h = F.conv_transpose2d(h, conv.weight, self.deconv_biases[i], stride=2, padding=1, output_padding=pad)
                h = F.relu(h) if i < 2 else h
        else:
            h = F.relu(self.back(z)).view(-1, 64, 4, 4)
            for i, deconv in enumerate(self.deconvs):
                h = F.relu(deconv(h)) if i < 2 else deconv(h)
        return h.reshape(x.shape)


class VariationalAutoencoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = torch.nn.Sequential(torch.nn.Linear(784, 150), torch.nn.ReLU(), torch.nn.Linear(150, 100),
                                           torch.nn.ReLU())
        self.mean, self.log_var = torch.nn.Linear(100, 10), torch.nn.Linear(100, 10)
        self.decoder = torch.nn.Sequential(torch.nn.Linear(10, 100), torch.nn.ReLU(), torch.nn.Linear(100, 150),
                                           torch.nn.ReLU(), torch.nn.Linear(150, 784))
        self.apply(keras_init)

    def loss(self, x):
        h = self.encoder(x)
        mu, lv = self.mean(h), self.log_var(h)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        kl = (-0.5 * (1 + lv - mu ** 2 - torch.exp(lv)).sum(dim=1)).mean()
        return torch.nn.functional.mse_loss(self.decoder(z), x) + kl / 784


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--throughput", action="store_true")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--model", default="conv", choices=["conv", "denoising-conv", "mirror-conv", "tied-conv", "vae"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train = load(args.data, "train")
    if args.model == "vae":
        model = VariationalAutoencoder()
    else:
        train = train.reshape(-1, 1, 28, 28)
        model = MirrorConvAutoencoder(tied=args.model == "tied-conv") if "mirror" in args.model or "tied" in args.model \
            else geron_conv_autoencoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()

    def objective(x):
        if args.model == "vae":
            return model.loss(x)
        noisy = x + 0.2 * torch.randn_like(x) if args.model == "denoising-conv" else x
        return loss_fn(model(noisy), x)

    def step(x):
        opt.zero_grad()
        loss = objective(x)
        loss.backward()
        opt.step()
        return loss

    out = {"model": args.model, "threads": args.threads, "batch": args.batch, "torch": torch.__version__,
           "blas_core": openblas_core()}
    if args.throughput:
        x = train[: args.batch].contiguous()
        for _ in range(3):
            step(x)
        rates = []
        for _ in range(args.runs):
            start = time.perf_counter()
            for _ in range(args.steps):
                step(x)
            rates.append(args.steps * args.batch / (time.perf_counter() - start))
        out.update({"images_per_s": statistics.median(rates), "runs": rates})
    else:
        test = load(args.data, "t10k").reshape(-1, 1, 28, 28)
        epoch_seconds = []
        for _ in range(args.epochs):
            start = time.perf_counter()
            for idx in torch.randperm(len(train)).split(args.batch):
                step(train[idx])
            epoch_seconds.append(time.perf_counter() - start)
        with torch.no_grad():
            test_mse = statistics.fmean(loss_fn(model(b), b).item() for b in test.split(1000))
        out.update({"test_mse": test_mse, "epochs": args.epochs, "epoch_seconds_median": statistics.median(epoch_seconds)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
