/* common/models/ctxmap.c — see ctxmap.h. */
#include "ctxmap.h"
#include "../err.h"

#include <stdlib.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

int ctxmap_init(ctxmap *m, int bucket_bits, int wide)
{
    m->wide = wide;
    m->bytes = (size_t)64 << bucket_bits;
    /* calloc, not memset: pages the input never reaches stay unmapped. */
    m->raw = calloc(m->bytes + 64, 1);
    if (!m->raw) return SL_ENOMEM;
    m->t = (uint8_t *)(((uintptr_t)m->raw + 63) & ~(uintptr_t)63);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    /* Huge pages cut page faults and TLB misses on random access; only a
     * hint, the contents are the same either way. */
    uintptr_t a = ((uintptr_t)m->t + (1u << 21) - 1) & ~(uintptr_t)((1u << 21) - 1);
    uintptr_t e = ((uintptr_t)m->t + m->bytes) & ~(uintptr_t)((1u << 21) - 1);
    if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE);
#endif
    m->bucket_mask = ((uint64_t)1 << bucket_bits) - 1;
    return 0;
}

void ctxmap_fini(ctxmap *m)
{
    free(m->raw);
    m->raw = NULL;
    m->t = NULL;
}
