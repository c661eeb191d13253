#!/bin/sh
# Where one token's time goes: perf samples of `mfc bench` (generation, or prompt processing with -p),
# split by op and by matrix call site (scripts/lib/perf-ops.py).
#   scripts/profile-ops.sh MODEL.gguf [mfc bench options, default: -p 0 -n 64 -t 1]
# Needs `perf` (Debian: linux-perf) and a release build (swift build -c release --product mfc).
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/profile-ops.sh MODEL.gguf [mfc bench options]" >&2; exit 2; }
MODEL=$1; shift
[ $# -gt 0 ] || set -- -p 0 -n 64 -t 1
DATA=$(mktemp)
trap 'rm -f "$DATA"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
perf record -q -e cpu-clock -F 4000 -g -o "$DATA" .build/release/mfc bench "$MODEL" "$@" -r 1 --no-llama | grep -E '^\| [0-9]'
perf script -i "$DATA" -F tid,time,ip,sym 2>/dev/null | python3 scripts/lib/perf-ops.py
