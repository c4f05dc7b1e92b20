"""Reference prequential scores on the mixed-type datasets in examples/data/raw (docs/data.md).

Run from the repository root with Debian's python (scikit-learn 1.2, PyTorch 1.13, numpy; nothing
else):

    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 examples/references/raw_references.py

(Haswell, as for shared/src/test/python/learning_quality.py: scikit-learn's BLAS calls can die
with SIGILL under OpenBLAS's SkylakeX kernels on CPUs without AVX-512.) It prints a table and
writes examples/references/raw_references.json. Options: `--batch N` (default 8), `--out PATH`,
`--only NAME[,NAME]`, `--seeds 42,7,1`.

Protocol (prequential, "test, then train"): one pass over the CSV in file order, in mini-batches of
8; each batch is featurized, scored by the model as it was before that batch, and then learned
from. Only complete batches are scored and learned (8 * floor(rows / 8) examples), as streamprop's
learner scores them. The first batch is scored by the untrained model: the PyTorch network as
initialized; scikit-learn cannot predict before its first partial_fit, so it predicts class 0 (the
first class name in sorted order, which is also what an all-zero linear model predicts) or, for
regression, 0 in the target's units.

Columns: the label is the last column. The feature kinds are declared below (DATASETS), from the
column types in R: factors are categorical (Soybean's factor levels are the digits "0", "1", ...,
still categorical here), numbers are numeric. An empty cell is missing. The class names are the
distinct labels of the whole file, sorted (a classification spec declares them up front).

Features, learned online from the examples seen so far (the current batch included, as streamprop's
input standardization includes it; labels never enter the features):
- numeric column: running mean and variance of its non-missing values (Welford), standardized as
  (x - mean) / sqrt(var + 1e-8) (scale 1 while the variance is 0); a missing value becomes 0 (the
  running mean) and a second input, the missing indicator, is 1 (0 otherwise). Every numeric
  column has an indicator, since a stream cannot know which columns will have gaps.
- categorical column: a vocabulary grown online, values numbered 1, 2, ... in order of first
  appearance, at most CAPACITY (32) values per column; index 0 is "missing" (an empty cell), and
  also takes any value beyond the capacity (none of these datasets has a column with more than 19
  values, so that never happens here).
  - scikit-learn: `OneHotEncoder(categories=..., handle_unknown="ignore")` over a fixed block of
    1 + CAPACITY slots per column: the missing slot, the values seen so far in order of first
    appearance, then placeholders that never occur. The encoder is rebuilt when a column's
    vocabulary grows; the width never changes, so partial_fit keeps working, and a slot is 0 until
    its value first appears. A value beyond the capacity is unknown to the encoder: all zeros.
  - PyTorch: one `nn.Embedding(1 + CAPACITY, EMBEDDING_DIM = 8)` per column, indexed by the
    vocabulary index (0 for missing), PyTorch's default N(0, 1) initialization.

Models (one thread; each run with seeds 42, 7 and 1: `random_state` for scikit-learn,
`torch.manual_seed` for PyTorch; the table's score is seed 42's, the JSON has every seed's and
their mean):
- `sgd`: `SGDClassifier(loss="log_loss", random_state=seed)` (its defaults otherwise), partial_fit
  on the one-hot and numeric inputs;
- `mlp`: `MLPClassifier(hidden_layer_sizes=(64,), random_state=seed)`, partial_fit, its default
  Adam learning rate 0.001, and `mlp lr 0.01` with `learning_rate_init=0.01`;
- `torch`: embeddings concatenated with the numeric inputs, `Linear(., 64)`, ReLU, `Linear(64, K)`
  (PyTorch's default initialization), softmax cross-entropy, Adam (lr 0.01 and lr 0.001, dense
  gradients: PyTorch's default `torch.optim.Adam` over every parameter, embeddings included),
  gradient norm clipped at 5 (streamprop's default clip), one step per batch;
- `majority`: the most frequent label among the examples before the batch (class 0 at first).
Regression (diamonds, price in USD): the same features; targets standardized online the way
streamprop does (the batch is scored with the target statistics from before it, then its labels
join them and the model learns the standardized labels); `sgd` is `SGDRegressor()`, `mlp`
`MLPRegressor(hidden_layer_sizes=(64,))` (same seeds and learning rates), `torch` the same network
with one output and MSE loss, and `running mean` predicts each example by the mean of the labels
before it.
Scores: accuracy; for regression the mean absolute error and the mean squared error in USD.

The issue's PyTorch grid on the same files, with the same features: raw_grid.py beside this script.
"""

import argparse
import csv
import datetime
import gzip
import io
import json
import os
import platform
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DATA = os.path.join(ROOT, "examples", "data", "raw")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "raw_references.json")

CAPACITY = 32
EMBEDDING_DIM = 8
HIDDEN = 64
CLIP = 5.0
SEEDS = (42, 7, 1)

# name -> (file, numeric columns (every other feature column is categorical), task)
DATASETS = {
    "soybean": ("soybean.csv", [], "classification"),
    "house_votes_84": ("house_votes_84.csv", [], "classification"),
    "titanic": ("titanic.csv", ["age"], "classification"),
    "chile": ("chile.csv", ["population", "age", "income", "statusquo"], "classification"),
    "diamonds": ("diamonds.csv.gz", ["carat", "depth", "table", "x", "y", "z"], "regression"),
}


def read_csv(path):
    """Header and rows of a CSV file, gzip detected from its first bytes (1f 8b)."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    return rows[0], [r for r in rows[1:] if r]


class Dataset:
    def __init__(self, name):
        file, numeric, task = DATASETS[name]
        header, rows = read_csv(os.path.join(DATA, file))
        if header[-1] != "label":
            raise ValueError(f"{file}: last column is {header[-1]!r}, expected 'label'")
        self.name, self.task = name, task
        self.features = header[:-1]
        self.numeric = [self.features.index(c) for c in numeric]
        self.categorical = [j for j in range(len(self.features)) if j not in self.numeric]
        self.rows = len(rows)
        # numeric: float64 with NaN for an empty cell; categorical: strings, "" for an empty cell.
        self.x_num = np.array(
            [[float(r[j]) if r[j] != "" else np.nan for j in self.numeric] for r in rows]
        ).reshape(self.rows, len(self.numeric))
        self.x_cat = [[r[j] for j in self.categorical] for r in rows]
        labels = [r[-1] for r in rows]
        if task == "classification":
            self.classes = sorted(set(labels))
            index = {c: i for i, c in enumerate(self.classes)}
            self.y = np.array([index[v] for v in labels], dtype=np.int64)
        else:
            self.classes = None
            self.y = np.array([float(v) for v in labels])

    def batches(self, batch):
        for start in range(0, self.rows - batch + 1, batch):
            end = start + batch
            yield self.x_num[start:end], self.x_cat[start:end], self.y[start:end]


class OnlineFeatures:
    """Running statistics of the numeric columns and vocabularies of the categorical ones."""

    def __init__(self, numeric, categorical):
        self.count = np.zeros(numeric)
        self.mean = np.zeros(numeric)
        self.m2 = np.zeros(numeric)
        self.vocab = [{} for _ in range(categorical)]  # value -> 1..CAPACITY
        self.grew = True

    def update(self, x_num, x_cat):
        for row in x_num:
            seen = ~np.isnan(row)
            self.count[seen] += 1
            delta = np.where(seen, row - self.mean, 0.0)
            self.mean += np.where(seen, delta / np.maximum(self.count, 1), 0.0)
            self.m2 += np.where(seen, delta * (row - self.mean), 0.0)
        for row in x_cat:
            for j, value in enumerate(row):
                vocab = self.vocab[j]
                if value != "" and value not in vocab and len(vocab) < CAPACITY:
                    vocab[value] = len(vocab) + 1
                    self.grew = True

    def numeric_inputs(self, x_num):
        """Standardized values (0 where missing) and missing indicators: (batch, 2 * numeric)."""
        var = self.m2 / np.maximum(self.count, 1)
        scale = np.where(self.m2 > 0, 1.0 / np.sqrt(var + 1e-8), 1.0)
        missing = np.isnan(x_num)
        z = np.where(missing, 0.0, (np.nan_to_num(x_num) - self.mean) * scale)
        return np.concatenate([z, missing.astype(np.float64)], axis=1)

    def indices(self, x_cat):
        """Vocabulary indices, 0 for missing or beyond the capacity: (batch, categorical)."""
        return np.array(
            [[self.vocab[j].get(v, 0) for j, v in enumerate(row)] for row in x_cat], dtype=np.int64
        ).reshape(len(x_cat), len(self.vocab))


class OneHot:
    """scikit-learn's OneHotEncoder over the vocabulary seen so far, padded to a fixed width."""

    MISSING = ""

    def __init__(self, features):
        self.features = features
        self.encoder = None

    def transform(self, x_cat):
        from sklearn.preprocessing import OneHotEncoder

        if not self.features.vocab:
            return np.zeros((len(x_cat), 0))
        if self.features.grew or self.encoder is None:
            categories = []
            for vocab in self.features.vocab:
                values = [self.MISSING] + list(vocab)  # dicts keep insertion order
                values += ["\x00unused %d" % k for k in range(1 + CAPACITY - len(values))]
                categories.append(np.array(values, dtype=object))
            self.encoder = OneHotEncoder(
                categories=categories, handle_unknown="ignore", sparse_output=False
            )
            self.encoder.fit(np.array([[c[0] for c in categories]], dtype=object))
            self.features.grew = False
        return self.encoder.transform(np.array(x_cat, dtype=object).reshape(len(x_cat), -1))


class SklearnModel:
    """Online features, one-hot categoricals and a scikit-learn estimator's partial_fit."""

    def __init__(self, data, make):
        self.features = OnlineFeatures(len(data.numeric), len(data.categorical))
        self.onehot = OneHot(self.features)
        self.make, self.model, self.data = make, None, data

    def featurize(self, x_num, x_cat):
        self.features.update(x_num, x_cat)
        inputs = [self.features.numeric_inputs(x_num), self.onehot.transform(x_cat)]
        return np.concatenate(inputs, axis=1)

    def predict(self, xs):
        if self.model is None:
            return np.zeros(len(xs), dtype=np.int64 if self.data.classes else np.float64)
        return self.model.predict(xs)

    def learn(self, xs, y):
        if self.model is None:
            self.model = self.make()
        if self.data.classes:
            self.model.partial_fit(xs, y, classes=np.arange(len(self.data.classes)))
        else:
            self.model.partial_fit(xs, y)


class TorchModel:
    """Categorical columns as embeddings or one-hot blocks, numeric inputs with indicators, an MLP.

    `hidden` lists the ReLU layers' widths; `encoding` is "embedding" (one `nn.Embedding` per
    categorical column, concatenated with the numeric inputs) or "onehot" (the numeric inputs, then
    the one-hot blocks that OneHot builds for scikit-learn)."""

    def __init__(self, data, lr, seed, hidden=(HIDDEN,), encoding="embedding"):
        import torch

        torch.manual_seed(seed)
        self.torch, self.encoding = torch, encoding
        self.features = OnlineFeatures(len(data.numeric), len(data.categorical))
        self.onehot = OneHot(self.features)
        tables = data.categorical if encoding == "embedding" else []
        self.embeddings = torch.nn.ModuleList(
            [torch.nn.Embedding(1 + CAPACITY, EMBEDDING_DIM) for _ in tables]
        )
        per_column = EMBEDDING_DIM if encoding == "embedding" else 1 + CAPACITY
        width = per_column * len(data.categorical) + 2 * len(data.numeric)
        layers = []
        for h in hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
            width = h
        layers.append(torch.nn.Linear(width, len(data.classes) if data.classes else 1))
        self.net = torch.nn.Sequential(*layers)
        self.parameters = list(self.embeddings.parameters()) + list(self.net.parameters())
        self.opt = torch.optim.Adam(self.parameters, lr=lr)
        self.classification = data.classes is not None

    def featurize(self, x_num, x_cat):
        self.features.update(x_num, x_cat)
        numeric = self.features.numeric_inputs(x_num)
        if self.encoding == "onehot":
            inputs = np.concatenate([numeric, self.onehot.transform(x_cat)], axis=1)
            return self.torch.from_numpy(inputs.astype(np.float32)), None
        numeric = self.torch.from_numpy(numeric.astype(np.float32))
        return numeric, self.torch.from_numpy(self.features.indices(x_cat))

    def forward(self, xs):
        inputs, indices = xs
        parts = [e(indices[:, j]) for j, e in enumerate(self.embeddings)] + [inputs]
        return self.net(self.torch.cat(parts, dim=1))

    def predict(self, xs):
        with self.torch.no_grad():
            out = self.forward(xs)
        return out.argmax(1).numpy() if self.classification else out.reshape(-1).double().numpy()

    def learn(self, xs, y):
        functional = self.torch.nn.functional
        self.opt.zero_grad()
        out = self.forward(xs)
        if self.classification:
            loss = functional.cross_entropy(out, self.torch.from_numpy(y))
        else:
            loss = functional.mse_loss(out.reshape(-1), self.torch.from_numpy(y.astype(np.float32)))
        loss.backward()
        self.torch.nn.utils.clip_grad_norm_(self.parameters, CLIP)
        self.opt.step()


def online(data, model, batch):
    """(inputs, labels) of each complete batch, featurized by the model in file order."""
    for x_num, x_cat, y in data.batches(batch):
        yield model.featurize(x_num, x_cat), y


def prequential_accuracy(model, stream):
    correct = scored = 0
    for xs, y in stream:
        correct += int((model.predict(xs) == y).sum())
        scored += len(y)
        model.learn(xs, y)
    return {"accuracy": correct / scored, "scored": scored}


def prequential_regression(model, stream):
    """MAE and MSE in the label's units; targets standardized online, scored before they join."""
    count, mean, m2 = 0, 0.0, 0.0
    absolute = squared = 0.0
    scored = 0
    for xs, y in stream:
        z = model.predict(xs)
        scale = np.sqrt(m2 / count + 1e-8) if m2 > 0 else 1.0
        predicted = z * scale + mean if count > 0 else z
        absolute += float(np.abs(predicted - y).sum())
        squared += float(((predicted - y) ** 2).sum())
        scored += len(y)
        for v in y:
            count += 1
            delta = v - mean
            mean += delta / count
            m2 += delta * (v - mean)
        scale = np.sqrt(m2 / count + 1e-8) if m2 > 0 else 1.0
        model.learn(xs, (y - mean) / scale)
    return {"mae": absolute / scored, "mse": squared / scored, "scored": scored}


def majority(data, batch):
    counts = np.zeros(len(data.classes), dtype=np.int64)
    correct = scored = 0
    for _, _, y in data.batches(batch):
        correct += int((y == int(counts.argmax())).sum())
        scored += len(y)
        np.add.at(counts, y, 1)
    return {"accuracy": correct / scored, "scored": scored}


def running_mean(data, batch):
    scored = (data.rows // batch) * batch
    mean = absolute = squared = 0.0
    for i in range(scored):
        error = data.y[i] - mean
        absolute += abs(error)
        squared += error * error
        mean += error / (i + 1)
    return {"mae": absolute / scored, "mse": squared / scored, "scored": scored}


def references(data, batch, seeds):
    from sklearn.linear_model import SGDClassifier, SGDRegressor
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    if data.classes:
        score, sgd, mlp, metric = prequential_accuracy, SGDClassifier, MLPClassifier, "accuracy"
        baseline = ("majority", majority)
        sgd_args = {"loss": "log_loss"}
    else:
        score, sgd, mlp, metric = prequential_regression, SGDRegressor, MLPRegressor, "mae"
        baseline = ("running mean", running_mean)
        sgd_args = {}
    prequential = lambda model: score(model, online(data, model, batch))
    # (model, lr, run(seed)); the baselines have no seed
    runs = [
        (baseline[0], None, lambda seed: baseline[1](data, batch)),
        (
            "sgd",
            None,
            lambda seed: prequential(
                SklearnModel(data, lambda: sgd(random_state=seed, **sgd_args))
            ),
        ),
    ]
    make = lambda seed, lr: mlp(
        hidden_layer_sizes=(HIDDEN,), learning_rate_init=lr, random_state=seed
    )
    for lr in (0.001, 0.01):
        run = lambda seed, lr=lr: prequential(SklearnModel(data, lambda: make(seed, lr)))
        runs.append(("mlp", lr, run))
    for lr in (0.01, 0.001):
        run = lambda seed, lr=lr: prequential(TorchModel(data, lr, seed))
        runs.append(("torch", lr, run))
    results = []
    for model, lr, run in runs:
        start = time.perf_counter()
        per_seed = [run(seed) for seed in (seeds if model in ("sgd", "mlp", "torch") else [None])]
        seconds = time.perf_counter() - start
        result = {"dataset": data.name, "rows": data.rows, "model": model, "lr": lr}
        result.update(per_seed[0])
        if per_seed[0].get("scored") is not None and len(per_seed) > 1:
            result["seeds"] = {
                str(seed): {k: v for k, v in r.items() if k != "scored"}
                for seed, r in zip(seeds, per_seed)
            }
            result["mean_over_seeds"] = {
                k: float(np.mean([r[k] for r in per_seed])) for k in per_seed[0] if k != "scored"
            }
        result["seconds"] = round(seconds, 2)
        results.append(result)
        print(format_result(result, metric), flush=True)
    return results


def save(report, out):
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")


def format_result(r, metric):
    model = r["model"] + (f" lr {r['lr']:g}" if r["lr"] is not None else "")
    if metric == "accuracy":
        score = f"accuracy {r['accuracy']:.4f}"
    else:
        score = f"MAE {r['mae']:8.2f}  MSE {r['mse']:10.0f}"
    mean = r.get("mean_over_seeds")
    spread = ""
    if mean:
        values = [s[metric] for s in r["seeds"].values()]
        digits = 4 if metric == "accuracy" else 2
        spread = f"  mean of {len(values)} seeds {mean[metric]:.{digits}f}"
        spread += f" ({min(values):.{digits}f}..{max(values):.{digits}f})"
    line = f"{r['dataset']:15s} {r['rows']:6d} rows  {model:16s} {score}{spread}"
    return line + f"  ({r['seconds']:.1f} s)"


def best(results):
    """Per dataset: the best reference model (baselines excluded) and the best PyTorch run."""
    summary = {}
    for name in dict.fromkeys(r["dataset"] for r in results):
        models = [
            r for r in results if r["dataset"] == name and r["model"] in ("sgd", "mlp", "torch")
        ]
        if "accuracy" in models[0]:
            key = lambda r: -r["accuracy"]
        else:
            key = lambda r: r["mae"]
        keys = ("model", "lr", "accuracy", "mae", "mse", "mean_over_seeds")
        pick = lambda rs: {k: rs[0][k] for k in keys if k in rs[0]}
        summary[name] = {
            "best": pick(sorted(models, key=key)),
            "best_torch": pick(sorted([r for r in models if r["model"] == "torch"], key=key)),
        }
    return summary


def machine():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
    except OSError:
        pass
    import sklearn
    import torch

    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit_learn": sklearn.__version__,
        "torch": torch.__version__,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
    }


def one_thread_command(script):
    """Sets PyTorch to one thread; returns the command line of this run of `script`."""
    import torch

    torch.set_num_threads(1)
    command = f"OPENBLAS_CORETYPE=Haswell /usr/bin/python3 examples/references/{script}"
    return command + "".join(f" {a}" for a in sys.argv[1:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--out")
    parser.add_argument("--only", default=",".join(DATASETS))
    parser.add_argument("--seeds", default=",".join(str(s) for s in SEEDS))
    args = parser.parse_args()
    command = one_thread_command("raw_references.py")
    start = time.perf_counter()
    results = []
    for name in args.only.split(","):
        results += references(Dataset(name), args.batch, [int(s) for s in args.seeds.split(",")])
    elapsed = time.perf_counter() - start
    report = {
        "description": "Prequential (test-then-train, one pass, file order) reference scores on "
        "examples/data/raw; protocol in examples/references/raw_references.py and docs/data.md",
        "command": command,
        "machine": machine(),
        "settings": {
            "batch": args.batch,
            "seeds": args.seeds,
            "capacity": CAPACITY,
            "embedding_dim": EMBEDDING_DIM,
            "hidden": HIDDEN,
            "clip": CLIP,
        },
        "seconds": round(elapsed, 1),
        "results": results,
        "best": best(results),
    }
    save(report, args.out or OUT)
    print(f"{elapsed:.0f} s; wrote {os.path.relpath(args.out or OUT)}")


if __name__ == "__main__":
    main()
