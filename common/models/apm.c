/* common/models/apm.c — see apm.h. */
#include "apm.h"
#include "../err.h"

#include <stdlib.h>

int apm_init(apm *a, uint32_t contexts, int rate, const sq_table *sq)
{
    a->n = contexts * 33;
    a->t = malloc((size_t)a->n * sizeof *a->t);
    if (!a->t) return SL_ENOMEM;
    for (uint32_t c = 0; c < contexts; c++)
        for (int j = 0; j < 33; j++)
            a->t[c * 33 + (uint32_t)j] = (uint16_t)sq_squash(sq, (j - 16) * 128);
    a->idx = 0;
    a->rate = rate;
    return 0;
}

void apm_fini(apm *a)
{
    free(a->t);
    a->t = NULL;
}
