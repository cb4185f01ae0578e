#!/usr/bin/env bash
# tools/demo.sh — `make demo`: Sundar listens on loopback, Satya sends this
# project's own sources over a 56 kbit/s link, and the received tree is
# compared byte for byte with the original. One terminal, one display: the
# sender's progress line and report; Sundar's output goes to a log, of which
# the lines only the receiver knows are shown after (its other figures are
# the sender's, to the byte). Sundar serves a live dashboard (DEMO_WEB,
# default a free port on 127.0.0.1) and keeps it up DEMO_HOLD seconds after
# the transfer.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
RATE=${RATE:-56kbit}
RECIPE=${RECIPE:-default}
DEMO_WEB=${DEMO_WEB:-127.0.0.1:0}
DEMO_HOLD=${DEMO_HOLD:-5}
work=$B/demo
rm -rf "$work"
mkdir -p "$work/out" "$work/corpus"
# The corpus: the project's README and the sources of the codec, the wire
# format and both daemons.
cp -r README.md common proto sender receiver "$work/corpus/"

"$B/sundard" --listen 127.0.0.1:0 --port-file "$work/port" --out "$work/out" --once \
  --web "$DEMO_WEB" --web-hold "$DEMO_HOLD" 2> "$work/rx.log" &
rx=$!
trap 'kill $rx 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && grep -q 'dashboard at' "$work/rx.log" && break; sleep 0.05; done
port=$(cat "$work/port")
url=$(grep -o 'dashboard at http://[^ ]*' "$work/rx.log" | head -1 | cut -d' ' -f3)
echo "== Watch it live: open $url in a browser (up until $DEMO_HOLD s after the transfer)"

echo "== Satya sends $(du -sh "$work/corpus" | cut -f1) of sources at $RATE with recipe '$RECIPE'"
"$B/satyad" --send "$work/corpus" --to "127.0.0.1:$port" --rate "$RATE" --recipe "$RECIPE"
rx_ok=0; wait $rx || rx_ok=$?
trap - EXIT
echo "== Sundar's side (the figures it shares with Satya's report left out)"
grep -v -e '^  wire ' -e '^  baselines ' -e '^  description length' -e '^  link time' -e '^  prior ' \
  "$work/rx.log" || true
[ "$rx_ok" = 0 ] || { echo "demo: FAILED: sundard reported a failed session"; exit 1; }
echo "== Checking what Sundar wrote against the originals"
if diff -r "$work/corpus" "$work/out/corpus" >/dev/null; then
  echo "demo: all $(find "$work/corpus" -type f | wc -l) files arrived byte for byte"
else
  echo "demo: FAILED: received files differ"; diff -r "$work/corpus" "$work/out/corpus" | head; exit 1
fi
