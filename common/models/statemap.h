/* common/models/statemap.h — an adaptive map from a small context (often a
 * bit-history state) to a probability.
 *
 * Each entry keeps a 22-bit probability and a 10-bit count; it learns at
 * rate 1/(count + 4) until count reaches the limit, then at a fixed
 * rate, so early guesses converge fast and later ones track drift.
 *   sm_init(&sm, n, limit, rates);  p16 = sm_p(&sm, cx); ... sm_update(&sm, bit);
 * `rates` is a table of 1024 entries from sm_rates_init, shared by all maps
 * of one model. */
#ifndef SL_STATEMAP_H
#define SL_STATEMAP_H

#include <stdint.h>

typedef struct statemap {
    uint32_t *t;
    uint32_t  n;
    uint32_t  cx;
    uint32_t  limit;
    const uint16_t *rates;
} statemap;

void sm_rates_init(uint16_t rates[1024]);
/* All entries start at p = 1/2; returns 0 or SL_ENOMEM. */
int  sm_init(statemap *sm, uint32_t n, int limit, const uint16_t *rates);
void sm_set(statemap *sm, uint32_t cx, uint32_t p16);
void sm_fini(statemap *sm);

static inline uint32_t sm_p(statemap *sm, uint32_t cx)
{
    sm->cx = cx;
    return sm->t[cx] >> 16;
}

/* Trains one entry toward bit: what sm_update does to the map's current
 * entry, for callers that keep entry pointers themselves. */
static inline void sm_train(uint32_t *t, int bit, const uint16_t *rates, uint32_t limit)
{
    uint32_t e = *t;
    uint32_t n = e & 1023;
    int32_t p = (int32_t)(e >> 10);
    /* (target - p) >> 6 fits 16 bits and rates[n] <= 8192: the product
     * fits 32 bits. The step is added to the entry as a whole, p's field
     * and the count's (n < limit <= 1023: the count never carries into
     * p's field), which is ((p + step) << 10) | (n + (n < limit)) modulo
     * 2^32 in fewer instructions. */
    int32_t d = (((bit << 22) - bit) - p) >> 6;
    int32_t step = (d * (int32_t)rates[n]) >> 9;
    *t = e + ((uint32_t)step << 10) + (n < limit);
}

static inline void sm_update(statemap *sm, int bit)
{
    sm_train(&sm->t[sm->cx], bit, sm->rates, sm->limit);
}

#endif
