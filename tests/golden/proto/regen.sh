#!/usr/bin/env bash
# tests/golden/proto/regen.sh — rewrite the wire golden files. Run after a
# codec version bump (the valid stream holds coded bytes) or a deliberate
# format change (then bump FRAME_VERSION too). valid-1.sls has more than 16
# chunks, so that chunk 15 carries a model digest.
set -euo pipefail
cd "$(dirname "$0")"
top=../../..
make -s -C "$top" build/satyad build/libslproto.a build/libslcodec.a
"$top/build/satyad" --quiet --recipe tiny --chunk 16 --send input/hello.txt \
  --send input/sub --out valid-1.sls
"$top/build/satyad" --quiet --recipe tiny --chunk 4096 --send input/sub/empty \
  --out valid-empty.sls
cc -O2 -I"$top" -o /tmp/mkgolden.$$ mkgolden.c "$top/build/libslproto.a" \
  "$top/build/libslcodec.a" -lz
/tmp/mkgolden.$$ valid-1.sls .
rm -f /tmp/mkgolden.$$
ls -l *.sls
