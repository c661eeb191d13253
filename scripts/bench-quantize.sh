#!/usr/bin/env bash
# Quantize throughput: mfc vs llama-quantize on the same F16 SmolLM2, same thread count.
# Usage: scripts/bench-quantize.sh F16.gguf [threads] [runs] [types...]
#   LLAMA_QUANTIZE=path/to/llama-quantize (default $LLAMA_CPP_BIN/llama-quantize)
#   MFC=path/to/mfc (default .build/release/mfc; build it with `swift build -c release --product mfc`)
# Prints, per type, the best of `runs` wall and CPU (user+sys) seconds for each tool, interleaved.
set -euo pipefail
src=${1:?F16 gguf}; threads=${2:-1}; runs=${3:-3}; shift $(( $# < 3 ? $# : 3 ))
types=("$@"); [ ${#types[@]} -gt 0 ] || types=(Q4_0 Q8_0 Q4_K_M Q6_K)
lq=${LLAMA_QUANTIZE:-${LLAMA_CPP_BIN:?set LLAMA_CPP_BIN to llama.cpp's build/bin or LLAMA_QUANTIZE}/llama-quantize}
mfc=${MFC:-.build/release/mfc}
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
measure() {  # prints "wall cpu" of one run
  /usr/bin/time -f "%e %U %S" -o "$out/t" "$@" >/dev/null 2>&1
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$out/t"
}
printf "%-7s %8s %8s %8s %8s %7s %7s\n" type lq_wall lq_cpu mfc_wall mfc_cpu wall_x cpu_x
for t in "${types[@]}"; do
  lw=1e9; lc=1e9; mw=1e9; mc=1e9
  for _ in $(seq "$runs"); do
    read w c < <(measure "$lq" "$src" "$out/l.gguf" "$t" "$threads"); lw=$(echo "$w $lw" | awk '{print ($1<$2)?$1:$2}'); lc=$(echo "$c $lc" | awk '{print ($1<$2)?$1:$2}')
    read w c < <(measure "$mfc" quantize -t "$threads" "$src" "$out/m.gguf" "$t"); mw=$(echo "$w $mw" | awk '{print ($1<$2)?$1:$2}'); mc=$(echo "$c $mc" | awk '{print ($1<$2)?$1:$2}')
  done
  cmp -s "$out/l.gguf" "$out/m.gguf" && same="" || same=" (files differ!)"
  printf "%-7s %8.3f %8.3f %8.3f %8.3f %7.2f %7.2f%s\n" "$t" "$lw" "$lc" "$mw" "$mc" "$(echo "$lw $mw" | awk '{print $1/$2}')" "$(echo "$lc $mc" | awk '{print $1/$2}')" "$same"
done
