#!/bin/sh
# The demo producer: streams a dataset CSV (features, then label; gzip'ed) to the examples topic
# with kcat, as JSON examples keyed by model id, RATE examples per second. By default it streams
# all rows round and round (a live stream never ends); LIMIT rows per pass and LOOPS passes bound
# it (the observability tests run it with LIMIT and LOOPS=1).
# Runs in the kcat image (Alpine: busybox sh, zcat, awk) and on Debian (kcat, mawk).
set -eu
: "${BOOTSTRAP:=kafka:9092}" "${TOPIC:=examples}" "${MODEL:=shuttle}" "${RATE:=200}"
: "${DATA:=/demo/shuttle.csv.gz}" "${LIMIT:=0}" "${LOOPS:=0}"
pass=0
while [ "$LOOPS" -eq 0 ] || [ "$pass" -lt "$LOOPS" ]; do
  pass=$((pass + 1))
  zcat "$DATA" | awk -F, -v model="$MODEL" -v rate="$RATE" -v limit="$LIMIT" '
    NR == 1 { next }
    limit > 0 && NR - 1 > limit { exit }
    {
      features = $1
      for (i = 2; i < NF; i++) features = features ", " $i
      printf "%s|{\"features\": [%s], \"label\": %s}\n", model, features, $NF
      # Pacing: one second per RATE examples (kcat sends lines as they arrive).
      if ((NR - 1) % rate == 0) { fflush(); system("sleep 1") }
    }' | kcat -P -b "$BOOTSTRAP" -t "$TOPIC" -K '|' -X partitioner=murmur2_random
done
