#!/bin/sh
# tools/compose_sundar.sh — sundar's command in docker-compose.yml: make
# sundar's TLS certificate once (its key stays in /sundar-secret, which only
# sundar mounts), publish its fingerprint in /public for satya's --tls-pin,
# wait for satya's public key line there, then receive one session: TLS 1.3
# only, from that key only, with the dashboard on port 8080.
#   compose-sundar       (env: WEB_HOLD, seconds the dashboard stays after)
set -eu
: "${WEB_HOLD:=0}"
if [ ! -s /sundar-secret/cert.pem ] || [ ! -s /public/tls-pin ]; then
  rm -f /sundar-secret/cert.pem /sundar-secret/key.pem
  sundard --gen-cert /sundar-secret > /public/tls-pin.tmp 2>/dev/null
  mv /public/tls-pin.tmp /public/tls-pin
fi
echo "sundar: certificate $(cut -c1-23 /public/tls-pin)…; waiting for satya's key"
i=0
until [ -s /public/authorized_keys ]; do
  i=$((i + 1))
  [ $i -lt 300 ] || { echo "sundar: no key from satya after 60 s" >&2; exit 1; }
  sleep 0.2
done
exec sundard --listen :4647 --out /received --once \
  --authorized-keys /public/authorized_keys \
  --tls-cert /sundar-secret/cert.pem --tls-key /sundar-secret/key.pem \
  --web 0.0.0.0:8080 --web-hold "$WEB_HOLD"
