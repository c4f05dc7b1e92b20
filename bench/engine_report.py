#!/usr/bin/env python3
"""Writes the engine ratio table of docs/benchmarks.md from one run of bench/run-engine.sh.

Reads, from the run's directory: jmh-<shape>-<batch>.json (JMH's JSON result format),
torch-<shape>-<batch>.json (bench/engine_pytorch.py's output) and facts.json (machine facts
gathered by run-engine.sh). Replaces the text between the engine-results markers of the document
and leaves everything else in it as it is. Uses only the standard library.
"""

import argparse
import glob
import json
import os
import re
import sys

BEGIN = "<!-- engine-results:begin (written by bench/run-engine.sh; do not edit by hand) -->"
END = "<!-- engine-results:end -->"
SHAPE_ORDER = ["S", "M", "L"]
SHAPE_TEXT = {"S": "S 10→[32]→2", "M": "M 54→[64,32]→7", "L": "L 784→[256,128]→10"}
# Goals of issue 2: (shape, batch) -> minimum ratio streamprop / PyTorch on one thread.
GOALS = {("S", 32): 10.0, ("M", 32): 5.0, ("L", 32): 1.0, ("S", 1): 50.0, ("M", 1): 50.0}
JMH_BENCH = {"io.streamprop.bench.TrainBenchmark.learn": "train",
             "io.streamprop.bench.PredictBenchmark.predict": "predict"}


def load_results(directory):
    """Returns {(bench, shape, batch): {side: (rate, spread)}} with side "jvm" / "torch" in
    examples per second of wall-clock time and "jvm_cpu" / "torch_cpu" in examples per CPU-second
    of the measuring process."""
    table = {}
    for path in sorted(glob.glob(os.path.join(directory, "jmh-*.json"))):
        with open(path) as f:
            for run in json.load(f):
                bench = JMH_BENCH.get(run["benchmark"])
                if bench is None:
                    continue
                key = (bench, run["params"]["shape"], int(run["params"]["batch"]))
                metric = run["primaryMetric"]
                if metric["scoreUnit"] != "ops/s":
                    sys.exit(f"{path}: expected ops/s (examples/s), got {metric['scoreUnit']}")
                table.setdefault(key, {})["jvm"] = (metric["score"], error_of(metric))
                iterations = [x for fork in metric.get("rawData", []) for x in fork]
                if iterations:
                    table[key]["jvm_best"] = max(iterations)
                cpu = run.get("secondaryMetrics", {}).get("cpu.ops_per_cpu_second")
                if cpu is not None:
                    table[key]["jvm_cpu"] = (cpu["score"], error_of(cpu))
    for path in sorted(glob.glob(os.path.join(directory, "torch-*.json"))):
        with open(path) as f:
            for result in json.load(f)["results"]:
                key = (result["bench"], result["shape"], int(result["batch"]))
                table.setdefault(key, {})["torch"] = (result["examples_per_second"],
                                                       result["stdev"])
                if result.get("iterations"):
                    table[key]["torch_best"] = max(result["iterations"])
                if "examples_per_cpu_second" in result:
                    table[key]["torch_cpu"] = (result["examples_per_cpu_second"],
                                               result["cpu_stdev"])
    return table


def error_of(metric):
    error = metric["scoreError"]
    return 0.0 if error != error else error  # JMH writes NaN for a single iteration


def rate(value):
    score, spread = value
    return f"{score:,.0f} ± {spread:,.0f}"


def goal_text(ratio, cpu_ratio, best_ratio, goal):
    if goal is None:
        return ""
    def verdict(r):
        return "met" if r >= goal else "**missed**"
    text = f"≥ {goal:g}×: {verdict(ratio)}"
    others = []
    if cpu_ratio is not None:
        others.append(f"CPU time: {verdict(cpu_ratio)}")
    if best_ratio is not None:
        others.append(f"best: {verdict(best_ratio)}")
    if others:
        text += f" ({'; '.join(others)})"
    return text


def results_table(table, bench):
    lines = [
        "| shape | batch | streamprop (examples/s) | PyTorch (examples/s) | ratio "
        "| ratio in CPU time | ratio of best iterations | goal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    keys = sorted((k for k in table if k[0] == bench),
                  key=lambda k: (SHAPE_ORDER.index(k[1]), k[2]))
    for key in keys:
        _, shape, batch = key
        entry = table[key]
        jvm, torch = entry.get("jvm"), entry.get("torch")
        if jvm is None or torch is None:
            missing = "streamprop" if jvm is None else "PyTorch"
            lines.append(f"| {SHAPE_TEXT[shape]} | {batch} | "
                         f"{rate(jvm) if jvm else '—'} | {rate(torch) if torch else '—'} | "
                         f"— | — | — | no {missing} result |")
            continue
        ratio = jvm[0] / torch[0]
        cpu_ratio = None
        if "jvm_cpu" in entry and "torch_cpu" in entry:
            cpu_ratio = entry["jvm_cpu"][0] / entry["torch_cpu"][0]
        cpu_text = "—" if cpu_ratio is None else f"{cpu_ratio:,.1f}×"
        best_ratio = None
        if "jvm_best" in entry and "torch_best" in entry:
            best_ratio = entry["jvm_best"] / entry["torch_best"]
        best_text = "—" if best_ratio is None else f"{best_ratio:,.1f}×"
        goal = GOALS.get((shape, batch))
        lines.append(f"| {SHAPE_TEXT[shape]} | {batch} | {rate(jvm)} | {rate(torch)} | "
                     f"{ratio:,.1f}× | {cpu_text} | {best_text} | "
                     f"{goal_text(ratio, cpu_ratio, best_ratio, goal)} |")
    return "\n".join(lines)


def section(table, facts):
    return "\n".join([
        BEGIN,
        "",
        f"Run of {facts['date']} with `{facts['command']}`.",
        "",
        f"- Machine: {facts['nproc']} cores, {facts['cpu']}; load average before "
        f"`{facts['load_before']}`, after `{facts['load_after']}` (other work on the machine "
        "shifts both columns, which is why the two sides are interleaved).",
        f"- JVM: {facts['jdk']}; JMH {facts['jmh_options']}.",
        f"- PyTorch {facts['torch']} on Python {facts['python']}, "
        f"{facts['torch_threads']} thread, BLAS `{facts['blas']}`, "
        f"`OPENBLAS_CORETYPE={facts['openblas_coretype']}`.",
        "",
        "Training (one optimizer step per mini-batch; examples per second):",
        "",
        results_table(table, "train"),
        "",
        "Inference (class probabilities; examples per second):",
        "",
        results_table(table, "predict"),
        "",
        "± is JMH's 99.9% confidence half-width for streamprop and the standard deviation over "
        "the measured iterations for PyTorch; ratio = streamprop / PyTorch in wall-clock "
        "throughput. The ratio in CPU time divides examples per CPU-second of each side's "
        "process (all its threads: JIT compiler and GC included for the JVM), which a busy "
        "machine disturbs far less. The ratio of best iterations divides each side's fastest "
        "measured iteration (1 s each): the machine's neighbours slow both sides by up to a "
        "third from one second to the next, so the fastest iteration is the closest to what "
        "each does undisturbed (the mean stays the headline ratio). Raw values are in the run's "
        "directory.",
        "",
        END,
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, help="the run's directory")
    parser.add_argument("--doc", required=True, help="docs/benchmarks.md")
    args = parser.parse_args()

    with open(os.path.join(args.results, "facts.json")) as f:
        facts = json.load(f)
    table = load_results(args.results)
    if not table:
        sys.exit(f"no results in {args.results}")
    text = section(table, facts)

    with open(args.doc) as f:
        doc = f.read()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        sys.exit(f"{args.doc} has no engine-results markers; restore them:\n{BEGIN}\n{END}")
    doc = pattern.sub(lambda _: text, doc)
    with open(args.doc, "w") as f:
        f.write(doc)
    print(text)


if __name__ == "__main__":
    main()
