/* common/bigmem.h — zeroed tables of megabytes that a model reaches at
 * random (hash tables, match indexes).
 *
 *   uint32_t *t = bigmem_calloc(n, sizeof *t);   NULL when out of memory
 *   ...
 *   bigmem_free(t);                               NULL is fine
 *
 * Like calloc, pages stay unmapped until the input reaches them. A table
 * of 2 MiB or more starts on a 2 MiB boundary and is offered to the kernel
 * as huge pages (madvise; only a hint, the contents are the same either
 * way): one page fault per 2 MiB instead of one per 4 KiB, and fewer TLB
 * misses. On alice29.txt with the default recipe the match indexes alone
 * took 16,000 page faults. */
#ifndef SL_BIGMEM_H
#define SL_BIGMEM_H

#include <stddef.h>

void *bigmem_calloc(size_t n, size_t size);
void  bigmem_free(void *p);

#endif
