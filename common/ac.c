/* common/ac.c — see ac.h. The carry scheme: the top byte of low is held in
 * `cache` (and any run of 0xFF bytes after it in `pending`) until we know no
 * carry can reach it. The first byte of a chunk is never a carry target,
 * because low + range never exceeds its initial 2^32 - 1. */
#include "ac.h"
#include "err.h"

static void enc_emit(ac_enc *e, uint8_t c)
{
    if (!e->err) e->err = bytebuf_put(e->out, c);
}

void ac_enc_init(ac_enc *e, bytebuf *out)
{
    e->low = 0;
    e->range = 0xFFFFFFFFu;
    e->cache = 0;
    e->have_cache = 0;
    e->pending = 0;
    e->err = 0;
    e->out = out;
    e->start = out->len;
}

void ac_enc_shift(ac_enc *e)
{
    if (e->low < 0xFF000000u || e->low > 0xFFFFFFFFu) {
        uint8_t carry = (uint8_t)(e->low >> 32);
        if (e->have_cache) enc_emit(e, (uint8_t)(e->cache + carry));
        for (; e->pending; e->pending--) enc_emit(e, (uint8_t)(0xFF + carry));
        e->cache = (uint8_t)(e->low >> 24);
        e->have_cache = 1;
    } else {
        e->pending++;
    }
    e->low = (e->low << 8) & 0xFFFFFFFFu;
}

int ac_enc_flush(ac_enc *e)
{
    /* Pick the value in [low, low + range) with the most trailing zero
     * bits; the decoder supplies those zeros itself. */
    uint64_t hi = e->low + e->range; /* exclusive */
    int k = 32;
    uint64_t v = 0;
    for (; k >= 0; k--) {
        uint64_t mask = (1ull << k) - 1;
        v = (e->low + mask) & ~mask;
        if (v < hi) break;
    }
    e->low = v;
    int nbytes = (32 - k + 7) / 8;
    for (int i = 0; i <= nbytes; i++) ac_enc_shift(e);
    /* The last shift left a zero in the cache; drop it, and trim the
     * flush's own trailing zeros, which the decoder reads back as padding.
     * Earlier bytes stay, zeros or not: the decoder's look-ahead past the
     * end is then at most AC_LOOKAHEAD bytes. */
    for (int t = 0; t < nbytes && e->out->len > e->start &&
                    e->out->p[e->out->len - 1] == 0; t++)
        e->out->len--;
    int err = e->err;
    bytebuf *out = e->out;
    ac_enc_init(e, out);
    return err;
}

void ac_dec_init(ac_dec *d, const uint8_t *data, size_t len)
{
    d->p = data;
    d->end = data + len;
    d->range = 0xFFFFFFFFu;
    d->code = 0;
    d->past = 0;
    for (int i = 0; i < 4; i++) d->code = (d->code << 8) | ac_dec_byte(d);
}
