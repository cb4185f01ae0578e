/* common/models/nnkern.c — see nnkern.h. The scalar kernels are the
 * definition; the AVX2 ones (x86-64 only, chosen at run time) keep eight
 * lanes that each do what one scalar accumulator or element does. */
#include "nnkern.h"
#include "nnmath.h"

static void vecmat_ld_c(float *y, const float *x, const float *W, int n, int m, long ld)
{
    for (int k = 0; k < n; k++) {
        const float *w = W + (long)k * ld;
        float a = x[k];
        for (int j = 0; j < m; j++) y[j] += a * w[j];
    }
}

static void vecmat_c(float *y, const float *x, const float *W, int n, int m)
{
    vecmat_ld_c(y, x, W, n, m, m);
}

static float dot_c(const float *a, const float *b, int n)
{
    float acc[8] = {0};
    for (int i = 0; i < n; i += 8)
        for (int k = 0; k < 8; k++) acc[k] += a[i + k] * b[i + k];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

static void matvec_c(float *Y, const float *W, const float *X, int npos, int n, int m)
{
    for (int i = 0; i < npos; i++)
        for (int k = 0; k < n; k++) Y[(long)i * n + k] = dot_c(W + (long)k * m, X + (long)i * m, m);
}

static void outer_c(float *G, const float *X, const float *dY, int npos, int n, int m)
{
    for (int i = 0; i < npos; i++)
        for (int k = 0; k < n; k++) {
            float *g = G + (long)k * m, a = X[(long)i * n + k];
            const float *dy = dY + (long)i * m;
            for (int j = 0; j < m; j++) g[j] += a * dy[j];
        }
}

static void dots_c(float *out, const float *a, const float *B, long ld, int n, int len)
{
    for (int j = 0; j < n; j++) out[j] = dot_c(a, B + j * ld, len);
}

static void axpys_c(float *y, const float *c, const float *B, long ld, int n, int len)
{
    for (int j = 0; j < n; j++) {
        const float *b = B + j * ld;
        float a = c[j];
        for (int e = 0; e < len; e++) y[e] += a * b[e];
    }
}

static inline float max_(float a, float b) { return a > b ? a : b; }

static void softmax_c(float *p, int n)
{
    float mx[8];
    for (int k = 0; k < 8; k++) mx[k] = p[k];
    for (int i = 8; i < n; i += 8)
        for (int k = 0; k < 8; k++) mx[k] = max_(p[i + k], mx[k]);
    float m = max_(max_(max_(mx[0], mx[1]), max_(mx[2], mx[3])),
                   max_(max_(mx[4], mx[5]), max_(mx[6], mx[7])));
    for (int i = 0; i < n; i++) p[i] = nn_ex(p[i] - m);
    float inv = 1.0f / nn_sum8(p, n);
    for (int i = 0; i < n; i++) p[i] *= inv;
}

/* The definition of a step: gradient scaled, moments updated, weight moved. */
static void adam_c(float *w, float *g, float *m1, float *m2, long n, const nn_adam_hp *hp)
{
    for (long i = 0; i < n; i++) {
        float gi = g[i] * hp->scale;
        m1[i] = hp->b1 * m1[i] + hp->c1 * gi;
        m2[i] = hp->b2 * m2[i] + hp->c2 * gi * gi;
        w[i] -= hp->rate * m1[i] * nn_rsq(m2[i] + hp->eps2);
        g[i] = 0.0f;
    }
}

/* RMSprop (the LSTM's rule): v = b2 v + (c2 g) g, w -= (rate g) / sqrt(v + eps2),
 * g cleared; b1, c1 and scale are not used. */
static void rmsprop_c(float *w, float *g, float *v, long n, const nn_adam_hp *hp)
{
    for (long i = 0; i < n; i++) {
        float gi = g[i];
        v[i] = hp->b2 * v[i] + hp->c2 * gi * gi;
        w[i] -= hp->rate * gi * nn_rsq(v[i] + hp->eps2);
        g[i] = 0.0f;
    }
}

/* The LSTM's gates (lstm.c): sigm(x) = 1 / (1 + e^-x), tanh_(x) =
 * 2 / (1 + e^(-2x)) - 1, e^x being nn_ex. */
static inline float sigm_c(float x) { return 1.0f / (1.0f + nn_ex(-x)); }
static inline float tanh_c(float x) { return 2.0f / (1.0f + nn_ex(-2.0f * x)) - 1.0f; }

static void lstm_gates_c(float *f, float *o, float *g, float *tc, float *cn, float *hn,
                         const float *z, const float *cp, int n)
{
    for (int j = 0; j < n; j++) {
        f[j] = sigm_c(z[j]);
        o[j] = sigm_c(z[n + j]);
        g[j] = tanh_c(z[2 * n + j]);
        cn[j] = f[j] * cp[j] + (1.0f - f[j]) * g[j];
        tc[j] = tanh_c(cn[j]);
        hn[j] = o[j] * tc[j];
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2")))

/* The scalar reduction order of eight lanes. */
AVX2 static inline float hsum8(__m256 v)
{
    float a[8];
    _mm256_storeu_ps(a, v);
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

AVX2 static void vecmat_ld_avx2(float *y, const float *x, const float *W, int n, int m, long ld)
{
    int j = 0;
    for (; j + 32 <= m; j += 32) {   /* 32 outputs stay in registers over k */
        __m256 y0 = _mm256_loadu_ps(y + j), y1 = _mm256_loadu_ps(y + j + 8);
        __m256 y2 = _mm256_loadu_ps(y + j + 16), y3 = _mm256_loadu_ps(y + j + 24);
        for (int k = 0; k < n; k++) {
            const float *w = W + (long)k * ld + j;
            __m256 a = _mm256_set1_ps(x[k]);
            y0 = _mm256_add_ps(y0, _mm256_mul_ps(a, _mm256_loadu_ps(w)));
            y1 = _mm256_add_ps(y1, _mm256_mul_ps(a, _mm256_loadu_ps(w + 8)));
            y2 = _mm256_add_ps(y2, _mm256_mul_ps(a, _mm256_loadu_ps(w + 16)));
            y3 = _mm256_add_ps(y3, _mm256_mul_ps(a, _mm256_loadu_ps(w + 24)));
        }
        _mm256_storeu_ps(y + j, y0);
        _mm256_storeu_ps(y + j + 8, y1);
        _mm256_storeu_ps(y + j + 16, y2);
        _mm256_storeu_ps(y + j + 24, y3);
    }
    for (; j < m; j += 8) {
        __m256 y0 = _mm256_loadu_ps(y + j);
        for (int k = 0; k < n; k++)
            y0 = _mm256_add_ps(y0, _mm256_mul_ps(_mm256_set1_ps(x[k]),
                                                 _mm256_loadu_ps(W + (long)k * ld + j)));
        _mm256_storeu_ps(y + j, y0);
    }
}

AVX2 static void vecmat_avx2(float *y, const float *x, const float *W, int n, int m)
{
    vecmat_ld_avx2(y, x, W, n, m, m);
}

AVX2 static float dot_avx2(const float *a, const float *b, int n)
{
    __m256 acc = _mm256_setzero_ps();
    for (int i = 0; i < n; i += 8)
        acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
    return hsum8(acc);
}

/* Eight rows at a time: each row's eight accumulators as dot_avx2 keeps
 * them, then the eight reductions at once by horizontal adds, which add
 * the same pairs in the same tree as hsum8: lane j of the result is
 * ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) of row j. */
AVX2 static void dots_avx2(float *out, const float *a, const float *B, long ld, int n, int len)
{
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 acc[8];
        for (int r = 0; r < 8; r++) acc[r] = _mm256_setzero_ps();
        for (int i = 0; i < len; i += 8) {
            __m256 va = _mm256_loadu_ps(a + i);
            for (int r = 0; r < 8; r++)
                acc[r] = _mm256_add_ps(acc[r], _mm256_mul_ps(va, _mm256_loadu_ps(B + (j + r) * ld + i)));
        }
        __m256 h0 = _mm256_hadd_ps(_mm256_hadd_ps(acc[0], acc[1]), _mm256_hadd_ps(acc[2], acc[3]));
        __m256 h1 = _mm256_hadd_ps(_mm256_hadd_ps(acc[4], acc[5]), _mm256_hadd_ps(acc[6], acc[7]));
        __m256 lo = _mm256_permute2f128_ps(h0, h1, 0x20), hi = _mm256_permute2f128_ps(h0, h1, 0x31);
        _mm256_storeu_ps(out + j, _mm256_add_ps(lo, hi));
    }
    for (; j < n; j++) out[j] = dot_avx2(a, B + j * ld, len);
}

/* Eight elements of y stay in a register over the rows. */
AVX2 static void axpys_avx2(float *y, const float *c, const float *B, long ld, int n, int len)
{
    for (int e = 0; e < len; e += 8) {
        __m256 acc = _mm256_loadu_ps(y + e);
        for (int j = 0; j < n; j++)
            acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(c[j]), _mm256_loadu_ps(B + j * ld + e)));
        _mm256_storeu_ps(y + e, acc);
    }
}

/* Four rows of W at a time, against every position's X row. */
AVX2 static void matvec_avx2(float *Y, const float *W, const float *X, int npos, int n, int m)
{
    int k = 0;
    for (; k + 4 <= n; k += 4) {
        const float *w0 = W + (long)k * m, *w1 = w0 + m, *w2 = w1 + m, *w3 = w2 + m;
        for (int i = 0; i < npos; i++) {
            const float *x = X + (long)i * m;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0; j < m; j += 8) {
                __m256 v = _mm256_loadu_ps(x + j);
                a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(w0 + j), v));
                a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_loadu_ps(w1 + j), v));
                a2 = _mm256_add_ps(a2, _mm256_mul_ps(_mm256_loadu_ps(w2 + j), v));
                a3 = _mm256_add_ps(a3, _mm256_mul_ps(_mm256_loadu_ps(w3 + j), v));
            }
            float *y = Y + (long)i * n + k;
            y[0] = hsum8(a0);
            y[1] = hsum8(a1);
            y[2] = hsum8(a2);
            y[3] = hsum8(a3);
        }
    }
    for (; k < n; k++)
        for (int i = 0; i < npos; i++)
            Y[(long)i * n + k] = dot_avx2(W + (long)k * m, X + (long)i * m, m);
}

/* A block of 32 (or 8) elements of G stays in registers over the positions. */
AVX2 static void outer_avx2(float *G, const float *X, const float *dY, int npos, int n, int m)
{
    for (int k = 0; k < n; k++) {
        float *g = G + (long)k * m;
        int j = 0;
        for (; j + 32 <= m; j += 32) {
            __m256 g0 = _mm256_loadu_ps(g + j), g1 = _mm256_loadu_ps(g + j + 8);
            __m256 g2 = _mm256_loadu_ps(g + j + 16), g3 = _mm256_loadu_ps(g + j + 24);
            for (int i = 0; i < npos; i++) {
                __m256 a = _mm256_set1_ps(X[(long)i * n + k]);
                const float *dy = dY + (long)i * m + j;
                g0 = _mm256_add_ps(g0, _mm256_mul_ps(a, _mm256_loadu_ps(dy)));
                g1 = _mm256_add_ps(g1, _mm256_mul_ps(a, _mm256_loadu_ps(dy + 8)));
                g2 = _mm256_add_ps(g2, _mm256_mul_ps(a, _mm256_loadu_ps(dy + 16)));
                g3 = _mm256_add_ps(g3, _mm256_mul_ps(a, _mm256_loadu_ps(dy + 24)));
            }
            _mm256_storeu_ps(g + j, g0);
            _mm256_storeu_ps(g + j + 8, g1);
            _mm256_storeu_ps(g + j + 16, g2);
            _mm256_storeu_ps(g + j + 24, g3);
        }
        for (; j < m; j += 8) {
            __m256 g0 = _mm256_loadu_ps(g + j);
            for (int i = 0; i < npos; i++)
                g0 = _mm256_add_ps(g0, _mm256_mul_ps(_mm256_set1_ps(X[(long)i * n + k]),
                                                     _mm256_loadu_ps(dY + (long)i * m + j)));
            _mm256_storeu_ps(g + j, g0);
        }
    }
}

AVX2 static inline __m256 rsq_avx2(__m256 v)
{
    const __m256 h = _mm256_set1_ps(0.5f), t = _mm256_set1_ps(1.5f);
    __m256i u = _mm256_sub_epi32(_mm256_set1_epi32(0x5f3759df),
                                 _mm256_srli_epi32(_mm256_castps_si256(v), 1));
    __m256 y = _mm256_castsi256_ps(u);
    for (int r = 0; r < 2; r++)   /* y * (1.5 - ((0.5 v) y) y) */
        y = _mm256_mul_ps(y, _mm256_sub_ps(t, _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(h, v), y), y)));
    return y;
}

AVX2 static void adam_avx2(float *w, float *g, float *m1, float *m2, long n, const nn_adam_hp *hp)
{
    const __m256 b1 = _mm256_set1_ps(hp->b1), c1 = _mm256_set1_ps(hp->c1);
    const __m256 b2 = _mm256_set1_ps(hp->b2), c2 = _mm256_set1_ps(hp->c2);
    const __m256 rate = _mm256_set1_ps(hp->rate), sc = _mm256_set1_ps(hp->scale);
    const __m256 eps2 = _mm256_set1_ps(hp->eps2);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 gi = _mm256_mul_ps(_mm256_loadu_ps(g + i), sc);
        __m256 a = _mm256_add_ps(_mm256_mul_ps(b1, _mm256_loadu_ps(m1 + i)), _mm256_mul_ps(c1, gi));
        __m256 b = _mm256_add_ps(_mm256_mul_ps(b2, _mm256_loadu_ps(m2 + i)),
                                 _mm256_mul_ps(_mm256_mul_ps(c2, gi), gi));
        __m256 step = _mm256_mul_ps(_mm256_mul_ps(rate, a), rsq_avx2(_mm256_add_ps(b, eps2)));
        _mm256_storeu_ps(m1 + i, a);
        _mm256_storeu_ps(m2 + i, b);
        _mm256_storeu_ps(w + i, _mm256_sub_ps(_mm256_loadu_ps(w + i), step));
        _mm256_storeu_ps(g + i, _mm256_setzero_ps());
    }
    adam_c(w + i, g + i, m1 + i, m2 + i, n - i, hp);
}

AVX2 static void rmsprop_avx2(float *w, float *g, float *v, long n, const nn_adam_hp *hp)
{
    const __m256 b2 = _mm256_set1_ps(hp->b2), c2 = _mm256_set1_ps(hp->c2);
    const __m256 rate = _mm256_set1_ps(hp->rate), eps2 = _mm256_set1_ps(hp->eps2);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 gi = _mm256_loadu_ps(g + i);
        __m256 b = _mm256_add_ps(_mm256_mul_ps(b2, _mm256_loadu_ps(v + i)),
                                 _mm256_mul_ps(_mm256_mul_ps(c2, gi), gi));
        __m256 step = _mm256_mul_ps(_mm256_mul_ps(rate, gi), rsq_avx2(_mm256_add_ps(b, eps2)));
        _mm256_storeu_ps(v + i, b);
        _mm256_storeu_ps(w + i, _mm256_sub_ps(_mm256_loadu_ps(w + i), step));
        _mm256_storeu_ps(g + i, _mm256_setzero_ps());
    }
    rmsprop_c(w + i, g + i, v + i, n - i, hp);
}

/* nn_ex, lane by lane: the same clamps, floor, polynomial and exponent. */
AVX2 static inline __m256 ex_avx2(__m256 x)
{
    x = _mm256_max_ps(x, _mm256_set1_ps(-80.0f));   /* x >= -80 ? x : -80, NaN -> -80 */
    x = _mm256_min_ps(x, _mm256_set1_ps(80.0f));
    __m256 t = _mm256_mul_ps(x, _mm256_set1_ps(1.44269504f));
    __m256i k = _mm256_cvttps_epi32(t);
    __m256 gt = _mm256_cmp_ps(_mm256_cvtepi32_ps(k), t, _CMP_GT_OQ);
    k = _mm256_add_epi32(k, _mm256_castps_si256(gt));   /* -1 where (float)k > t */
    __m256 f = _mm256_sub_ps(t, _mm256_cvtepi32_ps(k));
    static const float c[6] = {0.000154035304f, 0.00133335581f, 0.00961812911f,
                               0.0555041087f, 0.240226507f, 0.693147182f};
    __m256 p = _mm256_set1_ps(c[0]);
    for (int i = 1; i < 6; i++) p = _mm256_add_ps(_mm256_set1_ps(c[i]), _mm256_mul_ps(f, p));
    p = _mm256_add_ps(_mm256_set1_ps(1.0f), _mm256_mul_ps(f, p));
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

AVX2 static inline __m256 sigm_avx2(__m256 x)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 neg = _mm256_xor_ps(x, _mm256_set1_ps(-0.0f)); /* -x */
    return _mm256_div_ps(one, _mm256_add_ps(one, ex_avx2(neg)));
}

AVX2 static inline __m256 tanh_avx2(__m256 x)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 e = ex_avx2(_mm256_mul_ps(_mm256_set1_ps(-2.0f), x));
    return _mm256_sub_ps(_mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(one, e)), one);
}

/* n is a multiple of 8 (recipe: lstm.cells). */
AVX2 static void lstm_gates_avx2(float *f, float *o, float *g, float *tc, float *cn, float *hn,
                                 const float *z, const float *cp, int n)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    for (int j = 0; j < n; j += 8) {
        __m256 vf = sigm_avx2(_mm256_loadu_ps(z + j));
        __m256 vo = sigm_avx2(_mm256_loadu_ps(z + n + j));
        __m256 vg = tanh_avx2(_mm256_loadu_ps(z + 2 * n + j));
        __m256 vc = _mm256_add_ps(_mm256_mul_ps(vf, _mm256_loadu_ps(cp + j)),
                                  _mm256_mul_ps(_mm256_sub_ps(one, vf), vg));
        __m256 vt = tanh_avx2(vc);
        _mm256_storeu_ps(f + j, vf);
        _mm256_storeu_ps(o + j, vo);
        _mm256_storeu_ps(g + j, vg);
        _mm256_storeu_ps(cn + j, vc);
        _mm256_storeu_ps(tc + j, vt);
        _mm256_storeu_ps(hn + j, _mm256_mul_ps(vo, vt));
    }
}

AVX2 static void softmax_avx2(float *p, int n)
{
    __m256 mx = _mm256_loadu_ps(p);
    for (int i = 8; i < n; i += 8) mx = _mm256_max_ps(_mm256_loadu_ps(p + i), mx);
    float a[8];
    _mm256_storeu_ps(a, mx);
    float m = max_(max_(max_(a[0], a[1]), max_(a[2], a[3])),
                   max_(max_(a[4], a[5]), max_(a[6], a[7])));
    __m256 vm = _mm256_set1_ps(m), acc = _mm256_setzero_ps();
    for (int i = 0; i < n; i += 8) {
        __m256 e = ex_avx2(_mm256_sub_ps(_mm256_loadu_ps(p + i), vm));
        _mm256_storeu_ps(p + i, e);
        acc = _mm256_add_ps(acc, e);
    }
    __m256 inv = _mm256_set1_ps(1.0f / hsum8(acc));
    for (int i = 0; i < n; i += 8) _mm256_storeu_ps(p + i, _mm256_mul_ps(_mm256_loadu_ps(p + i), inv));
}

static int have_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
#endif

int nn_kern_pick(nn_kern *k, int want_simd)
{
    k->vecmat = vecmat_c;
    k->vecmat_ld = vecmat_ld_c;
    k->matvec = matvec_c;
    k->outer = outer_c;
    k->dot = dot_c;
    k->adam = adam_c;
    k->rmsprop = rmsprop_c;
    k->lstm_gates = lstm_gates_c;
    k->softmax = softmax_c;
    k->dots = dots_c;
    k->axpys = axpys_c;
    k->simd = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (want_simd && have_avx2()) {
        k->vecmat = vecmat_avx2;
        k->vecmat_ld = vecmat_ld_avx2;
        k->matvec = matvec_avx2;
        k->outer = outer_avx2;
        k->dot = dot_avx2;
        k->adam = adam_avx2;
        k->rmsprop = rmsprop_avx2;
        k->lstm_gates = lstm_gates_avx2;
        k->softmax = softmax_avx2;
        k->dots = dots_avx2;
        k->axpys = axpys_avx2;
        k->simd = 1;
    }
#else
    (void)want_simd;
#endif
    return k->simd;
}
