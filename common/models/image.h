/* common/models/image.h — a model for 1-bit bitmaps: rows of w bytes,
 * eight pixels a byte, most significant bit first.
 *
 * Each bit is a pixel; its neighbours to the left (in this row) and above
 * (in up to eight rows, up to 23 pixels left and 8 right of it) are
 * known, because the rows above were coded earlier. Seventeen templates of
 * those neighbours (the nearest pixels in several shapes, a column, the
 * number of black pixels around), in the manner of JBIG and of paq8px's
 * 1-bit image model, index small direct tables, each entry a bit history
 * and a pair of counts; eight larger templates are hashed into a table of
 * adaptive probabilities. Two mixers of the model's own, their weight
 * sets chosen by the nearest pixels, the 6 pixels of a small template
 * and the count of black pixels among 40, mix them:
 *   - the first gives cm's mixer one input (img_predict's result);
 *   - the second also takes cm's final probability, and img_refine
 *     returns its output instead of cm's while its recent errors are the
 *     smaller ones (on a bitmap, mostly; on other records, rarely).
 *     On a bitmap (im->pixels, set by cm) its output first goes through
 *     two APMs keyed by 12 and 16 pixels around (averaged 3:3 with 2
 *     parts of the mixer's), and is used while its errors are not an
 *     eighth above cm's (development bitmaps, max: 53,631 -> 52,848 B
 *     of ideal code with the record model's widths).
 *
 * The row width comes from cm, found from the bytes already coded, so
 * both ends use the same width at the same bit: on a bitmap, the width
 * imgwidth.h finds from the pixels (im->wd), else the record length
 * record.h found. cm runs the model while that width is at least
 * IMG_MIN_W and, with cm.image=1, while img_byte finds that the bytes
 * look like a bitmap (cm.image=2: on any binary records, where it helps
 * a little at several times the cost).
 *
 *   img_init(&im, sq, bh, rates);
 *   per bit: st = img_predict(&im, buf, mask, pos, w, bitpos, left);
 *            ... p = img_refine(&im, p); code the bit; img_update(&im, bit);
 *   pos: the index of the byte being coded; left: the last 32 pixels
 *   (bits) coded, the latest lowest. The rows above are read from buf at
 *   every bit, so nothing goes stale while the model is off. */
#ifndef SL_IMAGE_H
#define SL_IMAGE_H

#include "../fixmath.h"
#include "apm.h"
#include "bithist.h"
#include "imgwidth.h"
#include "mixer.h"
#include "statemap.h"
#include <stdint.h>

#define IMG_MIN_W     4
#define IMG_ROWS      8
#define IMG_NDIRECT   17
#define IMG_NHASH     8
#define IMG_HASH_BITS 23
#define IMG_INPUTS    (3 * IMG_NDIRECT + 2 * 4 + 3 * IMG_NHASH + 1)  /* with the bias */

typedef struct image_model {
    uint32_t r[IMG_ROWS + 1];   /* r[0]: this row, bit 0 the pixel to the left;
                                   r[k]: k rows up, bit 8 the pixel above */
    uint8_t  *st;               /* bit histories of all direct contexts */
    uint32_t *cnt;              /* their counts of 0s (high half) and 1s */
    uint32_t *hp;               /* hashed contexts' probabilities (image.c) */
    uint32_t idx[IMG_NDIRECT];  /* this bit's entry per direct context */
    uint32_t hidx[IMG_NHASH];
    statemap sm;                /* bit history -> probability, per context */
    mixer    mx, mx2;           /* cm's input; the refinement */
    uint32_t sel[3];            /* the mixers' weight sets for this bit */
    int      l2;                /* their layer-2 set */
    int      refined;           /* img_refine ran for this bit */
    int      pixels;            /* the data is taken for a bitmap (set by the caller) */
    uint32_t p_cm, p_img;       /* the two candidates of img_refine */
    uint32_t err_cm, err_img;   /* their running absolute errors */
    apm      ap[2];             /* img_refine's stages: by the pixels around */
    uint32_t acx[2];            /* ... their contexts for this bit */
    uint32_t tr;                /* colour changes per byte (img_byte), 1/4096 */
    int      bitmap;            /* the bytes look like a bitmap */
    imgwidth wd;                /* the row width from the pixels (imgwidth.h) */
    const sq_table *sq;
    const bh_table *bh;
} image_model;

int  img_init(image_model *im, const sq_table *sq, const bh_table *bh,
              const uint16_t *rates);
void img_fini(image_model *im);
/* Bytes img_init allocates (for recipe_model_mem). */
uint64_t img_mem(void);
/* Stretched probability that the next pixel is 1. */
int  img_predict(image_model *im, const uint8_t *buf, uint32_t mask, uint32_t pos,
                 uint32_t w, int bitpos, uint32_t left);
/* cm's final probability p16 in, the one to code with out. */
uint32_t img_refine(image_model *im, uint32_t p16);
void img_update(image_model *im, int bit);
/* img_refine's own probability has erred less than cm's of late. */
static inline int img_winning(const image_model *im)
{
    return im->err_img < im->err_cm;
}
/* Per byte of binary data, c after prev: updates im->bitmap. */
void img_byte(image_model *im, uint32_t prev, uint32_t c);

#endif
