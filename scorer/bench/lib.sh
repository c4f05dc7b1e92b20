# Shell helpers shared by the scorer's benchmark scripts (sourced, not run). The caller keeps the
# process ids of what it starts in the array PIDS; they are stopped when the script exits. The
# caller sets WORK (a scratch directory) and KAFKA_PORT before start_broker, HTTP_PORT (the
# scorer's) before served_past, and JAR and TOPIC as well before start_swapping.

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# wrk --latency prints "Requests/sec: 123.45" and "    99%    1.23ms"; these turn a run's output
# into numbers, one per line.
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
pct() { # file, percentile -> milliseconds
  awk -v p="$2%" '$1 == p {
    v = $2; unit = v; gsub(/[0-9.]/, "", unit); sub(/[a-z]+$/, "", v);
    if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; else if (unit == "m") v *= 60000;
    printf "%.2f\n", v }' "$1"
}

wait_for() { # what, deadline seconds, command...
  local what="$1" deadline=$((SECONDS + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then echo "timed out waiting for $what" >&2; exit 1; fi
    sleep 0.2 # polling interval of a shell script
  done
}

# The broker logs through Logback (on kafka-local's class path for its tests) with kafka-local's
# test configuration: WARN. Without a configuration Logback logs everything at DEBUG: the broker
# then writes each request as JSON, about 600 lines a second while snapshots swap, on the same two
# cores as wrk and the scorer.
# BROKER_PROPERTIES: broker settings KEY=VALUE separated by spaces (e.g. "num.io.threads=2").
start_broker() { # kafka-local's broker on KAFKA_PORT (built beforehand); sets BROKER and BOOTSTRAP
  ./mvnw -B -q -pl kafka-local dependency:build-classpath -Dmdep.outputFile="$WORK/kafka.cp" >/dev/null
  local properties=() p
  for p in ${BROKER_PROPERTIES:-}; do properties+=(--property "$p"); done
  java -Xmx512m -Dlogback.configurationFile=kafka-local/src/test/resources/logback-test.xml \
    -cp "kafka-local/target/classes:$(cat "$WORK/kafka.cp")" \
    io.streamprop.local.LocalKafkaMain --port "$KAFKA_PORT" "${properties[@]}" >"$WORK/broker.log" 2>&1 &
  BROKER=$!
  PIDS+=("$BROKER")
  wait_for "the broker" 180 grep -q "bootstrap.servers=" "$WORK/broker.log"
  BOOTSTRAP="127.0.0.1:${KAFKA_PORT}"
}

served_past() { # version: true once the scorer on HTTP_PORT serves M at a version at least this
  local v
  v="$(curl -sf "http://127.0.0.1:${HTTP_PORT}/v1/models/M" | grep -o '"model_version":[0-9]*' | cut -d: -f2)"
  [ -n "$v" ] && [ "$v" -ge "$1" ]
}

jit_ms() { # pid -> milliseconds of CPU its JIT compiler threads have used
  local t total=0
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      "C1 CompilerThre" | "C2 CompilerThre")
        total=$((total + $(cut -d' ' -f1 "$t/schedstat" 2>/dev/null || echo 0) / 1000000)) ;;
    esac
  done
  echo "$total"
}

jit_quiet() { # pids...: true when their compilers used under 100 ms of CPU in the next 5 s
  local pid before=0 after=0
  for pid in "$@"; do before=$((before + $(jit_ms "$pid"))); done
  sleep 5 # the window measured, not a wait
  for pid in "$@"; do after=$((after + $(jit_ms "$pid"))); done
  ((after - before < 100))
}

wait_for_quiet_jit() { # pids...: until their JIT compilers are quiet (jit_quiet), at most 180 s
  local deadline=$((SECONDS + 180))
  until jit_quiet "$@"; do
    if ((SECONDS > deadline)); then
      echo "warning: the JIT compilers are still busy after 180 s; measuring anyway" >&2
      return 0
    fi
  done
}

# Starts the publisher of snapshots of M (PUBLISHER, its log WORK/publisher.log) and returns once
# the scorer serves them at 10 a second: after a burst of BURST (default 5000) snapshots back to
# back and 100 paced ones (10 s). The caller then runs a paced warm-up and wait_for_quiet_jit on
# the broker, the scorer and the publisher. Measured from the 100th swap without the burst, the
# young broker's C2 compiled for 0.5-0.9 s of CPU in each 12 s round, the scorer's for 0.2-0.3 s;
# with the burst and no wait, both still compiled for 0.4-1.4 s per round: work on the same two
# cores that a long-running deployment has done long before (docs/benchmarks.md, "Scorer: method").
# The publisher holds every snapshot it will send (about 70 KB each with the optimizer's state, so
# 0.5 GB): with G1 a concurrent cycle over that heap cost it 1.3-1.8 s of CPU in some 12 s rounds;
# the serial collector leaves it alone once it is promoted.
start_swapping() { # seconds of paced swapping to send after the burst
  local burst="${BURST:-5000}"
  java -XX:+UseSerialGC -Xmx2g -cp "$JAR" scorer/bench/PublishSnapshots.java --bootstrap-server "$BOOTSTRAP" \
    --topic "$TOPIC" --model M --burst "$burst" --rate 10 --seconds "$(($1 + 180))" \
    --first-version 1000 >"$WORK/publisher.log" 2>&1 &
  PUBLISHER=$!
  PIDS+=("$PUBLISHER")
  wait_for "the burst and 100 swaps" 600 served_past $((1000 + burst + 100))
}
