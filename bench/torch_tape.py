#!/usr/bin/env python3
"""PyTorch's overhead per recorded op, measured as bench_tape measures aegrad's: `a + b` on [2, 2] tensors
that require grad, and raw (no grad). Median of 7 runs; one JSON line, in nanoseconds.
"""
import json
import statistics
import time

import torch


def per_call_ns(fn, reps=100000, runs=7):
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - start) / reps * 1e9)
    return statistics.median(times)


def main():
    torch.set_num_threads(1)
    a = torch.ones(2, 2, requires_grad=True)
    b = torch.full((2, 2), 2.0, requires_grad=True)
    recorded = per_call_ns(lambda: a + b)
    with torch.no_grad():
        not_recording = per_call_ns(lambda: a + b)
    print(json.dumps({"recorded_add_ns": recorded, "no_grad_add_ns": not_recording}))


if __name__ == "__main__":
    main()
