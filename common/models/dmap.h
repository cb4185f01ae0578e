/* common/models/dmap.h — direct context maps: a probability per (context,
 * partial byte) learnt straight from the bits seen in that context, not
 * through a bit history (paq8's "stationary" maps).
 *
 * A bit-history state lumps together every context with the same recent
 * counts; a direct map keeps, for each context, its own probability for
 * each of the 255 partial bytes, learnt at rate 1/(n + 4) until n reaches
 * the limit (statemap.h's sm_train). A context's probabilities of one
 * nibble sit in one 64-byte block (16 entries, nodes 1..15 of the
 * nibble's tree), so a lookup touches one cache line per nibble. Blocks
 * are found by hash, without a check: a collision shares a block.
 * An entry never trained gives input 0.
 *
 *   dmap_init(&d, n, block_bits, limit, rates);
 *   per byte: dmap_set(&d, k, hash) for each k < n;
 *   at bits 0 and 4: dmap_nibble(&d, c0);
 *   per bit: dmap_inputs(&d, sq, node, x) writes n inputs; ...
 *   dmap_update(&d, bit). */
#ifndef SL_DMAP_H
#define SL_DMAP_H

#include "../fixmath.h"
#include "statemap.h"
#include <stdint.h>

#define DMAP_MAX 4
#define DMAP_BITS 20      /* log2 of the blocks cm gives its maps (64 MiB) */
#define DMAP_INPUTS 2     /* inputs per map */

typedef struct dmap {
    uint32_t *t;                /* blocks of 16 entries, stored ^ 2^31 (0: p = 1/2, n = 0) */
    uint64_t  mask;             /* blocks - 1 */
    int       n;                /* maps in use */
    uint32_t  limit;
    const uint16_t *rates;
    uint64_t  ctx[DMAP_MAX];    /* each map's context at this byte */
    uint32_t *blk[DMAP_MAX];    /* ... its block for this nibble */
    uint32_t *e[DMAP_MAX];      /* ... its entry for this bit */
} dmap;

/* n maps (<= DMAP_MAX) sharing 2^block_bits blocks of 64 bytes; 0 or SL_ENOMEM. */
int  dmap_init(dmap *d, int n, int block_bits, int limit, const uint16_t *rates);
void dmap_fini(dmap *d);

static inline void dmap_set(dmap *d, int k, uint64_t h)
{
    d->ctx[k] = h;
}

/* At a nibble's start (c0: the partial byte with its leading 1). */
void dmap_nibble(dmap *d, uint32_t c0);

/* Writes DMAP_INPUTS inputs per map to x; node 1..15: the bits of this
 * nibble so far behind a leading 1. */
static inline void dmap_inputs(dmap *d, const sq_table *sq, uint32_t node, int16_t *x)
{
    for (int k = 0; k < d->n; k++) {
        uint32_t *e = d->e[k] = d->blk[k] + node;
        uint32_t v = *e ^ (1u << 31);
        uint32_t n = v & 1023, p16 = v >> 16;
        int st = sq_stretch(sq, p16);
        x[k * DMAP_INPUTS] = (int16_t)(n ? st : 0);
        x[k * DMAP_INPUTS + 1] = (int16_t)(n ? (((int)p16 - 32768) >> 5) : 0);
    }
}

static inline void dmap_update(dmap *d, int bit)
{
    for (int k = 0; k < d->n; k++) {
        uint32_t v = *d->e[k] ^ (1u << 31);
        sm_train(&v, bit, d->rates, d->limit);
        *d->e[k] = v ^ (1u << 31);
    }
}

#endif
