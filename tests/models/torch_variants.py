#!/usr/bin/env python3
"""The ops behind aegrad's autoencoder variants give PyTorch's values and gradients.

Runs variants_peer, which writes each case's inputs, an upstream gradient G, aegrad's output y and the
gradients of sum(y * G); recomputes them with torch (the contractive penalty from torch's own Jacobian, not
from aegrad's closed form) and compares. Exits 77 (meson's "skipped") when PyTorch is not installed.

    torch_variants.py PATH/TO/variants_peer
"""
import os
import subprocess
import sys
import tempfile

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("python3-torch is not installed: skipping the PyTorch comparison")
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_safetensors import read_safetensors  # noqa: E402

TOLERANCE = 2e-5


def jacobian_norm(x, w, b, f):
    """Mean over samples of ||d f(x W + b) / d x||_F^2, from torch's Jacobian of each sample."""
    total = 0
    for row in x:
        j = torch.autograd.functional.jacobian(lambda v: f(v @ w + b), row, create_graph=True)
        total = total + (j ** 2).sum()
    return total / x.shape[0]


def kl_sparsity(codes, target):
    q = codes.mean(dim=0).clamp(1e-7, 1 - 1e-7)
    return (target * torch.log(target / q) + (1 - target) * torch.log((1 - target) / (1 - q))).sum()


def cases(t):
    """name -> (function of the named inputs, the names that take gradients)."""
    out = {}
    for kind in ("bn1d", "bn2d"):
        out[kind + "_train"] = (lambda x, gamma, beta: F.batch_norm(
            x, torch.zeros(3), torch.ones(3), gamma, beta, training=True, momentum=0.1, eps=1e-5), ["x", "gamma", "beta"])
        out[kind + "_eval"] = (lambda x, gamma, beta, rm, rv: F.batch_norm(
            x, rm, rv, gamma, beta, training=False, eps=1e-5), ["x", "gamma", "beta"])
    out["bn2d_relu"] = (lambda x, gamma, beta: F.relu(F.batch_norm(
        x, None, None, gamma, beta, training=True, eps=1e-5)), ["x", "gamma", "beta"])
    out["reparameterize"] = (lambda mu, lv, eps: mu + torch.exp(0.5 * lv) * eps, ["mu", "lv"])
    out["bce"] = (lambda p, t: F.binary_cross_entropy(p, t), ["p", "t"])
    out["masked_mse"] = (lambda p, t, mask: ((p - t) ** 2 * mask).sum() / mask.sum(), ["p", "t"])
    out["contractive_sigmoid"] = (lambda x, w, b: jacobian_norm(x, w, b, torch.sigmoid), ["w", "b"])
    out["contractive_relu"] = (lambda x, w, b: jacobian_norm(x, w, b, torch.relu), ["w", "b"])
    out["kl_sparsity"] = (lambda codes: kl_sparsity(codes, 0.1), ["codes"])
    out["l1_activity"] = (lambda codes: codes.abs().sum() / codes.shape[0], ["codes"])
    return out


def compare(name, ours, theirs, failures):
    if ours.shape != theirs.shape:
        failures.append(f"{name}: shape {list(ours.shape)} vs PyTorch {list(theirs.shape)}")
        return
    diff = (ours - theirs).abs().max().item() if ours.numel() else 0.0
    scale = max(1.0, theirs.abs().max().item() if theirs.numel() else 0.0)
    print(f"{name:34s} {str(list(ours.shape)):16s} max |aegrad - PyTorch| = {diff:.2e}")
    if not diff <= TOLERANCE * scale:
        failures.append(f"{name}: differs by {diff:.3e}")


def vae_loss(t):
    """Géron's VAE, small, with aegrad's weights (dense weights are stored [in, out])."""
    def dense(name, v, act=None):
        y = v @ t[f"vae.{name}.weight"] + t[f"vae.{name}.bias"]
        return torch.relu(y) if act else y
    params = {k: v.clone().requires_grad_(True) for k, v in t.items() if k.startswith("vae.")}
    t = {**t, **params}
    x, eps = t["vaeloss.x"], t["vaeloss.eps"]
    h = dense("encoder.1", dense("encoder.0", x, True), True)
    mu, lv = dense("mean", h), dense("log_var", h)
    z = mu + torch.exp(0.5 * lv) * eps
    y = dense("decoder.2", dense("decoder.1", dense("decoder.0", z, True), True))
    kl = (-0.5 * (1 + lv - mu ** 2 - torch.exp(lv)).sum(dim=1)).mean()
    loss = F.mse_loss(y, x) + kl / 12
    loss.backward()
    return loss, {k[len("vae."):]: p.grad for k, p in params.items()}


def main():
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/variants.safetensors"
        subprocess.run([sys.argv[1], path], check=True)
        t = read_safetensors(path)
    failures = []
    checked = 0
    for name, (fn, grads) in cases(t).items():
        args = fn.__code__.co_varnames[:fn.__code__.co_argcount]
        inputs = {a: t[f"{name}.{a}"].clone().requires_grad_(a in grads) for a in args}
        y = fn(**inputs)
        compare(f"{name} value", t[f"{name}.y"], y.detach(), failures)
        (y * t[f"{name}.G"]).sum().backward() if f"{name}.G" in t else y.backward()
        for a in grads:
            g = inputs[a].grad
            compare(f"{name} d{a}", t[f"{name}.d{a}"], torch.zeros_like(inputs[a]) if g is None else g, failures)
        checked += 1
        if name.endswith("_train"):  # the running statistics after one step
            x = t[f"{name}.x"]
            dims = [0] + list(range(2, x.dim()))
            compare(f"{name} running_mean", t[f"{name}.running_mean"], 0.1 * x.mean(dim=dims), failures)
            compare(f"{name} running_var", t[f"{name}.running_var"], 0.9 + 0.1 * x.var(dim=dims, unbiased=True), failures)
    loss, grads = vae_loss(t)
    compare("vae loss", t["vaeloss.y"], loss.detach(), failures)
    for name, g in grads.items():
        compare(f"vae d{name}", t[f"vaegrad.{name}"], g, failures)
    if checked < 12:
        failures.append(f"only {checked} cases in the file")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print(f"all {checked} cases and the VAE's loss and gradients equal PyTorch's")


if __name__ == "__main__":
    main()
