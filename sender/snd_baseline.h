/* sender/snd_baseline.h — what gzip -9, xz -9 and zstd -19 would have sent
 * for the same stream, computed with zlib, liblzma and libzstd.
 *   snd_baseline b; snd_baseline_init(&b);
 *   snd_baseline_feed(&b, p, n) ...;  snd_baseline_finish(&b);
 *   b.gzip, b.xz, b.zstd are then the compressed sizes (output discarded). */
#ifndef SL_SND_BASELINE_H
#define SL_SND_BASELINE_H

#include <stddef.h>
#include <stdint.h>

typedef struct snd_baseline {
    void    *z, *x, *s;      /* z_stream, lzma_stream, ZSTD_CStream */
    uint8_t *out;
    uint64_t gzip, xz, zstd;
    int      err;
} snd_baseline;

int  snd_baseline_init(snd_baseline *b);
void snd_baseline_feed(snd_baseline *b, const uint8_t *p, size_t n);
void snd_baseline_finish(snd_baseline *b);

#endif
