/* common/models/apm.h — an adaptive probability map (secondary estimation).
 *
 * Refines a probability given a context: the input's stretch is cut into
 * 32 intervals; each context has 33 knots that start on the identity curve
 * and learn what the input probability really means in that context.
 *   apm_init(&a, contexts, rate, sq); p = apm_p(&a, p_in, cx); ...
 *   apm_update(&a, bit); */
#ifndef SL_APM_H
#define SL_APM_H

#include "../fixmath.h"
#include <stdint.h>

typedef struct apm {
    uint16_t *t;
    uint32_t  n, idx;
    int       rate;
} apm;

int  apm_init(apm *a, uint32_t contexts, int rate, const sq_table *sq);
void apm_fini(apm *a);

static inline uint32_t apm_p(apm *a, const sq_table *sq, uint32_t p16,
                             uint32_t cx)
{
    int s = sq_stretch(sq, p16) + 2048;   /* 1..4095 */
    int lo = s >> 7, w = s & 127;
    uint32_t i = cx * 33 + (uint32_t)lo;
    a->idx = i + (w >> 6);
    return (a->t[i] * (uint32_t)(128 - w) + a->t[i + 1] * (uint32_t)w) >> 7;
}

static inline void apm_update(apm *a, int bit)
{
    int v = a->t[a->idx];
    int target = bit ? 65535 : 0;
    v += (target - v) >> a->rate;
    a->t[a->idx] = (uint16_t)v;
}

#endif
