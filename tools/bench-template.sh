#!/usr/bin/env bash
# Benchmark: render a 100-turn conversation (with tools) through a llama3-style chat template,
# with mfc (release build) and with Go's text/template via tools/gotmpl, in the same run.
# Both print "rendered N times: X µs CPU per render" (process CPU time: the machine is shared, so
# wall time mostly measures the neighbours) and the prompt; the prompts must be identical.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import json, sys, importlib.util
spec = importlib.util.spec_from_file_location("corpus", "tools/gen-ollama-corpus.py")
src = open("tools/gen-ollama-corpus.py").read().split("cases = []")[0]   # the template table only
ns = {}
exec(src, ns)
template = ns["T"]["llama3"]
msgs = [{"role": "system", "content": "You are a helpful assistant."}]
for i in range(50):
    msgs.append({"role": "user", "content": f"Question {i}: what is {i} squared? Explain <briefly> & clearly."})
    msgs.append({"role": "assistant", "content": f"{i} squared is {i*i}. " * 5})
body = {"messages": msgs, "tools": [ns["weather"], ns["clock"]]}
json.dump(body, open(sys.argv[1] + "/request.json", "w"))
open(sys.argv[1] + "/template.tmpl", "w").write(template)
json.dump([{"name": "bench", "mode": "ollama-chat", "model": {"template": template, "system": "", "messages": []},
            "request": body}], open(sys.argv[1] + "/case.json", "w"))
PY
swift build -c release --product mfc >/dev/null
(cd tools/gotmpl && go build -o "$work/gotmpl" .)
echo "go:  $("$work/gotmpl" -bench "$n" "$work/case.json" 2>&1 >"$work/go.txt")"
echo "mfc: $(.build/release/mfc template --template "$work/template.tmpl" --request "$work/request.json" --repeat "$n" 2>&1 >"$work/mfc.txt")"
cmp -s "$work/go.txt" "$work/mfc.txt" && echo "outputs identical ($(wc -c <"$work/go.txt") bytes)" || { echo "outputs differ"; exit 1; }
