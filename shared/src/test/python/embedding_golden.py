"""Golden vectors for embedding bags and their lazy (sparse) optimizer updates, from PyTorch.

Run from the repository root with Debian's python (PyTorch 1.13):

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 shared/src/test/python/embedding_golden.py

It writes shared/src/test/resources/golden/embedding.json, read by EmbeddingGoldenTest. Everything
is float32 with a fixed seed.

The model of every case: two hashed fields, "tokens" (nn.EmbeddingBag(11, 3, mode='mean',
sparse=True)) and "category" (nn.EmbeddingBag(6, 2, mode='sum', sparse=True)), whose bag vectors
sit beside two numeric features in one input row of width 7,

    input[b] = [numeric[b, 0], numeric[b, 1], tokens bag b (3), category bag b (2)]

then a small head (one Linear layer, or Linear, tanh, Linear) and the mean softmax cross-entropy.
Each step: forward, backward (sparse gradients for the tables), optionally clipping every gradient
by the global norm, then the embedding tables step with the sparse optimizer
(torch.optim.SparseAdam for Adam and AdamW, SGD and Adagrad, which take sparse gradients
themselves) and the head with the matching dense optimizer, at the same learning rate. Weight decay
(AdamW's case) applies to the head's weights only: never to biases, never to tables.

The bags include repeated ids, empty bags (a zero vector), and buckets no step ever touches
(tokens bucket 10, category bucket 5), whose weights and moments must stay as they were. A case
records the initial parameters in streamprop's layout (dense weights (in, out), PyTorch's
transposed), each step's batch, loss, raw gradients (the tables' as dense arrays, with the rows
the batch touched), the global norm, and every parameter after the step, and the tables' optimizer
state after the last step.
"""

import json
import os

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(20261129)

BATCH = 4
STEPS = 4
NUMERIC = 2
FIELDS = [
    # name, buckets, dim, mode, first column in the input row, buckets the batches draw from
    ("tokens", 11, 3, "mean", 2, 10),
    ("category", 6, 2, "sum", 5, 5),
]
WIDTH = 7
CLASSES = 3
LR_FACTORS = (0.5, 1.0, 1.0, 0.5)


def f32(x):
    """The double that equals float32(x)."""
    return float(torch.tensor(x, dtype=torch.float32).item())


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def make_batches():
    """STEPS mini-batches; every one has a repeated id in a bag and an empty bag."""
    batches = []
    for s in range(STEPS):
        numeric = torch.randn(BATCH, NUMERIC)
        labels = torch.randint(0, CLASSES, (BATCH,))
        # tokens: bags of 0..4 ids from buckets 0..9; bag s % BATCH is empty, the next one
        # repeats an id
        bags = []
        for b in range(BATCH):
            n = int(torch.randint(1, 5, ()).item())
            bag = torch.randint(0, 10, (n,)).tolist()
            if b == s % BATCH:
                bag = []
            elif b == (s + 1) % BATCH:
                bag = bag + [bag[0]]
            bags.append(bag)
        # category: one id from buckets 0..4 per example, a missing value (empty bag) at step 2
        cats = [[int(torch.randint(0, 5, ()).item())] for _ in range(BATCH)]
        if s == 2:
            cats[1] = []
        fields = {}
        for name, bag_list in (("tokens", bags), ("category", cats)):
            ids, offsets = [], [0]
            for bag in bag_list:
                ids.extend(bag)
                offsets.append(len(ids))
            fields[name] = {"ids": ids, "offsets": offsets}
        batches.append({"numeric": numeric, "labels": labels, "fields": fields})
    return batches


BATCHES = make_batches()
INITIAL_TABLES = {name: torch.randn(buckets, dim) for name, buckets, dim, _, _, _ in FIELDS}


def case(name, optimizer, hidden, base_lr, hyper, weight_decay, clip_norm):
    torch.manual_seed(7 + len(hidden))
    tables = {}
    for field, buckets, dim, mode, _, _ in FIELDS:
        bag = nn.EmbeddingBag(buckets, dim, mode=mode, sparse=True)
        with torch.no_grad():
            bag.weight.copy_(INITIAL_TABLES[field])
        tables[field] = bag
    if hidden:
        linears = [nn.Linear(WIDTH, hidden[0]), nn.Linear(hidden[0], CLASSES)]
        head = nn.Sequential(linears[0], nn.Tanh(), linears[1])
    else:
        linears = [nn.Linear(WIDTH, CLASSES)]
        head = linears[0]
    head_names = []
    head_params = []
    for l, lin in enumerate(linears):
        head_names += [f"dense.{l}.weight", f"dense.{l}.bias"]
        head_params += [lin.weight, lin.bias]

    def snapshot():
        out = {}
        for n, p in zip(head_names, head_params):
            out[n] = flat(p.t() if n.endswith(".weight") else p)
        for field, bag in tables.items():
            out[field] = flat(bag.weight)
        return out

    weights = [p for n, p in zip(head_names, head_params) if n.endswith(".weight")]
    biases = [p for n, p in zip(head_names, head_params) if n.endswith(".bias")]
    groups = [{"params": weights, "weight_decay": weight_decay}, {"params": biases, "weight_decay": 0.0}]
    table_params = [bag.weight for bag in tables.values()]
    betas = (hyper["beta1"], hyper["beta2"])
    if optimizer == "adam":
        dense = torch.optim.Adam(groups, lr=base_lr, betas=betas, eps=hyper["epsilon"])
        sparse = torch.optim.SparseAdam(table_params, lr=base_lr, betas=betas, eps=hyper["epsilon"])
    elif optimizer == "adamw":
        dense = torch.optim.AdamW(groups, lr=base_lr, betas=betas, eps=hyper["epsilon"])
        sparse = torch.optim.SparseAdam(table_params, lr=base_lr, betas=betas, eps=hyper["epsilon"])
    elif optimizer == "sgd":
        dense = torch.optim.SGD(groups, lr=base_lr)
        sparse = torch.optim.SGD(table_params, lr=base_lr)
    elif optimizer == "adagrad":
        dense = torch.optim.Adagrad(groups, lr=base_lr, eps=hyper["epsilon"])
        sparse = torch.optim.Adagrad(table_params, lr=base_lr, eps=hyper["epsilon"])
    else:
        raise ValueError(optimizer)

    initial = snapshot()
    lrs = [f32(base_lr * factor) for factor in LR_FACTORS]
    steps = []
    clipped_steps = 0
    for s, batch in enumerate(BATCHES):
        for opt in (dense, sparse):
            for group in opt.param_groups:
                group["lr"] = lrs[s]
        for p in head_params + table_params:
            p.grad = None
        parts = [batch["numeric"]]
        for field, _, _, _, _, _ in FIELDS:
            f = batch["fields"][field]
            ids = torch.tensor(f["ids"], dtype=torch.long)
            offsets = torch.tensor(f["offsets"][:-1], dtype=torch.long)
            parts.append(tables[field](ids, offsets))
        x = torch.cat(parts, dim=1)
        logits = head(x)
        loss = nn.functional.cross_entropy(logits, batch["labels"])
        loss.backward()
        for p in table_params:
            p.grad = p.grad.coalesce()  # duplicates summed, so norms and updates see one row once
        grads = {}
        for n, p in zip(head_names, head_params):
            grads[n] = flat(p.grad.t() if n.endswith(".weight") else p.grad)
        touched = {}
        for field, bag in tables.items():
            grads[field] = flat(bag.weight.grad.to_dense())
            touched[field] = sorted(set(bag.weight.grad._indices()[0].tolist()))
        total = torch.nn.utils.clip_grad_norm_(head_params + table_params, clip_norm if clip_norm > 0 else float("inf"))
        norm = float(total)
        clipped = clip_norm > 0 and norm > clip_norm
        if clipped:
            # clip_grad_norm_ measures sparse gradients but does not scale them (its in-place mul_
            # on a detached sparse tensor is lost in PyTorch 1.13): scale the tables' by the same
            # factor here.
            coef = torch.clamp(clip_norm / (total + 1e-6), max=1.0)
            for p in table_params:
                scaled = (p.grad * coef).coalesce()
                p.grad = scaled
            after = torch.sqrt(sum(torch.sum(p.grad.to_dense() ** 2) for p in head_params + table_params))
            if not abs(float(after) - clip_norm) < 1e-5:
                raise SystemExit(f"{name}: the norm after clipping is {float(after)}, not {clip_norm}")
        clipped_steps += clipped
        dense.step()
        sparse.step()
        steps.append(
            {
                "learning_rate": lrs[s],
                "loss": float(loss),
                "grads": grads,
                "touched": touched,
                "norm": norm,
                "clipped": clipped,
                "after": snapshot(),
            }
        )
    if clip_norm > 0 and not (0 < clipped_steps < STEPS):
        raise SystemExit(f"{name}: clip_norm {clip_norm} clips {clipped_steps} of {STEPS} steps; want some, not all")
    state = {}
    for field, bag in tables.items():
        for torch_slot, slot in TORCH_SLOTS.items():
            value = sparse.state[bag.weight].get(torch_slot)
            if value is not None:
                state[f"{field}.{slot}"] = flat(value)
    spec = {
        "inputs": WIDTH,
        "classes": CLASSES,
        "hidden": hidden,
        "activation": "tanh",
        "loss": "softmax_cross_entropy",
        "batch_size": BATCH,
        "standardize": False,
        "clip_norm": clip_norm,
        "optimizer": dict(name=optimizer, learning_rate=base_lr, weight_decay=weight_decay, **hyper),
    }
    return {"name": name, "spec": spec, "initial": initial, "steps": steps, "final_state": state}


TORCH_SLOTS = {"exp_avg": "m", "exp_avg_sq": "v", "sum": "sum"}
HYPER = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}

cases = [
    case("adam_linear", "adam", [], 0.05, HYPER, 0.0, 0.0),
    case("adamw_tanh_clipped", "adamw", [4], 0.05, HYPER, 0.1, 0.7),
    case("sgd_linear", "sgd", [], 0.5, HYPER, 0.0, 0.0),
    case("adagrad_tanh", "adagrad", [4], 0.1, dict(HYPER, epsilon=1e-10), 0.0, 0.0),
]

out = {
    "generator": "shared/src/test/python/embedding_golden.py",
    "torch_version": torch.__version__,
    "numeric_columns": NUMERIC,
    "fields": [
        {"name": n, "buckets": b, "dim": d, "mode": m, "column": c}
        for n, b, d, m, c, _ in FIELDS
    ],
    "batches": [
        {
            "numeric": flat(batch["numeric"]),
            "labels": [int(v) for v in batch["labels"].tolist()],
            "fields": batch["fields"],
        }
        for batch in BATCHES
    ],
    "cases": cases,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "embedding.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(path))
