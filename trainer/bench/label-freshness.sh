#!/usr/bin/env bash
# Label-to-snapshot benchmark: predictions pre-logged on one local broker, then their labels written
# at a steady rate; the time from a label's write to the first committed snapshot that learned from
# it, against examples written directly at the same rate in the same run. Writes the section
# "Label to snapshot" of docs/benchmarks.md. It takes a few minutes.
#
#   trainer/bench/label-freshness.sh [RATE=5000] [SECONDS=20]
set -euo pipefail
cd "$(dirname "$0")/../.."
main=io.streamprop.trainer.bench.LabelFreshness
heading="Label to snapshot"
args=("${1:-5000}" "${2:-20}")

# One reactor run compiles and resolves the class path (sibling modules as target/classes).
./mvnw -o -B -q -pl trainer -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="trainer/target/test-classes:trainer/target/classes:$(cat trainer/target/bench.classpath)"

section=$(mktemp)
# shellcheck disable=SC2086  # JAVA_FLAGS is a word list on purpose
java -Xmx2g --add-modules=jdk.incubator.vector ${JAVA_FLAGS:-} -cp "$cp" "$main" "${args[@]}" >"$section"
cat "$section"

doc=docs/benchmarks.md
# Replace the section (from its heading to the next "## " heading) or append it.
python3 - "$doc" "$section" "$heading" <<'PY'
import re, sys
doc, section = sys.argv[1], open(sys.argv[2]).read().rstrip() + "\n"
text = open(doc).read()
pattern = re.compile(r"^## " + re.escape(sys.argv[3]) + r"\n.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(text):
    text = pattern.sub(lambda m: section + "\n", text)
else:
    text = text.rstrip() + "\n\n" + section
open(doc, "w").write(text)
PY
echo "updated $doc"
