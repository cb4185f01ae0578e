/* common/models/imgwidth.h — finds the row width of a 1-bit bitmap from
 * its pixels, for the image model (image.h).
 *
 * The record model (record.h) finds a record length from repeated bytes;
 * a dithered image repeats hardly any byte, and a page of text repeats
 * few until several lines of it have gone by. This detector asks the
 * pixels instead: the row width w is the distance at which the pixels
 * above predict a pixel best.
 *
 * A search looks at the last IW_WINDOW bytes. First, for every distance
 * d from 2 to IW_MAX_D bytes, how often the majority value of a pixel
 * given its left neighbour and the pixel d bytes back is wrong (counted
 * 64 pixels at a time with popcounts). The IW_TOP best distances and
 * their divisors (a dithered image's best distance is often two or three
 * rows) then compete on a richer template: three pixels to the left and
 * five in the row d bytes back, each pixel predicted by the majority so
 * far in its context (on noise, so, the many contexts gain nothing over
 * the left pixels' few); the fewest errors wins, the smaller
 * width on a near tie (within 1/16). (With two pixels of the row 2d back
 * as well, half the width of a page of text came close to the width: its
 * row 2d back is the row above.) It becomes the width if
 * the rows above cut the errors of the left pixels alone by an eighth,
 * and replaces a width found before if it beats it by an eighth too and
 * is not a small multiple of it (an ordered dither repeats every four
 * rows; the image model reads eight rows up).
 *
 * Searches run on binary data only, after IW_FIRST bytes that are not
 * all white or all black, then after twice as many each time (up to
 * IW_GAP_MAX): a search costs about as much as coding a few hundred
 * bytes with max. Both ends see the same bytes, so they find the same
 * width at the same byte.
 *
 *   iw_init(&d);
 *   per byte of binary data, after it is stored at buf[(pos - 1) & mask]:
 *     iw_byte(&d, buf, mask, pos);   (buf: a ring of mask + 1 bytes; a
 *                                      small ring shrinks the window)
 *   d.w: the width found, in bytes; 0: none. */
#ifndef SL_IMGWIDTH_H
#define SL_IMGWIDTH_H

#include <stdint.h>

#define IW_WINDOW  2048
#define IW_MAX_D   2048
#define IW_TOP     4
#define IW_FIRST   256
#define IW_GAP_MAX 65536

typedef struct imgwidth {
    uint32_t w;          /* the width found; 0: none */
    uint32_t active;     /* bytes not all white or black since the last search */
    uint32_t gap;        /* ... needed for the next one */
    uint32_t searches;   /* searches run (for tests and reports) */
} imgwidth;

void iw_init(imgwidth *d);
void iw_byte(imgwidth *d, const uint8_t *buf, uint32_t mask, uint32_t pos);
/* One search over the IW_WINDOW bytes before pos (fewer, early on or in
 * a small ring): the width it finds (d->w while nothing beats it by an
 * eighth), or 0 if the rows above do not help enough; d->w is left
 * alone. Exposed for the tests. */
uint32_t iw_search(const imgwidth *d, const uint8_t *buf, uint32_t mask, uint32_t pos);

#endif
