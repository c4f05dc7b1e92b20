#!/usr/bin/env bash
# The prediction log's cost: model M (54 -> [64, 32] -> 7) served by three scorers side by side on
# one broker, the same jar, differing only in streamprop.prediction.log.mode (off, acknowledged,
# async), loaded in turn by wrk with single-instance requests and with batches of 64, in ROUNDS
# interleaved rounds, so that all three share the machine's minutes. Prints each mode's
# requests/s and p99 per kind (the median of its rounds) and the ratios to "off".
#
# Throughput is measured at saturation and latency at a fixed rate, because wrk is closed-loop: its
# requests/s is connections / latency. With too few connections, the time a request waits for the
# broker's acknowledgement (no CPU used) caps the logged scorer's requests/s, whatever the machine
# could do; SATURATE connections (default 256) keep every mode busy, so the throughput ratio is the
# ratio of work per request. The p99 is taken in the "paced" kind: connections each pausing
# PAUSE_MS (default 2) between requests, as many as ask together for half of the unlogged scorer's
# peak (predict-paced.lua, as in wrk.sh; CONNECTIONS overrides), the same offered load for every
# mode.
#
# The requests carry random rows, 1,024 different rows per wrk thread (STREAMPROP_BENCH_ROWS,
# default "varied"; "fixed" sends one row again and again as wrk.sh does): what the log records and
# the broker stores is then as compressible as a user's numbers, not one row repeated.
#
# After each round it prints the CPU the broker and that scorer used, and the producer's batching
# (scorer/bench/ProducerStats.java over JMX: records per batch and per produce request, latency).
#
# Usage: scorer/bench/predlog.sh   (DURATION, ROUNDS, PAUSE_MS, CONNECTIONS, SATURATE, THREADS,
# MODES, STREAMPROP_BENCH_ROWS, BROKER_PROPERTIES override; the last as in scorer/bench/lib.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-3}"
PAUSE_MS="${PAUSE_MS:-2}" # the paced kind's pause per connection (wrk pauses in whole ms)
SATURATE="${SATURATE:-256}"
THREADS="${THREADS:-2}"
export STREAMPROP_BENCH_ROWS="${STREAMPROP_BENCH_ROWS:-varied}" # read by rows.lua
KAFKA_PORT="${KAFKA_PORT:-19093}"
TOPIC="bench-snapshots"
WORK="$(mktemp -d)"
JAR="scorer/target/streamprop-scorer.jar"
# MODES (default "off acknowledged async") may add variants NAME=MODE, e.g. "ack-l5=acknowledged",
# whose scorer gets the environment assignments of VARIANT_<NAME> (dashes as underscores), e.g.
# VARIANT_ack_l5="KAFKA_LINGER_MS=5"; JAR_<NAME> runs that variant from another jar (a build to
# compare against, e.g. JAR_ack_before=/tmp/before.jar).
read -r -a MODES <<<"${MODES:-off acknowledged async}"
declare -A PORT JMX LOGMODE ENVS JARS
for i in "${!MODES[@]}"; do
  spec="${MODES[$i]}"; name="${spec%%=*}"; MODES[$i]="$name"
  LOGMODE[$name]="${spec#*=}"; PORT[$name]=$((18181 + i)); JMX[$name]=$((18191 + i))
  var="VARIANT_${name//-/_}"; ENVS[$name]="${!var:-}"
  var="JAR_${name//-/_}"; JARS[$name]="${!var:-$JAR}"
done
declare -A SCORER
PIDS=()

# shellcheck source=scorer/bench/lib.sh
source "$ROOT/scorer/bench/lib.sh"
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }

if [[ "${BUILD:-1}" == 1 ]]; then
  echo "== building"
  ./mvnw -o -B -q -pl scorer,kafka-local -am package -DskipTests
fi
echo "== starting a broker on port $KAFKA_PORT"
start_broker
java -cp "$JAR" scorer/bench/PublishSnapshots.java --bootstrap-server "$BOOTSTRAP" --topic "$TOPIC" --model M

for mode in "${MODES[@]}"; do
  # shellcheck disable=SC2086
  env ${ENVS[$mode]} STREAMPROP_TOPIC_SNAPSHOTS="$TOPIC" STREAMPROP_SERVING_LOSS_ENABLED=false \
    STREAMPROP_PREDICTION_LOG_MODE="${LOGMODE[$mode]}" STREAMPROP_TOPIC_PREDICTIONS="predictions-$mode" \
    java --add-modules=jdk.incubator.vector -Xms512m -Xmx512m -Dcom.sun.management.jmxremote.port="${JMX[$mode]}" \
    -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false -jar "${JARS[$mode]}" \
    --bootstrap-server "$BOOTSTRAP" --port "${PORT[$mode]}" >"$WORK/scorer-$mode.log" 2>&1 &
  PIDS+=($!)
  SCORER[$mode]=$!
done
for mode in "${MODES[@]}"; do
  wait_for "M served ($mode)" 600 curl -sf "http://127.0.0.1:${PORT[$mode]}/v1/models/M"
done

cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # user + system clock ticks (100 a second)
url() { echo "http://127.0.0.1:${PORT[$1]}/v1/models/M:predict"; } # rps and pct: lib.sh

for mode in "${MODES[@]}"; do # warm-up: the JIT compiles each scorer's paths before measuring
  for kind in single batch64; do
    wrk -t"$THREADS" -c"$SATURATE" -d5s -s "scorer/bench/predict-$kind.lua" "$(url "$mode")" >/dev/null
  done
done
# The paced kind: as many connections, each pausing PAUSE_MS, as ask together for half the
# unlogged scorer's peak (a little less: each also waits for its answer). wrk pauses in whole
# milliseconds, so the connections, not the pause, follow the peak.
wrk -t"$THREADS" -c"$SATURATE" -d5s -s scorer/bench/predict-single.lua "$(url off)" >"$WORK/peak.txt"
PEAK="$(rps "$WORK/peak.txt")"
CONNECTIONS="${CONNECTIONS:-$(awk -v p="$PAUSE_MS" -v peak="$PEAK" -v t="$THREADS" \
  'BEGIN { c = int(peak / 2 * p / 1000 + 0.5); print (c < t ? t : c) }')}"
echo "== unlogged peak $PEAK requests/s: paced kind at $CONNECTIONS connections, $PAUSE_MS ms pause each"
for mode in "${MODES[@]}"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s scorer/bench/predict-paced.lua "$(url "$mode")" -- "$PAUSE_MS" >/dev/null
done
KINDS=(single batch64 paced)
for round in $(seq "$ROUNDS"); do
  # Each round starts the modes one further along: a mode's place in a round (what ran before it)
  # is not the same in every round.
  shift_by=$(((round - 1) % ${#MODES[@]}))
  ORDER=("${MODES[@]:shift_by}" "${MODES[@]:0:shift_by}")
  for kind in "${KINDS[@]}"; do
    for mode in "${ORDER[@]}"; do
      echo "== round $round, $kind, $mode"
      b0="$(cpu "$BROKER")"; s0="$(cpu "${SCORER[$mode]}")"
      if [[ "$kind" == paced ]]; then
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s scorer/bench/predict-paced.lua \
          "$(url "$mode")" -- "$PAUSE_MS" >"$WORK/$kind-$mode-$round.txt"
      else
        wrk -t"$THREADS" -c"$SATURATE" -d"${DURATION}s" --latency \
          -s "scorer/bench/predict-$kind.lua" "$(url "$mode")" >"$WORK/$kind-$mode-$round.txt"
      fi
      b1="$(cpu "$BROKER")"; s1="$(cpu "${SCORER[$mode]}")"
      grep -E "Requests/sec|Non-2xx|Socket errors" "$WORK/$kind-$mode-$round.txt" || true
      echo "  CPU (% of one core): broker $(((b1 - b0) / DURATION)), scorer $(((s1 - s0) / DURATION))"
      if [[ "$mode" != off ]]; then java scorer/bench/ProducerStats.java "${JMX[$mode]}" || true; fi
    done
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo
echo "| kind | mode | requests/s | p99 ms | throughput vs off | p99 vs off |"
echo "| --- | --- | --- | --- | --- | --- |"
for kind in "${KINDS[@]}"; do
  base_rps="$(for r in $(seq "$ROUNDS"); do rps "$WORK/$kind-off-$r.txt"; done | median)"
  base_p99="$(for r in $(seq "$ROUNDS"); do pct "$WORK/$kind-off-$r.txt" 99; done | median)"
  for mode in "${MODES[@]}"; do
    m_rps="$(for r in $(seq "$ROUNDS"); do rps "$WORK/$kind-$mode-$r.txt"; done | median)"
    m_p99="$(for r in $(seq "$ROUNDS"); do pct "$WORK/$kind-$mode-$r.txt" 99; done | median)"
    awk -v k="$kind" -v m="$mode" -v r="$m_rps" -v p="$m_p99" -v br="$base_rps" -v bp="$base_p99" \
      'BEGIN { printf "| %s | %s | %.0f | %.2f | %.2f | %.2f |\n", k, m, r, p, r / br, p / bp }'
  done
done
for mode in "${MODES[@]}"; do
  [[ "${LOGMODE[$mode]}" == off ]] && continue
  echo "$mode: $(curl -s "http://127.0.0.1:${PORT[$mode]}/metrics" | grep -E '^streamprop_prediction_log_(writes|failures|dropped)_total' | tr '\n' ' ')"
done
