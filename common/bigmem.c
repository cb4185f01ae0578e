/* common/bigmem.c — see bigmem.h. */
#include "bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#define HUGE_PAGE ((size_t)1 << 21)

void *bigmem_calloc(size_t n, size_t size)
{
    if (size && n > (SIZE_MAX - 2 * HUGE_PAGE) / size) return NULL;
    size_t bytes = n * size;
    size_t align = bytes >= HUGE_PAGE ? HUGE_PAGE : 64;
    /* Room for the alignment and, just below the table, the pointer that
     * calloc gave (bigmem_free needs it). */
    uint8_t *raw = calloc(bytes + align + sizeof(void *), 1);
    if (!raw) return NULL;
    uintptr_t a = ((uintptr_t)raw + sizeof(void *) + align - 1) & ~(uintptr_t)(align - 1);
    uint8_t *p = (uint8_t *)a;
    ((void **)p)[-1] = raw;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    size_t whole = bytes & ~(HUGE_PAGE - 1);
    if (align == HUGE_PAGE && whole) madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}

void bigmem_free(void *p)
{
    if (p) free(((void **)p)[-1]);
}
