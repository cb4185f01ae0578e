/* common/models/mixer.c — see mixer.h.
 *
 * Training is gradient descent on coding cost: for an output p and the
 * coded bit y, each weight moves by lr * x_i * (y - p). Products are
 * exact 64-bit integers, so the order of summation cannot change a bit. */
#include "mixer.h"
#include "../err.h"

#include <assert.h>
#include <stdlib.h>

int mixer_init(mixer *m, int n, const uint32_t *sizes, int nsel, int lr,
               const sq_table *sq)
{
    assert(n > 0 && n <= MIX_MAX_IN && nsel > 0 && nsel <= MIX_MAX_SEL);
    m->n = n;
    m->nx = 0;
    m->nsel = nsel;
    m->lr = lr;
    m->sq = sq;
    size_t sets = 0;
    for (int k = 0; k < nsel; k++) {
        m->base[k] = (uint32_t)sets;
        m->size[k] = sizes[k];
        sets += sizes[k];
    }
    m->w_count = sets * (size_t)n;
    m->w = malloc(m->w_count * sizeof *m->w);
    if (!m->w) return SL_ENOMEM;
    for (size_t i = 0; i < m->w_count; i++) m->w[i] = 65536 / 4;
    for (int c = 0; c < MIX_L2_CTX; c++)
        for (int k = 0; k < MIX_MAX_SEL; k++) m->w2[c][k] = 65536 / nsel;
    for (int k = 0; k < nsel; k++) mixer_select(m, k, 0);
    m->l2ctx = 0;
    m->pr_out = 32768;
    return 0;
}

void mixer_fini(mixer *m)
{
    free(m->w);
    m->w = NULL;
}

static int32_t dot(const int32_t *w, const int32_t *x, int n)
{
    int64_t s = 0;
    for (int i = 0; i < n; i++) s += (int64_t)w[i] * x[i];
    return (int32_t)(s >> 16);
}

static void train(int32_t *w, const int32_t *x, int n, int err)
{
    for (int i = 0; i < n; i++)
        w[i] += (int32_t)(((int64_t)x[i] * err + (1 << 13)) >> 14);
}

uint32_t mixer_mix(mixer *m, int l2ctx)
{
    assert(m->nx == m->n);
    for (int k = 0; k < m->nsel; k++) {
        m->st[k] = sq_clamp(dot(m->cur[k], m->x, m->n));
        m->pr[k] = sq_squash(m->sq, m->st[k]);
    }
    if (m->nsel == 1) return m->pr_out = m->pr[0];
    m->l2ctx = l2ctx;
    m->pr_out = sq_squash(m->sq, dot(m->w2[l2ctx], m->st, m->nsel));
    return m->pr_out;
}

void mixer_update(mixer *m, int bit)
{
    int target = bit << 12;
    for (int k = 0; k < m->nsel; k++) {
        int err = (target - (int)(m->pr[k] >> 4)) * m->lr;
        train(m->cur[k], m->x, m->n, err);
    }
    if (m->nsel > 1) {
        int err = (target - (int)(m->pr_out >> 4)) * 2;
        train(m->w2[m->l2ctx], m->st, m->nsel, err);
    }
    m->nx = 0;
}
