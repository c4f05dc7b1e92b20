#!/usr/bin/env python3
"""PyTorch side of the engine benchmark: the shapes of issue 2, on one thread.

Measures what bench/src/main/java/io/streamprop/bench measures in JMH, on the same random data
layout: training examples per second (zero_grad, forward, softmax cross-entropy, backward, Adam
step, one step per mini-batch) and inference examples per second (forward and softmax under
torch.no_grad()), at mini-batch 1, 32 and 256. Prints one JSON document on stdout.

Run it with Debian's python on OpenBLAS, told its CPU's core type (SkylakeX needs AVX-512; Haswell
is the AVX2 choice; bench/run-engine.sh picks one from the CPU's flags; see docs/benchmarks.md):

    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 bench/engine_pytorch.py --shape S --batch 32

Timing mirrors the JMH settings: warm-up iterations, then measured iterations of about a second
each; each result reports the mean over measured iterations and every iteration's rate, both in
wall-clock time and in CPU time of this process.
"""

import argparse
import ctypes
import json
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn.functional as F

# name -> (inputs, hidden widths, classes); keep in step with EngineShape.java
SHAPES = {
    "S": (10, [32], 2),
    "M": (54, [64, 32], 7),
    "L": (784, [256, 128], 10),
}
BATCHES = [1, 32, 256]
EXAMPLES_PER_CHUNK = 256  # like the JMH invocation: a multiple of every batch size
DATASET_SIZE = 16 * EXAMPLES_PER_CHUNK  # same number of distinct examples as RandomDataset.java


def build_model(shape):
    inputs, hidden, classes = SHAPES[shape]
    layers = []
    width = inputs
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, classes))
    return torch.nn.Sequential(*layers)


def dataset(shape, batch, seed):
    """Standard-normal features and uniform labels, pre-cut into contiguous mini-batches."""
    inputs, _, classes = SHAPES[shape]
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(DATASET_SIZE, inputs, generator=generator)
    y = torch.randint(0, classes, (DATASET_SIZE,), generator=generator)
    return [
        (x[i : i + batch].contiguous(), y[i : i + batch].contiguous())
        for i in range(0, DATASET_SIZE, batch)
    ]


def measure(chunk, warmup, iterations, seconds):
    """Runs chunk() (which handles EXAMPLES_PER_CHUNK examples) in timed iterations.

    Returns every measured iteration's examples per second of wall-clock time, and its examples
    per CPU-second of this process (all threads), the measure that the JMH side's
    CpuTimeProfiler reports and that a busy machine disturbs far less."""
    rates, cpu_rates = [], []
    for i in range(warmup + iterations):
        done = 0
        start = time.perf_counter()
        cpu_start = time.process_time()
        deadline = start + seconds
        while True:
            chunk()
            done += EXAMPLES_PER_CHUNK
            now = time.perf_counter()
            if now >= deadline:
                break
        cpu = time.process_time() - cpu_start
        if i >= warmup:
            rates.append(done / (now - start))
            cpu_rates.append(done / cpu if cpu > 0 else float("nan"))
    return rates, cpu_rates


def bench_train(shape, batch, args):
    torch.manual_seed(42)
    model = build_model(shape)
    model.train()
    # foreach=None is PyTorch 1.13's default: the single-tensor loop on CPU (--adam-foreach tries
    # the multi-tensor one, within ±20% either way on these shapes).
    optimizer = torch.optim.Adam(
        model.parameters(),
        lr=0.003,
        betas=(0.9, 0.999),
        eps=1e-8,
        foreach=True if args.adam_foreach else None,
    )
    batches = dataset(shape, batch, seed=7)
    steps = EXAMPLES_PER_CHUNK // batch
    position = [0]

    def chunk():
        p = position[0]
        for _ in range(steps):
            x, y = batches[p]
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            p = (p + 1) % len(batches)
        position[0] = p

    return measure(chunk, args.warmup, args.iterations, args.seconds)


def bench_predict(shape, batch, args):
    torch.manual_seed(42)
    model = build_model(shape)
    model.eval()
    batches = dataset(shape, batch, seed=7)
    calls = EXAMPLES_PER_CHUNK // batch
    position = [0]
    sink = [0.0]

    def chunk():
        p = position[0]
        with torch.no_grad():
            for _ in range(calls):
                x, _ = batches[p]
                probabilities = torch.softmax(model(x), dim=1)  # (batch, classes), as Predictor
                p = (p + 1) % len(batches)
        sink[0] += float(probabilities[0, 0])
        position[0] = p

    return measure(chunk, args.warmup, args.iterations, args.seconds)


def blas_libraries():
    """The BLAS shared libraries this process has loaded (Linux), after a matrix product.

    Debian's python3-torch is satisfied by the reference BLAS, which is some 20 times slower than
    OpenBLAS; the report says which one ran."""
    torch.randn(8, 8) @ torch.randn(8, 8)
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.split()[-1].lower()}
    except OSError:
        return []
    return sorted(os.path.realpath(p) for p in paths)


def limit_blas_threads(threads):
    """Sets OpenBLAS's own thread count and returns what it reports (None without OpenBLAS).

    torch.set_num_threads governs PyTorch's intra-op pool, not the BLAS it calls: Debian's
    OpenBLAS (pthread build) starts one thread per core for every large enough matrix product
    unless told otherwise, so without this L at batch 32 and M and L at batch 256 ran on both
    cores (two CPU-seconds per second) against a one-thread JVM."""
    counts = []
    for path in blas_libraries():
        lib = ctypes.CDLL(path)
        if hasattr(lib, "openblas_set_num_threads"):
            lib.openblas_set_num_threads(threads)
            counts.append(lib.openblas_get_num_threads())
    return max(counts) if counts else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=list(SHAPES), action="append")
    parser.add_argument("--batch", type=int, choices=BATCHES, action="append")
    parser.add_argument("--bench", choices=["train", "predict"], action="append")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up iterations")
    parser.add_argument("--iterations", type=int, default=5, help="measured iterations")
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds per iteration")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument(
        "--adam-foreach", action="store_true", help="Adam's multi-tensor (foreach) implementation"
    )
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    blas_threads = limit_blas_threads(args.threads)
    results = []
    for shape in args.shape or list(SHAPES):
        for batch in args.batch or BATCHES:
            for bench in args.bench or ["train", "predict"]:
                run = bench_train if bench == "train" else bench_predict
                rates, cpu_rates = run(shape, batch, args)
                results.append(
                    {
                        "bench": bench,
                        "shape": shape,
                        "batch": batch,
                        "examples_per_second": statistics.mean(rates),
                        "stdev": statistics.stdev(rates) if len(rates) > 1 else 0.0,
                        "iterations": rates,
                        "examples_per_cpu_second": statistics.mean(cpu_rates),
                        "cpu_stdev": statistics.stdev(cpu_rates) if len(cpu_rates) > 1 else 0.0,
                        "cpu_iterations": cpu_rates,
                    }
                )
    json.dump(
        {
            "torch": torch.__version__,
            "python": platform.python_version(),
            "threads": torch.get_num_threads(),
            "blas_threads": blas_threads,
            "adam_foreach": args.adam_foreach,
            "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
            "blas": blas_libraries(),
            "results": results,
        },
        sys.stdout,
        indent=1,
    )
    print()


if __name__ == "__main__":
    main()
