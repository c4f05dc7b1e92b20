# Shell helpers shared by the scorer's benchmark scripts (sourced, not run). The caller keeps the
# process ids of what it starts in the array PIDS; they are stopped when the script exits.

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
