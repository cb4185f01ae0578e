/* common/models/apm.c — see apm.h. */
#include "apm.h"
#include "../err.h"

#include <stdlib.h>

/* The knots are allocated zeroed, so pages no context reaches cost
 * nothing, and a context's knots are set on its first use. */
int apm_init(apm *a, uint32_t contexts, int limit, const uint16_t *rates,
             const sq_table *sq)
{
    a->sm.t = calloc((size_t)contexts * 33, sizeof *a->sm.t);
    a->ready = calloc((contexts + 7) / 8, 1);
    if (!a->sm.t || !a->ready) {
        apm_fini(a);
        return SL_ENOMEM;
    }
    a->sm.n = contexts * 33;
    a->sm.cx = 0;
    a->sm.limit = (uint32_t)limit;
    a->sm.rates = rates;
    for (int j = 0; j < 33; j++)
        a->knot0[j] = (sq_squash(sq, (j - 16) * 128) << 16) | 6; /* start slow */
    return 0;
}

void apm_first_use(apm *a, uint32_t cx)
{
    a->ready[cx >> 3] |= (uint8_t)(1u << (cx & 7));
    for (int j = 0; j < 33; j++) a->sm.t[cx * 33 + (uint32_t)j] = a->knot0[j];
}

void apm_ready_all(apm *a)
{
    for (uint32_t cx = 0; cx < a->sm.n / 33; cx++)
        if (!(a->ready[cx >> 3] >> (cx & 7) & 1)) apm_first_use(a, cx);
}

void apm_fini(apm *a)
{
    free(a->sm.t);
    free(a->ready);
    a->sm.t = NULL;
    a->ready = NULL;
}
