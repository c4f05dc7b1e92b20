"""Golden vectors for whole learner steps (forward, loss, backward, clipping, weight-decay mask,
optimizer, schedule), from PyTorch.

Run from the repository root with Debian's python (PyTorch 1.13):

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 shared/src/test/python/learner_golden.py

It writes shared/src/test/resources/golden/learner.json, read by LearnerStepGoldenTest, which feeds
the same examples to an OnlineLearner made from the same spec and compares its weights after every
mini-batch with PyTorch's. Everything is float32.

The learner draws its initial weights from the spec's seed (SplitMix64, Xavier uniform; see
Initializers and SplitMix64); this script draws the very same numbers, so both sides start from
identical weights, and the Java test checks that first. One step of the learner, in order:
forward in training mode, mean softmax cross-entropy, backward, clip all gradients by their global
norm, AdamW with weight decay on dense weights only (Mlp.decay(): biases never decay), at the
schedule's rate for step t rounded to float32 (the learner passes a float).

The script also checks that the case can tell the pieces apart: rerun with clipping off, with
weight decay on every tensor, or with the base rate instead of the schedule, the weights after the
last step must differ from the golden ones by far more than the Java test's tolerance; and every
step's gradient norm must lie clearly on one side of clip_norm, with steps on both sides; and no
gradient element may be so small that rounding could flip its sign (Adam's step follows the sign).
"""

import json
import math
import os
import struct
import sys
import warnings

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(20261128)

SPEC = {
    "inputs": 5,
    "classes": 3,
    "hidden": [6, 4],
    "activation": "tanh",
    "init": "xavier_uniform",
    "loss": "softmax_cross_entropy",
    "batch_size": 4,
    "standardize": False,
    "seed": 2026,
    "clip_norm": 0.85,
    "optimizer": {
        "name": "adamw",
        "learning_rate": 0.05,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-8,
        "weight_decay": 0.5,
    },
    "schedule": {"name": "step", "warmup_steps": 2, "decay_steps": 2, "decay_rate": 0.5},
}
STEPS = 6
BATCH = SPEC["batch_size"]
WIDTHS = [SPEC["inputs"]] + SPEC["hidden"] + [SPEC["classes"]]
# The Java test's agreement bound is 2e-5 + 2e-5·|torch|; a variant must miss by 100 times more.
SENSITIVITY = 100 * 2e-5

MASK64 = (1 << 64) - 1


class SplitMix64:
    """io.streamprop.nn.SplitMix64, on Python ints masked to 64 bits."""

    GOLDEN_GAMMA = 0x9E3779B97F4A7C15

    def __init__(self, seed):
        self.state = seed & MASK64

    def next_long(self):
        self.state = (self.state + self.GOLDEN_GAMMA) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def next_double(self):
        return (self.next_long() >> 11) * 2.0**-53


def f32(x):
    """The double that equals float32(x) (round to nearest even, as Java's (float) cast)."""
    return struct.unpack("f", struct.pack("f", x))[0]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def initial_weights():
    """Initializers.fill under XAVIER_UNIFORM for every dense layer, in layer order: (in, out)
    row-major, w = float((2·u − 1)·a) with a = √(3 · 2/(in + out)). Biases start at zero."""
    rng = SplitMix64(SPEC["seed"])
    weights = []
    for fan_in, fan_out in zip(WIDTHS[:-1], WIDTHS[1:]):
        a = math.sqrt(3.0 * (2.0 / (fan_in + fan_out)))
        values = [f32((2.0 * rng.next_double() - 1.0) * a) for _ in range(fan_in * fan_out)]
        weights.append(torch.tensor(values, dtype=torch.float32).reshape(fan_in, fan_out))
    return weights


def rate(t):
    """LearningRateSchedule for the 1-based step t (docs/optimizers.md), before float rounding."""
    s = SPEC["schedule"]
    base = SPEC["optimizer"]["learning_rate"]
    if t <= s["warmup_steps"]:
        return base * t / s["warmup_steps"]
    e = t - s["warmup_steps"] - 1
    return base * s["decay_rate"] ** (e // s["decay_steps"])


def torch_rates():
    """The same rates from PyTorch's own schedulers (LinearLR warm-up, then StepLR)."""
    s = SPEC["schedule"]
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=SPEC["optimizer"]["learning_rate"])
    warm = torch.optim.lr_scheduler.LinearLR(
        opt, start_factor=1 / s["warmup_steps"], end_factor=1.0, total_iters=s["warmup_steps"] - 1
    )
    after = torch.optim.lr_scheduler.StepLR(opt, step_size=s["decay_steps"], gamma=s["decay_rate"])
    sched = torch.optim.lr_scheduler.SequentialLR(opt, [warm, after], milestones=[s["warmup_steps"]])
    rates = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SequentialLR's deprecated step(epoch) call
        for _ in range(STEPS):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
    return rates


def examples():
    """STEPS mini-batches of (features, class index)."""
    x = torch.randn(STEPS * BATCH, SPEC["inputs"]) * 1.5
    y = torch.randint(0, SPEC["classes"], (STEPS * BATCH,))
    return x, y


def train(x, y, clip=True, decay_biases=False, scheduled=True):
    """Runs STEPS learner steps; returns per step the loss, pre-clip norm, rate and parameters."""
    linears = []
    for l, w in enumerate(initial_weights()):
        lin = nn.Linear(WIDTHS[l], WIDTHS[l + 1])
        with torch.no_grad():
            lin.weight.copy_(w.t())
            lin.bias.zero_()
        linears.append(lin)
    layers = []
    for lin in linears[:-1]:
        layers += [lin, nn.Tanh()]
    net = nn.Sequential(*layers, linears[-1])
    net.train()
    o = SPEC["optimizer"]
    weights = [lin.weight for lin in linears]
    biases = [lin.bias for lin in linears]
    groups = [
        {"params": weights, "weight_decay": o["weight_decay"]},
        {"params": biases, "weight_decay": o["weight_decay"] if decay_biases else 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=o["learning_rate"], betas=(o["beta1"], o["beta2"]), eps=o["epsilon"])
    loss_fn = nn.CrossEntropyLoss()
    params = [p for lin in linears for p in (lin.weight, lin.bias)]
    steps = []
    for t in range(1, STEPS + 1):
        rows = slice((t - 1) * BATCH, t * BATCH)
        opt.zero_grad()
        loss = loss_fn(net(x[rows]), y[rows])
        loss.backward()
        norm = float(torch.norm(torch.stack([torch.norm(p.grad, 2.0) for p in params]), 2.0))
        smallest = min(float(p.grad.abs().min()) for p in params)
        if clip:
            torch.nn.utils.clip_grad_norm_(params, SPEC["clip_norm"])
        lr = f32(rate(t) if scheduled else o["learning_rate"])
        for group in opt.param_groups:
            group["lr"] = lr
        opt.step()
        after = {}
        for l, lin in enumerate(linears):
            after[f"dense.{l}.weight"] = flat(lin.weight.t())
            after[f"dense.{l}.bias"] = flat(lin.bias)
        steps.append(
            {
                "loss": float(loss.item()),
                "gradient_norm": norm,
                "smallest_gradient": smallest,
                "learning_rate": lr,
                "params": after,
            }
        )
    return steps


def largest_difference(a, b):
    """max over every parameter of |a − b| / (1 + |b|), after the last step."""
    worst = 0.0
    for name, values in b[-1]["params"].items():
        for u, v in zip(a[-1]["params"][name], values):
            worst = max(worst, abs(u - v) / (1 + abs(v)))
    return worst


def main():
    for t, r in enumerate(torch_rates(), start=1):
        if not math.isclose(r, rate(t), rel_tol=1e-12):
            sys.exit(f"step {t}: torch's schedulers give {r}, the documented formula {rate(t)}")
    x, y = examples()
    steps = train(x, y)

    clipped = [s["gradient_norm"] > SPEC["clip_norm"] for s in steps]
    if all(clipped) or not any(clipped):
        sys.exit(f"clipping must apply in some steps and not in others: {[s['gradient_norm'] for s in steps]}")
    for t, s in enumerate(steps, start=1):
        if abs(s["gradient_norm"] - SPEC["clip_norm"]) < 0.01 * SPEC["clip_norm"]:
            sys.exit(f"step {t}: gradient norm {s['gradient_norm']} too close to clip_norm")
    # Adam's first steps move each weight by about ±lr whatever the gradient's size: a gradient
    # element near rounding noise would make its sign, and so the golden weight, arbitrary.
    for t, s in enumerate(steps, start=1):
        if s["smallest_gradient"] < 1e-5:
            sys.exit(f"step {t}: a gradient element of {s['smallest_gradient']} is too close to zero")
    for what, variant in [
        ("clipping off", train(x, y, clip=False)),
        ("weight decay on biases too", train(x, y, decay_biases=True)),
        ("no schedule", train(x, y, scheduled=False)),
    ]:
        d = largest_difference(variant, steps)
        if d < SENSITIVITY:
            sys.exit(f"{what} changes the weights by only {d}: the case cannot tell it apart")
        print(f"{what}: largest relative difference {d:.3g}")

    initial = {}
    for l, w in enumerate(initial_weights()):
        initial[f"dense.{l}.weight"] = flat(w)
        initial[f"dense.{l}.bias"] = [0.0] * WIDTHS[l + 1]
    doc = {
        "generator": "shared/src/test/python/learner_golden.py",
        "torch": torch.__version__,
        "spec": SPEC,
        # Which parameter tensors weight decay applies to: the learner's mask (Mlp.decay()).
        "decay": {name: name.endswith(".weight") for name in initial},
        "features": flat(x),
        "labels": [float(v) for v in y.tolist()],
        "initial": initial,
        "steps": steps,
    }
    root = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(root, "..", "resources", "golden", "learner.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {STEPS} steps ({sum(clipped)} clipped) to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
