#!/bin/sh
# tools/compose_satya.sh — satya's command in docker-compose.yml: shape this
# container's own link, wait for sundar to listen, then send, signed with
# satya's key, over TLS to the certificate the keys service pinned.
#   compose-satya PATH...      (env: LINK_RATE, RECIPE, TO)
# The shaping is tc's token bucket on eth0 (what leaves this container), so
# satyad itself runs unthrottled. tbf's `latency 400ms` keeps a queue deep
# enough that bursts are not dropped (a short one doubles the time through
# TCP timeouts); a larger `burst` would leave the link unshaped.
set -eu
: "${LINK_RATE:=56kbit}" "${RECIPE:=default}" "${TO:=sundar}"
tc qdisc add dev eth0 root tbf rate "$LINK_RATE" burst 4kb latency 400ms
i=0
until [ -s /public/tls-pin ] && [ -s /satya-secret/satya.key ]; do
  i=$((i + 1))
  [ $i -lt 150 ] || { echo "satya: no keys after 30 s (the keys service failed?)" >&2; exit 1; }
  sleep 0.2
done
echo "satya: eth0 shaped to $LINK_RATE (tc tbf); sending $* to $TO with recipe $RECIPE, signed, over TLS"
# depends_on starts sundar first but does not wait for it to listen: try
# again while the connection is refused (for about 10 s), and only then.
i=0
while :; do
  if satyad --send "$@" --to "$TO" --rate 0 --recipe "$RECIPE" \
       --key /satya-secret/satya.key --tls-pin "$(cat /public/tls-pin)" 2>/tmp/satyad.err; then
    cat /tmp/satyad.err >&2
    exit 0
  fi
  i=$((i + 1))
  if ! grep -q "cannot connect" /tmp/satyad.err || [ $i -ge 50 ]; then
    cat /tmp/satyad.err >&2
    exit 1
  fi
  sleep 0.2
done
