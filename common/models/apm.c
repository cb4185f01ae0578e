/* common/models/apm.c — see apm.h. */
#include "apm.h"

int apm_init(apm *a, uint32_t contexts, int limit, const uint16_t *rates,
             const sq_table *sq)
{
    int rc = sm_init(&a->sm, contexts * 33, limit, rates);
    if (rc) return rc;
    for (uint32_t c = 0; c < contexts; c++)
        for (int j = 0; j < 33; j++)
            a->sm.t[c * 33 + (uint32_t)j] =
                (sq_squash(sq, (j - 16) * 128) << 16) | 6; /* start slow */
    return 0;
}

void apm_fini(apm *a)
{
    sm_fini(&a->sm);
}
