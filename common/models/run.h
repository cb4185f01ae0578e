/* common/models/run.h — the run model: for each byte context, the byte
 * that last followed it and how many times in a row it did.
 *
 * At a byte boundary, run_byte(&r, old hashes, new hashes, n, c) records c
 * as the successor of each old context and looks the new ones up. Per
 * bit, run_predict picks the highest-order context whose remembered byte
 * still agrees with the bits seen so far and gives a stretched prediction
 * learnt by a StateMap over (which context, run length, expected bit);
 * then run_update(&r, bit). Entries are 32 bits: check, byte, count. */
#ifndef SL_RUN_H
#define SL_RUN_H

#include "statemap.h"
#include "../fixmath.h"
#include <stdint.h>

#define RUN_MAX_CTX 16

typedef struct run_model {
    uint32_t *t;
    uint32_t  mask;
    int       n;                       /* contexts tracked */
    uint32_t  slot[RUN_MAX_CTX];       /* entry index of each new context */
    uint32_t  slot_chk[RUN_MAX_CTX];   /* its check byte (1..255) */
    uint32_t  pred[RUN_MAX_CTX];       /* entry found (0 = none) */
    int       expect;
    statemap  sm;
} run_model;

int  run_init(run_model *r, int n, int bits, const uint16_t *rates);
void run_fini(run_model *r);
/* h[0..n): the contexts just completed (they are followed by c) on
 * entry; replaced by nh (the contexts for the next byte). */
void run_byte(run_model *r, const uint64_t *nh, int c);

static inline int run_predict(run_model *r, const sq_table *sq, uint32_t c0, int bitpos)
{
    r->expect = -1;
    for (int i = r->n - 1; i >= 0; i--) {
        uint32_t e = r->pred[i];
        if (!e) continue;
        uint32_t byte = (e >> 8) & 0xff, cnt = e & 0xff;
        if (((byte | 256) >> (8 - bitpos)) != c0) continue;
        r->expect = (int)(byte >> (7 - bitpos)) & 1;
        uint32_t cb = cnt > 15 ? 15 : cnt;
        return sq_stretch(sq, sm_p(&r->sm, ((uint32_t)i * 16 + cb) * 2 + (uint32_t)r->expect));
    }
    sm_p(&r->sm, (uint32_t)r->n * 32);
    return 0;
}

static inline void run_update(run_model *r, int bit)
{
    sm_update(&r->sm, bit);
}

#endif
