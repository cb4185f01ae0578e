#!/usr/bin/env bash
# tools/bench_link.sh — the link case of `make bench`: deliver each text
# file of the corpus through satyad -> sundard on loopback at 56 kbit/s and
# 1 mbit/s, and print the measured time beside what raw bytes and xz -9
# would take on the same link.
#   tools/bench_link.sh CORPUS_DIR [RECIPE]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
corpus=$1
recipe=${2:-default}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-14s %-8s %10s %10s %9s %9s %9s\n' file rate wire_B xz_B raw_s xz_s this_s
for f in "$corpus"/*.txt; do
  [ -f "$f" ] || continue
  xzb=$(xz -9 -c "$f" | wc -c)
  raw=$(stat -c %s "$f")
  for rate in 56kbit 1mbit; do
    bps=$([ $rate = 56kbit ] && echo 56000 || echo 1000000)
    rm -rf "$work/out" "$work/port"; mkdir -p "$work/out"
    "$B/sundard" --listen 127.0.0.1:0 --port-file "$work/port" --out "$work/out" --once --quiet &
    rx=$!
    for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
    start=$(date +%s.%N)
    "$B/satyad" --send "$f" --to "127.0.0.1:$(cat "$work/port")" --rate $rate \
      --recipe "$recipe" --quiet --json "$work/tx.json"
    end=$(date +%s.%N)
    wait $rx
    cmp -s "$f" "$work/out/$(basename "$f")" || { echo "MISMATCH on $f"; exit 1; }
    wire=$(sed 's/.*"wire_bytes":\([0-9]*\).*/\1/' "$work/tx.json")
    awk -v n="$(basename "$f")" -v r=$rate -v w="$wire" -v x="$xzb" -v raw="$raw" \
        -v b=$bps -v s="$start" -v e="$end" \
        'BEGIN { printf "%-14s %-8s %10d %10d %9.1f %9.1f %9.1f\n", n, r, w, x, raw*8/b, x*8/b, e-s }'
  done
done
