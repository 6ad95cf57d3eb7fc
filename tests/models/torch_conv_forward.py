#!/usr/bin/env python3
"""aegrad's image ops and ConvAutoencoder give PyTorch's outputs for the same weights and inputs.

Runs conv_peer, which writes one safetensors file (weights, inputs and aegrad's outputs), rebuilds every
case with torch.nn.functional and Géron's model with torch.nn layers, loads the same weights, and compares.
Exits 77 (meson's "skipped") when PyTorch is not installed.

    torch_conv_forward.py PATH/TO/conv_peer
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

TOLERANCE = 1e-5


def geron_conv_autoencoder():
    """Géron's model in PyTorch terms: 'same' for the convs is padding 1; the transposed convs go
    3 -> 7 (valid: padding 0) and 7 -> 14 -> 28 (same: padding 1, output_padding 1)."""
    relu = torch.nn.ReLU
    encoder = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1), relu(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1), relu(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding=1), relu(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(64, 30, 3, padding=1), relu(), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())
    decoder = torch.nn.Sequential(
        torch.nn.Linear(30, 3 * 3 * 16), torch.nn.Unflatten(1, (16, 3, 3)),
        torch.nn.ConvTranspose2d(16, 32, 3, stride=2), relu(),
        torch.nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), relu(),
        torch.nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1))
    return encoder, decoder


# aegrad's parameter names -> (torch module, attribute). Dense weights are stored [in, out] (Keras's layout).
def load_weights(encoder, decoder, t):
    convs = {"encoder.1": encoder[0], "encoder.3": encoder[3], "encoder.5": encoder[6], "encoder.7": encoder[9],
             "decoder.2": decoder[2], "decoder.3": decoder[4], "decoder.4": decoder[6]}
    with torch.no_grad():
        for name, layer in convs.items():
            layer.weight.copy_(t[f"model.{name}.weight"])
            layer.bias.copy_(t[f"model.{name}.bias"])
        decoder[0].weight.copy_(t["model.decoder.0.weight"].T)
        decoder[0].bias.copy_(t["model.decoder.0.bias"])


def tied_mirror_forward(p, x):
    """The tied mirror model from its parameters `p` (aegrad's names): stride-2 convs, a dense coding layer
    (weight [in, out]), and the decoder reading the same tensors through conv_transpose2d and the transpose."""
    h = x.view(-1, 1, 28, 28)
    for i in (1, 2, 3):
        h = F.relu(F.conv2d(h, p[f"encoder.{i}.weight"], p[f"encoder.{i}.bias"], stride=2, padding=1))
    z = F.relu(h.flatten(1) @ p["encoder.5.weight"] + p["encoder.5.bias"])
    h = F.relu(z @ p["encoder.5.weight"].T + p["decoder.0.bias"]).view(-1, 64, 4, 4)
    for i, (conv, out_pad) in enumerate(zip((3, 2, 1), (0, 1, 1))):
        h = F.conv_transpose2d(h, p[f"encoder.{conv}.weight"], p[f"decoder.{i + 2}.bias"], stride=2, padding=1,
                               output_padding=out_pad)
        h = F.relu(h) if i < 2 else h
    return h.flatten(1)


def torch_case(kind, variant, t, prefix):
    x, w, b = t[prefix + ".x"], t.get(prefix + ".w"), t.get(prefix + ".b")
    return {
        ("conv2d", "plain"): lambda: F.conv2d(x, w, b),
        ("conv2d", "s2p1"): lambda: F.conv2d(x, w, b, stride=2, padding=1),
        ("conv2d", "d2p2"): lambda: F.conv2d(x, w, b, dilation=2, padding=2),
        ("conv2d", "s21p01"): lambda: F.conv2d(x, w, b, stride=(2, 1), padding=(0, 1)),
        ("conv_t", "s2"): lambda: F.conv_transpose2d(x, w, b, stride=2),
        ("conv_t", "s2p1o1"): lambda: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
        ("conv_t", "d2p1"): lambda: F.conv_transpose2d(x, w, b, dilation=2, padding=1),
        ("max_pool", "k2"): lambda: F.max_pool2d(x, 2),
        ("max_pool", "k3s2p1"): lambda: F.max_pool2d(x, 3, stride=2, padding=1),
        ("avg_pool", "k2"): lambda: F.avg_pool2d(x, 2),
        ("avg_pool", "k3s2p1"): lambda: F.avg_pool2d(x, 3, stride=2, padding=1),
        ("avg_pool", "k3s2p1x"): lambda: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
        ("global_avg_pool", "all"): lambda: x.mean(dim=(2, 3)),
        ("upsample_nearest", "s2"): lambda: F.interpolate(x, scale_factor=2, mode="nearest"),
        ("upsample_bilinear", "s2"): lambda: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False),
        ("upsample_bilinear", "s3"): lambda: F.interpolate(x, scale_factor=3, mode="bilinear", align_corners=False),
    }[(kind, variant)]()


def compare(name, ours, theirs, failures):
    if ours.shape != theirs.shape:
        failures.append(f"{name}: shape {list(ours.shape)} vs PyTorch {list(theirs.shape)}")
        return
    diff = (ours - theirs).abs().max().item()
    print(f"{name:32s} {str(list(ours.shape)):18s} max |aegrad - PyTorch| = {diff:.2e}")
    if not diff <= TOLERANCE:
        failures.append(f"{name}: differs by {diff:.3e}")


def compare_relative(name, ours, theirs, failures, rtol=1e-4):
    """Gradients are small: the largest difference against the largest value."""
    if ours.shape != theirs.shape:
        failures.append(f"{name}: shape {list(ours.shape)} vs PyTorch {list(theirs.shape)}")
        return
    scale = theirs.abs().max().item()
    diff = (ours - theirs).abs().max().item()
    print(f"{name:32s} {str(list(ours.shape)):18s} max |aegrad - PyTorch| / max |PyTorch| = {diff / scale:.2e}")
    if not (scale > 0 and diff <= rtol * scale):
        failures.append(f"{name}: differs by {diff:.3e} at a scale of {scale:.3e}")


def main():
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/conv.safetensors"
        subprocess.run([sys.argv[1], path], check=True)
        t = read_safetensors(path)
    failures = []
    cases = sorted({name.rsplit(".", 1)[0] for name in t if not name.startswith(("model.", "tied"))})
    for prefix in cases:
        kind, variant = prefix.split(".")
        with torch.no_grad():
            compare(prefix, t[prefix + ".y"], torch_case(kind, variant, t, prefix), failures)
    encoder, decoder = geron_conv_autoencoder()
    load_weights(encoder, decoder, t)
    with torch.no_grad():
        codes = encoder(t["model.input"])
        compare("ConvAutoencoder codes", t["model.codes"], codes, failures)
        compare("ConvAutoencoder output", t["model.output"], decoder(codes), failures)
    params = {name[len("tied."):]: t[name].clone().requires_grad_() for name in t
              if name.startswith("tied.") and name not in ("tied.input", "tied.output")}
    x = t["tied.input"]
    y = tied_mirror_forward(params, x)
    compare("tied ConvAutoencoder output", t["tied.output"], y.detach(), failures)
    F.mse_loss(y, x).backward()
    for name, p in sorted(params.items()):
        compare_relative(f"tied gradient {name}", t["tied_grad." + name], p.grad, failures)
    if len(params) != 12:
        failures.append(f"the tied model should have 12 parameters, the file has {len(params)}")
    if len(cases) < 16:
        failures.append(f"only {len(cases)} op cases in the file")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print(f"all {len(cases) + 3} outputs and the tied model's {len(params)} gradients equal PyTorch's within {TOLERANCE}")


if __name__ == "__main__":
    main()
