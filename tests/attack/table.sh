#!/usr/bin/env bash
# tests/attack/table.sh — the attack table of issue 11: each attack against
# a fresh sundard, with the receiver's peak RSS, CPU time, and what came of
# it. Not part of `make test` (it takes minutes and wants a quiet machine).
#   tests/attack/table.sh [BIN_DIR] [ATTACK_BIN_DIR]
# BIN_DIR holds sundard and satyad (default build/), ATTACK_BIN_DIR
# slattack (default BIN_DIR); run it against an old build for "before".
# ONLY="stall mixed" runs those rows alone. The normal session alongside
# is satyad with --retry 4 where satyad has it: a busy receiver makes room
# for it once a hostile session has been silent for the handshake timeout.
set -uo pipefail
bin=${1:-build}
atk=${2:-$bin}
work=$(mktemp -d)
trap 'kill $rx 2>/dev/null; rm -rf "$work"' EXIT
head -c 300000 "$(dirname "$0")/../../corpus/alice29.txt" > "$work/normal.txt" 2>/dev/null ||
  head -c 300000 /dev/urandom | base64 > "$work/normal.txt"

start_rx() {
  rm -rf "$work/out" "$work/port"; mkdir -p "$work/out"
  "$bin/sundard" --listen 127.0.0.1:0 --port-file "$work/port" --out "$work/out" -q "$@" \
    2>"$work/rx.log" &
  rx=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
  port=$(cat "$work/port")
}
# Whether PROGRAM --help mentions OPTION. Not a pipe into grep: under
# pipefail a --help that exits non-zero (satyad's does) would read as "no".
has() { local h; h=$("$1" --help 2>/dev/null); [[ $h == *"$2"* ]]; }
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$rx/stat"; }
hwm() { awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$rx/status"; }
normal() {   # a well-behaved session alongside; prints its time
  local t0; t0=$(date +%s.%N)
  local retry=""
  has "$bin/satyad" --retry && retry="--retry 4"
  # shellcheck disable=SC2086
  "$bin/satyad" --to "127.0.0.1:$port" --rate 0 --recipe tiny -q $retry "$work/normal.txt" \
    2>"$work/tx.log" && r=ok || r="FAILED: $(tail -c 150 "$work/tx.log" | tr '\n' ' ')"
  echo "$(echo "$(date +%s.%N) - $t0" | bc | xargs printf '%.1f') s, $r"
}
row() {   # name, mode, count, hold, with-normal, [receiver options if it has them]
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $2 "* ]]; then return; fi
  if [ -n "${6:-}" ] && has "$bin/sundard" "${6%% *}"; then
    # shellcheck disable=SC2086
    start_rx $6
  else
    start_rx
  fi
  local t0 c0; t0=$(date +%s.%N); c0=$(cpu)
  "$atk/slattack" "$port" "$2" "$3" "$4" > "$work/atk.log" 2>&1 &
  local a=$!
  local n="-"
  if [ "$5" = yes ]; then sleep 1; n=$(normal); fi
  wait $a
  # The receiver may still be working on what it was sent: wait until its
  # CPU time stops moving (at most 60 s).
  local prev=-1 cur; cur=$(cpu)
  for _ in $(seq 120); do [ "$cur" = "$prev" ] && break; prev=$cur; sleep 0.5; cur=$(cpu); done
  local dt; dt=$(echo "$(date +%s.%N) - $t0" | bc)
  printf '| %s | %s | %s CPU s | %.1f s | %s | %s |\n' "$1" "$(hwm)" "$(echo "$(cpu) - $c0" | bc)" \
    "$dt" "$n" "$(sed 's/|/\//g' "$work/atk.log" | cut -c1-160)"
  kill $rx 2>/dev/null; wait $rx 2>/dev/null
  cp "$work/rx.log" "$work/rx-$2.log"
}
mixed() {   # 50 half frames, 50 stalls, 50 ACK ignorers and 600 idle at once
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" mixed "* ]]; then return; fi
  start_rx
  : > "$work/atk.log"
  local t0 c0; t0=$(date +%s.%N); c0=$(cpu)
  local pids=()
  for m in "halfframe 50" "stall 50" "ignoreacks 50" "idle 600"; do
    # shellcheck disable=SC2086
    "$atk/slattack" "$port" $m 8 >> "$work/atk.log" 2>&1 &
    pids+=($!)
  done
  sleep 2
  local n; n=$(normal)
  for p in "${pids[@]}"; do wait "$p"; done
  local dt; dt=$(echo "$(date +%s.%N) - $t0" | bc)
  printf '| %s | %s | %s CPU s | %.1f s | %s | %s |\n' \
    "150 hostile (50 half frames, 50 stalls, 50 ACK ignorers) + 600 idle" "$(hwm)" \
    "$(echo "$(cpu) - $c0" | bc)" "$dt" "$n" "$(cut -d';' -f1 "$work/atk.log" | tr '\n' ' ' |
    cut -c1-200)"
  kill $rx 2>/dev/null; wait $rx 2>/dev/null
}
echo "| attack | peak RSS | receiver CPU | time | a normal session meanwhile | attacker's view |"
echo "|---|---|---|---|---|---|"
row "150 connections, half a 16 MiB frame each" halfframe 150 5 yes
row "750 idle connections" idle 750 5 yes
row "4 sessions with a 1.8 GiB recipe (new: --max-memory 4G, as on an 8 GB machine)" \
  bigrecipe 4 5 yes "--max-memory 4G"
row "coded CHUNK of 0 bytes claiming 16 MiB (new: --max-chunk 16M)" emptychunk 1 1 no \
  "--max-chunk 16M"
row "4 of those, and a normal session" emptychunk 4 1 yes "--max-chunk 16M"
row "sender ignoring ACKs, 28 MB in 512-byte chunks" ignoreacks 1 3 no
row "50 sessions stalled in the middle of a 4 MiB chunk" stall 50 5 yes
row "one byte every 3 s" trickle 1 20 no
row "a frame after DONE" afterdone 1 1 no
row "a name that is not UTF-8" badutf8 1 1 no
mixed
