#!/usr/bin/env bash
# tests/link/run.sh — `make test-link`: satyad and sundard on a kernel-shaped
# link. Two network namespaces joined by a veth pair, with
#   tc qdisc ... tbf rate 256kbit burst 4kb latency 400ms
# on the sender's side, and:
#   1. a transfer that arrives byte-identical within 1.25x of wire bytes x 8 / rate;
#   2. the same with 5% random loss (iptables statistic; this kernel has no netem);
#   3. a cut mid-transfer (ip link set ... down, then up) that resumes.
# Needs root, `ip netns`, tc and iptables; without them it skips, saying why.
# It removes everything it creates (namespaces, veth, rules, files), even
# when a check fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
RATE=256000

skip() { echo "test-link: skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, tc, iptables)"
for t in ip tc iptables; do command -v $t >/dev/null || skip "no $t"; done

id=$$
A=slA$id B_NS=slB$id VA=slva$id VB=slvb$id
net="10.77.$((id % 250)).0"
ipa="10.77.$((id % 250)).1" ipb="10.77.$((id % 250)).2"
work=$(mktemp -d /tmp/sl-link-XXXXXX)
rx=""
cleanup() {
  [ -n "$rx" ] && kill "$rx" 2>/dev/null && wait "$rx" 2>/dev/null
  ip netns pids "$A" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns pids "$B_NS" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns del "$A" 2>/dev/null
  ip netns del "$B_NS" 2>/dev/null   # takes the veth pair and the rules with it
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ip netns add "$A" 2>/dev/null || skip "cannot create a network namespace"
ip netns add "$B_NS" || exit 1
ip link add "$VA" netns "$A" type veth peer name "$VB" netns "$B_NS" || exit 1
ip -n "$A" addr add "$ipa/24" dev "$VA"
ip -n "$B_NS" addr add "$ipb/24" dev "$VB"
ip -n "$A" link set lo up; ip -n "$B_NS" link set lo up
ip -n "$A" link set "$VA" up; ip -n "$B_NS" link set "$VB" up
ip netns exec "$A" tc qdisc add dev "$VA" root tbf rate 256kbit burst 4kb latency 400ms ||
  skip "tc tbf is not available"

fail=0
check() {   # what, condition (a shell expression)
  if eval "$2"; then echo "test-link: ok   $1"; else echo "test-link: FAIL $1"; fail=1; fi
}

# The receiver only takes signed sessions: it listens beyond loopback.
"$B/satyad" --gen-key "$work/key" > "$work/authorized" 2>/dev/null
start_rx() {   # extra sundard options...
  rm -rf "$work/out"; mkdir -p "$work/out"
  ip netns exec "$B_NS" "$B/sundard" --listen "$ipb:4647" --out "$work/out" \
    --authorized-keys "$work/authorized" --overwrite "$@" 2>>"$work/rx.log" &
  rx=$!
  for _ in $(seq 50); do
    ip netns exec "$B_NS" ss -ltn 2>/dev/null | grep -q ":4647 " && return
    sleep 0.1
  done
}
stop_rx() { kill "$rx" 2>/dev/null; wait "$rx" 2>/dev/null; rx=""; }
send() {   # file, json, extra satyad options...
  local f=$1 j=$2; shift 2
  ip netns exec "$A" "$B/satyad" --to "$ipb:4647" --key "$work/key" --rate 0 --recipe tiny \
    --quiet --json "$j" "$@" "$f" 2>>"$work/tx.log"
}
wire() { sed -n 's/.*"wire_bytes":\([0-9]*\).*/\1/p' "$1"; }

head -c 100000 /dev/urandom > "$work/r100.bin"   # incompressible: the wire is the file

# 1. The link rate, kept by the kernel.
start_rx
t0=$(date +%s.%N)
send "$work/r100.bin" "$work/1.json"; rc=$?
t=$(echo "$(date +%s.%N) - $t0" | bc)
stop_rx
w=$(wire "$work/1.json")
ideal=$(echo "${w:-0} * 8 / $RATE" | bc -l)
check "256 kbit/s tbf: byte-identical" "[ $rc = 0 ] && cmp -s '$work/r100.bin' '$work/out/r100.bin'"
check "256 kbit/s tbf: ${t} s for ${w} wire bytes (ideal $(printf %.2f "$ideal") s, at most 1.25x)" \
  "[ \$(echo '$t <= 1.25 * $ideal' | bc) = 1 ]"

# 2. 5% of the sender's packets dropped.
ip netns exec "$A" iptables -A OUTPUT -o "$VA" -m statistic --mode random --probability 0.05 \
  -j DROP || skip "iptables statistic is not available"
head -c 50000 /dev/urandom > "$work/r50.bin"
start_rx
send "$work/r50.bin" "$work/2.json"; rc=$?
stop_rx
check "5% loss: byte-identical" "[ $rc = 0 ] && cmp -s '$work/r50.bin' '$work/out/r50.bin'"
ip netns exec "$A" iptables -D OUTPUT -o "$VA" -m statistic --mode random --probability 0.05 \
  -j DROP

# 3. The link cut for 4 s in the middle: both ends give up on the
# connection (idle timeouts of 2 s), satyad reconnects and resumes.
head -c 150000 /dev/urandom > "$work/r150.bin"
start_rx --idle-timeout 2
send "$work/r150.bin" "$work/3.json" --chunk 8K --idle-timeout 2 --connect-timeout 2 \
  --retry 10 &
tx=$!
sleep 2
ip -n "$A" link set "$VA" down
sleep 4
ip -n "$A" link set "$VA" up
wait $tx; rc=$?
stop_rx
check "a cut mid-transfer: byte-identical after it" \
  "[ $rc = 0 ] && cmp -s '$work/r150.bin' '$work/out/r150.bin'"
check "a cut mid-transfer: resumed, not sent again" \
  "grep -q resumed '$work/rx.log' && grep -q 'trying again' '$work/tx.log'"
w=$(wire "$work/3.json")
check "a cut mid-transfer: $w bytes crossed for 150,000 (under 1.3x)" "[ ${w:-999999} -lt 195000 ]"

if [ $fail != 0 ]; then
  echo "--- sundard"; cat "$work/rx.log"; echo "--- satyad"; cat "$work/tx.log"
  exit 1
fi
echo "test-link: all passed"
