/* common/models/record.h — fixed-length records: find the length from the
 * bytes already coded, and give contexts built from the record above.
 *
 * Tables, spreadsheets, sampled data, bitmaps and parts of object files
 * repeat with a fixed stride: the byte one record back ("above") and its
 * neighbours predict the next byte better than the bytes just before it.
 * Detection, at each byte of binary data: a distance becomes a candidate
 * when it is often the distance to the previous equal byte, or when a
 * byte value occurs four times (five for short strides) at that equal
 * distance. Each candidate, and the length in use, keeps a running score:
 * how often "the byte that followed this one, that far back, last time"
 * comes again. A candidate replaces the length in use when its score is
 * clearly higher; then the new length's halves, thirds and quarters are
 * proposed too (a multiple of the right length scores high as well).
 * Both ends see the same bytes, so they find the same length at the same
 * byte.
 *
 * All of it runs only on binary data: a running share of bytes that are
 * neither printable ASCII nor tab, newline or carriage return switches it
 * on and off (text has its own column contexts in cm, and pays only for
 * this gate).
 *
 *   rec_init(&r);
 *   per byte, after it is stored at buf[(pos - 1) & mask]:
 *     rec_byte(&r, buf, mask, pos);
 *     if (rec_active(&r)) rec_contexts(&r, buf, mask, pos, n, h);
 *   r.len, r.col: the record length (0: none yet) and, while active, the
 *   next byte's column, for mixer selectors and the image model. */
#ifndef SL_RECORD_H
#define SL_RECORD_H

#include <stdint.h>

#define REC_MAX_CTX 8
#define REC_CANDS   4
#define REC_GAPS    512

typedef struct record_model {
    uint32_t last[256][4];        /* last four positions of each byte value */
    uint32_t cand[REC_CANDS];     /* candidate lengths, 0: none ... */
    uint32_t votes[REC_CANDS];    /* ... their votes ... */
    uint32_t need[REC_CANDS];     /* ... the votes they need ... */
    uint32_t hits[REC_CANDS];     /* ... scores (16-bit fixed point) ... */
    uint32_t age[REC_CANDS];      /* ... bytes since they became candidates */
    uint8_t  pred[REC_CANDS + 1][256];  /* per candidate, then the length in use:
                                           the byte that last followed each byte
                                           that far back */
    uint32_t gap_key[REC_GAPS];   /* distances to the previous equal byte ... */
    uint16_t gap_cnt[REC_GAPS];   /* ... and how often they were seen */
    uint32_t len;                 /* record length in use; 0: none */
    uint32_t len_hits;            /* its score */
    uint32_t col;                 /* column of the next byte: pos % len */
    uint32_t binary;              /* share of non-text bytes, 16-bit fixed point */
    int      is_binary;           /* the gate, with hysteresis */
} record_model;

void rec_init(record_model *r);
/* The byte at pos - 1 was just stored; pos >= 1. */
void rec_byte(record_model *r, const uint8_t *buf, uint32_t mask, uint32_t pos);

static inline int rec_active(const record_model *r)
{
    return r->len && r->is_binary;
}

/* Writes n (<= REC_MAX_CTX) context values for the next byte into h, in
 * this order: the byte above and the column; above and left; above and
 * two records up; left and the column; above, left, above-left and
 * above-right; the column; the byte above and the column by the
 * second-best length; three records up, coarser, and 16 columns. The
 * caller hashes them. Only meaningful while rec_active. */
void rec_contexts(const record_model *r, const uint8_t *buf, uint32_t mask,
                  uint32_t pos, int n, uint64_t *h);

#endif
