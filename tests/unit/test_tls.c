/* tests/unit/test_tls.c — the TLS engine over two in-memory pipes: a
 * handshake with each way of trusting the receiver (CA file, pinned
 * fingerprint, system CAs), refusals with a named reason, TLS 1.3, and
 * plaintext that never shows in the ciphertext. */
#include "../../common/err.h"
#include "../../net/tls.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct pair {
    tls_conn *cli, *srv;
    bytebuf   got_cli, got_srv;    /* plaintext each side received */
    bytebuf   wire;                /* every ciphertext byte, both ways */
    int       rc_cli, rc_srv;
} pair;

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/sl-tls-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(tls, .init = setup, .fini = teardown);

static const char *in_dir(const char *sub, const char *name)
{
    static char p[4][256];
    static int k;
    k = (k + 1) & 3;
    snprintf(p[k], sizeof p[k], "%s/%s%s%s", dir, sub, *name ? "/" : "", name);
    return p[k];
}

static void gen(const char *sub, char fp[TLS_FP_HEX])
{
    char why[300];
    cr_assert_eq(tls_gen_cert(in_dir(sub, ""), fp, why, sizeof why), 0, "%s", why);
}

/* Moves ciphertext both ways and drains plaintext until nothing moves. */
static void shuttle(pair *p)
{
    for (int round = 0; round < 50; round++) {
        bytebuf a = {0}, b = {0};
        cr_assert_eq(tls_conn_output(p->cli, &a), 0);
        cr_assert_eq(tls_conn_output(p->srv, &b), 0);
        bytebuf_append(&p->wire, a.p, a.len);
        bytebuf_append(&p->wire, b.p, b.len);
        if (!p->rc_srv && a.len) p->rc_srv = tls_conn_feed(p->srv, a.p, a.len);
        if (!p->rc_cli && b.len) p->rc_cli = tls_conn_feed(p->cli, b.p, b.len);
        uint8_t buf[4096];
        size_t got;
        while (!p->rc_srv && !(p->rc_srv = tls_conn_read(p->srv, buf, sizeof buf, &got)) && got)
            bytebuf_append(&p->got_srv, buf, got);
        while (!p->rc_cli && !(p->rc_cli = tls_conn_read(p->cli, buf, sizeof buf, &got)) && got)
            bytebuf_append(&p->got_cli, buf, got);
        int moved = a.len || b.len;
        bytebuf_fini(&a);
        bytebuf_fini(&b);
        if (!moved && round) break;
    }
}

static void pair_open(pair *p, tls_ctx *srv, tls_ctx *cli, const char *host)
{
    memset(p, 0, sizeof *p);
    cr_assert_eq(tls_conn_new(&p->srv, srv, NULL), 0);
    cr_assert_eq(tls_conn_new(&p->cli, cli, host), 0);
    /* The client speaks first: its first byte is a TLS handshake record. */
    cr_assert_eq(tls_conn_read(p->cli, (uint8_t[1]){0}, 1, &(size_t){0}), 0);
    bytebuf hello = {0};
    cr_assert_eq(tls_conn_output(p->cli, &hello), 0);
    cr_assert_gt(hello.len, 0);
    cr_assert(tls_looks_like_tls(hello.p[0]));
    p->rc_srv = tls_conn_feed(p->srv, hello.p, hello.len);
    bytebuf_fini(&hello);
    shuttle(p);
}

static void pair_close(pair *p)
{
    tls_conn_free(p->cli);
    tls_conn_free(p->srv);
    bytebuf_fini(&p->got_cli);
    bytebuf_fini(&p->got_srv);
    bytebuf_fini(&p->wire);
}

static tls_ctx *server_ctx(const char *sub)
{
    tls_ctx *c;
    char why[300];
    cr_assert_eq(tls_ctx_server(&c, in_dir(sub, "cert.pem"), in_dir(sub, "key.pem"), why,
                                sizeof why), 0, "%s", why);
    return c;
}

static tls_ctx *client_ctx(const char *ca, const char *pin)
{
    tls_ctx *c;
    char why[300];
    cr_assert_eq(tls_ctx_client(&c, ca, pin, why, sizeof why), 0, "%s", why);
    return c;
}

static int contains(const bytebuf *b, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= b->len; i++)
        if (!memcmp(b->p + i, needle, n)) return 1;
    return 0;
}

Test(tls, handshake_with_the_certificate_as_ca_and_data_both_ways)
{
    char fp[TLS_FP_HEX];
    gen("srv", fp);
    tls_ctx *s = server_ctx("srv"), *c = client_ctx(in_dir("srv", "cert.pem"), NULL);
    const char *hosts[] = {"127.0.0.1", "localhost", "::1"};
    for (int h = 0; h < 3; h++) {
        pair p;
        pair_open(&p, s, c, hosts[h]);
        cr_assert_eq(p.rc_cli, 0, "%s: %s", hosts[h], tls_conn_why(p.cli));
        cr_assert_eq(p.rc_srv, 0, "%s", tls_conn_why(p.srv));
        cr_assert(tls_conn_ready(p.cli));
        cr_assert(tls_conn_ready(p.srv));
        cr_assert_str_eq(tls_conn_version(p.cli), "TLSv1.3");
        const char *secret = "the file's bytes: a secret sentence";
        cr_assert_eq(tls_conn_write(p.cli, (const uint8_t *)secret, strlen(secret)), 0);
        cr_assert_eq(tls_conn_write(p.srv, (const uint8_t *)"ACK", 3), 0);
        shuttle(&p);
        cr_assert_eq(p.got_srv.len, strlen(secret));
        cr_assert_eq(memcmp(p.got_srv.p, secret, strlen(secret)), 0);
        cr_assert_eq(p.got_cli.len, 3);
        cr_assert(!contains(&p.wire, "secret sentence"), "plaintext on the wire");
        /* A clean close reads as the end (1) on the other side. */
        tls_conn_shutdown(p.cli);
        shuttle(&p);
        cr_assert_eq(p.rc_srv, 1);
        pair_close(&p);
    }
    tls_ctx_free(s);
    tls_ctx_free(c);
}

Test(tls, data_written_before_the_handshake_waits_for_it)
{
    char fp[TLS_FP_HEX];
    gen("srv", fp);
    tls_ctx *s = server_ctx("srv"), *c = client_ctx(NULL, fp);
    pair p;
    memset(&p, 0, sizeof p);
    cr_assert_eq(tls_conn_new(&p.srv, s, NULL), 0);
    cr_assert_eq(tls_conn_new(&p.cli, c, "127.0.0.1"), 0);
    uint8_t big[100000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7);
    cr_assert_eq(tls_conn_write(p.cli, big, sizeof big), 0);
    shuttle(&p);
    cr_assert_eq(p.rc_cli, 0, "%s", tls_conn_why(p.cli));
    cr_assert_eq(p.got_srv.len, sizeof big);
    cr_assert_eq(memcmp(p.got_srv.p, big, sizeof big), 0);
    pair_close(&p);
    tls_ctx_free(s);
    tls_ctx_free(c);
}

Test(tls, pinned_fingerprint)
{
    char fp[TLS_FP_HEX], fp2[TLS_FP_HEX], why[300];
    gen("srv", fp);
    cr_assert_eq(tls_cert_fingerprint(in_dir("srv", "cert.pem"), fp2, why, sizeof why), 0);
    cr_assert_str_eq(fp, fp2);
    tls_ctx *s = server_ctx("srv");
    /* Right pin, any host name, colons or not, any case. */
    char bare[TLS_FP_HEX] = "";
    size_t nb = 0;
    for (const char *q = fp; *q; q++)
        if (*q != ':') bare[nb++] = (char)(*q | 0x20);   /* lower case */
    bare[nb] = 0;
    const char *pins[] = {fp, bare};
    for (int i = 0; i < 2; i++) {
        tls_ctx *c = client_ctx(NULL, pins[i]);
        pair p;
        pair_open(&p, s, c, "some.other.name");
        cr_assert_eq(p.rc_cli, 0, "%s", tls_conn_why(p.cli));
        cr_assert(tls_conn_ready(p.cli));
        pair_close(&p);
        tls_ctx_free(c);
    }
    /* Wrong pin: refused, saying what the certificate's fingerprint is. */
    char wrong[TLS_FP_HEX];
    snprintf(wrong, sizeof wrong, "%s", fp);
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    tls_ctx *c = client_ctx(NULL, wrong);
    pair p;
    pair_open(&p, s, c, "127.0.0.1");
    cr_assert_eq(p.rc_cli, SL_ETLS);
    cr_assert(!tls_conn_ready(p.cli));
    cr_assert_not_null(strstr(tls_conn_why(p.cli), fp), "%s", tls_conn_why(p.cli));
    cr_assert_eq(p.got_srv.len, 0);
    pair_close(&p);
    tls_ctx_free(c);
    tls_ctx_free(s);
    cr_assert_eq(tls_ctx_client(&c, NULL, "12:34", why, sizeof why), SL_EINVAL);
    cr_assert_null(c);
}

Test(tls, wrong_ca_wrong_host_and_system_cas_are_refused)
{
    char fp[TLS_FP_HEX];
    gen("srv", fp);
    gen("other", fp);
    tls_ctx *s = server_ctx("srv");
    struct { const char *ca, *host, *reason; } cases[] = {
        {in_dir("other", "cert.pem"), "127.0.0.1", "not trusted"},
        {in_dir("srv", "cert.pem"), "example.org", "not trusted"},
        {in_dir("srv", "cert.pem"), "10.255.255.254", "not trusted"},
        {NULL, "127.0.0.1", "not trusted"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tls_ctx *c = client_ctx(cases[i].ca, NULL);
        pair p;
        pair_open(&p, s, c, cases[i].host);
        cr_assert_eq(p.rc_cli, SL_ETLS, "case %zu was accepted", i);
        cr_assert_not_null(strstr(tls_conn_why(p.cli), cases[i].reason), "case %zu: %s", i,
                           tls_conn_why(p.cli));
        cr_assert_eq(tls_conn_write(p.cli, (const uint8_t *)"x", 1), SL_ETLS);
        pair_close(&p);
        tls_ctx_free(c);
    }
    tls_ctx_free(s);
}

Test(tls, gen_cert_files_and_refusals)
{
    char fp[TLS_FP_HEX], why[300];
    gen("srv", fp);
    struct stat st;
    cr_assert_eq(stat(in_dir("srv", "key.pem"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "the private key is readable by others");
    cr_assert_eq(strlen(fp), 95);
    /* Never overwrites. */
    cr_assert_eq(tls_gen_cert(in_dir("srv", ""), fp, why, sizeof why), SL_EEXIST);
    cr_assert_not_null(strstr(why, "not overwritten"), "%s", why);
    /* A server with a key that is not the certificate's. */
    gen("other", fp);
    tls_ctx *c;
    cr_assert_eq(tls_ctx_server(&c, in_dir("srv", "cert.pem"), in_dir("other", "key.pem"), why,
                                sizeof why), SL_ETLS);
    cr_assert_eq(tls_ctx_server(&c, in_dir("none", "cert.pem"), in_dir("srv", "key.pem"), why,
                                sizeof why), SL_ETLS);
    cr_assert_not_null(strstr(why, "none/cert.pem"), "%s", why);
    cr_assert_eq(tls_cert_fingerprint(in_dir("srv", "key.pem"), fp, why, sizeof why), SL_ETLS);
}

Test(tls, plaintext_frames_are_not_tls)
{
    cr_assert(!tls_looks_like_tls('S'));
    cr_assert(!tls_looks_like_tls(0x01));
    cr_assert(tls_looks_like_tls(0x16));
}
