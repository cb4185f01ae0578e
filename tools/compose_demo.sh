#!/usr/bin/env bash
# tools/compose_demo.sh — `make compose-demo`: docker-compose.yml end to end
# with whichever container engine this machine has (Docker with its compose
# plugin or docker-compose, else Podman with podman-compose): build the image,
# run both services until satya is done, check what sundar received against
# the originals byte for byte, print the report, and take everything down.
#   LINK_RATE=1mbit RECIPE=tiny make compose-demo
# With no engine at all, it installs podman and podman-compose (apt-get).
# Where debian:bookworm-slim cannot be pulled, tools/base_image.sh builds it
# from the Debian mirror (once; ~1-3 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
export LINK_RATE=${LINK_RATE:-56kbit} RECIPE=${RECIPE:-default}
project=sl-demo
start=$(date +%s%N)
secs() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
log=build/compose
mkdir -p "$log"
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

# Docker if its daemon answers, else Podman (installed if neither exists).
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  engine=docker
  if docker compose version >/dev/null 2>&1; then compose=(docker compose)
  else compose=(docker-compose); fi
else
  engine=podman
  if ! command -v podman >/dev/null || ! command -v podman-compose >/dev/null; then
    echo "compose-demo: no container engine; installing podman and podman-compose (apt-get)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq podman podman-compose runc
  fi
  compose=(podman-compose)
  # crun, Podman's default runtime on Debian 12, cannot run on cgroups v1 or
  # hybrid hosts, and Podman asks for more open files than a shell may have:
  # runc and the limits this shell has (see ../shared/CONTAINERS.md).
  # (nproc above about 32768 was refused here even under a higher hard limit.)
  if [ -z "${CONTAINERS_CONF:-}" ] && [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
    nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] || [ "$nofile" -gt 16384 ] && nofile=16384
    cat > "$log/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=16384:16384"]
[engine]
runtime = "runc"
CONF
    export CONTAINERS_CONF=$PWD/$log/containers.conf
  fi
fi
echo "== compose-demo with $engine (${compose[*]}), link $LINK_RATE, recipe $RECIPE"

tools/base_image.sh "$engine"
down() { "${compose[@]}" -p "$project" down -v >/dev/null 2>&1 || true
         [ "$engine" = podman ] && podman network rm -f "${project}_default" >/dev/null 2>&1
         true; }
trap down EXIT
down

echo "== building the image (daemons only)"
t=$(date +%s%N)
# (podman-compose 1.0.3 exits 0 when the build fails, and says "exit code: 1".)
if ! "${compose[@]}" -p "$project" build >"$log/build.log" 2>&1 ||
   grep -q '^exit code: [1-9]' "$log/build.log" ||
   ! "$engine" image inspect localhost/satya-sundar:latest >/dev/null 2>&1; then
  tail -30 "$log/build.log"; echo "compose-demo: the image did not build"; exit 1
fi
echo "   built in $(secs "$t") s"

echo "== up: satya sends /corpus to sundar over its shaped eth0"
t=$(date +%s%N)
if ! "${compose[@]}" -p "$project" up --exit-code-from satya >"$log/up.log" 2>&1; then
  cat "$log/up.log"; echo "compose-demo: the session failed"; exit 1
fi
up_s=$(secs "$t")
# The daemons' own lines, without the engine's chatter (Docker prefixes each
# with its container's name, in colour; podman-compose 1.0.3 does not).
sed -E 's/\x1b\[[0-9;]*m//g; s/^[a-z0-9_-]+ +\| ?//' "$log/up.log" \
  | grep -E '^(satyad|sundard|satya):|^  ' > "$log/daemons.log" || true
cat "$log/daemons.log"
wire=$(sed -nE 's/^  wire +([0-9,]+) bytes.*/\1/p' "$log/daemons.log" | head -1 | tr -d ,)
if [ -n "$wire" ]; then
  echo "== the link: tc tbf at $LINK_RATE; the session's $wire wire bytes need" \
       "$(awk -v w="$wire" -v r="$LINK_RATE" 'BEGIN { m = r ~ /[mM]/ ? 1e6 : r ~ /[kK]/ ? 1e3 : 1;
          sub(/[^0-9.].*/, "", r); printf "%.1f", w * 8 / (r * m) }') s at that rate"
fi
echo "== checking what sundar received against the originals, byte for byte"
"$engine" run --rm -v "${project}_received:/received:ro" localhost/satya-sundar:latest \
  sh -c 'diff -r /corpus /received/corpus && echo "compose-demo: all $(find /corpus -type f | wc -l) files arrived byte for byte"'
echo "compose-demo: the session took $up_s s from up; the whole demo $(secs "$start") s"
