#!/usr/bin/env bash
# tests/web/chromium.sh — the dashboard in a real browser: headless
# Chromium (Debian's, driven through chromedriver's WebDriver API with
# curl) loads sundard's page during a throttled transfer and checks that
# the heat-map holds hundreds of byte elements, the loss curve has points,
# the byte count grows between two looks, and, after the session, that the
# page shows it finished with the figures of --json. The page's SVGs must
# pass xmllint.
#   tests/web/chromium.sh BUILD_DIR
cd "$(dirname "$0")/../.."
B=${1:-build}
TEST_NAME="web chromium test"
. tests/web/lib.sh
t0=$(date +%s.%N)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
for t in "$CHROMIUM" chromedriver; do
  command -v "$t" >/dev/null || fail "$t is not installed (make deps installs chromium and chromium-driver)"
done

# chromedriver on a free port: try a few.
for _ in 1 2 3 4 5; do
  cd_port=$(( 20000 + RANDOM % 30000 ))
  chromedriver --port="$cd_port" > "$work/chromedriver.log" 2>&1 &
  cd_pid=$!
  if wait_for 10 curl -sf "http://127.0.0.1:$cd_port/status" -o /dev/null; then break; fi
  kill "$cd_pid" 2>/dev/null || true
  cd_pid=
done
[ -n "$cd_pid" ] || fail "chromedriver did not start"
pids+=($cd_pid)
WD=http://127.0.0.1:$cd_port

# The flags this machine's notes ask for (no sandbox as root, no background traffic).
caps=$(jq -n --arg bin "$CHROMIUM" --arg dir "$work/profile" '{capabilities: {alwaysMatch: {
  browserName: "chrome", "goog:chromeOptions": {binary: $bin, args: ["--headless",
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-dev-shm-usage", "--window-size=1200,1600", ("--user-data-dir=" + $dir)]}}}}')
sid=$(curl -sf -X POST -H 'Content-Type: application/json' -d "$caps" "$WD/session" \
      | jq -r '.value.sessionId') || fail "no browser session"
[ -n "$sid" ] && [ "$sid" != null ] || fail "no browser session"
cleanup_browser() { curl -s -X DELETE "$WD/session/$sid" >/dev/null || true; }
trap 'cleanup_browser; cleanup' EXIT

# js SCRIPT: runs SCRIPT in the page, prints its JSON result.
js() {
  jq -n --arg s "$1" '{script: $s, args: []}' |
    curl -sf -X POST -H 'Content-Type: application/json' -d @- "$WD/session/$sid/execute/sync" |
    jq -c '.value'
}
LOOK='const q = (s) => document.querySelector(s);
  const pl = q("#loss-curve polyline");
  return {heat: document.querySelectorAll("#heatmap > span").length,
          titled: document.querySelectorAll("#heatmap > span[title*=bits]").length,
          points: pl ? pl.getAttribute("points").trim().split(/\s+/).length : 0,
          decoded: Number(q("#decoded").dataset.value || 0),
          state: q("#state").dataset.state};'

start_sundard rx --json "$work/rx.json" --web-hold 60
corpus 50000 alice.txt
curl -sf -X POST -H 'Content-Type: application/json' -d "{\"url\": \"$RX_WEB\"}" \
  "$WD/session/$sid/url" >/dev/null || fail "cannot open $RX_WEB"
"$B/satyad" --send "$work/alice.txt" --to "127.0.0.1:$RX_PORT" --recipe tiny --rate 24kbit \
  --chunk 2K --quiet 2> "$work/tx.log" &
tx=$!
pids+=($tx)

look() { js "$LOOK" > "$work/look.json"; jq -e "$1" "$work/look.json" >/dev/null; }
wait_for 30 look '.heat >= 300 and .state == "receiving"' \
  || fail "the heat-map never held hundreds of bytes: $(cat "$work/look.json")"
look '.titled == .heat and .points >= 2 and .decoded > 0' \
  || fail "first look: $(cat "$work/look.json")"
first=$(jq '.decoded' "$work/look.json")
sleep 1
look ".decoded > $first" || fail "the byte count did not grow: $first, then $(cat "$work/look.json")"
second=$(cat "$work/look.json")

# Every SVG on the page is well-formed XML.
for id in loss-curve dl-bars; do
  js "return new XMLSerializer().serializeToString(document.getElementById(\"$id\"));" |
    jq -r . > "$work/$id.svg"
  xmllint --noout "$work/$id.svg" || fail "#$id is not well-formed SVG"
done

wait "$tx" || fail "satyad failed"
wait_for 20 look '.state == "finished"' || fail "the page never showed the session finished"
wait_for 10 test -s "$work/rx.json" || fail "no --json"
js 'return Object.fromEntries([...document.querySelectorAll("#final [data-key]")]
      .map((e) => [e.dataset.key, Number(e.dataset.value)]));' > "$work/final.json"
jq -e --slurpfile rx "$work/rx.json" 'length >= 10 and
   (to_entries | all(.value == $rx[0][.key]))' "$work/final.json" >/dev/null \
  || fail "the page's final figures $(cat "$work/final.json") differ from --json $(cat "$work/rx.json")"
js 'return document.getElementById("decoded").textContent;' | grep -q '"50,000 of 50,000"' \
  || fail "the page does not show all 50,000 bytes decoded"
load=$(js 'const n = performance.getEntriesByType("navigation")[0];
  const r = performance.getEntriesByType("resource").filter((e) => !e.name.endsWith("/events"));
  return {page_bytes: [n, ...r].reduce((a, e) => a + e.decodedBodySize, 0),
          load_ms: Math.round(n.loadEventEnd - n.startTime)};')
printf 'web chromium test: page %s; looks %s; %.1f s; 1 passed, 0 failed\n' "$load" "$second" \
  "$(echo "$(date +%s.%N) - $t0" | bc)"
