"""Every kind of figure aegrad writes, read as a reader reads it: round tick labels inside the plotted range
(on log axes, real units), a legend entry for every series or class, intervals drawn where the data has
them, markers where they were asked for, a PNG copy beside every SVG plot, and image grids with their rows
named. Usage: figures.py AEGRAD"""
import math
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, __import__("os").path.dirname(__file__))
from command import runner, scratch

aegrad = sys.argv[1]
run = runner(aegrad)
work = scratch("aegrad-figures-")
SVG = "{http://www.w3.org/2000/svg}"
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def texts(root, cls):
    return [e.text or "" for e in root.iter(SVG + "text") if e.get("class") == cls]


def number(label):
    return float(label.replace(",", ""))


def round_step(step):
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(abs(mantissa - m) < 1e-6 for m in (1, 2, 5, 10))


def nice_linear(labels):
    values = [number(t) for t in labels]
    if len(values) < 2:
        return False
    step = values[1] - values[0]
    return step > 0 and round_step(step) and all(abs(b - a - step) < 1e-6 * step for a, b in zip(values, values[1:]))


def nice_log(labels):
    """Powers of ten, or 1, 2 and 5 times them, in real units (100, not 2); a log axis spanning less than a
    decade has linear ticks."""
    values = [number(t) for t in labels]
    powers = len(values) >= 2 and all(v > 0 and round_step(v) for v in values) and values == sorted(values)
    return powers or nice_linear(labels)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def line_plot(path, series, log_x=False, log_y=False, bands=False, markers=False):
    """A line plot: its ticks, one legend entry per series in order, and a PNG copy of twice its size."""
    root = ET.parse(path).getroot()
    name = path.name
    xt, yt = texts(root, "x-tick"), texts(root, "y-tick")
    check((nice_log if log_x else nice_linear)(xt), f"{name}: x ticks {xt} are round")
    check((nice_log if log_y else nice_linear)(yt), f"{name}: y ticks {yt} are round")
    names = [t for t in (e.text for e in root.iter(SVG + "text")) if t in series]
    lines = [e for e in root.iter(SVG + "polyline") if e.get("class") == "series"]
    legend_lines = [e for e in root.iter(SVG + "line") if e.get("class") == "legend"]
    check(len(lines) == len(series) == len(legend_lines), f"{name}: {len(series)} series, {len(lines)} lines, "
          f"{len(legend_lines)} legend entries")
    check(names == series, f"{name}: the legend names {series}")
    check([(l.get("stroke"), l.get("stroke-dasharray")) for l in lines] ==
          [(l.get("stroke"), l.get("stroke-dasharray")) for l in legend_lines], f"{name}: legend drawn like the lines")
    # Every tick is inside the frame, so inside the plotted range.
    frame = next(e for e in root.iter(SVG + "rect") if e.get("fill") == "none")
    x0, w = float(frame.get("x")), float(frame.get("width"))
    y0, h = float(frame.get("y")), float(frame.get("height"))
    xs = [float(e.get("x")) for e in root.iter(SVG + "text") if e.get("class") == "x-tick"]
    ys = [float(e.get("y")) - 4 for e in root.iter(SVG + "text") if e.get("class") == "y-tick"]
    check(all(x0 - 0.5 <= x <= x0 + w + 0.5 for x in xs) and all(y0 - 0.5 <= y <= y0 + h + 0.5 for y in ys),
          f"{name}: ticks inside the plotted range")
    if bands:
        check(any(e.get("class") == "interval" for e in root.iter(SVG + "polygon")), f"{name}: intervals shaded")
    if markers:
        check(any(e.get("stroke-dasharray") == "4 3" for e in root.iter(SVG + "line")), f"{name}: markers drawn")
    width, height = float(root.get("width")), float(root.get("height"))
    copy = path.with_suffix(".png")
    check(copy.exists() and png_size(copy) == (round(2 * width), round(2 * height)), f"{name}: PNG copy at 2x")
    return root


def labelled_grid(path, rows):
    """An image grid of 10 28x28 images per row at 2x (604 px wide) with the rows named on the left."""
    width, height = png_size(path)
    check(height == 4 + rows * 60 and width > 604 + 40, f"{path.name}: {rows} rows of images with a label margin")


fashion = ["--train-samples", 600, "--test-samples", 200]

# Loss curves of a layer-wise run (log y, dashed phase boundaries), its reconstructions with named rows.
run("train", "--schedule", "layerwise", "--epochs", 6, *fashion, "--quiet", "--out", work / "lw")
line_plot(work / "lw" / "loss.svg", ["training loss", "validation loss"], log_y=True, markers=True)
labelled_grid(work / "lw" / "reconstructions.png", 2)
run("train", "--noise", "gaussian:0.3", "--epochs", 1, *fashion, "--quiet", "--out", work / "dn")
labelled_grid(work / "dn" / "reconstructions.png", 3)

# Small images are enlarged more: 8x8 at 7x, so each is 56 pixels as Fashion-MNIST's are at 2x.
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (40, 8, 8), }"
header += " " * (63 - len(header) % 64) + "\n"
values = [((i * 7 + j) % 11) / 10 for i in range(40) for j in range(64)]
(work / "small.npy").write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()
                                  + struct.pack(f"<{len(values)}f", *values))
run("train", "--data", work / "small.npy", "--layers", "16,4", "--epochs", 1, "--quiet", "--out", work / "small")
width, height = png_size(work / "small" / "reconstructions.png")
check(height == 14 + 2 * (56 + 14), f"small/reconstructions.png: 8x8 images drawn 56 px tall ({height} px in all)")

# The anomaly-score histogram with its threshold, and a table's per-feature errors.
rows = ["f0,f1,f2,f3,label"]
for i in range(300):
    a, b = math.sin(i), math.cos(i * 0.7)
    anomaly = i % 10 == 0
    rows.append(f"{a},{b},{a + b},{a - b if not anomaly else 3.0},{int(anomaly)}")
(work / "t.csv").write_text("\n".join(rows) + "\n")
run("train", "--data", work / "t.csv", "--label-column", "label", "--layers", 2, "--epochs", 30, "--quiet",
    "--out", work / "tab")
run("score", work / "tab" / "model.safetensors", "--data", work / "t.csv", "--label-column", "label",
    "--out", work / "scores.csv")
line_plot(work / "scores.svg", ["normal", "anomalies"], log_x=True, markers=True)  # log bins when scores span decades
run("reconstruct", work / "tab" / "model.safetensors", "--data", work / "t.csv", "--label-column", "label",
    "--out", work / "features")
# The per-feature errors: a bar per feature, named, worst first, as the CSV's values rank them.
root = ET.parse(work / "features.svg").getroot()
with open(work / "features.csv") as f:
    errors = {line.split(",")[1].strip('"'): float(line.split(",")[2]) for line in list(f)[1:]}
names = texts(root, "bar-name")
check(names == sorted(errors, key=lambda n: -errors[n]), f"features.svg: the bars {names} worst first, as in the CSV")
check(names[0] == "f3", "features.svg: the anomalies' feature, f3, is the worst reconstructed")
check(len([e for e in root.iter(SVG + "rect") if e.get("class") == "bar"]) == 4, "features.svg: a bar per feature")
check(nice_linear(texts(root, "x-tick")) and texts(root, "x-tick")[0] == "0", "features.svg: round ticks from 0")
check(png_size(work / "features.png")[0] > 0, "features.png: the PNG copy")

# The code maps: t-SNE as SVG (every class in the legend and named on the map), PCA as PNG, the points as NPY.
model = work / "lw" / "model.safetensors"
run("embed", model, "--test-samples", 150, "--iterations", 300, "--perplexity", 10, "--out", work / "tsne.svg",
    "--codes", work / "tsne.npy")
root = ET.parse(work / "tsne.svg").getroot()
classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
check(texts(root, "legend") == classes, "tsne.svg: the legend lists the 10 classes in label order")
check(sorted(texts(root, "class-name")) == sorted(classes), "tsne.svg: every class named on the map")
check(nice_linear(texts(root, "x-tick")) and nice_linear(texts(root, "y-tick")), "tsne.svg: round ticks")
points = next(e for e in root.iter(SVG + "g") if e.get("class") == "points")
check(len(list(points)) == 150, "tsne.svg: one marker per sample")
with open(work / "tsne.npy", "rb") as f:
    header = f.read(128).decode("latin1")
check("'shape': (150, 2)" in header and "<f4" in header, "tsne.npy: [150, 2] float32")
run("embed", model, "--method", "pca", "--test-samples", 150, "--out", work / "pca.png")
check(png_size(work / "pca.png")[0] > 1000, "pca.png: a raster of the map")
# A table's labels have no names: the classes are their numbers. Mistakes are usage errors (exit 2).
run("embed", work / "tab" / "model.safetensors", "--data", work / "t.csv", "--label-column", "label", "--method", "pca",
    "--out", work / "tab-pca.svg")
check(texts(ET.parse(work / "tab-pca.svg").getroot(), "legend") == ["0", "1"], "tab-pca.svg: classes 0 and 1")
for bad in (["--out", work / "map.jpg"], ["--out", work / "m.svg", "--codes", work / "c.csv"],
            ["--out", work / "m.svg", "--method", "umap"], ["--out", work / "m.svg", "--test-samples", 20000],
            ["--out", work / "m.svg", "--test-samples", 20, "--perplexity", 30]):
    done = subprocess.run([aegrad, "embed", model, *map(str, bad)], capture_output=True, text=True)
    check(done.returncode == 2 and done.stderr.count("\n") == 1, f"embed {' '.join(map(str, bad[2:] or bad))}: "
          f"one line, exit 2 ({done.stderr.strip()})")

# Test accuracy against labelled images, on a log axis in real units, the seeds' intervals shaded.
run("semisup", "--labels", "100,300", "--seeds", 2, "--layers", "64,16", "--epochs", 1, "--train-samples", 2000,
    "--use", "finetune", "--quiet", "--out", work / "semi")
root = line_plot(work / "semi" / "semisup.svg", ["scratch", "scratch-regularised", "vae-finetune"], log_x=True, bands=True)
check(texts(root, "x-tick")[0] == "100" and "300" in texts(root, "x-tick"), "semisup.svg: labelled images ticked 100 ... 300")

sys.exit(1 if failures else 0)
