#!/usr/bin/env bash
# Where a half-rate run's latency goes: per-thread CPU time and time spent waiting for a core (the
# run queue), for the scorer's threads, wrk's and the broker's, from /proc/PID/task/*/schedstat,
# plus the broker's and the snapshot publisher's total CPU and the scorer's GC pauses. Same
# broker, jar and wrk scripts as wrk.sh; no document is written. Findings from it are in
# docs/benchmarks.md, "Scorer: where the time goes".
#
# Usage: scorer/bench/runqueue.sh                 (ROUNDS=3 runs of 12 s at a 3 ms pause)
#        SWAP=1 scorer/bench/runqueue.sh          (while snapshots of M swap 10 times a second)
#        SCORER_OPTS="-Xmx512m -XX:+UseParallelGC" PAUSE_MS=4 ROUNDS=2 scorer/bench/runqueue.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-3}"
PAUSE_MS="${PAUSE_MS:-3}"
SCORER_OPTS="${SCORER_OPTS:--Xms512m -Xmx512m}"
HTTP_PORT="${HTTP_PORT:-18080}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
TOPIC="bench-snapshots"
WORK="$(mktemp -d)"
JAR="scorer/target/streamprop-scorer.jar"
URL="http://127.0.0.1:${HTTP_PORT}/v1/models/M:predict"
PIDS=()

# cleanup (stops every process in PIDS on exit), wait_for, start_broker, served_past, start_swapping
# shellcheck source=scorer/bench/lib.sh
source "$ROOT/scorer/bench/lib.sh"

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
./mvnw -B -q -pl scorer,kafka-local -am package -DskipTests
start_broker
java -cp "$JAR" scorer/bench/PublishSnapshots.java --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC" --model M

# shellcheck disable=SC2086  # SCORER_OPTS is a word list on purpose
STREAMPROP_TOPIC_SNAPSHOTS="$TOPIC" STREAMPROP_SERVING_LOSS_ENABLED=false STREAMPROP_PREDICTION_LOG_MODE="${STREAMPROP_PREDICTION_LOG_MODE:-off}" \
  java --add-modules=jdk.incubator.vector $SCORER_OPTS -Xlog:gc:file="$WORK/gc.log" \
  -jar "$JAR" --bootstrap-server "$BOOTSTRAP" --port "$HTTP_PORT" >"$WORK/scorer.log" 2>&1 &
SCORER=$!
PIDS+=($SCORER)
wait_for "model M to be served" 120 curl -sf "http://127.0.0.1:${HTTP_PORT}/v1/models/M"
wrk -t2 -c64 -d5s -s scorer/bench/predict-single.lua "$URL" >/dev/null
wrk -t2 -c64 -d5s -s scorer/bench/predict-paced.lua "$URL" -- "$PAUSE_MS" >/dev/null

PUBLISHER=""
if [ -n "${SWAP:-}" ]; then
  start_swapping $((ROUNDS * 14 + 20))
  wrk -t2 -c64 -d5s -s scorer/bench/predict-paced.lua "$URL" -- "$PAUSE_MS" >/dev/null
  wait_for_quiet_jit "$BROKER" "$SCORER" "$PUBLISHER"
fi

threads() { # pid -> lines "name cpu_ns runqueue_ns timeslices", one per thread
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s %s\n' "$(tr ' ' _ <"$t/comm" 2>/dev/null)" "$(cat "$t/schedstat" 2>/dev/null)"
  done
}
cpu_ms() { awk '{print ($14 + $15) * 10}' "/proc/$1/stat"; } # utime + stime, at 100 ticks/s
report() { # label, before, after: the busiest threads by name, summed over same-named threads
  awk -v label="$1" '
    FNR == NR { c[$1] += $2; w[$1] += $3; n[$1] += $4; next }
    { c2[$1] += $2; w2[$1] += $3; n2[$1] += $4 }
    END {
      for (k in c2) if ((c2[k] - c[k]) > 5e6)
        printf "  %-7s %-24s cpu %6.0f ms   run-queue wait %6.0f ms   waits %7d\n",
          label, k, (c2[k] - c[k]) / 1e6, (w2[k] - w[k]) / 1e6, n2[k] - n[k]
    }' "$2" "$3" | sort -k4 -rn
}

for round in $(seq "$ROUNDS"); do
  threads "$SCORER" >"$WORK/scorer-before"
  threads "$BROKER" >"$WORK/broker-before"
  broker_before=$(cpu_ms "$BROKER")
  publisher_before=$([ -n "$PUBLISHER" ] && cpu_ms "$PUBLISHER" || echo 0)
  wrk -t2 -c64 -d12s --latency -s scorer/bench/predict-paced.lua "$URL" -- "$PAUSE_MS" \
    >"$WORK/wrk-$round.txt" &
  WRK=$!
  # wrk's own threads, sampled from 1 s to 11.5 s into its 12 s (it is gone at the end)
  sleep 1
  threads "$WRK" >"$WORK/wrk-before"
  sleep 10.5
  threads "$WRK" >"$WORK/wrk-after"
  wait "$WRK"
  threads "$SCORER" >"$WORK/scorer-after"
  threads "$BROKER" >"$WORK/broker-after"
  echo "== round $round: $(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk-$round.txt") requests/s," \
    "$(awk '$1 == "50%" || $1 == "90%" || $1 == "99%" {printf "%s %s  ", $1, $2}' "$WORK/wrk-$round.txt")"
  report scorer "$WORK/scorer-before" "$WORK/scorer-after"
  report wrk "$WORK/wrk-before" "$WORK/wrk-after"
  report broker "$WORK/broker-before" "$WORK/broker-after"
  echo "  broker cpu $(($(cpu_ms "$BROKER") - broker_before)) ms" \
    "$([ -n "$PUBLISHER" ] && echo "publisher cpu $(($(cpu_ms "$PUBLISHER") - publisher_before)) ms")"
done
echo "== scorer GC pauses (all, from its start)"
grep "Pause" "$WORK/gc.log" || echo "  none"
