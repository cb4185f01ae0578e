#!/usr/bin/env bash
# tests/golden/proto/regen.sh — rewrite the wire golden files. Run after a
# codec version bump (the valid stream holds coded bytes) or a deliberate
# format change (then bump FRAME_VERSION too). valid-1.sls has more than 16
# chunks, so that chunk 15 carries a model digest.
set -euo pipefail
cd "$(dirname "$0")"
top=../../..
make -s -C "$top" build/satyad build/libslproto.a build/libslcodec.a
# The inputs with fixed modes and times, and an empty directory (which git
# cannot hold): valid-1.sls carries hello.txt as 0640 and sub/nothing.
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cp -r input/hello.txt input/sub "$t/"
mkdir "$t/sub/nothing"
chmod 0640 "$t/hello.txt"
chmod 0644 "$t/sub/data.bin" "$t/sub/empty"
chmod 0750 "$t/sub/nothing"
touch -d @1000000000 "$t/hello.txt" "$t/sub/data.bin" "$t/sub/empty" "$t/sub/nothing"
"$top/build/satyad" --quiet --recipe tiny --chunk 16 --send "$t/hello.txt" \
  --send "$t/sub" --out valid-1.sls
"$top/build/satyad" --quiet --recipe tiny --chunk 4096 --send "$t/sub/empty" \
  --out valid-empty.sls
# A recording signed with a test key (its public line: input/golden.pub).
chmod 600 input/golden.key
"$top/build/satyad" --quiet --recipe tiny --chunk 4096 --key input/golden.key \
  --send input/hello.txt --out valid-signed.sls
cc -O2 -I"$top" -o /tmp/mkgolden.$$ mkgolden.c "$top/build/libslproto.a" \
  "$top/build/libslcodec.a" -lz
/tmp/mkgolden.$$ valid-1.sls valid-signed.sls . valid-empty.sls
cp valid-empty.sls ../../fuzz/seeds/stream/
rm -f /tmp/mkgolden.$$
ls -l *.sls
