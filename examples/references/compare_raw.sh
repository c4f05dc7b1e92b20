#!/usr/bin/env bash
# streamprop against the references on the mixed-type datasets of examples/data/raw, side by side.
#
# For each dataset: `streamprop evaluate --json` on its CSV with the spec inferred from it (no
# --spec: one prequential pass in file order, mini-batches of 8, only complete batches scored,
# each before the model learns from it: the protocol of raw_references.py), then the best reference
# model of raw_references.json (seed 42). These are the figures RawLearningQualityTest asserts.
#
#   examples/references/compare_raw.sh            # every dataset (diamonds takes the longest)
#   examples/references/compare_raw.sh titanic    # some of them
#
# Needs a JDK (the launcher builds the command line on first use) and Python 3 for the table.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
datasets=("$@")
if [[ ${#datasets[@]} -eq 0 ]]; then
  datasets=(soybean house_votes_84 titanic chile diamonds)
fi

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for name in "${datasets[@]}"; do
  file="$root/examples/data/raw/$name.csv"
  [[ -f "$file" ]] || file="$file.gz"
  figures="$("$root/streamprop" evaluate --data "$file" --json --progress=never 2>/dev/null |
    tail -n 1)"
  echo "$name $figures" >>"$results"
done

python3 - "$results" "$root/examples/references/raw_references.json" <<'PY'
import json, sys

refs = json.load(open(sys.argv[2]))
print(f"{'dataset':15s} {'metric':9s} {'streamprop':>12s} {'best reference':>16s}  model")
for line in open(sys.argv[1]):
    name, figures = line.split(" ", 1)
    ours = json.loads(figures)
    best = refs["best"][name]["best"]
    model = best["model"] + (f" lr {best['lr']:g}" if best["lr"] is not None else "")
    if "accuracy" in ours:
        mark = ">=" if ours["accuracy"] >= best["accuracy"] else "< "
        print(f"{name:15s} {'accuracy':9s} {ours['accuracy']:12.4f} {mark} {best['accuracy']:13.4f}  {model}")
    else:
        mse = min(r["mse"] for r in refs["results"] if r["dataset"] == name and "seeds" in r)
        mark = "<=" if ours["mse"] <= mse else "> "
        print(f"{name:15s} {'mse':9s} {ours['mse']:12.0f} {mark} {mse:13.0f}  lowest mse of the references")
PY
