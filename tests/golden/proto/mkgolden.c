#define _GNU_SOURCE
/* tests/golden/proto/mkgolden.c — derives the must-reject golden streams
 * from a valid one (valid-1.sls, recorded by satyad --out). Each mutation
 * is named after the error a reader must give; frames whose payload is
 * changed get a correct CRC again, so only the intended fault remains.
 *   mkgolden valid-1.sls OUTDIR */
#include "../../../common/container.h"
#include "../../../proto/frame.h"
#include "../../../util/sha256.h"
#include "../../../common/recipe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fr { size_t off, len; int type; } fr;

static uint8_t *data;
static size_t size;
static fr frames[4096];
static int nfr;

static void put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f)) { perror(path); exit(1); }
}

/* Copy of the stream with frame i's payload replaced (CRC recomputed). */
static bytebuf with_payload(int i, const uint8_t *pl, size_t len)
{
    bytebuf b = {0};
    bytebuf_append(&b, data, frames[i].off);
    frame_write(&b, frames[i].type, pl, len);
    size_t end = frames[i].off + frames[i].len;
    bytebuf_append(&b, data + end, size - end);
    return b;
}

static int find(int type, int nth)
{
    for (int i = 0; i < nfr; i++)
        if (frames[i].type == type && nth-- == 0) return i;
    fprintf(stderr, "no frame of type %d\n", type);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: mkgolden VALID OUTDIR\n"); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    data = malloc(1 << 20);
    size = fread(data, 1, 1 << 20, f);
    fclose(f);
    for (size_t off = 0; off < size; nfr++) {
        uint32_t len = le32_load(data + off + 6);
        frames[nfr] = (fr){off, FRAME_HDR + len + FRAME_TRAILER, data[off + 3]};
        off += frames[nfr].len;
    }
    const char *o = argv[2];
    uint8_t *m = malloc(size);
    bytebuf b;

    memcpy(m, data, size); m[0] = 'X';                     put(o, "bad-magic.sls", m, size);
    memcpy(m, data, size); m[2] = 9;                       put(o, "bad-version.sls", m, size);
    memcpy(m, data, size); m[3] = 42;                      put(o, "bad-type.sls", m, size);
    memcpy(m, data, size); m[4] = 1;                       put(o, "bad-reserved.sls", m, size);
    memcpy(m, data, size); le32_store(m + 6, 0xFFFFFFF0u); put(o, "bad-oversize.sls", m, size);
    put(o, "bad-truncated.sls", data, size - 5);
    int mi = find(FRAME_MANIFEST, 0);
    memcpy(m, data, size); m[frames[mi].off + FRAME_HDR + 40] ^= 1;
    put(o, "bad-checksum.sls", m, size);
    /* Out of order: the stream without its HELLO, and CHUNK 1 before 0. */
    put(o, "bad-order-nohello.sls", data + frames[0].len, size - frames[0].len);
    int c0 = find(FRAME_CHUNK, 0), c1 = find(FRAME_CHUNK, 1);
    b = (bytebuf){0};
    bytebuf_append(&b, data, frames[c0].off);
    bytebuf_append(&b, data + frames[c1].off, frames[c1].len);
    bytebuf_append(&b, data + frames[c0].off, frames[c1].off - frames[c0].off);
    bytebuf_append(&b, data + frames[c1].off + frames[c1].len,
                   size - frames[c1].off - frames[c1].len);
    put(o, "bad-order-chunks.sls", b.p, b.len);
    bytebuf_fini(&b);
    /* The first data byte changed (after index, raw length, raw CRC and
     * mode: 17 bytes), frame CRC made right again: the chunk decodes to
     * wrong bytes. A change in the last byte may fall in the coder's
     * flush, which a decoder need not read. */
    const uint8_t *cp = data + frames[c0].off + FRAME_HDR;
    size_t cl = frames[c0].len - FRAME_HDR - FRAME_TRAILER;
    memcpy(m, cp, cl); m[17] ^= 0x40;
    b = with_payload(c0, m, cl);                           put(o, "bad-rawcrc.sls", b.p, b.len);
    bytebuf_fini(&b);
    /* A manifest naming ../evil, and one for codec version 9 (with the
     * recipe hash made right, so the version is what is refused). */
    const uint8_t *mp = data + frames[mi].off + FRAME_HDR;
    size_t ml = frames[mi].len - FRAME_HDR - FRAME_TRAILER;
    memcpy(m, mp, ml);
    uint8_t *hit = memmem(m, ml, "hello.txt", 9);
    memcpy(hit, "../evil/x", 9);
    b = with_payload(mi, m, ml);                           put(o, "bad-name.sls", b.p, b.len);
    bytebuf_fini(&b);
    memcpy(m, mp, ml);
    hit = memmem(m, ml, CODEC_VERSION_LINE, strlen(CODEC_VERSION_LINE));
    hit[14] = '9'; /* the version's first digit: another version */
    uint32_t rl = le32_load(m + 36);
    sha256_once(m + 40, rl, m + 4);
    b = with_payload(mi, m, ml);                           put(o, "bad-codec-version.sls", b.p, b.len);
    bytebuf_fini(&b);
    return 0;
}
