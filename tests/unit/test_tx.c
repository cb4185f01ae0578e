/* tests/unit/test_tx.c — the Transformer byte model: its analytic
 * gradient agrees with finite differences for every parameter group, it
 * learns, it is a pure function of its seed and input, its AVX2 kernels
 * give the scalar kernels' bits, and its bit probabilities are the shares
 * of its byte distribution. */
#include "../../common/models/tx.h"
#include "../../common/err.h"
#include "../../common/models/nnkern.h"
#include "testdata.h"

#include "bittree.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

/* The hints the gradient check gives: rows 0..3 of the first hint's
 * embedding, rows 290..293 of the second's. */
#define CHECK_HINTS 4

static tx_cfg tiny_cfg(int shift, int hint)
{
    tx_cfg c = {.layers = 2, .dim = 16, .heads = 2, .ff = 2, .window = 8, .segment = 6,
                .lr = 300, .shift = shift, .replay = 0, .simd = 1, .nhints = hint ? 2 : 0,
                .hint_rows = {CHECK_HINTS + 1, 300}};
    return c;
}


/* The summed cross-entropy (nats) of the current segment's positions. */
static double seg_loss(tx *t, int next)
{
    tx_seg_forward(t, next);
    double s = 0;
    for (int i = 0; i < t->n; i++) s -= log((double)t->prob[(size_t)i * 256 + t->tgt[i]]);
    return s;
}

/* A parameter group: len elements from off; for an embedding, only the
 * rows the segment reads (rows[0..len/d)), whose gradient is not zero. */
typedef struct group { const char *name; size_t off, len; const uint8_t *rows; size_t d; } group;

/* The offset in par of element j of group g. */
static size_t elem(const group *g, size_t j)
{
    return g->rows ? g->off + (size_t)g->rows[j / g->d] * g->d + j % g->d : g->off + j;
}

static int groups_of(const tx *t, group *g)
{
    const size_t d = (size_t)t->d, F = (size_t)t->F;
    const size_t HW = (size_t)t->c.heads * (size_t)t->c.window;
    int n = 0;
    g[n++] = (group){"emb", t->emb, (size_t)t->n * d, t->in, d};
    if (t->c.shift) g[n++] = (group){"emb2", t->emb2, (size_t)t->n * d, t->in2, d};
    if (t->c.nhints) g[n++] = (group){"hint0", t->embh[0], CHECK_HINTS * d, NULL, 0};
    if (t->c.nhints) g[n++] = (group){"hint1", t->embh[1] + 290 * d, CHECK_HINTS * d, NULL, 0};
    for (int l = 0; l < t->c.layers; l++) {
        const tx_layer *y = &t->ly[l];
        g[n++] = (group){"g1", y->g1, d, NULL, 0};
        g[n++] = (group){"wqkv", y->wqkv, 3 * d * d, NULL, 0};
        g[n++] = (group){"wo", y->wo, d * d, NULL, 0};
        g[n++] = (group){"rel", y->rel, HW, NULL, 0};
        g[n++] = (group){"g2", y->g2, d, NULL, 0};
        g[n++] = (group){"w1", y->w1, d * F, NULL, 0};
        g[n++] = (group){"b1", y->b1, F, NULL, 0};
        g[n++] = (group){"w2", y->w2, F * d, NULL, 0};
        g[n++] = (group){"b2", y->b2, d, NULL, 0};
    }
    g[n++] = (group){"gf", t->gf, d, NULL, 0};
    g[n++] = (group){"wout", t->wout, d * 256, NULL, 0};
    g[n++] = (group){"bout", t->bout, 256, NULL, 0};
    return n;
}

/* Central difference of the segment's loss in parameter w, step h. */
static double numeric(tx *t, float *w, float h, int next)
{
    float w0 = *w;
    *w = w0 + h;
    double lp = seg_loss(t, next);
    *w = w0 - h;
    double lm = seg_loss(t, next);
    *w = w0;
    return (lp - lm) / (2.0 * (double)h);
}

/* Every parameter group: the analytic gradient of the segment's loss
 * against central differences, on a tiny model whose weights are all
 * made non-zero first (uniform in +-0.5), part-way through a segment,
 * with memory from earlier segments in the ring.
 * Single precision makes a difference quotient noisy, and a ReLU that
 * flips inside the step bends it, so an element counts only where the
 * steps h = 3e-3 and 2h agree within 1% (+ 1e-3); at least half of each
 * group's sampled elements must, and over those the tolerance is: the
 * norm of (analytic - numeric) within 2% of the norm of the numeric
 * gradient. */
static void gradient_check(int shift, int hint)
{
    tx t;
    tx_cfg c = tiny_cfg(shift, hint);
    cr_assert_eq(tx_init(&t, &c, 11), 0);
    uint64_t s = 42;
    for (size_t i = 0; i < t.npar; i++)
        t.par[i] = (float)((double)(td_next(&s) >> 11) / 9007199254740992.0 - 0.5);
    uint8_t in[23];
    td_text(in, sizeof in, 5);
    for (size_t i = 0; i + 1 < sizeof in; i++) {
        t.hint_next[0] = in[i] % CHECK_HINTS;
        t.hint_next[1] = 290 + in[i] % CHECK_HINTS;
        tx_byte(&t, in[i]);
    }
    cr_assert(t.n > 2 && t.pos > (uint64_t)c.window, "segment part-way, memory full");
    int next = in[sizeof in - 1];
    memset(t.grad, 0, t.npar * sizeof *t.grad);
    tx_seg_grad(&t, next);
    group g[4 + TX_MAX_HINTS + 9 * TX_MAX_LAYERS];
    int ng = groups_of(&t, g);
    for (int k = 0; k < ng; k++) {
        double diff2 = 0, num2 = 0;
        int sampled = 0, stable = 0;
        size_t stride = g[k].len / 24 + 1;
        for (size_t j = (size_t)k % stride; j < g[k].len; j += stride) {
            float *w = &t.par[elem(&g[k], j)];
            float h = 3e-3f * (fabsf(*w) > 1.0f ? fabsf(*w) : 1.0f);
            double n1 = numeric(&t, w, h, next), n2 = numeric(&t, w, 2 * h, next);
            double ana = t.grad[elem(&g[k], j)];
            sampled++;
            if (fabs(n1 - n2) > 0.01 * fmax(fabs(n1), fabs(n2)) + 1e-3) continue;
            stable++;
            diff2 += (n1 - ana) * (n1 - ana);
            num2 += n1 * n1;
        }
        cr_assert(stable * 2 >= sampled, "group %s: only %d of %d differences stable",
                  g[k].name, stable, sampled);
        cr_assert(num2 > 1e-8, "group %s: no gradient to check", g[k].name);
        cr_assert(sqrt(diff2) <= 0.02 * sqrt(num2),
                  "group %s: |analytic - numeric| = %g, |numeric| = %g", g[k].name,
                  sqrt(diff2), sqrt(num2));
    }
    tx_fini(&t);
}

Test(tx, gradient_matches_finite_differences) { gradient_check(0, 0); }
Test(tx, gradient_matches_finite_differences_with_shift) { gradient_check(1, 0); }
Test(tx, gradient_matches_finite_differences_with_hint) { gradient_check(1, 1); }

/* A model of moderate size, as the presets use, trained on n bytes of
 * pseudo-English; returns it (caller finishes it). */
static void run_text(tx *t, const tx_cfg *c, uint64_t seed, size_t n)
{
    cr_assert_eq(tx_init(t, c, seed), 0);
    uint8_t *in = malloc(n);
    td_text(in, n, 3);
    for (size_t i = 0; i < n; i++) tx_byte(t, in[i]);
    free(in);
}

static tx_cfg small_cfg(int simd, int replay)
{
    tx_cfg c = {.layers = 2, .dim = 32, .heads = 2, .ff = 2, .window = 24, .segment = 8,
                .lr = 250, .shift = 1, .replay = replay, .simd = simd};
    return c;
}

Test(tx, learns_a_repeating_pattern)
{
    tx t;
    tx_cfg c = small_cfg(1, 0);
    cr_assert_eq(tx_init(&t, &c, 1), 0);
    const char *cycle = "abracadabra!";  /* 'a' is followed by b, c, d: needs context */
    size_t n = strlen(cycle);
    double first = 0, last = 0;
    for (int i = 0; i < 3000; i++) {
        unsigned char next = (unsigned char)cycle[(size_t)i % n];
        if (i < 100) first += t.tree[256 + next];
        if (i >= 2900) last += t.tree[256 + next];
        tx_byte(&t, next);
    }
    first /= 100;
    last /= 100;
    cr_assert(first < 0.3, "untrained: %g", first);
    cr_assert(last > 0.95, "after 3000 bytes the right byte gets only %g", last);
    tx_fini(&t);
}

/* Random bytes (16 values), with a hint that names the byte about to come: the
 * model, which cannot predict the bytes themselves, learns to trust the
 * hint's embedding (it starts at zero); without the hint it stays near 8
 * bits a byte. Rows of the byte embedding no position read keep their
 * initial values (Adam steps only the rows a segment read). */
static double mean_mass_with_hint(int nhints, tx *t)
{
    tx_cfg c = small_cfg(1, 0);
    c.nhints = nhints;
    c.hint_rows[0] = 257;
    cr_assert_eq(tx_init(t, &c, 1), 0);
    uint64_t st = 77;
    uint8_t next = (uint8_t)(td_next(&st) >> 60);  /* bytes 0..15 only */
    double last = 0;
    for (int i = 0; i < 8000; i++) {
        uint8_t c1 = next;
        next = (uint8_t)(td_next(&st) >> 60);
        t->hint_next[0] = next;   /* read by the position that predicts next */
        tx_byte(t, c1);
        if (i >= 7000) last += t->tree[256 + next];
    }
    return last / 1000;
}

Test(tx, learns_to_trust_a_hint_and_leaves_unread_rows_alone)
{
    tx a, b, init;
    double with = mean_mass_with_hint(1, &a), without = mean_mass_with_hint(0, &b);
    cr_assert(with > 0.5, "with the hint the next byte gets only %g", with);
    cr_assert(without < 0.15, "without it the next byte gets %g", without);
    tx_cfg c = small_cfg(1, 0);
    c.nhints = 1;
    c.hint_rows[0] = 257;
    cr_assert_eq(tx_init(&init, &c, 1), 0);
    const size_t d = (size_t)a.d;
    for (int y = 16; y < 256; y++)  /* never input */
        cr_assert_eq(memcmp(a.par + a.emb + (size_t)y * d, init.par + init.emb + (size_t)y * d,
                            d * sizeof *a.par), 0, "row %d moved", y);
    cr_assert_neq(memcmp(a.par + a.emb, init.par + init.emb, 16 * d * sizeof *a.par), 0);
    tx_fini(&a);
    tx_fini(&b);
    tx_fini(&init);
}

Test(tx, same_seed_same_state_other_seed_other_state)
{
    tx a, b, c;
    tx_cfg cf = small_cfg(1, 1);
    run_text(&a, &cf, 99, 3000);
    run_text(&b, &cf, 99, 3000);
    run_text(&c, &cf, 100, 3000);
    size_t bytes = 4 * a.npar * sizeof *a.par;   /* weights, gradient, both moments */
    cr_assert_eq(memcmp(a.par, b.par, bytes), 0);
    cr_assert_eq(memcmp(a.tree, b.tree, sizeof a.tree), 0);
    cr_assert_neq(memcmp(a.par, c.par, bytes), 0);
    tx_fini(&a);
    tx_fini(&b);
    tx_fini(&c);
}

/* The kernels on random data, lengths 8..520, every shape the model
 * uses: the AVX2 set (where the CPU has it) gives the scalar set's bits. */
Test(tx, simd_kernels_give_the_scalar_bits)
{
    nn_kern sc, vx;
    nn_kern_pick(&sc, 0);
    if (!nn_kern_pick(&vx, 1)) cr_skip_test("no AVX2 on this CPU");
    uint64_t s = 7;
    enum { N = 520 * 40 };
    float *A = malloc(N * sizeof *A), *B = malloc(N * sizeof *B);
    float *Y1 = malloc(N * sizeof *Y1), *Y2 = malloc(N * sizeof *Y2);
    float *M1 = malloc(N * sizeof *M1), *M2 = malloc(N * sizeof *M2);
    for (int i = 0; i < N; i++) {
        A[i] = (float)((double)(td_next(&s) >> 11) / 9007199254740992.0 - 0.5) * 8.0f;
        B[i] = (float)((double)(td_next(&s) >> 11) / 9007199254740992.0 - 0.5);
    }
    static const int shapes[][3] = {{1, 8, 8}, {3, 16, 40}, {5, 64, 256}, {8, 24, 520},
                                    {16, 64, 192}, {2, 520, 8}, {7, 40, 96}};
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        int np = shapes[k][0], n = shapes[k][1], m = shapes[k][2];
        memcpy(Y1, B, (size_t)m * sizeof *Y1);
        memcpy(Y2, B, (size_t)m * sizeof *Y2);
        sc.vecmat(Y1, A, B, n, m);
        vx.vecmat(Y2, A, B, n, m);
        cr_assert_eq(memcmp(Y1, Y2, (size_t)m * sizeof *Y1), 0, "vecmat %d x %d", n, m);
        /* vecmat_ld on the columns after the first 8 of rows m + 8 wide
         * is vecmat on a copy of those columns. */
        float *Wc = M1;
        for (int k2 = 0; k2 < n; k2++) memcpy(Wc + (size_t)k2 * m, B + (size_t)k2 * (m + 8) + 8, (size_t)m * sizeof *Wc);
        memcpy(Y1, A, (size_t)m * sizeof *Y1);
        memcpy(Y2, A, (size_t)m * sizeof *Y2);
        sc.vecmat(Y1, B + 500, Wc, n, m);
        vx.vecmat_ld(Y2, B + 500, B + 8, n, m, m + 8);
        cr_assert_eq(memcmp(Y1, Y2, (size_t)m * sizeof *Y1), 0, "vecmat_ld %d x %d", n, m);
        memcpy(Y2, A, (size_t)m * sizeof *Y2);
        sc.vecmat_ld(Y2, B + 500, B + 8, n, m, m + 8);
        cr_assert_eq(memcmp(Y1, Y2, (size_t)m * sizeof *Y1), 0, "scalar vecmat_ld %d x %d", n, m);
        sc.matvec(Y1, B, A, np, n, m);
        vx.matvec(Y2, B, A, np, n, m);
        cr_assert_eq(memcmp(Y1, Y2, (size_t)np * n * sizeof *Y1), 0, "matvec %d x %d", n, m);
        memcpy(Y1, B, (size_t)n * m * sizeof *Y1);
        memcpy(Y2, B, (size_t)n * m * sizeof *Y2);
        sc.outer(Y1, A, B + 1000, np, n, m);
        vx.outer(Y2, A, B + 1000, np, n, m);
        cr_assert_eq(memcmp(Y1, Y2, (size_t)n * m * sizeof *Y1), 0, "outer %d x %d", n, m);
        float d1 = sc.dot(A, B, m), d2 = vx.dot(A, B, m);
        cr_assert_eq(memcmp(&d1, &d2, sizeof d1), 0, "dot %d", m);
        /* dots and axpys over rows running up and down (attention reads
         * the ring of keys downward), np + 5 rows for a count that is not
         * a multiple of 8. */
        for (int dir = -1; dir <= 1; dir += 2) {
            const float *rows = dir < 0 ? B + (size_t)(np + 4) * m : B;
            sc.dots(Y1, A, rows, dir * (long)m, np + 5, m);
            vx.dots(Y2, A, rows, dir * (long)m, np + 5, m);
            cr_assert_eq(memcmp(Y1, Y2, (size_t)(np + 5) * sizeof *Y1), 0, "dots %d", m);
            for (int j = 0; j < np + 5; j++) {
                float dj = sc.dot(A, rows + j * dir * (long)m, m);
                cr_assert_eq(memcmp(&dj, &Y1[j], sizeof dj), 0, "dots row %d is dot", j);
            }
            memcpy(Y1, B, (size_t)m * sizeof *Y1);
            memcpy(Y2, B, (size_t)m * sizeof *Y2);
            sc.axpys(Y1, A + 7, rows, dir * (long)m, np + 5, m);
            vx.axpys(Y2, A + 7, rows, dir * (long)m, np + 5, m);
            cr_assert_eq(memcmp(Y1, Y2, (size_t)m * sizeof *Y1), 0, "axpys %d", m);
        }
        memcpy(Y1, A, (size_t)m * sizeof *Y1);
        memcpy(Y2, A, (size_t)m * sizeof *Y2);
        Y1[1] = Y2[1] = -1e30f;   /* a masked position, as attention uses */
        sc.softmax(Y1, m);
        vx.softmax(Y2, m);
        cr_assert_eq(memcmp(Y1, Y2, (size_t)m * sizeof *Y1), 0, "softmax %d", m);
    }
    /* Adam: weights, gradient and moments, an odd length for the tail. */
    nn_adam_hp hp = {.b1 = 0.0f, .c1 = 1.0f, .b2 = 0.999f, .c2 = 1.0f - 0.999f,
                     .rate = 0.003f, .scale = 0.7f, .eps2 = 1e-12f};
    for (int i = 0; i < 1003; i++) M1[i] = M2[i] = B[i] * B[i];
    memcpy(Y1, A, 1003 * sizeof *Y1);
    memcpy(Y2, A, 1003 * sizeof *Y2);
    float *G1 = B + 2000, *G2 = B + 4000;
    memcpy(G2, G1, 1003 * sizeof *G1);
    float *Z1 = malloc(1003 * sizeof *Z1), *Z2 = malloc(1003 * sizeof *Z2);
    memset(Z1, 0, 1003 * sizeof *Z1);
    memset(Z2, 0, 1003 * sizeof *Z2);
    sc.adam(Y1, G1, Z1, M1, 1003, &hp);
    vx.adam(Y2, G2, Z2, M2, 1003, &hp);
    cr_assert_eq(memcmp(Y1, Y2, 1003 * sizeof *Y1), 0, "adam weights");
    cr_assert_eq(memcmp(M1, M2, 1003 * sizeof *M1), 0, "adam moments");
    free(Z1);
    free(Z2);
    free(A);
    free(B);
    free(Y1);
    free(Y2);
    free(M1);
    free(M2);
}

/* The whole model, trained with replay, on the scalar kernels and on
 * the AVX2 ones: the same weights and the same distribution, bit for bit. */
Test(tx, simd_model_gives_the_scalar_bits)
{
    tx a, b;
    tx_cfg ca = small_cfg(0, 1), cb = small_cfg(1, 1);
    run_text(&a, &ca, 5, 2500);
    run_text(&b, &cb, 5, 2500);
    cr_assert_eq(a.k.simd, 0);
    cr_assert_eq(memcmp(a.par, b.par, a.npar * sizeof *a.par), 0);
    cr_assert_eq(memcmp(a.tree, b.tree, sizeof a.tree), 0);
    tx_fini(&a);
    tx_fini(&b);
}

Test(tx, bit_probabilities_follow_the_byte_distribution)
{
    tx t;
    tx_cfg c = small_cfg(1, 0);
    run_text(&t, &c, 3, 2000);
    assert_bits_follow_tree(t.tree);
    tx_fini(&t);
}

/* Replay is extra learning on coded bytes: the same input with replay
 * ends in other weights, and on text it predicts better. */
Test(tx, replay_changes_the_weights_and_helps_on_text)
{
    tx a, b;
    tx_cfg ca = small_cfg(1, 0), cb = small_cfg(1, 2);
    size_t n = 12000;
    uint8_t *in = malloc(n);
    td_text(in, n, 8);
    cr_assert_eq(tx_init(&a, &ca, 2), 0);
    cr_assert_eq(tx_init(&b, &cb, 2), 0);
    double la = 0, lb = 0;
    for (size_t i = 0; i < n; i++) {
        if (i >= n / 2) {
            la -= log(a.tree[256 + in[i]]);
            lb -= log(b.tree[256 + in[i]]);
        }
        tx_byte(&a, in[i]);
        tx_byte(&b, in[i]);
    }
    cr_assert_neq(memcmp(a.par, b.par, a.npar * sizeof *a.par), 0);
    cr_assert(lb < la * 0.99, "second half: %g nats with replay, %g without", lb, la);
    free(in);
    tx_fini(&a);
    tx_fini(&b);
}

Test(tx, bad_settings_are_refused_with_a_message)
{
    char why[160];
    tx_cfg c = small_cfg(1, 0);
    cr_assert_eq(tx_cfg_check(&c, why, sizeof why), 0);
    c.dim = 36;
    cr_assert_eq(tx_cfg_check(&c, why, sizeof why), SL_EINVAL);
    cr_assert_not_null(strstr(why, "tx.dim"));
    c = small_cfg(1, 0);
    c.window = 12;
    cr_assert_eq(tx_cfg_check(&c, why, sizeof why), SL_EINVAL);
    cr_assert_not_null(strstr(why, "tx.window"));
    c = small_cfg(1, 0);
    c.layers = 0;
    tx t;
    cr_assert_eq(tx_init(&t, &c, 0), SL_EINVAL);
}
