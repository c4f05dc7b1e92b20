#!/usr/bin/env bash
# Label-to-snapshot benchmark: predictions pre-logged on one local broker, then their labels written
# at a steady rate; the time from a label's write to the first committed snapshot that learned from
# it, against examples written directly at the same rate in the same run. Writes the section
# "Label to snapshot" of docs/benchmarks.md. It takes a few minutes.
#
#   trainer/bench/label-freshness.sh [RATE=5000] [SECONDS=20]
set -euo pipefail
cd "$(dirname "$0")/../.."
main=io.streamprop.trainer.bench.LabelFreshness
heading="Label to snapshot"
args=("${1:-5000}" "${2:-20}")

# shellcheck source=trainer/bench/lib.sh
source trainer/bench/lib.sh
bench_classpath

section=$(mktemp)
trap 'rm -f "$section"' EXIT
# shellcheck disable=SC2086  # JAVA_FLAGS is a word list on purpose
java -Xmx2g --add-modules=jdk.incubator.vector ${JAVA_FLAGS:-} -cp "$cp" "$main" "${args[@]}" >"$section"
cat "$section"

replace_section "$section" "$heading"
