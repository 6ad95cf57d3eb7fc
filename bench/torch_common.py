"""What PyTorch's benchmark peers share: reading Fashion-MNIST's IDX files, the OpenBLAS core PyTorch loaded,
and the process's resident memory. Imported by torch_seed_model.py and torch_conv_model.py.
"""
import gzip
import os

import numpy as np
import torch


def openblas_core():
    """The kernel family of the OpenBLAS that PyTorch loaded, as OpenBLAS itself reports it."""
    import ctypes
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "openblas" in line and ".so" in line})
    for lib in libs:
        try:
            corename = ctypes.CDLL(lib).openblas_get_corename
            corename.restype = ctypes.c_char_p
            return corename().decode()
        except (OSError, AttributeError):
            continue
    return "unknown"


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir, prefix):
    """The split's images as floats in [0, 1], one row of 784 per image."""
    for name in (f"{prefix}-images-idx3-ubyte", f"{prefix}-images-idx3-ubyte.gz"):
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            images = read_idx(path)
            return torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
    raise SystemExit(f"{data_dir}: no {prefix} images")


def resident_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
