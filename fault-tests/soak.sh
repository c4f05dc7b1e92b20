#!/usr/bin/env bash
# A longer soak of the fault suite: runs the full-size scenarios (-Pfaults-full) ROUNDS times in a
# row (default 3), stopping at the first failure, and keeps each round's report as
# fault-tests/target/soak/round-N.md (a failed round's too, as round-N-failed.md, with what it saw
# up to the failure). Bounded: ROUNDS rounds, each limited by the scenarios' own deadlines.
# Usage: fault-tests/soak.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
mkdir -p fault-tests/target/soak
./mvnw -B -q -pl fault-tests -am package -DskipTests -Dspotless.check.skip=true
for round in $(seq 1 "$rounds"); do
  echo "soak round $round of $rounds: $(date -u +%FT%TZ)"
  rm -f fault-tests/target/fault-report.md
  # Only the fault scenarios: the modules' own tests are the job of ./mvnw verify.
  status=0
  ./mvnw -B -q -pl fault-tests -am verify -Pfaults-full -Dspotless.check.skip=true \
    -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='io/streamprop/faults/*IT' -Dfailsafe.failIfNoSpecifiedTests=false || status=$?
  if [ "$status" -ne 0 ]; then
    if [ -f fault-tests/target/fault-report.md ]; then
      cp fault-tests/target/fault-report.md "fault-tests/target/soak/round-$round-failed.md"
    fi
    echo "soak failed in round $round of $rounds ($(date -u +%FT%TZ)); see fault-tests/target/failsafe-reports/" >&2
    exit "$status"
  fi
  cp fault-tests/target/fault-report.md "fault-tests/target/soak/round-$round.md"
  echo "soak round $round passed: $(date -u +%FT%TZ)"
done
echo "soak passed: $rounds rounds; reports in fault-tests/target/soak/"
