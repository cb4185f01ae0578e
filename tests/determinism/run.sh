#!/usr/bin/env bash
# tests/determinism/run.sh — `make test-determinism`.
#
# Builds the codec driver (tools/slcodec: the codec, C and libc only) four
# ways, encodes the same generated inputs with every preset, and requires
# byte-identical output files (recipe, transcript, final model digest);
# then each build decodes another build's file and must give back the
# input. golden.bin must also match tests/golden/transcripts.txt.
#   builds: gcc -O0 | gcc -O3 -march=native | clang -O3 -march=native |
#           aarch64-linux-gnu-gcc -O2 -static, run under qemu-aarch64
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${DET_DIR:-build-det}
rm -rf "$out"
mkdir -p "$out/in"
start=$(date +%s)

src="common/*.c common/models/*.c tools/slcodec.c util/fileio.c util/recipe_arg.c"
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -ffp-contract=off -fno-fast-math"
builds=(gcc-O0 gcc-O3-native clang-O3-native aarch64-O2)
declare -A cc=([gcc-O0]="gcc -O0" [gcc-O3-native]="gcc -O3 -march=native"
               [clang-O3-native]="clang -O3 -march=native"
               [aarch64-O2]="aarch64-linux-gnu-gcc -O2 -static")
declare -A run=([aarch64-O2]="timeout -s KILL 600 qemu-aarch64")

gcc -O2 -o "$out/gen" tests/determinism/gen.c
"$out/gen" "$out/in"
pids=()
for b in "${builds[@]}"; do
  # shellcheck disable=SC2086
  ${cc[$b]} $flags -o "$out/slcodec-$b" $src &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
echo "built: ${builds[*]}"

presets=(uniform order0 tiny small default max large tx)
inputs=(golden.bin text.txt binary.bin random.bin cells.bin)
# The float models are slow under qemu (scalar, -O2): max's LSTM about
# 1.7 KB/s, tx about 0.4 KB/s, large slower still. Fewer and shorter inputs
# keep the check near two minutes: golden.bin is 84 KB of text and binary,
# random.bin the opposite extreme, short.txt 3 KB of text, brief.txt its
# first 1,500 bytes and snippet.txt its first 750 (for large, the slowest
# under qemu: 47 segments, each trained and replayed twice). max, large
# and tx code golden.bin (whose transcripts are golden) on the two
# optimised x86-64 builds only (max at -O0 takes 25 s), so every line of
# tests/golden/transcripts.txt is checked; every build checks max on
# short.txt and noise.bin (random.bin's first 2,000 bytes), large on
# snippet.txt, tx on brief.txt. The
# float paths use AVX2 kernels on the x86-64 builds and scalar ones on
# aarch64, so this also checks that the two give the same bits.
head -c 1500 "$out/in/short.txt" > "$out/in/brief.txt"
head -c 750 "$out/in/short.txt" > "$out/in/snippet.txt"
head -c 2000 "$out/in/random.bin" > "$out/in/noise.bin"
declare -A only=([max]="golden.bin short.txt noise.bin" [large]="snippet.txt golden.bin"
                 [tx]="brief.txt golden.bin")
declare -A fast_only=([max.golden.bin]=1 [large.golden.bin]=1 [tx.golden.bin]=1)
# large trains with train.replay=2, so replay's code (Transformer and
# LSTM) runs here too.
"$out/slcodec-gcc-O0" p large | grep -q '^train.replay=[1-9]'
declare -A recipe=()
fail=0
for p in "${presets[@]}"; do
  # shellcheck disable=SC2206
  files=(${only[$p]:-${inputs[*]}})
  for f in "${files[@]}"; do
    t0=$(date +%s)
    first=""
    fb=("${builds[@]}")
    [ -n "${fast_only[$p.$f]:-}" ] && fb=("${builds[@]:1:2}")
    for b in "${fb[@]}"; do
      # shellcheck disable=SC2086
      ${run[$b]:-} "$out/slcodec-$b" c -r "${recipe[$p]:-$p}" -k 16384 "$out/in/$f" "$out/$p.$f.$b.slc" &
    done
    wait
    for b in "${fb[@]}"; do
      h=$(sha256sum < "$out/$p.$f.$b.slc" | cut -c1-64)
      if [ -z "$first" ]; then first=$h
      elif [ "$h" != "$first" ]; then
        echo "MISMATCH: $p $f: $b gives $h, ${builds[0]} gives $first"; fail=1
      fi
    done
    if [ "$f" = golden.bin ]; then
      want=$(awk -v p="$p" '$1 == p {print $2}' tests/golden/transcripts.txt)
      if [ "$want" != "$first" ]; then
        echo "GOLDEN: $p transcript is $first, tests/golden/transcripts.txt says ${want:-nothing}"; fail=1
      fi
    fi
    # Each build decodes the next build's file.
    n=${#fb[@]}
    for i in $(seq 0 $((n - 1))); do
      b=${fb[$i]}; o=${fb[$(((i + 1) % n))]}
      # shellcheck disable=SC2086
      ${run[$b]:-} "$out/slcodec-$b" d "$out/$p.$f.$o.slc" "$out/$p.$f.$b.from-$o" &
    done
    wait
    for i in $(seq 0 $((n - 1))); do
      b=${fb[$i]}; o=${fb[$(((i + 1) % n))]}
      if ! cmp -s "$out/in/$f" "$out/$p.$f.$b.from-$o"; then
        echo "DECODE: $b decoding $o's $p $f does not give the input back"; fail=1
      fi
    done
    echo "$p $f: ${first:0:16}… identical on ${#fb[@]} builds, cross-decoded ($(( $(date +%s) - t0 )) s)"
  done
done

# A file for another codec version is refused before any decoding.
# The packed recipe's version byte follows the 4-byte header, the name's
# length byte and the name ("tiny").
# The version after this build's (below 128: one byte).
f="$out/tiny.text.txt.gcc-O0.slc"
cp "$f" "$out/badversion.slc"
next=$(( $(sed -n 's/^#define CODEC_VERSION \([0-9]*\).*/\1/p' common/recipe.h) + 1 ))
printf "\\x$(printf %02x "$next")" | dd of="$out/badversion.slc" bs=1 seek=9 conv=notrunc status=none
if "$out/slcodec-gcc-O0" d "$out/badversion.slc" "$out/badversion.out" 2> "$out/badversion.err"; then
  echo "VERSION: a codec.version=$next file was accepted"; fail=1
elif ! grep -q "codec version $next" "$out/badversion.err" || [ -e "$out/badversion.out" ]; then
  echo "VERSION: refusal message or leftover output wrong:"; cat "$out/badversion.err"; fail=1
fi

echo "determinism check: $(( $(date +%s) - start )) s"
if [ $fail -ne 0 ]; then echo "determinism: FAILED"; exit 1; fi
echo "determinism: ${#builds[@]} builds agree on ${#presets[@]} presets (max on ${only[max]}, golden.bin on the optimised x86-64 builds; large (with replay) on ${only[large]}, tx on ${only[tx]})"
