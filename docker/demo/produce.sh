#!/bin/sh
# The demo producer: streams docker/demo/shuttle.csv.gz to the examples topic with kcat, as JSON
# examples keyed by model id, RATE examples per second, round and round (a live stream never ends).
# Runs in the kcat image (Alpine: busybox sh, zcat, awk).
set -eu
: "${BOOTSTRAP:=kafka:9092}" "${TOPIC:=examples}" "${MODEL:=shuttle}" "${RATE:=200}"
while true; do
  zcat /demo/shuttle.csv.gz | awk -F, -v model="$MODEL" -v rate="$RATE" '
    NR == 1 { next }
    {
      features = $1
      for (i = 2; i < NF; i++) features = features ", " $i
      printf "%s|{\"features\": [%s], \"label\": %s}\n", model, features, $NF
      # Pacing: one second per RATE examples (kcat sends lines as they arrive).
      if ((NR - 1) % rate == 0) { fflush(); system("sleep 1") }
    }' | kcat -P -b "$BOOTSTRAP" -t "$TOPIC" -K '|'
done
