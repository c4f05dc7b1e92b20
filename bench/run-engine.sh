#!/usr/bin/env bash
# Engine benchmark: streamprop (JMH) against PyTorch, same shapes, same machine, same run.
#
# Builds bench/target/benchmarks.jar, then for every (shape, batch) runs the JMH benchmarks and
# the PyTorch script one after the other, so that both sides share whatever noise the machine has,
# and finally writes the ratio table into docs/benchmarks.md (section "Engine"). About 7 minutes.
#
#   bench/run-engine.sh                      # the full table
#   SHAPES="S" BATCHES="32" bench/run-engine.sh
#   JMH_EXTRA="-prof gc" bench/run-engine.sh # add a JMH profiler
#   JVM_FLAGS="-Dstreamprop.engine.kernels=scalar" bench/run-engine.sh   # the scalar kernels
#
# Needs Debian's python with PyTorch on OpenBLAS: apt-get install -y python3-torch libopenblas0-pthread
set -euo pipefail
cd "$(dirname "$0")/.."

SHAPES=${SHAPES:-"S M L"}
BATCHES=${BATCHES:-"1 32 256"}
JMH_OPTIONS=${JMH_OPTIONS:-"-wi 3 -i 5 -w 1s -r 1s -f 1"}
JMH_EXTRA=${JMH_EXTRA:-}
# The engine's vector kernels need the Vector API module, and from the first call rather than after
# their warm-up, so that no measurement straddles the switch (JMH's forks inherit these flags);
# JVM_FLAGS="-Dstreamprop.engine.kernels=scalar" measures the scalar loops instead.
JVM_FLAGS=${JVM_FLAGS:-"--add-modules=jdk.incubator.vector -Dstreamprop.engine.kernels=vector"}
PYTHON=${PYTHON:-/usr/bin/python3}
OUT=${OUT:-bench/target/engine-run}
DOC=${DOC:-docs/benchmarks.md}

# PyTorch at its best here. Debian's python3-torch is satisfied by the reference BLAS (libblas3),
# many times slower than OpenBLAS on every matrix product: insist on OpenBLAS.
"$PYTHON" -c 'import torch' 2>/dev/null || {
  echo "PyTorch is missing for $PYTHON: apt-get install -y python3-torch libopenblas0-pthread" >&2
  exit 1
}
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo "none")
case "$blas" in
  *openblas*) ;;
  *)
    echo "PyTorch would run on the BLAS at $blas, not OpenBLAS: apt-get install -y libopenblas0-pthread" >&2
    exit 1
    ;;
esac
# Debian's OpenBLAS does not recognise some CPUs and falls back to slow SSE3 kernels: name the
# core. SkylakeX kernels need AVX-512 (they die with SIGILL without it), so pick by the CPU's flags.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  if grep -qw avx512f /proc/cpuinfo; then
    OPENBLAS_CORETYPE=SkylakeX
  elif grep -qw avx2 /proc/cpuinfo; then
    OPENBLAS_CORETYPE=Haswell
  fi
fi
export OPENBLAS_CORETYPE
# One thread: two are slower on two cores.
TORCH_OPTIONS="--warmup 3 --iterations 5 --seconds 1 --threads 1"

echo "== building bench/target/benchmarks.jar"
./mvnw -B -q -pl bench -am package -DskipTests
rm -rf "$OUT" && mkdir -p "$OUT"

load() { cut -d' ' -f1-3 /proc/loadavg; }
load_before=$(load)

for shape in $SHAPES; do
  for batch in $BATCHES; do
    echo "== $shape batch $batch: streamprop (JMH)"
    # shellcheck disable=SC2086  # options are word lists on purpose
    java $JVM_FLAGS -jar bench/target/benchmarks.jar -foe true -prof io.streamprop.bench.CpuTimeProfiler \
      $JMH_OPTIONS $JMH_EXTRA \
      -p shape="$shape" -p batch="$batch" -rf json -rff "$OUT/jmh-$shape-$batch.json" \
      >"$OUT/jmh-$shape-$batch.log"
    grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)' "$OUT/jmh-$shape-$batch.log" || true
    echo "== $shape batch $batch: PyTorch"
    # shellcheck disable=SC2086
    "$PYTHON" bench/engine_pytorch.py --shape "$shape" --batch "$batch" $TORCH_OPTIONS \
      >"$OUT/torch-$shape-$batch.json"
    "$PYTHON" -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("  %-8s %12.0f examples/s %12.0f examples/cpu-s"
          % (r["bench"], r["examples_per_second"], r["examples_per_cpu_second"]))' \
      "$OUT/torch-$shape-$batch.json"
  done
done

load_after=$(load)
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
[ -n "$cpu" ] || cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
jdk=$(java -XshowSettings:properties -version 2>&1 |
  sed -n 's/^ *java\.vm\.name = //p; s/^ *java\.runtime\.version = //p' | paste -sd ' ')
jdk="$jdk, flags \`$JVM_FLAGS\`"
command="bench/run-engine.sh"
[ "$SHAPES" = "S M L" ] && [ "$BATCHES" = "1 32 256" ] ||
  command="SHAPES=\"$SHAPES\" BATCHES=\"$BATCHES\" $command"
[ -z "$JMH_EXTRA" ] || command="JMH_EXTRA=\"$JMH_EXTRA\" $command"
[ "$JVM_FLAGS" = "--add-modules=jdk.incubator.vector -Dstreamprop.engine.kernels=vector" ] || command="JVM_FLAGS=\"$JVM_FLAGS\" $command"

DATE=$(date -u '+%Y-%m-%d %H:%M UTC') NPROC=$(nproc) CPU="$cpu" JDK="$jdk" \
  LOAD_BEFORE="$load_before" LOAD_AFTER="$load_after" JMH="$JMH_OPTIONS $JMH_EXTRA" \
  COMMAND="$command" TORCH_JSON="$OUT/torch-$shape-$batch.json" BLAS="$blas" \
  "$PYTHON" - >"$OUT/facts.json" <<'PY'
import json, os
torch = json.load(open(os.environ["TORCH_JSON"]))
print(json.dumps({
    "date": os.environ["DATE"], "command": os.environ["COMMAND"],
    "nproc": os.environ["NPROC"], "cpu": os.environ["CPU"], "jdk": os.environ["JDK"],
    "jmh_options": "`" + os.environ["JMH"].strip() + "`",
    "load_before": os.environ["LOAD_BEFORE"], "load_after": os.environ["LOAD_AFTER"],
    "torch": torch["torch"], "python": torch["python"], "torch_threads": torch["threads"],
    "openblas_coretype": torch["openblas_coretype"], "blas": os.environ["BLAS"],
}, indent=1))
PY

echo "== writing $DOC"
"$PYTHON" bench/engine_report.py --results "$OUT" --doc "$DOC"
