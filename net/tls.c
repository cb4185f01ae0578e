/* net/tls.c — see tls.h. */
#include "tls.h"
#include "../common/err.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PENDING_MAX (4u << 20)   /* plaintext queued before the handshake ends */

struct tls_ctx {
    SSL_CTX *ssl;
    int      server;
    int      pinned;
    uint8_t  pin[32];
};

struct tls_conn {
    tls_ctx *ctx;
    SSL     *ssl;
    BIO     *in, *out;        /* network -> engine, engine -> network */
    int      ready, failed;
    bytebuf  pending;         /* plaintext written before the handshake ended */
    char     why[320];
};

/* The newest OpenSSL error, for messages. */
static void ossl_why(char *why, size_t cap, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[200] = "unknown error";
    if (e) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    snprintf(why, cap, "%s: %s", what, buf);
}

static void fp_format(const uint8_t h[32], char fp[TLS_FP_HEX])
{
    for (int i = 0; i < 32; i++) snprintf(fp + 3 * i, 4, "%02X%s", h[i], i < 31 ? ":" : "");
}

/* "AB:CD..." or "abcd..." into 32 bytes. */
static int pin_parse(const char *s, uint8_t out[32])
{
    int n = 0, half = -1;
    for (; *s; s++) {
        int v;
        if (*s == ':') continue;
        if (*s >= '0' && *s <= '9') v = *s - '0';
        else if (*s >= 'a' && *s <= 'f') v = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F') v = *s - 'A' + 10;
        else return SL_EINVAL;
        if (half < 0) { half = v; continue; }
        if (n == 32) return SL_EINVAL;
        out[n++] = (uint8_t)(half << 4 | v);
        half = -1;
    }
    return n == 32 && half < 0 ? 0 : SL_EINVAL;
}

static int new_ctx(tls_ctx **out, int server)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return SL_ENOMEM;
    (*out)->server = server;
    (*out)->ssl = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (!(*out)->ssl ||
        !SSL_CTX_set_min_proto_version((*out)->ssl, TLS1_3_VERSION) ||
        !SSL_CTX_set_max_proto_version((*out)->ssl, TLS1_3_VERSION)) {
        tls_ctx_free(*out);
        *out = NULL;
        return SL_ETLS;
    }
    SSL_CTX_set_app_data((*out)->ssl, *out);
    return 0;
}

int tls_ctx_server(tls_ctx **out, const char *cert, const char *key, char *why, size_t cap)
{
    int rc = new_ctx(out, 1);
    if (rc) { ossl_why(why, cap, "cannot set up TLS"); return rc; }
    SSL_CTX *s = (*out)->ssl;
    const char *bad = NULL;
    if (SSL_CTX_use_certificate_chain_file(s, cert) != 1) bad = cert;
    else if (SSL_CTX_use_PrivateKey_file(s, key, SSL_FILETYPE_PEM) != 1) bad = key;
    else if (SSL_CTX_check_private_key(s) != 1) bad = "the key and the certificate";
    if (bad) {
        char what[300];
        snprintf(what, sizeof what, "cannot use %s", bad);
        ossl_why(why, cap, what);
        tls_ctx_free(*out);
        *out = NULL;
        return SL_ETLS;
    }
    return 0;
}

/* With a pin, the chain and names do not matter: the leaf's digest does. */
static int verify_pin(int preverify, X509_STORE_CTX *store)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    tls_ctx *c = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    tls_conn *t = SSL_get_app_data(ssl);
    if (!c->pinned) return preverify;
    if (X509_STORE_CTX_get_error_depth(store) > 0) return 1;
    uint8_t h[32];
    unsigned hl = 0;
    X509 *leaf = X509_STORE_CTX_get_current_cert(store);
    if (!leaf || !X509_digest(leaf, EVP_sha256(), h, &hl) || hl != 32) return 0;
    if (memcmp(h, c->pin, 32) == 0) {
        X509_STORE_CTX_set_error(store, X509_V_OK);
        return 1;
    }
    char fp[TLS_FP_HEX];
    fp_format(h, fp);
    snprintf(t->why, sizeof t->why,
             "the receiver's certificate has fingerprint %s, not the one given to --tls-pin", fp);
    return 0;
}

int tls_ctx_client(tls_ctx **out, const char *ca_file, const char *pin, char *why, size_t cap)
{
    int rc = new_ctx(out, 0);
    if (rc) { ossl_why(why, cap, "cannot set up TLS"); return rc; }
    tls_ctx *c = *out;
    if (pin) {
        if (pin_parse(pin, c->pin)) {
            snprintf(why, cap, "--tls-pin wants a SHA-256 fingerprint: 64 hex digits, "
                     "colons allowed");
            tls_ctx_free(c);
            *out = NULL;
            return SL_EINVAL;
        }
        c->pinned = 1;
    } else if (ca_file ? SSL_CTX_load_verify_locations(c->ssl, ca_file, NULL) != 1
                       : SSL_CTX_set_default_verify_paths(c->ssl) != 1) {
        char what[300];
        snprintf(what, sizeof what, "cannot load the CA %s", ca_file ? ca_file : "store");
        ossl_why(why, cap, what);
        tls_ctx_free(c);
        *out = NULL;
        return SL_ETLS;
    }
    SSL_CTX_set_verify(c->ssl, SSL_VERIFY_PEER, verify_pin);
    return 0;
}

void tls_ctx_free(tls_ctx *c)
{
    if (!c) return;
    SSL_CTX_free(c->ssl);
    free(c);
}

/* Client side: SNI, and the name or address the certificate must carry. */
static int set_host(tls_conn *t, const char *host)
{
    unsigned char addr[16];
    int is_ip = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
    if (!is_ip && SSL_set_tlsext_host_name(t->ssl, host) != 1) return SL_ETLS;
    if (t->ctx->pinned) return 0;
    X509_VERIFY_PARAM *vp = SSL_get0_param(t->ssl);
    if (is_ip) return X509_VERIFY_PARAM_set1_ip_asc(vp, host) == 1 ? 0 : SL_ETLS;
    return SSL_set1_host(t->ssl, host) == 1 ? 0 : SL_ETLS;
}

int tls_conn_new(tls_conn **out, tls_ctx *ctx, const char *host)
{
    tls_conn *t = calloc(1, sizeof *t);
    *out = NULL;
    if (!t) return SL_ENOMEM;
    t->ctx = ctx;
    t->ssl = SSL_new(ctx->ssl);
    t->in = BIO_new(BIO_s_mem());
    t->out = BIO_new(BIO_s_mem());
    if (!t->ssl || !t->in || !t->out) {
        BIO_free(t->in);
        BIO_free(t->out);
        SSL_free(t->ssl);
        free(t);
        return SL_ENOMEM;
    }
    BIO_set_mem_eof_return(t->in, -1);   /* empty means "wait", not "closed" */
    SSL_set_bio(t->ssl, t->in, t->out);
    SSL_set_app_data(t->ssl, t);
    if (ctx->server) {
        SSL_set_accept_state(t->ssl);
    } else {
        SSL_set_connect_state(t->ssl);
        if (host && set_host(t, host)) {
            tls_conn_free(t);
            return SL_ETLS;
        }
    }
    *out = t;
    return 0;
}

void tls_conn_free(tls_conn *t)
{
    if (!t) return;
    SSL_free(t->ssl);   /* frees both BIOs */
    bytebuf_fini(&t->pending);
    free(t);
}

/* Records why the engine failed (a verification note set by the callback
 * wins) and makes the failure sticky. */
static int conn_fail(tls_conn *t, const char *what)
{
    t->failed = 1;
    if (t->why[0]) { ERR_clear_error(); return SL_ETLS; }
    long v = SSL_get_verify_result(t->ssl);
    if (v != X509_V_OK && !t->ctx->server)
        snprintf(t->why, sizeof t->why, "the receiver's certificate is not trusted: %s",
                 X509_verify_cert_error_string(v));
    else
        ossl_why(t->why, sizeof t->why, what);
    return SL_ETLS;
}

/* Drives the handshake, then flushes plaintext queued before it ended. */
static int step(tls_conn *t)
{
    if (t->failed) return SL_ETLS;
    if (!t->ready) {
        int r = SSL_do_handshake(t->ssl);
        if (r != 1) {
            int e = SSL_get_error(t->ssl, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return 0;
            return conn_fail(t, "TLS handshake failed");
        }
        t->ready = 1;
    }
    if (t->pending.len) {
        int w = SSL_write(t->ssl, t->pending.p, (int)t->pending.len);
        if (w <= 0) return conn_fail(t, "TLS write failed");
        memmove(t->pending.p, t->pending.p + w, t->pending.len - (size_t)w);
        t->pending.len -= (size_t)w;
    }
    return 0;
}

int tls_conn_feed(tls_conn *t, const uint8_t *p, size_t n)
{
    if (t->failed) return SL_ETLS;
    if (n && BIO_write(t->in, p, (int)n) != (int)n) return conn_fail(t, "TLS buffer");
    return step(t);
}

int tls_conn_read(tls_conn *t, uint8_t *buf, size_t cap, size_t *got)
{
    *got = 0;
    int rc = step(t);
    if (rc || !t->ready) return rc;
    int r = SSL_read(t->ssl, buf, cap > 1 << 30 ? 1 << 30 : (int)cap);
    if (r > 0) { *got = (size_t)r; return 0; }
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return 0;
    if (e == SSL_ERROR_ZERO_RETURN) return 1;
    return conn_fail(t, "TLS read failed");
}

int tls_conn_write(tls_conn *t, const uint8_t *p, size_t n)
{
    if (t->failed) return SL_ETLS;
    if (t->pending.len + n > PENDING_MAX) return SL_ETOOBIG;
    int rc = bytebuf_append(&t->pending, p, n);
    return rc ? rc : step(t);
}

int tls_conn_output(tls_conn *t, bytebuf *out)
{
    size_t n = BIO_ctrl_pending(t->out);
    if (!n) return 0;
    int rc = bytebuf_reserve(out, n);
    if (rc) return rc;
    int r = BIO_read(t->out, out->p + out->len, (int)n);
    if (r > 0) out->len += (size_t)r;
    return 0;
}

void tls_conn_shutdown(tls_conn *t)
{
    if (t->ready && !t->failed) SSL_shutdown(t->ssl);
    ERR_clear_error();
}

int tls_conn_ready(const tls_conn *t)
{
    return t->ready && !t->failed;
}

const char *tls_conn_version(const tls_conn *t)
{
    return SSL_get_version(t->ssl);
}

const char *tls_conn_why(const tls_conn *t)
{
    return t->why[0] ? t->why : "no error";
}

int tls_looks_like_tls(uint8_t first)
{
    return first == 0x16;
}

/* "DNS:localhost,DNS:<hostname>,IP:127.0.0.1,IP:::1,IP:<each address>". */
static void san_list(char *s, size_t cap)
{
    char host[256] = "";
    int n = snprintf(s, cap, "DNS:localhost,IP:127.0.0.1,IP:::1");
    if (gethostname(host, sizeof host - 1) == 0 && host[0] && strcmp(host, "localhost"))
        n += snprintf(s + n, cap - (size_t)n, ",DNS:%s", host);
    struct ifaddrs *ifs = NULL, *i;
    if (getifaddrs(&ifs)) return;
    for (i = ifs; i && (size_t)n + 64 < cap; i = i->ifa_next) {
        char a[INET6_ADDRSTRLEN];
        const struct sockaddr *sa = i->ifa_addr;
        if (!sa) continue;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, a, sizeof a);
        else if (sa->sa_family == AF_INET6 &&
                 !IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)sa)->sin6_addr))
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, a, sizeof a);
        else
            continue;
        if (strcmp(a, "127.0.0.1") && strcmp(a, "::1"))
            n += snprintf(s + n, cap - (size_t)n, ",IP:%s", a);
    }
    freeifaddrs(ifs);
}

static int add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX v;
    X509V3_set_ctx_nodb(&v);
    X509V3_set_ctx(&v, x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v, nid, value);
    int ok = e && X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    return ok ? 0 : SL_ETLS;
}

/* A self-signed P-256 certificate for ten years, valid for this host. */
static X509 *make_cert(EVP_PKEY *k)
{
    X509 *x = X509_new();
    uint8_t serial[16];
    char san[2048];
    if (!x || RAND_bytes(serial, sizeof serial) != 1) { X509_free(x); return NULL; }
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    X509_NAME *name = X509_get_subject_name(x);
    san_list(san, sizeof san);
    int ok = bn && X509_set_version(x, 2) && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
             X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
             X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 86400) &&
             X509_set_pubkey(x, k) &&
             X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                        (const unsigned char *)"sundard", -1, -1, 0) &&
             X509_set_issuer_name(x, name) &&
             !add_ext(x, NID_basic_constraints, "critical,CA:TRUE") &&
             !add_ext(x, NID_key_usage, "critical,digitalSignature,keyCertSign") &&
             !add_ext(x, NID_ext_key_usage, "serverAuth") &&
             !add_ext(x, NID_subject_key_identifier, "hash") &&
             !add_ext(x, NID_subject_alt_name, san) && X509_sign(x, k, EVP_sha256());
    BN_free(bn);
    if (!ok) { X509_free(x); return NULL; }
    return x;
}

/* Writes a PEM file that must not exist yet, with the given mode. */
static int write_pem(const char *path, int mode, X509 *cert, EVP_PKEY *key, char *why,
                     size_t cap)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        snprintf(why, cap, "cannot create %s: %s%s", path, strerror(errno),
                 errno == EEXIST ? " (it is not overwritten)" : "");
        return errno == EEXIST ? SL_EEXIST : SL_EIO;
    }
    FILE *f = fdopen(fd, "w");
    int ok = f && (cert ? PEM_write_X509(f, cert)
                        : PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL));
    if (f ? fclose(f) : close(fd)) ok = 0;
    if (!ok) {
        snprintf(why, cap, "cannot write %s", path);
        unlink(path);
        return SL_EIO;
    }
    return 0;
}

int tls_gen_cert(const char *dir, char fp[TLS_FP_HEX], char *why, size_t cap)
{
    char cert[4096], key[4096];
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    if (mkdir(dir, 0700) && errno != EEXIST) {
        snprintf(why, cap, "cannot create %s: %s", dir, strerror(errno));
        return SL_EIO;
    }
    EVP_PKEY *k = EVP_EC_gen("P-256");
    X509 *x = k ? make_cert(k) : NULL;
    int rc = SL_ETLS;
    if (!x) ossl_why(why, cap, "cannot make a certificate");
    else if (!(rc = write_pem(key, 0600, NULL, k, why, cap)) &&
             (rc = write_pem(cert, 0644, x, NULL, why, cap)))
        unlink(key);
    if (!rc) {
        uint8_t h[32];
        unsigned hl = 0;
        X509_digest(x, EVP_sha256(), h, &hl);
        fp_format(h, fp);
    }
    X509_free(x);
    EVP_PKEY_free(k);
    return rc;
}

int tls_cert_fingerprint(const char *cert_file, char fp[TLS_FP_HEX], char *why, size_t cap)
{
    FILE *f = fopen(cert_file, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f) fclose(f);
    uint8_t h[32];
    unsigned hl = 0;
    if (!x || !X509_digest(x, EVP_sha256(), h, &hl) || hl != 32) {
        snprintf(why, cap, "cannot read the certificate %s", cert_file);
        ERR_clear_error();
        X509_free(x);
        return SL_ETLS;
    }
    X509_free(x);
    fp_format(h, fp);
    return 0;
}
