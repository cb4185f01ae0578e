#!/usr/bin/env bash
# tools/base_image.sh — make sure the container engine has debian:bookworm-slim,
# the base of the Dockerfile. It pulls the image where a registry is reachable;
# where none is (a machine that reaches only a Debian package mirror), it builds
# an equivalent minimal Debian 12 root file system from the mirror this machine
# uses (mmdebstrap) and imports it under the same name.
#   tools/base_image.sh [ENGINE]        ENGINE: podman or docker (default: found)
# Needs root for mmdebstrap --mode=root; installs mmdebstrap with apt-get if
# missing. About 2.5 minutes and 127 MB the first time; instant after.
set -euo pipefail
IMAGE=docker.io/library/debian:bookworm-slim
engine=${1:-$(command -v podman >/dev/null && echo podman || echo docker)}

if "$engine" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image: $IMAGE is present"
  exit 0
fi
echo "base image: pulling $IMAGE"
if timeout 60 "$engine" pull -q "$IMAGE" >/dev/null 2>&1; then
  echo "base image: pulled"
  exit 0
fi

echo "base image: no registry answers; building $IMAGE from the Debian mirror (mmdebstrap)"
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
if ! command -v mmdebstrap >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mmdebstrap
fi
# The image uses the same mirror as this machine: a sources file given to
# mmdebstrap is copied into the image's apt configuration.
mirror=
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
  if [ -s "$f" ]; then mirror=$f; break; fi
done
work=$(mktemp -d)
trap '$SUDO rm -rf "$work"' EXIT
$SUDO mmdebstrap --quiet --variant=minbase --mode=root \
  --aptopt='Acquire::Check-Valid-Until "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  bookworm "$work/rootfs.tar" ${mirror:+"$mirror"}
$SUDO "$engine" import $([ "$engine" = podman ] && echo --quiet) --change 'CMD ["bash"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "$work/rootfs.tar" "$IMAGE" >/dev/null
echo "base image: $IMAGE built from $(basename "${mirror:-the default mirror}") and imported"
