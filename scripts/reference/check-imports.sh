#!/usr/bin/env bash
# Imports the tiny phi3, qwen2, mistral, gemma3, llama, gemma and gemma2 checkpoints of make-import-reference.py with mfc
# and runs each imported GGUF through llama.cpp's llama-simple: llama.cpp must load it and generate.
#   scripts/reference/check-imports.sh [LLAMA_CPP_BUILD_BIN]   (default $LLAMA_CPP_BIN)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${1:-${LLAMA_CPP_BIN:?pass llama.cpp build/bin or set LLAMA_CPP_BIN}}"
WORK="$(mktemp -d /tmp/mfc-check-imports-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
python3 "$ROOT/scripts/reference/make-import-reference.py" --folders "$WORK"
MFC="$ROOT/.build/release/mfc"
for name in phi3 qwen2 mistral gemma3 gemma3-mm llama gemma gemma2; do
    printf 'FROM ./%s\n' "$name" > "$WORK/$name.Modelfile"
    (cd "$WORK" && "$MFC" build --store "$WORK/store" -f "$name.Modelfile" -t "$name" > /dev/null)
    blob=$(python3 -c "import json,glob,sys; m=json.load(open(glob.glob(sys.argv[1]+'/store/manifests/*/*/'+sys.argv[2]+'/latest')[0])); print([l['digest'] for l in m['layers'] if l['mediaType'].endswith('.model')][0].replace(':','-'))" "$WORK" "$name")
    if "$BIN/llama-simple" -m "$WORK/store/blobs/$blob" -n 4 "Hello world" > "$WORK/$name.log" 2>&1; then
        echo "$name: llama.cpp loaded the import and $(grep -o 'decoded [0-9]* tokens' "$WORK/$name.log")"
    else
        echo "$name: llama.cpp failed:"; tail -5 "$WORK/$name.log"; exit 1
    fi
done
