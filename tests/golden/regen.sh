#!/usr/bin/env bash
# tests/golden/regen.sh — rewrite transcripts.txt after a deliberate change
# of model output. Bump CODEC_VERSION (common/recipe.h and the presets) in
# the same commit; `make test-determinism` then checks that four builds,
# aarch64 included, agree with what this wrote.
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s build/slcodec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -o "$tmp/gen" tests/determinism/gen.c
"$tmp/gen" "$tmp"
version=$(sed -n 's/^#define CODEC_VERSION \([0-9]*\).*/\1/p' common/recipe.h)
{
  echo "# SHA-256 of slcodec's output for the golden input (tests/unit/testdata.h,"
  echo "# td_golden), 16 KiB chunks, per preset. Written by tests/golden/regen.sh;"
  echo "# a change to model output bumps CODEC_VERSION and these together."
  echo "codec.version $version"
  for p in uniform order0 tiny small default max large tx; do
    build/slcodec c -r "$p" -k 16384 "$tmp/golden.bin" "$tmp/$p.slc"
    echo "$p $(sha256sum < "$tmp/$p.slc" | cut -c1-64)"
  done
} > tests/golden/transcripts.txt
cat tests/golden/transcripts.txt
