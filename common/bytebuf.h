/* common/bytebuf.h — a growable byte buffer the caller owns.
 *
 * bytebuf b = {0}; bytebuf_put(&b, x) ...; use b.p[0..b.len); bytebuf_fini(&b).
 * Growth doubles; every put returns 0 or SL_ENOMEM and never loses what is
 * already stored. */
#ifndef SL_BYTEBUF_H
#define SL_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct bytebuf {
    uint8_t *p;
    size_t   len;
    size_t   cap;
} bytebuf;

int  bytebuf_reserve(bytebuf *b, size_t extra);
int  bytebuf_append(bytebuf *b, const void *data, size_t n);
void bytebuf_fini(bytebuf *b);

static inline int bytebuf_put(bytebuf *b, uint8_t c)
{
    if (b->len == b->cap) {
        int rc = bytebuf_reserve(b, 1);
        if (rc) return rc;
    }
    b->p[b->len++] = c;
    return 0;
}

#endif
