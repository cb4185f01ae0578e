#!/usr/bin/env bash
# tests/bench/devset.sh [DIR] — the development set: files every Debian 12
# machine with this project's build dependencies has (licences, changelogs,
# a Texinfo manual, man pages, C headers, Python and Perl source, tables,
# ELF binaries, x86-64 and aarch64), copied to DIR (default build/devset), .gz files unpacked;
# and generated data:
# 1-bit bitmaps (tests/bench/gen_bitmap.c) and binary records
# (tests/bench/gen_records.c), the same bytes on every machine.
#
# Model parameters are tuned on this set. The Canterbury corpus and
# ../shared/corpus/validation are held out: figures are reported on them,
# never tuned on them. A file missing on this machine is skipped with a note.
set -euo pipefail
out=${1:-build/devset}
mkdir -p "$out"
files=(
  /usr/share/common-licenses/Apache-2.0      # legal prose
  /usr/share/common-licenses/GPL-2
  /usr/share/common-licenses/LGPL-2.1
  /usr/share/common-licenses/MPL-2.0
  /usr/share/doc/dpkg/changelog.gz           # a long changelog
  /usr/share/doc/apt/changelog.gz
  /usr/share/info/diffutils.info.gz          # a Texinfo manual: the most prose the set has
  /usr/share/man/man1/dpkg.1.gz              # roff
  /usr/share/man/man1/tar.1.gz
  /usr/share/man/man8/apt-get.8.gz
  /usr/include/stdio.h                       # C headers
  /usr/include/string.h
  /usr/include/x86_64-linux-gnu/bits/socket.h
  /usr/lib/python3.11/textwrap.py            # Python
  /usr/lib/python3.11/json/encoder.py
  /usr/share/perl5/Debconf/Config.pm         # Perl
  /etc/services                              # tables
  /usr/share/zoneinfo/iso3166.tab
  /usr/share/zoneinfo/zone.tab
  /usr/share/zoneinfo/Europe/London          # binary records
  /usr/bin/dpkg                              # ELF executable and library
  /usr/lib/x86_64-linux-gnu/libz.so.1
  /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1   # aarch64 code: fixed-width
  /usr/aarch64-linux-gnu/lib/libgomp.so.1.0.0        # 32-bit instructions (cross libc)
)
n=0
for f in "${files[@]}"; do
  if [ ! -r "$f" ]; then echo "devset: skipped (not on this machine): $f" >&2; continue; fi
  base=$(basename "$f")
  dir=$(basename "$(dirname "$f")")
  case "$f" in
    */changelog.gz) name="$dir-changelog" ;;
    */Europe/London) name="zoneinfo-London" ;;
    /usr/aarch64-linux-gnu/*) name="aarch64-$base" ;;
    *.gz) name="${base%.gz}" ;;
    *) name="$base" ;;
  esac
  if [[ "$f" == *.gz ]]; then gzip -dc "$f" > "$out/$name"; else cp -L "$f" "$out/$name"; fi
  n=$((n + 1))
done
# Generated files: compiled with the host compiler, run once.
here=$(dirname "$0")
for g in gen_bitmap gen_records; do
  ${CC:-cc} -O2 -o "$out/.$g" "$here/$g.c"
  "$out/.$g" "$out"
  rm -f "$out/.$g"
done
n=$((n + 8))
# The aarch64 loader with every 32-bit word byte-swapped: fixed-width code
# in big-endian order, as SPARC, MIPS and PowerPC store theirs.
be=/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1
if [ -r "$be" ] && command -v objcopy > /dev/null; then
  objcopy -I binary -O binary --reverse-bytes=4 "$be" "$out/aarch64be-ld-linux"
  n=$((n + 1))
else
  echo "devset: skipped (no $be or objcopy): aarch64be-ld-linux" >&2
fi
# SPARC code: the first 192 KB of the sparc64 loader (its code and
# read-only data; the rest is padding). From libc6-sparc64-cross, which
# is no build dependency: skipped where it is not installed.
sp=/usr/sparc64-linux-gnu/lib64/ld-linux.so.2
if [ -r "$sp" ]; then
  head -c 196608 "$sp" > "$out/libc6-sparc64-ld"
  n=$((n + 1))
else
  echo "devset: skipped (not on this machine): $sp" >&2
fi
echo "devset: $n files in $out" >&2
