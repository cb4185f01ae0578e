#define _GNU_SOURCE
/* tests/unit/test_proto.c — the wire format: golden streams that must be
 * accepted (and decode to the right files) or refused with the right
 * error; every split of a valid stream; names, units, order, limits. */
#include "../../common/container.h"
#include "../../common/err.h"
#include "../../proto/frame.h"
#include "../../proto/msg.h"
#include "../../proto/order.h"
#include "../../receiver/rcv_core.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define GOLDEN "tests/golden/proto/"

static bytebuf load(const char *path)
{
    bytebuf b = {0};
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s (run from the top of the tree)", path);
    uint8_t tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) bytebuf_append(&b, tmp, n);
    fclose(f);
    return b;
}

static char *mkoutdir(void)
{
    char *d = strdup("/tmp/sl-proto-XXXXXX");
    cr_assert_not_null(mkdtemp(d));
    return d;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* In process: the split test removes some 600 trees. */
static void rmtree(const char *d)
{
    cr_assert_eq(nftw(d, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0, "removing %s", d);
}

/* Runs a recorded session fed in two pieces split at `split`; returns 1
 * on success or the error. */
static int run_session(const uint8_t *p, size_t n, size_t split, const char *outdir,
                       uint64_t max_output)
{
    char why[256];
    rcv_cfg cfg = {.lim = {max_output, 0, 0}, .outfd = rcv_stage_open_out(outdir, why, sizeof why),
                   .recording = 1};
    cr_assert_geq(cfg.outfd, 0, "%s", why);
    rcv_core core;
    rcv_core_init(&core, &cfg);
    frame_parser fp;
    frame_parser_init(&fp);
    bytebuf reply = {0};
    int result = 0;
    if (split) result = rcv_core_feed(&core, &fp, p, split, &reply);
    if (!result && split < n) result = rcv_core_feed(&core, &fp, p + split, n - split, &reply);
    if (!result) result = rcv_core_feed(&core, &fp, NULL, 0, &reply);
    rcv_core_fini(&core);
    close(cfg.outfd);
    frame_parser_fini(&fp);
    bytebuf_fini(&reply);
    return result;
}

static void assert_same_file(const char *a, const char *b)
{
    bytebuf x = load(a), y = load(b);
    cr_assert_eq(x.len, y.len, "%s vs %s", a, b);
    if (x.len) cr_assert_eq(memcmp(x.p, y.p, x.len), 0, "%s vs %s", a, b);
    bytebuf_fini(&x);
    bytebuf_fini(&y);
}

/* No file and no temporary may be left after a refused session. */
static void assert_empty_dir(const char *d)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -type f)\"", d);
    cr_assert_eq(system(cmd), 0, "files left in %s", d);
}

Test(proto, valid_stream_decodes_to_the_inputs)
{
    bytebuf s = load(GOLDEN "valid-1.sls");
    char *d = mkoutdir();
    cr_assert_eq(run_session(s.p, s.len, s.len, d, 0), 1);
    char a[4200];
    snprintf(a, sizeof a, "%s/hello.txt", d);
    assert_same_file(GOLDEN "input/hello.txt", a);
    snprintf(a, sizeof a, "%s/sub/data.bin", d);
    assert_same_file(GOLDEN "input/sub/data.bin", a);
    snprintf(a, sizeof a, "%s/sub/empty", d);
    assert_same_file(GOLDEN "input/sub/empty", a);
    rmtree(d);
    free(d);
    bytebuf_fini(&s);
}

Test(proto, valid_signed_stream_decodes)
{
    bytebuf s = load(GOLDEN "valid-signed.sls");
    char *d = mkoutdir(), a[4200];
    cr_assert_eq(run_session(s.p, s.len, s.len / 3, d, 0), 1);
    snprintf(a, sizeof a, "%s/hello.txt", d);
    assert_same_file(GOLDEN "input/hello.txt", a);
    rmtree(d);
    free(d);
    bytebuf_fini(&s);
}

Test(proto, valid_stream_of_one_empty_file)
{
    bytebuf s = load(GOLDEN "valid-empty.sls");
    char *d = mkoutdir(), a[4200];
    cr_assert_eq(run_session(s.p, s.len, 0, d, 0), 1);
    snprintf(a, sizeof a, "%s/empty", d);
    struct stat st;
    cr_assert_eq(stat(a, &st), 0);
    cr_assert_eq(st.st_size, 0);
    rmtree(d);
    free(d);
    bytebuf_fini(&s);
}

Test(proto, valid_stream_split_at_every_offset, .timeout = 300)
{
    bytebuf s = load(GOLDEN "valid-1.sls");
    for (size_t split = 0; split <= s.len; split++) {
        char *d = mkoutdir();
        cr_assert_eq(run_session(s.p, s.len, split, d, 0), 1, "split at %zu", split);
        char a[4200];
        snprintf(a, sizeof a, "%s/sub/data.bin", d);
        assert_same_file(GOLDEN "input/sub/data.bin", a);
        /* Modes and times as recorded (regen.sh), and the empty directory. */
        struct stat st;
        snprintf(a, sizeof a, "%s/hello.txt", d);
        cr_assert_eq(stat(a, &st), 0);
        cr_assert_eq(st.st_mode & 07777, 0640);
        cr_assert_eq(st.st_mtime, 1000000000);
        snprintf(a, sizeof a, "%s/sub/nothing", d);
        cr_assert_eq(stat(a, &st), 0, "the empty directory did not arrive");
        cr_assert(S_ISDIR(st.st_mode));
        cr_assert_eq(st.st_mode & 07777, 0750);
        cr_assert_eq(st.st_mtime, 1000000000);
        rmtree(d);
        free(d);
    }
    bytebuf_fini(&s);
}

Test(proto, invalid_streams_are_refused_with_their_error)
{
    static const struct { const char *file; int code; } cases[] = {
        {"bad-magic.sls", SL_EPROTO_MAGIC},
        {"bad-version.sls", SL_EPROTO_VERSION},
        {"bad-type.sls", SL_EPROTO_TYPE},
        {"bad-reserved.sls", SL_EPROTO_RESERVED},
        {"bad-oversize.sls", SL_EPROTO_TOOBIG},
        {"bad-truncated.sls", SL_EPROTO_TRUNCATED},
        {"bad-checksum.sls", SL_EPROTO_CHECKSUM},
        {"bad-order-nohello.sls", SL_EPROTO_ORDER},
        {"bad-order-chunks.sls", SL_EPROTO_ORDER},
        {"bad-rawcrc.sls", SL_EPROTO_RAWCRC},
        {"bad-desync.sls", SL_EPROTO_DESYNC},
        {"bad-after-done.sls", SL_EPROTO_ORDER},
        {"bad-name.sls", SL_EPROTO_NAME},
        {"bad-mode.sls", SL_EPROTO_PAYLOAD},
        {"bad-codec-version.sls", SL_EVERSION},
        {"bad-utf8-name.sls", SL_EPROTO_NAME},
        {"bad-auth-sig.sls", SL_EAUTH_SIG},
        {"bad-auth-scheme.sls", SL_EPROTO_PAYLOAD},
        {"bad-auth-manifest.sls", SL_EAUTH_SIG},
        {"bad-auth-order.sls", SL_EPROTO_ORDER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, GOLDEN "%s", cases[i].file);
        bytebuf s = load(path);
        char *d = mkoutdir();
        int rc = run_session(s.p, s.len, s.len / 2, d, 0);
        cr_assert_eq(rc, cases[i].code, "%s: got %s", cases[i].file, sl_errname(rc));
        assert_empty_dir(d);
        rmtree(d);
        free(d);
        bytebuf_fini(&s);
    }
}

Test(proto, every_truncation_is_refused_and_leaves_nothing)
{
    bytebuf s = load(GOLDEN "valid-1.sls");
    for (size_t cut = 0; cut < s.len; cut += 7) {
        char *d = mkoutdir();
        int rc = run_session(s.p, cut, cut / 2, d, 0);
        cr_assert(rc == SL_EPROTO_TRUNCATED || rc == SL_ETRUNCATED, "cut %zu: %s", cut,
                  sl_errname(rc));
        /* a session delivers all its files or none, and no temporaries */
        assert_empty_dir(d);
        rmtree(d);
        free(d);
    }
    bytebuf_fini(&s);
}

Test(proto, output_over_the_limit_is_refused_before_decoding)
{
    bytebuf s = load(GOLDEN "valid-1.sls");
    char *d = mkoutdir();
    cr_assert_eq(run_session(s.p, s.len, 0, d, 10), SL_ELIMIT);
    assert_empty_dir(d);
    rmtree(d);
    free(d);
    bytebuf_fini(&s);
}

Test(proto, oversize_length_is_refused_before_allocating)
{
    /* A CHUNK whose 4-byte length is one past the limit. */
    uint32_t over = frame_limit(FRAME_CHUNK) + 1;
    uint8_t h[FRAME_PREAMBLE + 5] = {'S', 'L', FRAME_VERSION, FRAME_CHUNK};
    varint_put(h + 4, over);
    frame_parser p;
    frame_parser_init(&p);
    frame f;
    size_t used;
    cr_assert_eq(frame_parse(&p, h, sizeof h, &used, &f), SL_EPROTO_TOOBIG);
    cr_assert_lt(p.body.cap, 1024u);
    /* the parser stays failed */
    cr_assert_eq(frame_parse(&p, h, sizeof h, &used, &f), SL_EPROTO_TOOBIG);
    frame_parser_fini(&p);
    /* A HELLO (limit 256) whose length could still grow to 2^28: refused
     * at the second length byte, the first that makes it too big. */
    uint8_t k[] = {'S', 'L', FRAME_VERSION, FRAME_HELLO, 0xff, 0xff, 0xff, 0x7f};
    frame_parser_init(&p);
    cr_assert_eq(frame_parse(&p, k, sizeof k, &used, &f), SL_EPROTO_TOOBIG);
    cr_assert_eq(used, 6u);
    frame_parser_fini(&p);
    /* A length in a longer form than needed is refused too. */
    uint8_t g[] = {'S', 'L', FRAME_VERSION, FRAME_CHUNK, 0x80, 0x00};
    frame_parser_init(&p);
    cr_assert_eq(frame_parse(&p, g, sizeof g, &used, &f), SL_EPROTO_PAYLOAD);
    frame_parser_fini(&p);
}

/* Parses the one frame in b (no preamble). */
static frame one_frame(frame_parser *p, const bytebuf *b)
{
    frame_parser_init(p);
    uint8_t pre[FRAME_PREAMBLE] = {'S', 'L', FRAME_VERSION};
    frame f;
    size_t used;
    cr_assert_eq(frame_parse(p, pre, sizeof pre, &used, &f), 0);
    cr_assert_eq(frame_parse(p, b->p, b->len, &used, &f), 1);
    cr_assert_eq(used, b->len);
    return f;
}

static const uint8_t tiny_recipe[] = {4, 't', 'i', 'n', 'y', CODEC_VERSION, 0};

Test(proto, manifest_file_count_is_checked_against_the_payload)
{
    /* chunk size, recipe, hash, then a claim of 65536 files in a payload
     * that holds none: refused before allocating for them. */
    uint8_t pl[64];
    size_t n = varint_put(pl, 100);
    memcpy(pl + n, tiny_recipe, sizeof tiny_recipe);
    n += sizeof tiny_recipe;
    memset(pl + n, 0, MSG_RECIPE_HASH);
    n += MSG_RECIPE_HASH;
    n += varint_put(pl + n, 65536);
    bytebuf b = {0};
    cr_assert_eq(frame_write(&b, FRAME_MANIFEST, pl, n), 0);
    frame_parser p;
    frame f = one_frame(&p, &b);
    msg_manifest out;
    cr_assert_eq(msg_manifest_read(&f, &out), SL_EPROTO_PAYLOAD);
    frame_parser_fini(&p);
    bytebuf_fini(&b);
}

/* A manifest of the given names, written and read back. */
static int manifest_with(const char *const *names, int n)
{
    msg_file files[8];
    msg_manifest m = {0};
    m.chunk_size = 100;
    m.recipe = tiny_recipe;
    m.recipe_len = sizeof tiny_recipe;
    m.nfiles = (uint32_t)n;
    m.files = files;
    for (int i = 0; i < n; i++)
        files[i] = (msg_file){.name = names[i], .name_len = (uint16_t)strlen(names[i]),
                              .mode = 0644};
    bytebuf b = {0};
    cr_assert_eq(msg_manifest_write(&b, &m), 0);
    frame_parser p;
    frame f = one_frame(&p, &b);
    msg_manifest out;
    int rc = msg_manifest_read(&f, &out);
    if (!rc) {
        cr_assert_eq(out.recipe_len, sizeof tiny_recipe);
        cr_assert_eq(memcmp(out.recipe, tiny_recipe, sizeof tiny_recipe), 0);
        msg_manifest_fini(&out);
    }
    frame_parser_fini(&p);
    bytebuf_fini(&b);
    return rc;
}

/* One file entry and one empty directory entry, written and read back. */
static int manifest_entries(uint32_t file_mode, msg_manifest *out, bytebuf *b,
                            frame_parser *p)
{
    msg_file files[2] = {
        {.name = "bin/run", .name_len = 7, .mode = file_mode, .mtime = 1234567890,
         .size = 0, .sha256 = {1, 2, 3}},
        {.name = "empty", .name_len = 5, .mode = 0700 | MSG_MODE_DIR, .mtime = 5},
    };
    msg_manifest m = {0};
    m.chunk_size = 100;
    m.recipe = tiny_recipe;
    m.recipe_len = sizeof tiny_recipe;
    m.nfiles = 2;
    m.files = files;
    cr_assert_eq(msg_manifest_write(b, &m), 0);
    frame f = one_frame(p, b);
    return msg_manifest_read(&f, out);
}

Test(proto, manifest_carries_modes_times_and_empty_directories)
{
    bytebuf b = {0};
    frame_parser p;
    msg_manifest out;
    cr_assert_eq(manifest_entries(0755, &out, &b, &p), 0);
    cr_assert_eq(out.nfiles, 2);
    cr_assert_eq(out.files[0].mode, 0755);
    cr_assert_eq(out.files[0].mtime, 1234567890);
    cr_assert_eq(out.files[0].sha256[2], 3);
    cr_assert_eq(out.files[1].mode, 0700 | MSG_MODE_DIR);
    cr_assert_eq(out.files[1].mtime, 5);
    cr_assert_eq(out.files[1].size, 0);
    cr_assert_eq(out.total, 0);
    msg_manifest_fini(&out);
    frame_parser_fini(&p);
    bytebuf_fini(&b);
    bytebuf c = {0};
    cr_assert_eq(manifest_entries(04755, &out, &c, &p), SL_EPROTO_PAYLOAD,
                 "a set-uid bit must not cross the wire");
    frame_parser_fini(&p);
    bytebuf_fini(&c);
}

Test(proto, manifest_names_must_not_clash)
{
    static const char *const ok[] = {"a", "a-x", "b/c", "b/d"};
    static const char *const dup[] = {"a/b", "c", "a/b"};
    static const char *const dir[] = {"a", "a-x", "a/b"};
    static const char *const deep[] = {"x/y/z", "x/y"};
    cr_assert_eq(manifest_with(ok, 4), 0);
    cr_assert_eq(manifest_with(dup, 3), SL_EPROTO_NAME);
    cr_assert_eq(manifest_with(dir, 3), SL_EPROTO_NAME);
    cr_assert_eq(manifest_with(deep, 2), SL_EPROTO_NAME);
}

Test(proto, messages_round_trip)
{
    bytebuf b = {0};
    msg_done d = {8, 5, 6, 7000000};
    cr_assert_eq(msg_done_write(&b, &d), 0);
    frame_parser p;
    frame f = one_frame(&p, &b);
    msg_done e;
    cr_assert_eq(msg_done_read(&f, &e), 0);
    cr_assert(e.encode_us == 8 && e.zlib == 5 && e.xz == 6 && e.zstd == 7000000);
    frame_parser_fini(&p);
    b.len = 0;
    cr_assert_eq(msg_error_write(&b, SL_ELIMIT, "too big\nreally"), 0);
    f = one_frame(&p, &b);
    msg_error er;
    cr_assert_eq(msg_error_read(&f, &er), 0);
    cr_assert_eq(er.code, SL_ELIMIT);
    cr_assert_str_eq(er.text, "too big really");
    frame_parser_fini(&p);
    b.len = 0;
    uint8_t data[3] = {1, 2, 3};
    msg_chunk c = {300, 0xdeadbeef, MSG_CHUNK_DIGEST | MSG_CHUNK_STORED, 0x1122334455667788ull,
                   data, 3};
    cr_assert_eq(msg_chunk_write(&b, &c), 0);
    f = one_frame(&p, &b);
    msg_chunk r;
    cr_assert_eq(msg_chunk_read(&f, &r), 0);
    cr_assert(r.index == 300 && r.raw_crc == 0xdeadbeef && r.flags == c.flags &&
              r.digest == c.digest && r.data_len == 3 && memcmp(r.data, data, 3) == 0);
    frame_parser_fini(&p);
    b.len = 0;
    msg_ack a = {70000, 1ull << 40, 1, 3};
    cr_assert_eq(msg_ack_write(&b, &a), 0);
    f = one_frame(&p, &b);
    msg_ack ra;
    cr_assert_eq(msg_ack_read(&f, &ra), 0);
    cr_assert(ra.chunks == 70000 && ra.raw == 1ull << 40 && ra.final == 1 && ra.files == 3);
    frame_parser_fini(&p);
    bytebuf_fini(&b);
}

Test(proto, recipes_cross_as_preset_names)
{
    static const char *const names[] = {"tiny", "small", "default", "max"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        recipe_params p, q;
        cr_assert_eq(recipe_preset(names[i], &p), 0);
        bytebuf b = {0};
        cr_assert_eq(recipe_pack(&p, &b), 0);
        cr_assert_leq(b.len, 2 + strlen(names[i]) + 1, "%s packs to %zu bytes", names[i], b.len);
        size_t used;
        recipe_error e;
        cr_assert_eq(recipe_unpack(b.p, b.len, &used, &q, &e), 0, "%s", e.msg);
        cr_assert_eq(used, b.len);
        char t1[RECIPE_MAX_TEXT], t2[RECIPE_MAX_TEXT];
        recipe_canonical(&p, t1, sizeof t1);
        recipe_canonical(&q, t2, sizeof t2);
        cr_assert_str_eq(t1, t2);
        bytebuf_fini(&b);
    }
    /* A custom recipe crosses as the keys it changes. */
    recipe_params p, q;
    recipe_preset("default", &p);
    p.seed = 42;
    p.mixer_lr = 5;
    bytebuf b = {0};
    cr_assert_eq(recipe_pack(&p, &b), 0);
    cr_assert(memmem(b.p, b.len, "seed=42\n", 8) && memmem(b.p, b.len, "mixer.lr=5\n", 11));
    cr_assert_lt(b.len, 40u);
    size_t used;
    recipe_error e;
    cr_assert_eq(recipe_unpack(b.p, b.len, &used, &q, &e), 0, "%s", e.msg);
    cr_assert(q.seed == 42 && q.mixer_lr == 5 && q.hash_bits == p.hash_bits);
    /* Another codec version is refused before anything else is read, and
     * an unknown preset by name. */
    b.p[1 + b.p[0]] = CODEC_VERSION + 1;
    cr_assert_eq(recipe_unpack(b.p, b.len, &used, &q, &e), SL_EVERSION);
    uint8_t unknown[] = {3, 'z', 'z', 'z', CODEC_VERSION, 0};
    cr_assert_eq(recipe_unpack(unknown, sizeof unknown, &used, &q, &e), SL_EPRESET);
    cr_assert(strstr(e.msg, "zzz"), "%s", e.msg);
    for (size_t cut = 0; cut < sizeof tiny_recipe; cut++)
        cr_assert_eq(recipe_unpack(tiny_recipe, cut, &used, &q, &e), SL_ETRUNCATED);
    bytebuf_fini(&b);
}

Test(proto, names)
{
    /* Windows' device names are fine on the wire: --portable-names is the
     * sender's to ask for (sender/snd_walk.c). */
    static const char *const good[] = {"a", "a/b.txt", "dir/sub/file", "conf/x", "COM0",
                                       ".hidden", "a..b", "LPT10", "aux.c", "src/con/nul.h",
                                       "a:b?"};
    static const char *const bad[] = {"", "/etc/passwd", "../x", "a/../b", "a/..", "./a",
                                      "a//b", "a/", "a\\b", "a\tb", "x\x7f"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        cr_assert_eq(msg_name_check(good[i], strlen(good[i])), 0, "'%s'", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_eq(msg_name_check(bad[i], strlen(bad[i])), SL_EPROTO_NAME, "'%s'", bad[i]);
    cr_assert_eq(msg_name_check("a\0b", 3), SL_EPROTO_NAME);
}

Test(proto, order)
{
    proto_order o;
    proto_order_init(&o, PROTO_FROM_SENDER);
    cr_assert_eq(proto_order_check(&o, FRAME_CHUNK, 0), SL_EPROTO_ORDER);
    proto_order_init(&o, PROTO_FROM_SENDER);
    cr_assert_eq(proto_order_check(&o, FRAME_HELLO, 0), 0);
    cr_assert_eq(proto_order_check(&o, FRAME_DONE, 0), SL_EPROTO_ORDER);
    proto_order_init(&o, PROTO_FROM_SENDER);
    proto_order_check(&o, FRAME_HELLO, 0);
    cr_assert_eq(proto_order_check(&o, FRAME_MANIFEST, 0), 0);
    cr_assert_eq(proto_order_check(&o, FRAME_MANIFEST, 0), SL_EPROTO_ORDER);
    proto_order_init(&o, PROTO_FROM_SENDER);
    proto_order_check(&o, FRAME_HELLO, 0);
    proto_order_check(&o, FRAME_MANIFEST, 0);
    cr_assert_eq(proto_order_check(&o, FRAME_CHUNK, 0), 0);
    cr_assert_eq(proto_order_check(&o, FRAME_CHUNK, 0), SL_EPROTO_ORDER);
    proto_order_init(&o, PROTO_FROM_SENDER);
    proto_order_check(&o, FRAME_HELLO, 0);
    proto_order_check(&o, FRAME_MANIFEST, 0);
    cr_assert_eq(proto_order_check(&o, FRAME_CHUNK, 1), SL_EPROTO_ORDER);
    proto_order_init(&o, PROTO_FROM_SENDER);
    proto_order_check(&o, FRAME_HELLO, 0);
    proto_order_check(&o, FRAME_MANIFEST, 0);
    cr_assert_eq(proto_order_check(&o, FRAME_ERROR, 0), 0);
    cr_assert_eq(proto_order_check(&o, FRAME_DONE, 0), 0);
    cr_assert_eq(proto_order_check(&o, FRAME_CHUNK, 0), SL_EPROTO_ORDER);
    cr_assert_eq(proto_order_check(&o, FRAME_ERROR, 0), SL_EPROTO_ORDER,
                 "nothing follows DONE");
    proto_order_init(&o, PROTO_FROM_RECEIVER);
    proto_order_check(&o, FRAME_HELLO, 0);
    cr_assert_eq(proto_order_check(&o, FRAME_ACK, 0), 0);
    cr_assert_eq(proto_order_check(&o, FRAME_CHUNK, 0), SL_EPROTO_ORDER);
}
