/* common/models/dmap.c — see dmap.h. */
#include "dmap.h"
#include "../err.h"
#include "../model.h"

#include <stdlib.h>

int dmap_init(dmap *d, int n, int block_bits, int limit, const uint16_t *rates)
{
    d->n = n < 0 ? 0 : n > DMAP_MAX ? DMAP_MAX : n;
    d->mask = ((uint64_t)1 << block_bits) - 1;
    d->limit = (uint32_t)limit;
    d->rates = rates;
    /* Zeroed: every entry starts at p = 1/2, never trained; pages no
     * context reaches cost nothing. */
    d->t = calloc((size_t)16 << block_bits, sizeof *d->t);
    if (!d->t) return SL_ENOMEM;
    for (int k = 0; k < DMAP_MAX; k++) {
        d->ctx[k] = (uint64_t)k;
        d->blk[k] = d->e[k] = d->t;
    }
    return 0;
}

void dmap_fini(dmap *d)
{
    free(d->t);
    d->t = NULL;
}

void dmap_nibble(dmap *d, uint32_t c0)
{
    for (int k = 0; k < d->n; k++) {
        uint64_t h = hash64(d->ctx[k] + (uint64_t)c0 * 0x9e3779b97f4a7c15ull);
        d->blk[k] = d->t + (size_t)((h >> 20) & d->mask) * 16;
    }
}
