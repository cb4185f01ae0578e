/* common/models/imgwidth.c — see imgwidth.h. */
#include "imgwidth.h"

#include <string.h>

#define IW_MIN_W 4      /* the image model's narrowest rows (IMG_MIN_W) */
#define IW_DIVS  8      /* divisors 2..IW_DIVS of the best distances compete */
#define IW_ROWS  8      /* rows above the image model reads (IMG_ROWS) */
#define IW_MIN_ERR 32   /* fewer errors than this: nothing to learn from */

void iw_init(imgwidth *d)
{
    memset(d, 0, sizeof *d);
    d->gap = IW_FIRST;
}

static inline uint32_t pc64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (uint32_t)((x * 0x0101010101010101ull) >> 56);
}

static inline uint32_t px(const uint8_t *buf, uint32_t mask, uint32_t bit)
{
    return buf[(bit >> 3) & mask] >> (7 - (bit & 7)) & 1;
}

/* The 64 pixels of bytes i..i+7, the first byte's first pixel highest. */
static inline uint64_t load64(const uint8_t *buf, uint32_t mask, uint32_t i)
{
    uint64_t v = 0;
    for (uint32_t j = 0; j < 8; j++) v = v << 8 | buf[(i + j) & mask];
    return v;
}

static inline uint32_t min2(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Coarse errors per distance d (2 <= d < dmax) over n bytes (a multiple
 * of 8) before pos: the pixel's majority given its left neighbour and
 * the pixel d bytes back. */
static void coarse(const uint8_t *buf, uint32_t mask, uint32_t pos, uint32_t n,
                   uint32_t dmax, uint32_t *err)
{
    uint32_t lo = pos - n;
    /* Per block, d-independent: all pixels, their left neighbours. */
    uint32_t ones = 0, lones = 0, cl = 0;
    for (uint32_t i = lo; i < pos; i += 8) {
        uint64_t c = load64(buf, mask, i);
        uint64_t l = c >> 1 | (uint64_t)(buf[(i - 1) & mask] & 1) << 63;
        ones += pc64(c);
        lones += pc64(l);
        cl += pc64(c & l);
    }
    for (uint32_t d = 2; d < dmax; d++) {
        uint32_t ca = 0, cal = 0, a1 = 0, al = 0;
        for (uint32_t i = lo; i < pos; i += 8) {
            uint64_t c = load64(buf, mask, i), a = load64(buf, mask, i - d);
            uint64_t l = c >> 1 | (uint64_t)(buf[(i - 1) & mask] & 1) << 63;
            ca += pc64(c & a);
            cal += pc64(c & a & l);
            a1 += pc64(a);
            al += pc64(a & l);
        }
        /* Pixels and ones in each of the four contexts (above, left). */
        uint32_t all = n * 8;
        uint32_t n11 = al, n10 = a1 - al, n01 = lones - al, n00 = all - a1 - lones + al;
        uint32_t o11 = cal, o10 = ca - cal, o01 = cl - cal, o00 = ones - ca - cl + cal;
        err[d] = min2(o11, n11 - o11) + min2(o10, n10 - o10) + min2(o01, n01 - o01) +
                 min2(o00, n00 - o00);
    }
}

/* Errors of the richer template over the n bytes before pos, with rows
 * d bytes apart (d = 0: the left pixels alone), each pixel predicted by
 * the majority of the pixels before it in its context. */
static uint32_t rich(const uint8_t *buf, uint32_t mask, uint32_t pos, uint32_t n, uint32_t d)
{
    uint16_t cnt[1024][2];
    memset(cnt, 0, sizeof cnt);
    uint32_t b0 = (pos - n) * 8, b1 = pos * 8, u = d * 8, e = 0;
    for (uint32_t b = b0; b < b1; b++) {
        uint32_t cx = px(buf, mask, b - 1) | px(buf, mask, b - 2) << 1 | px(buf, mask, b - 3) << 2;
        if (d)
            for (uint32_t k = 0; k < 5; k++) cx |= px(buf, mask, b - u - 2 + k) << (3 + k);
        /* Counted as it goes: the pixel against the majority so far (a
         * template with many contexts gains nothing on noise). */
        uint32_t bit = px(buf, mask, b);
        e += bit != (cnt[cx][1] > cnt[cx][0]);
        cnt[cx][bit]++;
    }
    return e;
}

uint32_t iw_search(const imgwidth *d, const uint8_t *buf, uint32_t mask, uint32_t pos)
{
    /* The window and the distances, within the bytes seen and the ring. */
    uint32_t ring = mask + 1;
    uint32_t n = min2(min2(IW_WINDOW, pos / 3), ring / 4) & ~7u;
    if (n < 64) return 0;
    uint32_t dmax = min2(min2(IW_MAX_D, pos - n - 8), ring / 2);
    uint32_t err[IW_MAX_D];
    coarse(buf, mask, pos, n, dmax, err);
    /* The IW_TOP best distances, and their divisors. */
    uint32_t top[IW_TOP] = {0};
    for (uint32_t k = 2; k < dmax; k++) {
        int j = IW_TOP;
        while (j > 0 && (!top[j - 1] || err[k] < err[top[j - 1]])) j--;
        if (j == IW_TOP) continue;
        memmove(top + j + 1, top + j, (size_t)(IW_TOP - 1 - j) * sizeof *top);
        top[j] = k;
    }
    uint32_t base = rich(buf, mask, pos, n, 0);
    if (base < IW_MIN_ERR) return 0;
    uint32_t best = 0, best_e = 0;
    for (int j = 0; j < IW_TOP && top[j]; j++)
        for (uint32_t q = 1; q <= IW_DIVS; q++) {
            uint32_t c = top[j] / q;
            if (top[j] % q || c < IW_MIN_W) continue;
            uint32_t e = rich(buf, mask, pos, n, c);
            /* The fewest errors; the smaller width on a near tie. */
            if (!best || (c < best ? e <= best_e + (best_e >> 4) : e + (e >> 4) < best_e)) {
                best = c;
                best_e = e;
            }
        }
    if (!best || best_e > base - (base >> 3)) return 0;
    /* A few rows of the width in use: the image model reads that far up. */
    if (d->w && best % d->w == 0 && best / d->w <= IW_ROWS) return d->w;
    if (d->w && d->w < dmax) {
        uint32_t cur = rich(buf, mask, pos, n, d->w);
        if (best_e > cur - (cur >> 3)) return d->w;
    }
    return best;
}

void iw_byte(imgwidth *d, const uint8_t *buf, uint32_t mask, uint32_t pos)
{
    uint8_t c = buf[(pos - 1) & mask];
    if (c == 0 || c == 255) return;
    if (++d->active < d->gap) return;
    d->active = 0;
    d->gap = d->gap < IW_GAP_MAX ? d->gap * 2 : IW_GAP_MAX;
    d->searches++;
    uint32_t w = iw_search(d, buf, mask, pos);
    if (w) d->w = w;
}
