#!/usr/bin/env bash
# Many-models benchmark: one trainer held to a 512 MiB heap trains 1, 1,000, 10,000 and 100,000
# models of the small spec (8 inputs, one hidden layer of 16) on one local broker, in one run, the
# same number of examples at each count, spread evenly. Writes the section "Many models" of
# docs/benchmarks.md. It takes several minutes; on a loaded machine, compare the ratios.
#
#   trainer/bench/many-models.sh [EXAMPLES=300000] [COUNTS=1,1000,10000,100000]
set -euo pipefail
cd "$(dirname "$0")/../.."
examples="${1:-300000}"
counts="${2:-1,1000,10000,100000}"

./mvnw -B -q -pl trainer -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="trainer/target/test-classes:trainer/target/classes:$(cat trainer/target/bench.classpath)"

section=$(mktemp)
java -Xmx512m --add-modules=jdk.incubator.vector -cp "$cp" \
  io.streamprop.trainer.bench.ManyModels "$examples" "$counts" >"$section"
cat "$section"

doc=docs/benchmarks.md
python3 - "$doc" "$section" "Many models" <<'PY'
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
