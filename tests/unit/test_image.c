/* tests/unit/test_image.c — the 1-bit image model learns a bitmap from
 * the rows above, given the right row width, and does much worse with a
 * wrong one; it reads the rows from the buffer, so two models fed the same
 * bits agree. */
#include "../../common/models/image.h"
#include "../../common/fixmath.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 40           /* bytes per row */
#define H 300
#define MASK ((1u << 15) - 1)

/* Discs and thick slanted lines on white, rows of W bytes. */
static void bitmap(uint8_t *p)
{
    memset(p, 0, W * H);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W * 8; x++) {
            int dx = x - 160, dy = y - 150, on = dx * dx + dy * dy < 90 * 90 &&
                                               dx * dx + dy * dy > 70 * 70;
            on |= (x + 2 * y) % 97 < 5;
            on |= y % 50 < 3 && x > 20 && x < 300;
            if (on) p[y * W + x / 8] |= (uint8_t)(0x80 >> (x & 7));
        }
}

/* Codes the bitmap's bits with the model alone, given row width w; returns
 * the ideal size in bits of the last two thirds. */
static double cost(const uint8_t *img, uint32_t w, image_model *im, const sq_table *sq)
{
    static uint8_t buf[MASK + 1];
    memset(buf, 0, sizeof buf);
    double bits = 0;
    uint32_t left = 0;
    (void)sq;
    for (uint32_t pos = 0; pos < W * H; pos++) {
        for (int b = 0; b < 8; b++) {
            int bit = img[pos] >> (7 - b) & 1;
            int st = img_predict(im, buf, MASK, pos, w, b, left);
            double p1 = 1.0 / (1.0 + exp(-st / 256.0));
            if (pos >= W * H / 3) bits -= log2(bit ? p1 : 1.0 - p1);
            img_update(im, bit);
            left = left << 1 | (uint32_t)bit;
        }
        buf[pos & MASK] = img[pos];
    }
    return bits;
}

/* The tables a model reads, and two models on them. */
typedef struct fixture {
    sq_table sq;
    bh_table bh;
    uint16_t rates[1024];
    image_model a, b;
} fixture;

static void two_models(fixture *f)
{
    sq_table_init(&f->sq);
    bh_table_init(&f->bh);
    sm_rates_init(f->rates);
    cr_assert_eq(img_init(&f->a, &f->sq, &f->bh, f->rates), 0);
    cr_assert_eq(img_init(&f->b, &f->sq, &f->bh, f->rates), 0);
}

Test(image, learns_a_bitmap_from_the_rows_above)
{
    static uint8_t img[W * H];
    bitmap(img);
    fixture f;
    two_models(&f);
    double pixels = W * 8.0 * (H - H / 3);
    double right = cost(img, W, &f.a, &f.sq) / pixels, wrong = cost(img, W + 3, &f.b, &f.sq) / pixels;
    cr_assert(right < 0.03, "%.4f bits per pixel with the right width", right);
    cr_assert(wrong > 2 * right, "a wrong width costs %.4f, the right one %.4f", wrong, right);
    img_fini(&f.a);
    img_fini(&f.b);
}

Test(image, same_bits_same_predictions)
{
    static uint8_t img[W * H], buf[MASK + 1];
    bitmap(img);
    fixture f;
    two_models(&f);
    uint32_t left = 0;
    for (uint32_t pos = 0; pos < W * 60; pos++) {
        for (int k = 0; k < 8; k++) {
            int bit = img[pos] >> (7 - k) & 1;
            cr_assert_eq(img_predict(&f.a, buf, MASK, pos, W, k, left),
                         img_predict(&f.b, buf, MASK, pos, W, k, left));
            img_update(&f.a, bit);
            img_update(&f.b, bit);
            left = left << 1 | (uint32_t)bit;
        }
        buf[pos] = img[pos];
    }
    img_fini(&f.a);
    img_fini(&f.b);
}

Test(image, tells_bitmaps_from_other_binary_data)
{
    static uint8_t img[W * H];
    bitmap(img);
    fixture f;
    two_models(&f);
    for (uint32_t i = 1; i < W * H; i++) img_byte(&f.a, img[i - 1], img[i]);
    cr_assert(f.a.bitmap, "a bitmap of discs and lines: %u changes per byte (1/4096)", f.a.tr);
    /* Little-endian counters and small numbers, as in a table. */
    uint32_t v = 12345, prev = 0;
    for (uint32_t i = 0; i < 20000; i++) {
        if (i % 8 == 0) v = v * 1103515245u + 12345u;
        uint32_t c = (v >> (8 * (i % 4))) & 0xff;
        img_byte(&f.b, prev, c);
        prev = c;
    }
    cr_assert(!f.b.bitmap, "numbers: %u changes per byte (1/4096)", f.b.tr);
    img_fini(&f.a);
    img_fini(&f.b);
}
