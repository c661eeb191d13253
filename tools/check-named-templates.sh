#!/usr/bin/env bash
# Renders every named template in a copy of Ollama's template/ folder (not part of this
# repository) over the chat requests of tools/gen-ollama-corpus.py, with Go (tools/gotmpl)
# and with mfc, and reports how many prompts differ. Usage: tools/check-named-templates.sh DIR
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: tools/check-named-templates.sh OLLAMA_TEMPLATE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$dir" "$work" <<'PY'
import json, os, sys
src = open("tools/gen-ollama-corpus.py").read().split("cases = []")[0]
ns = {}
exec(src, ns)
d, work = sys.argv[1], sys.argv[2]
cases = []
for f in sorted(os.listdir(d)):
    if not f.endswith(".gotmpl"):
        continue
    text = open(os.path.join(d, f), encoding="utf-8").read().replace("\r\n", "\n")
    for mname, m in ns["models"].items():
        for cname, body in ns["chats"].items():
            name = f"{f[:-7]}/{mname}/{cname}"
            cases.append({"name": name, "mode": "ollama-chat", "model": {"template": text, "system": m["system"], "messages": m["messages"]}, "request": body})
json.dump(cases, open(work + "/cases.json", "w"))
PY
(cd tools/gotmpl && go run . "$work/cases.json") > "$work/expected.json"
swift build -c release --product mfc >/dev/null
python3 - "$work" <<'PY'
import json, subprocess, sys
work = sys.argv[1]
cases = json.load(open(work + "/cases.json"))
expected = json.load(open(work + "/expected.json"))
same = differ = 0
for c, e in zip(cases, expected):
    open(work + "/t.tmpl", "w").write(c["model"]["template"])
    mf = "FROM " + work + "/none.gguf\n"
    json.dump(c["request"], open(work + "/req.json", "w"))
    # model SYSTEM and MESSAGEs go through a Modelfile so the server-side assembly is exercised
    lines = ['FROM ./x.gguf', 'TEMPLATE """' + c["model"]["template"] + '"""']
    if c["model"]["system"]:
        lines.append('SYSTEM """' + c["model"]["system"] + '"""')
    for m in c["model"]["messages"]:
        lines.append(f'MESSAGE {m["role"]} """{m["content"]}"""')
    open(work + "/Modelfile", "w").write("\n".join(lines) + "\n")
    open(work + "/x.gguf", "w").write("")
    r = subprocess.run([".build/release/mfc", "template", "--modelfile", work + "/Modelfile", "--request", work + "/req.json"],
                       capture_output=True, text=True)
    got = r.stdout if r.returncode == 0 else None
    if got == e.get("output"):
        same += 1
    else:
        differ += 1
        if differ <= 5:
            print("DIFF", c["name"], repr(e.get("output") or e.get("error"))[:200], "|", repr(got or r.stderr)[:200])
print(f"{same} same, {differ} differ")
PY
