#!/usr/bin/env bash
# Parse + check throughput of `mfc lint` on a generated Modelfile of about 10 MB.
# Usage: scripts/bench-parse.sh [size_mb]   (builds mfc in release mode first)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-10}
swift build -c release --product mfc >/dev/null
mfc=.build/release/mfc
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
file=$dir/big.Modelfile

# One block of about 1.6 KB: comments, stop parameters, MESSAGE few-shot turns and a multi-line
# LICENSE (LICENSE and MESSAGE accumulate, so a clean file can be arbitrarily long).
block=$(cat <<'BLOCK'
# Few-shot turn for the support persona; prices in euros.
PARAMETER stop <|im_end|>
MESSAGE user Where is my order #48213? It was supposed to arrive on Monday and I still have nothing.
MESSAGE assistant I'm sorry it hasn't arrived yet! Orders ship within 2 business days. Shall I open a ticket?
MESSAGE user """
Can I return a book I already read?
I bought it last week and did not like the ending at all.
"""
MESSAGE assistant "Yes: returns are free within 30 days of delivery, read or not. Shall I email a label?"
LICENSE """
Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, subject to the following conditions: 你好👋 ünïcödé.
"""
BLOCK
)
{
  echo "FROM llama3"
  target=$((size_mb * 1024 * 1024))
  written=0
  while [ "$written" -lt "$target" ]; do
    for _ in $(seq 64); do printf '%s\n\n' "$block"; done
    written=$((written + 64 * (${#block} + 2)))
  done
} > "$file"
bytes=$(wc -c < "$file")

# Best of 5 runs, by CPU time (user + system), which other load on the machine barely affects;
# wall-clock time is shown too. Both include process start-up and reading the file.
best_cpu="" best_wall=""
TIMEFORMAT='%R %U %S'
for run in 1 2 3 4 5; do
  read -r wall user sys < <({ time "$mfc" lint --strict "$file" >/dev/null 2>&1; } 2>&1)
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then best_cpu=$cpu; fi
  if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then best_wall=$wall; fi
done
"$mfc" lint --strict "$file"   # must be clean, or the benchmark measures diagnostics instead
echo "file: $bytes bytes ($(grep -c '' "$file") lines)"
echo "mfc lint --strict (parse + check + lint), best of 5: cpu ${best_cpu}s, wall ${best_wall}s"
awk -v b="$bytes" -v c="$best_cpu" -v w="$best_wall" \
  'BEGIN { printf "throughput: %.1f MB/s by cpu time, %.1f MB/s by wall time\n", b / 1048576 / c, b / 1048576 / w }'
