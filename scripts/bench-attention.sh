#!/bin/sh
# Decode attention kernels alone (scripts/lib/attention-bench.swift): per-head against grouped, and the time to
# read the K/V, at DEPTH positions (default 4096) with SmolLM2's shapes, in one ISA variant's flags.
#   scripts/bench-attention.sh [DEPTH] [avx512|avx2|portable]     (REPS=N repetitions, default 5)
# Compiles in a few seconds with swiftc (whole module), no package build.
set -eu
cd "$(dirname "$0")/.."
DEPTH=${1:-4096}
case "${2:-avx512}" in
    avx512) FLAGS="-Xcc -march=x86-64-v4 -DISA_FMA" ;;
    avx2) FLAGS="-Xcc -march=x86-64-v3 -DISA_FMA" ;;
    portable) FLAGS="" ;;
    *) echo "usage: scripts/bench-attention.sh [DEPTH] [avx512|avx2|portable]" >&2; exit 2 ;;
esac
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
ISA=Sources/Runtime/Kernels/ISA
cp scripts/lib/attention-bench.swift "$OUT/main.swift"   # top-level code must be in main.swift
# shellcheck disable=SC2086
swiftc -O -wmo $FLAGS -o "$OUT/attention-bench" "$OUT/main.swift" \
    $ISA/AttentionGroup.swift $ISA/Attention.swift $ISA/LibmExp.swift $ISA/VectorOps.swift $ISA/SIMDHelpers.swift $ISA/ApproximateExp.swift
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$OUT/attention-bench" "$DEPTH"
