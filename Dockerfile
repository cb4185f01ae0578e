# Dockerfile — satyad and sundard in a small Debian 12 image, for
# docker-compose.yml (`make compose-demo`). The build stage installs only what
# building the daemons needs (no test tools); the image keeps the daemons,
# their run-time libraries, tc (iproute2, for satya's shaped link) and the
# shipped corpus in /corpus.
FROM debian:bookworm-slim AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential pkg-config libuv1-dev libssl-dev libsodium-dev zlib1g-dev \
      liblzma-dev libzstd-dev libjansson-dev xz-utils >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make -s build/satyad build/sundard

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libuv1 libssl3 libsodium23 zlib1g liblzma5 libzstd1 libjansson4 iproute2 >/dev/null \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/satyad /src/build/sundard /usr/local/bin/
COPY tools/compose_satya.sh /usr/local/bin/compose-satya
COPY corpus /corpus
CMD ["sundard", "--help"]
