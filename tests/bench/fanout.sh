#!/usr/bin/env bash
# tests/bench/fanout.sh — what one satyad costs per receiver: N sundard on
# loopback, one satyad sending FILE to all of them at RATE each, and the
# sender's peak RSS and CPU time (GNU time) for each N.
#   tests/bench/fanout.sh [FILE] [RATE] [RECIPE] [N...]
#   defaults: corpus/alice29.txt 1mbit tiny 1 10 100
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
file=${1:-corpus/alice29.txt}; rate=${2:-1mbit}; recipe=${3:-tiny}
shift $(( $# < 3 ? $# : 3 ))
counts=("${@:-1 10 100}")
# shellcheck disable=SC2206
counts=(${counts[*]})
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
printf '%-10s %12s %12s %10s %10s\n' receivers peak_RSS_KiB per_extra_KiB cpu_s wall_s
base_rss=
for n in "${counts[@]}"; do
  rm -rf "$work"/*; pids=()
  : > "$work/list"
  for i in $(seq "$n"); do
    mkdir -p "$work/out$i"
    "$B/sundard" --listen 127.0.0.1:0 --port-file "$work/port$i" --out "$work/out$i" \
      --once --quiet & pids+=($!)
  done
  for i in $(seq "$n"); do
    for _ in $(seq 200); do [ -s "$work/port$i" ] && break; sleep 0.02; done
    echo "127.0.0.1:$(cat "$work/port$i")" >> "$work/list"
  done
  /usr/bin/time -f '%M %U %S %e' -o "$work/time" \
    "$B/satyad" --send "$file" --to-file "$work/list" --rate "$rate" --recipe "$recipe" --quiet
  for p in "${pids[@]}"; do wait "$p"; done
  for i in $(seq "$n"); do cmp -s "$file" "$work/out$i/$(basename "$file")" \
    || { echo "receiver $i: files differ"; exit 1; }; done
  read -r rss usr sys wall < "$work/time"
  [ -z "$base_rss" ] && base_rss=$rss && base_n=$n
  per=$([ "$n" -gt "$base_n" ] && echo $(( (rss - base_rss) / (n - base_n) )) || echo -)
  printf '%-10s %12s %12s %10.2f %10.2f\n' "$n" "$rss" "$per" "$(echo "$usr + $sys" | awk '{print $1 + $3}')" "$wall"
done
