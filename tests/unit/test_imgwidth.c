/* tests/unit/test_imgwidth.c — the pixel width detector finds the row
 * width of line art and of an error-diffused shading (not a multiple or
 * a half of it), finds none in noise, and keeps a width when later rows
 * agree with it. */
#include "../../common/models/imgwidth.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define RING (1u << 16)
#define MASK (RING - 1)

static void set_px(uint8_t *p, uint32_t w, uint32_t x, uint32_t y)
{
    p[y * w + x / 8] |= (uint8_t)(0x80 >> (x & 7));
}

/* Rings of several sizes and thick slanted strokes on white, rows of w
 * bytes; nothing repeats exactly at any distance. */
static void line_art(uint8_t *p, uint32_t w, uint32_t h)
{
    memset(p, 0, (size_t)w * h);
    uint32_t v = 12345;
    for (int k = 0; k < 150; k++) {
        v = v * 1103515245u + 12345u;
        int cx = (int)(v >> 8) % (int)(w * 8), cy = (int)(v >> 20) % (int)h;
        int r = 4 + k % 23, slope = k % 5 - 2;
        for (int dy = -r - 2; dy <= r + 2; dy++)
            for (int dx = -r - 2; dx <= r + 2; dx++) {
                int x = cx + dx, y = cy + dy, r2 = dx * dx + dy * dy;
                int on = k & 1 ? r2 <= r * r && r2 >= (r - 2) * (r - 2)
                               : abs(dx - slope * dy) <= 1 && abs(dy) <= r;
                if (on && x >= 0 && y >= 0 && x < (int)w * 8 && y < (int)h)
                    set_px(p, w, (uint32_t)x, (uint32_t)y);
            }
    }
}

/* A shading from light to dark, error-diffused (Floyd-Steinberg). */
static void dithered(uint8_t *p, uint32_t w, uint32_t h)
{
    memset(p, 0, (size_t)w * h);
    int W8 = (int)w * 8;
    int *err = calloc((size_t)(W8 + 2) * 2, sizeof *err);
    cr_assert_not_null(err);
    int *cur = err + 1, *next = err + W8 + 3;
    for (uint32_t y = 0; y < h; y++) {
        for (int x = 0; x < W8; x++) {
            int v = 30 + x * 180 / W8 + cur[x] / 16, bit = v < 128;
            if (bit) set_px(p, w, (uint32_t)x, y);
            int e = v - (bit ? 0 : 255);
            cur[x + 1] += e * 7;
            next[x - 1] += e * 3;
            next[x] += e * 5;
            next[x + 1] += e;
        }
        int *t = cur;
        cur = next;
        next = t;
        memset(next - 1, 0, (size_t)(W8 + 2) * sizeof *next);
    }
    free(err);
}

/* A new detector fed the first n bytes of img through the ring, as cm
 * feeds it. */
static imgwidth fed(uint8_t *ring, const uint8_t *img, uint32_t n)
{
    imgwidth d;
    iw_init(&d);
    for (uint32_t pos = 0; pos < n; pos++) {
        ring[pos & MASK] = img[pos];
        iw_byte(&d, ring, MASK, pos + 1);
    }
    return d;
}

Test(imgwidth, finds_the_width_of_line_art)
{
    static uint8_t img[50 * 400], ring[RING];
    line_art(img, 50, 400);
    imgwidth d = fed(ring, img, sizeof img);
    cr_assert(d.searches > 0);
    cr_assert_eq(d.w, 50, "found %u", d.w);
}

Test(imgwidth, finds_the_width_of_a_dithered_shading)
{
    /* Its rows repeat every two or three rows far better than any byte
     * repeats: the best distance alone would be 2w or 3w. */
    static uint8_t img[60 * 300], ring[RING];
    dithered(img, 60, 300);
    imgwidth d = fed(ring, img, sizeof img);
    cr_assert_eq(d.w, 60, "found %u", d.w);
}

Test(imgwidth, finds_nothing_in_noise)
{
    static uint8_t img[40000], ring[RING];
    uint32_t v = 2463534242u;
    for (uint32_t i = 0; i < sizeof img; i++) {
        v ^= v << 13;
        v ^= v >> 17;
        v ^= v << 5;
        img[i] = (uint8_t)(v >> 24);
    }
    imgwidth d = fed(ring, img, sizeof img);
    cr_assert(d.searches >= 4, "%u searches", d.searches);
    cr_assert_eq(d.w, 0, "found %u in noise", d.w);
}

Test(imgwidth, a_search_keeps_a_width_the_rows_agree_with)
{
    static uint8_t img[50 * 400], ring[RING];
    line_art(img, 50, 400);
    imgwidth d = fed(ring, img, 50 * 250);
    uint32_t at = 50 * 250;   /* a search over the 40 rows before row 250 */
    uint32_t w = iw_search(&d, ring, MASK, at);
    cr_assert_eq(w, 50, "found %u", w);
    /* A wrong width in use gives way to the right one. */
    d.w = 37;
    w = iw_search(&d, ring, MASK, at);
    cr_assert_eq(w, 50, "found %u", w);
}
