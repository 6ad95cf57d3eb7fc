#!/usr/bin/env python3
"""Safetensors files round-trip between aegrad and PyTorch, both ways.

Writes a model with aegrad and loads it into the same tied autoencoder in PyTorch, then the reverse, and
compares the outputs on a fixed input. Reads and writes the format with the standard library (Debian has
no safetensors package for Python), which also checks that our files follow the published layout.
Exits 77 (meson's "skipped") when PyTorch is not installed.

    torch_roundtrip.py PATH/TO/safetensors_peer
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    print("python3-torch is not installed: skipping the PyTorch round trip")
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_safetensors import read_safetensors, write_safetensors  # noqa: E402


def tied_forward(p, x):
    """The peer's 20-8-3 tied autoencoder, in PyTorch: weights are [in, out] as in Keras."""
    h1 = torch.relu(x @ p["0.weight"] + p["0.bias"])
    h2 = torch.relu(h1 @ p["1.weight"] + p["1.bias"])
    h3 = torch.relu(h2 @ p["1.weight"].T + p["2.bias"])
    return h3 @ p["0.weight"].T + p["3.bias"]


def run_peer(peer, *args):
    out = subprocess.run([peer, *args], check=True, capture_output=True, text=True).stdout
    return torch.tensor(json.loads(out), dtype=torch.float32).reshape(2, 20)


def main():
    peer = sys.argv[1]
    x = torch.linspace(0, 1, 40, dtype=torch.float32).reshape(2, 20)
    with tempfile.TemporaryDirectory() as tmp:
        # aegrad -> PyTorch
        path = os.path.join(tmp, "from_aegrad.safetensors")
        ours = run_peer(peer, "save", path)
        params = read_safetensors(path)
        assert sorted(params) == ["0.bias", "0.weight", "1.bias", "1.weight", "2.bias", "3.bias"], sorted(params)
        theirs = tied_forward(params, x)
        err1 = (ours - theirs).abs().max().item()
        print(f"aegrad -> PyTorch: max |difference| of outputs {err1:.3g}")

        # PyTorch -> aegrad
        torch.manual_seed(0)
        shapes = {"0.weight": (20, 8), "0.bias": (8,), "1.weight": (8, 3), "1.bias": (3,), "2.bias": (8,), "3.bias": (20,)}
        params = {k: torch.randn(*s) * 0.5 for k, s in shapes.items()}
        path = os.path.join(tmp, "from_torch.safetensors")
        write_safetensors(path, params)
        expected = tied_forward(params, x)
        loaded = run_peer(peer, "load", path)
        err2 = (loaded - expected).abs().max().item()
        print(f"PyTorch -> aegrad: max |difference| of outputs {err2:.3g}")
        # A different model's file must be refused with a clear message.
        params["4.bias"] = torch.zeros(3)
        write_safetensors(path, params)
        bad = subprocess.run([peer, "load", path], capture_output=True, text=True)
        print(f"a file with an extra tensor: exit {bad.returncode}, {bad.stderr.strip()}")
    ok = err1 < 1e-5 and err2 < 1e-5 and bad.returncode != 0 and "not in the model: 4.bias" in bad.stderr
    print("round trip", "passed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
