#!/usr/bin/env bash
# Trainer scale-out benchmark: on one local broker, an examples topic of 6 partitions (6 models of
# model M at mini-batch 8, one per partition) trained by 1, 2 and 3 trainer instances of one stream
# thread and by one instance of 1, 2 and 4 stream threads, each instance a JVM of its own; ROUNDS
# rounds in alternating order. Writes the section "Trainer scale-out" of docs/benchmarks.md. Run it
# on a quiet machine; at the defaults it takes several minutes.
#
#   trainer/bench/scale-out.sh [EXAMPLES=1200000] [ROUNDS=2] [SETUPS=1x1,2x1,3x1,1x2,1x4]
#   TRAINER_JAVA_FLAGS="-XX:+UseSerialGC" trainer/bench/scale-out.sh   # extra trainer JVM flags
set -euo pipefail
cd "$(dirname "$0")/../.."
examples="${1:-1200000}"
rounds="${2:-2}"
setups="${3:-1x1,2x1,3x1,1x2,1x4}"

# One reactor run compiles and resolves the class path (sibling modules as target/classes).
./mvnw -B -q -pl trainer -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="trainer/target/test-classes:trainer/target/classes:$(cat trainer/target/bench.classpath)"

section=$(mktemp)
# This JVM produces the examples and watches the committed offsets; the trainers are its children.
java -Xmx512m --add-modules=jdk.incubator.vector -cp "$cp" \
  io.streamprop.trainer.bench.ScaleOut "$examples" "$rounds" "$setups" >"$section"
cat "$section"

doc=docs/benchmarks.md
touch "$doc"
# Replace the section (from its heading to the next "## " heading) or append it.
python3 - "$doc" "$section" "Trainer scale-out" <<'PY'
import re, sys
doc, section = sys.argv[1], open(sys.argv[2]).read().rstrip() + "\n"
text = open(doc).read()
pattern = re.compile(r"^## " + re.escape(sys.argv[3]) + r"\n.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(text):
    text = pattern.sub(lambda m: section + "\n", text)
else:
    text = text.rstrip() + ("\n\n" if text.strip() else "") + section
open(doc, "w").write(text)
PY
echo "updated $doc"
