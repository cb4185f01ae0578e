/* common/models/image.c — see image.h.
 *
 * The hashed table's entries are 32-bit like a StateMap's (22-bit
 * probability, 10-bit count), stored XORed with 1 << 31 so that a zeroed
 * entry means p = 1/2 with no evidence: the tables come from calloc, and
 * pages the data never reaches are never touched (text pays no memory for
 * this model). No check bytes: a collision is noise the mixers learn to
 * weigh. */
#include "image.h"
#include "../err.h"
#include "../bigmem.h"
#include "../model.h"

#include <stdlib.h>
#include <string.h>

#define HP_FLIP   0x80000000u
#define HP_LIMIT  1023          /* counts up to here: nearly stationary */
#define IMG_MIX_LR 4
#define IMG_APM_CX  4096    /* img_refine's APMs: 12 pixels around */
#define IMG_APM2_CX 65536   /* ... and 16 */
#define ERR_SHIFT 8             /* img_refine's errors: over ~256 bits */

/* Sizes of the direct contexts, in the order img_contexts lists them. */
static const uint32_t direct_size[IMG_NDIRECT] = {
    4, 16, 16, 64, 256, 256, 256, 256, 256, 512, 1024, 4096, 4096, 5, 13, 25, 41};
static const uint32_t mix_sets[3] = {16, 64, 41};

int img_init(image_model *im, const sq_table *sq, const bh_table *bh,
             const uint16_t *rates)
{
    memset(im, 0, sizeof *im);
    im->tr = 4u << 12;
    iw_init(&im->wd);
    im->sq = sq;
    im->bh = bh;
    size_t n = 0;
    for (int i = 0; i < IMG_NDIRECT; i++) n += direct_size[i];
    im->st = calloc(n, 1);
    im->cnt = calloc(n, sizeof *im->cnt);
    im->hp = bigmem_calloc((size_t)1 << IMG_HASH_BITS, sizeof *im->hp);
    if (!im->st || !im->cnt || !im->hp) return SL_ENOMEM;
    int rc = sm_init(&im->sm, IMG_NDIRECT * 256, 1023, rates);
    if (rc) return rc;
    for (int i = 0; i < IMG_NDIRECT; i++)
        for (int s = 1; s < bh->count; s++) {
            uint32_t n0 = bh->n0[s], n1 = bh->n1[s];
            sm_set(&im->sm, (uint32_t)i * 256 + (uint32_t)s,
                   (n1 * 2 + 1) * 65536 / (n0 * 2 + n1 * 2 + 2));
        }
    rc = mixer_init(&im->mx, IMG_INPUTS, mix_sets, 3, IMG_MIX_LR, sq);
    if (rc) return rc;
    im->err_cm = im->err_img = 32768;
    rc = apm_init(&im->ap[0], IMG_APM_CX, 1023, rates, sq);
    if (!rc) rc = apm_init(&im->ap[1], IMG_APM2_CX, 1023, rates, sq);
    if (rc) return rc;
    return mixer_init(&im->mx2, IMG_INPUTS + 1, mix_sets, 3, IMG_MIX_LR, sq);
}

uint64_t img_mem(void)
{
    uint64_t n = 0;
    for (int i = 0; i < IMG_NDIRECT; i++) n += direct_size[i];
    /* States and counts; hashed table; state map; two mixers of 3 selectors
     * (weights and update counts), their inputs padded to 16. */
    uint64_t sets = mix_sets[0] + mix_sets[1] + mix_sets[2];
    uint64_t w = sets * (((IMG_INPUTS + 1 + 15) & ~15u) * 2 + 2);
    /* ... and the two APMs of img_refine. */
    uint64_t a = (uint64_t)(IMG_APM_CX + IMG_APM2_CX) * (33 * 4) + (IMG_APM_CX + IMG_APM2_CX) / 8;
    return n * 5 + ((uint64_t)4 << IMG_HASH_BITS) + IMG_NDIRECT * 256 * 4 + 2 * w + a;
}

void img_fini(image_model *im)
{
    free(im->st);
    free(im->cnt);
    bigmem_free(im->hp);
    im->st = NULL;
    im->cnt = NULL;
    im->hp = NULL;
    sm_fini(&im->sm);
    mixer_fini(&im->mx);
    mixer_fini(&im->mx2);
    apm_fini(&im->ap[0]);
    apm_fini(&im->ap[1]);
}

/* Pixels lo..hi (offsets from the current pixel, -23 <= lo <= hi <= 8) of
 * a row register, the rightmost lowest. */
static inline uint32_t row(uint32_t r, int lo, int hi)
{
    return (r >> (8 - hi)) & ((1u << (hi - lo + 1)) - 1);
}

static inline uint32_t px(uint32_t r, int off)
{
    return (r >> (8 - off)) & 1;
}

static inline uint32_t popcount32(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    return (((x + (x >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;
}

/* The rows above from the buffer: five bytes around the byte above, then
 * shifted so that bit 8 is the pixel above this one. */
static void img_rows(image_model *im, const uint8_t *buf, uint32_t mask, uint32_t pos,
                     uint32_t w, int bitpos)
{
    for (uint32_t k = 1; k <= IMG_ROWS; k++) {
        uint32_t a = pos - k * w;
        uint64_t win = 0;
        for (uint32_t j = 0; j < 5; j++) win = win << 8 | buf[(a - 3 + j) & mask];
        im->r[k] = (uint32_t)(win >> (7 - bitpos));
    }
}

/* The templates for this pixel: cx (direct, below direct_size) and hx
 * (hashed); the mixers' selectors go to im->sel and im->l2. Drawn with x
 * for the pixels used and ? for this one:
 *   0 x   1 xxx  2 x  3  x   4  xx   5  x   6  xx  7 column of 8 above
 *    x?    x?      x     x     xxx      x     xx  8 xxxxxxxx?
 *                xx?     x   xxx?     xxxxx   xxx 9 pairs of 4 rows, x?
 *                      xxx?           x?     x?  10 6 above, 4 left
 *   11 7 above, 2 beyond, 3 left; 12 5+5 above, 2 left;
 *   13..16 black pixels among 4, 12, 24 and 40 around.
 * Hashed: 13+7+5 above and 6 left; 8 above and 2+2, 8 left; pairs of 8
 * rows; 24 around; 40 around; 17+13+9+5 above and 8 left; 7 in each of
 * six rows above and 5 left; 5 in each of eight rows above and 6 left
 * (the last three: development bitmaps, max, 40,644 -> 39,598 B of
 * ideal code; glyphs and strokes seen before, taller than the others). */
static void img_contexts(image_model *im, uint32_t cx[IMG_NDIRECT], uint64_t hx[IMG_NHASH])
{
    const uint32_t *r = im->r;
    uint32_t r0 = r[0], y = r0 & 1;
    uint32_t s4 = y | row(r[1], -1, 1) << 1;
    uint32_t m6 = (r0 & 7) | px(r[1], 0) << 3 | px(r[2], 0) << 4 | px(r[3], 0) << 5;
    uint32_t s12 = (r0 & 3) | row(r[1], -2, 2) << 2 | row(r[2], -2, 2) << 7;
    uint32_t s24 = (r0 & 7) | row(r[1], -3, 3) << 3 | row(r[2], -3, 3) << 10 |
                   row(r[3], -3, 3) << 17;
    uint32_t frame = px(r0, -4) | px(r[1], -4) << 1 | px(r[2], -4) << 2 |
                     px(r[3], -4) << 3 | row(r[4], -4, 4) << 4 | px(r[3], 4) << 13 |
                     px(r[2], 4) << 14 | px(r[1], 4) << 15;
    uint32_t vert = 0;
    uint64_t pairs = y;
    for (int k = 1; k <= IMG_ROWS; k++) {
        vert = vert << 1 | px(r[k], 0);
        pairs = pairs << 2 | row(r[k], -1, 0);
    }
    uint32_t bc24 = popcount32(s24), bc40 = bc24 + popcount32(frame);
    cx[0] = y | px(r[1], 0) << 1;
    cx[1] = s4;
    cx[2] = (r0 & 3) | px(r[1], 0) << 2 | px(r[2], 0) << 3;
    cx[3] = m6;
    cx[4] = (r0 & 7) | row(r[1], -1, 1) << 3 | row(r[2], -2, -1) << 6;
    cx[5] = y | row(r[1], -1, 3) << 1 | px(r[2], 0) << 6 | px(r[3], 0) << 7;
    cx[6] = y | row(r[1], 0, 2) << 1 | row(r[2], 0, 1) << 4 | row(r[3], 0, 1) << 6;
    cx[7] = vert;
    cx[8] = r0 & 255;
    cx[9] = y | row(r[1], -1, 0) << 1 | row(r[2], -1, 0) << 3 | row(r[3], -1, 0) << 5 |
            row(r[4], -1, 0) << 7;
    cx[10] = (r0 & 15) | row(r[1], -5, 0) << 4;
    cx[11] = (r0 & 7) | row(r[1], -2, 4) << 3 | row(r[2], 2, 3) << 10;
    cx[12] = s12;
    cx[13] = popcount32(s4);
    cx[14] = popcount32(s12);
    cx[15] = bc24;
    cx[16] = bc40;
    hx[0] = (uint64_t)(r0 & 63) | (uint64_t)row(r[1], -5, 7) << 6 |
            (uint64_t)row(r[2], -3, 3) << 19 | (uint64_t)row(r[3], -2, 2) << 26;
    hx[1] = (uint64_t)(r0 & 255) | (uint64_t)row(r[1], -6, 1) << 8 |
            (uint64_t)row(r[2], 0, 1) << 16 | (uint64_t)row(r[3], 0, 1) << 18;
    hx[2] = pairs;
    hx[3] = s24;
    hx[4] = (uint64_t)s24 | (uint64_t)frame << 24;
    hx[5] = (uint64_t)(r0 & 255) | (uint64_t)row(r[1], -8, 8) << 8 |
            (uint64_t)row(r[2], -6, 6) << 25 | (uint64_t)row(r[3], -4, 4) << 38 |
            (uint64_t)row(r[4], -2, 2) << 47;
    hx[6] = (uint64_t)(r0 & 31) | (uint64_t)row(r[1], -3, 3) << 5 | (uint64_t)row(r[2], -3, 3) << 12 |
            (uint64_t)row(r[3], -3, 3) << 19 | (uint64_t)row(r[4], -3, 3) << 26 |
            (uint64_t)row(r[5], -3, 3) << 33 | (uint64_t)row(r[6], -3, 3) << 40;
    hx[7] = (uint64_t)(r0 & 63);
    for (int k = 1; k <= IMG_ROWS; k++) hx[7] |= (uint64_t)row(r[k], -2, 2) << (6 + 5 * (k - 1));
    im->sel[0] = s4;
    im->sel[1] = m6;
    im->sel[2] = bc40;
    im->l2 = (int)((r0 & 15) | row(r[1], -1, 2) << 4);
    im->acx[0] = (r0 & 15) | row(r[1], -2, 2) << 4 | row(r[2], -1, 1) << 9;
    im->acx[1] = (r0 & 15) | row(r[1], -3, 3) << 4 | row(r[2], -2, 2) << 11;
}

/* Two inputs from counts n0, n1: the stretched estimate (halved) and the
 * estimate itself, centred. */
static void add_counts(mixer *mx, const sq_table *sq, uint32_t n0, uint32_t n1)
{
    int p1 = (int)(((n1 + 1) << 12) / (n0 + n1 + 2));
    mixer_add(mx, sq_stretch(sq, (uint32_t)p1 << 4) >> 1);
    mixer_add(mx, (p1 - 2048) >> 2);
}

int img_predict(image_model *im, const uint8_t *buf, uint32_t mask, uint32_t pos,
                uint32_t w, int bitpos, uint32_t left)
{
    img_rows(im, buf, mask, pos, w, bitpos);
    im->r[0] = left;
    uint32_t cx[IMG_NDIRECT];
    uint64_t hx[IMG_NHASH];
    img_contexts(im, cx, hx);
    mixer *mx = &im->mx;
    for (int k = 0; k < 3; k++) mixer_select(mx, k, im->sel[k]);
    im->refined = 0;
    uint32_t base = 0;
    for (int i = 0; i < IMG_NDIRECT; i++) {
        uint32_t j = im->idx[i] = base + cx[i];
        base += direct_size[i];
        uint8_t s = im->st[j];
        if (!s) {   /* never seen */
            for (int k = 0; k < 3; k++) mixer_add(mx, 0);
            continue;
        }
        mixer_add(mx, sq_stretch(im->sq, sm_p(&im->sm, (uint32_t)i * 256 + s)) >> 1);
        add_counts(mx, im->sq, im->cnt[j] >> 16, im->cnt[j] & 0xffff);
    }
    /* The counts of black pixels around, as counts. */
    for (int i = 13; i < 17; i++) {
        static const uint32_t around[17] = {[13] = 4, [14] = 12, [15] = 24, [16] = 40};
        add_counts(mx, im->sq, cx[i], around[i] - cx[i]);
    }
    for (int i = 0; i < IMG_NHASH; i++) {
        uint32_t j = im->hidx[i] =
            (uint32_t)(hash64(hx[i] * 8 + (uint64_t)i) >> 20) & ((1u << IMG_HASH_BITS) - 1);
        uint32_t e = im->hp[j] ^ HP_FLIP, n = e & 1023, p = e >> 16;
        int st = sq_stretch(im->sq, p);
        mixer_add(mx, st);
        mixer_add(mx, ((int)(p >> 4) - 2048) >> 1);
        /* Again when only one value has been seen there. */
        uint32_t n1 = (uint32_t)(((uint64_t)(n + 1) * (e >> 10)) >> 22);
        mixer_add(mx, n <= 1 || (n1 < n - 1 && n1 != 0) ? 0 : st);
    }
    mixer_add(mx, 256);
    return sq_stretch(im->sq, mixer_mix(mx, im->l2));
}

/* Does it look like a bitmap? Bytes of a 1-bit image (all-white and
 * all-black ones aside) change colour fewer times, from the previous
 * byte's last pixel through their own eight, than other binary data:
 * under 2.7 times on average for line art and text, over 4.8 for
 * dithered shades, while numbers, code and noise stay near 4. The share
 * moves 1/64 of the way per byte; it switches on below 2.7 or above 4.8,
 * and off again between 3.3 and 4.5. Measured on the development set's
 * generated bitmaps, records and ELF files. */
#define TR_ON_LOW   11059   /* 2.7 in 1/4096 */
#define TR_OFF_LOW  13517   /* 3.3 */
#define TR_OFF_HIGH 18432   /* 4.5 */
#define TR_ON_HIGH  19661   /* 4.8 */

void img_byte(image_model *im, uint32_t prev, uint32_t c)
{
    if (c == 0 || c == 255) return;
    uint32_t t = popcount32((c ^ (c >> 1)) & 0x7f) + ((prev & 1) != (c >> 7));
    im->tr = (uint32_t)((int32_t)im->tr + (((int32_t)(t << 12) - (int32_t)im->tr) >> 6));
    if (im->tr < TR_ON_LOW || im->tr > TR_ON_HIGH) im->bitmap = 1;
    else if (im->tr > TR_OFF_LOW && im->tr < TR_OFF_HIGH) im->bitmap = 0;
}

uint32_t img_refine(image_model *im, uint32_t p16)
{
    mixer *m2 = &im->mx2;
    for (int k = 0; k < 3; k++) mixer_select(m2, k, im->sel[k]);
    for (int i = 0; i < IMG_INPUTS - 1; i++) mixer_add(m2, im->mx.x[i]);
    mixer_add(m2, sq_stretch(im->sq, p16));
    mixer_add(m2, 256);
    im->refined = 1;
    im->p_cm = p16;
    uint32_t pm = im->p_img = mixer_mix(m2, im->l2);
    if (!im->pixels) return im->err_img < im->err_cm ? pm : p16;
    /* On a bitmap, the two APMs on the pixels around, and the result
     * while its errors are not an eighth above cm's. */
    int st = sq_stretch(im->sq, pm);
    im->p_img = (2 * pm + 3 * apm_p_st(&im->ap[0], st, im->acx[0]) +
                 3 * apm_p_st(&im->ap[1], st, im->acx[1]) + 4) >> 3;
    return im->err_img < im->err_cm + (im->err_cm >> 3) ? im->p_img : p16;
}

static void hp_update(uint32_t *slot, int bit, const uint16_t *rates)
{
    uint32_t e = *slot ^ HP_FLIP;
    uint32_t n = e & 1023;
    int32_t p = (int32_t)(e >> 10);
    int32_t d = (((bit << 22) - bit) - p) >> 6;
    p += (d * (int32_t)rates[n]) >> 9;
    n += n < HP_LIMIT;
    *slot = (((uint32_t)p << 10) | n) ^ HP_FLIP;
}

static uint32_t err_avg(uint32_t avg, uint32_t p16, int bit)
{
    int32_t e = bit ? 65536 - (int32_t)p16 : (int32_t)p16;
    return (uint32_t)((int32_t)avg + ((e - (int32_t)avg) >> ERR_SHIFT));
}

void img_update(image_model *im, int bit)
{
    for (int i = 0; i < IMG_NDIRECT; i++) {
        uint32_t j = im->idx[i];
        im->sm.cx = (uint32_t)i * 256 + im->st[j];
        sm_update(&im->sm, bit);
        im->st[j] = im->bh->next[im->st[j]][bit];
        uint32_t n0 = im->cnt[j] >> 16, n1 = im->cnt[j] & 0xffff;
        n0 += !bit;
        n1 += (uint32_t)bit;
        if (n0 + n1 >= 65536) {
            n0 >>= 1;
            n1 >>= 1;
        }
        im->cnt[j] = n0 << 16 | n1;
    }
    for (int i = 0; i < IMG_NHASH; i++) hp_update(&im->hp[im->hidx[i]], bit, im->sm.rates);
    mixer_update(&im->mx, bit);
    if (im->refined) {
        mixer_update(&im->mx2, bit);
        if (im->pixels) {
            apm_update(&im->ap[0], bit);
            apm_update(&im->ap[1], bit);
        }
        im->err_cm = err_avg(im->err_cm, im->p_cm, bit);
        im->err_img = err_avg(im->err_img, im->p_img, bit);
    }
}
