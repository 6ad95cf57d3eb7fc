#!/usr/bin/env python3
"""aegrad and PyTorch side by side, in one run, on this machine.

    /usr/bin/python3 bench/side_by_side.py [--build build] [--out bench-results] [--quick] [--runs N]

Measures, each as a median over several epochs or runs (aegrad's seed epochs come from two processes, one
before and one after PyTorch's, and the faster process counts, as the faster core counts for PyTorch and the
faster of two measurements for the gemm limit; the median over both processes is shown too):
  (a) an epoch of the seed model (tied 784-100-30, Adam, Fashion-MNIST) at batch 256 and 32, on 1 and 2 threads:
      aegrad as a user runs it (`aegrad train`, no environment variables); PyTorch with OpenBLAS's detected core
      and with OPENBLAS_CORETYPE=Haswell, its best taken;
  (b) training images/s of the default conv autoencoder (Géron's) on 1 and 2 threads, and of two variants: the
      same model denoising (Gaussian noise, sigma 0.2) and Géron's VAE 784-150-100-(10) at batch 128;
  (c) the tape's overhead per recorded op;
and prints the BLAS core each side used, the ratios, resident memory, and the gemm limit: the seed epoch's
matrix-product FLOPs over the sgemm rate measured on the same products (all 11 of a training step, with their
transpose flags) and the same number of threads, at the start and at the end of the run, the faster kept.
Writes the table as Markdown and JSON to --out. PyTorch's columns are empty when python3-torch is missing.
With --runs N it makes N whole runs, one after the other, and then prints the targets' medians over them
(bench/across_runs.py): the machine is noisy, and a single run can land in a slow spell.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
# Multiply-adds per sample of the seed model's products: forward 2 (784*100 + 100*30); backward needs dW for all
# four products and dX for all but the first layer.
SEED_FLOP_PER_SAMPLE = 2 * (3 * 2 * (784 * 100 + 100 * 30) - 784 * 100)
TRAIN_SAMPLES = 60000


def run(cmd, env=None):
    """Runs cmd; returns (stdout, peak resident MB of that process)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, **(env or {})))
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out}")
    return out, usage.ru_maxrss / 1000


def last_json(text):
    return json.loads([line for line in text.splitlines() if line.startswith("{")][-1])


def have_torch():
    return subprocess.run([PYTHON, "-c", "import torch"], capture_output=True).returncode == 0


def aegrad_seed_epoch(build, batch, threads, epochs):
    with tempfile.TemporaryDirectory() as out:
        _, peak = run([f"{build}/cli/aegrad", "train", "--epochs", str(epochs), "--batch", str(batch), "--threads",
                       str(threads), "--test-samples", "1000", "--quiet", "--out", out])
        with open(f"{out}/history.csv") as f:
            rows = [line.strip().split(",") for line in f][1:]
        with open(f"{out}/metrics.json") as f:
            core = json.load(f)["blas_core"]
    seconds = [float(r[4]) for r in rows]
    rss = [float(r[7]) for r in rows]
    return {"seconds": statistics.median(seconds), "all": seconds, "core": core, "rss_first": rss[0],
            "rss_last": rss[-1], "peak_rss": peak}


def merge_runs(first, second):
    """One row from two processes' epochs: the faster process's median (a slow spell can cover a whole
    process), the median over both, and memory from each process."""
    seconds = first["all"] + second["all"]
    return {"seconds": min(first["seconds"], second["seconds"]), "median_both": statistics.median(seconds),
            "process_medians": [first["seconds"], second["seconds"]], "all": seconds, "core": first["core"],
            "rss_first": max(first["rss_first"], second["rss_first"]),
            "rss_last": max(first["rss_last"], second["rss_last"]),
            "peak_rss": max(first["peak_rss"], second["peak_rss"])}


def torch_seed_epoch(batch, threads, epochs, core):
    env = {"OPENBLAS_CORETYPE": core} if core else {}
    out, peak = run([PYTHON, f"{HERE}/torch_seed_model.py", "--epochs", str(epochs), "--batch", str(batch),
                     "--threads", str(threads)], env)
    r = last_json(out)
    return {"seconds": statistics.median(r["epoch_seconds"]), "all": r["epoch_seconds"], "core": r["blas_core"],
            "rss_first": r["rss_mb"][0], "rss_last": r["rss_mb"][-1], "peak_rss": peak}


def tape_numbers(build):
    out, _ = run([f"{build}/bench/bench_tape"])
    recorded = float(re.search(r"tape add, recorded\s+(\d+) ns", out).group(1))
    raw = float(re.search(r"raw xtensor a \+ b\s+(\d+) ns", out).group(1))
    rates = last_json(out)["sgemm_gflops"]  # batch -> threads -> GFLOPS of a seed-model step's products
    core = re.search(r"OpenBLAS core (\w+)", out).group(1)
    return {"recorded_add_ns": recorded, "raw_add_ns": raw, "sgemm_gflops": rates, "core": core}


def faster_gemm(first, second):
    """The first tape run with, for each batch size and thread count, the faster of the two sgemm rates."""
    rates = {b: {t: max(r, second["sgemm_gflops"][b][t]) for t, r in per.items()}
             for b, per in first["sgemm_gflops"].items()}
    return dict(first, sgemm_gflops=rates, sgemm_gflops_runs=[first["sgemm_gflops"], second["sgemm_gflops"]])


def fmt_s(v):
    return "-" if v is None else f"{v:.3f}"


def ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default="bench-results")
    ap.add_argument("--quick", action="store_true", help="fewer epochs and runs (a smoke run, not for reporting)")
    ap.add_argument("--runs", type=int, default=1,
                    help="whole runs, one after the other, each in OUT/run-K; then the table of their medians "
                         "(bench/across_runs.py) in OUT/across_runs.md")
    args = ap.parse_args()
    if args.runs == 1:
        one_run(args, args.out)
        return
    dirs = [os.path.join(args.out, f"run-{k}") for k in range(1, args.runs + 1)]
    for k, out in enumerate(dirs, 1):
        print(f"\n=== run {k} of {args.runs} ===", flush=True)
        one_run(args, out)
    table, _ = run([PYTHON, os.path.join(HERE, "across_runs.py"), *dirs])
    print("\n" + table)
    with open(os.path.join(args.out, "across_runs.md"), "w") as f:
        f.write(table)
    print(f"wrote {args.out}/across_runs.md")


def one_run(args, out_dir):
    torch_ok = have_torch()
    cores = [None, "Haswell"]  # OpenBLAS's own choice, and the AVX2 kernels forced
    epochs = {256: 2 if args.quick else 4, 32: 1 if args.quick else 2}
    conv_runs = "2" if args.quick else "5"
    results = {"seed": [], "conv": [], "variants": [], "tape": {}}

    print("tape and gemm ...", flush=True)
    tape = tape_numbers(args.build)
    if torch_ok:
        out, _ = run([PYTHON, f"{HERE}/torch_tape.py"])
        results["tape"]["pytorch"] = last_json(out)

    # The machine is shared and has slow spells lasting seconds, sometimes a whole process. aegrad's epochs
    # are measured in two processes, before and after PyTorch's, and the faster process's median counts: the
    # same rule as the gemm limit's (the faster of two measurements) and PyTorch's (the faster core).
    for batch in (256, 32):
        for threads in (1, 2):
            print(f"seed model, batch {batch}, {threads} thread(s) ...", flush=True)
            before = aegrad_seed_epoch(args.build, batch, threads, epochs[batch])
            row = {"batch": batch, "threads": threads}
            if torch_ok:
                row["pytorch"] = {core or "detected": torch_seed_epoch(batch, threads, epochs[batch], core)
                                  for core in cores}
            row["aegrad"] = merge_runs(before, aegrad_seed_epoch(args.build, batch, threads, epochs[batch]))
            results["seed"].append(row)

    # The gemm rates are measured again at the end and the faster of the two kept: the limit is what the
    # products can do, so a slow spell must not make it easier to reach.
    print("gemm again ...", flush=True)
    tape = faster_gemm(tape, tape_numbers(args.build))
    results["tape"]["aegrad"] = tape

    for threads in (1, 2):
        print(f"conv autoencoder, {threads} thread(s) ...", flush=True)
        out, peak = run([f"{args.build}/bench/bench_conv", "--threads", str(threads), "--runs", conv_runs])
        row = {"threads": threads, "aegrad": dict(last_json(out), peak_rss=peak)}
        if torch_ok:
            out, peak = run([PYTHON, f"{HERE}/torch_conv_model.py", "--throughput", "--threads", str(threads),
                             "--runs", conv_runs])
            row["pytorch"] = dict(last_json(out), peak_rss=peak)
        results["conv"].append(row)

    for model, batch in (("denoising-conv", 256), ("vae", 128), ("mirror-conv", 256), ("tied-conv", 256)):
        for threads in (1, 2):
            print(f"{model}, {threads} thread(s) ...", flush=True)
            flags = ["--model", model, "--threads", str(threads), "--batch", str(batch), "--runs", conv_runs]
            out, peak = run([f"{args.build}/bench/bench_conv"] + flags)
            row = {"model": model, "threads": threads, "aegrad": dict(last_json(out), peak_rss=peak)}
            if torch_ok:
                out, peak = run([PYTHON, f"{HERE}/torch_conv_model.py", "--throughput"] + flags)
                row["pytorch"] = dict(last_json(out), peak_rss=peak)
            results["variants"].append(row)

    lines = report(results, torch_ok)
    print("\n".join(lines))
    os.makedirs(out_dir, exist_ok=True)
    with open(f"{out_dir}/side_by_side.json", "w") as f:
        json.dump(results, f, indent=1)
    with open(f"{out_dir}/side_by_side.md", "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"\nwrote {out_dir}/side_by_side.md and .json")


def report(results, torch_ok):
    tape = results["tape"]["aegrad"]
    flops = SEED_FLOP_PER_SAMPLE * TRAIN_SAMPLES
    rates = tape["sgemm_gflops"]
    # The time an epoch would take if it were nothing but its gemms, at the rate measured on its own shapes.
    limit = {(int(b), int(t)): flops / (r * 1e9) for b, per in rates.items() for t, r in per.items()}
    lines = [f"aegrad: OpenBLAS core {tape['core']}, no environment variables set.",
             f"Seed epoch: {flops / 1e9:.1f} GFLOP of matrix products. sgemm on the 11 products of a training step, "
             f"each timed alone (GFLOPS): batch 256 {rates['256']['1']:.1f} on 1 thread, {rates['256']['2']:.1f} on 2; batch 32 "
             f"{rates['32']['1']:.1f} on 1, {rates['32']['2']:.1f} on 2 (per product, the fastest of a plain OpenBLAS call and "
             f"aegrad's gemm, and on 2 threads also OpenBLAS's threads and aegrad's split; the faster of a measurement at "
             f"the start and one at the end). "
             f"Gemm limit at batch 256: {limit[256, 1]:.3f} s on 1 thread, {limit[256, 2]:.3f} s on 2."]
    if "sgemm_gflops_runs" in tape:
        runs = tape["sgemm_gflops_runs"]
        lines.append("The two measurements (GFLOPS, batch 256 and 32 on 1 / 2 threads): " + "; ".join(
            f"{r['256']['1']:.1f} / {r['256']['2']:.1f} and {r['32']['1']:.1f} / {r['32']['2']:.1f}" for r in runs) + ".")
    lines.append("")
    lines += ["| seed model epoch | aegrad s (faster process) | PyTorch s (best core) | PyTorch core | aegrad / PyTorch | "
              "gemm limit s | aegrad / gemm limit | aegrad s, median over both processes (/ limit) | "
              "RSS MB first → last epoch (aegrad; PyTorch) |",
              "|---|---|---|---|---|---|---|---|---|"]
    best = {}
    for row in results["seed"]:
        a = row["aegrad"]
        t = min(row["pytorch"].values(), key=lambda r: r["seconds"]) if torch_ok else None
        key = row["batch"]
        if t and (key not in best or t["seconds"] < best[key]):
            best[key] = t["seconds"]
        rss = f"{a['rss_first']:.0f} → {a['rss_last']:.0f}"
        if t:
            rss += f"; {t['rss_first']:.0f} → {t['rss_last']:.0f}"
        lines.append(f"| batch {row['batch']}, {row['threads']} thread(s) | {fmt_s(a['seconds'])} | "
                     f"{fmt_s(t and t['seconds'])} | {t['core'] if t else '-'} | {ratio(a['seconds'], t and t['seconds'])} | "
                     f"{limit[row['batch'], row['threads']]:.3f} | {a['seconds'] / limit[row['batch'], row['threads']]:.2f} | "
                     f"{a['median_both']:.3f} ({a['median_both'] / limit[row['batch'], row['threads']]:.2f}) | {rss} |")
    if torch_ok:
        lines.append("")
        for batch in (256, 32):
            ours = min(r["aegrad"]["seconds"] for r in results["seed"] if r["batch"] == batch)
            lines.append(f"Batch {batch}: aegrad's best {ours:.3f} s against PyTorch's best over threads and cores "
                         f"{best[batch]:.3f} s: ratio {ours / best[batch]:.2f}.")
        peak_a = max(r["aegrad"]["peak_rss"] for r in results["seed"])
        peak_t = max(t["peak_rss"] for r in results["seed"] for t in r["pytorch"].values())
        lines.append(f"Peak resident memory over the seed runs: aegrad {peak_a:.0f} MB, PyTorch {peak_t:.0f} MB.")
    lines += ["", "| conv autoencoder training | aegrad images/s | PyTorch images/s | aegrad / PyTorch | peak RSS MB (aegrad; PyTorch) |",
              "|---|---|---|---|---|"]
    for row in results["conv"]:
        a, t = row["aegrad"], row.get("pytorch")
        lines.append(f"| {row['threads']} thread(s), batch {a['batch']} | {a['images_per_s']:.0f} | "
                     f"{t['images_per_s']:.0f} | {a['images_per_s'] / t['images_per_s']:.2f} | "
                     f"{a['peak_rss']:.0f}; {t['peak_rss']:.0f} |" if t else
                     f"| {row['threads']} thread(s) | {a['images_per_s']:.0f} | - | - | {a['peak_rss']:.0f} |")
    lines += ["", "| variant training | aegrad images/s | PyTorch images/s | aegrad / PyTorch | peak RSS MB (aegrad; PyTorch) |",
              "|---|---|---|---|---|"]
    for row in results.get("variants", []):
        a, t = row["aegrad"], row.get("pytorch")
        lines.append(f"| {row['model']}, {row['threads']} thread(s), batch {a['batch']} | {a['images_per_s']:.0f} | "
                     f"{t['images_per_s']:.0f} | {a['images_per_s'] / t['images_per_s']:.2f} | "
                     f"{a['peak_rss']:.0f}; {t['peak_rss']:.0f} |" if t else
                     f"| {row['model']}, {row['threads']} thread(s) | {a['images_per_s']:.0f} | - | - | {a['peak_rss']:.0f} |")
    pt = results["tape"].get("pytorch")
    lines += ["", f"Tape overhead per recorded op (add on [2, 2]): aegrad {tape['recorded_add_ns']:.0f} ns "
                  f"(raw xtensor {tape['raw_add_ns']:.0f} ns)" +
                  (f"; PyTorch {pt['recorded_add_ns']:.0f} ns (no_grad {pt['no_grad_add_ns']:.0f} ns)." if pt else ".")]
    return lines


if __name__ == "__main__":
    main()
