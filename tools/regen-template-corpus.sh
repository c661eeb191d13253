#!/usr/bin/env bash
# Regenerates the template conformance corpus: cases from the generator, expectations from Go's text/template.
# Needs Debian's golang-go (apt-get install -y golang-go). Commit both output files.
set -euo pipefail
cd "$(dirname "$0")/.."
out=Tests/ModelfileLangTests/Template/Conformance
mkdir -p "$out"
python3 tools/gen-template-corpus.py > "$out/cases.json"
(cd tools/gotmpl && go run . "../../$out/cases.json") > "$out/expected.json"
python3 tools/gen-ollama-corpus.py > "$out/ollama-cases.json"
(cd tools/gotmpl && go run . "../../$out/ollama-cases.json") > "$out/ollama-expected.json"
python3 - "$out" <<'PY'
import json, sys
for f in ("expected.json", "ollama-expected.json"):
    r = json.load(open(sys.argv[1] + "/" + f))
    errs = sum(1 for x in r if "error" in x)
    print(f"{f}: {len(r)} cases, {errs} errors ({100*errs/len(r):.1f}%)")
PY
