/* common/digest.c — the running state hash behind model digests. Not a
 * cryptographic hash: it only has to change when any state byte changes. */
#include "model.h"

#include <string.h>

uint64_t dg_u64(uint64_t h, uint64_t v)
{
    return hash64(h ^ (v + 0x9e3779b97f4a7c15ull));
}

uint64_t dg_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t a = h, b = ~h;
    while (n >= 16) {
        uint64_t x, y;
        memcpy(&x, s, 8);
        memcpy(&y, s + 8, 8);
        a = (a ^ x) * 0x9e3779b97f4a7c15ull;
        b = (b ^ y) * 0xc2b2ae3d27d4eb4full;
        a = (a << 29) | (a >> 35);
        b = (b << 31) | (b >> 33);
        s += 16;
        n -= 16;
    }
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++) t = (t << 8) | s[i];
    return dg_u64(dg_u64(a, b), t ^ ((uint64_t)n << 56));
}
