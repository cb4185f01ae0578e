/* common/models/mixer.h — a gated logistic mixer: a two-layer network
 * trained online, one step per bit.
 *
 * Layer 1 has one weight set per selector value for each of up to
 * MIX_MAX_SEL selectors; each selected set mixes the inputs (stretched
 * probabilities) into one output. Layer 2 mixes those outputs with a
 * small weight set chosen by l2ctx (cm passes the partial byte). All
 * integer: inputs and outputs are stretch units (1/256 nat, |x| <= 2047),
 * weights are 16-bit with 1.0 = 16384, so a dot product is a run of
 * 16x16-bit multiplies the compiler can vectorise without changing a bit
 * of the result.
 *
 *   mixer_init(&m, n_inputs, sizes, n_sel, lr, sq);
 *   per bit: mixer_select(&m, k, value) for each selector, then
 *   mixer_add(&m, st) x up to n_inputs; p = mixer_mix(&m, l2ctx); ...
 *   mixer_update(&m, bit).
 * With one selector the dot product is summed as the inputs arrive: read
 * back at once, inputs just stored one by one would stall the load until
 * the stores retire, which costs more than the sum. A caller may instead
 * write the inputs straight into x[0..nx) and set nx (before the
 * selectors, so the stores retire first); it then calls mixer_given once,
 * and mixer_mix sums every selector's dot product itself.
 * A bit may give fewer inputs than n (inputs of models that run only on
 * some data come last): the sums and the training stop at the inputs
 * given, padded to 16, which is exactly what zeros in their place would
 * do (a zero input neither adds to a sum nor moves its weight). The
 * padding x[nx..) must then be 0: a caller that gives fewer inputs than
 * at the bit before clears those it stopped giving. */
#ifndef SL_MIXER_H
#define SL_MIXER_H

#include "../fixmath.h"
#include <stddef.h>
#include <stdint.h>
#if defined(__SSE2__) && !defined(SL_NO_SIMD)
#include <emmintrin.h>
#endif

#define MIX_MAX_IN  464 /* 5 per context (<= 88) + two matches, run, LSTM, Transformer
                           (two), bias, image, cell map (two), x86, call and branch bits,
                           direct maps */
#define MIX_MAX_SEL 8
#define MIX_L2_CTX  256
#define MIX_RATE_N  1024  /* update counts told apart */
#define MIX_SKIP    6     /* errors (12-bit) this small do not train */

typedef void mixer_dots_fn(const int16_t *const *w, int k, const int16_t *x, int n,
                           int32_t *out);
typedef void mixer_train_fn(int16_t *w, const int16_t *x, int n, int e);
typedef void mixer_trains_fn(int16_t *const *w, const int *e, int k, const int16_t *x, int n);

typedef struct mixer {
    mixer_dots_fn  *dots;           /* layer-1 kernels (mixer_kernels) */
    mixer_train_fn *train;
    mixer_trains_fn *trains;
    int      n, npad, nx, nsel, lr;
    int      nact;                  /* inputs given this bit, padded to 16 */
    int      sum_on_add;            /* one selector, inputs through mixer_add */
    int64_t  acc;                   /* ... the dot product so far */
    int16_t  x[MIX_MAX_IN];         /* inputs; the padding stays 0 */
    int16_t *w;                     /* all layer-1 sets, npad weights each */
    uint32_t base[MIX_MAX_SEL];     /* first set of each selector */
    int16_t *cur[MIX_MAX_SEL];      /* the selected sets */
    uint16_t *cnt;                  /* updates of each set, saturating */
    uint8_t  *ready;                /* a byte per set: 1 once written with its
                                       start weights (mixer_first_use) */
    int      n_on;                  /* sets start with inputs 0 .. n_on - 1 on */
    uint32_t sel[MIX_MAX_SEL];      /* the selected set numbers */
    uint16_t rate[2][MIX_RATE_N];   /* step factor by a set's update count, x16;
                                       [1] while the data is text (mixer_text) */
    int      text;                  /* 1: the data is text */
    int      skip;                  /* MIX_SKIP */
    int16_t  st[8];                 /* layer-1 outputs (padded to 8) */
    uint32_t pr[MIX_MAX_SEL];
    int16_t  w2[MIX_L2_CTX][8];
    int      l2ctx;
    uint32_t pr_out;
    size_t   w_count;
    const sq_table *sq;
} mixer;

int  mixer_init(mixer *m, int n, const uint32_t *sizes, int nsel, int lr,
                const sq_table *sq);
/* Starts every weight set with the first n_base inputs at 2 / n_base and
 * the rest at 0, for a model whose last inputs are given only on some
 * data (mixer_init starts all n at 2 / n). */
void mixer_start_weights(mixer *m, int n_base);
/* The caller writes x[] and nx itself (see above). */
void mixer_given(mixer *m);
void mixer_fini(mixer *m);

/* The kernels, exposed for the test that SIMD and scalar agree. n is a
 * multiple of 8; |x| <= 2047; |e| <= 32767. mixer_dots: out[j] = the dot
 * product of w[j] and x (summed modulo 2^32, mixer.c) >> 14, for j < k. */
void mixer_dots(const int16_t *const *w, int k, const int16_t *x, int n, int32_t *out);
void mixer_train(int16_t *w, const int16_t *x, int n, int e);
void mixer_dots_scalar(const int16_t *const *w, int k, const int16_t *x, int n,
                       int32_t *out);
void mixer_train_scalar(int16_t *w, const int16_t *x, int n, int e);
/* mixer_train of the k sets w[j] by e[j] each (k <= MIX_MAX_SEL; the sets
 * do not overlap), in one call: x is read once for all of them. */
void mixer_trains(int16_t *const *w, const int *e, int k, const int16_t *x, int n);
void mixer_trains_scalar(int16_t *const *w, const int *e, int k, const int16_t *x, int n);
/* The fastest kernels for this CPU (AVX2 where it has it, for n a
 * multiple of 16); they give the same integers as the ones above. */
void mixer_kernels(mixer_dots_fn **dots, mixer_train_fn **train, mixer_trains_fn **trains);

static inline void mixer_add(mixer *m, int st)
{
    if (m->sum_on_add) m->acc += (int32_t)m->cur[0][m->nx] * st;
    m->x[m->nx++] = (int16_t)st;
}

/* With one selector, in place of mixer_add for each input: the caller
 * wrote x[0..n) itself and summed acc, their dot product with cur[0]
 * (each product a 32-bit integer, as mixer_add adds them). */
static inline void mixer_added(mixer *m, int n, int64_t acc)
{
    m->nx = n;
    m->acc = acc;
}

/* Whether the data is text (on = 1): text's weight sets slow down further
 * once old (mixer.c); the caller decides, from the data already coded. */
static inline void mixer_text(mixer *m, int on)
{
    m->text = on;
}

/* Writes set s's start weights (mixer.c): each set is written when first
 * selected, so the pages of sets a file never selects are never touched. */
void mixer_first_use(mixer *m, uint32_t s);
/* Writes every set not yet written, for a caller that reads the sets
 * without mixer_select (models/lean.c). */
void mixer_ready_all(mixer *m);
/* Writes selector k's sets not yet written (all `count` of them), for a
 * caller that then selects them by mixer_select_ready. */
void mixer_ready_sel(mixer *m, int k, uint32_t count);

/* Selector k takes set s (its value plus base[k], for a caller that
 * keeps base[k] added into its own sums). */
static inline void mixer_select_set(mixer *m, int k, uint32_t s)
{
    m->sel[k] = s;
    if (!m->ready[s]) mixer_first_use(m, s);
    m->cur[k] = m->w + (size_t)s * (size_t)m->npad;
}

/* mixer_select_set of a set known to be written (mixer_ready_sel). */
static inline void mixer_select_ready(mixer *m, int k, uint32_t s)
{
    m->sel[k] = s;
    m->cur[k] = m->w + (size_t)s * (size_t)m->npad;
}

static inline void mixer_select(mixer *m, int k, uint32_t value)
{
    mixer_select_set(m, k, m->base[k] + value);
}

/* mixer_mix for a caller that wrote the inputs into x itself
 * (mixer_given) and knows nsel, m->nsel (a constant in its copy, so the
 * loops unroll). */
static inline uint32_t mixer_mix_sel(mixer *m, int l2ctx, int nsel)
{
    m->nact = (m->nx + 15) & ~15;
    int32_t dot[MIX_MAX_SEL];
    m->dots((const int16_t *const *)m->cur, nsel, m->x, m->nact, dot);
    /* Layer 2's dot product summed as the outputs are made (st[nsel..7]
     * and their weights stay 0: the sum over all 8, as the scalar kernel
     * sums, mixer.c); read back from st[], the
     * outputs just stored one by one stalled the load. */
    const int16_t *w2 = m->w2[l2ctx];
    uint32_t s2 = 0;
    for (int k = 0; k < nsel; k++) {
        int st = sq_clamp(dot[k]);
        m->st[k] = (int16_t)st;
        m->pr[k] = sq_squash(m->sq, st);
        s2 += (uint32_t)((int32_t)w2[k] * st);
    }
    if (nsel == 1) return m->pr_out = m->pr[0];
    m->l2ctx = l2ctx;
    m->pr_out = sq_squash(m->sq, (int32_t)s2 >> 14);
    return m->pr_out;
}

/* The mixed probability (16-bit); l2ctx < MIX_L2_CTX picks layer 2's set. */
static inline uint32_t mixer_mix(mixer *m, int l2ctx)
{
    if (m->sum_on_add) {
        m->nact = (m->nx + 15) & ~15;
        m->st[0] = (int16_t)sq_clamp((int)(m->acc >> 14));
        return m->pr_out = m->pr[0] = sq_squash(m->sq, m->st[0]);
    }
    return mixer_mix_sel(m, l2ctx, m->nsel);
}

/* mixer_train of 8 weights (layer 2), inline: the same integers
 * (tests/unit/test_mixer.c), without a call at every bit. */
static inline void mixer_train8(int16_t *w, const int16_t *x, int e)
{
#if defined(__SSE2__) && !defined(SL_NO_SIMD)
    const __m128i ev = _mm_set1_epi16((int16_t)e), one = _mm_set1_epi16(1);
    __m128i xv = _mm_loadu_si128((const __m128i *)x);
    __m128i d = _mm_srai_epi16(_mm_add_epi16(_mm_mulhi_epi16(_mm_add_epi16(xv, xv), ev), one), 1);
    _mm_storeu_si128((__m128i *)w, _mm_adds_epi16(_mm_loadu_si128((const __m128i *)w), d));
#else
    mixer_train_scalar(w, x, 8, e);
#endif
}

/* mixer_update for a caller that knows nsel, m->nsel (2 or more; a
 * constant in its copy, as for mixer_mix_sel). */
static inline void mixer_update_sel(mixer *m, int bit, int nsel)
{
    int target = bit << 12;
    int16_t *ws[MIX_MAX_SEL];
    int es[MIX_MAX_SEL], t = 0;
    unsigned skip = (unsigned)m->skip;
    const uint16_t *rate = m->rate[m->text];   /* in locals: the count's store */
    uint16_t *cnt = m->cnt;                    /* may alias m->rate */
    for (int k = 0; k < nsel; k++) {
        int err = target - (int)(m->pr[k] >> 4);
        if ((unsigned)err + skip <= 2 * skip) continue;   /* |err| <= skip */
        uint16_t *n = &cnt[m->sel[k]];
        int e = (err * (int)rate[*n]) >> 4;
        *n += *n < MIX_RATE_N - 1;
        ws[t] = m->cur[k];
        es[t++] = e < -32767 ? -32767 : e > 32767 ? 32767 : e;
    }
    if (t) m->trains(ws, es, t, m->x, m->nact);
    mixer_train8(m->w2[m->l2ctx], m->st, (target - (int)(m->pr_out >> 4)) >> 1);
    m->nx = 0;
    m->acc = 0;
}

static inline void mixer_update(mixer *m, int bit)
{
    if (m->nsel == 1) {
        /* One selector (the fastest shape): a fixed rate. */
        int err = (bit << 12) - (int)(m->pr[0] >> 4);
        if (err > m->skip || err < -m->skip) m->train(m->cur[0], m->x, m->nact, err * m->lr);
        m->nx = 0;
        m->acc = 0;
        return;
    }
    mixer_update_sel(m, bit, m->nsel);
}

#endif
