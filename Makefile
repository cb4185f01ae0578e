# Satya -> Sundar: a language model as a lossless link.
#
#   make            build everything (installs dependencies first if missing)
#   make test       unit tests, end-to-end tests, determinism check
#   make demo       see it work
#   make bench      compression and speed figures beside xz and zstd
#   make fuzz       libFuzzer builds of the fuzz targets (make test replays them)
#   make deps       install build and test dependencies (Debian, apt-get)
#   make SANITIZE=address,undefined test     the suite under sanitizers
#
# Determinism: every file is built with -ffp-contract=off and never with
# fast-math flags; see common/README.md for why.

CC       ?= cc
OPT      ?= -O2
CSTD      = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
DETERM    = -ffp-contract=off -fno-fast-math
CFLAGS   ?=
CFLAGS   += $(CSTD) $(OPT) -g $(WARN) $(DETERM)
LDFLAGS  ?=
B        ?= build

ifdef SANITIZE
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
B       := $(B)-san
endif

PKGS      = libuv openssl libsodium criterion zlib liblzma libzstd
HOSTTOOLS = pkg-config aarch64-linux-gnu-gcc qemu-aarch64 clang xz zstd
APT_PKGS  = build-essential pkg-config clang libuv1-dev libssl-dev libsodium-dev \
            libcriterion-dev zlib1g-dev liblzma-dev libzstd-dev xz-utils zstd \
            gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user iproute2

DEPS_OK := $(shell for t in $(HOSTTOOLS); do command -v $$t >/dev/null || exit 1; done; \
                   pkg-config --exists $(PKGS) && echo yes)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Without the dependencies, every public target installs them and starts
# over, so that pkg-config below sees them.
ifneq ($(DEPS_OK),yes)
.DEFAULT_GOAL := all
all test demo bench test-unit test-determinism test-fuzz-replay fuzz:
	$(MAKE) deps
	$(MAKE) $@
else

.DEFAULT_GOAL := all
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
CRIT_LIBS  := $(shell pkg-config --libs criterion)
BASE_LIBS  := $(shell pkg-config --libs zlib liblzma libzstd)
CRYPTO_LIBS := $(shell pkg-config --libs libcrypto)

CODEC_SRC = common/err.c common/bytebuf.c common/ac.c common/fixmath.c \
            common/digest.c common/recipe.c common/codec.c common/container.c \
            common/models/bithist.c common/models/statemap.c \
            common/models/ctxmap.c common/models/match.c \
            common/models/mixer.c common/models/apm.c common/models/run.c \
            common/models/sse.c common/models/textctx.c \
            common/models/lstm.c common/models/cm.c
CODEC_OBJ = $(CODEC_SRC:%.c=$(B)/%.o)

PROTO_SRC = proto/frame.c proto/msg.c proto/order.c proto/units.c proto/sha256.c \
            proto/report.c
PROTO_OBJ = $(PROTO_SRC:%.c=$(B)/%.o)
SND_SRC   = sender/satyad.c sender/snd_walk.c sender/snd_encode.c \
            sender/snd_baseline.c sender/snd_link.c tools/recipe_arg.c
RCV_SRC   = receiver/sundard.c receiver/rcv_conn.c receiver/rcv_core.c \
            receiver/rcv_file.c
NET_LIBS := $(shell pkg-config --libs libuv libcrypto zlib liblzma libzstd)

# The decoder's own source, xz-compressed: the "code" term of the
# description length, measured at build time.
DECODER_SRC = $(sort $(wildcard common/*.[ch] common/models/*.[ch] proto/*.[ch] \
                                receiver/*.[ch]))
$(B)/proto/report.o: CFLAGS += -DSL_CODE_BYTES=$(shell cat $(DECODER_SRC) | xz -9e -c | wc -c)
$(B)/proto/report.o: $(DECODER_SRC)

UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

all: $(B)/libslcodec.a $(B)/slcodec $(B)/slbench $(B)/satyad $(B)/sundard

$(B)/libslproto.a: $(PROTO_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/satyad: $(SND_SRC:%.c=$(B)/%.o) $(B)/libslproto.a $(B)/libslcodec.a
	$(CC) $(LDFLAGS) -o $@ $^ $(NET_LIBS) -lpthread

$(B)/sundard: $(RCV_SRC:%.c=$(B)/%.o) $(B)/libslproto.a $(B)/libslcodec.a
	$(CC) $(LDFLAGS) -o $@ $^ $(NET_LIBS) -lpthread

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

# The codec is built at -O3: 5% faster for tiny, and the LSTM's float loops
# are vectorised only at -O3. The values are the same at any level
# (common/README.md; make test-determinism checks -O0, -O2 and -O3).
$(CODEC_OBJ): OPT = -O3

$(B)/libslcodec.a: $(CODEC_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/slcodec: $(B)/tools/slcodec.o $(B)/tools/recipe_arg.o $(B)/libslcodec.a
	$(CC) $(LDFLAGS) -o $@ $^

$(B)/slbench: $(B)/tests/bench/slbench.o $(B)/tools/recipe_arg.o $(B)/libslcodec.a
	$(CC) $(LDFLAGS) -o $@ $^ $(BASE_LIBS)

$(B)/tests/test_%: $(B)/tests/unit/test_%.o $(B)/receiver/rcv_core.o $(B)/receiver/rcv_file.o \
                   $(B)/libslproto.a $(B)/libslcodec.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CRIT_LIBS) $(NET_LIBS) -lm

$(B)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

test: test-unit test-determinism test-fuzz-replay

# The fuzz targets, replayed over their seeds (and any crash reproducers
# saved there) with the normal build; `make fuzz` builds them for libFuzzer.
FUZZ_LIBS = $(B)/receiver/rcv_core.o $(B)/receiver/rcv_file.o $(B)/libslproto.a \
            $(B)/libslcodec.a
$(B)/fuzz/replay_%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o $(FUZZ_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(NET_LIBS)

test-fuzz-replay: $(B)/fuzz/replay_stream $(B)/fuzz/replay_recipe
	$(B)/fuzz/replay_stream tests/golden/proto tests/fuzz/seeds/stream
	$(B)/fuzz/replay_recipe tests/fuzz/seeds/recipe

FUZZ_CFLAGS = $(CSTD) -O1 -g $(DETERM) -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
              -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
fuzz:
	@mkdir -p build-fuzz
	for t in stream recipe; do \
	  clang $(FUZZ_CFLAGS) -o build-fuzz/fuzz_$$t tests/fuzz/fuzz_$$t.c $(CODEC_SRC) \
	    $(PROTO_SRC) receiver/rcv_core.c receiver/rcv_file.c $(NET_LIBS) || exit 1; done
	@echo "run: build-fuzz/fuzz_stream -max_total_time=60 tests/golden/proto"

demo: all
	B=$(B) tools/demo.sh

# One Criterion binary per module; each runs with a timeout.
test-unit: $(UNIT_BIN) $(B)/satyad $(B)/sundard
	@set -e; for t in $(UNIT_BIN); do \
	  echo "== $$t"; SL_BIN=$(B) LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  timeout 900 $$t --jobs 2 || { echo "FAILED: $$t"; exit 1; }; done

test-determinism: $(B)/slcodec
	tests/determinism/run.sh

# The sets make bench reports on: Canterbury and the validation corpus are
# held out (reported, never tuned on); the development set (tests/bench/
# devset.sh, files every Debian machine has) is what parameters are tuned
# on. A set that is absent is skipped with a note; CORPUS=dir adds another.
CANTERBURY ?= ../shared/corpus/canterbury
VALIDATION ?= ../shared/corpus/validation
DEVSET     ?= $(B)/devset
BENCH_SETS  = $(CANTERBURY) $(DEVSET) $(VALIDATION) $(CORPUS)
$(DEVSET):
	tests/bench/devset.sh $@

bench: $(B)/slbench $(B)/slcodec $(B)/satyad $(B)/sundard $(DEVSET)
	$(B)/slbench -x $(B)/slcodec $(BENCH_ARGS) $(BENCH_SETS)
	@echo "== the link case: satyad -> sundard on loopback, recipe default"
	@if [ -d "$(CANTERBURY)" ]; then B=$(B) tools/bench_link.sh $(CANTERBURY); \
	 else echo "bench: link case skipped: $(CANTERBURY) is absent"; fi

-include $(shell find $(B) -name '*.d' 2>/dev/null)
endif

deps:
	@echo "Installing build and test dependencies with apt-get"
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PKGS)

clean:
	rm -rf build build-san build-det

.PHONY: all test test-unit test-determinism test-fuzz-replay fuzz demo bench deps clean
.SECONDARY:
