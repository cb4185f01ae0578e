#!/usr/bin/env bash
# tests/web/api.sh — the dashboard's API during a throttled transfer:
# /api/sessions (an array; each session's id, peer, state, raw_bytes,
# decoded_bytes, wire_bytes, bits_per_byte; the figures growing; at the end
# equal to --json), /events (Server-Sent Events carrying the same session
# with its loss curve and heat-map), 404 and 405, the default bind address,
# a clear error for a port in use, and satyad's dashboard.
#   tests/web/api.sh BUILD_DIR
cd "$(dirname "$0")/../.."
B=${1:-build}
TEST_NAME="web api test"
. tests/web/lib.sh
t0=$(date +%s.%N)

start_sundard rx --json "$work/rx.json" --web-hold 30
case $RX_WEB in http://127.0.0.1:*/) ;; *) fail "--web PORT should bind 127.0.0.1, got $RX_WEB" ;; esac
[ "$(curl -sf "${RX_WEB}api/sessions")" = "[]" ] || fail "sessions before any session"
curl -s -o /dev/null -w '%{http_code}' "${RX_WEB}nothing-here" | grep -qx 404 || fail "no 404"
curl -s -o /dev/null -w '%{http_code}' -X POST "${RX_WEB}api/sessions" | grep -qx 405 || fail "no 405"
curl -sf "$RX_WEB" | grep -q 'id="loss-curve"' || fail "the page"
curl -sf "${RX_WEB}dash.js" | grep -q 'EventSource' || fail "the script"
web_port=${RX_WEB##*:}; web_port=${web_port%/}
if timeout 10 "$B/sundard" --listen 127.0.0.1:0 --web "$web_port" --once 2> "$work/busy.log"; then
  fail "a second dashboard on port $web_port started"
fi
grep -q 'cannot serve the dashboard there' "$work/busy.log" || fail "no clear error for a busy port"

corpus 60000 alice.txt
"$B/satyad" --send "$work/alice.txt" --to "127.0.0.1:$RX_PORT" --recipe tiny --rate 32kbit \
  --chunk 2K --quiet --web 127.0.0.1:0 --json "$work/tx.json" 2> "$work/tx.log" &
tx=$!
pids+=($tx)

api() { curl -sf "${RX_WEB}api/sessions" > "$work/api.json" && jq -e "$1" "$work/api.json" >/dev/null; }
wait_for 20 api '.[0].decoded_bytes > 0' || fail "no bytes decoded on the dashboard"
api 'length == 1 and (.[0] | (.id | type) == "number" and (.peer | test("^127.0.0.1:")) and
     .state == "receiving" and .raw_bytes == 60000 and .decoded_bytes > 0 and
     .decoded_bytes < 60000 and .wire_bytes > 0 and .bits_per_byte > 0.5 and
     .bits_per_byte < 8 and .files == 1 and .names == ["alice.txt"])' \
  || fail "session mid-transfer: $(cat "$work/api.json")"
first=$(jq '.[0].decoded_bytes' "$work/api.json")

# /events: the stream's headers, then a session event with curve and heat-map.
curl -s -N --max-time 2 -D "$work/ev.head" "${RX_WEB}events" > "$work/ev.txt" || true
grep -qi '^content-type: text/event-stream' "$work/ev.head" || fail "/events is not an event stream"
grep -q '^event: session$' "$work/ev.txt" || fail "no session event: $(head -c 300 "$work/ev.txt")"
grep '^data: ' "$work/ev.txt" | tail -1 | cut -c7- > "$work/ev.json"
jq -e '.id == 1 and .state == "receiving" and (.curve.bpb | length) > 1 and
       (.heat.bytes | length) == (.heat.bits | length) and (.heat.bytes | length) >= 200 and
       (.heat.bits | all(. >= 0 and . <= 128))' "$work/ev.json" >/dev/null \
  || fail "event: $(head -c 400 "$work/ev.json")"

# The satyad side knows the link rate and the baselines early.
SX_WEB=$(dashboard_url "$work/tx.log")
[ -n "$SX_WEB" ] || fail "satyad printed no dashboard address"
curl -sf "${SX_WEB}api/sessions" > "$work/sx.json" || fail "satyad's /api/sessions"
jq -e '.[0] | .role == "satyad" and .rate_bps == 32000 and .raw_bytes == 60000' "$work/sx.json" \
  >/dev/null || fail "satyad's session: $(cat "$work/sx.json")"

wait_for 30 api '.[0].decoded_bytes > '"$first" || fail "the byte count did not grow"
wait "$tx" || fail "satyad failed"
wait_for 20 api '.[0].state == "finished"' || fail "the session did not finish on the dashboard"
wait_for 10 test -s "$work/rx.json" || fail "no --json"
jq -e --slurpfile rx "$work/rx.json" '.[0] | .final == $rx[0] and
   .raw_bytes == $rx[0].raw_bytes and .decoded_bytes == $rx[0].raw_bytes and
   .wire_bytes == $rx[0].wire_bytes and .transcript_bytes == $rx[0].transcript_bytes and
   .description_length == $rx[0].description_length and
   (.bits_per_byte - $rx[0].bits_per_byte | fabs) < 1e-5' "$work/api.json" >/dev/null \
  || fail "final figures differ from --json: $(jq -c '.[0].final' "$work/api.json") vs $(cat "$work/rx.json")"
printf 'web api test: %.1f s; 1 passed, 0 failed\n' "$(echo "$(date +%s.%N) - $t0" | bc)"
