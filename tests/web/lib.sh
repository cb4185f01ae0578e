# tests/web/lib.sh — shared by the dashboard tests: a scratch directory,
# daemons started in the background and stopped at exit, the dashboard's
# address read from the daemon's log. Source it; set B first.
set -euo pipefail
work=$(mktemp -d /tmp/sl-web-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "${TEST_NAME:-web test} FAILED: $*" >&2
  for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -5 "$f" >&2; }; done
  exit 1
}

# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_for() {
  local end=$(( $(date +%s) + $1 )); shift
  until "$@"; do
    [ "$(date +%s)" -lt "$end" ] || return 1
    sleep 0.1
  done
}

# dashboard_url LOG: the address a daemon printed ("dashboard at http://...").
dashboard_url() { grep -o 'dashboard at http://[^ ]*' "$1" 2>/dev/null | head -1 | cut -d' ' -f3; }

# start_sundard NAME ARGS...: a receiver with --web on a free port; sets
# RX_PORT and RX_WEB (the dashboard's address).
start_sundard() {
  local name=$1; shift
  mkdir -p "$work/$name.out"
  "$B/sundard" --listen 127.0.0.1:0 --port-file "$work/$name.port" --out "$work/$name.out" \
    --once --web 0 "$@" 2> "$work/$name.log" &
  pids+=($!)
  wait_for 10 test -s "$work/$name.port" || fail "sundard did not start"
  wait_for 10 test -n "$(dashboard_url "$work/$name.log")" || fail "no dashboard address"
  RX_PORT=$(cat "$work/$name.port")
  RX_WEB=$(dashboard_url "$work/$name.log")
}

# The corpus: the start of Alice, long enough for a few seconds at a modem's rate.
corpus() { head -c "$1" corpus/alice29.txt > "$work/$2"; }
