#!/usr/bin/env bash
# Registry benchmarks for BENCHMARKS.md: push and pull throughput of a ~250 MB model (Gemma 3
# 270M Q4_K_M) between an mfc store and a local CNCF distribution registry (docker-registry,
# filesystem storage), beside `skopeo copy` of the same model as an OCI layout in the same run,
# and a no-op push (every blob already there). Each figure is the median of N runs (default 3).
# Usage: scripts/bench-registry.sh [N]   (uses .build/release/mfc; build it first with
#        swift build -c release --product mfc; needs docker-registry and skopeo)
set -euo pipefail
N=${1:-3}
MFC=$(pwd)/.build/release/mfc
. "$(dirname "$0")/lib/folders.sh"
CACHE=$(mfc_test_models_dir)
MODEL="$CACHE/gemma3/gemma-3-270m-q4_k_m.gguf"
WORK=$(mktemp -d /tmp/mfc-bench-registry.XXXXXX)
# start_registry: a fresh registry (empty storage) on a free port; sets HOST and REGISTRY. A fresh
# one per run, because skopeo mounts blobs it knows from another repository of the same registry.
REGISTRY=
trap 'kill -9 $REGISTRY 2>/dev/null; rm -rf "$WORK"' EXIT
start_registry() {
  [ -n "$REGISTRY" ] && kill -9 "$REGISTRY" 2>/dev/null && wait "$REGISTRY" 2>/dev/null || true
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  HOST=127.0.0.1:$port
  rm -rf "$WORK/registry"
  printf 'version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: %s}\n' \
    "$WORK/registry" "$HOST" > "$WORK/config.yml"
  docker-registry serve "$WORK/config.yml" > "$WORK/registry.log" 2>&1 &
  REGISTRY=$!
  for _ in $(seq 50); do curl -sf "http://$HOST/v2/" > /dev/null && break; sleep 0.1; done
}
export MFC_MODELS=$WORK/store
TIMEFORMAT='%3R'

# ms CMD...: wall milliseconds of one run (output discarded; a failure stops the script).
ms() { local t; t=$( { time "$@" > /dev/null 2> "$WORK/err" || { cat "$WORK/err" >&2; exit 1; }; } 2>&1 ); awk '{ printf "%.1f\n", $1 * 1000 }' <<< "$t"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
rate() { awk -v b="$SIZE" -v m="$1" 'BEGIN { printf "%.0f MB/s", b / 1e6 / (m / 1000) }'; }

printf 'FROM %s\n' "$MODEL" > "$WORK/Modelfile"
"$MFC" build -f "$WORK/Modelfile" -t bench > /dev/null 2>&1
"$MFC" export bench "$WORK/bench.tar" > /dev/null
mkdir "$WORK/layout" && tar -xf "$WORK/bench.tar" -C "$WORK/layout"
SIZE=$(stat -c %s "$MODEL")
cat "$WORK"/store/blobs/* > /dev/null   # page cache warm for both tools

for i in $(seq "$N"); do
  start_registry   # empty: both tools upload every byte
  ms skopeo copy -q --dest-tls-verify=false "oci:$WORK/layout:latest" "docker://$HOST/bench/s$i:latest" >> "$WORK/skopeo-push"
  "$MFC" cp bench "$HOST/bench/m$i" > /dev/null   # a new repository: no blob is linked to it yet
  ms "$MFC" push "$HOST/bench/m$i" --insecure >> "$WORK/push"
  ms "$MFC" push "$HOST/bench/m$i" --insecure >> "$WORK/noop"
  ms "$MFC" pull "$HOST/bench/m$i" --insecure --store "$WORK/pulled$i" >> "$WORK/pull"
  # skopeo reads the OCI-typed copy (it refuses Docker v2 manifests with Ollama's layer types).
  ms skopeo copy -q --src-tls-verify=false "docker://$HOST/bench/s$i:latest" "oci:$WORK/skopeo-pulled$i:latest" >> "$WORK/skopeo-pull"
  rm -rf "$WORK/pulled$i" "$WORK/skopeo-pulled$i"
done

echo "model: $(basename "$MODEL") ($SIZE bytes), $N runs, medians of wall time"
echo "| operation | mfc | skopeo copy |"
echo "|---|---|---|"
p=$(median < "$WORK/push"); sp=$(median < "$WORK/skopeo-push")
echo "| push (all blobs) | $p ms ($(rate "$p")) | $sp ms ($(rate "$sp")) |"
l=$(median < "$WORK/pull"); sl=$(median < "$WORK/skopeo-pull")
echo "| pull (all blobs) | $l ms ($(rate "$l")) | $sl ms ($(rate "$sl")) |"
echo "| no-op push (everything present) | $(median < "$WORK/noop") ms | |"
