/* common/bytebuf.c — see bytebuf.h. */
#include "bytebuf.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

int bytebuf_reserve(bytebuf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len) return SL_ENOMEM;
    size_t need = b->len + extra;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) { cap = need; break; }
        cap *= 2;
    }
    uint8_t *p = realloc(b->p, cap);
    if (!p) return SL_ENOMEM;
    b->p = p;
    b->cap = cap;
    return 0;
}

int bytebuf_append(bytebuf *b, const void *data, size_t n)
{
    int rc = bytebuf_reserve(b, n);
    if (rc) return rc;
    if (n) memcpy(b->p + b->len, data, n);
    b->len += n;
    return 0;
}

void bytebuf_fini(bytebuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
