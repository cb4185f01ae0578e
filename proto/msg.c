/* proto/msg.c — see msg.h. Each reader walks its payload with a cursor
 * that refuses to read past the end, then insists the end is reached. */
#include "msg.h"
#include "../common/byteorder.h"
#include "../common/err.h"

#include <stdlib.h>
#include <string.h>

typedef struct cursor {
    const uint8_t *p, *end;
    int bad;
} cursor;

static const uint8_t *take(cursor *c, size_t n)
{
    if (c->bad || (size_t)(c->end - c->p) < n) { c->bad = 1; return NULL; }
    const uint8_t *r = c->p;
    c->p += n;
    return r;
}

static uint8_t get8(cursor *c) { const uint8_t *p = take(c, 1); return p ? p[0] : 0; }
static uint32_t get32(cursor *c) { const uint8_t *p = take(c, 4); return p ? le32_load(p) : 0; }
static uint64_t get64(cursor *c) { const uint8_t *p = take(c, 8); return p ? le64_load(p) : 0; }
static uint64_t getv(cursor *c)
{
    uint64_t v = 0;
    int k = c->bad ? -1 : varint_get(c->p, (size_t)(c->end - c->p), &v);
    if (k <= 0) { c->bad = 1; return 0; }
    c->p += k;
    return v;
}
/* A varint that must fit `max`. */
static uint32_t getv32(cursor *c, uint32_t max)
{
    uint64_t v = getv(c);
    if (v > max) { c->bad = 1; return 0; }
    return (uint32_t)v;
}

static cursor cursor_of(const frame *f)
{
    cursor c = {f->payload, f->payload + f->len, 0};
    return c;
}

static int finish(const cursor *c)
{
    return c->bad || c->p != c->end ? SL_EPROTO_PAYLOAD : 0;
}

/* A payload under construction; the first allocation failure sticks. */
typedef struct wbuf {
    bytebuf b;
    int     err;
} wbuf;

static void wput(wbuf *w, const void *p, size_t n)
{
    if (!w->err) w->err = bytebuf_append(&w->b, p, n);
}
static void put8(wbuf *w, uint8_t v) { wput(w, &v, 1); }
static void put32(wbuf *w, uint32_t v) { uint8_t t[4]; le32_store(t, v); wput(w, t, 4); }
static void put64(wbuf *w, uint64_t v) { uint8_t t[8]; le64_store(t, v); wput(w, t, 8); }
static void putv(wbuf *w, uint64_t v) { uint8_t t[VARINT_MAX]; wput(w, t, varint_put(t, v)); }

/* Frames the finished payload and frees it. */
static int emit(bytebuf *out, int type, wbuf *w)
{
    int rc = w->err ? w->err : frame_write(out, type, w->b.p, w->b.len);
    bytebuf_fini(&w->b);
    return rc;
}

int msg_hello_write(bytebuf *out, const msg_hello *m)
{
    wbuf b = {{0}, 0};
    putv(&b, m->caps);
    if (m->has_challenge) wput(&b, m->challenge, MSG_CHALLENGE);
    int rc = frame_write_preamble(out);
    return rc ? rc : emit(out, FRAME_HELLO, &b);
}

int msg_hello_read(const frame *f, msg_hello *m)
{
    cursor c = cursor_of(f);
    uint64_t caps = getv(&c);
    m->has_challenge = !c.bad && c.end - c.p == MSG_CHALLENGE;
    if (m->has_challenge) memcpy(m->challenge, take(&c, MSG_CHALLENGE), MSG_CHALLENGE);
    int rc = finish(&c);
    if (rc) return rc;
    if (caps & ~(uint64_t)MSG_CAPS_KNOWN) return SL_EPROTO_RESERVED;
    m->caps = (uint32_t)caps;
    return 0;
}

/* Well-formed UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        if (c < 0x80) k = 0;
        else if (c >= 0xC2 && c <= 0xDF) k = 1;
        else if (c >= 0xE0 && c <= 0xEF) k = 2;
        else if (c >= 0xF0 && c <= 0xF4) k = 3;
        else return 0;
        if (k > n - i - 1) return 0;
        for (size_t j = 1; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80) return 0;
        if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
            (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
            return 0;
        i += k + 1;
    }
    return 1;
}

int msg_name_check(const char *name, size_t len)
{
    if (len == 0 || len > MSG_MAX_NAME || name[0] == '/') return SL_EPROTO_NAME;
    if (!utf8_ok((const unsigned char *)name, len)) return SL_EPROTO_NAME;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch < 0x20 || ch == 0x7f || ch == '\\') return SL_EPROTO_NAME;
    }
    size_t start = 0;
    while (start <= len) {
        const char *slash = memchr(name + start, '/', len - start);
        size_t end = slash ? (size_t)(slash - name) : len, n = end - start;
        const char *comp = name + start;
        if (n == 0 || (n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
            return SL_EPROTO_NAME;
        start = end + 1;
    }
    return 0;
}

int msg_manifest_write(bytebuf *out, const msg_manifest *m)
{
    wbuf b = {{0}, 0};
    putv(&b, m->chunk_size);
    wput(&b, m->recipe, m->recipe_len);
    wput(&b, m->recipe_hash, MSG_RECIPE_HASH);
    putv(&b, m->nfiles);
    for (uint32_t i = 0; i < m->nfiles; i++) {
        const msg_file *fl = &m->files[i];
        putv(&b, fl->name_len);
        wput(&b, fl->name, fl->name_len);
        putv(&b, fl->mode);
        putv(&b, fl->mtime);
        if (fl->mode & MSG_MODE_DIR) continue;
        putv(&b, fl->size);
        wput(&b, fl->sha256, 32);
    }
    return emit(out, FRAME_MANIFEST, &b);
}

/* The packed recipe's extent: recipe_pack's layout (common/recipe.h). */
static void take_recipe(cursor *c, msg_manifest *m)
{
    const uint8_t *start = c->p;
    const uint8_t *nl = take(c, 1);
    if (!nl || *nl == 0 || *nl > 32) { c->bad = 1; return; }
    take(c, *nl);
    getv(c);                                   /* codec version */
    uint32_t dl = getv32(c, RECIPE_MAX_TEXT);  /* changed lines */
    take(c, dl);
    if (c->bad) return;
    m->recipe = start;
    m->recipe_len = (uint32_t)(c->p - start);
}

static int name_cmp(const void *a, const void *b)
{
    const msg_file *x = *(msg_file *const *)a, *y = *(msg_file *const *)b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->name, y->name, n);
    return c ? c : (int)x->name_len - (int)y->name_len;
}

int msg_manifest_read(const frame *f, msg_manifest *m)
{
    memset(m, 0, sizeof *m);
    cursor c = cursor_of(f);
    m->chunk_size = getv32(&c, MSG_MAX_CHUNK);
    take_recipe(&c, m);
    const uint8_t *h = take(&c, MSG_RECIPE_HASH);
    m->nfiles = getv32(&c, MSG_MAX_FILES);
    if (c.bad || m->chunk_size == 0) return SL_EPROTO_PAYLOAD;
    memcpy(m->recipe_hash, h, MSG_RECIPE_HASH);
    /* Each entry takes at least 4 bytes (a directory's): refuse a count
     * the payload cannot hold before allocating for it. */
    if ((uint64_t)m->nfiles * 4 > (uint64_t)(c.end - c.p)) return SL_EPROTO_PAYLOAD;
    m->files = calloc(m->nfiles ? m->nfiles : 1, sizeof *m->files);
    if (!m->files) return SL_ENOMEM;
    uint64_t sum = 0;
    int rc = 0;
    for (uint32_t i = 0; i < m->nfiles && !rc; i++) {
        msg_file *fl = &m->files[i];
        fl->name_len = (uint16_t)getv32(&c, MSG_MAX_NAME);
        fl->name = (const char *)take(&c, fl->name_len);
        fl->mode = getv32(&c, MSG_MODE_PERM | MSG_MODE_DIR);
        if (fl->mode & ~(MSG_MODE_PERM | MSG_MODE_DIR)) c.bad = 1;  /* set-id, sticky */
        fl->mtime = getv(&c);
        if (!(fl->mode & MSG_MODE_DIR)) {
            fl->size = getv(&c);
            const uint8_t *s = take(&c, 32);
            if (s) memcpy(fl->sha256, s, 32);
        }
        if (c.bad) { rc = SL_EPROTO_PAYLOAD; break; }
        rc = msg_name_check(fl->name, fl->name_len);
        if (fl->size > UINT64_MAX - sum) rc = SL_EPROTO_PAYLOAD;
        sum += fl->size;
    }
    if (!rc) rc = finish(&c);
    m->total = sum;
    if (!rc && m->nfiles > 1) {
        msg_file **order = malloc(m->nfiles * sizeof *order);
        if (!order) rc = SL_ENOMEM;
        for (uint32_t i = 0; !rc && i < m->nfiles; i++) order[i] = &m->files[i];
        if (!rc) {
            qsort(order, m->nfiles, sizeof *order, name_cmp);
            for (uint32_t i = 1; i < m->nfiles && !rc; i++)
                if (name_cmp(&order[i - 1], &order[i]) == 0) rc = SL_EPROTO_NAME;
            /* A file may not also be a directory of another ("a", "a/b"). */
            for (uint32_t i = 0; i < m->nfiles && !rc; i++)
                for (uint16_t k = 1; k < m->files[i].name_len && !rc; k++)
                    if (m->files[i].name[k] == '/') {
                        msg_file key = {m->files[i].name, k, 0, 0, 0, {0}};
                        const msg_file *kp = &key;
                        if (bsearch(&kp, order, m->nfiles, sizeof *order, name_cmp))
                            rc = SL_EPROTO_NAME;
                    }
        }
        free(order);
    }
    if (rc) msg_manifest_fini(m);
    return rc;
}

void msg_manifest_fini(msg_manifest *m)
{
    free(m->files);
    m->files = NULL;
}

int msg_chunk_write(bytebuf *out, const msg_chunk *m)
{
    wbuf b = {{0}, 0};
    putv(&b, m->index);
    put32(&b, m->raw_crc);
    put8(&b, m->flags);
    if (m->flags & MSG_CHUNK_DIGEST) put64(&b, m->digest);
    wput(&b, m->data, m->data_len);
    return emit(out, FRAME_CHUNK, &b);
}

int msg_chunk_read(const frame *f, msg_chunk *m)
{
    cursor c = cursor_of(f);
    m->index = getv32(&c, UINT32_MAX);
    m->raw_crc = get32(&c);
    m->flags = get8(&c);
    m->digest = m->flags & MSG_CHUNK_DIGEST ? get64(&c) : 0;
    if (c.bad) return SL_EPROTO_PAYLOAD;
    if (m->flags & ~(MSG_CHUNK_STORED | MSG_CHUNK_DIGEST)) return SL_EPROTO_RESERVED;
    m->data = c.p;
    m->data_len = (uint32_t)(c.end - c.p);
    return 0;
}

int msg_chunk_index(const frame *f, uint32_t *index)
{
    cursor c = cursor_of(f);
    *index = getv32(&c, UINT32_MAX);
    return c.bad ? SL_EPROTO_PAYLOAD : 0;
}

int msg_auth_write(bytebuf *out, const msg_auth *m)
{
    wbuf b = {{0}, 0};
    put8(&b, m->scheme);
    wput(&b, m->key, 32);
    wput(&b, m->manifest_hash, 32);
    wput(&b, m->recipe_hash, 32);
    wput(&b, m->sig, 64);
    return emit(out, FRAME_AUTH, &b);
}

int msg_auth_read(const frame *f, msg_auth *m)
{
    cursor c = cursor_of(f);
    m->scheme = get8(&c);
    const uint8_t *k = take(&c, 32), *mh = take(&c, 32), *rh = take(&c, 32), *s = take(&c, 64);
    int rc = finish(&c);
    if (rc) return rc;
    if (m->scheme != MSG_AUTH_ED25519) return SL_EPROTO_PAYLOAD;
    memcpy(m->key, k, 32);
    memcpy(m->manifest_hash, mh, 32);
    memcpy(m->recipe_hash, rh, 32);
    memcpy(m->sig, s, 64);
    return 0;
}

int msg_ack_write(bytebuf *out, const msg_ack *m)
{
    wbuf b = {{0}, 0};
    putv(&b, m->chunks);
    putv(&b, m->raw);
    put8(&b, m->final);
    putv(&b, m->files);
    return emit(out, FRAME_ACK, &b);
}

int msg_ack_read(const frame *f, msg_ack *m)
{
    cursor c = cursor_of(f);
    m->chunks = getv32(&c, UINT32_MAX);
    m->raw = getv(&c);
    m->final = get8(&c);
    m->files = getv32(&c, MSG_MAX_FILES);
    int rc = finish(&c);
    return rc ? rc : (m->final > 1 ? SL_EPROTO_PAYLOAD : 0);
}

int msg_done_write(bytebuf *out, const msg_done *m)
{
    wbuf b = {{0}, 0};
    putv(&b, m->encode_us);
    putv(&b, m->zlib);
    putv(&b, m->xz);
    putv(&b, m->zstd);
    return emit(out, FRAME_DONE, &b);
}

int msg_done_read(const frame *f, msg_done *m)
{
    cursor c = cursor_of(f);
    m->encode_us = getv(&c);
    m->zlib = getv(&c);
    m->xz = getv(&c);
    m->zstd = getv(&c);
    return finish(&c);
}

int msg_error_write(bytebuf *out, int32_t code, const char *text)
{
    wbuf b = {{0}, 0};
    size_t n = strlen(text);
    if (n > MSG_MAX_ERRTEXT) n = MSG_MAX_ERRTEXT;
    putv(&b, (uint64_t)-(int64_t)code);
    putv(&b, n);
    wput(&b, text, n);
    return emit(out, FRAME_ERROR, &b);
}

int msg_error_read(const frame *f, msg_error *m)
{
    cursor c = cursor_of(f);
    uint32_t mag = getv32(&c, INT32_MAX);
    uint32_t n = getv32(&c, MSG_MAX_ERRTEXT);
    if (c.bad) return SL_EPROTO_PAYLOAD;
    m->code = -(int32_t)mag;
    const uint8_t *t = take(&c, n);
    int rc = finish(&c);
    if (rc) return rc;
    memcpy(m->text, t, n);
    m->text[n] = 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)m->text[i] < 0x20) m->text[i] = ' ';
    return 0;
}
