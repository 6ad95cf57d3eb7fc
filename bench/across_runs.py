#!/usr/bin/env python3
"""The targets of several side_by_side.py runs, one row per run and their medians.

    /usr/bin/python3 bench/across_runs.py RUN_DIR [RUN_DIR ...]

Each RUN_DIR holds the side_by_side.json of one run (its --out). The machine is noisy, and one run can land
in a slow spell, so the targets are read off the median over runs. Prints a Markdown table: aegrad's best
epoch over PyTorch's best at batch 256 and 32, each seed row's faster process over the gemm limit (and in
brackets the median over both processes), conv images/s over PyTorch's, and the sgemm rates the limits
come from; then the median of each column and whether it meets the issue's target.
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from side_by_side import SEED_FLOP_PER_SAMPLE, TRAIN_SAMPLES  # noqa: E402

SEED_ROWS = [(256, 1), (256, 2), (32, 1), (32, 2)]
# column -> (heading, target, True when the value must be at most the target)
COLUMNS = {
    "torch_256": ("batch 256: best / PyTorch's best", 0.8, True),
    "torch_32": ("batch 32: best / PyTorch's best", 0.5, True),
    **{f"limit_{b}_{t}": (f"batch {b}, {t} thread{'s' if t > 1 else ''} / limit", 1.3, True) for b, t in SEED_ROWS},
    "conv_1": ("conv, 1 thread / PyTorch", 1.5, False),
    "conv_2": ("conv, 2 threads / PyTorch", 1.5, False),
}


def ratios(results):
    """The ratios one run's targets are judged on, plus the median-over-both-processes ratios to the limit."""
    rates = results["tape"]["aegrad"]["sgemm_gflops"]
    flops = SEED_FLOP_PER_SAMPLE * TRAIN_SAMPLES
    out, both, best = {}, {}, {}
    for row in results["seed"]:
        b, t = row["batch"], row["threads"]
        limit = flops / (rates[str(b)][str(t)] * 1e9)
        a = row["aegrad"]
        out[f"limit_{b}_{t}"] = a["seconds"] / limit
        both[f"limit_{b}_{t}"] = a["median_both"] / limit
        torch = min(r["seconds"] for r in row["pytorch"].values())
        ours, theirs = best.get(b, (float("inf"), float("inf")))
        best[b] = (min(ours, a["seconds"]), min(theirs, torch))
    for b, (ours, theirs) in best.items():
        out[f"torch_{b}"] = ours / theirs
    for row in results["conv"]:
        out[f"conv_{row['threads']}"] = row["aegrad"]["images_per_s"] / row["pytorch"]["images_per_s"]
    gflops = "; ".join(f"{rates[str(b)]['1']:.1f} / {rates[str(b)]['2']:.1f}" for b in (256, 32))
    return out, both, gflops


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    runs = []
    for d in sys.argv[1:]:
        with open(os.path.join(d, "side_by_side.json")) as f:
            results = json.load(f)
        if "pytorch" not in results["seed"][0]:
            sys.exit(f"{d}: this run has no PyTorch columns (python3-torch was missing)")
        if "process_medians" not in results["seed"][0]["aegrad"]:
            sys.exit(f"{d}: made by a side_by_side.py older than its two aegrad processes per row")
        runs.append((os.path.basename(os.path.normpath(d)), *ratios(results)))
    lines = ["| run | " + " | ".join(h for h, _, _ in COLUMNS.values()) +
             " | sgemm GFLOPS: batch 256, 1 / 2 threads; batch 32, 1 / 2 |",
             "|---" * (len(COLUMNS) + 2) + "|"]
    for name, out, both, gflops in runs:
        cells = [f"{out[c]:.2f}" + (f" ({both[c]:.2f})" if c in both else "") for c in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {gflops} |")
    medians = {c: statistics.median(out[c] for _, out, _, _ in runs) for c in COLUMNS}
    lines.append(f"| **median of {len(runs)}** | " + " | ".join(f"**{medians[c]:.2f}**" for c in COLUMNS) + " | |")
    lines.append("")
    for c, (heading, target, at_most) in COLUMNS.items():
        met = medians[c] <= target if at_most else medians[c] >= target
        within = sum((out[c] <= target) if at_most else (out[c] >= target) for _, out, _, _ in runs)
        lines.append(f"- {heading}: median {medians[c]:.2f}, target {'≤' if at_most else '≥'} {target}: "
                     f"{'met' if met else 'NOT met'} (met in {within} of {len(runs)} runs)")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
