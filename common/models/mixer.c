/* common/models/mixer.c — see mixer.h.
 *
 * Training is gradient descent on coding cost: for an output p and the
 * coded bit y, each weight moves by lr * x_i * (y - p) / 65536, rounded,
 * with (y - p) in 12-bit units and lr <= 8 so the step factor fits 16 bits.
 * Layer 2 learns at lr = 1/2: faster, it chased the noise of single bits.
 * Everything is exact integer arithmetic. */
#include "mixer.h"
#include "../err.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define W_ONE 16384

int mixer_init(mixer *m, int n, const uint32_t *sizes, int nsel, int lr,
               const sq_table *sq)
{
    assert(n > 0 && n <= MIX_MAX_IN && nsel > 0 && nsel <= MIX_MAX_SEL);
    memset(m, 0, sizeof *m);
    m->n = n;
    m->npad = (n + 7) & ~7;
    m->nsel = nsel;
    m->lr = lr;
    m->sq = sq;
    size_t sets = 0;
    for (int k = 0; k < nsel; k++) {
        m->base[k] = (uint32_t)sets;
        sets += sizes[k];
    }
    m->w_count = sets * (size_t)m->npad;
    m->w = malloc(m->w_count * sizeof *m->w);
    m->cnt = calloc(sets, sizeof *m->cnt);
    if (!m->w || !m->cnt) { mixer_fini(m); return SL_ENOMEM; }
    /* A set trains faster while it is young: the step is lr x (1 + 32 /
     * (16 + n)) after n updates, 3 lr on its first, 2 lr after 16, and
     * falls to lr. Errors under MIX_SKIP (12-bit units) do not train. */
    for (int i = 0; i < MIX_RATE_N; i++)
        m->rate[i] = (uint16_t)(lr * 16 + lr * 16 * 32 / (16 + i));
    m->skip = MIX_SKIP;
    for (size_t i = 0; i < m->w_count; i++)
        m->w[i] = (int16_t)((int)(i % (size_t)m->npad) < n ? W_ONE * 2 / n : 0);
    for (int c = 0; c < MIX_L2_CTX; c++)
        for (int k = 0; k < nsel; k++) m->w2[c][k] = (int16_t)(W_ONE / nsel);
    for (int k = 0; k < nsel; k++) mixer_select(m, k, 0);
    m->pr_out = 32768;
    return 0;
}

void mixer_fini(mixer *m)
{
    free(m->w);
    free(m->cnt);
    m->w = NULL;
    m->cnt = NULL;
}

/* n is a multiple of 8 and at most MIX_MAX_IN (128). The scalar code is
 * the definition; the SSE2 code computes exactly the same integers
 * (pmaddwd sums pairs of 16x16-bit products without overflow here, pmulhw
 * is the arithmetic >> 16 of the 32-bit product, paddsw the saturating
 * add), and tests/unit/test_mixer.c checks the two agree. A product is at
 * most 2047 x 32767 < 2^26; each 32-bit SSE2 lane sums at most 32 of
 * them (< 2^31), so no lane can overflow, and the scalar sum is 64-bit. */
int mixer_dot_scalar(const int16_t *w, const int16_t *x, int n)
{
    int64_t s = 0;
    for (int i = 0; i < n; i++) s += (int32_t)w[i] * (int32_t)x[i];
    return (int)(s >> 14);
}

/* w += round(x * e / 65536), saturating; |x| <= 2047, |e| <= 32767. */
void mixer_train_scalar(int16_t *w, const int16_t *x, int n, int e)
{
    for (int i = 0; i < n; i++) {
        int32_t d = ((((int32_t)x[i] * 2) * e) >> 16) + 1;
        int32_t v = w[i] + (d >> 1);
        w[i] = (int16_t)(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
    }
}

#if defined(__SSE2__) && !defined(SL_NO_SIMD)
#include <emmintrin.h>

int mixer_dot(const int16_t *w, const int16_t *x, int n)
{
    __m128i acc = _mm_setzero_si128();
    for (int i = 0; i < n; i += 8)
        acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_loadu_si128((const __m128i *)(w + i)),
                                                _mm_loadu_si128((const __m128i *)(x + i))));
    int32_t lane[4];
    _mm_storeu_si128((__m128i *)lane, acc);
    int64_t s = (int64_t)lane[0] + lane[1] + lane[2] + lane[3];
    return (int)(s >> 14);
}

void mixer_train(int16_t *w, const int16_t *x, int n, int e)
{
    const __m128i ev = _mm_set1_epi16((int16_t)e), one = _mm_set1_epi16(1);
    for (int i = 0; i < n; i += 8) {
        __m128i x2 = _mm_add_epi16(_mm_loadu_si128((const __m128i *)(x + i)),
                                   _mm_loadu_si128((const __m128i *)(x + i)));
        __m128i d = _mm_srai_epi16(_mm_add_epi16(_mm_mulhi_epi16(x2, ev), one), 1);
        __m128i *wp = (__m128i *)(w + i);
        _mm_storeu_si128(wp, _mm_adds_epi16(_mm_loadu_si128(wp), d));
    }
}
#else
int mixer_dot(const int16_t *w, const int16_t *x, int n)
{
    return mixer_dot_scalar(w, x, n);
}

void mixer_train(int16_t *w, const int16_t *x, int n, int e)
{
    mixer_train_scalar(w, x, n, e);
}
#endif
