# Shared by the trainer's benchmark scripts (sourced, not run).

# Compiles the trainer and its sibling modules in one reactor run and sets $cp to the class path of
# the trainer's test classes (the benchmarks live there) with every test-scoped dependency.
bench_classpath() {
  ./mvnw -B -q -pl trainer -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
  cp="trainer/target/test-classes:trainer/target/classes:$(cat trainer/target/bench.classpath)"
}

# replace_section FILE HEADING: puts the markdown in FILE under "## HEADING" of docs/benchmarks.md,
# replacing that section (from its heading to the next "## " heading), or appends it.
replace_section() {
  local doc=docs/benchmarks.md
  touch "$doc"
  python3 - "$doc" "$1" "$2" <<'PY'
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
}
