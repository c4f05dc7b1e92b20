#!/usr/bin/env bash
# Where a batched request's CPU goes: runs the batch-64 load of wrk.sh against one or more scorer
# jars, alternating, and prints per run the requests/s and the CPU per request of the scorer (user
# and system), of wrk and of the broker, the machine's busy time, and the scorer's threads. CPU per
# request is the figure to compare on a shared machine; requests/s moves with the neighbours' load.
#
# Usage: scorer/bench/cpu-split.sh JAR [JAR ...]     (ROUNDS=3, WARM=10, DURATION=10 seconds)
#   e.g. build the two versions to compare, copy their jars to /tmp/base.jar and /tmp/new.jar, then
#        scorer/bench/cpu-split.sh /tmp/base.jar /tmp/new.jar
# PAIRED=1 with two jars runs them side by side instead: both scorers at once (ports HTTP_PORT and
# HTTP_PORT + 1), each loaded by its own wrk -t1 -c32 in the same windows, so that both see the same
# background load; prints each one's CPU per request and their ratio per window. On a shared
# machine this is the comparison that holds still (docs/benchmarks.md, "Scorer: where the time
# goes").
# PROFILE=/path/to/libasyncProfiler.so adds an async-profiler CPU profile (kernel frames included)
# of each measured run, collapsed stacks beside the output. Attaching it makes the JIT compile
# again during the run: compare CPU figures from runs without PROFILE.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-3}"
WARM="${WARM:-10}"
DURATION="${DURATION:-10}"
HTTP_PORT="${HTTP_PORT:-18080}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
TOPIC="bench-snapshots"
WORK="$(mktemp -d)"
URL="http://127.0.0.1:${HTTP_PORT}/v1/models/M:predict"
SCRIPT="scorer/bench/predict-batch64.lua"
PIDS=()
[ $# -ge 1 ] || { echo "usage: $0 JAR [JAR ...]" >&2; exit 2; }

# cleanup (stops every process in PIDS on exit), wait_for, start_broker
# shellcheck source=scorer/bench/lib.sh
source "$ROOT/scorer/bench/lib.sh"

./mvnw -B -q -pl kafka-local -am package -DskipTests
start_broker
java -cp "$1" scorer/bench/PublishSnapshots.java \
  --bootstrap-server "127.0.0.1:${KAFKA_PORT}" --topic "$TOPIC" --model M >/dev/null

ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12, $13}'; } # user, system (1/100 s)
threads() { # name user system, summed over threads of the same name
  for t in /proc/"$1"/task/*; do
    echo "$(tr ' ' '_' <"$t/comm") $(ticks "$1/task/$(basename "$t")")"
  done | awk '{u[$1] += $2; s[$1] += $3} END {for (k in u) print k, u[k], s[k]}' | sort
}
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

measure() { # label jar
  local label="$1" jar="$2" out="$WORK/$1.$RANDOM"
  STREAMPROP_TOPIC_SNAPSHOTS="$TOPIC" STREAMPROP_SERVING_LOSS_ENABLED=false STREAMPROP_PREDICTION_LOG_MODE="${STREAMPROP_PREDICTION_LOG_MODE:-off}" \
    java --add-modules=jdk.incubator.vector -Xms512m -Xmx512m -jar "$jar" --bootstrap-server "127.0.0.1:${KAFKA_PORT}" \
    --port "$HTTP_PORT" >"$out.scorer.log" 2>&1 &
  local scorer=$!
  PIDS+=($scorer)
  wait_for "model M to be served" 120 curl -sf "http://127.0.0.1:${HTTP_PORT}/v1/models/M"
  wrk -t2 -c64 -d"${WARM}s" -s "$SCRIPT" "$URL" >/dev/null
  [ -z "${PROFILE:-}" ] || jcmd "$scorer" JVMTI.agent_load "$PROFILE" '"start,event=cpu,threads"' >/dev/null
  read -r su0 ss0 < <(ticks "$scorer")
  read -r bu0 bs0 < <(ticks "$BROKER")
  threads "$scorer" >"$out.t0"
  local m0 load
  m0="$(busy)"
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "%U %S" -o "$out.wrktime" \
    wrk -t2 -c64 -d"${DURATION}s" --latency -s "$SCRIPT" "$URL" >"$out.wrk"
  read -r su1 ss1 < <(ticks "$scorer")
  read -r bu1 bs1 < <(ticks "$BROKER")
  threads "$scorer" >"$out.t1"
  local m1
  m1="$(busy)"
  [ -z "${PROFILE:-}" ] || jcmd "$scorer" JVMTI.agent_load "$PROFILE" \
    "\"stop,file=$out.collapsed,collapsed\"" >/dev/null
  kill "$scorer"
  wait "$scorer" 2>/dev/null || true
  local requests rps wu ws
  requests="$(awk '/requests in/ {print $1}' "$out.wrk")"
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$out.wrk")"
  read -r wu ws <"$out.wrktime"
  awk -v l="$label" -v n="$requests" -v rps="$rps" -v su=$((su1 - su0)) -v ss=$((ss1 - ss0)) \
    -v b=$((bu1 + bs1 - bu0 - bs0)) -v wu="$wu" -v ws="$ws" -v m=$((m1 - m0)) -v load="$load" 'BEGIN {
      us = 1e4 / n
      printf "%-12s %6.0f req/s %7.0f pred/s | scorer %5.1f us/req (user %5.1f, system %4.1f)", l, rps, rps * 64, (su + ss) * us, su * us, ss * us
      printf " | wrk %4.1f | broker %4.1f | machine busy %5.1f us/req | load %s\n", (wu + ws) * 1e6 / n, b * us, m * us, load }'
  join "$out.t0" "$out.t1" | awk -v n="$requests" 'NF == 5 && $4 + $5 - $2 - $3 > 2 {
      printf "    %-20s %5.1f us/req\n", $1, ($4 + $5 - $2 - $3) * 1e4 / n }' | sort -k2 -rn
  [ -z "${PROFILE:-}" ] || echo "    profile: $out.collapsed"
}

paired() { # jar A, jar B: side by side, same windows
  local a b port ra rb ca0 cb0 ca1 cb1
  start() {
    STREAMPROP_TOPIC_SNAPSHOTS="$TOPIC" STREAMPROP_SERVING_LOSS_ENABLED=false STREAMPROP_PREDICTION_LOG_MODE="${STREAMPROP_PREDICTION_LOG_MODE:-off}" \
      java --add-modules=jdk.incubator.vector -Xms512m -Xmx512m -jar "$1" --bootstrap-server "127.0.0.1:${KAFKA_PORT}" \
      --port "$2" >"$WORK/scorer.$2.log" 2>&1 &
    PIDS+=($!)
  }
  start "$1" "$HTTP_PORT"
  a=$!
  start "$2" $((HTTP_PORT + 1))
  b=$!
  for port in "$HTTP_PORT" $((HTTP_PORT + 1)); do
    wait_for "model M on port $port" 120 curl -sf "http://127.0.0.1:${port}/v1/models/M"
  done
  for round in $(seq 0 "$ROUNDS"); do # round 0 is the warm-up
    read -r ca0 < <(ticks "$a" | awk '{print $1 + $2}')
    read -r cb0 < <(ticks "$b" | awk '{print $1 + $2}')
    wrk -t1 -c32 -d"$([ "$round" = 0 ] && echo "$WARM" || echo "$DURATION")s" -s "$SCRIPT" \
      "http://127.0.0.1:${HTTP_PORT}/v1/models/M:predict" >"$WORK/a.wrk" &
    local loader=$!
    wrk -t1 -c32 -d"$([ "$round" = 0 ] && echo "$WARM" || echo "$DURATION")s" -s "$SCRIPT" \
      "http://127.0.0.1:$((HTTP_PORT + 1))/v1/models/M:predict" >"$WORK/b.wrk"
    wait "$loader"
    read -r ca1 < <(ticks "$a" | awk '{print $1 + $2}')
    read -r cb1 < <(ticks "$b" | awk '{print $1 + $2}')
    [ "$round" = 0 ] && continue
    ra="$(awk '/requests in/ {print $1}' "$WORK/a.wrk")"
    rb="$(awk '/requests in/ {print $1}' "$WORK/b.wrk")"
    awk -v la="$(basename "$1" .jar)" -v lb="$(basename "$2" .jar)" -v ra="$ra" -v rb="$rb" \
      -v a=$((ca1 - ca0)) -v b=$((cb1 - cb0)) -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
        printf "%-12s %6d requests %5.1f us/req | %-12s %6d requests %5.1f us/req | ratio %.3f | load %s\n",
          la, ra, a * 1e4 / ra, lb, rb, b * 1e4 / rb, (b / rb) / (a / ra), load }'
  done
}

if [ -n "${PAIRED:-}" ]; then
  [ $# -eq 2 ] || { echo "PAIRED=1 takes two jars" >&2; exit 2; }
  paired "$1" "$2"
  exit 0
fi
for round in $(seq 1 "$ROUNDS"); do
  for jar in "$@"; do
    measure "$(basename "$jar" .jar)" "$jar"
  done
done
