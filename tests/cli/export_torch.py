"""`aegrad export --format torch` loaded by PyTorch exactly as the printed snippet says, with strict=True:
for models trained through the command on a CSV table (dense tied and untied, a VAE) and on NumPy images
(the tied mirror conv with BatchNorm, Géron's conv), the module's anomaly scores and codes equal those
`aegrad score` and `aegrad encode` wrote.

    export_torch.py PATH/TO/aegrad      (exit 77, skipped, without numpy and torch)
"""
import sys

from command import runner, scratch

try:
    import numpy as np
    import torch
except ImportError:
    sys.exit(77)

aegrad = sys.argv[1]
work = scratch("aegrad-export-")
run = runner(aegrad)
rng = np.random.default_rng(3)


# A table: 6 features mixing 2 hidden values, with a few rows off that plane, labelled in the last column.
hidden = rng.uniform(-2, 2, size=(400, 2))
table = hidden @ rng.normal(size=(2, 6)) + 0.05 * rng.normal(size=(400, 6))
label = (np.arange(400) % 10 == 0).astype(int)
table[label == 1] = rng.uniform(-3, 3, size=(label.sum(), 6))
csv = work / "table.csv"
np.savetxt(csv, np.column_stack([table * 50 + 7, label]), delimiter=",", fmt="%.6f",
           header="a,b,c,d,e,f,kind", comments="")

# Images of 16 x 16: bright squares at random places, as bytes and as floats in [0, 1].
images = np.zeros((120, 16, 16), dtype=np.uint8)
for im in images:
    r, c = rng.integers(0, 10, size=2)
    im[r:r + 6, c:c + 6] = rng.integers(120, 256)
np.save(work / "bytes.npy", images)
np.save(work / "floats.npy", images.astype(np.float32) / 255)

cases = [
    ("dense-tied", "table.csv", ["--layers", "8,3", "--scale", "standard"]),
    ("dense-untied-elu", "table.csv", ["--layers", "5,2", "--untied", "--activation", "elu", "--scale", "minmax",
                                       "--output-activation", "sigmoid"]),
    ("vae", "table.csv", ["--model", "vae", "--layers", "10", "--latent", "2", "--scale", "standard"]),
    ("conv-tied-bn", "bytes.npy", ["--model", "conv", "--tied", "--batch-norm", "--layers", "4,8,6"]),
    ("conv-geron", "floats.npy", ["--model", "conv", "--layers", "4,8,6", "--output-activation", "sigmoid"]),
]

loaded = {}
for name, data, flags in cases:
    out = work / name
    tabular = data.endswith(".csv")
    data_flags = ["--data", work / data] + (["--label-column", "kind"] if tabular else [])
    run("train", *data_flags, *flags, "--epochs", 2, "--batch", 32, "--quiet", "--out", out)
    model = out / "model.safetensors"
    run("score", model, *data_flags, "--out", out / "scores.csv")
    run("encode", model, *data_flags, "--out", out / "codes.npy")
    snippet = run("export", model, "--format", "torch", "--out", out / "torch.safetensors")

    namespace = {}
    exec(compile(snippet, f"<aegrad export {name}>", "exec"), namespace)  # builds, loads strict, prepares
    loaded[name] = namespace
    module, prepare = namespace["model"], namespace["prepare"]
    samples = np.loadtxt(csv, delimiter=",", skiprows=1)[:, :6] if tabular else np.load(work / data)
    x = prepare(samples)
    with torch.no_grad():
        scores = ((module(x) - x) ** 2).mean(dim=1).double().numpy()
        codes = (module.encode(x) if name == "vae" else module.encoder(x)).double().numpy()

    ours = np.loadtxt(out / "scores.csv", delimiter=",", skiprows=1)[:, 1]
    our_codes = np.load(out / "codes.npy")
    score_gap = np.max(np.abs(scores - ours) / np.maximum(np.abs(ours), 1e-6))
    code_gap = np.max(np.abs(codes - our_codes)) / max(np.max(np.abs(our_codes)), 1e-6)
    print(f"{name}: {len(ours)} samples, largest relative difference in scores {score_gap:.2e}, in codes {code_gap:.2e}")
    if codes.shape != our_codes.shape or score_gap > 1e-4 or code_gap > 1e-4:
        sys.exit(f"FAILED: {name}: PyTorch's scores or codes differ from aegrad's")

# A tied model's decoder weights are the encoder's, transposed, as copies of their own.
state = loaded["dense-tied"]["state"]
if not torch.equal(state["encoder.0.weight"].T, state["decoder.2.weight"]):
    sys.exit("FAILED: the tied decoder's exported weight is not the encoder's transposed")
print("ok")
