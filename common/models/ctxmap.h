/* common/models/ctxmap.h — a hash table of bit histories, shared by all of
 * a model's contexts.
 *
 * A slot holds the 15 bit-history states of one nibble (the nodes of its
 * binary tree, indexed 1..15 by the bits seen so far behind a leading 1)
 * behind a check byte. A bucket is 64 bytes, one cache line, so a lookup
 * touches one line. Two layouts:
 *   narrow  four 16-byte slots: check, 15 states;
 *   wide    three 21-byte slots: check, 15 states, and CTXMAP_EXTRA bytes
 *           the caller keeps per slot (cm keeps the byte history of the
 *           context there, in the slot of the first nibble).
 * Look a slot up at each nibble boundary with ctxmap_find(&m, bh, hash);
 * a miss evicts the slot whose first state has the least evidence and
 * clears it. */
#ifndef SL_CTXMAP_H
#define SL_CTXMAP_H

#include "bithist.h"
#include <stdint.h>
#include <string.h>

#define CTXMAP_EXTRA 5   /* RUNHIST_BYTES */

typedef struct ctxmap {
    uint8_t *t;          /* 64-byte aligned (bigmem.h) */
    uint64_t bucket_mask;
    size_t   bytes;
    int      wide;       /* 1: wide slots */
} ctxmap;

/* bucket_bits: log2 of the number of 64-byte buckets (>= 0). */
int  ctxmap_init(ctxmap *m, int bucket_bits, int wide);
void ctxmap_fini(ctxmap *m);

static inline void ctxmap_prefetch(const ctxmap *m, uint64_t h)
{
#if defined(__GNUC__)
    __builtin_prefetch(m->t + ((h & m->bucket_mask) << 6));
#else
    (void)m; (void)h;
#endif
}

/* The body of both layouts: `size` bytes a slot, `n` slots a bucket. */
static inline uint8_t *ctxmap_find_in(ctxmap *m, const bh_table *bh, uint64_t h,
                                      int size, int n)
{
    uint8_t chk = (uint8_t)(h >> 56);
    uint8_t *b = m->t + ((h & m->bucket_mask) << 6);
    for (int i = 0; i < n; i++)
        if (b[i * size] == chk) return b + i * size;
    int v = 0;
    for (int i = 1; i < n; i++)
        if (bh->prio[b[i * size + 1]] < bh->prio[b[v * size + 1]]) v = i;
    uint8_t *s = b + v * size;
    memset(s, 0, (size_t)size);
    s[0] = chk;
    return s;
}

static inline uint8_t *ctxmap_find(ctxmap *m, const bh_table *bh, uint64_t h)
{
    return m->wide ? ctxmap_find_in(m, bh, h, 16 + CTXMAP_EXTRA, 3)
                   : ctxmap_find_in(m, bh, h, 16, 4);
}

#endif
