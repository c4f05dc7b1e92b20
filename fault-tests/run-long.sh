#!/usr/bin/env bash
# The longer forms of the scale-out scenarios: several trainer instances of one application
# (MultiInstanceIT), the three-broker cluster (ClusterFaultIT) and a trainer cut off from that
# cluster by a network partition (ZombieTrainerIT; needs root and iproute2, skipped otherwise), at
# the full sizes of fault-tests/.../rig/FaultSizes.java (-Pfaults-full). Their report is kept as
# fault-tests/target/long/report.md. Other scenarios: fault-tests/soak.sh.
# Usage: fault-tests/run-long.sh [IT-PATTERN]   (default: MultiInstanceIT,ClusterFaultIT,ZombieTrainerIT)
set -euo pipefail
cd "$(dirname "$0")/.."
tests="${1:-MultiInstanceIT,ClusterFaultIT,ZombieTrainerIT}"
mkdir -p fault-tests/target/long
rm -f fault-tests/target/fault-report.md
echo "long scale-out run of $tests: $(date -u +%FT%TZ)"
status=0
./mvnw -B -q -pl fault-tests -am verify -Pfaults-full -Dspotless.check.skip=true \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test="$tests" -Dfailsafe.failIfNoSpecifiedTests=false || status=$?
if [ -f fault-tests/target/fault-report.md ]; then
  cp fault-tests/target/fault-report.md fault-tests/target/long/report.md
fi
echo "long run ended with status $status: $(date -u +%FT%TZ); report in fault-tests/target/long/report.md"
exit "$status"
