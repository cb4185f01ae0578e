#!/bin/sh
# tools/compose_sundar.sh — sundar's command in docker-compose.yml: wait for
# the keys service, then receive one session, TLS only, from satya's key
# only, with the dashboard on port 8080 (published on the host's loopback).
#   compose-sundar       (env: WEB_HOLD, seconds the dashboard stays after)
set -eu
: "${WEB_HOLD:=0}"
i=0
until [ -s /public/authorized_keys ] && [ -s /sundar-secret/cert.pem ]; do
  i=$((i + 1))
  [ $i -lt 150 ] || { echo "sundar: no keys after 30 s (the keys service failed?)" >&2; exit 1; }
  sleep 0.2
done
exec sundard --listen :4647 --out /received --once \
  --authorized-keys /public/authorized_keys \
  --tls-cert /sundar-secret/cert.pem --tls-key /sundar-secret/key.pem \
  --web 0.0.0.0:8080 --web-hold "$WEB_HOLD"
