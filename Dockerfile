# Dockerfile — satyad and sundard in a small Debian 12 image, for
# docker-compose.yml (`make compose-demo`). The build stage installs only what
# building needs (the Makefile's APT_BUILD: no test tools) and builds only the
# daemons; the image keeps them, the run-time libraries they link (found
# with ldd, so the list follows the Makefile), tc (iproute2, for satya's
# shaped link) and the shipped corpus in /corpus.
FROM debian:bookworm-slim AS build
WORKDIR /src
COPY Makefile .
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make \
      >/dev/null \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      $(make -s deps-list-build) >/dev/null \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN make -s build/satyad build/sundard \
 && for lib in $(ldd build/satyad build/sundard | awk '$2 == "=>" { print $3 }' | sort -u); do \
      dpkg -S "$lib" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null \
        || dpkg -S "${lib#/usr}"; \
    done | cut -d: -f1 | sort -u > build/runtime-packages

FROM debian:bookworm-slim
COPY --from=build /src/build/runtime-packages /tmp/
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      $(cat /tmp/runtime-packages) iproute2 >/dev/null \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages
COPY --from=build /src/build/satyad /src/build/sundard /usr/local/bin/
COPY tools/compose_satya.sh /usr/local/bin/compose-satya
COPY tools/compose_sundar.sh /usr/local/bin/compose-sundar
COPY corpus /corpus
CMD ["sundard", "--help"]
