"""NPY files as NumPy writes and reads them, through the command: one table saved by numpy in every dtype
aegrad reads (both byte orders) gives the scores of its float32 copy exactly (bytes: of the copy divided
by 255), labels in any integer dtype come back as written, and the codes aegrad writes load in numpy as
float32 [N, code] equal to the CSV it writes of them. .npz archives (numpy.savez and savez_compressed, and
Keras's x_train/x_test layout, which semisup reads too) give the same, and damaged ones are one clear error.

    npy_numpy.py PATH/TO/aegrad      (exit 77, skipped, without numpy)
"""
import subprocess
import sys

from command import runner, scratch

try:
    import numpy as np
except ImportError:
    sys.exit(77)

aegrad = sys.argv[1]
work = scratch("aegrad-npy-")
run = runner(aegrad)


def scores(data, *flags):
    out = work / f"{data.stem}.csv"
    run("score", work / "model" / "model.safetensors", "--data", data, *flags, "--out", out)
    return np.loadtxt(out, delimiter=",", skiprows=1)


rng = np.random.default_rng(5)
table = rng.integers(0, 100, size=(150, 5)).astype(np.float32)  # integers: exact in every dtype
labels = (np.arange(150) % 3).astype(np.int64)
np.save(work / "ref.npy", table)
run("train", "--data", work / "ref.npy", "--layers", "3", "--epochs", 2, "--quiet", "--out", work / "model")
reference = scores(work / "ref.npy")[:, 1]

for dtype in ["<f8", ">f8", ">f4", "<i8", ">i4", "<i2", ">u2", "i1", "<u4"]:
    path = work / f"table-{dtype.replace('<', 'le-').replace('>', 'be-')}.npy"
    np.save(path, table.astype(dtype))
    got = scores(path)[:, 1]
    if not np.array_equal(got, reference):
        sys.exit(f"FAILED: {dtype}: scores differ from the float32 file's by up to {np.max(np.abs(got - reference))}")
np.save(work / "unit.npy", table / np.float32(255))
np.save(work / "bytes.npy", table.astype(np.uint8))
if not np.array_equal(scores(work / "bytes.npy")[:, 1], scores(work / "unit.npy")[:, 1]):
    sys.exit("FAILED: uint8 data is not read as byte / 255")

for dtype in ["<i8", ">i4", "u1", "<i2"]:
    np.save(work / "labels.npy", labels.astype(dtype))
    got = scores(work / "ref.npy", "--labels", work / "labels.npy")
    if not np.array_equal(got[:, 2], labels):
        sys.exit(f"FAILED: labels saved as {dtype} came back as {got[:10, 2]}")

run("encode", work / "model" / "model.safetensors", "--data", work / "ref.npy", "--out", work / "codes.npy")
run("encode", work / "model" / "model.safetensors", "--data", work / "ref.npy", "--out", work / "codes.csv")
codes = np.load(work / "codes.npy")
if codes.dtype != np.float32 or codes.shape != (150, 3) or not codes.flags["C_CONTIGUOUS"]:
    sys.exit(f"FAILED: codes.npy loads as {codes.dtype} {codes.shape}")
if not np.array_equal(codes, np.loadtxt(work / "codes.csv", delimiter=",", skiprows=1, dtype=np.float32)):
    sys.exit("FAILED: codes.npy and codes.csv differ")
# .npz archives, stored and deflated: the same scores and labels as the .npy files they hold.
np.savez(work / "stored.npz", x=table, y=labels)
np.savez_compressed(work / "deflated.npz", table.astype(">f8"), labels=labels.astype(np.int16))
for archive in ("stored.npz", "deflated.npz"):
    got = scores(work / archive)
    if not (np.array_equal(got[:, 1], reference) and np.array_equal(got[:, 2], labels)):
        sys.exit(f"FAILED: {archive} does not score as the .npy files it holds")
# Keras's layout holds its own split: training reads x_train, the model commands x_test.
np.savez(work / "keras.npz", x_train=table[:100], y_train=labels[:100], x_test=table[100:], y_test=labels[100:])
log = run("train", "--data", work / "keras.npz", "--layers", "3", "--epochs", 1, "--out", work / "keras")
if "100 training, 50 validation = test, 50 test samples" not in log:
    sys.exit(f"FAILED: keras.npz is not read as its train and test parts:\n{log}")
if not np.array_equal(scores(work / "keras.npz")[:, 2], labels[100:]):
    sys.exit("FAILED: the model commands do not read keras.npz's test part")

# aegrad semisup takes labelled byte images in Keras's layout too, of any size.
images = rng.integers(0, 256, size=(150, 6, 7), dtype=np.uint8)
classes = np.arange(150) % 10  # the classifiers have ten outputs
np.savez(work / "images.npz", x_train=images[:100], y_train=classes[:100], x_test=images[100:], y_test=classes[100:])
run("semisup", "--data", work / "images.npz", "--layers", "8,3", "--labels", 50, "--seeds", 1, "--epochs", 1,
    "--use", "finetune", "--quiet", "--out", work / "semisup")
runs = np.loadtxt(work / "semisup" / "semisup.csv", delimiter=",", skiprows=1, usecols=(0, 3))
if len(runs) < 2 or not np.all(runs[:, 0] == 50) or not np.all((runs[:, 1] >= 0) & (runs[:, 1] <= 1)):
    sys.exit(f"FAILED: semisup on images.npz wrote {runs}")

# Damaged archives: one line naming the file and what is wrong, exit 1.
stored = (work / "stored.npz").read_bytes()
flipped = bytearray(stored)
flipped[200] ^= 0xFF  # inside x.npy's data
damaged = {"truncated.npz": (stored[:-30], "no ZIP end record"), "flipped.npz": (bytes(flipped), "CRC mismatch")}
for name, (content, message) in damaged.items():
    (work / name).write_bytes(content)
    done = subprocess.run([aegrad, "encode", work / "model" / "model.safetensors", "--data", work / name, "--out",
                           work / "c.npy"], capture_output=True, text=True)
    if done.returncode != 1 or name not in done.stderr or message not in done.stderr:
        sys.exit(f"FAILED: {name}: exit {done.returncode}, {done.stderr!r}")
print("ok: 9 dtypes, bytes as byte / 255, 4 label dtypes, codes written for numpy, .npz stored, deflated, "
      "split and damaged")
