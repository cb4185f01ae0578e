/* common/models/mixer.h — a gated logistic mixer: a two-layer network
 * trained online, one step per bit.
 *
 * Layer 1 has one weight set per selector value for each of up to
 * MIX_MAX_SEL selectors; each selected set mixes the inputs (stretched
 * probabilities) into one output. Layer 2 mixes those outputs with a
 * small weight set chosen by the bit position. All integer: weights are
 * 16.16 fixed point, inputs and outputs are stretch units (1/256 nat).
 *
 *   mixer_init(&m, n_inputs, sizes, n_sel, lr, sq);
 *   per bit: mixer_add(&m, st) x n_inputs; mixer_select(&m, k, value) for
 *   each selector; p = mixer_mix(&m, l2ctx); ... mixer_update(&m, bit). */
#ifndef SL_MIXER_H
#define SL_MIXER_H

#include "../fixmath.h"
#include <stddef.h>
#include <stdint.h>

#define MIX_MAX_IN  64  /* 2 per context (<= 23) + match + bias */
#define MIX_MAX_SEL 6
#define MIX_L2_CTX  8

typedef struct mixer {
    int      n, nx, nsel, lr;
    int32_t  x[MIX_MAX_IN];
    int32_t *w;                     /* all layer-1 sets, n weights each */
    uint32_t base[MIX_MAX_SEL];     /* first set of each selector */
    uint32_t size[MIX_MAX_SEL];
    int32_t *cur[MIX_MAX_SEL];      /* the selected sets */
    int32_t  st[MIX_MAX_SEL];       /* layer-1 outputs */
    uint32_t pr[MIX_MAX_SEL];
    int32_t  w2[MIX_L2_CTX][MIX_MAX_SEL];
    int      l2ctx;
    uint32_t pr_out;
    size_t   w_count;
    const sq_table *sq;
} mixer;

int  mixer_init(mixer *m, int n, const uint32_t *sizes, int nsel, int lr,
                const sq_table *sq);
void mixer_fini(mixer *m);
uint32_t mixer_mix(mixer *m, int l2ctx);
void mixer_update(mixer *m, int bit);

static inline void mixer_add(mixer *m, int st)
{
    m->x[m->nx++] = st;
}

static inline void mixer_select(mixer *m, int k, uint32_t value)
{
    m->cur[k] = m->w + (size_t)(m->base[k] + value) * (size_t)m->n;
}

#endif
