#!/usr/bin/env bash
# tests/install_check.sh — `make install` into a scratch DESTDIR puts the
# programs, man pages, bash completion and systemd unit where they belong;
# every long option a program takes is described in its man page and
# offered by the completion; `make uninstall` leaves nothing behind.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
fail() { echo "install_check: $*"; exit 1; }
make -s install B="$B" DESTDIR="$dest" PREFIX=/usr/local >/dev/null
p=$dest/usr/local
for f in bin/satyad bin/sundard bin/slcodec share/man/man1/satyad.1 share/man/man1/sundard.1 \
         share/man/man1/slcodec.1 share/bash-completion/completions/satyad \
         share/bash-completion/completions/sundard share/bash-completion/completions/slcodec \
         lib/systemd/system/sundard.service; do
  [ -s "$p/$f" ] || fail "make install did not install $f"
done
"$p/bin/slcodec" --version >/dev/null || fail "the installed slcodec does not run"
grep -q "^ExecStart=/usr/local/bin/sundard " "$p/lib/systemd/system/sundard.service" \
  || fail "the unit does not run the installed sundard"
for k in DynamicUser=yes ProtectSystem=strict StateDirectory=; do
  grep -q "^$k" "$p/lib/systemd/system/sundard.service" || fail "the unit lacks $k"
done
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$p/lib/systemd/system/sundard.service" 2>&1 \
    | grep -v "man sundard(1)\|Documentation\|Failed to prepare\|Cannot add dependency\|is not executable" \
    | grep . && fail "systemd-analyze verify complains about the unit"
fi
if command -v groff >/dev/null; then
  for m in satyad sundard slcodec; do
    w=$(groff -man -ww -z "$p/share/man/man1/$m.1" 2>&1) || true
    [ -z "$w" ] || fail "$m.1 does not render cleanly: $w"
  done
fi
# --help and --version exit 0 and say nothing on stderr.
for prog in satyad sundard slcodec; do
  for o in --help --version; do
    err=$("$p/bin/$prog" "$o" 2>&1 >/dev/null) || fail "$prog $o exits $?"
    [ -z "$err" ] || fail "$prog $o says on stderr: $err"
  done
done
# Every long option in a program's option tables (its own file and, for the
# daemons, the trust options' header) is in its man page and its completion.
for prog in sender/satyad.c:sender/snd_trust.h receiver/sundard.c:receiver/rcv_trust.h \
            tools/slcodec.c; do
  src=${prog//:/ }
  prog=${prog%%:*}
  name=$(basename "$prog" .c)
  # shellcheck disable=SC2086  # src is a list of files
  for opt in $(cat $src | grep -oE '\{"[a-z][a-z-]+", *(no|required|optional)_argument' \
               | sed -E 's/\{"([^"]+)".*/\1/'; grep -oE '"--[a-z][a-z-]+"' "$prog" | tr -d '"' \
               | sed 's/^--//'); do
    esc=$(sed 's/-/\\\\-/g' <<<"--$opt")     # --to-file is \-\-to\-file in roff
    grep -qE -- "$esc([^a-z\\]|\\f|$)" "man/$name.1" || fail "man/$name.1 does not describe --$opt"
    [ "$name" = slcodec ] || grep -qE -- "--$opt([^a-z-]|$)" tools/completion.bash \
      || fail "tools/completion.bash does not offer $name --$opt"
  done
done
bash -c "source '$p/share/bash-completion/completions/satyad'; complete -p satyad sundard slcodec" \
  >/dev/null || fail "the completion does not register"
make -s uninstall B="$B" DESTDIR="$dest" PREFIX=/usr/local
left=$(find "$dest" -mindepth 1)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "install_check: install, man pages, completion, unit and uninstall all right"
