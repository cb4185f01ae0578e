/* common/models/lstm.c — see lstm.h.
 *
 * Forward, one step per byte, with s the byte just seen:
 *   z_q = b_q + Wx_q[s] + sum_i h_prev[i] Wh_q[i]      (q = forget, output, candidate)
 *   f = sigm(z_0), o = sigm(z_1), g = tanh_(z_2)
 *   c = f c_prev + (1 - f) g,  h = o tanh_(c)
 *   p = softmax(by + sum_j h[j] Wy[j])
 * sigm(x) = 1 / (1 + e^-x), tanh_(x) = 2 / (1 + e^-2x) - 1; their exp and
 * the softmax's are nn_ex (nnmath.h): a polynomial and the exponent
 * field, + - * only. No libm function is called anywhere here. The
 * matrix products, the gates (f to h above, lstm_gates), the softmax and
 * the RMSprop step are nnkern.h's kernels (scalar or
 * AVX2, the same bits; their orders are written there); the other vector
 * sums run over i (or j) in increasing order, element by element, so a
 * vectorising compiler computes the same values as -O0. */
#include "lstm.h"
#include "../err.h"
#include "nnmath.h"

#include <stdlib.h>
#include <string.h>

#define NS 256              /* symbols */
#define RMS_DECAY 0.999f
#define RMS_EPS2  1e-12f   /* added under the square root */


/* y[j] += a * x[j] */
static void axpy(float *y, float a, const float *x, int n)
{
    for (int j = 0; j < n; j++) y[j] += a * x[j];
}

/* best[n] for every inner node n: the likeliest leaf under it, the
 * left one on a tie (comparisons only: no rounding). */
static void best_build(lstm *l)
{
    const float *t = l->tree;
    uint8_t *b = l->best;
    for (int n = 128; n < 256; n++) b[n] = (uint8_t)(t[2 * n + 1] > t[2 * n] ? 2 * n + 1 : 2 * n);
    for (int n = 127; n >= 1; n--) {
        int lo = b[2 * n], hi = b[2 * n + 1];
        b[n] = (uint8_t)(t[256 + hi] > t[256 + lo] ? hi : lo);
    }
}

/* One step on s (and s2, the byte before). `live`: also rebuild the
 * tree and best[] lstm_p and lstm_expected read (a replayed step's
 * distribution is needed only by backward). */
static void forward(lstm *l, int s, int s2, int live)
{
    const int H = l->H, k = l->t;
    const float *hp = l->h + (size_t)k * H, *cp = l->c + (size_t)k * H;
    float *hn = l->h + (size_t)(k + 1) * H, *cn = l->c + (size_t)(k + 1) * H;
    float *f = l->f + (size_t)k * H, *o = l->o + (size_t)k * H;
    float *g = l->g + (size_t)k * H, *tc = l->tc + (size_t)k * H;
    float *z = l->work;  /* 3 H */
    for (int q = 0; q < 3; q++) {
        float *zq = z + q * H;
        const float *bq = l->b + (size_t)q * H, *wx = l->Wx + ((size_t)q * NS + (size_t)s) * H;
        const float *wx2 = l->Wx2 + ((size_t)q * NS + (size_t)s2) * H;
        for (int j = 0; j < H; j++) zq[j] = (bq[j] + wx[j]) + wx2[j];
        l->k.vecmat(zq, hp, l->Wh + (size_t)q * H * H, H, H);
    }
    l->k.lstm_gates(f, o, g, tc, cn, hn, z, cp, H);
    float *p = l->p + (size_t)k * NS;
    memcpy(p, l->by, NS * sizeof *p);
    l->k.vecmat(p, hn, l->Wy, H, NS);
    l->k.softmax(p, NS);
    l->x[k] = (uint8_t)s;
    l->x2[k] = (uint8_t)s2;
    l->seen[s] = 1;
    l->seen2[s2] = 1;
    if (!live) return;
    nn_tree_build(l->tree, p);
    best_build(l);
}

/* RMSprop (nnkern.h's rmsprop): each weight steps by rate * gradient / RMS
 * of its recent gradients; the gradient is cleared for the next window. */
static void step(lstm *l, size_t off, size_t n, float rate)
{
    const nn_adam_hp hp = {.b2 = RMS_DECAY, .c2 = 1.0f - RMS_DECAY, .rate = rate,
                           .eps2 = RMS_EPS2};
    l->k.rmsprop(l->par + off, l->grad + off, l->ms + off, (long)n, &hp);
}

/* Back-propagation through the window's T steps, then one RMSprop step.
 * What does not depend on the recurrence runs for all T steps at once,
 * steps in the order the recurrence visits them (last first): the output
 * layer's gradients (one matvec and one outer product over the T rows)
 * and, after the recurrence, those of Wh (an outer product per gate).
 * Each weight's gradient gets the same terms in the same order as a
 * step-by-step pass, so the bits are the same, with fewer loads and
 * stores of the gradient matrices (`large` on GPL-2: this pass 2.13 ->
 * 1.44 G instructions). */
static void backward(lstm *l)
{
    const int H = l->H, T = l->T;
    float *dh = l->work, *dc = dh + H, *dhn = dc + H, *dcn = dhn + H;
    float *D = l->work + 9 * H + NS;        /* T x NS, row r: step T-1-r */
    float *DH = D + (size_t)T * NS;         /* T x H: Wy d of each row */
    float *HR = DH + (size_t)T * H;         /* T x H: h after each step */
    float *HP = HR + (size_t)T * H;         /* T x H: h before it */
    float *DZ = HP + (size_t)T * H;         /* 3 x T x H: gate q, row r */
    float *S = DZ + (size_t)3 * T * H;      /* 3 x H */
    float *gWh = l->grad + (l->Wh - l->par), *gWx = l->grad + (l->Wx - l->par);
    float *gWx2 = l->grad + (l->Wx2 - l->par);
    float *gb = l->grad + (l->b - l->par), *gWy = l->grad + (l->Wy - l->par);
    float *gby = l->grad + (l->by - l->par);
    for (int r = 0; r < T; r++) {
        const int k = T - 1 - r;
        float *d = D + (size_t)r * NS;
        memcpy(d, l->p + (size_t)k * NS, NS * sizeof *d);
        d[l->y[k]] -= 1.0f;
        for (int i = 0; i < NS; i++) gby[i] += d[i];
        memcpy(HR + (size_t)r * H, l->h + (size_t)(k + 1) * H, (size_t)H * sizeof *HR);
        memcpy(HP + (size_t)r * H, l->h + (size_t)k * H, (size_t)H * sizeof *HP);
    }
    l->k.matvec(DH, l->Wy, D, T, H, NS);
    l->k.outer(gWy, HR, D, T, H, NS);
    memset(dhn, 0, (size_t)H * sizeof *dhn);
    memset(dcn, 0, (size_t)H * sizeof *dcn);
    for (int r = 0; r < T; r++) {
        const int k = T - 1 - r;
        const float *cp = l->c + (size_t)k * H;
        const float *f = l->f + (size_t)k * H, *o = l->o + (size_t)k * H;
        const float *g = l->g + (size_t)k * H, *tc = l->tc + (size_t)k * H;
        float *dzf = DZ + (size_t)r * H, *dzo = dzf + (size_t)T * H, *dzg = dzo + (size_t)T * H;
        for (int j = 0; j < H; j++) dh[j] = dhn[j] + DH[(size_t)r * H + j];
        for (int j = 0; j < H; j++) {
            dc[j] = dh[j] * o[j] * (1.0f - tc[j] * tc[j]) + dcn[j];
            dzf[j] = dc[j] * (cp[j] - g[j]) * f[j] * (1.0f - f[j]);
            dzo[j] = dh[j] * tc[j] * o[j] * (1.0f - o[j]);
            dzg[j] = dc[j] * (1.0f - f[j]) * (1.0f - g[j] * g[j]);
            dcn[j] = dc[j] * f[j];
        }
        for (int q = 0; q < 3; q++) {
            const float *dzq = DZ + ((size_t)q * T + (size_t)r) * H;
            axpy(gWx + ((size_t)q * NS + l->x[k]) * H, 1.0f, dzq, H);
            axpy(gWx2 + ((size_t)q * NS + l->x2[k]) * H, 1.0f, dzq, H);
            axpy(gb + (size_t)q * H, 1.0f, dzq, H);
            /* S_q[i] = dot(Wh row q H + i, dz_q), dot's order. */
            l->k.dots(S + (size_t)q * H, dzq, l->Wh + (size_t)q * H * H, H, H, H);
        }
        for (int i = 0; i < H; i++) {
            float s = 0.0f;
            for (int q = 0; q < 3; q++) s += S[(size_t)q * H + i];
            dhn[i] = s;
        }
    }
    for (int q = 0; q < 3; q++)
        l->k.outer(gWh + (size_t)q * H * H, HP, DZ + (size_t)q * T * H, T, H, H);
    /* The mean square starts at 0: correct its bias through the rate. */
    l->decay_t *= RMS_DECAY;
    float rate = l->lr * (1.0f - l->decay_t) * nn_rsq(1.0f - l->decay_t);
    /* lstm.warm: twice the rate at first, falling to lr as bytes pass. */
    if (l->warm > 0.0f) rate += rate * (l->warm / (l->warm + (float)l->bytes));
    step(l, (size_t)(l->Wh - l->par), (size_t)3 * H * H, rate);
    step(l, (size_t)(l->b - l->par), (size_t)3 * H, rate);
    step(l, (size_t)(l->Wy - l->par), (size_t)H * NS + NS, rate);
    /* Wx, Wx2: only the rows of bytes this window saw have a gradient. */
    for (int q = 0; q < 3; q++)
        for (int s = 0; s < NS; s++) {
            size_t row = ((size_t)q * NS + (size_t)s) * H;
            if (l->seen[s]) step(l, (size_t)(l->Wx - l->par) + row, (size_t)H, rate);
            if (l->seen2[s]) step(l, (size_t)(l->Wx2 - l->par) + row, (size_t)H, rate);
        }
    memset(l->seen, 0, sizeof l->seen);
    memset(l->seen2, 0, sizeof l->seen2);
}

uint64_t lstm_mem(int cells, int horizon, int replay)
{
    uint64_t h = (uint64_t)cells, t = (uint64_t)horizon;
    uint64_t m = 3 * 4 * (3 * h * h + 7 * 256 * h + 3 * h + 256);   /* weights, gradient, RMS */
    m += 4 * ((t + 1) * h * 2 + t * h * 4 + t * 256 + 9 * h + 256) + 3 * t;
    m += 4 * (t * (256 + 6 * h) + 3 * h);   /* the backward pass's rows */
    if (replay) m += LSTM_REPLAY_WINDOWS * (8 * h + 3 * t);
    return m;
}

int lstm_init(lstm *l, int cells, int horizon, int lr_e4, int replay, uint64_t seed)
{
    memset(l, 0, sizeof *l);
    const int H = l->H = cells, T = l->T = horizon;
    l->replay = replay;
    nn_kern_pick(&l->k, 1);
    l->lr = (float)lr_e4 / 10000.0f;
    l->decay_t = 1.0f;
    l->npar = (size_t)3 * H * H + (size_t)6 * NS * H + (size_t)3 * H + (size_t)H * NS + NS;
    size_t win = (size_t)(T + 1) * H * 2 + (size_t)T * H * 4 + (size_t)T * NS;
    size_t work = (size_t)H * 9 + NS + (size_t)T * (NS + 6 * (size_t)H) + 3 * (size_t)H;
    l->nall = l->npar * 3 + win + work;
    float *all = calloc(l->nall, sizeof *all);
    l->x = calloc((size_t)T * 3, 1);
    if (replay) {
        l->rs = calloc((size_t)LSTM_REPLAY_WINDOWS * 2 * H, sizeof *l->rs);
        l->rb = calloc((size_t)LSTM_REPLAY_WINDOWS * 3 * T, 1);
    }
    if (!all || !l->x || (replay && (!l->rs || !l->rb))) {
        free(all);
        free(l->x);
        free(l->rs);
        free(l->rb);
        l->x = NULL;
        l->rs = NULL;
        l->rb = NULL;
        return SL_ENOMEM;
    }
    l->par = all;
    l->grad = all + l->npar;
    l->ms = all + 2 * l->npar;
    l->Wh = l->par;
    l->Wx = l->Wh + (size_t)3 * H * H;
    l->Wx2 = l->Wx + (size_t)3 * NS * H;
    l->b = l->Wx2 + (size_t)3 * NS * H;
    l->Wy = l->b + (size_t)3 * H;
    l->by = l->Wy + (size_t)H * NS;
    float *w = all + 3 * l->npar;
    l->h = w;
    l->c = l->h + (size_t)(T + 1) * H;
    l->f = l->c + (size_t)(T + 1) * H;
    l->o = l->f + (size_t)T * H;
    l->g = l->o + (size_t)T * H;
    l->tc = l->g + (size_t)T * H;
    l->p = l->tc + (size_t)T * H;
    l->work = l->p + (size_t)T * NS;
    l->x2 = l->x + T;
    l->y = l->x2 + T;
    /* Weights uniform in +-r with r = 1/sqrt(H) (as 0.5^k), from the seed;
     * the forget gate starts biased open (remember). */
    float r = 1.0f;
    while (r * r * (float)H > 1.0f) r *= 0.5f;
    uint64_t st = seed ^ 0x4c53544dull;
    for (size_t i = 0; i < l->npar; i++) l->par[i] = nn_uniform(&st, r);
    for (int j = 0; j < 3 * H; j++) l->b[j] = j < H ? 1.0f : 0.0f;
    memset(l->by, 0, NS * sizeof *l->by);
    forward(l, 0, 0, 1);
    return 0;
}

void lstm_set_warm(lstm *l, int kib)
{
    l->warm = (float)kib * 1024.0f;
}

void lstm_fini(lstm *l)
{
    free(l->par);
    free(l->x);
    free(l->rs);
    free(l->rb);
    l->par = NULL;
    l->x = NULL;
    l->rs = NULL;
    l->rb = NULL;
}

/* Keeps the window just learnt (its start state and bytes), then
 * re-learns `replay` kept windows chosen by a hash of the window count,
 * each from its own start state, at half the rate. The live state (the
 * window's end) is put back at step 0 afterwards. */
static void replay_windows(lstm *l)
{
    const int H = l->H, T = l->T;
    size_t kept = (size_t)(l->windows % LSTM_REPLAY_WINDOWS);
    memcpy(l->rs + kept * 2 * H, l->h, (size_t)H * sizeof *l->h);
    memcpy(l->rs + kept * 2 * H + H, l->c, (size_t)H * sizeof *l->c);
    memcpy(l->rb + kept * 3 * T, l->x, (size_t)T * 3);   /* x, x2, y */
    l->windows++;
    float *live = l->work + 7 * H + NS;  /* 2H, beyond backward's scratch */
    memcpy(live, l->h + (size_t)T * H, (size_t)H * sizeof *live);
    memcpy(live + H, l->c + (size_t)T * H, (size_t)H * sizeof *live);
    uint64_t n = l->windows < LSTM_REPLAY_WINDOWS ? l->windows : LSTM_REPLAY_WINDOWS;
    float lr = l->lr;
    l->lr = lr * 0.5f;
    for (int r = 0; r < l->replay; r++) {
        uint64_t z = l->windows * 31 + (uint64_t)r;
        size_t w = (size_t)(nn_splitmix(&z) % n);
        memcpy(l->h, l->rs + w * 2 * H, (size_t)H * sizeof *l->h);
        memcpy(l->c, l->rs + w * 2 * H + H, (size_t)H * sizeof *l->c);
        const uint8_t *b = l->rb + w * 3 * T;
        for (int k = 0; k < T; k++) {
            l->t = k;
            forward(l, b[k], b[T + k], 0);
            l->y[k] = b[2 * T + k];
        }
        backward(l);
    }
    l->lr = lr;
    memcpy(l->h + (size_t)T * H, live, (size_t)H * sizeof *live);
    memcpy(l->c + (size_t)T * H, live + H, (size_t)H * sizeof *live);
}

void lstm_byte(lstm *l, int c)
{
    l->bytes++;
    l->y[l->t++] = (uint8_t)c;
    if (l->t == l->T) {
        backward(l);
        if (l->replay) replay_windows(l);
        memcpy(l->h, l->h + (size_t)l->T * l->H, (size_t)l->H * sizeof *l->h);
        memcpy(l->c, l->c + (size_t)l->T * l->H, (size_t)l->H * sizeof *l->c);
        l->t = 0;
    }
    forward(l, c, l->prev, 1);
    l->prev = c;
}
