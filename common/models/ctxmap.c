/* common/models/ctxmap.c — see ctxmap.h. */
#include "ctxmap.h"
#include "../bigmem.h"
#include "../err.h"

int ctxmap_init(ctxmap *m, int bucket_bits, int wide)
{
    m->wide = wide;
    m->bytes = (size_t)64 << bucket_bits;
    /* Pages the input never reaches stay unmapped; huge pages where the
     * kernel gives them (bigmem.h). */
    m->t = bigmem_calloc(m->bytes, 1);
    if (!m->t) return SL_ENOMEM;
    m->bucket_mask = ((uint64_t)1 << bucket_bits) - 1;
    return 0;
}

void ctxmap_fini(ctxmap *m)
{
    bigmem_free(m->t);
    m->t = NULL;
}
