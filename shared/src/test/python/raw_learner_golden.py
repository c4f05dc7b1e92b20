"""Golden vectors for three learner steps on raw features, from PyTorch.

Run from the repository root with Debian's python (PyTorch 1.13):

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 shared/src/test/python/raw_learner_golden.py

It writes shared/src/test/resources/golden/raw_learner.json, read by RawLearnerGoldenTest.
Everything the model computes is float32 with a fixed seed.

The spec (in the JSON) has three raw features: a numeric "x" that is missing in some examples, a
categorical "c" (8 buckets, embedding of 3) and a token bag "t" (16 buckets, embedding of 4). Its
network input row of width 9 is, by the layout of docs/spec.md,

    input[b] = [x standardized (0 where missing), x missing (1 or 0), c bag mean (3), t bag mean (4)]

then Linear(9, 5), ReLU, Linear(5, 3) and the mean softmax cross-entropy. The examples are given
featurized (the dense row, NaN written as null where x is missing, and each bag's bucket ids), so
that the test exercises the learner and not the hash.

What the learner does and this script redoes independently:
- missing-aware standardization: a running mean and variance of x in double by Welford over the
  examples where it is present (its own count), updated as each example is accepted; at step time
  the batch is standardized with the statistics that include it, in float32 as
  (x - float(mean)) * float(1 / sqrt(m2 / n + 1e-8)) (scale 1 while m2 = 0), a missing x is 0; the
  indicator column passes unchanged;
- nn.EmbeddingBag(mode='mean', sparse=True) per field, beside the dense part;
- forward, mean cross-entropy, backward; clipping every gradient (tables included) by the global
  norm 0.72; torch.optim.Adam for the dense layers and torch.optim.SparseAdam for the tables, both at
  the learning rate 0.05. One step clips only because the tables' gradients count in the norm.

The initial weights are drawn here and written to the JSON; the test loads them into the learner
through a model state. The script stops if clipping never or always triggers, or if the batches
have no missing value.
"""

import json
import math
import os

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(20261206)

BATCH = 4
STEPS = 3
CLASSES = 3
HIDDEN = 5
LR = 0.05
CLIP = 0.72
FIELDS = [("c", 8, 3, 2), ("t", 16, 4, 5)]  # name, buckets, dim, first input column
WIDTH = 9
SPEC = {
    "features": [
        {"name": "x", "kind": "numeric"},
        {"name": "c", "kind": "categorical", "buckets": 8, "embedding_dim": 3},
        {"name": "t", "kind": "tokens", "buckets": 16, "embedding_dim": 4},
    ],
    "classes": CLASSES,
    "hidden": [HIDDEN],
    "activation": "relu",
    "batch_size": BATCH,
    "clip_norm": CLIP,
    "optimizer": {"name": "adam", "learning_rate": LR},
    "seed": 3,
}


def f32(x):
    """The double that equals float32(x)."""
    return float(torch.tensor(x, dtype=torch.float32).item())


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def make_examples():
    examples = []
    for i in range(BATCH * STEPS):
        missing = i % 3 == 1
        x = None if missing else f32(float(torch.randn(()) * 3 + 10))
        c = [int(torch.randint(1, 8, ()).item())] if i % 5 != 4 else [0]  # 0: a missing value
        n = int(torch.randint(1, 5, ()).item())
        t = torch.randint(1, 16, (n,)).tolist()
        if i % 4 == 2:
            t = t + [t[0]]  # a repeated token
        label = int(torch.randint(0, CLASSES, ()).item())
        examples.append({"dense": [x, 1.0 if missing else 0.0], "ids": [c, t], "label": label})
    return examples


EXAMPLES = make_examples()
if not any(e["dense"][0] is None for e in EXAMPLES):
    raise SystemExit("no missing value: the golden would not test imputation")


class Welford:
    """The learner's running statistics of x, in double (Python floats)."""

    def __init__(self):
        self.n = 0.0
        self.mean = 0.0
        self.m2 = 0.0

    def update(self, x):
        if x is None:
            return
        self.n += 1.0
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)

    def standardize(self, xs):
        shift = torch.tensor(self.mean, dtype=torch.float32)
        if self.m2 > 0:
            inv_std = torch.tensor(1.0 / math.sqrt(self.m2 / self.n + 1e-8), dtype=torch.float32)
        else:
            inv_std = torch.tensor(1.0, dtype=torch.float32)
        out = []
        for x in xs:
            if x is None:
                out.append(torch.tensor(0.0, dtype=torch.float32))
            else:
                out.append((torch.tensor(x, dtype=torch.float32) - shift) * inv_std)
        return torch.stack(out)


def main():
    tables = {name: nn.EmbeddingBag(b, d, mode="mean", sparse=True) for name, b, d, _ in FIELDS}
    l0 = nn.Linear(WIDTH, HIDDEN)
    l1 = nn.Linear(HIDDEN, CLASSES)
    head = nn.Sequential(l0, nn.ReLU(), l1)
    head_names = ["dense.0.weight", "dense.0.bias", "dense.1.weight", "dense.1.bias"]
    head_params = [l0.weight, l0.bias, l1.weight, l1.bias]
    table_params = [tables[name].weight for name, _, _, _ in FIELDS]

    def snapshot():
        out = {}
        for n, p in zip(head_names, head_params):
            out[n] = flat(p.t() if n.endswith(".weight") else p)
        for k, (name, _, _, _) in enumerate(FIELDS):
            out[f"embedding.{k}.weight"] = flat(tables[name].weight)
        return out

    dense = torch.optim.Adam(head_params, lr=LR)
    sparse = torch.optim.SparseAdam(table_params, lr=LR)
    stats = Welford()
    initial = snapshot()
    steps = []
    clipped_steps = 0
    tables_decide = 0  # steps that clip only because of the tables' gradients
    for s in range(STEPS):
        batch = EXAMPLES[s * BATCH : (s + 1) * BATCH]
        for e in batch:
            stats.update(e["dense"][0])  # on acceptance, before the step
        for p in head_params + table_params:
            p.grad = None
        xs = stats.standardize([e["dense"][0] for e in batch])
        indicator = torch.tensor([e["dense"][1] for e in batch], dtype=torch.float32)
        parts = [xs.unsqueeze(1), indicator.unsqueeze(1)]
        for k, (name, _, _, _) in enumerate(FIELDS):
            ids, offsets = [], []
            for e in batch:
                offsets.append(len(ids))
                ids.extend(e["ids"][k])
            parts.append(tables[name](torch.tensor(ids), torch.tensor(offsets)))
        x = torch.cat(parts, dim=1)
        labels = torch.tensor([e["label"] for e in batch])
        loss = nn.functional.cross_entropy(head(x), labels)
        loss.backward()
        for p in table_params:
            p.grad = p.grad.coalesce()
        network_norm = float(torch.sqrt(sum(torch.sum(p.grad**2) for p in head_params)))
        total = torch.nn.utils.clip_grad_norm_(head_params + table_params, CLIP)
        tables_decide += network_norm <= CLIP < float(total)
        clipped = float(total) > CLIP
        if clipped:
            # clip_grad_norm_ measures sparse gradients but does not scale them in PyTorch 1.13
            coef = torch.clamp(CLIP / (total + 1e-6), max=1.0)
            for p in table_params:
                p.grad = (p.grad * coef).coalesce()
        clipped_steps += clipped
        dense.step()
        sparse.step()
        steps.append({"loss": float(loss), "norm": float(total), "clipped": clipped, "after": snapshot()})
    if not 0 < clipped_steps < STEPS or tables_decide == 0:
        raise SystemExit(
            f"clip_norm {CLIP} clips {clipped_steps} of {STEPS} steps, {tables_decide} only by the"
            " tables' gradients; want some, not all, and one decided by the tables"
        )
    out = {
        "generator": "shared/src/test/python/raw_learner_golden.py",
        "torch_version": torch.__version__,
        "spec": SPEC,
        "examples": EXAMPLES,
        "initial": initial,
        "statistics": {"count": stats.n, "mean": stats.mean, "m2": stats.m2},
        "steps": steps,
    }
    path = os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "raw_learner.json"
    )
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(path), "; clipped", clipped_steps, "of", STEPS, "steps")


main()
