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

static void rmtree(const char *d)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    cr_assert_eq(system(cmd), 0);
}

/* Runs a recorded session fed in two pieces split at `split`; returns 1
 * on success or the error. */
static int run_session(const uint8_t *p, size_t n, size_t split, const char *outdir,
                       uint64_t max_output)
{
    rcv_limits lim = {max_output, 0};
    rcv_core core;
    rcv_core_init(&core, &lim, outdir);
    frame_parser fp;
    frame_parser_init(&fp);
    bytebuf reply = {0};
    int result = 0;
    if (split) result = rcv_core_feed(&core, &fp, p, split, &reply);
    if (!result && split < n) result = rcv_core_feed(&core, &fp, p + split, n - split, &reply);
    if (!result) result = rcv_core_feed(&core, &fp, NULL, 0, &reply);
    rcv_core_fini(&core);
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
        {"bad-name.sls", SL_EPROTO_NAME},
        {"bad-codec-version.sls", SL_EVERSION},
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
    uint8_t h[FRAME_HDR] = {'S', 'L', 1, FRAME_CHUNK, 0, 0};
    le32_store(h + 6, frame_limit(FRAME_CHUNK) + 1);
    frame_parser p;
    frame_parser_init(&p);
    frame f;
    size_t used;
    cr_assert_eq(frame_parse(&p, h, sizeof h, &used, &f), SL_EPROTO_TOOBIG);
    cr_assert_lt(p.body.cap, 1024u);
    /* the parser stays failed */
    cr_assert_eq(frame_parse(&p, h, sizeof h, &used, &f), SL_EPROTO_TOOBIG);
    frame_parser_fini(&p);
}

Test(proto, manifest_file_count_is_checked_against_the_payload)
{
    msg_manifest m = {0};
    m.chunk_size = 100;
    m.recipe = "x";
    m.recipe_len = 1;
    bytebuf b = {0};
    cr_assert_eq(msg_manifest_write(&b, &m), 0);
    /* claim 65536 files in a payload that holds none */
    le32_store(b.p + FRAME_HDR + 4 + 32 + 4 + 1 + 8, 65536);
    frame f = {FRAME_MANIFEST, (uint32_t)(b.len - FRAME_HDR - 4), b.p + FRAME_HDR};
    msg_manifest out;
    cr_assert_eq(msg_manifest_read(&f, &out), SL_EPROTO_PAYLOAD);
    bytebuf_fini(&b);
}

/* A manifest of the given names, written and read back. */
static int manifest_with(const char *const *names, int n)
{
    msg_file files[8];
    msg_manifest m = {0};
    m.chunk_size = 100;
    m.recipe = "x";
    m.recipe_len = 1;
    m.nfiles = (uint32_t)n;
    m.files = files;
    for (int i = 0; i < n; i++)
        files[i] = (msg_file){names[i], (uint16_t)strlen(names[i]), 0, {0}};
    bytebuf b = {0};
    cr_assert_eq(msg_manifest_write(&b, &m), 0);
    frame f = {FRAME_MANIFEST, (uint32_t)(b.len - FRAME_HDR - 4), b.p + FRAME_HDR};
    msg_manifest out;
    int rc = msg_manifest_read(&f, &out);
    if (!rc) msg_manifest_fini(&out);
    bytebuf_fini(&b);
    return rc;
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
    msg_done d = {1, 2, 3, 4, 5, 6, 7, 8};
    cr_assert_eq(msg_done_write(&b, &d), 0);
    frame_parser p;
    frame_parser_init(&p);
    frame f;
    size_t used;
    cr_assert_eq(frame_parse(&p, b.p, b.len, &used, &f), 1);
    cr_assert_eq(used, b.len);
    msg_done e;
    cr_assert_eq(msg_done_read(&f, &e), 0);
    cr_assert(e.raw == 1 && e.transcript == 2 && e.wire == 3 && e.chunks == 4 &&
              e.zlib == 5 && e.xz == 6 && e.zstd == 7 && e.encode_us == 8);
    b.len = 0;
    cr_assert_eq(msg_error_write(&b, SL_ELIMIT, "too big\nreally"), 0);
    cr_assert_eq(frame_parse(&p, b.p, b.len, &used, &f), 1);
    msg_error er;
    cr_assert_eq(msg_error_read(&f, &er), 0);
    cr_assert_eq(er.code, SL_ELIMIT);
    cr_assert_str_eq(er.text, "too big really");
    frame_parser_fini(&p);
    bytebuf_fini(&b);
}

Test(proto, names)
{
    static const char *const good[] = {"a", "a/b.txt", "dir/sub/file", "conf/x", "COM0",
                                       ".hidden", "a..b", "LPT10"};
    static const char *const bad[] = {"", "/etc/passwd", "../x", "a/../b", "a/..", "./a",
                                      "a//b", "a/", "a\\b", "nul", "CON.txt", "dir/aux",
                                      "com1", "LPT9.log", "a\tb", "x\x7f", "con.d/x"};
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
    cr_assert_eq(proto_order_check(&o, FRAME_SYNC, 0), SL_EPROTO_ORDER);
    proto_order_init(&o, PROTO_FROM_SENDER);
    proto_order_check(&o, FRAME_HELLO, 0);
    proto_order_check(&o, FRAME_MANIFEST, 0);
    cr_assert_eq(proto_order_check(&o, FRAME_CHUNK, 0), 0);
    cr_assert_eq(proto_order_check(&o, FRAME_SYNC, 0), 0);
    cr_assert_eq(proto_order_check(&o, FRAME_SYNC, 0), SL_EPROTO_ORDER);
    proto_order_init(&o, PROTO_FROM_SENDER);
    proto_order_check(&o, FRAME_HELLO, 0);
    proto_order_check(&o, FRAME_MANIFEST, 0);
    cr_assert_eq(proto_order_check(&o, FRAME_CHUNK, 1), SL_EPROTO_ORDER);
    proto_order_init(&o, PROTO_FROM_SENDER);
    proto_order_check(&o, FRAME_HELLO, 0);
    proto_order_check(&o, FRAME_MANIFEST, 0);
    cr_assert_eq(proto_order_check(&o, FRAME_DONE, 0), 0);
    cr_assert_eq(proto_order_check(&o, FRAME_CHUNK, 0), SL_EPROTO_ORDER);
    cr_assert_eq(proto_order_check(&o, FRAME_ERROR, 0), 0);
    proto_order_init(&o, PROTO_FROM_RECEIVER);
    proto_order_check(&o, FRAME_HELLO, 0);
    cr_assert_eq(proto_order_check(&o, FRAME_ACK, 0), 0);
    cr_assert_eq(proto_order_check(&o, FRAME_CHUNK, 0), SL_EPROTO_ORDER);
}
