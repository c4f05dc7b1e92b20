"""Draws DriftMeasure's CSVs (windowed prequential accuracy per position) into one PNG.

Usage: /usr/bin/python3 plot.py OUT.png CSV TITLE [CSV TITLE ...]
One panel per CSV: the fixed default and the population, a dashed line at the first mini-batch
that holds changed examples.
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(path):
    pos, fixed, pop, change = [], [], [], None
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if change is None and row["changed"] == "1":
                change = int(row["position"])
            if row["fixed"] == "":
                continue
            pos.append(int(row["position"]))
            fixed.append(float(row["fixed"]))
            pop.append(float(row["population"]))
    return pos, fixed, pop, change


def main(argv):
    out, pairs = argv[1], list(zip(argv[2::2], argv[3::2]))
    fig, axes = plt.subplots(1, len(pairs), figsize=(6 * len(pairs), 4), squeeze=False)
    for ax, (path, title) in zip(axes[0], pairs):
        pos, fixed, pop, change = read(path)
        ax.plot(pos, fixed, label="fixed default (single, Adam 0.01)", lw=1)
        ax.plot(pos, pop, label="default population", lw=1)
        if change is not None:
            ax.axvline(change, color="grey", ls="--", lw=0.8)
        ax.set_title(title)
        ax.set_xlabel("examples")
        ax.set_ylabel("prequential accuracy, last 512 examples")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=100)


if __name__ == "__main__":
    main(sys.argv)
