"""The issue's PyTorch grid on the mixed-type datasets in examples/data/raw (docs/learning-quality.md).

Run from the repository root with Debian's python (PyTorch 1.13, numpy; nothing else):

    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 examples/references/raw_grid.py

The twelve configurations of shared/src/test/python/grid_reference.py, hidden layers {[32],
[64, 32]} (ReLU) x Adam learning rate {1e-3, 1e-2} x mini-batch {1, 8, 32}, seed 42 only, each
with two encodings of the categorical columns: `onehot` (the numeric inputs with their indicators,
then the one-hot blocks, as raw_references.py's scikit-learn models get them) and `embedding` (as
its `torch` model); 24 runs per dataset. The datasets, the features learned online, the protocol
and the PyTorch network are raw_references.py's (imported from it). A mini-batch of B scores
B * floor(rows / B) examples. Scores: accuracy; for regression the MSE in USD. About 7 minutes, 5
of them diamonds at mini-batch 1.

It prints each configuration as it finishes and the best per dataset, and writes
examples/references/raw_grid.json (every score and its time in seconds, the first of each batch
size and encoding including the featurization; per dataset the best overall and per encoding,
whether all 24 have run; versions and machine), updated after every configuration so that a
partial run keeps what it measured; a dataset's scores already in the file stay unless measured
again. Options: `--only NAME[,NAME]`, `--out PATH`, `--batches 32,8` (only those mini-batch sizes,
in that order).
"""

import argparse
import itertools
import json
import os
import time

from raw_references import (
    CAPACITY,
    CLIP,
    DATASETS,
    EMBEDDING_DIM,
    Dataset,
    TorchModel,
    machine,
    one_thread_command,
    online,
    prequential_accuracy,
    prequential_regression,
    save,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "raw_grid.json")

# shared/src/test/python/grid_reference.py's configurations, per encoding
GRID_HIDDEN = [(32,), (64, 32)]
GRID_RATES = [1e-3, 1e-2]
GRID_BATCHES = [1, 8, 32]
GRID_SEED = 42
ENCODINGS = ["onehot", "embedding"]


def grid(data, results, out, batch_sizes):
    """The grid's configurations on one dataset; `results` is saved to `out` after each."""
    regression = data.classes is None
    pick = min if regression else max
    runs = len(ENCODINGS) * len(GRID_HIDDEN) * len(GRID_RATES) * len(GRID_BATCHES)
    known = results["datasets"].get(data.name, {})  # kept unless measured again
    entry = {
        "rows": data.rows,
        "task": "regression (MSE)" if regression else f"{len(data.classes)} classes (accuracy)",
        "complete": False,
        "scored": known.get("scored", {}),
        "best": None,
        "best_onehot": None,
        "best_embedding": None,
        "scores": known.get("scores", {}),
        "seconds": known.get("seconds", {}),
    }
    results["datasets"][data.name] = entry
    scores = entry["scores"]
    for batch in batch_sizes:
        entry["scored"][str(batch)] = batch * (data.rows // batch)
        for encoding in ENCODINGS:
            stream = None  # the inputs depend on the batch size and the encoding alone
            for hidden, lr in itertools.product(GRID_HIDDEN, GRID_RATES):
                start = time.perf_counter()
                model = TorchModel(data, lr, GRID_SEED, hidden, encoding)
                if stream is None:
                    stream = list(online(data, model, batch))
                if regression:
                    score = prequential_regression(model, stream)["mse"]
                else:
                    score = prequential_accuracy(model, stream)["accuracy"]
                seconds = time.perf_counter() - start
                key = f"{encoding} hidden {list(hidden)} lr {lr:g} batch {batch}"
                scores[key], entry["seconds"][key] = score, round(seconds, 2)
                print(f"{data.name:15s} {key:44s} {score:.6g}  ({seconds:.1f} s)", flush=True)
                groups = {"best": list(scores)}
                for e in ENCODINGS:
                    groups[f"best_{e}"] = [k for k in scores if k.startswith(e + " ")]
                for group, keys in groups.items():
                    if keys:
                        config = pick(keys, key=scores.get)
                        entry[group] = {"config": config, "score": scores[config]}
                entry["complete"] = len(scores) == runs
                save(results, out)  # a partial run keeps every configuration it finished
    print(f"{data.name:15s} BEST {entry['best']['config']} {entry['best']['score']:.6g}"
          + ("" if entry["complete"] else f" (of {len(scores)} configurations)"), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=OUT)
    parser.add_argument("--only", default=",".join(DATASETS))
    parser.add_argument("--batches", default=",".join(str(b) for b in GRID_BATCHES))
    args = parser.parse_args()
    command = one_thread_command("raw_grid.py")
    results = {
        "description": "Prequential (test-then-train, one pass, file order) scores of "
        "shared/src/test/python/grid_reference.py's grid per encoding on examples/data/raw; "
        "protocol in examples/references/raw_references.py",
        "command": command,
        "machine": machine(),
        "grid": {
            "hidden": GRID_HIDDEN,
            "lr": GRID_RATES,
            "batch": GRID_BATCHES,
            "encoding": ENCODINGS,
            "seed": GRID_SEED,
            "capacity": CAPACITY,
            "embedding_dim": EMBEDDING_DIM,
            "clip": CLIP,
        },
        "datasets": {},
    }
    if os.path.exists(args.out):
        with open(args.out) as f:
            results["datasets"] = json.load(f).get("datasets", {})
    for name in args.only.split(","):
        start = time.perf_counter()
        grid(Dataset(name), results, args.out, [int(b) for b in args.batches.split(",")])
        print(f"{name}: {time.perf_counter() - start:.0f} s; wrote {os.path.relpath(args.out)}")


if __name__ == "__main__":
    main()
