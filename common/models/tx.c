/* common/models/tx.c — see tx.h.
 *
 * Forward, at position p with segment index i (i = p - segment start):
 *   x = E[byte p-1] (+ E2[byte p-2])                       xs[0][i]
 *   per layer: a = RMSNorm(x) g1;  q, k, v = a Wqkv        (k, v to the ring)
 *     per head: s_j = q.k_j / sqrt(dh) + rel[p - j], P = softmax(s) over
 *     the last W positions j <= p;  o = sum_j P_j v_j
 *     x += o Wo (xm[i]);  b = RMSNorm(x) g2;  u = b W1 + b1;
 *     x += relu(u) W2 + b2                                  xs[l+1][i]
 *   prob = softmax(RMSNorm(x) gf Wout + bout)
 * Backward runs the same graph in reverse over the segment's positions,
 * layer by layer, all positions of a layer at a time; gradients reach
 * keys and values of positions inside the segment only.
 *
 * Orders: every vector op is nnkern.h's (its orders are written there),
 * loops over positions run upward, over distances upward, over layers as
 * the graph runs. nn_ex, nn_rsq and nn_sum8 come from nnmath.h. No libm. */
#include "tx.h"
#include "../err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS 256
#define NORM_EPS   1e-5f      /* added to the mean square in RMSNorm */
#define ADAM_B1    0.0f       /* no momentum: the step follows this segment's gradient */
#define ADAM_B2    0.999f
#define ADAM_EPS2  1e-12f     /* added under the square root */
#define CLIP       4.0f       /* global gradient norm per step */
#define REPLAY_RATE 0.5f      /* rate of a replay step, as a share of lr */
#define TX_HIST_BITS 20       /* bytes kept for replay: 1 MiB */
#define SLOPE_BASE 0.7f       /* head h's distance bias starts at -0.7^(h+1) x distance */

void tx_cfg_from_recipe(tx_cfg *c, const recipe_params *p, int simd)
{
    *c = (tx_cfg){.layers = p->tx_layers, .dim = p->tx_dim, .heads = p->tx_heads,
                  .ff = p->tx_ff, .window = p->tx_window, .segment = p->tx_segment,
                  .lr = p->tx_lr, .shift = p->tx_shift, .replay = p->train_replay,
                  .simd = simd};
    if (p->model == MODEL_CM) {   /* what cm gives (cm_ctx.c, tx_hints) */
        static const int rows[] = {TX_HINT_MATCH_ROWS, TX_HINT_WORD_ROWS, TX_HINT_ORDER3_ROWS};
        c->nhints = (int)(sizeof rows / sizeof rows[0]);
        for (int k = 0; k < c->nhints; k++) c->hint_rows[k] = rows[k];
    }
}

int tx_cfg_check(const tx_cfg *c, char *why, size_t cap)
{
    const char *m = NULL;
    if (c->layers < 1 || c->layers > TX_MAX_LAYERS) m = "tx.layers must be 1..8";
    else if (c->heads < 1 || c->heads > 16) m = "tx.heads must be 1..16";
    else if (c->dim < 8 || c->dim > 512 || c->dim % (8 * c->heads))
        m = "tx.dim must be 8..512 and a multiple of 8 x tx.heads";
    else if (c->ff < 1 || c->ff > 8) m = "tx.ff must be 1..8";
    else if (c->window < 8 || c->window > 1024 || c->window % 8)
        m = "tx.window must be 8..1024 and a multiple of 8";
    else if (c->segment < 1 || c->segment > 256) m = "tx.segment must be 1..256";
    else if (c->lr < 1 || c->lr > 100000) m = "tx.lr must be 1..100000";
    else if (c->replay < 0 || c->replay > 16) m = "train.replay must be 0..16";
    else if (c->nhints < 0 || c->nhints > TX_MAX_HINTS) m = "tx: 0..4 hints";
    for (int k = 0; !m && k < c->nhints; k++)
        if (c->hint_rows[k] < 1 || c->hint_rows[k] > 65536) m = "tx: a hint has 1..65536 rows";
    if (m && why && cap) snprintf(why, cap, "%s", m);
    return m ? SL_EINVAL : 0;
}

static size_t layer_par(const tx_cfg *c)
{
    size_t d = (size_t)c->dim, F = d * (size_t)c->ff;
    return d + 3 * d * d + d * d + (size_t)c->heads * (size_t)c->window + d + d * F + F +
           F * d + d;
}

static size_t all_par(const tx_cfg *c)
{
    size_t d = (size_t)c->dim;
    size_t h = 0;
    for (int k = 0; k < c->nhints; k++) h += (size_t)c->hint_rows[k] * d;
    return NS * d * (c->shift ? 2 : 1) + h + (size_t)c->layers * layer_par(c) + d + d * NS + NS;
}

/* Floats of the activations and the scratch, after the parameters. */
static size_t all_act(const tx_cfg *c)
{
    size_t d = (size_t)c->dim, L = (size_t)c->layers, T = (size_t)c->segment;
    size_t F = d * (size_t)c->ff, W = (size_t)c->window, R = W + T;
    size_t ring = (c->replay ? 4 : 2) * L * R * d;
    size_t act = (L + 1) * T * d + 5 * L * T * d + 2 * L * T + L * T * (size_t)c->heads * W +
                 L * T * F + T + T * d + T * NS;
    size_t work = T * (6 * d + 2 * F + NS) + 4 * d + F + 2 * W;
    return ring + act + work;
}

uint64_t tx_mem(const tx_cfg *c)
{
    size_t rows = NS * (c->shift ? 2 : 1), hs = 0;
    for (int k = 0; k < c->nhints; k++) rows += (size_t)c->hint_rows[k];
    if (c->replay) hs = (size_t)c->nhints * 2 << TX_HIST_BITS;
    return (uint64_t)(4 * all_par(c) + all_act(c)) * 4 + 3 * (uint64_t)c->segment +
           (uint64_t)c->segment * 2 * (uint64_t)c->nhints + rows * 9 +
           (uint64_t)c->segment * 4 * (3 + (uint64_t)c->nhints) + hs +
           (c->replay ? (uint64_t)1 << TX_HIST_BITS : 0);
}

static void layout(tx *t)
{
    const size_t d = (size_t)t->d, F = (size_t)t->F, W = (size_t)t->c.window;
    size_t o = 0;
    t->emb = o; o += NS * d;
    t->emb2 = o; o += t->c.shift ? NS * d : 0;
    for (int k = 0; k < t->c.nhints; k++) {
        t->embh[k] = o;
        o += (size_t)t->c.hint_rows[k] * d;
    }
    t->dense = o;
    for (int l = 0; l < t->c.layers; l++) {
        tx_layer *y = &t->ly[l];
        y->g1 = o; o += d;
        y->wqkv = o; o += 3 * d * d;
        y->wo = o; o += d * d;
        y->rel = o; o += (size_t)t->c.heads * W;
        y->g2 = o; o += d;
        y->w1 = o; o += d * F;
        y->b1 = o; o += F;
        y->w2 = o; o += F * d;
        y->b2 = o; o += d;
    }
    t->gf = o; o += d;
    t->wout = o; o += d * NS;
    t->bout = o; o += NS;
    t->npar = o;
}

static void carve(tx *t, float *all)
{
    const size_t d = (size_t)t->d, L = (size_t)t->c.layers, T = (size_t)t->c.segment;
    const size_t F = (size_t)t->F, W = (size_t)t->c.window, R = (size_t)t->R;
    float *w = all;
    t->par = w; w += t->npar;
    t->grad = w; w += t->npar;
    t->m1 = w; w += t->npar;
    t->m2 = w; w += t->npar;
    t->K = w; w += L * R * d;
    t->V = w; w += L * R * d;
    if (t->c.replay) {
        t->Kr = w; w += L * R * d;
        t->Vr = w; w += L * R * d;
    }
    t->xs = w; w += (L + 1) * T * d;
    t->xm = w; w += L * T * d;
    t->a = w; w += L * T * d;
    t->q = w; w += L * T * d;
    t->o = w; w += L * T * d;
    t->bn = w; w += L * T * d;
    t->r1 = w; w += L * T;
    t->r2 = w; w += L * T;
    t->P = w; w += L * T * (size_t)t->c.heads * W;
    t->u = w; w += L * T * F;
    t->rf = w; w += T;
    t->f = w; w += T * d;
    t->prob = w; w += T * NS;
    t->work = w;
}

/* Initial weights from the seed, uniform: embeddings of unit variance,
 * the matrices of each block at variance ~1/d (the feed-forward output
 * at 1/4 of that), the output layer at zero (the first prediction is
 * uniform), gains at 1, and each head's distance bias at -slope x
 * distance with slopes 0.7, 0.7^2, ... (ALiBi-like: every head starts
 * by looking mostly at the last few bytes). */
static void init_weights(tx *t, uint64_t seed)
{
    const int d = t->d, F = t->F, W = t->c.window, H = t->c.heads;
    float *p = t->par;
    uint64_t st = seed ^ 0x54584d4f44454cull;
    float r_emb = 1.7320508f, r_d = 1.0f;
    while (r_d * r_d * (float)d > 3.0f) r_d *= 0.5f;   /* ~sqrt(3/d), as 0.5^k */
    for (size_t i = 0; i < (size_t)NS * (size_t)d * (t->c.shift ? 2u : 1u); i++)
        p[t->emb + i] = nn_uniform(&st, r_emb);
    for (int l = 0; l < t->c.layers; l++) {
        const tx_layer *y = &t->ly[l];
        for (int j = 0; j < d; j++) p[y->g1 + (size_t)j] = p[y->g2 + (size_t)j] = 1.0f;
        for (size_t i = 0; i < (size_t)3 * d * d; i++) p[y->wqkv + i] = nn_uniform(&st, r_d);
        for (size_t i = 0; i < (size_t)d * F; i++) p[y->w1 + i] = nn_uniform(&st, r_d);
        for (size_t i = 0; i < (size_t)d * d; i++) p[y->wo + i] = nn_uniform(&st, r_d);
        for (size_t i = 0; i < (size_t)F * d; i++) p[y->w2 + i] = nn_uniform(&st, r_d * 0.5f);
        float slope = 1.0f;
        for (int h = 0; h < H; h++) {
            slope *= SLOPE_BASE;
            for (int j = 0; j < W; j++) p[y->rel + (size_t)h * W + (size_t)j] = -slope * (float)j;
        }
    }
    for (int j = 0; j < d; j++) p[t->gf + (size_t)j] = 1.0f;
}

/* y = RMSNorm(x) g; *r = 1/rms. */
static void norm_fwd(const tx *t, const float *x, const float *g, float *y, float *r)
{
    const int d = t->d;
    float rr = nn_rsq(t->k.dot(x, x, d) / (float)d + NORM_EPS);
    for (int j = 0; j < d; j++) y[j] = x[j] * rr * g[j];
    *r = rr;
}

/* dx += d RMSNorm(x) g / dx . dy;  dg += dy n, with n = x r. */
static void norm_back(tx *t, const float *x, float r, const float *g, float *dg,
                      const float *dy, float *dx, float *tmp)
{
    const int d = t->d;
    float *n = tmp, *dn = tmp + d;
    for (int j = 0; j < d; j++) {
        n[j] = x[j] * r;
        dn[j] = dy[j] * g[j];
        dg[j] += dy[j] * n[j];
    }
    float c = t->k.dot(dn, n, d) / (float)d;
    for (int j = 0; j < d; j++) dx[j] += r * (dn[j] - n[j] * c);
}

static uint64_t hash_u64(uint64_t x)
{
    return nn_splitmix(&x);
}

static size_t ring_slot(const tx *t, uint64_t p, int dist)
{
    int s = (int)(p % (uint64_t)t->R) - dist;
    return (size_t)(s < 0 ? s + t->R : s);
}

/* The slot of position p in the ring, and how many of the nwin positions
 * p, p - 1, ... lie at slots s0, s0 - 1, ... before the ring wraps to
 * its last slot. */
static int ring_run(const tx *t, uint64_t p, int nwin, int *s0)
{
    *s0 = (int)(p % (uint64_t)t->R);
    return nwin < *s0 + 1 ? nwin : *s0 + 1;
}

/* out[j] = a . (row of position p - j, from offset off), j < nwin.
 * Through dots and axpys (eight keys at once), attention and its
 * gradient took `large` on GPL-2 from 16.1 to 13.5 G instructions, same
 * bits; per-head loops of 16-float dot calls had been 20% of it. */
static void ring_dots(const tx *t, float *out, const float *a, const float *M, uint64_t p,
                      int nwin, int off)
{
    const int d = t->d, dh = t->dh;
    int s0, n1 = ring_run(t, p, nwin, &s0);
    t->k.dots(out, a, M + (size_t)s0 * d + off, -d, n1, dh);
    if (nwin > n1) t->k.dots(out + n1, a, M + (size_t)(t->R - 1) * d + off, -d, nwin - n1, dh);
}

/* y += sum_j c[j] (row of position p - j, from offset off), j ascending. */
static void ring_axpys(const tx *t, float *y, const float *c, const float *M, uint64_t p,
                       int nwin, int off)
{
    const int d = t->d, dh = t->dh;
    int s0, n1 = ring_run(t, p, nwin, &s0);
    t->k.axpys(y, c, M + (size_t)s0 * d + off, -d, n1, dh);
    if (nwin > n1) t->k.axpys(y, c + n1, M + (size_t)(t->R - 1) * d + off, -d, nwin - n1, dh);
}

/* Attention of layer l at position p (segment index i): P and o. */
static void attend(tx *t, int l, uint64_t p, int i)
{
    const int d = t->d, dh = t->dh, W = t->c.window, H = t->c.heads, T = t->c.segment;
    const int nwin = p + 1 < (uint64_t)W ? (int)p + 1 : W;
    const float *q = t->q + ((size_t)l * T + i) * d;
    const float *K = t->K + (size_t)l * t->R * d, *V = t->V + (size_t)l * t->R * d;
    float *o = t->o + ((size_t)l * T + i) * d;
    for (int h = 0; h < H; h++) {
        float *P = t->P + (((size_t)l * T + i) * H + h) * W;
        const float *rel = t->par + t->ly[l].rel + (size_t)h * W;
        ring_dots(t, P, q + h * dh, K, p, nwin, h * dh);
        for (int j = 0; j < nwin; j++) P[j] = P[j] * t->scale + rel[j];
        for (int j = nwin; j < W; j++) P[j] = -1e30f;   /* no position yet */
        t->k.softmax(P, W);
        for (int j = nwin; j < W; j++) P[j] = 0.0f;
        float *oh = o + h * dh;
        for (int e = 0; e < dh; e++) oh[e] = 0.0f;
        ring_axpys(t, oh, P, V, p, nwin, h * dh);
    }
}

/* The forward pass at position p, segment index i; inputs in[i], in2[i].
 * With mem set, the position only serves as attention memory: the pass
 * stops once the last layer's key and value are in the ring (the rest
 * of it would not be read). */
static void forward_to(tx *t, uint64_t p, int i, int mem)
{
    const int d = t->d, F = t->F, T = t->c.segment, L = t->c.layers;
    const float *par = t->par;
    float *x = t->xs + (size_t)i * d;
    const float *e = par + t->emb + (size_t)t->in[i] * d;
    if (t->c.shift) {
        const float *e2 = par + t->emb2 + (size_t)t->in2[i] * d;
        for (int j = 0; j < d; j++) x[j] = e[j] + e2[j];
    } else {
        memcpy(x, e, (size_t)d * sizeof *x);
    }
    for (int k = 0; k < t->c.nhints; k++) {
        const float *eh = par + t->embh[k] + (size_t)t->inh[k][i] * d;
        for (int j = 0; j < d; j++) x[j] += eh[j];
    }
    float *qkv = t->work;  /* 3d */
    float *hb = qkv + 3 * d;  /* F */
    for (int l = 0; l < L; l++) {
        const tx_layer *y = &t->ly[l];
        size_t at = (size_t)l * T + (size_t)i;
        const float *xin = t->xs + at * d;
        float *a = t->a + at * d, *xm = t->xm + at * d, *bn = t->bn + at * d;
        float *u = t->u + at * F, *xo = t->xs + (at + T) * d;
        norm_fwd(t, xin, par + y->g1, a, &t->r1[at]);
        size_t slot = ring_slot(t, p, 0);
        float *kr = t->K + ((size_t)l * t->R + slot) * d, *vr = t->V + ((size_t)l * t->R + slot) * d;
        if (mem && l == L - 1) {
            /* Memory needs only the key and the value: the columns after
             * q's, each summed as the whole product would (a third of the
             * memory's product saved; a replay runs 63 memory positions). */
            memset(qkv, 0, (size_t)2 * d * sizeof *qkv);
            t->k.vecmat_ld(qkv, a, par + y->wqkv + d, d, 2 * d, 3 * d);
            memcpy(kr, qkv, (size_t)d * sizeof *qkv);
            memcpy(vr, qkv + d, (size_t)d * sizeof *qkv);
            return;
        }
        memset(qkv, 0, (size_t)3 * d * sizeof *qkv);
        t->k.vecmat(qkv, a, par + y->wqkv, d, 3 * d);
        memcpy(t->q + at * d, qkv, (size_t)d * sizeof *qkv);
        memcpy(kr, qkv + d, (size_t)d * sizeof *qkv);
        memcpy(vr, qkv + 2 * d, (size_t)d * sizeof *qkv);
        attend(t, l, p, i);
        memcpy(xm, xin, (size_t)d * sizeof *xm);
        t->k.vecmat(xm, t->o + at * d, par + y->wo, d, d);
        norm_fwd(t, xm, par + y->g2, bn, &t->r2[at]);
        memcpy(u, par + y->b1, (size_t)F * sizeof *u);
        t->k.vecmat(u, bn, par + y->w1, d, F);
        for (int j = 0; j < F; j++) hb[j] = u[j] > 0.0f ? u[j] : 0.0f;
        for (int j = 0; j < d; j++) xo[j] = xm[j] + par[y->b2 + (size_t)j];
        t->k.vecmat(xo, hb, par + y->w2, F, d);
    }
    const float *xl = t->xs + ((size_t)L * T + i) * d;
    float *f = t->f + (size_t)i * d, *pr = t->prob + (size_t)i * NS;
    norm_fwd(t, xl, par + t->gf, f, &t->rf[i]);
    memcpy(pr, par + t->bout, NS * sizeof *pr);
    t->k.vecmat(pr, f, par + t->wout, d, NS);
    t->k.softmax(pr, NS);
}

static void forward(tx *t, uint64_t p, int i)
{
    forward_to(t, p, i, 0);
}

/* The gradient of the attention of layer l, all n positions: from dO
 * (per position, d) into dQKV (per position, 3d: dq, dk, dv) and rel.
 * dP and dS are scratch of W floats each. */
static void attend_back(tx *t, int l, uint64_t s, int n, const float *dO, float *dQKV,
                        float *dP, float *dS)
{
    const int d = t->d, dh = t->dh, W = t->c.window, H = t->c.heads, T = t->c.segment;
    const float *K = t->K + (size_t)l * t->R * d, *V = t->V + (size_t)l * t->R * d;
    float *grel = t->grad + t->ly[l].rel;
    for (int i = 0; i < n; i++) {
        uint64_t p = s + (uint64_t)i;
        const int nwin = p + 1 < (uint64_t)W ? (int)p + 1 : W;
        const float *q = t->q + ((size_t)l * T + i) * d;
        for (int h = 0; h < H; h++) {
            const float *P = t->P + (((size_t)l * T + i) * H + h) * W;
            const float *doh = dO + (size_t)i * d + h * dh;
            float *dq = dQKV + (size_t)i * 3 * d + h * dh;
            ring_dots(t, dP, doh, V, p, nwin, h * dh);
            for (int j = nwin; j < W; j++) dP[j] = 0.0f;
            float c = t->k.dot(P, dP, W);
            for (int j = 0; j < nwin; j++) {
                float ds = P[j] * (dP[j] - c);
                dS[j] = ds * t->scale;
                grel[(size_t)h * W + (size_t)j] += ds;
            }
            ring_axpys(t, dq, dS, K, p, nwin, h * dh);
            /* Positions p - j inside the segment (j <= i); earlier ones
             * are fixed memory. */
            for (int j = 0; j < nwin && j <= i; j++) {
                float *dk = dQKV + (size_t)(i - j) * 3 * d + d + h * dh;
                float *dv = dk + d;
                for (int e = 0; e < dh; e++) dk[e] += dS[j] * q[h * dh + e];
                for (int e = 0; e < dh; e++) dv[e] += P[j] * doh[e];
            }
        }
    }
}

/* dX[i] += the gradient through RMSNorm of each position's dY[i] (the
 * norm of rows x[i] of X, with 1/rms in r[i] and gain g). */
static void norms_back(tx *t, int n, const float *X, const float *r, size_t g,
                       const float *dY, float *dX, float *tmp)
{
    const int d = t->d;
    for (int i = 0; i < n; i++)
        norm_back(t, X + (size_t)i * d, r[i], t->par + g, t->grad + g, dY + (size_t)i * d,
                  dX + (size_t)i * d, tmp);
}

/* gb[j] += sum_i dY[i][j], i ascending. */
static void bias_back(float *gb, const float *dY, int n, int m)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) gb[j] += dY[(size_t)i * m + j];
}

/* The feed-forward block of layer l backward over n positions: dX is the
 * gradient at its output; dXm receives the gradient at its input. */
static void ffn_back(tx *t, int l, int n, const float *dX, float *dXm, float *HB, float *DH,
                     float *DB, float *tmp)
{
    const int d = t->d, F = t->F, T = t->c.segment;
    const tx_layer *y = &t->ly[l];
    const float *U = t->u + (size_t)l * T * F;
    for (size_t e = 0; e < (size_t)n * F; e++) HB[e] = U[e] > 0.0f ? U[e] : 0.0f;
    bias_back(t->grad + y->b2, dX, n, d);
    t->k.outer(t->grad + y->w2, HB, dX, n, F, d);
    t->k.matvec(DH, t->par + y->w2, dX, n, F, d);
    for (size_t e = 0; e < (size_t)n * F; e++) DH[e] = U[e] > 0.0f ? DH[e] : 0.0f;
    bias_back(t->grad + y->b1, DH, n, F);
    t->k.outer(t->grad + y->w1, t->bn + (size_t)l * T * d, DH, n, d, F);
    t->k.matvec(DB, t->par + y->w1, DH, n, d, F);
    memcpy(dXm, dX, (size_t)n * d * sizeof *dXm);
    norms_back(t, n, t->xm + (size_t)l * T * d, t->r2 + (size_t)l * T, y->g2, DB, dXm, tmp);
}

/* The embedding row at offset `at` gets gradient dx; the row is listed
 * for the next Adam step the first time. */
static void emb_grad(tx *t, size_t at, const float *dx)
{
    const int d = t->d;
    size_t r = at / (size_t)d;
    if (!t->rowmark[r]) {
        t->rowmark[r] = 1;
        t->rows[t->nrows++] = (uint32_t)r;
    }
    float *g = t->grad + at;
    for (int j = 0; j < d; j++) g[j] += dx[j];
}

/* Back-propagation over the segment's n positions, into t->grad. */
static void backward(tx *t, uint64_t s, int n)
{
    const int d = t->d, T = t->c.segment, L = t->c.layers, F = t->F;
    float *dX = t->work, *dXm = dX + (size_t)T * d, *DB = dXm + (size_t)T * d;
    float *dQKV = DB + (size_t)T * d;         /* T x 3d */
    float *HB = dQKV + (size_t)T * 3 * d;     /* T x F */
    float *DH = HB + (size_t)T * F;           /* T x F */
    float *DL = DH + (size_t)T * F;           /* T x 256 */
    float *tmp = DL + (size_t)T * NS;         /* max(2d, 2W) */
    memcpy(DL, t->prob, (size_t)n * NS * sizeof *DL);
    for (int i = 0; i < n; i++) DL[(size_t)i * NS + t->tgt[i]] -= 1.0f;
    bias_back(t->grad + t->bout, DL, n, NS);
    t->k.outer(t->grad + t->wout, t->f, DL, n, d, NS);
    t->k.matvec(DB, t->par + t->wout, DL, n, d, NS);
    memset(dX, 0, (size_t)n * d * sizeof *dX);
    norms_back(t, n, t->xs + (size_t)L * T * d, t->rf, t->gf, DB, dX, tmp);
    for (int l = L - 1; l >= 0; l--) {
        const tx_layer *y = &t->ly[l];
        const size_t at = (size_t)l * T;
        ffn_back(t, l, n, dX, dXm, HB, DH, DB, tmp);
        t->k.outer(t->grad + y->wo, t->o + at * d, dXm, n, d, d);
        t->k.matvec(DB, t->par + y->wo, dXm, n, d, d);
        memset(dQKV, 0, (size_t)n * 3 * d * sizeof *dQKV);
        attend_back(t, l, s, n, DB, dQKV, tmp, tmp + t->c.window);
        t->k.outer(t->grad + y->wqkv, t->a + at * d, dQKV, n, d, 3 * d);
        t->k.matvec(DB, t->par + y->wqkv, dQKV, n, d, 3 * d);
        memcpy(dX, dXm, (size_t)n * d * sizeof *dX);
        norms_back(t, n, t->xs + at * d, t->r1 + at, y->g1, DB, dX, tmp);
    }
    for (int i = 0; i < n; i++) {
        emb_grad(t, t->emb + (size_t)t->in[i] * d, dX + (size_t)i * d);
        if (t->c.shift) emb_grad(t, t->emb2 + (size_t)t->in2[i] * d, dX + (size_t)i * d);
        for (int k = 0; k < t->c.nhints; k++)
            emb_grad(t, t->embh[k] + (size_t)t->inh[k][i] * d, dX + (size_t)i * d);
    }
}

/* One Adam step at this rate with the gradient clipped to norm CLIP; the
 * gradient is cleared. A gradient that is not finite is dropped, so a
 * NaN never reaches the weights. */
static void adam(tx *t, float lr)
{
    const size_t n = t->npar, lo = t->dense, d = (size_t)t->d;
    float g2 = t->k.dot(t->grad + lo, t->grad + lo, (int)(n - lo));
    for (int i = 0; i < t->nrows; i++) {
        const float *g = t->grad + (size_t)t->rows[i] * d;
        g2 += t->k.dot(g, g, (int)d);
    }
    int ok = g2 < 1e30f;
    if (ok) {
        t->steps++;
        t->b1t *= ADAM_B1;
        t->b2t *= ADAM_B2;
        float c2 = 1.0f - t->b2t;
        nn_adam_hp hp = {
            .b1 = ADAM_B1, .c1 = 1.0f - ADAM_B1, .b2 = ADAM_B2, .c2 = 1.0f - ADAM_B2,
            .rate = lr * c2 * nn_rsq(c2) / (1.0f - t->b1t),
            .scale = g2 > CLIP * CLIP ? CLIP * nn_rsq(g2) : 1.0f,
            .eps2 = ADAM_EPS2,
        };
        t->k.adam(t->par + lo, t->grad + lo, t->m1 + lo, t->m2 + lo, (long)(n - lo), &hp);
        for (int i = 0; i < t->nrows; i++) {
            uint32_t r = t->rows[i];
            size_t o = (size_t)r * d;
            /* The steps this row sat out: its m2 decays as a dense step
             * would have decayed it (with no momentum its weights did not
             * move), by b2^gap in square-and-multiply order. */
            uint64_t gap = t->steps - 1 - t->rowstep[r];
            float f = 1.0f, b = ADAM_B2;
            for (; gap; gap >>= 1, b *= b)
                if (gap & 1) f *= b;
            if (f != 1.0f)
                for (size_t j = 0; j < d; j++) t->m2[o + j] *= f;
            t->rowstep[r] = t->steps;
            t->k.adam(t->par + o, t->grad + o, t->m1 + o, t->m2 + o, (long)d, &hp);
        }
    } else {
        memset(t->grad + lo, 0, (n - lo) * sizeof *t->grad);
    }
    for (int i = 0; i < t->nrows; i++) {
        size_t o = (size_t)t->rows[i] * d;
        if (!ok) memset(t->grad + o, 0, d * sizeof *t->grad);
        t->rowmark[t->rows[i]] = 0;
    }
    t->nrows = 0;
}

/* Re-runs the forward pass over the segment's n positions. */
static void reforward(tx *t, int n)
{
    const uint64_t s = t->pos + 1 - (uint64_t)n;
    for (int i = 0; i < n; i++) forward(t, s + (uint64_t)i, i);
}

/* One replay step over the n positions from a (all coded): the positions
 * of its memory run first with the current weights, in the replay ring,
 * so the live ring is untouched. */
static void replay_at(tx *t, uint64_t a, int n, float lr)
{
    const int W = t->c.window;
    float *K = t->K, *V = t->V;
    t->K = t->Kr;
    t->V = t->Vr;
    uint64_t m0 = a >= (uint64_t)W - 1 ? a - (uint64_t)W + 1 : 0;
    for (uint64_t p = m0; p < a + (uint64_t)n; p++) {
        int i = p < a ? 0 : (int)(p - a);
        t->in[i] = p >= 1 ? t->hist[(p - 1) & t->hmask] : 0;
        t->in2[i] = p >= 2 ? t->hist[(p - 2) & t->hmask] : 0;
        t->tgt[i] = t->hist[p & t->hmask];
        for (int k = 0; k < t->c.nhints; k++) t->inh[k][i] = t->histh[k][p & t->hmask];
        forward_to(t, p, i, p < a);
    }
    backward(t, a, n);
    adam(t, lr);
    t->K = K;
    t->V = V;
}

static void train(tx *t)
{
    const int n = t->n, T = t->c.segment;
    const uint64_t s = t->pos + 1 - (uint64_t)n;
    float lr = (float)t->c.lr / 100000.0f;
    backward(t, s, n);
    adam(t, lr);
    /* Replay: segments drawn from the coded history (up to 1 MiB back),
     * by a hash of the step count, so both ends draw the same. */
    uint64_t keep = t->hmask - (uint64_t)T - (uint64_t)t->c.window - 2;  /* memory in the ring too */
    uint64_t span = s < keep ? s : keep;
    for (int r = 0; r < t->c.replay && span >= (uint64_t)T; r++) {
        uint64_t back = (uint64_t)T + hash_u64(t->steps * 31 + (uint64_t)r) % (span - (uint64_t)T + 1);
        replay_at(t, s - back, T, lr * REPLAY_RATE);
    }
}

static void free_all(tx *t)
{
    free(t->par);
    free(t->in);
    free(t->hist);
    free(t->hints);
    free(t->rowmark);
    free(t->rowstep);
    free(t->rows);
    t->par = NULL;
    t->in = NULL;
    t->hist = NULL;
    t->hints = NULL;
    t->rowmark = NULL;
    t->rowstep = NULL;
    t->rows = NULL;
}

int tx_init(tx *t, const tx_cfg *c, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    if (tx_cfg_check(c, NULL, 0)) return SL_EINVAL;
    t->c = *c;
    t->d = c->dim;
    t->dh = c->dim / c->heads;
    t->F = c->dim * c->ff;
    t->R = c->window + c->segment;
    t->scale = nn_rsq((float)t->dh);
    nn_kern_pick(&t->k, c->simd);
    layout(t);
    const size_t T = (size_t)c->segment, nrow = t->dense / (size_t)t->d;
    size_t nh = (size_t)c->nhints, hlen = c->replay ? (size_t)1 << TX_HIST_BITS : 0;
    t->par = calloc(4 * t->npar + all_act(c), sizeof *t->par);
    t->in = calloc(T * 3, 1);
    t->hints = calloc(nh * (T + hlen) + 1, sizeof *t->hints);
    t->rowmark = calloc(nrow, 1);
    t->rowstep = calloc(nrow, sizeof *t->rowstep);
    t->rows = calloc(T * (3 + nh), sizeof *t->rows);
    if (c->replay) {
        t->hmask = hlen - 1;
        t->hist = calloc(hlen, 1);
    }
    if (!t->par || !t->in || !t->hints || !t->rowmark || !t->rowstep || !t->rows ||
        (c->replay && !t->hist)) {
        free_all(t);
        return SL_ENOMEM;
    }
    carve(t, t->par);
    t->in2 = t->in + c->segment;
    t->tgt = t->in2 + c->segment;
    for (size_t k = 0; k < nh; k++) {
        t->inh[k] = t->hints + k * T;
        t->histh[k] = c->replay ? t->hints + nh * T + k * hlen : NULL;
        t->hint_next[k] = c->hint_rows[k] - 1;   /* "none" */
        t->inh[k][0] = (uint16_t)t->hint_next[k];
        if (c->replay) t->histh[k][0] = (uint16_t)t->hint_next[k];
    }
    t->b1t = t->b2t = 1.0f;
    init_weights(t, seed);
    forward(t, 0, 0);
    t->n = 1;
    nn_tree_build(t->tree, t->prob);
    return 0;
}

void tx_fini(tx *t)
{
    free_all(t);
}

void tx_byte(tx *t, int c)
{
    t->tgt[t->n - 1] = (uint8_t)c;
    if (t->n == t->c.segment) {
        train(t);
        t->n = 0;
    }
    t->last2 = t->last;
    t->last = c;
    if (t->hist) t->hist[t->pos & t->hmask] = (uint8_t)c;
    t->pos++;
    t->in[t->n] = (uint8_t)t->last;
    t->in2[t->n] = (uint8_t)t->last2;
    for (int k = 0; k < t->c.nhints; k++) {
        t->inh[k][t->n] = (uint16_t)t->hint_next[k];
        if (t->hist) t->histh[k][t->pos & t->hmask] = (uint16_t)t->hint_next[k];
    }
    forward(t, t->pos, t->n);
    nn_tree_build(t->tree, t->prob + (size_t)t->n * NS);
    t->n++;
}

void tx_seg_forward(tx *t, int next)
{
    t->tgt[t->n - 1] = (uint8_t)next;
    reforward(t, t->n);
}

void tx_seg_grad(tx *t, int next)
{
    tx_seg_forward(t, next);
    backward(t, t->pos + 1 - (uint64_t)t->n, t->n);
}
