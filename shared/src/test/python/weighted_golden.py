"""Golden vectors for weighted learner steps (example weights, explicit and balanced class
weights) with softmax cross-entropy, binary cross-entropy, MSE and Huber, from PyTorch.

Run from the repository root with Debian's python (PyTorch 1.13, scikit-learn 1.2):

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 shared/src/test/python/weighted_golden.py

It writes shared/src/test/resources/golden/weighted.json, read by WeightedStepGoldenTest, which
feeds each case's examples with their weights to an OnlineLearner made from the case's spec and
compares its weights after every mini-batch with PyTorch's. Everything is float32.

The weighted loss of a mini-batch of B examples is sum_i w_i * loss_i / B, where w_i is the
example's weight times its class's weight, rounded to float32 (docs/engine.md): PyTorch's losses
with reduction='none', multiplied by w and summed, divided by B. That is not what
CrossEntropyLoss(weight=...) with reduction='mean' does (it divides by sum_i w_i): the script checks
that this other divisor would miss the golden weights by far, so the Java test pins the divisor.

Balanced class weights (docs/spec.md) at each step are (n + C) / (C * (n_c + 1)) with n_c the
examples of class c accepted so far, the step's own mini-batch included, and n = sum n_c; the
script checks that this equals scikit-learn's compute_class_weight('balanced') on those labels plus
one example of every class.

SGD is the optimizer of every case on purpose: Adam divides each gradient by its own running
scale, so it would hide a wrong weight; SGD moves every weight by lr times its gradient.
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.utils.class_weight import compute_class_weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from learner_golden import SplitMix64, f32, flat  # noqa: E402  (one SplitMix64 for all goldens)

torch.set_num_threads(1)
torch.manual_seed(20260712)

STEPS = 4
BATCH = 4
# The Java test's agreement bound is 2e-5 + 2e-5·|torch|; a variant must miss by 100 times more.
SENSITIVITY = 100 * 2e-5


def base_spec(**kw):
    spec = {
        "hidden": [5],
        "activation": "tanh",
        "init": "xavier_uniform",
        "batch_size": BATCH,
        "standardize": False,
        "seed": 77,
        "clip_norm": 0,
        "optimizer": {"name": "sgd", "learning_rate": 0.3},
    }
    spec.update(kw)
    return spec


CASES = [
    (
        "softmax_explicit",
        base_spec(inputs=4, class_names=["ham", "spam", "eggs"], loss="softmax_cross_entropy",
                  class_weight={"ham": 0.5, "spam": 2.0, "eggs": 1.25}),
    ),
    (
        "softmax_balanced",
        base_spec(inputs=4, classes=3, loss="softmax_cross_entropy", class_weight="balanced"),
    ),
    (
        "bce_explicit",
        base_spec(inputs=3, classes=2, loss="binary_cross_entropy", class_weight=[1.0, 3.0]),
    ),
    ("mse", base_spec(inputs=3, task="regression", targets=2, loss="mse")),
    ("huber", base_spec(inputs=3, task="regression", targets=2, loss="huber", huber_delta=0.5)),
]


def widths(spec):
    if spec.get("task") == "regression":
        out = spec["targets"]
    elif spec["loss"] == "binary_cross_entropy":
        out = 1
    else:
        out = spec.get("classes", len(spec.get("class_names", [])))
    return [spec["inputs"]] + spec["hidden"] + [out]


def classes(spec):
    return spec.get("classes", len(spec.get("class_names", [])))


def initial_weights(spec):
    """Initializers under XAVIER_UNIFORM for every dense layer, as learner_golden.py."""
    rng = SplitMix64(spec["seed"])
    out = []
    w = widths(spec)
    for fan_in, fan_out in zip(w[:-1], w[1:]):
        a = (3.0 * (2.0 / (fan_in + fan_out))) ** 0.5
        values = [f32((2.0 * rng.next_double() - 1.0) * a) for _ in range(fan_in * fan_out)]
        out.append(torch.tensor(values, dtype=torch.float32).reshape(fan_in, fan_out))
    return out


def class_weight_explicit(spec):
    cw = spec.get("class_weight")
    if cw is None or cw == "balanced":
        return None
    if isinstance(cw, dict):
        return [float(cw[name]) for name in spec["class_names"]]
    return [float(v) for v in cw]


def balanced(counts):
    """(n + C) / (C * (n_c + 1)), in float64."""
    c = len(counts)
    n = sum(counts)
    return [(n + c) / (c * (k + 1.0)) for k in counts]


def check_balanced_against_sklearn(labels, c):
    counts = [labels.count(k) for k in range(c)]
    augmented = labels + list(range(c))
    ours = balanced(counts)
    theirs = compute_class_weight("balanced", classes=np.arange(c), y=np.array(augmented))
    if not np.allclose(ours, theirs, rtol=1e-15, atol=0):
        sys.exit(f"balanced weights {ours} differ from scikit-learn's {list(theirs)}")


def data(name, spec):
    n = STEPS * BATCH
    x = torch.randn(n, spec["inputs"]) * 1.2
    if spec.get("task") == "regression":
        y = torch.randn(n, spec["targets"]) * 2.0
    elif name == "softmax_balanced":
        # An imbalanced stream: mostly class 0, class 2 rare.
        y = torch.tensor([0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0, 1, 0, 2])
    else:
        y = torch.randint(0, classes(spec), (n,))
    # Weights of every kind, a 0 in every mini-batch but the last.
    w = torch.tensor([1.0, 0.5, 0.0, 2.0, 3.0, 0.0, 1.0, 0.25, 1.0, 1.0, 0.0, 1.5,
                      1.0, 2.0, 0.75, 1.0])
    return x, y, w


def build(spec):
    w = widths(spec)
    linears = []
    for l, init in enumerate(initial_weights(spec)):
        lin = nn.Linear(w[l], w[l + 1])
        with torch.no_grad():
            lin.weight.copy_(init.t())
            lin.bias.zero_()
        linears.append(lin)
    layers = []
    for lin in linears[:-1]:
        layers += [lin, nn.Tanh()]
    return linears, nn.Sequential(*layers, linears[-1])


def per_example_loss(spec, logits, y):
    """(B) loss per example, the mean over its outputs for regression."""
    loss = spec["loss"]
    if loss == "softmax_cross_entropy":
        return F.cross_entropy(logits, y, reduction="none")
    if loss == "binary_cross_entropy":
        return F.binary_cross_entropy_with_logits(logits[:, 0], y.float(), reduction="none")
    if loss == "mse":
        return F.mse_loss(logits, y, reduction="none").mean(dim=1)
    return F.huber_loss(logits, y, reduction="none", delta=spec["huber_delta"]).mean(dim=1)


def train(spec, x, y, w, divisor="batch", weighted=True):
    """STEPS SGD steps; per step the unweighted loss before the update, the weights and params."""
    linears, net = build(spec)
    opt = torch.optim.SGD(net.parameters(), lr=spec["optimizer"]["learning_rate"])
    explicit = class_weight_explicit(spec)
    c = classes(spec)
    counts = [0] * c
    steps = []
    for t in range(STEPS):
        rows = slice(t * BATCH, (t + 1) * BATCH)
        xb, yb, wb = x[rows], y[rows], w[rows]
        if spec.get("class_weight") == "balanced":
            for k in yb.tolist():
                counts[k] += 1
            cw = balanced(counts)
        else:
            cw = explicit
        omega = []
        for i in range(BATCH):
            v = float(wb[i])
            if cw is not None:
                v *= cw[int(yb[i])]
            omega.append(f32(v))
        om = torch.tensor(omega, dtype=torch.float32)
        opt.zero_grad()
        logits = net(xb)
        losses = per_example_loss(spec, logits, yb)
        if not weighted:
            loss = losses.mean()
        elif divisor == "batch":
            loss = (losses * om).sum() / BATCH
        else:
            loss = (losses * om).sum() / om.sum()
        loss.backward()
        opt.step()
        after = {}
        for l, lin in enumerate(linears):
            after[f"dense.{l}.weight"] = flat(lin.weight.t())
            after[f"dense.{l}.bias"] = flat(lin.bias)
        steps.append(
            {
                "loss": float(losses.mean()),
                "loss_weights": omega,
                "params": after,
            }
        )
    return steps


def largest_difference(a, b):
    worst = 0.0
    for name, values in b[-1]["params"].items():
        for u, v in zip(a[-1]["params"][name], values):
            worst = max(worst, abs(u - v) / (1 + abs(v)))
    return worst


def main():
    cases = []
    for name, spec in CASES:
        x, y, w = data(name, spec)
        if spec.get("class_weight") == "balanced":
            labels = y.tolist()
            for t in range(1, STEPS + 1):
                check_balanced_against_sklearn(labels[: t * BATCH], classes(spec))
        steps = train(spec, x, y, w)
        for what, variant in [
            ("unweighted", train(spec, x, y, w, weighted=False)),
            ("divided by the sum of the weights", train(spec, x, y, w, divisor="sum")),
        ]:
            d = largest_difference(variant, steps)
            if d < SENSITIVITY:
                sys.exit(f"{name}: {what} changes the weights by only {d}")
            print(f"{name}: {what}: largest relative difference {d:.3g}")
        initial = {}
        for l, iw in enumerate(initial_weights(spec)):
            initial[f"dense.{l}.weight"] = flat(iw)
            initial[f"dense.{l}.bias"] = [0.0] * widths(spec)[l + 1]
        if spec.get("task") == "regression":
            labels = flat(y)
        else:
            labels = [float(v) for v in y.tolist()]
        cases.append(
            {
                "name": name,
                "spec": spec,
                "features": flat(x),
                "labels": labels,
                "weights": flat(w),
                "initial": initial,
                "steps": steps,
            }
        )
    doc = {
        "generator": "shared/src/test/python/weighted_golden.py",
        "torch": torch.__version__,
        "cases": cases,
    }
    root = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(root, "..", "resources", "golden", "weighted.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
