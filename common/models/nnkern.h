/* common/models/nnkern.h — the vector kernels of the Transformer (tx),
 * a scalar set that defines the result and an AVX2 set that gives the
 * same bits faster.
 *
 *   nn_kern k; nn_kern_pick(&k, 1);    // 1: the fastest this CPU runs; 0: scalar
 *   k.vecmat(y, x, W, n, m);           // y[j] += sum_k x[k] W[k m + j]
 *   k.vecmat_ld(y, x, W, n, m, ld);    // the same with rows ld apart: the
 *                                      // columns j < m of a wider matrix
 *   k.matvec(Y, W, X, npos, n, m);     // Y[i n + k] = sum_j W[k m + j] X[i m + j]
 *   k.outer(G, X, dY, npos, n, m);     // G[k m + j] += sum_i X[i n + k] dY[i m + j]
 *   k.dot(a, b, n)                     // sum_i a[i] b[i]
 *   k.adam(w, g, m1, m2, n, &hp)       // one Adam step, g cleared (see adam_c)
 *   k.rmsprop(w, g, v, n, &hp)         // one RMSprop step (b2, c2, rate, eps2), g cleared
 *   k.lstm_gates(f, o, g, tc, cn, hn, z, cp, n)  // the LSTM's gates and cell
 *                                      // (lstm.c), z = its three gates' sums,
 *                                      // n a multiple of 8
 *   k.softmax(p, n)                    // p = e^(p - max) / sum, in place; e^x is
 *                                      // nn_ex (nnmath.h: + - * only, no libm)
 *   k.dots(out, a, B, ld, n, len)      // out[j] = dot(a, B + j ld, len), j < n
 *   k.axpys(y, c, B, ld, n, len)       // y[e] += sum_j c[j] B[j ld + e], e < len
 *                                      // (ld may be negative: rows run downward)
 *
 * Every length is a multiple of 8 (n, the count of rows of dots and
 * axpys, is any count). The order of every sum is written down
 * here, and each kernel of the AVX2 set performs, lane by lane, the same
 * IEEE operations in the same order as the scalar one (never a fused
 * multiply-add), so the two agree bit for bit: tests/unit/test_tx.c checks
 * it, and the determinism check compares x86-64 builds with aarch64
 * (scalar) ones.
 *   vecmat, vecmat_ld: y[j] = (...((y[j] + x[0] W[0][j]) + x[1] W[1][j]) ...), k
 *           ascending.
 *   dot:    eight accumulators acc[i % 8] += a[i] b[i], i ascending, then
 *           ((acc0 + acc1) + (acc2 + acc3)) + ((acc4 + acc5) + (acc6 + acc7)).
 *   matvec: Y[i][k] = dot(W row k, X row i, m), written (not added).
 *   dots:   each out[j] is dot's sum, in dot's order.
 *   axpys:  y[e] gets c[j] B[j][e] added for j ascending, one by one.
 *   outer:  G[k][j] gets X[i][k] dY[i][j] added for i ascending, one by one.
 *   adam, rmsprop: element by element, the expressions of adam_c and
 *           rmsprop_c in nnkern.c; lstm_gates: those of lstm_gates_c.
 *   softmax: the max over eight lanes (lane i % 8, then a fixed tree),
 *           nn_ex of each difference, nn_sum8, one reciprocal, products. */
#ifndef SL_NNKERN_H
#define SL_NNKERN_H

/* Adam's settings for one step: decays, their complements, the rate
 * (bias correction included), the gradient's scale (clipping) and the
 * term under the square root. */
typedef struct nn_adam_hp {
    float b1, c1, b2, c2, rate, scale, eps2;
} nn_adam_hp;

typedef struct nn_kern {
    void  (*vecmat)(float *y, const float *x, const float *W, int n, int m);
    void  (*vecmat_ld)(float *y, const float *x, const float *W, int n, int m, long ld);
    void  (*matvec)(float *Y, const float *W, const float *X, int npos, int n, int m);
    void  (*outer)(float *G, const float *X, const float *dY, int npos, int n, int m);
    float (*dot)(const float *a, const float *b, int n);
    void  (*adam)(float *w, float *g, float *m1, float *m2, long n, const nn_adam_hp *hp);
    void  (*rmsprop)(float *w, float *g, float *v, long n, const nn_adam_hp *hp);
    void  (*lstm_gates)(float *f, float *o, float *g, float *tc, float *cn, float *hn,
                        const float *z, const float *cp, int n);
    void  (*softmax)(float *p, int n);
    void  (*dots)(float *out, const float *a, const float *B, long ld, int n, int len);
    void  (*axpys)(float *y, const float *c, const float *B, long ld, int n, int len);
    int   simd;     /* 1 when the AVX2 set was picked */
} nn_kern;

/* Fills k with the scalar kernels, or with want_simd the AVX2 ones when
 * this CPU has AVX2. Returns k->simd. */
int nn_kern_pick(nn_kern *k, int want_simd);

#endif
