"""The PyTorch grid that the default learner is measured against (docs/learning-quality.md).

Run from the repository root with Debian's python (PyTorch 1.13):

    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 shared/src/test/python/grid_reference.py [STREAM ...]

Twelve configurations per stream, each tuned by nobody: hidden layers {[32], [64, 32]} (ReLU)
x Adam learning rate {1e-3, 1e-2} x mini-batch {1, 8, 32}; PyTorch's default initialization, seed
42, gradient norm clipped at 5 (as streamprop). One prequential pass in file order: inputs
standardized online with statistics that include the current batch (`OnlineScaler` of
learning_quality.py, as streamprop does), every complete mini-batch scored by the model as it was
before learning from it (the first by the untrained model), then one Adam step on it.
Classification scores accuracy; regression (diabetes, diamonds5k) scores MSE in the target's
units with targets standardized online (the batch scored with statistics from before it).

Streams are looked up by name in shared/src/test/resources/data/, then examples/data/ (with or
without .gz). Default: every stream, small ones first, fashion_mnist last (batch 1 on 70,000 x 784
takes most of the run). Prints each configuration as it finishes and the best per stream, and
writes grid_reference.json beside this script (every score, the best so far, whether all twelve
ran, versions), updated after every configuration so that a partial run keeps what it measured.
`--out FILE` writes elsewhere; `--batches 32,8` runs only those mini-batch sizes, in that order
(a stream's entry then says `"complete": false` until all twelve have run).
"""

import json
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from learning_quality import OnlineScaler, TorchMlp, TorchRegressor, batches  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
DIRS = [os.path.join(ROOT, "shared", "src", "test", "resources", "data"), os.path.join(ROOT, "examples", "data")]
STREAMS = [
    "iris", "wine", "breast_cancer", "diabetes", "digits", "spambase", "diamonds5k",
    "letter", "mnist10k", "shuttle", "fashion_mnist",
]
REGRESSION = {"diabetes", "diamonds5k"}
HIDDEN = [(32,), (64, 32)]
RATES = [1e-3, 1e-2]
BATCHES = [1, 8, 32]


def find(name):
    for d in DIRS:
        for suffix in (".csv", ".csv.gz"):
            path = os.path.join(d, name + suffix)
            if os.path.exists(path):
                return path
    raise SystemExit(f"stream {name!r}: no {name}.csv or {name}.csv.gz in {DIRS}")


def load(name, regression):
    raw = np.loadtxt(find(name), delimiter=",", skiprows=1, dtype=np.float64)
    y = raw[:, -1] if regression else raw[:, -1].astype(np.int64)
    return raw[:, :-1], y


def standardized(x, y, batch):
    """[(xs float32, yb)] per complete batch, xs standardized with the batch in the statistics."""
    scaler = OnlineScaler(x.shape[1])
    out = []
    for xb, yb in batches(x, y, batch):
        scaler.update(xb)
        out.append((scaler.transform(xb), yb))
    return out


def accuracy(model, stream):
    correct = scored = 0
    for xs, yb in stream:
        correct += int((model.predict(xs) == yb).sum())
        scored += len(yb)
        model.partial_fit(xs, yb)
    return correct / scored


def mse(model, stream):
    targets = OnlineScaler(1)
    squared = scored = 0.0
    for xs, yb in stream:
        z = model.predict(xs).reshape(-1).astype(np.float64)
        if targets.count > 0:
            scale = np.sqrt(targets.m2[0] / targets.count + 1e-8) if targets.m2[0] > 0 else 1.0
            z = z * scale + targets.mean[0]
        squared += float(((z - yb) ** 2).sum())
        scored += len(yb)
        targets.update(yb.reshape(-1, 1))
        model.partial_fit(xs, targets.transform(yb.reshape(-1, 1)).reshape(-1))
    return squared / scored


def save(results, out):
    with open(out, "w") as fh:
        json.dump(results, fh, indent=1, sort_keys=False)
        fh.write("\n")


def run(name, results, out, batch_sizes):
    regression = name in REGRESSION
    x, y = load(name, regression)
    outputs = 1 if regression else int(y.max() + 1)
    scores = {}
    entry = {
        "rows": len(y),
        "inputs": x.shape[1],
        "task": "regression (MSE)" if regression else f"{outputs} classes (accuracy)",
        "complete": False,
        "scores": scores,
    }
    results["streams"][name] = entry
    for batch in batch_sizes:
        stream = standardized(x, y, batch)
        for hidden in HIDDEN:
            for lr in RATES:
                start = time.time()
                if regression:
                    score = mse(TorchRegressor(x.shape[1], 1, hidden, lr, seed=42), stream)
                else:
                    score = accuracy(TorchMlp(x.shape[1], outputs, hidden, lr, seed=42), stream)
                key = f"hidden {list(hidden)} lr {lr:g} batch {batch}"
                scores[key] = score
                print(f"{name:14s} {key:32s} {score:.6g}  ({time.time() - start:.0f} s)", flush=True)
                pick = min if regression else max
                best = pick(scores, key=scores.get)
                entry["best"] = {"config": best, "score": scores[best]}
                entry["complete"] = len(scores) == len(HIDDEN) * len(RATES) * len(BATCHES)
                save(results, out)  # a partial run keeps every configuration it finished
    print(f"{name:14s} BEST {entry['best']['config']} {entry['best']['score']:.6g}"
          + ("" if entry["complete"] else f" (of {len(scores)} configurations)"), flush=True)


def main():
    import torch

    torch.set_num_threads(1)
    args = sys.argv[1:]
    out = os.path.join(HERE, "grid_reference.json")
    if "--out" in args:
        i = args.index("--out")
        out = args[i + 1]
        del args[i : i + 2]
    batch_sizes = BATCHES
    if "--batches" in args:
        i = args.index("--batches")
        batch_sizes = [int(b) for b in args[i + 1].split(",")]
        del args[i : i + 2]
    names = args or STREAMS
    results = {"machine": platform.processor() or platform.machine(), "torch": torch.__version__,
               "numpy": np.__version__, "grid": {"hidden": HIDDEN, "lr": RATES, "batch": BATCHES},
               "streams": {}}
    if os.path.exists(out):
        with open(out) as fh:
            previous = json.load(fh)
        results["streams"] = previous.get("streams", {})
    for name in names:
        run(name, results, out, batch_sizes)


if __name__ == "__main__":
    main()
