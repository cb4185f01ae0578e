/* common/models/lstm.h — a small LSTM that predicts the next byte, trained
 * online; cm gives its prediction to the mixer (lstmmix.h).
 *
 * One layer of `cells` cells with coupled input and forget gates reads the
 * last two bytes and its own state, and a softmax over 256 outputs gives a
 * distribution for the next byte. After every `horizon` bytes it learns
 * from them by back-propagation through those steps, with RMSprop at
 * rate lr_e4 / 10000 (with lstm.warm, more while few bytes have been
 * seen). The bit-level prediction for a partial byte is the share of the
 * distribution's mass under that prefix.
 *
 * IEEE single precision under the determinism rules (common/README.md):
 * every sum has a fixed order, exp is a polynomial of our own, and
 * -ffp-contract=off keeps a*b+c two roundings on every compiler.
 *
 * With replay = N, after each window it also re-learns N windows drawn
 * from the last LSTM_REPLAY_WINDOWS (from the state each started in, at
 * half the rate): extra passes over coded bytes, which cost time, never
 * bits.
 *
 *   lstm_init(&l, cells, horizon, lr_e4, replay, seed);  // 0 or SL_ENOMEM
 *   lstm_set_warm(&l, kib);                       // optional: lstm.warm
 *   per bit:  p16 = lstm_p(&l, c0);               // c0: partial byte, leading 1
 *             e = lstm_expected(&l, c0);          // its likeliest byte under c0
 *   per byte: lstm_byte(&l, c);                   // learn c, predict the next
 *   lstm_fini(&l); */
#ifndef SL_LSTM_H
#define SL_LSTM_H

#include <stddef.h>
#include <stdint.h>

#include "nnkern.h"
#include "nnmath.h"

typedef struct lstm {
    int      H, T;          /* cells, horizon */
    nn_kern  k;             /* vector kernels (nnkern.h): scalar or AVX2, same bits */
    float    lr;
    float    warm;          /* the rate is lr (1 + warm / (warm + bytes)); 0: lr */
    uint64_t bytes;         /* bytes seen */
    float    decay_t;       /* RMS_DECAY^steps */
    size_t   npar;          /* parameters */
    size_t   nall;          /* floats in the block at par: all of the state */
    float   *par, *grad, *ms;   /* parameters, gradient, mean square gradient */
    /* Views of par: per gate q (0 forget, 1 output, 2 candidate)
     * Wh[q][i][j] (from cell i to cell j), Wx[q][s][j] (from the last byte
     * s), Wx2[q][s][j] (from the byte before), b[q][j];
     * then the output layer Wy[j][s] and by[s]. */
    float   *Wh, *Wx, *Wx2, *b, *Wy, *by;
    /* The window: h and c for steps 0..T (0: before the window), gate
     * values, tanh_(c) and the output distribution per step. */
    float   *h, *c, *f, *o, *g, *tc, *p;
    float   *work;          /* scratch for the backward pass */
    uint8_t *x, *x2, *y;    /* per step: the last byte, the one before, the next */
    uint8_t  seen[256], seen2[256];  /* bytes input during this window */
    int      prev;          /* the byte before the last */
    int      t;             /* steps taken in this window */
    float    tree[512];     /* tree[n]: mass under node n; leaves 256..511 */
    uint8_t  best[256];     /* best[n]: the likeliest byte under node n (1..255) */
    int      replay;        /* windows re-learnt after each window */
    uint64_t windows;       /* windows learnt so far */
    float   *rs;            /* per kept window: start h and c (2H) */
    uint8_t *rb;            /* per kept window: x, x2, y (3T) */
} lstm;

#define LSTM_REPLAY_WINDOWS 1024

int  lstm_init(lstm *l, int cells, int horizon, int lr_e4, int replay, uint64_t seed);
/* Bytes lstm_init allocates for these settings. */
uint64_t lstm_mem(int cells, int horizon, int replay);
/* lstm.warm: the rate starts at twice lr and falls towards lr as
 * lr (1 + w / (w + bytes seen)), w = kib * 1024; 0 (lstm_init's): lr. */
void lstm_set_warm(lstm *l, int kib);
void lstm_fini(lstm *l);
void lstm_byte(lstm *l, int c);

/* The probability (32..65504 of 65536) that the next bit is 1, given c0. */
static inline uint32_t lstm_p(const lstm *l, uint32_t c0)
{
    return nn_tree_p(l->tree, c0);
}

/* The byte the LSTM finds likeliest among those that begin with the
 * partial byte c0 (leading 1, 1..255). */
static inline int lstm_expected(const lstm *l, uint32_t c0)
{
    return l->best[c0 & 255];
}

#endif
