/* common/ac.h — binary arithmetic (range) coder.
 *
 * Probabilities are 16-bit: p = P(bit == 1) * 65536, in 1..65535.
 * Encoder: ac_enc_init(&e, &buf); for each bit ac_encode_bit(&e, p, bit);
 * at a chunk boundary ac_enc_flush(&e), which appends the last bytes and
 * leaves the coder ready for the next chunk. Decoder: ac_dec_init(&d, data,
 * len) on one flushed chunk, then ac_decode_bit(&d, p) with the same p
 * sequence. The decoder reads zero bytes past the end, so a flush drops the
 * zero bytes it would end with: it costs one or two bytes. It drops only
 * its own bytes, never the chunk's, so a decoder of a well-formed chunk
 * reads at most AC_LOOKAHEAD bytes past its end: d.past counts them, and
 * a caller refuses the chunk as soon as d.past > AC_LOOKAHEAD (a chunk
 * that claims more bytes than its coded data can hold).
 *
 * The state is a 64-bit low (bit 32 is a pending carry) and a 32-bit range
 * kept >= 2^24; the split is range * p >> 16 in 64-bit arithmetic, so the
 * coder's loss is a few parts per million of the ideal code length. */
#ifndef SL_AC_H
#define SL_AC_H

#include "bytebuf.h"
#include <stddef.h>
#include <stdint.h>

#define AC_TOP (1u << 24)

typedef struct ac_enc {
    uint64_t low;
    uint32_t range;
    uint8_t  cache;      /* byte held back in case a carry reaches it */
    uint8_t  have_cache;
    uint64_t pending;    /* 0xFF bytes held back behind the cache */
    int      err;        /* first SL_ENOMEM from the buffer, sticky */
    bytebuf *out;
    size_t   start;      /* out->len when this chunk began */
} ac_enc;

#define AC_LOOKAHEAD 4

typedef struct ac_dec {
    uint32_t code;
    uint32_t range;
    const uint8_t *p, *end;
    uint32_t past;       /* zero bytes supplied past the end */
} ac_dec;

void ac_enc_init(ac_enc *e, bytebuf *out);
void ac_enc_shift(ac_enc *e);
/* Flush the chunk; returns 0 or the first error met while coding it. */
int  ac_enc_flush(ac_enc *e);

void ac_dec_init(ac_dec *d, const uint8_t *data, size_t len);

static inline void ac_encode_bit(ac_enc *e, uint32_t p, int bit)
{
    uint32_t bound = (uint32_t)(((uint64_t)e->range * p) >> 16);
    if (bit) {
        e->range = bound;
    } else {
        e->low += bound;
        e->range -= bound;
    }
    while (e->range < AC_TOP) {
        e->range <<= 8;
        ac_enc_shift(e);
    }
}

static inline uint8_t ac_dec_byte(ac_dec *d)
{
    if (d->p < d->end) return *d->p++;
    d->past++;
    return 0;
}

static inline int ac_decode_bit(ac_dec *d, uint32_t p)
{
    uint32_t bound = (uint32_t)(((uint64_t)d->range * p) >> 16);
    int bit;
    if (d->code < bound) {
        d->range = bound;
        bit = 1;
    } else {
        d->code -= bound;
        d->range -= bound;
        bit = 0;
    }
    while (d->range < AC_TOP) {
        d->range <<= 8;
        d->code = (d->code << 8) | ac_dec_byte(d);
    }
    return bit;
}

#endif
