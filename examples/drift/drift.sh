#!/usr/bin/env bash
# Windowed prequential accuracy of the fixed default and the default population on real streams
# with a sudden, documented change halfway (DriftMeasure in shared's test sources), then the curves
# as PNGs in docs/ (plot.py). Usage, from the repository root:
#   examples/drift/drift.sh [OUT_DIR]        (default: target/drift; PNGs always go to docs/)
# Needs Debian's /usr/bin/python3 with matplotlib (apt-get install -y python3-matplotlib) and the
# data sets of shared/src/test/resources/data (letter) and examples/data (mnist10k).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-target/drift}"
mkdir -p "$out"
out="$(cd "$out" && pwd)" # absolute: Maven resolves paths from the module
./mvnw -o -q -B -pl shared test-compile
./mvnw -o -q -B -pl shared dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" >/dev/null
cp="shared/target/classes:shared/target/test-classes:$(cat "$out/cp.txt")"
mnist="${MNIST10K:-examples/data/mnist10k.csv.gz}"
run() { # DATASET CHANGE NAME
  java --add-modules=jdk.incubator.vector -cp "$cp" io.streamprop.learn.population.DriftMeasure \
    "$1" "$2" "$out/$3.csv" 2>/dev/null | tee -a "$out/summary.txt"
}
: >"$out/summary.txt"
run letter labels letter-labels
run letter features letter-features
run "$mnist" labels mnist10k-labels
run "$mnist" features mnist10k-features
/usr/bin/python3 examples/drift/plot.py docs/drift-letter.png \
  "$out/letter-labels.csv" "letter, labels shifted at 10,000" \
  "$out/letter-features.csv" "letter, input columns reversed at 10,000"
/usr/bin/python3 examples/drift/plot.py docs/drift-mnist10k.png \
  "$out/mnist10k-labels.csv" "mnist10k, labels shifted at 5,000" \
  "$out/mnist10k-features.csv" "mnist10k, images turned 180° at 5,000"
