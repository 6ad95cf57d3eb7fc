#!/usr/bin/env python3
"""Data-parallel scaling on this machine, and a projection to K machines.

    /usr/bin/python3 bench/scaling.py [--build build] [--out bench-results/scaling] [--rounds 5]
                                      [--network NAME:GBIT:US ...] [--from JSON]

Measures with bench_scaling (each figure a median over --rounds whole runs, the configurations taking turns
so that a slow spell of the machine hits them all), for the seed model and the conv model at global batch 256:
  (a) 1 rank x 2 threads against 2 ranks x 1 thread (mpirun on this machine's two cores): images/s;
  (b) the gradient sum per step: bytes, buckets, a blocking allreduce of those bytes, the time the step waited
      for it once backward had ended on every rank, and so the fraction hidden behind backward, with the default
      4 MB buckets (one per model) and with 64 KB buckets (several, so that some are sent before backward ends);
  (c) one process's compute per step (2 threads, no communication) at per-rank batches 256, 128, ..., 1.
Then projects K machines of this kind sharing the global batch of 256 (each computing 256/K rows), for
each --network NAME:GBIT_PER_S:LATENCY_US (default 1 and 10 Gbit/s Ethernet):
    step(K) = compute(256 / K) + allreduce(K, gradient bytes) + allreduce(K, 8 bytes of loss),
    allreduce(K, n) = 2 log2(K) latency + 2 (K - 1) / K * n / bandwidth
(the cost of MPI's allreduce by recursive halving and doubling for messages of this size, Thakur, Rabenseifner
and Gropp 2005; none of it hidden, as with the default buckets), and says at what K each model stops scaling.
--from JSON projects again from a scaling.json written before, without measuring.
Writes scaling.md and scaling.json to --out.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys

MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe"]
BATCH = 256
MODELS = ("seed", "conv")


def bench(build, model, ranks, threads, batch=BATCH, bucket_kb=4096, steps=20, runs=5):
    cmd = [f"{build}/bench/bench_scaling", "--model", model, "--threads", str(threads), "--batch", str(batch),
           "--bucket-kb", str(bucket_kb), "--steps", str(steps), "--runs", str(runs)]
    if ranks > 1:
        cmd = MPIRUN + ["-np", str(ranks)] + cmd
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout}{proc.stderr}")
    return json.loads([line for line in proc.stdout.splitlines() if line.startswith("{")][-1])


def medians(results):
    keys = [k for k, v in results[0].items() if isinstance(v, (int, float))]
    out = dict(results[0])
    out.update({k: statistics.median(r[k] for r in results) for k in keys})
    return out


def allreduce_s(nbytes, k, bandwidth_bytes_s, latency_s):
    if k == 1:
        return 0.0
    return 2 * math.log2(k) * latency_s + 2 * (k - 1) / k * nbytes / bandwidth_bytes_s


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--out", default="bench-results/scaling")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--network", nargs="+", default=["1 Gbit/s Ethernet:1:50", "10 Gbit/s Ethernet:10:30"])
    parser.add_argument("--from", dest="saved")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.saved:
        with open(args.saved) as f:
            saved = json.load(f)
        summary, rounds = saved["measured"], saved["rounds"]
        compute_s = {m: {int(b): t for b, t in v.items()} for m, v in saved["compute_s"].items()}
    else:
        summary, compute_s = measure(args.build, args.rounds)
        rounds = args.rounds
    report(args.out, summary, compute_s, rounds, [parse_network(n) for n in args.network])


def parse_network(text):
    name, gbit, us = text.rsplit(":", 2)
    return name, float(gbit) * 1e9 / 8, float(us) * 1e-6


def measure(build, rounds):

    configs = {"1x2": (1, 2, 4096), "2x1": (2, 1, 4096), "2x1 64KB": (2, 1, 64)}
    per_rank_batches = [BATCH >> i for i in range(BATCH.bit_length())]  # 256, 128, ..., 1
    measured = {m: {c: [] for c in configs} for m in MODELS}
    compute = {m: {b: [] for b in per_rank_batches} for m in MODELS}
    for r in range(rounds):
        for model in MODELS:
            print(f"round {r + 1}/{rounds}: {model}", flush=True)
            for name, (ranks, threads, bucket_kb) in configs.items():
                measured[model][name].append(bench(build, model, ranks, threads, bucket_kb=bucket_kb))
            for b in per_rank_batches:
                compute[model][b].append(bench(build, model, 1, 2, batch=b, steps=20, runs=3)["compute_s"])
    summary = {m: {c: medians(v) for c, v in measured[m].items()} for m in MODELS}
    compute_s = {m: {b: statistics.median(v) for b, v in compute[m].items()} for m in MODELS}
    return summary, compute_s


def report(out, summary, compute_s, rounds, networks):
    per_rank_batches = sorted(compute_s[MODELS[0]], reverse=True)

    lines = [f"Medians of {rounds} rounds; global batch {BATCH}; OpenBLAS core "
             f"{summary['seed']['1x2']['blas_core']}.", "",
             "| model | 1 rank x 2 threads, images/s | 2 ranks x 1 thread, images/s | 2x1 / 1x2 | gradient bytes / step "
             "| buckets (4 MB) | blocking allreduce, ms | waited after backward, ms | hidden | buckets (64 KB) "
             "| sent during backward | waited, ms | hidden |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for m in MODELS:
        a, b, c = summary[m]["1x2"], summary[m]["2x1"], summary[m]["2x1 64KB"]
        lines.append(f"| {m} | {a['images_per_s']:.0f} | {b['images_per_s']:.0f} | "
                     f"{b['images_per_s'] / a['images_per_s']:.2f} | {b['bytes'] / 1e6:.3f} MB | {b['buckets']:.0f} | "
                     f"{b['allreduce_s'] * 1e3:.3f} | {b['wait_s'] * 1e3:.3f} | {b['hidden'] * 100:.0f}% | "
                     f"{c['buckets']:.0f} | {c['buckets_sent_in_backward']:.1f} | {c['wait_s'] * 1e3:.3f} | "
                     f"{c['hidden'] * 100:.0f}% |")

    projection = {}
    for name, bandwidth, latency in networks:
        lines += ["", f"Projection to K machines like this one (2 threads each) sharing the global batch of {BATCH}, over "
                  f"{name} ({bandwidth * 8 / 1e9:g} Gbit/s, {latency * 1e6:g} us per message), nothing hidden: "
                  "milliseconds per step (allreduce: the gradients' and the loss's) and speed-up over one machine.", "",
                  "| K | per-rank batch | " + " | ".join(f"{m}: compute | {m}: allreduce | {m}: speed-up" for m in MODELS) + " |",
                  "|---|---|" + "---|---|---|" * len(MODELS)]
        for b in per_rank_batches:
            k = BATCH // b
            row = [str(k), str(b)]
            for m in MODELS:
                ar = allreduce_s(summary[m]["2x1"]["bytes"], k, bandwidth, latency) + allreduce_s(8, k, bandwidth, latency)
                step = compute_s[m][b] + ar
                speedup = compute_s[m][BATCH] / step
                projection.setdefault(name, {}).setdefault(m, []).append(
                    {"k": k, "compute_s": compute_s[m][b], "allreduce_s": ar, "step_s": step, "speedup": speedup})
                row += [f"{compute_s[m][b] * 1e3:.3f}", f"{ar * 1e3:.3f}", f"{speedup:.2f}"]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
        for m in MODELS:
            p = projection[name][m]
            best = max(p, key=lambda q: q["speedup"])
            half = max(q["k"] for q in p if q["speedup"] / q["k"] >= 0.5)
            fastest = (f"still fastest at K = {best['k']}, one row per machine ({best['speedup']:.2f}x one machine)"
                       if best is p[-1] else
                       f"fastest at K = {best['k']} ({best['speedup']:.2f}x one machine), slower with more")
            weak = compute_s[m][BATCH] / (compute_s[m][BATCH] + p[-1]["allreduce_s"])
            lines.append(f"- {m}: efficiency (speed-up / K) stays at or above 50% up to K = {half}; {fastest}. "
                         f"With {BATCH} rows per machine instead (a global batch of {BATCH} K), the efficiency at "
                         f"K = {p[-1]['k']} would be {weak * 100:.0f}%.")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(f"{out}/scaling.md", "w") as f:
        f.write(text)
    with open(f"{out}/scaling.json", "w") as f:
        json.dump({"measured": summary, "compute_s": compute_s, "rounds": rounds, "projection": projection}, f, indent=1)


if __name__ == "__main__":
    main()
