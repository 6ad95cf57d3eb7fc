#!/usr/bin/env python3
"""bench/across_runs.py on three made-up runs whose ratios are known: it must print each run's ratios,
their medians, and say which targets the medians meet."""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from side_by_side import SEED_FLOP_PER_SAMPLE, TRAIN_SAMPLES  # noqa: E402

LIMIT_S = 0.5  # every row's gemm limit, from the sgemm rate below
GFLOPS = SEED_FLOP_PER_SAMPLE * TRAIN_SAMPLES / LIMIT_S / 1e9


def fake_run(limit_ratio, torch_s, conv_ratio):
    """A side_by_side.json whose every seed row runs at limit_ratio times the limit (the slower process at
    1.5 times that), PyTorch at torch_s seconds on its faster core, and conv at conv_ratio PyTorch's rate."""
    seed = []
    for batch in (256, 32):
        for threads in (1, 2):
            s = limit_ratio * LIMIT_S
            seed.append({"batch": batch, "threads": threads,
                         "aegrad": {"seconds": s, "median_both": 1.25 * s, "process_medians": [s, 1.5 * s]},
                         "pytorch": {"detected": {"seconds": 2 * torch_s}, "Haswell": {"seconds": torch_s}}})
    rates = {str(b): {"1": GFLOPS, "2": GFLOPS} for b in (256, 32)}
    conv = [{"threads": t, "aegrad": {"images_per_s": 1000 * conv_ratio}, "pytorch": {"images_per_s": 1000}}
            for t in (1, 2)]
    return {"seed": seed, "conv": conv, "tape": {"aegrad": {"sgemm_gflops": rates}}}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        dirs = []
        # Limit ratios 1.1, 1.4, 1.2 (median 1.2, within 1.3 in two runs); PyTorch 1.0, 0.5, 0.55 s (aegrad's best
        # over it: 0.55, 2.2, 1.09, median 1.09, so the 0.8 and 0.5 targets are not met); conv 1.4, 2.0, 1.6.
        for k, (ratio, torch_s, conv) in enumerate([(1.1, 1.0, 1.4), (1.4, 0.5, 2.0), (1.2, 0.55, 1.6)], 1):
            d = os.path.join(tmp, f"run-{k}")
            os.makedirs(d)
            with open(os.path.join(d, "side_by_side.json"), "w") as f:
                json.dump(fake_run(ratio, torch_s, conv), f)
            dirs.append(d)
        out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "across_runs.py"), *dirs],
                             capture_output=True, text=True, check=True).stdout
    print(out)
    expected = [
        "| run-1 | 0.55 | 0.55 | 1.10 (1.38) | 1.10 (1.38) | 1.10 (1.38) | 1.10 (1.38) | 1.40 | 1.40 |",
        "| run-2 | 1.40 | 1.40 | 1.40 (1.75) |",
        "| **median of 3** | **1.09** | **1.09** | **1.20** | **1.20** | **1.20** | **1.20** | **1.60** | **1.60** |",
        "- batch 256: best / PyTorch's best: median 1.09, target ≤ 0.8: NOT met (met in 1 of 3 runs)",
        "- batch 32, 2 threads / limit: median 1.20, target ≤ 1.3: met (met in 2 of 3 runs)",
        "- conv, 1 thread / PyTorch: median 1.60, target ≥ 1.5: met (met in 2 of 3 runs)",
    ]
    missing = [line for line in expected if line not in out]
    if missing:
        sys.exit("missing from the output:\n" + "\n".join(missing))


if __name__ == "__main__":
    main()
