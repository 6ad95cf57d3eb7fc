#!/usr/bin/env python3
"""Every op against PyTorch in float64: values and gradients on random shapes and on the edges (empty and
size-1 dimensions, images smaller than a kernel, huge magnitudes, kinks, ties, a retained graph run twice).
Each case runs in its own op_peer process with the buffer pool filled with a NaN sentinel, so a crash or a
read of unwritten memory is pinned to its case.
    torch_differential.py PATH/TO/op_peer
Exit 77 (skipped) where python3-torch is missing."""
import json, math, subprocess, sys

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError:
    print("python3-torch is not installed: skipped")
    sys.exit(77)

torch.set_default_dtype(torch.float64)
peer = sys.argv[1]
rng = np.random.default_rng(1234)


def enc(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [v if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
                                             for v in a.ravel().tolist()]}


def dec(j):
    return np.array([float(v) for v in j["data"]], dtype=np.float64).reshape(j["shape"])


def randn(*shape, scale=1.0):
    return rng.standard_normal(shape) * scale


def positive(*shape):
    return rng.uniform(0.2, 3.0, shape)


def probs(*shape):
    return rng.uniform(0.05, 0.95, shape)


# op name -> the PyTorch function over (tensors, params)
TORCH = {
    "relu": lambda x, p: F.relu(x[0]),
    "leaky_relu": lambda x, p: F.leaky_relu(x[0], p["slope"]),
    "elu": lambda x, p: F.elu(x[0], p["alpha"]),
    "selu": lambda x, p: F.selu(x[0]),
    "sigmoid": lambda x, p: torch.sigmoid(x[0]),
    "tanh": lambda x, p: torch.tanh(x[0]),
    "softplus": lambda x, p: F.softplus(x[0]),
    "softmax": lambda x, p: F.softmax(x[0], p["axis"]),
    "log_softmax": lambda x, p: F.log_softmax(x[0], p["axis"]),
    "neg": lambda x, p: -x[0],
    "exp": lambda x, p: torch.exp(x[0]),
    "log": lambda x, p: torch.log(x[0]),
    "sqrt": lambda x, p: torch.sqrt(x[0]),
    "pow": lambda x, p: torch.pow(x[0], p["p"]),
    "abs": lambda x, p: torch.abs(x[0]),
    "clamp": lambda x, p: torch.clamp(x[0], p["lo"], p["hi"]),
    "add": lambda x, p: x[0] + x[1],
    "sub": lambda x, p: x[0] - x[1],
    "mul": lambda x, p: x[0] * x[1],
    "div": lambda x, p: x[0] / x[1],
    "matmul": lambda x, p: x[0] @ x[1],
    "matmul_bt": lambda x, p: x[0] @ x[1].T,
    "linear": lambda x, p: F.linear(x[0], x[1], x[2]),
    "sum": lambda x, p: torch.sum(x[0], dim=p["axes"], keepdim=p.get("keepdims", False)) if "axes" in p else torch.sum(x[0]),
    "mean": lambda x, p: torch.mean(x[0], dim=p["axes"], keepdim=p.get("keepdims", False)) if "axes" in p else torch.mean(x[0]),
    "reshape": lambda x, p: torch.reshape(x[0], p["shape"]),
    "flatten": lambda x, p: torch.flatten(x[0], 1),
    "transpose": lambda x, p: x[0].T,
    "slice": lambda x, p: torch.narrow(x[0], p["axis"], p["start"], p["stop"] - p["start"]),
    "concat": lambda x, p: torch.cat(x, p["axis"]),
    "mse_loss": lambda x, p: F.mse_loss(x[0], x[1]),
    "binary_cross_entropy": lambda x, p: F.binary_cross_entropy(x[0], x[1]),
    "bce_with_logits": lambda x, p: F.binary_cross_entropy_with_logits(x[0], x[1]),
    "cross_entropy": lambda x, p: F.cross_entropy(x[0], torch.tensor(p["labels"])),
    "masked_mse_loss": lambda x, p: (torch.sum(torch.tensor(dec(p["mask"])) * (x[0] - x[1]) ** 2) /
                                     torch.sum(torch.tensor(dec(p["mask"])))),
    "gaussian_kl": lambda x, p: torch.mean(-0.5 * torch.sum(1 + x[1] - x[0] ** 2 - torch.exp(x[1]), dim=1)),
    "conv2d": lambda x, p: F.conv2d(x[0], x[1], x[2] if len(x) > 2 else None, p.get("stride", 1), p.get("padding", 0),
                                    p.get("dilation", 1)),
    "conv_transpose2d": lambda x, p: F.conv_transpose2d(x[0], x[1], x[2] if len(x) > 2 else None, p.get("stride", 1),
                                                        p.get("padding", 0), p.get("output_padding", 0), 1,
                                                        p.get("dilation", 1)),
    "max_pool2d": lambda x, p: F.max_pool2d(x[0], p.get("kernel", 2), p.get("stride") or None, p.get("padding", 0)),
    "avg_pool2d": lambda x, p: F.avg_pool2d(x[0], p.get("kernel", 2), p.get("stride") or None, p.get("padding", 0),
                                            count_include_pad=p.get("count_include_pad", True)),
    "global_avg_pool2d": lambda x, p: torch.mean(x[0], dim=(2, 3)),
    "upsample_nearest2d": lambda x, p: F.interpolate(x[0], scale_factor=p.get("scale", 2), mode="nearest"),
    "upsample_bilinear2d": lambda x, p: F.interpolate(x[0], scale_factor=p.get("scale", 2), mode="bilinear",
                                                      align_corners=False),
    "batch_norm": lambda x, p: F.batch_norm(x[0], None, None, x[1], x[2], training=True, eps=p.get("eps", 1e-5)),
}

cases = []


def case(op, inputs, params=None, retain=False, note="", rtol=1e-9, compared=None, refused=False):
    """compared: the inputs whose gradients are compared (default all); refused: ours must refuse the case with
    an error naming the op, where PyTorch computes something."""
    cases.append({"op": op, "inputs": [np.asarray(a, dtype=np.float64) for a in inputs], "params": params or {},
                  "retain": retain, "note": note, "rtol": rtol, "compared": compared, "refused": refused})


# Elementwise ops: random values, empty and size-1 shapes, kinks at 0 and huge magnitudes.
kinks = np.array([-2.0, -1e-300, 0.0, 0.0, 1e-300, 3.0])
huge = np.array([-1e300, -800.0, -30.0, 30.0, 800.0, 1e300])
for op, params in [("relu", {}), ("leaky_relu", {"slope": 0.1}), ("elu", {"alpha": 0.7}), ("selu", {}),
                   ("sigmoid", {}), ("tanh", {}), ("softplus", {}), ("neg", {}), ("exp", {}), ("abs", {}),
                   ("clamp", {"lo": -0.5, "hi": 0.5})]:
    case(op, [randn(3, 4)], params)
    case(op, [np.zeros((0, 3))], params, note="empty")
    case(op, [randn(1, 1)], params, note="size-1")
    case(op, [kinks], params, note="kinks")
    case(op, [huge], params, note="huge magnitudes")
case("clamp", [np.array([-0.5, 0.5, -0.50001, 0.49999])], {"lo": -0.5, "hi": 0.5}, note="at the bounds")
for op in ["log", "sqrt"]:
    case(op, [positive(3, 4)])
    case(op, [np.array([0.0, 1e-300, 1e300, 4.0])], note="0 and huge")
    case(op, [np.zeros((2, 0))], note="empty")
for pw in [0.0, 1.0, 2.0, 3.0, 0.5, -1.0, 2.5]:
    case("pow", [positive(2, 3)], {"p": pw})
    case("pow", [np.array([0.0, 1.0, 2.0])], {"p": pw}, note="at 0")
case("pow", [np.array([-2.0, -0.5, 1.5])], {"p": 2.0}, note="negative base, integer power")
for axis in [-1, 0]:
    for op in ["softmax", "log_softmax"]:
        case(op, [randn(3, 5)], {"axis": axis})
        case(op, [np.array([[1000.0, 1000.0, -1000.0], [1e300, 0.0, -1e300]])], {"axis": axis}, note="huge logits")
        case(op, [randn(1, 1)], {"axis": axis}, note="size-1")

# Broadcasting binary ops.
for op in ["add", "sub", "mul", "div"]:
    second = (lambda *s: positive(*s) + 0.5) if op == "div" else randn
    case(op, [randn(3, 4), second(3, 4)])
    case(op, [randn(3, 4), second(4)], note="row broadcast")
    case(op, [randn(3, 1), second(1, 4)], note="outer broadcast")
    case(op, [randn(2, 3, 4), second(3, 1)], note="3-D broadcast")
    case(op, [np.zeros((0, 3)), second(3)], note="empty broadcast")
    case(op, [randn(1), second(1)], note="size-1")
    case(op, [randn(3, 4), second(3, 4)], retain=True, note="retained graph, backward twice")
case("mul", [np.array([1e200, -1e200]), np.array([1e200, 1e200])], note="overflow")
case("div", [np.array([1.0, -1.0, 0.0]), np.array([0.0, 0.0, 0.0])], note="division by zero")

# Products.
case("matmul", [randn(3, 4), randn(4, 5)])
case("matmul", [randn(1, 1), randn(1, 1)], note="1x1")
case("matmul", [randn(0, 4), randn(4, 5)], note="no rows")
case("matmul", [randn(3, 0), randn(0, 5)], note="empty inner dimension")
case("matmul_bt", [randn(3, 4), randn(5, 4)], note="transposed view, as a tied decoder reads it")
case("matmul_bt", [randn(3, 4), randn(5, 4)], retain=True, note="transposed view, retained graph")
case("linear", [randn(3, 4), randn(5, 4), randn(5)])
case("linear", [randn(1, 1), randn(1, 1), randn(1)], note="size-1")

# Reductions and shapes.
for op in ["sum", "mean"]:
    case(op, [randn(3, 4)])
    case(op, [randn(2, 3, 4)], {"axes": [1]})
    case(op, [randn(2, 3, 4)], {"axes": [0, 2], "keepdims": True})
    case(op, [randn(2, 3, 4)], {"axes": [-1]})
    case(op, [np.zeros((0, 3))], {"axes": [1]}, note="empty rows, reduced over a full axis")
    case(op, [randn(1, 1)], {"axes": [0]}, note="size-1")
case("sum", [np.zeros((0, 3))], {"axes": [0]}, note="over an empty axis")
case("sum", [np.zeros((0, 3))], note="all of an empty tensor")
# The mean of nothing: PyTorch returns NaN, ours refuses with an error naming the op and the shape (a NaN that
# starts here would surface far away).
case("mean", [np.zeros((0, 3))], {"axes": [0]}, note="over an empty axis: 0 / 0", refused=True)
case("reshape", [randn(2, 6)], {"shape": [3, -1]})
case("reshape", [randn(0, 6)], {"shape": [0, 2, 3]}, note="empty")
case("flatten", [randn(2, 3, 4, 2)])
case("transpose", [randn(3, 4)])
case("slice", [randn(4, 5)], {"axis": 1, "start": 1, "stop": 4})
case("slice", [randn(4, 5)], {"axis": 0, "start": 2, "stop": 2}, note="empty slice")
case("slice", [randn(4, 5)], {"axis": -1, "start": 4, "stop": 5}, note="last element")
case("concat", [randn(2, 3), randn(2, 4)], {"axis": 1})
case("concat", [randn(2, 3), randn(0, 3)], {"axis": 0}, note="with an empty part")

# Losses.
case("mse_loss", [randn(4, 3), randn(4, 3)])
case("mse_loss", [randn(1, 1), randn(1, 1)], note="size-1")
case("binary_cross_entropy", [probs(4, 3), probs(4, 3)])
case("binary_cross_entropy", [np.array([0.0, 1.0, 1e-300, 1 - 1e-16]), np.array([0.3, 0.7, 1.0, 0.0])],
     note="saturated: the log clamps at -100", rtol=1e-8, compared=[0])  # PyTorch's gradient divides by max((1 - p) p, eps) with
# eps the float 1e-12 (9.99999996e-13), ours the double: 4e-9 apart where the clamp acts. Its gradient for the
# target at p = 0 is infinite, the derivative of the unclamped log; ours (25) is that of the loss as computed.
case("bce_with_logits", [randn(4, 3, scale=3), probs(4, 3)])
case("bce_with_logits", [np.array([-800.0, 800.0, 0.0, 1e300]), np.array([1.0, 0.0, 0.5, 0.0])], note="huge logits")
case("cross_entropy", [randn(4, 5)], {"labels": [0, 4, 2, 2]})
case("cross_entropy", [np.array([[1000.0, -1000.0, 0.0]])], {"labels": [1]}, note="huge logits")
mask = (rng.random((4, 3)) < 0.5).astype(float)
mask[0, 0] = 1.0
case("masked_mse_loss", [randn(4, 3), randn(4, 3)], {"mask": enc(mask)})
case("gaussian_kl", [randn(4, 3), randn(4, 3)])
case("gaussian_kl", [randn(1, 1), np.array([[30.0]])], note="large log-variance")

# Convolutions, pooling, upsampling, BatchNorm.
for params in [{}, {"padding": 1}, {"stride": 2, "padding": 1}, {"dilation": 2, "padding": 2}, {"stride": [2, 1], "padding": [0, 1]}]:
    case("conv2d", [randn(2, 3, 7, 6), randn(4, 3, 3, 3), randn(4)], params)
case("conv2d", [randn(1, 1, 1, 1), randn(2, 1, 3, 3), randn(2)], {"padding": 1}, note="1x1 image, 3x3 kernel")
case("conv2d", [randn(2, 2, 2, 2), randn(3, 2, 5, 5), randn(3)], {"padding": 2}, note="2x2 image, 5x5 kernel")
case("conv2d", [randn(2, 1, 1, 3), randn(2, 1, 3, 3), randn(2)], {"padding": 1}, note="1x3 image")
case("conv2d", [randn(0, 3, 5, 5), randn(4, 3, 3, 3), randn(4)], {"padding": 1}, note="empty batch")
case("conv2d", [randn(2, 3, 5, 5), randn(4, 3, 1, 1)], note="1x1 kernel, no bias")
case("conv2d", [randn(2, 3, 6, 6), randn(4, 3, 3, 3), randn(4)], {"padding": 1}, retain=True, note="retained graph")
for params in [{}, {"stride": 2, "padding": 1, "output_padding": 1}, {"stride": 2}, {"dilation": 2}]:
    case("conv_transpose2d", [randn(2, 3, 4, 5), randn(3, 2, 3, 3), randn(2)], params)
case("conv_transpose2d", [randn(1, 2, 1, 1), randn(2, 3, 3, 3), randn(3)], {"padding": 1}, note="1x1 image")
case("conv_transpose2d", [randn(0, 2, 3, 3), randn(2, 3, 3, 3), randn(3)], note="empty batch")
for params in [{"kernel": 2}, {"kernel": 3, "stride": 2, "padding": 1}, {"kernel": 2, "stride": 1}]:
    case("max_pool2d", [randn(2, 3, 6, 5)], params)
    case("avg_pool2d", [randn(2, 3, 6, 5)], params)
case("avg_pool2d", [randn(2, 3, 6, 5)], {"kernel": 3, "stride": 2, "padding": 1, "count_include_pad": False})
case("max_pool2d", [np.ones((1, 1, 4, 4))], {"kernel": 2}, note="ties: every window constant")
case("max_pool2d", [np.array([[[[1.0, np.nan], [np.nan, 0.0]]]])], {"kernel": 2}, note="NaN in a window")
case("max_pool2d", [randn(1, 1, 1, 1)], {"kernel": 1}, note="1x1")
case("global_avg_pool2d", [randn(2, 3, 4, 5)])
case("upsample_nearest2d", [randn(2, 3, 3, 4)], {"scale": 2})
case("upsample_nearest2d", [randn(1, 1, 1, 1)], {"scale": [3, 2]}, note="1x1")
case("upsample_bilinear2d", [randn(2, 3, 3, 4)], {"scale": 2})
case("upsample_bilinear2d", [randn(1, 2, 1, 1)], {"scale": 3}, note="1x1: the edges clamp")
case("batch_norm", [randn(4, 3, 2, 2), randn(3), randn(3)])
case("batch_norm", [randn(5, 3), randn(3), randn(3)], note="flat")
case("batch_norm", [randn(2, 2, 1, 1) * 1e6, randn(2), randn(2)], note="large values")


def close(ours, theirs, rtol):
    """Same shape, NaN where PyTorch has NaN, infinities equal, and finite values within rtol relative
    (rtol of the case's largest magnitude absolute; 1e-9: float64 differs by summation order only)."""
    if ours.shape != theirs.shape:
        return f"shape {list(ours.shape)}, PyTorch's {list(theirs.shape)}"
    bad_nan = np.isnan(ours) != np.isnan(theirs)
    if bad_nan.any():
        i = tuple(np.argwhere(bad_nan)[0])
        return f"at {list(i)}: ours {ours[i]}, PyTorch's {theirs[i]}"
    fin = np.isfinite(theirs)
    if (np.isinf(ours) != np.isinf(theirs)).any() or (ours[~fin & ~np.isnan(theirs)] != theirs[~fin & ~np.isnan(theirs)]).any():
        i = tuple(np.argwhere((ours != theirs) & ~fin & ~np.isnan(theirs) | (np.isinf(ours) != np.isinf(theirs)))[0])
        return f"at {list(i)}: ours {ours[i]}, PyTorch's {theirs[i]}"
    if fin.any():
        scale = max(1.0, float(np.max(np.abs(theirs[fin]))))
        err = np.abs(ours[fin] - theirs[fin]) - rtol * (np.abs(theirs[fin]) + scale)
        if (err > 0).any():
            k = int(np.argmax(err))
            return f"off by {abs(ours[fin][k] - theirs[fin][k]):.3g}: ours {ours[fin][k]!r}, PyTorch's {theirs[fin][k]!r}"
    return None


failures, checked = [], 0
for c in cases:
    name = f"{c['op']} {[list(a.shape) for a in c['inputs']]} {c['params'] if c['op'] != 'masked_mse_loss' else ''}" \
           f"{' (' + c['note'] + ')' if c['note'] else ''}"
    tensors = [torch.tensor(a, requires_grad=True) for a in c["inputs"]]
    params = c["params"]
    try:
        y = TORCH[c["op"]](tensors, params)
    except Exception as e:  # PyTorch refuses the case: ours must refuse it too
        y = None
        theirs_error = str(e).splitlines()[0]
    upstream = rng.standard_normal(tuple(y.shape)) if y is not None and y.dim() > 0 else None
    request = {"op": c["op"], "inputs": [enc(a) for a in c["inputs"]], "params": params, "retain": c["retain"]}
    if upstream is not None:
        request["upstream"] = enc(upstream)
    run = subprocess.run([peer], input=json.dumps(request), capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        failures.append(f"{name}: op_peer exited {run.returncode}: {run.stderr.strip()[-300:]}")
        continue
    ours = json.loads(run.stdout)
    if y is None:
        if "error" not in ours:
            failures.append(f"{name}: PyTorch refuses it ({theirs_error}), ours does not")
        else:
            checked += 1
        continue
    if c["refused"]:
        if "error" in ours and ours["error"].startswith(c["op"] + ":"):
            checked += 1
        else:
            failures.append(f"{name}: ours should refuse it naming the op, and gave {ours}")
        continue
    if "error" in ours:
        failures.append(f"{name}: ours refuses it: {ours['error']}")
        continue
    problem = close(dec(ours["value"]), y.detach().numpy(), c["rtol"])
    if problem:
        failures.append(f"{name}: value {problem}")
        continue
    seed = torch.tensor(upstream) if upstream is not None else torch.ones(())
    y.backward(seed, retain_graph=c["retain"])
    if c["retain"]:
        y.backward(seed)
    for i, t in enumerate(tensors):
        if c["compared"] is not None and i not in c["compared"]:
            continue
        theirs = t.grad.numpy() if t.grad is not None else np.zeros(t.shape)
        mine = ours["grads"][i]
        mine = dec(mine) if mine is not None else np.zeros(t.shape)
        problem = close(mine, theirs, c["rtol"])
        if problem:
            failures.append(f"{name}: gradient of input {i} {problem}")
            break
    else:
        checked += 1

for f in failures:
    print("FAILED:", f)
print(f"{checked} of {len(cases)} cases agree with PyTorch {torch.__version__} in values and gradients")
sys.exit(1 if failures else 0)
