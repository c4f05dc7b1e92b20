#!/usr/bin/env bash
# Where the engine's time and memory go, for one shape and batch size:
#   bench/profile-engine.sh M 32            # TrainBenchmark (default)
#   bench/profile-engine.sh L 1 PredictBenchmark
#
# Runs the JMH benchmark once with the GC profiler (bytes allocated per example: "gc.alloc.rate.norm")
# and once under Java Flight Recorder, then prints the hottest methods (top frames of execution
# samples, and the same samples attributed to their engine caller). Needs the jar that
# bench/run-engine.sh builds (or: ./mvnw -B -q -pl bench -am package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."

shape=${1:?shape S, M or L}
batch=${2:?batch 1, 32 or 256}
bench=${3:-TrainBenchmark}
out=bench/target/profile/$bench-$shape-$batch
mkdir -p "$out"
jar=bench/target/benchmarks.jar
[ -f "$jar" ] || ./mvnw -B -q -pl bench -am package -DskipTests

echo "== $bench $shape batch $batch: allocation (-prof gc)"
java --add-modules=jdk.incubator.vector -Dstreamprop.engine.kernels=vector -jar "$jar" "$bench" -foe true -wi 2 -i 3 -w 1s -r 1s -f 1 -p shape="$shape" -p batch="$batch" \
  -prof gc >"$out/gc.log"
grep -E '^[A-Z][A-Za-z]+Benchmark\.[a-z]+(:gc\.alloc\.rate\.norm)? ' "$out/gc.log" || tail -20 "$out/gc.log"

echo "== $bench $shape batch $batch: hot methods (JFR execution samples)"
java --add-modules=jdk.incubator.vector -Dstreamprop.engine.kernels=vector -jar "$jar" "$bench" -foe true -wi 2 -i 5 -w 1s -r 1s -f 1 -p shape="$shape" -p batch="$batch" \
  -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:StartFlightRecording=filename=$out/run.jfr,settings=profile" \
  >"$out/jfr.log"
jfr print --json --events jdk.ExecutionSample "$out/run.jfr" >"$out/samples.json"
"${PYTHON:-/usr/bin/python3}" - "$out/samples.json" <<'PY'
import collections, json, sys
events = json.load(open(sys.argv[1]))["recording"]["events"]
top, engine = collections.Counter(), collections.Counter()
for e in events:
    frames = e["values"]["stackTrace"]["frames"]
    if not frames:
        continue
    def cls(f):  # JFR writes binary names: io/streamprop/nn/Dense, Activation$4
        return f["method"]["type"]["name"].replace("/", ".")
    def name(f):
        return cls(f).split(".")[-1] + "." + f["method"]["name"] + ":" + str(f.get("lineNumber", "?"))
    top[name(frames[0])] += 1
    # the innermost engine frame (io.streamprop, not the benchmark itself)
    for f in frames:
        t = cls(f)
        if t.startswith("io.streamprop") and not t.startswith("io.streamprop.bench"):
            engine[t.split(".")[-1] + "." + f["method"]["name"]] += 1
            break
total = sum(top.values())
print(f"{total} samples")
print("top frames (method:line):")
for k, v in top.most_common(15):
    print(f"  {100 * v / total:5.1f}%  {k}")
print("innermost engine method:")
for k, v in engine.most_common(15):
    print(f"  {100 * v / total:5.1f}%  {k}")
PY
