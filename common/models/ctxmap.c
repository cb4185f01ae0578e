/* common/models/ctxmap.c — see ctxmap.h. */
#include "ctxmap.h"
#include "../err.h"

#include <stdlib.h>

int ctxmap_init(ctxmap *m, int slot_bits)
{
    m->bytes = (size_t)16 << slot_bits;
    /* calloc, not memset: pages the input never reaches stay unmapped. */
    m->raw = calloc(m->bytes + 64, 1);
    if (!m->raw) return SL_ENOMEM;
    m->t = (uint8_t *)(((uintptr_t)m->raw + 63) & ~(uintptr_t)63);
    m->bucket_mask = ((uint64_t)1 << (slot_bits - 2)) - 1;
    return 0;
}

void ctxmap_fini(ctxmap *m)
{
    free(m->raw);
    m->raw = NULL;
    m->t = NULL;
}
