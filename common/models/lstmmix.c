/* common/models/lstmmix.c — see lstmmix.h. */
#include "lstmmix.h"

#include <string.h>

uint64_t lstm_mix_mem(int mode)
{
    uint64_t ctx = ((mode & 1) ? 8 * 256 : 0) + ((mode & 2) ? 65536 : 0) + ((mode & 4) ? 65536 : 0);
    return ctx * (33 * 4 + 1);
}

int lstm_mix_init(lstm_mix *x, int mode, int limit, const uint16_t *rates, const sq_table *sq)
{
    memset(x, 0, sizeof *x);
    x->mode = mode;
    int rc = 0;
    if (mode & 1) rc = apm_init(&x->exp, 8 * 256, limit, rates, sq);
    if (!rc && (mode & 2)) rc = apm_init(&x->ord1, 65536, limit, rates, sq);
    if (!rc && (mode & 4)) rc = apm_init(&x->ex1, 65536, limit, rates, sq);
    if (rc) lstm_mix_fini(x);
    return rc;
}

void lstm_mix_fini(lstm_mix *x)
{
    apm_fini(&x->exp);
    apm_fini(&x->ord1);
    apm_fini(&x->ex1);
}
