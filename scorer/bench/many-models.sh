#!/usr/bin/env bash
# Many small models in one scorer held to a 512 MiB heap: 1, 1,000, 10,000 and 100,000 models of
# the small spec (8 inputs, one hidden layer of 16, a single learner with Adam), one snapshot each,
# produced straight to a 3-partition topic (ManyModels.java publish). For each count a fresh scorer
# (-Xmx512m, the default model cache of 128 MiB, no serving loss, no prediction log) is started and
# measured: time from its start to the first prediction of model-0 and to /health/ready (caught up),
# its RSS once ready (and the peak), its heap after a full GC, the decoded models it holds, and the
# latency of single-instance requests sent one at a time to one model (cached) and to models drawn
# at random (at 100,000 models most of them evicted: each waits on a decode from the local store),
# with the decodes counted by streamprop_models_loads. With BASELINE=1 (the default) the largest
# count runs once more with streamprop.scorer.models.cache.mb=0: every model decoded in memory.
#
# Usage: scorer/bench/many-models.sh   (COUNTS="1 1000 10000 100000", REQUESTS=1000, BUILD=0 override)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
COUNTS="${COUNTS:-1 1000 10000 100000}"
REQUESTS="${REQUESTS:-1000}"
KAFKA_PORT="${KAFKA_PORT:-19097}"
HTTP_PORT="${HTTP_PORT:-18191}"
WORK="$(mktemp -d)"
JAR="${JAR:-scorer/target/streamprop-scorer.jar}"
PIDS=()

# shellcheck source=scorer/bench/lib.sh
source "$ROOT/scorer/bench/lib.sh"

if [[ "${BUILD:-1}" == 1 ]]; then
  echo "== building"
  ./mvnw -o -B -q -pl scorer,kafka-local -am package -DskipTests
fi
echo "== starting a broker on port $KAFKA_PORT"
start_broker

now_ms() { echo $(($(date +%s%N) / 1000000)); }
metric() { # name: the first sample of a metric on the scorer's /metrics, summed over its series
  curl -sf "http://127.0.0.1:${HTTP_PORT}/metrics" |
    awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2; f = 1 } END { if (f) printf "%.0f", s; else print "-" }'
}
predict_ok() {
  curl -sf -o /dev/null -H 'Content-Type: application/json' -X POST -d '{"instances": [[0.5, -1, 2, 0, 1, 3, -2, 0.25]]}' \
    "http://127.0.0.1:${HTTP_PORT}/v1/models/$1:predict"
}
heap_mib() { # heap used, summed over the pools
  curl -sf "http://127.0.0.1:${HTTP_PORT}/metrics" |
    awk '/^jvm_memory_used_bytes\{area="heap"/ { s += $NF } END { printf "%.0f", s / 1048576 }'
}
wait_alive() { # pid, what, command...: until the command succeeds; fails if the process died
  local pid="$1" what="$2"; shift 2
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "the scorer died waiting for $what" >&2; return 1; fi
    sleep 0.05 # polling interval of a shell script: the resolution of the times measured
  done
}
kb() { awk -v k="$2" '$1 == k ":" { print $2 }' "/proc/$1/status"; }

run() { # models, cache MiB
  local n="$1" cache="$2" topic="many-$1" start pid first ready
  STREAMPROP_TOPIC_SNAPSHOTS="$topic" STREAMPROP_SERVING_LOSS_ENABLED=false \
    STREAMPROP_PREDICTION_LOG_MODE=off STREAMPROP_SCORER_MODELS_CACHE_MB="$cache" \
    STREAMPROP_SCORER_STORE_DIR="$WORK/stores" \
    java --add-modules=jdk.incubator.vector -Xmx512m -XX:+ExitOnOutOfMemoryError -jar "$JAR" \
    --bootstrap-server "$BOOTSTRAP" --port "$HTTP_PORT" >"$WORK/scorer-$n-$cache.log" 2>&1 &
  pid=$!
  start="$(now_ms)"
  PIDS+=("$pid")
  wait_alive "$pid" "model-0 predicted" predict_ok model-0 || return 1
  first=$(($(now_ms) - start))
  wait_alive "$pid" ready curl -sf "http://127.0.0.1:${HTTP_PORT}/health/ready" || return 1
  ready=$(($(now_ms) - start))
  local rss hwm heap cached cached_bytes loads_before latency loads
  rss="$(kb "$pid" VmRSS)"
  hwm="$(kb "$pid" VmHWM)"
  jcmd "$pid" GC.run >/dev/null
  heap="$(heap_mib)"
  cached="$(metric streamprop_models_cached)"
  cached_bytes="$(metric streamprop_models_cached_bytes)"
  loads_before="$(metric streamprop_models_loads_seconds_count)"
  latency="$(java -cp "$JAR" scorer/bench/ManyModels.java latency --port "$HTTP_PORT" \
    --models "$n" --requests "$REQUESTS")"
  loads="$(metric streamprop_models_loads_seconds_count)"
  echo "$latency"
  local c50 c99 r50 r99
  c50="$(echo "$latency" | awk '/cached/ { print $6 }')"
  c99="$(echo "$latency" | awk '/cached/ { print $9 }')"
  r50="$(echo "$latency" | awk '/random/ { print $7 }')"
  r99="$(echo "$latency" | awk '/random/ { print $10 }')"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  awk -v n="$n" -v c="$cache" -v f="$first" -v r="$ready" -v rss="$rss" -v hwm="$hwm" \
    -v heap="$heap" -v cm="$cached" -v cb="$cached_bytes" -v c50="$c50" -v c99="$c99" \
    -v r50="$r50" -v r99="$r99" -v l0="$loads_before" -v l1="$loads" -v req="$REQUESTS" \
    'BEGIN { loads = (l0 == "-" ? "-" : l1 - l0);
      printf "| %d | %s | %.1f | %.1f | %d (%d) | %d | %s | %.1f | %s / %s | %s / %s | %s of %d |\n",
        n, (c == 0 ? "off" : c " MiB"), f / 1000, r / 1000, rss / 1024, hwm / 1024, heap,
        cm, (cb == "-" ? 0 : cb / 1048576), c50, c99, r50, r99, loads, req + 500 }' >>"$WORK/table.md"
}

for n in $COUNTS; do
  echo "== $n models"
  java -cp "$JAR" scorer/bench/ManyModels.java publish --bootstrap-server "$BOOTSTRAP" \
    --topic "many-$n" --models "$n"
  run "$n" 128
done
if [[ "${BASELINE:-1}" == 1 ]]; then
  largest="$(echo "$COUNTS" | tr ' ' '\n' | tail -1)"
  echo "== $largest models, every model decoded in memory (cache off)"
  if ! run "$largest" 0; then
    echo "| $largest | off | failed: $(grep -m1 -o 'OutOfMemoryError.*' "$WORK/scorer-$largest-0.log" || echo "see the log") |" >>"$WORK/table.md"
  fi
fi

echo
echo "| models | cache | first prediction s | ready s | RSS MiB (peak) | heap after GC MiB | decoded held | decoded MiB (est.) | cached p50 / p99 ms | random p50 / p99 ms | decodes |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
cat "$WORK/table.md"
