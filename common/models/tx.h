/* common/models/tx.h — a small causal Transformer that predicts the next
 * byte, trained online on the bytes already coded.
 *
 * Position p reads the byte before it (and, with shift, the one before
 * that) and its caller's hints (hint_next[k], set before tx_byte; inside
 * cm: the byte the match model expects, the word, the last three bytes,
 * cm_ctx.c), each through its own embedding (a hint's starts at zero),
 * and predicts byte p. Its vector runs through L pre-norm layers:
 *   x += Wo attention(RMSNorm(x))      h heads over the last W positions
 *   x += W2 relu(W1 RMSNorm(x) + b1) + b2
 * and a final RMSNorm and a 256-way softmax give the distribution of
 * the byte. Attention keys and values live in a ring buffer, so a
 * position costs the same at any depth into the file; each head adds a
 * learned bias per distance (0..W-1) to its scores: relative positions.
 *
 * Training, Transformer-XL style: the positions are cut into segments of
 * T. When the last byte of a segment is known, one Adam step (global
 * gradient-norm clipping) follows the exact gradient of the segment's
 * summed cross-entropy; the keys and values of earlier positions are
 * fixed memory. With replay = N, N more steps each re-run a segment
 * drawn from the last 1 MiB of coded bytes (after its own memory, in a
 * second ring, so the live ring is untouched) with the current weights,
 * at half the rate. Adam's step is dense but for
 * the embeddings: only the rows a step's segment read move (the others
 * have no gradient and, with no momentum, would not move either); a row's
 * second moment catches up on the decay of the steps it sat out when it
 * is next read. Both ends of a link take the same steps at the same
 * byte positions: the model is a pure function of its settings, its seed
 * and its input.
 *
 * IEEE single precision under the determinism rules (common/README.md):
 * nnmath.h's exp and 1/sqrt, the kernels of nnkern.h (scalar or AVX2,
 * same bits), fixed summation orders, -ffp-contract=off.
 *
 *   tx_cfg c = {.layers = 2, .dim = 64, ...};
 *   if (tx_cfg_check(&c, why, sizeof why)) ...  // a message for a bad size
 *   tx_init(&t, &c, seed);                       // 0, SL_EINVAL or SL_ENOMEM
 *   per bit:  p16 = tx_p(&t, c0);                // c0: partial byte, leading 1
 *   per byte: t.hint_next[k] = ...;              // each of c.nhints, if any
 *             tx_byte(&t, c);                    // learn c, predict the next
 *   tx_fini(&t); */
#ifndef SL_TX_H
#define SL_TX_H

#include <stddef.h>
#include <stdint.h>

#include "../recipe.h"
#include "nnkern.h"
#include "nnmath.h"

#define TX_MAX_HINTS 4
/* The hints cm gives (cm_ctx.c, tx_hints), in this order: the match's
 * expected byte by length (5 rows of 256, and none), the current word's
 * hash, and the hash of the last three bytes. */
#define TX_HINT_MATCH_ROWS  1281
#define TX_HINT_WORD_ROWS   4096
#define TX_HINT_ORDER3_ROWS 4096

typedef struct tx_cfg {
    int layers;     /* L, 1..8 */
    int dim;        /* d, a multiple of 8 * heads, up to 512 */
    int heads;      /* h, 1..16 */
    int ff;         /* feed-forward width in multiples of d, 1..8 */
    int window;     /* W positions attended to, a multiple of 8, up to 1024 */
    int segment;    /* T positions per training step, 1..256 */
    int lr;         /* Adam's rate in 1/100000 */
    int shift;      /* 1: position p also reads the byte two back */
    int replay;     /* extra steps per segment over the same segment */
    int simd;       /* 1: AVX2 kernels where the CPU has them (same bits) */
    int nhints;     /* hints read at each position (0..TX_MAX_HINTS) */
    int hint_rows[TX_MAX_HINTS];   /* hint k takes values 0..hint_rows[k]-1
                                      (up to 65536); before the first byte
                                      it is hint_rows[k]-1 */
} tx_cfg;

typedef struct tx_layer {   /* offsets of one layer's parameters in par */
    size_t g1, wqkv, wo, rel, g2, w1, b1, w2, b2;
} tx_layer;

#define TX_MAX_LAYERS 8

typedef struct tx {
    tx_cfg   c;
    int      d, dh, F, R;       /* width, per head, feed-forward, ring slots */
    nn_kern  k;
    float    scale;             /* 1/sqrt(dh) */
    size_t   npar;              /* parameters (a multiple of 8) */
    float   *par, *grad, *m1, *m2;   /* parameters, gradient, Adam moments */
    size_t   emb, emb2, embh[TX_MAX_HINTS], gf, wout, bout;
    size_t   dense;             /* parameters from here on step densely; the
                                   embedding rows before it only when read */
    uint8_t *rowmark;           /* per embedding row: listed in rows */
    uint64_t *rowstep;          /* per embedding row: the Adam step it last took */
    uint32_t *rows;             /* rows with a gradient since the last step */
    int      nrows;
    tx_layer ly[TX_MAX_LAYERS];
    uint64_t steps;             /* Adam steps taken */
    float    b1t, b2t;          /* beta1^steps, beta2^steps */
    /* Ring of keys and values: [layer][slot][d], slot = position % R. */
    float   *K, *V;             /* the live ring (or, during replay, the replay ring) */
    float   *Kr, *Vr;           /* the replay ring */
    uint8_t *hist;              /* coded bytes by position, for replay */
    uint16_t *hints;            /* the storage of inh and histh */
    uint16_t *inh[TX_MAX_HINTS];    /* per segment position: hint k */
    uint16_t *histh[TX_MAX_HINTS];  /* hint k by position, for replay */
    int      hint_next[TX_MAX_HINTS];   /* the next position's hints: set them
                                           before tx_byte */
    uint64_t hmask;
    /* Activations of the segment's positions, for the backward pass. */
    float   *xs;                /* [L + 1][T][d]: residual stream into layer l */
    float   *xm;                /* [L][T][d]: after attention */
    float   *a, *q, *o, *bn;    /* [L][T][d]: normed, queries, attention out, normed */
    float   *r1, *r2;           /* [L][T]: 1/rms */
    float   *P;                 /* [L][T][h][W]: attention weights by distance */
    float   *u;                 /* [L][T][F]: feed-forward pre-activation */
    float   *rf, *f, *prob;     /* [T], [T][d], [T][256] */
    float   *work;              /* scratch for the backward pass */
    uint8_t *in, *in2, *tgt;    /* per segment position: inputs, target */
    uint64_t pos;               /* position being predicted */
    int      n;                 /* positions of this segment forwarded so far */
    int      last, last2;       /* the last byte, the one before */
    float    tree[512];         /* tree[n]: mass under node n; leaves 256..511 */
} tx;

/* The settings a recipe's tx.* and train.replay keys give. */
void tx_cfg_from_recipe(tx_cfg *c, const recipe_params *p, int simd);
/* 0 when the settings are usable; otherwise SL_EINVAL and a message. */
int  tx_cfg_check(const tx_cfg *c, char *why, size_t cap);
/* Bytes tx_init allocates for these settings. */
uint64_t tx_mem(const tx_cfg *c);
int  tx_init(tx *t, const tx_cfg *c, uint64_t seed);
void tx_fini(tx *t);
void tx_byte(tx *t, int c);

/* The probability (32..65504 of 65536) that the next bit is 1, given c0. */
static inline uint32_t tx_p(const tx *t, uint32_t c0)
{
    return nn_tree_p(t->tree, c0);
}

/* For tests: tx_seg_forward re-runs the forward pass over the t->n
 * positions of the current segment with the current weights, the last
 * position's target being `next` (t->prob[i * 256 + t->tgt[i]] is then
 * position i's probability of its byte); tx_seg_grad also adds the
 * gradient of the segment's summed cross-entropy (in nats) to t->grad. */
void tx_seg_forward(tx *t, int next);
void tx_seg_grad(tx *t, int next);

#endif
