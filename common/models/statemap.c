/* common/models/statemap.c — see statemap.h. */
#include "statemap.h"
#include "../err.h"

#include <stdlib.h>

void sm_rates_init(uint16_t rates[1024])
{
    for (int n = 0; n < 1024; n++) rates[n] = (uint16_t)(65536 / (2 * n + 8));
}

int sm_init(statemap *sm, uint32_t n, int limit, const uint16_t *rates)
{
    sm->t = malloc((size_t)n * sizeof *sm->t);
    if (!sm->t) return SL_ENOMEM;
    sm->n = n;
    sm->cx = 0;
    sm->limit = (uint32_t)limit;
    sm->rates = rates;
    for (uint32_t i = 0; i < n; i++) sm->t[i] = 1u << 31;
    return 0;
}

void sm_set(statemap *sm, uint32_t cx, uint32_t p16)
{
    sm->t[cx] = p16 << 16;
}

void sm_fini(statemap *sm)
{
    free(sm->t);
    sm->t = NULL;
}
