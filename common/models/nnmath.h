/* common/models/nnmath.h — the float arithmetic the neural byte models
 * (lstm, tx) share, under the determinism rules of common/README.md.
 *
 *   nn_ex(x)         e^x from + - * and the exponent field (no libm)
 *   nn_rsq(v)        1/sqrt(v) for v > 0: a bit-trick guess, two Newton steps
 *   nn_sum8(a, n)    sum of a[0..n), n a multiple of 8, in a fixed order
 *   nn_splitmix(&s)  the seeded generator the initial weights come from
 *   nn_tree_build(tree, p)  tree[n] = mass under node n; leaves 256..511 = p
 *   nn_tree_p(tree, c0)     P(next bit = 1 | partial byte c0), 32..65504
 *
 * Each is written without branches on data, so a loop of them vectorises,
 * and a vectorised loop computes, lane by lane, what the scalar one does:
 * every operation rounds separately (-ffp-contract=off) in the same order. */
#ifndef SL_NNMATH_H
#define SL_NNMATH_H

#include <stdint.h>
#include <string.h>

/* e^x: 2^(x log2 e) split into an integer power and a degree-6
 * polynomial on [0, 1). A NaN becomes -80, so the conversion to int is
 * always defined. */
static inline float nn_ex(float x)
{
    x = x >= -80.0f ? x : -80.0f;
    x = x > 80.0f ? 80.0f : x;
    float t = x * 1.44269504f;
    int k = (int)t;               /* truncates toward zero */
    k -= (float)k > t;            /* floor */
    float f = t - (float)k;
    float p = 1.0f + f * (0.693147182f + f * (0.240226507f + f * (0.0555041087f +
              f * (0.00961812911f + f * (0.00133335581f + f * 0.000154035304f)))));
    uint32_t bits = (uint32_t)(k + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/* 1/sqrt(v) for v > 0: the exponent-halving guess, then two Newton
 * steps (libm's sqrtf would be exact too, but needs libm). */
static inline float nn_rsq(float v)
{
    union { float f; uint32_t u; } g = {.f = v};
    g.u = 0x5f3759dfu - (g.u >> 1);
    float y = g.f;
    for (int i = 0; i < 2; i++) y = y * (1.5f - 0.5f * v * y * y);
    return y;
}

/* sum a[i], i < n (a multiple of 8): eight accumulators, then a fixed tree. */
static inline float nn_sum8(const float *a, int n)
{
    float acc[8] = {0};
    for (int i = 0; i < n; i += 8)
        for (int k = 0; k < 8; k++) acc[k] += a[i + k];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

static inline uint64_t nn_splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A uniform value in [-r, r], from 24 random bits. */
static inline float nn_uniform(uint64_t *s, float r)
{
    int32_t u = (int32_t)(nn_splitmix(s) >> 40) - (1 << 23);   /* -2^23..2^23 */
    return (float)u * (r / 8388608.0f);
}

/* The binary tree over a 256-way distribution: tree[256 + c] = p[c],
 * tree[n] = tree[2n] + tree[2n + 1]. */
static inline void nn_tree_build(float tree[512], const float *p)
{
    for (int i = 0; i < 256; i++) tree[256 + i] = p[i];
    for (int n = 255; n >= 1; n--) tree[n] = tree[2 * n] + tree[2 * n + 1];
}

/* The probability (32..65504 of 65536) that the next bit is 1, given the
 * partial byte c0 (leading 1): the share of the mass under c0 that lies
 * under its 1-child. A NaN or an empty node gives 1/2. */
static inline uint32_t nn_tree_p(const float tree[512], uint32_t c0)
{
    float all = tree[c0], one = tree[2 * c0 + 1];
    float q = all > 0.0f ? one / all : 0.5f;
    int v = q >= 0.0f && q <= 1.0f ? (int)(q * 65536.0f) : 32768;  /* NaN-proof */
    return (uint32_t)(v < 32 ? 32 : v > 65504 ? 65504 : v);
}

#endif
