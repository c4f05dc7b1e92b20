"""Golden vectors for streamprop's optimizers, schedules and gradient clipping, from PyTorch.

Run from the repository root with Debian's python (PyTorch 1.13):

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 shared/src/test/python/optim_golden.py

It writes shared/src/test/resources/golden/optim.json, read by OptimizerGoldenTest,
LearningRateScheduleTest and GradientClippingTest. Everything is float32 with a fixed seed.

Each optimizer case has two parameter tensors: a "weight" (3x4, weight decay applies) and a
"bias" (4, weight decay never applies, as streamprop's engine does for biases), so a case with
weight decay is two PyTorch param groups. Gradients vary per step (different scales, one exact
zero, sign changes), and so does the learning rate, as a schedule would make it. Learning rates
are float32 values, because streamprop passes each step's rate as a float.
"""

import json
import math
import os
import sys

import torch

torch.set_num_threads(1)
torch.manual_seed(20261127)

STEPS = 5
WEIGHT_SHAPE = (3, 4)
BIAS_SHAPE = (4,)


def f32(x):
    """The double that equals float32(x)."""
    return float(torch.tensor(x, dtype=torch.float32).item())


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


# One set of inputs shared by every optimizer case.
INITIAL = [torch.randn(WEIGHT_SHAPE), torch.randn(BIAS_SHAPE)]
GRAD_SCALES = [1.0, 0.1, 3.0, 0.5, 1e-3]
GRADS = []
for s in range(STEPS):
    step_grads = [torch.randn(WEIGHT_SHAPE) * GRAD_SCALES[s], torch.randn(BIAS_SHAPE) * GRAD_SCALES[s]]
    GRADS.append(step_grads)
GRADS[1][0][0, 0] = 0.0  # an exact zero: the adaptive methods must not divide 0 by 0
GRADS[2][1][:] = -GRADS[2][1]  # sign flips for momentum to undo


def case(name, base_lr, hyper, weight_decay):
    """Runs one optimizer for STEPS steps; hyper holds streamprop spec keys."""
    weight = INITIAL[0].clone().requires_grad_(True)
    bias = INITIAL[1].clone().requires_grad_(True)
    groups = [{"params": [weight], "weight_decay": weight_decay}, {"params": [bias], "weight_decay": 0.0}]
    if name == "sgd":
        opt = torch.optim.SGD(groups, lr=base_lr)
    elif name == "momentum":
        opt = torch.optim.SGD(groups, lr=base_lr, momentum=hyper["momentum"])
    elif name == "nesterov":
        opt = torch.optim.SGD(groups, lr=base_lr, momentum=hyper["momentum"], nesterov=True)
    elif name == "adagrad":
        opt = torch.optim.Adagrad(groups, lr=base_lr, eps=hyper["epsilon"])
    elif name == "rmsprop":
        opt = torch.optim.RMSprop(groups, lr=base_lr, alpha=hyper["rho"], eps=hyper["epsilon"])
    elif name == "adam":
        opt = torch.optim.Adam(groups, lr=base_lr, betas=(hyper["beta1"], hyper["beta2"]), eps=hyper["epsilon"])
    elif name == "adamw":
        opt = torch.optim.AdamW(groups, lr=base_lr, betas=(hyper["beta1"], hyper["beta2"]), eps=hyper["epsilon"])
    else:
        raise ValueError(name)

    # The rate varies per step as a schedule would vary it (warm-up, then decay).
    lrs = [f32(base_lr * factor) for factor in (0.5, 1.0, 1.0, 0.5, 0.25)]
    params_after = []
    for s in range(STEPS):
        for group in opt.param_groups:
            group["lr"] = lrs[s]
        weight.grad = GRADS[s][0].clone()
        bias.grad = GRADS[s][1].clone()
        opt.step()
        params_after.append([flat(weight), flat(bias)])
    spec = {"name": name, "learning_rate": base_lr, "weight_decay": weight_decay}
    spec.update(hyper)
    # The optimizer's state after the last step, under streamprop's names <paramIndex>.<slot>.
    state = {}
    for index, param in enumerate([weight, bias]):
        for torch_slot, slot in TORCH_SLOTS.items():
            if opt.state[param].get(torch_slot) is not None:
                state[f"{index}.{slot}"] = flat(opt.state[param][torch_slot])
    return {"spec": spec, "learning_rates": lrs, "params_after_step": params_after, "final_state": state}


TORCH_SLOTS = {
    "momentum_buffer": "velocity",
    "sum": "sum",
    "square_avg": "square_avg",
    "exp_avg": "m",
    "exp_avg_sq": "v",
}


HYPER = {
    "momentum": 0.9,
    "beta1": 0.9,
    "beta2": 0.999,
    "rho": 0.9,
    "epsilon": 1e-8,
}
BASE_LR = {
    "sgd": 0.1,
    "momentum": 0.05,
    "nesterov": 0.05,
    "adagrad": 0.1,
    "rmsprop": 0.01,
    "adam": 0.01,
    "adamw": 0.01,
}

optimizer_cases = []
for name, lr in BASE_LR.items():
    for wd in (0.0, 0.1):
        optimizer_cases.append(case(name, lr, dict(HYPER), wd))
# PyTorch's own RMSProp default (alpha 0.99) and AdaGrad default (eps 1e-10), besides ours.
optimizer_cases.append(case("rmsprop", 0.01, dict(HYPER, rho=0.99), 0.0))
optimizer_cases.append(case("adagrad", 0.01, dict(HYPER, epsilon=1e-10), 0.05))


def closed_form_rate(t, base, name, warmup, decay_steps, decay_rate):
    """docs/optimizers.md; t is the 1-based step."""
    if t <= warmup:
        return base * t / warmup
    e = t - warmup - 1
    if name == "constant":
        return base
    if name == "step":
        return base * decay_rate ** (e // decay_steps)
    return base / (1 + decay_rate * e / decay_steps)


def torch_rates(name, base, warmup, decay_steps, decay_rate, steps):
    """Rates PyTorch's schedulers give steps 1..steps (the rate in effect when step t runs)."""
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=base)
    if name == "constant":
        after = torch.optim.lr_scheduler.ConstantLR(opt, factor=1.0, total_iters=0)
    elif name == "step":
        after = torch.optim.lr_scheduler.StepLR(opt, step_size=decay_steps, gamma=decay_rate)
    else:
        # PyTorch has no inverse-time scheduler: Keras' InverseTimeDecay written as a LambdaLR.
        after = torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 1 / (1 + decay_rate * e / decay_steps))
    if warmup > 0:
        # Rebuild on a fresh optimizer so that `after` records base as its initial rate.
        opt = torch.optim.SGD([param], lr=base)
        warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1 / warmup, end_factor=1.0, total_iters=warmup - 1)
        if name == "constant":
            after = torch.optim.lr_scheduler.ConstantLR(opt, factor=1.0, total_iters=0)
        elif name == "step":
            after = torch.optim.lr_scheduler.StepLR(opt, step_size=decay_steps, gamma=decay_rate)
        else:
            after = torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 1 / (1 + decay_rate * e / decay_steps))
        sched = torch.optim.lr_scheduler.SequentialLR(opt, [warm, after], milestones=[warmup])
    else:
        sched = after
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return rates


schedule_cases = []
for name, base, warmup, decay_steps, decay_rate in [
    ("constant", 0.003, 0, 1000, 0.5),
    ("constant", 0.003, 4, 1000, 0.5),
    ("step", 0.1, 0, 3, 0.5),
    ("step", 0.1, 5, 4, 0.1),
    ("inverse_time", 0.05, 0, 2, 0.5),
    ("inverse_time", 0.05, 3, 5, 2.0),
]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SequentialLR's deprecated step(epoch) call
        rates = torch_rates(name, base, warmup, decay_steps, decay_rate, 20)
    for t, r in enumerate(rates, start=1):
        expected = closed_form_rate(t, base, name, warmup, decay_steps, decay_rate)
        if not math.isclose(r, expected, rel_tol=1e-9):
            sys.exit(f"{name} warmup={warmup}: torch gives {r} at step {t}, the documented formula {expected}")
    schedule_cases.append(
        {
            "name": name,
            "base": base,
            "warmup_steps": warmup,
            "decay_steps": decay_steps,
            "decay_rate": decay_rate,
            "rates": rates,
        }
    )

clipping_cases = []
for max_norm, scale in [(1.0, 1.0), (5.0, 1.0), (0.5, 10.0), (100.0, 1.0), (0.0, 1.0)]:
    grads = [torch.randn(5, 3) * scale, torch.randn(3) * scale, torch.randn(7) * scale]
    before = [flat(g) for g in grads]
    params = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    if max_norm > 0:
        norm = float(torch.nn.utils.clip_grad_norm_(params, max_norm))
    else:
        # streamprop: max_norm <= 0 turns clipping off (torch would zero the gradients).
        norm = float(torch.norm(torch.stack([torch.norm(p.grad, 2.0) for p in params]), 2.0))
    clipping_cases.append(
        {"max_norm": max_norm, "grads": before, "norm": norm, "clipped": [flat(p.grad) for p in params]}
    )

out = {
    "generator": "shared/src/test/python/optim_golden.py",
    "torch_version": torch.__version__,
    "optimizers": {
        "initial": [flat(INITIAL[0]), flat(INITIAL[1])],
        "decay": [True, False],
        "grads": [[flat(g[0]), flat(g[1])] for g in GRADS],
        "cases": optimizer_cases,
    },
    "schedules": schedule_cases,
    "clipping": clipping_cases,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "optim.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(path))
