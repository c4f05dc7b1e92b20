#!/usr/bin/env bash
# Trainer throughput benchmark: a pass-through exactly-once Kafka Streams app vs the trainer on
# model M, on one local broker in the same run, plus freshness. Writes the section
# "Trainer throughput" of docs/benchmarks.md. Run it on a quiet machine; it takes a few minutes.
# With "raw" first, the same comparison on raw events (the 20-field mixed event, mini-batch 8),
# written to the section "Trainer throughput, raw events". With BROKERS=3 in the environment, only
# the freshness, on a three-node LocalKafkaCluster (replication factor 3, min.insync.replicas 2),
# written to the section "Trainer freshness, three brokers".
#
#   trainer/bench/throughput.sh [EXAMPLES=500000] [FRESH_RATE=5000] [FRESH_SECONDS=20]
#   trainer/bench/throughput.sh raw [EXAMPLES=1000000] [KEY=VALUE...]   (fewer examples mostly
#     measure the JIT warming up; KEY=VALUE are trainer properties, e.g. commit.interval.ms=1000,
#     and a run with any only prints its section)
#   BROKERS=3 trainer/bench/throughput.sh [FRESH_RATE=5000] [FRESH_SECONDS=20] [WARM_SECONDS=5]
#   JAVA_FLAGS="-XX:StartFlightRecording=filename=/tmp/trainer.jfr" trainer/bench/throughput.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
brokers="${BROKERS:-1}"
if [[ "$brokers" == 3 ]]; then
  main=io.streamprop.trainer.bench.ClusterFreshness
  heading="Trainer freshness, three brokers"
  args=("${1:-5000}" "${2:-20}" "${3:-5}")
elif [[ "$brokers" != 1 ]]; then
  echo "BROKERS must be 1 or 3, not '$brokers'" >&2
  exit 2
elif [[ "${1:-}" == raw ]]; then
  main=io.streamprop.trainer.bench.RawEventThroughput
  heading="Trainer throughput, raw events"
  args=("${2:-1000000}" "${@:3}")
else
  main=io.streamprop.trainer.bench.TrainerThroughput
  heading="Trainer throughput"
  args=("${1:-500000}" "${2:-5000}" "${3:-20}")
fi

# shellcheck source=trainer/bench/lib.sh
source trainer/bench/lib.sh
bench_classpath

section=$(mktemp)
trap 'rm -f "$section"' EXIT
# The trainer's engine runs the vector kernels, as under the launcher and in the Docker images.
# shellcheck disable=SC2086  # JAVA_FLAGS is a word list on purpose
java -Xmx2g --add-modules=jdk.incubator.vector ${JAVA_FLAGS:-} -cp "$cp" "$main" "${args[@]}" >"$section"
cat "$section"

if [[ "${1:-}" == raw && $# -gt 2 ]]; then
  exit 0 # a variant of the trainer's settings: the documented figures are the defaults
fi
replace_section "$section" "$heading"
