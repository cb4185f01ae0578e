/* common/models/runhist.h — a context's byte history and the run input
 * built on it.
 *
 * cm keeps RUNHIST_BYTES bytes per context in the slot of its first nibble
 * (ctxmap's wide layout): the last three different bytes seen in the
 * context (newest first), how many times in a row the newest came, and how
 * many of the three are known. After each byte of the context:
 * runhist_add(h, c). At the start of a byte, runhist_candidates(h, &rc)
 * picks the candidates for the next byte: the newest byte, then the one
 * before it. For each bit, runhist_row(&rc, c0, bitpos) gives the row
 * (0..RUNHIST_ROWS-1) of an adaptive map that learns how often the first
 * candidate still agreeing with the bits so far predicts the next bit
 * right, by candidate, run length, whether another byte is known, bit
 * position and expected bit; or -1 when neither agrees. */
#ifndef SL_RUNHIST_H
#define SL_RUNHIST_H

#include <stdint.h>

#define RUNHIST_BYTES 5
#define RUNHIST_ROWS  1024
#define RUNHIST_GROUPS 25  /* runhist_group's values */

enum { RH_B1, RH_B2, RH_B3, RH_RUN, RH_KNOWN };

typedef struct runhist_cand {
    uint32_t b[2];     /* candidate byte | 256, or 0 when unknown */
    uint32_t row[2];   /* its first row */
} runhist_cand;

static inline void runhist_add(uint8_t *h, int c)
{
    if (h[RH_KNOWN] && h[RH_B1] == c) {
        h[RH_RUN] += h[RH_RUN] < 255;
        return;
    }
    h[RH_B3] = h[RH_B2];
    h[RH_B2] = h[RH_B1];
    h[RH_B1] = (uint8_t)c;
    h[RH_RUN] = 1;
    h[RH_KNOWN] += h[RH_KNOWN] < 3;
}

static inline void runhist_candidates(const uint8_t *h, runhist_cand *rc)
{
    uint32_t known = h[RH_KNOWN], run = h[RH_RUN] < 15 ? h[RH_RUN] : 15;
    rc->b[0] = known >= 1 ? h[RH_B1] | 256u : 0;
    rc->b[1] = known >= 2 ? h[RH_B2] | 256u : 0;
    rc->row[0] = (run * 2 + (known >= 2)) * 16;
    rc->row[1] = (16 * 2 + (known >= 3)) * 16;
}

/* c0: the partial byte with its leading 1; bitpos: bits of it known. */
static inline int runhist_row(const runhist_cand *rc, uint32_t c0, int bitpos)
{
    uint32_t bp = (uint32_t)bitpos, sh = 8 - bp, b, row;
    if ((rc->b[0] >> sh) == c0) {
        b = rc->b[0]; row = rc->row[0];
    } else if ((rc->b[1] >> sh) == c0) {
        b = rc->b[1]; row = rc->row[1];
    } else {
        return -1;
    }
    return (int)(row + bp * 2 + ((b >> (7 - bp)) & 1));
}

/* What a run row (runhist_row's value, or -1) says in few words, for
 * keying a context's state map by it (cm's sm.run): 0 when no byte of
 * the history agrees with the bits so far; else 1 + 2 g + the bit the
 * agreeing byte expects, g being, for the newest byte, its run (1, 2, 3,
 * 4..7, 8 or more: 0..4) times 2 plus whether another byte is known
 * (0..9), and for the one before it, 10 plus whether a third is known.
 * The table holds 1 + 2 g by the row's first 16 (row / 16: the run times
 * 2 plus the known bit, runhist_candidates; 32, 33: the older byte). */
static inline uint32_t runhist_group(int row)
{
    static const uint8_t base[34] = {
        1, 3, 1, 3, 5, 7, 9, 11,                           /* runs 0 (none), 1, 2, 3 */
        13, 15, 13, 15, 13, 15, 13, 15,                    /* 4..7 */
        17, 19, 17, 19, 17, 19, 17, 19, 17, 19, 17, 19, 17, 19, 17, 19,  /* 8..15 */
        21, 23,                                            /* the older byte */
    };
    return row < 0 ? 0 : base[(uint32_t)row >> 4] + ((uint32_t)row & 1);
}

#endif
