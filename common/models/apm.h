/* common/models/apm.h — an adaptive probability map (secondary estimation).
 *
 * Refines a probability given a context: the input's stretch is cut into
 * 32 intervals; each context has 33 knots that start on the identity curve
 * and learn what the input probability really means in that context. The
 * output interpolates the two knots around the input; both learn, each
 * at rate 1/(count + 4) until its count reaches `limit`.
 *   apm_init(&a, contexts, limit, rates, sq); p = apm_p(&a, sq, p_in, cx);
 *   ... apm_update(&a, bit); */
#ifndef SL_APM_H
#define SL_APM_H

#include "../fixmath.h"
#include "statemap.h"
#include <stdint.h>

typedef struct apm {
    statemap sm;           /* contexts * 33 knots */
    uint8_t *ready;        /* bit per context: knots set */
    uint32_t knot0[33];    /* the identity curve every context starts on */
    uint32_t lo;           /* the lower of the two knots last read */
} apm;

int  apm_init(apm *a, uint32_t contexts, int limit, const uint16_t *rates,
              const sq_table *sq);
void apm_fini(apm *a);
void apm_first_use(apm *a, uint32_t cx);

/* Sets the knots of every context not yet set, for a caller that then
 * reads them by apm_p_ready. */
void apm_ready_all(apm *a);

/* apm_p_st of a context whose knots are set (apm_first_use, apm_ready_all). */
static inline uint32_t apm_p_ready(apm *a, int st, uint32_t cx)
{
    int s = st + 2048;   /* 1..4095 */
    int lo = s >> 7, w = s & 127;
    uint32_t i = cx * 33 + (uint32_t)lo;
    a->lo = i;
    return ((a->sm.t[i] >> 16) * (uint32_t)(128 - w) +
            (a->sm.t[i + 1] >> 16) * (uint32_t)w) >> 7;
}

/* apm_p for an input already stretched: st = sq_stretch(sq, p16). */
static inline uint32_t apm_p_st(apm *a, int st, uint32_t cx)
{
    if (!(a->ready[cx >> 3] >> (cx & 7) & 1)) apm_first_use(a, cx);
    return apm_p_ready(a, st, cx);
}

static inline uint32_t apm_p(apm *a, const sq_table *sq, uint32_t p16,
                             uint32_t cx)
{
    return apm_p_st(a, sq_stretch(sq, p16), cx);
}

/* Fetches context cx's knots into cache ahead of apm_p (3 lines: 132
 * bytes start on a 4-byte boundary). */
static inline void apm_prefetch(const apm *a, uint32_t cx)
{
#if defined(__GNUC__)
    const uint32_t *k = a->sm.t + cx * 33;
    __builtin_prefetch(k);
    __builtin_prefetch(k + 16);
    __builtin_prefetch(k + 32);
#else
    (void)a; (void)cx;
#endif
}

static inline void apm_update(apm *a, int bit)
{
    sm_train(&a->sm.t[a->lo], bit, a->sm.rates, a->sm.limit);
    sm_train(&a->sm.t[a->lo + 1], bit, a->sm.rates, a->sm.limit);
}

#endif
