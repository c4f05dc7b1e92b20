#!/usr/bin/env bash
# Many-models benchmark: one trainer held to a 512 MiB heap trains 1, 1,000, 10,000 and 100,000
# models of the small spec (8 inputs, one hidden layer of 16) on one local broker, in one run, the
# same number of examples at each count, spread evenly (by default 12 per model at 100,000 models:
# three mini-batches of 4). Writes the section "Many models" of
# docs/benchmarks.md. It takes several minutes; on a loaded machine, compare the ratios.
#
#   trainer/bench/many-models.sh [EXAMPLES=1200000] [COUNTS=1,1000,10000,100000]
set -euo pipefail
cd "$(dirname "$0")/../.."
examples="${1:-1200000}"
counts="${2:-1,1000,10000,100000}"

# shellcheck source=trainer/bench/lib.sh
source trainer/bench/lib.sh
bench_classpath

section=$(mktemp)
trap 'rm -f "$section"' EXIT
java -Xmx512m --add-modules=jdk.incubator.vector -cp "$cp" \
  io.streamprop.trainer.bench.ManyModels "$examples" "$counts" >"$section"
cat "$section"

replace_section "$section" "Many models"
