#!/usr/bin/env bash
# Start-up cost of commands that open no connection: CPU time per run (perf stat task-clock, the
# mean of N runs) and the number of shared libraries the loader maps, for one build of mfc or two
# side by side in the same run (A/B, so both see the same machine load).
# Usage: scripts/bench-startup.sh [N]   (default N=50; MFC_BIN=/path/to/mfc, default .build/release/mfc;
#        MFC_BASE=/path/to/other/mfc adds its columns and the ratio). Needs perf (Debian: linux-perf).
set -euo pipefail
N=${1:-50}
A=${MFC_BIN:-$(pwd)/.build/release/mfc}
B=${MFC_BASE:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/mfc-startup.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export MFC_MODELS=$WORK/store   # an empty store: list/show read nothing from a real one

# cpu_ms BIN ARGS...: mean task-clock in ms over N runs (output discarded).
cpu_ms() { perf stat -x, -r "$N" -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { printf "%.2f", $1 }'; }
# libraries BIN ARGS...: shared objects the loader mapped (LD_DEBUG=files logs each one).
libraries() { LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -c 'file=.*\[0\];  needed by\|file=.*\[0\];  dynamically loaded by' || true; }

COMMANDS=("--version" "lint $ROOT/examples/mario.Modelfile" "fmt --check $ROOT/examples/mario.Modelfile"
          "parse $ROOT/examples/mario.Modelfile" "list")
if [ -n "$B" ]; then
  echo "| command | A cpu ms | A libraries | B cpu ms | B libraries | A/B cpu |"
  echo "|---|---|---|---|---|---|"
else
  echo "| command | cpu ms | libraries |"
  echo "|---|---|---|"
fi
for c in "${COMMANDS[@]}"; do
  read -r -a args <<< "$c"
  a=$(cpu_ms "$A" "${args[@]}"); la=$(libraries "$A" "${args[@]}")
  if [ -n "$B" ]; then
    b=$(cpu_ms "$B" "${args[@]}"); lb=$(libraries "$B" "${args[@]}")
    echo "| mfc ${c//$ROOT\//} | $a | $la | $b | $lb | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }') |"
  else
    echo "| mfc ${c//$ROOT\//} | $a | $la |"
  fi
done
