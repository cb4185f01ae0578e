/* sender/snd_baseline.c — see snd_baseline.h. */
#include "snd_baseline.h"
#include "../common/err.h"

#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define OUT_SZ (1 << 16)

int snd_baseline_init(snd_baseline *b)
{
    memset(b, 0, sizeof *b);
    z_stream *z = calloc(1, sizeof *z);
    lzma_stream *x = calloc(1, sizeof *x);
    b->out = malloc(OUT_SZ);
    b->z = z;
    b->x = x;
    b->s = ZSTD_createCStream();
    if (!z || !x || !b->out || !b->s) return b->err = SL_ENOMEM;
    if (deflateInit2(z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return b->err = SL_ENOMEM;
    lzma_stream init = LZMA_STREAM_INIT;
    *x = init;
    if (lzma_easy_encoder(x, 9, LZMA_CHECK_CRC64) != LZMA_OK) return b->err = SL_ENOMEM;
    if (ZSTD_isError(ZSTD_initCStream(b->s, 19))) return b->err = SL_ENOMEM;
    return 0;
}

static void run(snd_baseline *b, const uint8_t *p, size_t n, int finish)
{
    z_stream *z = b->z;
    z->next_in = (Bytef *)p;
    z->avail_in = (uInt)n;
    int zr;
    do {
        z->next_out = b->out;
        z->avail_out = OUT_SZ;
        zr = deflate(z, finish ? Z_FINISH : Z_NO_FLUSH);
        b->gzip += OUT_SZ - z->avail_out;
    } while (z->avail_out == 0 || (finish && zr != Z_STREAM_END && zr >= 0));
    lzma_stream *x = b->x;
    x->next_in = p;
    x->avail_in = n;
    lzma_ret xr;
    do {
        x->next_out = b->out;
        x->avail_out = OUT_SZ;
        xr = lzma_code(x, finish ? LZMA_FINISH : LZMA_RUN);
        b->xz += OUT_SZ - x->avail_out;
    } while (xr == LZMA_OK && (x->avail_out == 0 || finish || x->avail_in));
    ZSTD_inBuffer in = {p, n, 0};
    size_t left;
    do {
        ZSTD_outBuffer out = {b->out, OUT_SZ, 0};
        left = finish ? ZSTD_endStream(b->s, &out) : ZSTD_compressStream(b->s, &out, &in);
        b->zstd += out.pos;
        if (ZSTD_isError(left)) break;
        if (!finish && in.pos == in.size && out.pos < OUT_SZ) break;
    } while (finish ? left != 0 : 1);
}

void snd_baseline_feed(snd_baseline *b, const uint8_t *p, size_t n)
{
    if (!b->err) run(b, p, n, 0);
}

void snd_baseline_finish(snd_baseline *b)
{
    if (!b->err) run(b, NULL, 0, 1);
    if (b->z) deflateEnd(b->z);
    if (b->x) lzma_end(b->x);
    ZSTD_freeCStream(b->s);
    free(b->z);
    free(b->x);
    free(b->out);
    b->z = b->x = b->s = NULL;
    b->out = NULL;
}
