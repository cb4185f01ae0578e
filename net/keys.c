/* net/keys.c — see keys.h. */
#include "keys.h"
#include "../common/bytebuf.h"
#include "../common/err.h"
#include "../util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET_TAG   "sl-ed25519-secret"
#define AUTH_DOMAIN  "satya-sundar/1\0\0"   /* 16 bytes with the NULs */
#define VARIANT      sodium_base64_VARIANT_ORIGINAL

int keys_init(void)
{
    return sodium_init() < 0 ? SL_ENOMEM : 0;
}

int keys_generate(keys_pair *kp)
{
    uint8_t seed[KEYS_SEED];
    randombytes_buf(seed, sizeof seed);
    int rc = crypto_sign_seed_keypair(kp->pk, kp->sk, seed);
    sodium_memzero(seed, sizeof seed);
    return rc ? SL_EINVAL : 0;
}

void keys_wipe(keys_pair *kp)
{
    sodium_memzero(kp, sizeof *kp);
}

int keys_save_secret(const char *path, const keys_pair *kp, char *why, size_t cap)
{
    struct stat st;
    if (lstat(path, &st) == 0) {
        snprintf(why, cap, "%s already exists; it is not overwritten (remove it first)", path);
        return SL_EEXIST;
    }
    /* The seed is the first half of libsodium's secret key. */
    char b64[sodium_base64_ENCODED_LEN(KEYS_SEED, VARIANT)];
    sodium_bin2base64(b64, sizeof b64, kp->sk, KEYS_SEED, VARIANT);
    char text[sizeof SECRET_TAG + sizeof b64 + 2];
    int n = snprintf(text, sizeof text, "%s %s\n", SECRET_TAG, b64);
    int rc = fileio_save(path, text, (size_t)n, 0600, why, cap);
    sodium_memzero(b64, sizeof b64);
    sodium_memzero(text, sizeof text);
    return rc;
}

/* Decodes exactly `want` bytes of base64 from [s, s + len). */
static int b64_exact(const char *s, size_t len, uint8_t *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, want, s, len, NULL, &got, &end, VARIANT) || got != want ||
        end != s + len)
        return SL_EKEY;
    return 0;
}

int keys_load_secret(const char *path, keys_pair *kp, char *why, size_t cap)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, cap, "cannot open the key %s: %s", path, strerror(errno));
        return SL_EKEY;
    }
    struct stat st = {0};
    char text[256];
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && !(st.st_mode & 077))
        n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n < 0) {
        if (st.st_mode & 077)
            snprintf(why, cap, "the key %s can be read by others (mode %03o); "
                     "chmod 600 it", path, (unsigned)(st.st_mode & 0777));
        else
            snprintf(why, cap, "cannot read the key %s", path);
        return SL_EKEY;
    }
    text[n] = 0;
    size_t tl = strlen(SECRET_TAG), len = (size_t)n;
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r')) len--;
    uint8_t seed[KEYS_SEED];
    int rc = SL_EKEY;
    if (len > tl + 1 && !memcmp(text, SECRET_TAG, tl) && text[tl] == ' ' &&
        !b64_exact(text + tl + 1, len - tl - 1, seed, sizeof seed))
        rc = crypto_sign_seed_keypair(kp->pk, kp->sk, seed) ? SL_EKEY : 0;
    if (rc) snprintf(why, cap, "%s is not a satyad secret key (make one with --gen-key)", path);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(text, sizeof text);
    return rc;
}

int keys_format_public(const uint8_t pk[KEYS_PUB], const char *comment, char *line,
                       size_t cap)
{
    char b64[sodium_base64_ENCODED_LEN(KEYS_PUB, VARIANT)];
    sodium_bin2base64(b64, sizeof b64, pk, KEYS_PUB, VARIANT);
    int n = snprintf(line, cap, "%s %s%s%s", KEYS_TYPE, b64, comment && *comment ? " " : "",
                     comment ? comment : "");
    return n < 0 || (size_t)n >= cap ? SL_ETOOBIG : 0;
}

void keys_fingerprint(const uint8_t pk[KEYS_PUB], char out[KEYS_FP_LEN])
{
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, pk, KEYS_PUB);
    memcpy(out, "SHA256:", 7);
    sodium_bin2base64(out + 7, KEYS_FP_LEN - 7, h, sizeof h,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

/* One authorized-keys line, without its newline: 0 (a key in *e), 1 (a
 * blank or comment line) or SL_EKEY. */
static int parse_line(const char *s, size_t len, keys_entry *e)
{
    while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
    if (!len || *s == '#') return 1;
    size_t tl = strlen(KEYS_TYPE);
    if (len <= tl || memcmp(s, KEYS_TYPE, tl) || (s[tl] != ' ' && s[tl] != '\t'))
        return SL_EKEY;
    s += tl;
    len -= tl;
    while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
    size_t kl = 0;
    while (kl < len && s[kl] != ' ' && s[kl] != '\t') kl++;
    if (b64_exact(s, kl, e->pk, KEYS_PUB)) return SL_EKEY;
    s += kl;
    len -= kl;
    while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
    size_t cl = len < KEYS_COMMENT ? len : KEYS_COMMENT;
    for (size_t i = 0; i < cl; i++)   /* the comment goes to logs: no control bytes */
        e->comment[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    e->comment[cl] = 0;
    return 0;
}

int keys_parse_authorized(const char *text, size_t len, keys_list *out, char *why,
                          size_t cap)
{
    memset(out, 0, sizeof *out);
    size_t cap_n = 0;
    int line = 0;
    for (size_t off = 0; off < len;) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t ll = nl ? (size_t)(nl - (text + off)) : len - off;
        line++;
        keys_entry e;
        memset(&e, 0, sizeof e);
        int rc = ll > KEYS_LINE_MAX ? SL_EKEY : parse_line(text + off, ll, &e);
        if (rc < 0) {
            snprintf(why, cap, "line %d is not \"%s BASE64 [comment]\"", line, KEYS_TYPE);
            keys_list_free(out);
            return rc;
        }
        if (rc == 0) {
            if (out->n == cap_n) {
                size_t nc = cap_n ? cap_n * 2 : 8;
                keys_entry *v = realloc(out->v, nc * sizeof *v);
                if (!v) {
                    keys_list_free(out);
                    snprintf(why, cap, "out of memory");
                    return SL_ENOMEM;
                }
                out->v = v;
                cap_n = nc;
            }
            out->v[out->n++] = e;
        }
        off += ll + (nl ? 1 : 0);
    }
    return 0;
}

int keys_load_authorized(const char *path, keys_list *out, char *why, size_t cap)
{
    bytebuf b = {0};
    char inner[200];
    int rc = fileio_load(path, &b, inner, sizeof inner);
    if (rc) {
        snprintf(why, cap, "%s", inner);
        memset(out, 0, sizeof *out);
        return SL_EKEY;
    }
    rc = keys_parse_authorized((const char *)b.p, b.len, out, inner, sizeof inner);
    bytebuf_fini(&b);
    if (rc) snprintf(why, cap, "%s: %s", path, inner);
    else if (!out->n) {
        snprintf(why, cap, "%s holds no key", path);
        rc = SL_EKEY;
    }
    return rc;
}

const keys_entry *keys_find(const keys_list *l, const uint8_t pk[KEYS_PUB])
{
    for (size_t i = 0; i < l->n; i++)
        if (sodium_memcmp(l->v[i].pk, pk, KEYS_PUB) == 0) return &l->v[i];
    return NULL;
}

void keys_list_free(keys_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void keys_auth_message(const uint8_t challenge[KEYS_CHALLENGE], const uint8_t manifest[32],
                       const uint8_t recipe[32], uint8_t msg[KEYS_MSG])
{
    memcpy(msg, AUTH_DOMAIN, 16);
    memcpy(msg + 16, challenge, KEYS_CHALLENGE);
    memcpy(msg + 16 + KEYS_CHALLENGE, manifest, 32);
    memcpy(msg + 16 + KEYS_CHALLENGE + 32, recipe, 32);
}

void keys_sign(const keys_pair *kp, const uint8_t msg[KEYS_MSG], uint8_t sig[KEYS_SIG])
{
    crypto_sign_detached(sig, NULL, msg, KEYS_MSG, kp->sk);
}

int keys_verify(const uint8_t pk[KEYS_PUB], const uint8_t msg[KEYS_MSG],
                const uint8_t sig[KEYS_SIG])
{
    return crypto_sign_verify_detached(sig, msg, KEYS_MSG, pk) ? SL_EAUTH_SIG : 0;
}

void keys_random(uint8_t *buf, size_t n)
{
    randombytes_buf(buf, n);
}
