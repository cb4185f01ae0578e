/* tests/unit/test_lstm.c — the LSTM byte model: its bit probabilities are
 * the shares of its byte distribution, it learns, and it is a pure
 * function of its seed and input, on the scalar kernels as on the AVX2
 * ones, with replay or without. */
#include "../../common/models/lstm.h"

#include "bittree.h"

#include <criterion/criterion.h>
#include <string.h>

Test(lstm, bit_probabilities_follow_the_byte_distribution)
{
    lstm l;
    cr_assert_eq(lstm_init(&l, 16, 5, 100, 0, 7), 0);
    const char *text = "the quick brown fox jumps over the lazy dog; ";
    for (int r = 0; r < 20; r++)
        for (const char *s = text; *s; s++) lstm_byte(&l, (unsigned char)*s);
    assert_bits_follow_tree(l.tree);
    lstm_fini(&l);
}

Test(lstm, learns_a_repeating_pattern)
{
    lstm l;
    cr_assert_eq(lstm_init(&l, 32, 10, 100, 0, 1), 0);
    const char *cycle = "abracadabra!";  /* 'a' is followed by b, c, d: needs context */
    size_t n = strlen(cycle);
    double first = 0, last = 0;
    for (int i = 0; i < 6000; i++) {
        unsigned char next = (unsigned char)cycle[(size_t)i % n];
        if (i < 100) first += l.tree[256 + next];
        if (i >= 5900) last += l.tree[256 + next];
        lstm_byte(&l, next);
    }
    first /= 100;
    last /= 100;
    cr_assert(first < 0.2, "untrained: %g", first);
    cr_assert(last > 0.75, "after 6000 bytes the right byte gets only %g", last);
    lstm_fini(&l);
}

Test(lstm, same_seed_same_state_other_seed_other_state)
{
    lstm a, b, c;
    cr_assert_eq(lstm_init(&a, 24, 4, 50, 1, 99), 0);
    cr_assert_eq(lstm_init(&b, 24, 4, 50, 1, 99), 0);
    cr_assert_eq(lstm_init(&c, 24, 4, 50, 1, 100), 0);
    uint64_t x = 5;
    for (int i = 0; i < 3000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int byte = (int)(x >> 59) + 'a';
        lstm_byte(&a, byte);
        lstm_byte(&b, byte);
        lstm_byte(&c, byte);
    }
    cr_assert_eq(a.nall, b.nall);
    cr_assert_eq(memcmp(a.par, b.par, a.nall * sizeof *a.par), 0);
    cr_assert_neq(memcmp(a.par, c.par, a.nall * sizeof *a.par), 0);
    lstm_fini(&a);
    lstm_fini(&b);
    lstm_fini(&c);
}

/* The same training on the scalar kernels and on the AVX2 ones (picked
 * again after init, which computed only the first step), with replay:
 * the same weights, bit for bit. */
Test(lstm, simd_gives_the_scalar_bits)
{
    lstm a, b;
    cr_assert_eq(lstm_init(&a, 32, 6, 100, 1, 4), 0);
    cr_assert_eq(lstm_init(&b, 32, 6, 100, 1, 4), 0);
    nn_kern_pick(&a.k, 0);
    nn_kern_pick(&b.k, 1);
    uint64_t x = 9;
    for (int i = 0; i < 2000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int byte = (int)(x >> 60) + 'a';
        lstm_byte(&a, byte);
        lstm_byte(&b, byte);
    }
    cr_assert_eq(memcmp(a.par, b.par, a.nall * sizeof *a.par), 0);
    cr_assert_eq(memcmp(a.tree, b.tree, sizeof a.tree), 0);
    lstm_fini(&a);
    lstm_fini(&b);
}

/* The RMSprop kernel (the LSTM's update): the scalar one follows its
 * formula, written out here, and the AVX2 one gives the scalar bits, over
 * an odd length (a tail past the last full eight) with tiny and large
 * gradients. */
Test(lstm, rmsprop_kernel_follows_its_formula_on_both_kernel_sets)
{
    enum { N = 1003 };
    static float w0[N], g0[N], v0[N], w1[N], g1[N], v1[N], w2[N], g2[N], v2[N];
    uint64_t x = 5;
    for (int i = 0; i < N; i++) {
        w0[i] = nn_uniform(&x, 1.0f);
        g0[i] = nn_uniform(&x, i % 3 ? 1.0f : 1e-6f);
        v0[i] = i % 5 ? nn_uniform(&x, 1.0f) * nn_uniform(&x, 1.0f) : 0.0f;
        v0[i] = v0[i] < 0.0f ? -v0[i] : v0[i];
    }
    const nn_adam_hp hp = {.b2 = 0.999f, .c2 = 1.0f - 0.999f, .rate = 0.013f, .eps2 = 1e-12f};
    nn_kern sc, vx;
    nn_kern_pick(&sc, 0);
    int simd = nn_kern_pick(&vx, 1);
    memcpy(w1, w0, sizeof w0);
    memcpy(g1, g0, sizeof g0);
    memcpy(v1, v0, sizeof v0);
    memcpy(w2, w0, sizeof w0);
    memcpy(g2, g0, sizeof g0);
    memcpy(v2, v0, sizeof v0);
    sc.rmsprop(w1, g1, v1, N, &hp);
    vx.rmsprop(w2, g2, v2, N, &hp);
    int moved = 0;
    for (int i = 0; i < N; i++) {
        float v = 0.999f * v0[i] + (1.0f - 0.999f) * g0[i] * g0[i];
        float w = w0[i] - 0.013f * g0[i] * nn_rsq(v + 1e-12f);
        cr_assert_eq(memcmp(&v, &v1[i], sizeof v), 0, "mean square %d", i);
        cr_assert_eq(memcmp(&w, &w1[i], sizeof w), 0, "weight %d", i);
        cr_assert_eq(g1[i], 0.0f, "gradient %d cleared", i);
        moved += w != w0[i];
    }
    cr_assert_gt(moved, N / 2, "most weights move");
    cr_assert_eq(memcmp(w1, w2, sizeof w1), 0, "simd %d: weights", simd);
    cr_assert_eq(memcmp(v1, v2, sizeof v1), 0, "simd %d: mean squares", simd);
    cr_assert_eq(memcmp(g1, g2, sizeof g1), 0, "simd %d: gradients", simd);
}

/* The gates kernel: the scalar one follows lstm.c's formulas, written out
 * here with nn_ex, and the AVX2 one gives its bits, on sums from small to
 * past the exp's clamps, zeros of both signs, infinities and a NaN. */
static float t_sigm(float x) { return 1.0f / (1.0f + nn_ex(-x)); }
static float t_tanh(float x) { return 2.0f / (1.0f + nn_ex(-2.0f * x)) - 1.0f; }

Test(lstm, gates_kernel_follows_the_formulas_on_both_kernel_sets)
{
    enum { N = 48 };
    float z[3 * N], cp[N], out[2][6][N];
    uint64_t x = 11;
    for (int i = 0; i < 3 * N; i++) z[i] = nn_uniform(&x, i % 4 ? 6.0f : 120.0f);
    for (int i = 0; i < N; i++) cp[i] = nn_uniform(&x, 3.0f);
    z[0] = 0.0f;
    z[1] = -0.0f;
    z[N + 2] = 1.0f / 0.0f;
    z[2 * N + 3] = -1.0f / 0.0f;
    z[4] = 0.0f / 0.0f;
    z[2 * N + 5] = 1e-30f;
    nn_kern k[2];
    nn_kern_pick(&k[0], 0);
    int simd = nn_kern_pick(&k[1], 1);
    for (int s = 0; s < 2; s++)
        k[s].lstm_gates(out[s][0], out[s][1], out[s][2], out[s][3], out[s][4], out[s][5], z, cp, N);
    for (int j = 0; j < N; j++) {
        float f = t_sigm(z[j]), o = t_sigm(z[N + j]), g = t_tanh(z[2 * N + j]);
        float c = f * cp[j] + (1.0f - f) * g, tc = t_tanh(c), want[6] = {f, o, g, tc, c, o * tc};
        for (int v = 0; v < 6; v++)
            cr_assert_eq(memcmp(&want[v], &out[0][v][j], sizeof want[v]), 0, "scalar value %d, cell %d", v, j);
    }
    cr_assert_eq(memcmp(out[0], out[1], sizeof out[0]), 0, "simd %d gives the scalar bits", simd);
    cr_assert(out[0][0][0] == 0.5f && out[0][1][2] == 1.0f && out[0][2][3] == -1.0f);
}

/* Replay re-learns kept windows: other weights than without it. */
Test(lstm, replay_changes_the_weights)
{
    lstm a, b;
    cr_assert_eq(lstm_init(&a, 16, 5, 100, 0, 4), 0);
    cr_assert_eq(lstm_init(&b, 16, 5, 100, 2, 4), 0);
    for (int i = 0; i < 500; i++) {
        lstm_byte(&a, 'a' + i % 7);
        lstm_byte(&b, 'a' + i % 7);
    }
    cr_assert_neq(memcmp(a.par, b.par, a.npar * sizeof *a.par), 0);
    lstm_fini(&a);
    lstm_fini(&b);
}

/* lstm_expected(c0) is the likeliest byte among those under c0, for every
 * partial byte, checked against a search of the leaves. */
Test(lstm, expected_byte_is_the_likeliest_under_the_partial_byte)
{
    lstm l;
    cr_assert_eq(lstm_init(&l, 16, 5, 100, 0, 3), 0);
    const char *text = "she sells sea shells by the sea shore. ";
    for (int r = 0; r < 30; r++) {
        for (const char *s = text; *s; s++) {
            lstm_byte(&l, (unsigned char)*s);
            for (uint32_t c0 = 1; c0 < 256; c0++) {
                int k = 0;
                while ((c0 >> k) > 1) k++;          /* bits known */
                uint32_t lo = (c0 - (1u << k)) << (8 - k), hi = lo + (1u << (8 - k));
                uint32_t best = lo;
                for (uint32_t b = lo + 1; b < hi; b++)
                    if (l.tree[256 + b] > l.tree[256 + best]) best = b;
                cr_assert_eq((uint32_t)lstm_expected(&l, c0), best, "c0 %u", c0);
            }
        }
    }
    lstm_fini(&l);
}
