#!/bin/sh
# tools/compose_keys.sh — the `keys` service of docker-compose.yml: make,
# once, what the two daemons need to trust each other, each in the volume
# only its own side mounts:
#   /satya-secret/satya.key     satya's Ed25519 secret key (satyad --key)
#   /sundar-secret/cert.pem, key.pem   sundar's self-signed TLS certificate
#   /public/authorized_keys     satya's public line (sundard --authorized-keys)
#   /public/tls-pin             the certificate's fingerprint (satyad --tls-pin)
# A volume that already holds them is left alone, so keys survive `up` and
# `down` (not `down -v`).
set -eu
if [ ! -s /public/authorized_keys ]; then
  satyad --gen-key /satya-secret/satya.key > /public/authorized_keys.tmp
  mv /public/authorized_keys.tmp /public/authorized_keys
fi
if [ ! -s /public/tls-pin ]; then
  sundard --gen-cert /sundar-secret > /public/tls-pin.tmp 2>/dev/null
  mv /public/tls-pin.tmp /public/tls-pin
fi
echo "keys: satya's key $(cut -d' ' -f2 /public/authorized_keys | cut -c1-12)…," \
     "sundar's certificate $(cut -c1-23 /public/tls-pin)…"
