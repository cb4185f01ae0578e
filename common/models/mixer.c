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

/* Every weight set starts at 2/n_on for the first n_on inputs, 0 for the
 * rest; it is written so when first selected (mixer_first_use): most
 * sets of a large mixer are never selected on a given file, and writing
 * them all at set-up cost a page fault per 4 KiB of them (10 MiB for
 * default's), time a user waits for. */
static void fill_sets(mixer *m, int n_on)
{
    m->n_on = n_on;
    memset(m->ready, 0, m->w_count / (size_t)m->npad);
}

void mixer_first_use(mixer *m, uint32_t s)
{
    int16_t *w = m->w + (size_t)s * (size_t)m->npad;
    for (int k = 0; k < m->npad; k++) w[k] = (int16_t)(k < m->n_on ? W_ONE * 2 / m->n_on : 0);
    m->ready[s] = 1;
}

void mixer_ready_all(mixer *m)
{
    uint32_t sets = (uint32_t)(m->w_count / (size_t)m->npad);
    for (uint32_t s = 0; s < sets; s++)
        if (!m->ready[s]) mixer_first_use(m, s);
}

void mixer_ready_sel(mixer *m, int k, uint32_t count)
{
    assert(k < m->nsel);
    for (uint32_t s = m->base[k]; s < m->base[k] + count; s++)
        if (!m->ready[s]) mixer_first_use(m, s);
}

int mixer_init(mixer *m, int n, const uint32_t *sizes, int nsel, int lr,
               const sq_table *sq)
{
    assert(n > 0 && n <= MIX_MAX_IN && nsel > 0 && nsel <= MIX_MAX_SEL);
    memset(m, 0, sizeof *m);
    m->n = n;
    m->npad = (n + 15) & ~15;
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
    m->ready = malloc(sets);
    if (!m->w || !m->cnt || !m->ready) { mixer_fini(m); return SL_ENOMEM; }
    /* With several selectors a set trains faster while it is young: the
     * step is lr x (3/4 + 8 / (32 + n)) after n updates, 4.75 lr on its
     * first, 1.75 lr after 96, and falls below lr (0.87 lr from 1023 on;
     * one selector keeps lr: the gain was nil and the count costs time).
     * Development text, max: 0.15% smaller than lr x (1 + 32 / (16 + n)),
     * the schedule before; a floor of 5/8 or 1/2 lr, or of 5/4, was
     * worse, so was a smaller boost. On text (mixer_text) the floor is
     * 1/2 lr: 0.04% smaller on the development text, but on binary
     * files (executables most) 0.1-0.3% larger, so only there. Errors
     * under MIX_SKIP (12-bit units) do not train. */
    for (int i = 0; i < MIX_RATE_N; i++) {
        m->rate[0][i] = (uint16_t)(lr * 12 + lr * 16 * 128 / (32 + i));
        m->rate[1][i] = (uint16_t)(lr * 8 + lr * 16 * 128 / (32 + i));
    }
    m->skip = MIX_SKIP;
    m->sum_on_add = nsel == 1;
    mixer_kernels(&m->dots, &m->train, &m->trains);
    fill_sets(m, n);
    for (int c = 0; c < MIX_L2_CTX; c++)
        for (int k = 0; k < nsel; k++) m->w2[c][k] = (int16_t)(W_ONE / nsel);
    for (int k = 0; k < nsel; k++) mixer_select(m, k, 0);
    m->pr_out = 32768;
    return 0;
}

void mixer_start_weights(mixer *m, int n_base)
{
    assert(n_base > 0 && n_base <= m->n);
    fill_sets(m, n_base);
    for (int k = 0; k < m->nsel; k++) mixer_select(m, k, m->sel[k] - m->base[k]);
}

void mixer_given(mixer *m)
{
    m->sum_on_add = 0;
}

void mixer_fini(mixer *m)
{
    free(m->w);
    free(m->cnt);
    free(m->ready);
    m->w = NULL;
    m->cnt = NULL;
    m->ready = NULL;
}

/* n is a multiple of 8 and at most MIX_MAX_IN. The scalar code is the
 * definition; the SSE2 code computes exactly the same integers, and
 * tests/unit/test_mixer.c checks the two agree. A dot product is summed
 * modulo 2^32 and read as a signed 32-bit value: the sum of any grouping
 * of the products is then the same (pmaddwd and paddd wrap the same way),
 * so SIMD lanes of any width give the bits the scalar loop gives. (A real
 * sum never comes near 2^31: it would mean a probability beyond 1 - 2^-23
 * before the clamp.) In the training step pmulhw is the arithmetic >> 16
 * of the 32-bit product and paddsw the saturating add. */
void mixer_dots_scalar(const int16_t *const *w, int k, const int16_t *x, int n,
                       int32_t *out)
{
    for (int j = 0; j < k; j++) {
        uint32_t s = 0;
        for (int i = 0; i < n; i++) s += (uint32_t)((int32_t)w[j][i] * (int32_t)x[i]);
        out[j] = (int32_t)s >> 14;
    }
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

void mixer_trains_scalar(int16_t *const *w, const int *e, int k, const int16_t *x, int n)
{
    for (int j = 0; j < k; j++) mixer_train_scalar(w[j], x, n, e[j]);
}

#if defined(__SSE2__) && !defined(SL_NO_SIMD)
#include <emmintrin.h>

static inline int32_t hsum32(__m128i a)
{
    a = _mm_add_epi32(a, _mm_shuffle_epi32(a, 0x4e));
    a = _mm_add_epi32(a, _mm_shuffle_epi32(a, 0xb1));
    return _mm_cvtsi128_si32(a);
}

#define LD(p) _mm_loadu_si128((const __m128i *)(p))

/* Four sets at a time, so each block of inputs is loaded once. */
void mixer_dots(const int16_t *const *w, int k, const int16_t *x, int n, int32_t *out)
{
    int j = 0;
    for (; j + 4 <= k; j += 4) {
        const int16_t *w0 = w[j], *w1 = w[j + 1], *w2 = w[j + 2], *w3 = w[j + 3];
        __m128i a0 = _mm_setzero_si128(), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < n; i += 8) {
            __m128i xv = LD(x + i);
            a0 = _mm_add_epi32(a0, _mm_madd_epi16(LD(w0 + i), xv));
            a1 = _mm_add_epi32(a1, _mm_madd_epi16(LD(w1 + i), xv));
            a2 = _mm_add_epi32(a2, _mm_madd_epi16(LD(w2 + i), xv));
            a3 = _mm_add_epi32(a3, _mm_madd_epi16(LD(w3 + i), xv));
        }
        out[j] = hsum32(a0) >> 14;
        out[j + 1] = hsum32(a1) >> 14;
        out[j + 2] = hsum32(a2) >> 14;
        out[j + 3] = hsum32(a3) >> 14;
    }
    for (; j < k; j++) {
        __m128i a = _mm_setzero_si128();
        for (int i = 0; i < n; i += 8) a = _mm_add_epi32(a, _mm_madd_epi16(LD(w[j] + i), LD(x + i)));
        out[j] = hsum32(a) >> 14;
    }
}

void mixer_train(int16_t *w, const int16_t *x, int n, int e)
{
    const __m128i ev = _mm_set1_epi16((int16_t)e), one = _mm_set1_epi16(1);
    for (int i = 0; i < n; i += 8) {
        __m128i x2 = _mm_add_epi16(LD(x + i), LD(x + i));
        __m128i d = _mm_srai_epi16(_mm_add_epi16(_mm_mulhi_epi16(x2, ev), one), 1);
        __m128i *wp = (__m128i *)(w + i);
        _mm_storeu_si128(wp, _mm_adds_epi16(_mm_loadu_si128(wp), d));
    }
}

void mixer_trains(int16_t *const *w, const int *e, int k, const int16_t *x, int n)
{
    for (int j = 0; j < k; j++) mixer_train(w[j], x, n, e[j]);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define MIX_AVX2 1
#define LD2(p) _mm256_loadu_si256((const __m256i *)(p))

__attribute__((target("avx2"))) static inline int32_t hsum256(__m256i a)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

/* The sums of the lanes of a0..a3, in lanes 0..3 (hadd adds modulo 2^32
 * like paddd: the grouping changes no bit). */
__attribute__((target("avx2"))) static inline __m128i hsum4x256(__m256i a0, __m256i a1,
                                                                __m256i a2, __m256i a3)
{
    __m256i t = _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3));
    return _mm_add_epi32(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
}

/* Six sets' dot products with x into out[0..nout) (nout 5 or 6: with
 * five, w5 is w4 again and its sum is dropped); each block of inputs is
 * loaded once. */
__attribute__((target("avx2"), always_inline))
static inline void dots6_avx2(const int16_t *w0, const int16_t *w1, const int16_t *w2,
                              const int16_t *w3, const int16_t *w4, const int16_t *w5,
                              const int16_t *x, int n, int32_t *out, int nout)
{
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    for (int i = 0; i < n; i += 16) {
        __m256i xv = LD2(x + i);
        a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(LD2(w0 + i), xv));
        a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(LD2(w1 + i), xv));
        a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(LD2(w2 + i), xv));
        a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(LD2(w3 + i), xv));
        a4 = _mm256_add_epi32(a4, _mm256_madd_epi16(LD2(w4 + i), xv));
        a5 = _mm256_add_epi32(a5, _mm256_madd_epi16(LD2(w5 + i), xv));
    }
    _mm_storeu_si128((__m128i *)out, _mm_srai_epi32(hsum4x256(a0, a1, a2, a3), 14));
    __m128i s = _mm_srai_epi32(hsum4x256(a4, a5, a4, a5), 14);
    out[4] = _mm_cvtsi128_si32(s);
    if (nout == 6) out[5] = _mm_extract_epi32(s, 1);
}

/* n a multiple of 16 (the mixer pads its inputs to 16). */
__attribute__((target("avx2")))
static void mixer_dots_avx2(const int16_t *const *w, int k, const int16_t *x, int n,
                            int32_t *out)
{
    int j = 0;
    /* Six sets at a time (default's and max's selectors), five, then
     * four, two, one: each block of inputs is loaded once per group. */
    for (; j + 6 <= k; j += 6)
        dots6_avx2(w[j], w[j + 1], w[j + 2], w[j + 3], w[j + 4], w[j + 5], x, n, out + j, 6);
    if (j + 5 == k) {
        dots6_avx2(w[j], w[j + 1], w[j + 2], w[j + 3], w[j + 4], w[j + 4], x, n, out + j, 5);
        return;
    }
    for (; j + 4 <= k; j += 4) {
        const int16_t *w0 = w[j], *w1 = w[j + 1], *w2 = w[j + 2], *w3 = w[j + 3];
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < n; i += 16) {
            __m256i xv = LD2(x + i);
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(LD2(w0 + i), xv));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(LD2(w1 + i), xv));
            a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(LD2(w2 + i), xv));
            a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(LD2(w3 + i), xv));
        }
        _mm_storeu_si128((__m128i *)(out + j), _mm_srai_epi32(hsum4x256(a0, a1, a2, a3), 14));
    }
    for (; j + 2 <= k; j += 2) {
        __m256i a0 = _mm256_setzero_si256(), a1 = a0;
        for (int i = 0; i < n; i += 16) {
            __m256i xv = LD2(x + i);
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(LD2(w[j] + i), xv));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(LD2(w[j + 1] + i), xv));
        }
        __m128i s = _mm_srai_epi32(hsum4x256(a0, a1, a0, a1), 14);
        out[j] = _mm_cvtsi128_si32(s);
        out[j + 1] = _mm_extract_epi32(s, 1);
    }
    for (; j < k; j++) {
        __m256i a = _mm256_setzero_si256();
        for (int i = 0; i < n; i += 16) a = _mm256_add_epi32(a, _mm256_madd_epi16(LD2(w[j] + i), LD2(x + i)));
        out[j] = hsum256(a) >> 14;
    }
}

__attribute__((target("avx2")))
static void mixer_train_avx2(int16_t *w, const int16_t *x, int n, int e)
{
    const __m256i ev = _mm256_set1_epi16((int16_t)e), one = _mm256_set1_epi16(1);
    for (int i = 0; i < n; i += 16) {
        __m256i x2 = _mm256_add_epi16(LD2(x + i), LD2(x + i));
        __m256i d = _mm256_srai_epi16(_mm256_add_epi16(_mm256_mulhi_epi16(x2, ev), one), 1);
        __m256i *wp = (__m256i *)(w + i);
        _mm256_storeu_si256(wp, _mm256_adds_epi16(_mm256_loadu_si256(wp), d));
    }
}

/* The k sets by 16 inputs at a time: each block of inputs is loaded and
 * doubled once. */
__attribute__((target("avx2")))
static void mixer_trains_avx2(int16_t *const *w, const int *e, int k, const int16_t *x, int n)
{
    const __m256i one = _mm256_set1_epi16(1);
    __m256i ev[MIX_MAX_SEL];
    for (int j = 0; j < k; j++) ev[j] = _mm256_set1_epi16((int16_t)e[j]);
    for (int i = 0; i < n; i += 16) {
        __m256i x2 = _mm256_add_epi16(LD2(x + i), LD2(x + i));
        for (int j = 0; j < k; j++) {
            __m256i d = _mm256_srai_epi16(_mm256_add_epi16(_mm256_mulhi_epi16(x2, ev[j]), one), 1);
            __m256i *wp = (__m256i *)(w[j] + i);
            _mm256_storeu_si256(wp, _mm256_adds_epi16(_mm256_loadu_si256(wp), d));
        }
    }
}
#endif
#else
void mixer_trains(int16_t *const *w, const int *e, int k, const int16_t *x, int n)
{
    mixer_trains_scalar(w, e, k, x, n);
}

void mixer_dots(const int16_t *const *w, int k, const int16_t *x, int n, int32_t *out)
{
    mixer_dots_scalar(w, k, x, n, out);
}

void mixer_train(int16_t *w, const int16_t *x, int n, int e)
{
    mixer_train_scalar(w, x, n, e);
}
#endif

/* The widest kernels this CPU runs; every choice gives the same integers
 * (tests/unit/test_mixer.c). */
void mixer_kernels(mixer_dots_fn **dots, mixer_train_fn **train, mixer_trains_fn **trains)
{
    *dots = mixer_dots;
    *train = mixer_train;
    *trains = mixer_trains;
#ifdef MIX_AVX2
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) {
        *dots = mixer_dots_avx2;
        *train = mixer_train_avx2;
        *trains = mixer_trains_avx2;
    }
#endif
}
