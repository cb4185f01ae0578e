/* common/models/ctxmap.h — a hash table of bit histories, shared by all of
 * a model's contexts.
 *
 * A slot holds the 15 bit-history states of one nibble (the nodes of its
 * binary tree, indexed 1..15 by the bits seen so far behind a leading 1)
 * plus a check byte. Four slots make a 64-byte bucket, so a lookup touches
 * one cache line. Look a slot up at each nibble boundary with
 * ctxmap_find(&m, bh, hash); a miss evicts the slot with the least
 * evidence. */
#ifndef SL_CTXMAP_H
#define SL_CTXMAP_H

#include "bithist.h"
#include <stdint.h>
#include <string.h>

typedef struct ctxmap {
    uint8_t *t;          /* 64-byte aligned view of raw */
    void    *raw;
    uint64_t bucket_mask;
    size_t   bytes;
} ctxmap;

/* slot_bits: log2 of the number of 16-byte slots (>= 2). */
int  ctxmap_init(ctxmap *m, int slot_bits);
void ctxmap_fini(ctxmap *m);

static inline void ctxmap_prefetch(const ctxmap *m, uint64_t h)
{
#if defined(__GNUC__)
    __builtin_prefetch(m->t + ((h & m->bucket_mask) << 6));
#else
    (void)m; (void)h;
#endif
}

static inline uint8_t *ctxmap_find(ctxmap *m, const bh_table *bh, uint64_t h)
{
    uint8_t chk = (uint8_t)(h >> 56);
    uint8_t *b = m->t + ((h & m->bucket_mask) << 6);
    for (int i = 0; i < 4; i++)
        if (b[i * 16] == chk) return b + i * 16;
    int v = 0;
    for (int i = 1; i < 4; i++)
        if (bh->prio[b[i * 16 + 1]] < bh->prio[b[v * 16 + 1]]) v = i;
    uint8_t *s = b + v * 16;
    memset(s, 0, 16);
    s[0] = chk;
    return s;
}

#endif
