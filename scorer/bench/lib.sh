# Shell helpers shared by the scorer's benchmark scripts (sourced, not run). The caller keeps the
# process ids of what it starts in the array PIDS; they are stopped when the script exits. The
# caller sets WORK (a scratch directory) and KAFKA_PORT before start_broker, and HTTP_PORT (the
# scorer's) before served_past.

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

wait_for() { # what, deadline seconds, command...
  local what="$1" deadline=$((SECONDS + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then echo "timed out waiting for $what" >&2; exit 1; fi
    sleep 0.2 # polling interval of a shell script
  done
}

start_broker() { # kafka-local's broker on KAFKA_PORT (built beforehand); sets BROKER and BOOTSTRAP
  ./mvnw -B -q -pl kafka-local dependency:build-classpath -Dmdep.outputFile="$WORK/kafka.cp" >/dev/null
  java -Xmx512m -cp "kafka-local/target/classes:$(cat "$WORK/kafka.cp")" \
    io.streamprop.local.LocalKafkaMain --port "$KAFKA_PORT" >"$WORK/broker.log" 2>&1 &
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
