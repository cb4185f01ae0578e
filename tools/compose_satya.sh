#!/bin/sh
# tools/compose_satya.sh — satya's command in docker-compose.yml: shape this
# container's own link, make satya's key once (publishing its public line
# for sundar), wait for sundar's certificate fingerprint and for sundar to
# listen, then send, signed with that key, over TLS pinned to that
# certificate.
#   compose-satya PATH...      (env: LINK_RATE, RECIPE, TO)
# The shaping is tc's token bucket on eth0 (what leaves this container), so
# satyad itself runs unthrottled. tbf's `latency 400ms` keeps a queue deep
# enough that bursts are not dropped (a short one doubles the time through
# TCP timeouts); a larger `burst` would leave the link unshaped.
set -eu
: "${LINK_RATE:=56kbit}" "${RECIPE:=default}" "${TO:=sundar}"
tc qdisc add dev eth0 root tbf rate "$LINK_RATE" burst 4kb latency 400ms
# satya's key, made once; its secret half stays in /satya-secret (only
# satya mounts it), its public line goes to /public for sundar.
if [ ! -s /satya-secret/satya.key ] || [ ! -s /public/authorized_keys ]; then
  rm -f /satya-secret/satya.key
  satyad --gen-key /satya-secret/satya.key > /public/authorized_keys.tmp 2>/dev/null
  mv /public/authorized_keys.tmp /public/authorized_keys
fi
i=0
until [ -s /public/tls-pin ]; do
  i=$((i + 1))
  [ $i -lt 300 ] || { echo "satya: no certificate from sundar after 60 s" >&2; exit 1; }
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
