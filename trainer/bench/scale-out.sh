#!/usr/bin/env bash
# Trainer scale-out benchmark: on one local broker, an examples topic of 6 partitions (6 models of
# model M at mini-batch 8, one per partition) trained by 1, 2 and 3 trainer instances of one stream
# thread and by one instance of 1, 2 and 4 stream threads, each instance a JVM of its own; ROUNDS
# rounds in alternating order. Writes the section "Trainer scale-out" of docs/benchmarks.md. Run it
# on a quiet machine; at the defaults it takes several minutes.
#
#   trainer/bench/scale-out.sh [EXAMPLES=1200000] [ROUNDS=2] [SETUPS=1x1,2x1,3x1,1x2,1x4]
#   TRAINER_JAVA_FLAGS="-XX:+UseSerialGC" trainer/bench/scale-out.sh   # extra trainer JVM flags
set -euo pipefail
cd "$(dirname "$0")/../.."
examples="${1:-1200000}"
rounds="${2:-2}"
setups="${3:-1x1,2x1,3x1,1x2,1x4}"

# shellcheck source=trainer/bench/lib.sh
source trainer/bench/lib.sh
bench_classpath

section=$(mktemp)
trap 'rm -f "$section"' EXIT
# This JVM produces the examples and watches the committed offsets; the trainers are its children.
java -Xmx512m --add-modules=jdk.incubator.vector -cp "$cp" \
  io.streamprop.trainer.bench.ScaleOut "$examples" "$rounds" "$setups" >"$section"
cat "$section"

replace_section "$section" "Trainer scale-out"
