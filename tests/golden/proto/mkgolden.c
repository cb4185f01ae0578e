#define _GNU_SOURCE
/* tests/golden/proto/mkgolden.c — derives the must-reject golden streams
 * from a valid one (valid-1.sls, recorded by satyad --out, with at least
 * 16 chunks so that chunk 15 carries a model digest). Each mutation is
 * named after the error a reader must give; a frame whose payload is
 * changed gets a right CRC again, so only the intended fault remains.
 * From valid-signed.sls (recorded with --key input/golden.key) it derives
 * the AUTH faults. First it sets the encode time that DONE carries to 0
 * in every valid recording named (rewritten in place), so that the goldens
 * come out the same on every run.
 *   mkgolden valid-1.sls valid-signed.sls OUTDIR [valid-empty.sls ...] */
#include "../../../common/byteorder.h"
#include "../../../proto/frame.h"
#include "../../../proto/msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fr { size_t off, hdr, len; int type; } fr;   /* len: whole frame */

static uint8_t *data;
static size_t size;
static fr frames[4096];
static int nfr;
static const char *outdir;

static void put(const char *name, const uint8_t *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f)) { perror(path); exit(1); }
}

static void scan(void)
{
    for (size_t off = FRAME_PREAMBLE; off < size; nfr++) {
        uint64_t body;
        int k = varint_get(data + off + 1, size - off - 1, &body);
        if (k <= 0 || nfr == 4096) { fprintf(stderr, "bad frame at %zu\n", off); exit(1); }
        frames[nfr] = (fr){off, 1 + (size_t)k, 1 + (size_t)k + body, data[off]};
        off += frames[nfr].len;
    }
}

/* The payload of frame i, without its CRC. */
static const uint8_t *payload(int i, size_t *n)
{
    *n = frames[i].len - frames[i].hdr - (frame_has_crc(frames[i].type) ? FRAME_CRC : 0);
    return data + frames[i].off + frames[i].hdr;
}

/* The stream with frame i's payload replaced (CRC recomputed). */
static bytebuf with_payload(int i, const uint8_t *pl, size_t len)
{
    bytebuf b = {0};
    bytebuf_append(&b, data, frames[i].off);
    frame_write(&b, frames[i].type, pl, len);
    size_t end = frames[i].off + frames[i].len;
    bytebuf_append(&b, data + end, size - end);
    return b;
}

static void put_with_payload(const char *name, int i, const uint8_t *pl, size_t len)
{
    bytebuf b = with_payload(i, pl, len);
    put(name, b.p, b.len);
    bytebuf_fini(&b);
}

static int find(int type, int nth)
{
    for (int i = 0; i < nfr; i++)
        if (frames[i].type == type && nth-- == 0) return i;
    fprintf(stderr, "no frame of type %d\n", type);
    exit(1);
}

/* Header faults: magic, version, type, an oversize length, truncation,
 * and a frame after DONE. */
static void header_faults(uint8_t *m)
{
    memcpy(m, data, size); m[0] = 'X';                      put("bad-magic.sls", m, size);
    memcpy(m, data, size); m[2] = 9;                        put("bad-version.sls", m, size);
    memcpy(m, data, size); m[FRAME_PREAMBLE] = 42;          put("bad-type.sls", m, size);
    /* HELLO's one-byte length made a 4-byte one just over the limit. */
    bytebuf b = {0};
    uint8_t big[4];
    uint32_t over = frame_limit(FRAME_HELLO) + FRAME_CRC + 1;
    big[0] = (uint8_t)(over | 0x80); big[1] = (uint8_t)((over >> 7) | 0x80);
    big[2] = (uint8_t)((over >> 14) | 0x80); big[3] = (uint8_t)(over >> 21);
    bytebuf_append(&b, data, FRAME_PREAMBLE + 1);
    bytebuf_append(&b, big, 4);
    bytebuf_append(&b, data + FRAME_PREAMBLE + 2, size - FRAME_PREAMBLE - 2);
    put("bad-oversize.sls", b.p, b.len);
    bytebuf_fini(&b);
    put("bad-truncated.sls", data, size - 5);
    int done = find(FRAME_DONE, 0);
    b = (bytebuf){0};
    bytebuf_append(&b, data, size);
    bytebuf_append(&b, data + frames[done].off, frames[done].len);
    put("bad-after-done.sls", b.p, b.len);
    bytebuf_fini(&b);
}

/* Order faults: the stream without its HELLO, and CHUNK 1 before 0. */
static void order_faults(void)
{
    bytebuf b = {0};
    bytebuf_append(&b, data, FRAME_PREAMBLE);
    bytebuf_append(&b, data + frames[0].off + frames[0].len,
                   size - frames[0].off - frames[0].len);
    put("bad-order-nohello.sls", b.p, b.len);
    bytebuf_fini(&b);
    int c0 = find(FRAME_CHUNK, 0), c1 = find(FRAME_CHUNK, 1);
    b = (bytebuf){0};
    bytebuf_append(&b, data, frames[c0].off);
    bytebuf_append(&b, data + frames[c1].off, frames[c1].len);
    bytebuf_append(&b, data + frames[c0].off, frames[c1].off - frames[c0].off);
    bytebuf_append(&b, data + frames[c1].off + frames[c1].len,
                   size - frames[c1].off - frames[c1].len);
    put("bad-order-chunks.sls", b.p, b.len);
    bytebuf_fini(&b);
}

/* Chunk faults: a reserved flag, a changed data byte, a changed digest. */
static void chunk_faults(uint8_t *m)
{
    size_t n;
    int c0 = find(FRAME_CHUNK, 0);
    const uint8_t *p = payload(c0, &n);
    /* index (1 byte here), raw CRC (4), flags (1), data */
    memcpy(m, p, n); m[5] |= 0x80;                   put_with_payload("bad-reserved.sls", c0, m, n);
    /* The first data byte: the chunk decodes to wrong bytes. (A change in
     * the last byte may fall in the coder's flush, which is never read.) */
    memcpy(m, p, n); m[6] ^= 0x40;                   put_with_payload("bad-rawcrc.sls", c0, m, n);
    int c15 = find(FRAME_CHUNK, 15);
    p = payload(c15, &n);
    if (!(p[5] & MSG_CHUNK_DIGEST)) { fprintf(stderr, "chunk 15 has no digest\n"); exit(1); }
    memcpy(m, p, n); m[6] ^= 1;                      put_with_payload("bad-desync.sls", c15, m, n);
}

/* Manifest faults: a bad CRC, an unsafe name, a set-uid mode, another
 * codec version. */
static void manifest_faults(uint8_t *m)
{
    int mi = find(FRAME_MANIFEST, 0);
    memcpy(m, data, size); m[frames[mi].off + frames[mi].hdr + 4] ^= 1;
    put("bad-checksum.sls", m, size);
    size_t n;
    const uint8_t *p = payload(mi, &n);
    memcpy(m, p, n);
    uint8_t *hit = memmem(m, n, "hello.txt", 9);
    memcpy(hit, "../evil/x", 9);
    put_with_payload("bad-name.sls", mi, m, n);
    /* hello.txt's mode, right after its name, with the set-uid bit (the
     * varint keeps its length: both are below 2^14). */
    memcpy(m, p, n);
    hit = memmem(m, n, "hello.txt", 9) + 9;
    uint64_t mode;
    int mk = varint_get(hit, n - (size_t)(hit - m), &mode);
    if (mk != 2) { fprintf(stderr, "hello.txt's mode is not a 2-byte varint\n"); exit(1); }
    varint_put(hit, mode | 04000);
    put_with_payload("bad-mode.sls", mi, m, n);
    /* chunk size varint, then the packed recipe: name length, name,
     * codec version (one byte for versions below 128). */
    memcpy(m, p, n);
    uint64_t cs;
    int k = varint_get(m, n, &cs);
    m[k + 1 + m[k]] = (uint8_t)(m[k + 1 + m[k]] + 1);   /* the next version: never this build's */
    put_with_payload("bad-codec-version.sls", mi, m, n);
    memcpy(m, p, n);
    hit = memmem(m, n, "hello.txt", 9);
    memcpy(hit, "hell\xc3(.txt", 9);             /* a broken two-byte sequence */
    put_with_payload("bad-utf8-name.sls", mi, m, n);
}

static void load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    free(data);
    data = malloc(1 << 20);
    size = fread(data, 1, 1 << 20, f);
    fclose(f);
    nfr = 0;
    scan();
}

/* Rewrites the recording at path with DONE's encode time set to 0; the
 * other figures are kept. */
static void zero_time(const char *path)
{
    load(path);
    int i = find(FRAME_DONE, 0);
    size_t n, at = 0;
    const uint8_t *pl = payload(i, &n);
    uint64_t v[4];
    for (int k = 0; k < 4; k++) {
        int used = varint_get(pl + at, n - at, &v[k]);
        if (used <= 0) { fprintf(stderr, "%s: a bad DONE\n", path); exit(1); }
        at += (size_t)used;
    }
    msg_done d = {.encode_us = 0, .zlib = v[1], .xz = v[2], .zstd = v[3]};
    bytebuf b = {0};
    bytebuf_append(&b, data, frames[i].off);
    msg_done_write(&b, &d);
    size_t end = frames[i].off + frames[i].len;
    bytebuf_append(&b, data + end, size - end);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b.p, 1, b.len, f) != b.len || fclose(f)) { perror(path); exit(1); }
    bytebuf_fini(&b);
}

/* AUTH faults, from the signed recording: a changed signature, a changed
 * MANIFEST (not the one signed), another scheme, AUTH after MANIFEST. */
static void auth_faults(uint8_t *m)
{
    int ai = find(FRAME_AUTH, 0), mi = find(FRAME_MANIFEST, 0);
    size_t n;
    const uint8_t *p = payload(ai, &n);
    memcpy(m, p, n); m[1 + 32 + 32 + 32 + 5] ^= 1;   put_with_payload("bad-auth-sig.sls", ai, m, n);
    memcpy(m, p, n); m[0] = 2;                        put_with_payload("bad-auth-scheme.sls", ai, m, n);
    p = payload(mi, &n);
    memcpy(m, p, n);
    uint8_t *hit = memmem(m, n, "hello.txt", 9);
    hit[4] = 'O';
    put_with_payload("bad-auth-manifest.sls", mi, m, n);
    bytebuf b = {0};
    bytebuf_append(&b, data, frames[ai].off);
    bytebuf_append(&b, data + frames[mi].off, frames[mi].len);
    bytebuf_append(&b, data + frames[ai].off, frames[ai].len);
    size_t end = frames[mi].off + frames[mi].len;
    bytebuf_append(&b, data + end, size - end);
    put("bad-auth-order.sls", b.p, b.len);
    bytebuf_fini(&b);
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: mkgolden VALID SIGNED OUTDIR [VALID ...]\n"); return 2; }
    outdir = argv[3];
    for (int k = 1; k < argc; k++)
        if (k != 3) zero_time(argv[k]);
    load(argv[1]);
    uint8_t *m = malloc(size + 16);
    header_faults(m);
    order_faults();
    chunk_faults(m);
    manifest_faults(m);
    free(m);
    load(argv[2]);
    m = malloc(size + 16);
    auth_faults(m);
    free(m);
    free(data);
    return 0;
}
