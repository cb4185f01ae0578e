# Satya -> Sundar: a language model as a lossless link.
#
#   make            build everything (installs dependencies first if missing)
#   make test       unit tests, end-to-end tests, determinism check
#   make demo       see it work (DEMO_HOLD=SEC keeps the dashboard up after; default 5)
#   make bench      compression and speed figures beside xz and zstd
#   make lesson     the ladder of recipes on a corpus, as figures and a page
#                   (CORPUS=file-or-dir, default corpus/alice29.txt) in build/lesson
#   make compose-demo  docker-compose.yml end to end (Docker or Podman)
#   make install [PREFIX=/usr/local] [DESTDIR=]    satyad, sundard, slcodec, their
#                   man pages, bash completion and a systemd unit; make uninstall
#   make fuzz       libFuzzer builds of the fuzz targets (make test replays them)
#   make deps       install build and test dependencies (Debian, apt-get);
#                   `make` installs only what building needs
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

# Building needs only the libraries and tools below; `make test` (and fuzz)
# also needs the test tools. Each installs what it lacks with apt-get.
BUILD_PKGS  = libuv openssl libsodium zlib liblzma libzstd jansson libmicrohttpd
TEST_PKGS   = criterion
BUILD_TOOLS = pkg-config xz
TEST_TOOLS  = aarch64-linux-gnu-gcc qemu-aarch64 clang zstd jq xmllint curl chromium \
              chromedriver
APT_BUILD   = build-essential pkg-config libuv1-dev libssl-dev libsodium-dev zlib1g-dev \
              liblzma-dev libzstd-dev libjansson-dev xz-utils libmicrohttpd-dev
APT_TEST    = libcriterion-dev clang zstd gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
              qemu-user iproute2 jq libxml2-utils curl chromium chromium-driver

have_tools = $(shell for t in $(1); do command -v $$t >/dev/null || exit 1; done && echo yes)
BUILD_OK := $(if $(call have_tools,$(BUILD_TOOLS)),$(shell pkg-config --exists $(BUILD_PKGS) && echo yes))
TEST_OK  := $(if $(call have_tools,$(TEST_TOOLS)),$(shell pkg-config --exists $(TEST_PKGS) && echo yes))

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

BUILD_GOALS = all demo bench lesson install
TEST_GOALS  = test test-unit test-determinism test-fuzz-replay fuzz test-lesson test-web test-link

.DEFAULT_GOAL := all
# Without the build dependencies, every public target installs them and
# starts over, so that pkg-config below sees them.
ifneq ($(BUILD_OK),yes)
$(BUILD_GOALS):
	$(MAKE) deps-build
	$(MAKE) $@
$(TEST_GOALS):
	$(MAKE) deps
	$(MAKE) $@
else

PKG_CFLAGS := $(shell pkg-config --cflags $(BUILD_PKGS))
BASE_LIBS  := $(shell pkg-config --libs zlib liblzma libzstd)
NET_LIBS   := $(shell pkg-config --libs libuv libssl libcrypto libsodium jansson zlib liblzma \
                                    libzstd libmicrohttpd)

CODEC_SRC = common/err.c common/bytebuf.c common/ac.c common/fixmath.c \
            common/digest.c common/recipe.c common/codec.c common/container.c \
            common/bigmem.c \
            common/models/bithist.c common/models/statemap.c \
            common/models/ctxmap.c common/models/match.c \
            common/models/mixer.c common/models/apm.c common/models/run.c \
            common/models/sse.c common/models/textctx.c common/models/wordctx.c common/models/textmore.c \
            common/models/lstm.c common/models/lstmmix.c common/models/nnkern.c common/models/tx.c \
            common/models/tx_model.c common/models/plain.c common/models/record.c common/models/binctx.c common/models/tlv.c \
             common/models/exe.c common/models/risc.c common/models/rcall.c common/models/image.c common/models/imgwidth.c common/models/cm.c \
            common/models/cm_ctx.c common/models/dmap.c common/models/lean.c
CODEC_OBJ = $(CODEC_SRC:%.c=$(B)/%.o)

# Layers, each using only those before it (DESIGN.md):
#   common (codec, libc only) <- proto (wire format) <- util (host helpers)
#   <- net (dashboard) <- sender, receiver <- tools
PROTO_SRC = proto/frame.c proto/msg.c proto/order.c
PROTO_OBJ = $(PROTO_SRC:%.c=$(B)/%.o)
# fileio and recipe_arg use libc only, so slcodec (cross-built) can link them.
UTIL_LIBC = util/fileio.c util/recipe_arg.c
UTIL_SRC  = $(UTIL_LIBC) util/units.c util/report.c util/sha256.c util/hostport.c util/prior.c \
            util/clock.c
UTIL_OBJ  = $(UTIL_SRC:%.c=$(B)/%.o)
# net: what both daemons need on a socket: the dashboard's web server, keys
# and signatures (libsodium), TLS (OpenSSL).
NET_TRUST_SRC = net/keys.c net/tls.c
NET_SRC   = net/web.c net/web_board.c $(NET_TRUST_SRC)
NET_OBJ   = $(NET_SRC:%.c=$(B)/%.o) $(B)/net/web_assets.o
SND_SRC   = sender/satyad.c sender/snd_walk.c sender/snd_encode.c \
            sender/snd_baseline.c sender/snd_link.c sender/snd_web.c sender/snd_fanout.c \
            sender/snd_trust.c
RCV_SRC   = receiver/sundard.c receiver/rcv_conn.c receiver/rcv_core.c \
            receiver/rcv_file.c receiver/rcv_web.c receiver/rcv_meta.c receiver/rcv_stage.c \
            receiver/rcv_budget.c receiver/rcv_trust.c receiver/rcv_journal.c

# The decoder's own source, xz-compressed: the "code" term of the
# description length, measured at build time.
DECODER_SRC = $(sort $(wildcard common/*.[ch] common/models/*.[ch] proto/*.[ch] \
                                receiver/*.[ch]))
$(B)/util/report.o: CFLAGS += -DSL_CODE_BYTES=$(shell cat $(DECODER_SRC) | xz -9e -c | wc -c)
$(B)/util/report.o: $(DECODER_SRC)

UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

all: $(B)/libslcodec.a $(B)/slcodec $(B)/slbench $(B)/satyad $(B)/sundard $(B)/sllesson

$(B)/libslproto.a: $(PROTO_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/libslutil.a: $(UTIL_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/libslnet.a: $(NET_OBJ)
	rm -f $@
	ar rcs $@ $^

# The dashboard's page, styles and script, compiled in (net/web_assets.h).
WEB_ASSETS = net/web/index.html net/web/dash.css net/web/dash.js
$(B)/net/web_assets.c: $(WEB_ASSETS) net/web/embed.sh
	@mkdir -p $(dir $@)
	net/web/embed.sh $@ $(WEB_ASSETS)
$(B)/net/web_assets.o: $(B)/net/web_assets.c net/web_assets.h
	$(CC) $(CFLAGS) -I. -c $< -o $@

HOST_LIBS = $(B)/libslnet.a $(B)/libslutil.a $(B)/libslproto.a $(B)/libslcodec.a

$(B)/satyad: $(SND_SRC:%.c=$(B)/%.o) $(HOST_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(NET_LIBS) -lpthread

$(B)/sundard: $(RCV_SRC:%.c=$(B)/%.o) $(HOST_LIBS)
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

$(B)/slcodec: $(B)/tools/slcodec.o $(UTIL_LIBC:%.c=$(B)/%.o) $(B)/libslcodec.a
	$(CC) $(LDFLAGS) -o $@ $^

# A hostile sender for the attack tests and tests/attack/table.sh.
$(B)/slattack: $(B)/tests/attack/slattack.o $(HOST_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(NET_LIBS)

$(B)/slbench: $(B)/tests/bench/slbench.o $(B)/libslutil.a $(B)/libslcodec.a
	$(CC) $(LDFLAGS) -o $@ $^ $(BASE_LIBS)

# make lesson: every preset on one corpus (tools/lesson.h).
LESSON_SRC = tools/lesson.c tools/lesson_run.c tools/lesson_svg.c tools/lesson_page.c \
             sender/snd_walk.c sender/snd_baseline.c
$(B)/sllesson: $(LESSON_SRC:%.c=$(B)/%.o) $(HOST_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(NET_LIBS)

LESSON_CORPUS = $(if $(filter command line environment,$(origin CORPUS)),$(CORPUS),corpus/alice29.txt)
LESSON_DIR   ?= $(B)/lesson
lesson: $(B)/sllesson
	$(B)/sllesson --out $(LESSON_DIR) $(LESSON_CORPUS)

DEMO_HOLD ?= 5
demo: all
	B=$(B) DEMO_HOLD=$(DEMO_HOLD) tools/demo.sh

# The sets make bench reports on: Canterbury and the validation corpus are
# held out (reported, never tuned on); the development set (tests/bench/
# devset.sh, files every Debian machine has) is what parameters are tuned
# on; corpus/ ships with the project, so a fresh clone has something to
# show. A set that is absent is skipped with a note; CORPUS=dir names
# another instead of corpus/.
CANTERBURY ?= ../shared/corpus/canterbury
VALIDATION ?= ../shared/corpus/validation
DEVSET     ?= $(B)/devset
CORPUS     ?= corpus
BENCH_SETS  = $(CANTERBURY) $(DEVSET) $(VALIDATION) $(CORPUS)
$(DEVSET): tests/bench/devset.sh tests/bench/gen_bitmap.c tests/bench/gen_records.c
	tests/bench/devset.sh $@

bench: $(B)/slbench $(B)/slcodec $(B)/satyad $(B)/sundard $(DEVSET)
	$(B)/slbench -x $(B)/slcodec $(BENCH_ARGS) $(BENCH_SETS)
	@echo "== the link case: satyad -> sundard on loopback, recipe default"
	B=$(B) tools/bench_link.sh $(or $(wildcard $(CANTERBURY)),$(CORPUS))

ifneq ($(TEST_OK),yes)
$(TEST_GOALS):
	$(MAKE) deps-test
	$(MAKE) $@
else
CRIT_LIBS := $(shell pkg-config --libs criterion)

# The transport-free receiver: what the tests and the fuzzer drive directly.
RCV_CORE_SRC = receiver/rcv_core.c receiver/rcv_file.c receiver/rcv_meta.c \
               receiver/rcv_stage.c receiver/rcv_budget.c receiver/rcv_journal.c
RCV_CORE_OBJ = $(RCV_CORE_SRC:%.c=$(B)/%.o)

$(B)/tests/test_%: $(B)/tests/unit/test_%.o $(RCV_CORE_OBJ) $(HOST_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(CRIT_LIBS) $(NET_LIBS) -lm

$(B)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(shell pkg-config --cflags criterion) -MMD -MP -c $< -o $@

# Every suite runs, even after one fails, and the last line counts them all:
# "N passed, M failed" (tests/tally.sh).
TALLY = SL_BIN=$(B) B=$(B) LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp tests/tally.sh \
        $(B)/test-results
test: $(UNIT_BIN) $(B)/satyad $(B)/sundard $(B)/slcodec $(B)/fuzz/replay_stream \
      $(B)/fuzz/replay_recipe $(B)/sllesson $(B)/slattack
	@rm -f $(B)/test-results
	@for t in $(UNIT_BIN); do $(TALLY) $$t --jobs 2; done
	@TALLY_LABEL=determinism $(TALLY) tests/determinism/run.sh
	@TALLY_LABEL=fuzz-replay $(TALLY) $(MAKE) -s test-fuzz-replay
	@TALLY_LABEL=install $(TALLY) tests/install_check.sh
	@TALLY_LABEL=lesson $(TALLY) tests/lesson/check.sh $(B)
	@TALLY_LABEL=web-api $(TALLY) tests/web/api.sh $(B)
	@TALLY_LABEL=web-chromium $(TALLY) tests/web/chromium.sh $(B)
	@TALLY_LABEL=link $(TALLY) tests/link/run.sh
	@tests/tally.sh --summary $(B)/test-results

# make lesson on a small corpus, its JSON and figures checked.
test-lesson: $(B)/sllesson
	tests/lesson/check.sh $(B)

# The dashboard: its API with curl, then the page in headless Chromium.
test-web: $(B)/satyad $(B)/sundard
	tests/web/api.sh $(B)
	tests/web/chromium.sh $(B)

# A kernel-shaped link between two network namespaces (tc tbf, iptables
# loss, a cut); it skips, saying why, unless run as root.
test-link: $(B)/satyad $(B)/sundard
	B=$(B) tests/link/run.sh

# The fuzz targets, replayed over their seeds (and any crash reproducers
# saved there) with the normal build; `make fuzz` builds them for libFuzzer.
FUZZ_LIBS = $(RCV_CORE_OBJ) $(HOST_LIBS)
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
	    $(PROTO_SRC) $(UTIL_SRC) $(NET_TRUST_SRC) $(RCV_CORE_SRC) $(NET_LIBS) \
	    || exit 1; done
	@echo "run: build-fuzz/fuzz_stream -max_total_time=60 tests/golden/proto"

# One Criterion binary per module; each runs with a timeout.
test-unit: $(UNIT_BIN) $(B)/satyad $(B)/sundard $(B)/slattack
	@set -e; for t in $(UNIT_BIN); do \
	  echo "== $$t"; SL_BIN=$(B) LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  timeout 900 $$t --jobs 2 || { echo "FAILED: $$t"; exit 1; }; done

test-determinism: $(B)/slcodec
	tests/determinism/run.sh
endif

-include $(shell find $(B) -name '*.d' 2>/dev/null)
endif

deps: deps-build deps-test
deps-build:
	@echo "Installing build dependencies with apt-get"
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_BUILD)
# The build dependencies' names, for the Dockerfile (one list to keep).
deps-list-build:
	@echo $(APT_BUILD)
deps-test:
	@echo "Installing test dependencies with apt-get"
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_TEST)

# Installing: the three programs, man pages, bash completion, and an example
# systemd unit for sundard (tools/sundard.service.in, sandboxed).
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
MAN1DIR  = $(PREFIX)/share/man/man1
COMPDIR  = $(PREFIX)/share/bash-completion/completions
UNITDIR  = $(PREFIX)/lib/systemd/system
INSTALL_DIRS = $(BINDIR) $(MAN1DIR) $(COMPDIR) $(UNITDIR)
PROGRAMS = satyad sundard slcodec

ifeq ($(BUILD_OK),yes)
install: $(PROGRAMS:%=$(B)/%)
	install -d $(INSTALL_DIRS:%=$(DESTDIR)%)
	install -m 0755 $(PROGRAMS:%=$(B)/%) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(PROGRAMS:%=man/%.1) $(DESTDIR)$(MAN1DIR)/
	for p in $(PROGRAMS); do install -m 0644 tools/completion.bash $(DESTDIR)$(COMPDIR)/$$p; done
	sed 's|@BINDIR@|$(BINDIR)|g' tools/sundard.service.in > $(DESTDIR)$(UNITDIR)/sundard.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/sundard.service
endif

# Removes what install put there, and the directories only it uses (bash
# completion's and systemd's) once empty; into a DESTDIR, every directory it
# left empty, so that nothing remains.
uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BINDIR)/%) $(PROGRAMS:%=$(DESTDIR)$(MAN1DIR)/%.1) \
	      $(PROGRAMS:%=$(DESTDIR)$(COMPDIR)/%) $(DESTDIR)$(UNITDIR)/sundard.service
	$(if $(DESTDIR),-cd $(DESTDIR) && for d in $(INSTALL_DIRS:/%=%); do \
	  rmdir -p --ignore-fail-on-non-empty $$d 2>/dev/null; done; true)
	-rmdir $(DESTDIR)$(COMPDIR) $(DESTDIR)$(UNITDIR) $(dir $(DESTDIR)$(COMPDIR)) \
	       $(dir $(DESTDIR)$(UNITDIR)) 2>/dev/null; true

# docker-compose.yml end to end with Docker or Podman (tools/compose_demo.sh);
# it needs neither the build nor the test dependencies on this machine.
compose-demo:
	tools/compose_demo.sh

clean:
	rm -rf build build-san build-det

.PHONY: $(BUILD_GOALS) $(TEST_GOALS) deps deps-build deps-test deps-list-build clean \
        compose-demo uninstall
.SECONDARY:
