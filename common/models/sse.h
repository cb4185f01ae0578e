/* common/models/sse.h — the chain of secondary estimation stages (APMs)
 * that refines the mixer's probability.
 *
 * Each stage is an APM (apm.h) keyed by one context of the recent past;
 * the chain averages their outputs in two groups, like paq8px's text
 * chain: group A refines the mixer's output directly (order 1, order 2,
 * the match's expected byte, the word or a context of fixed-width
 * code), group B starts from stage 0 (order 0 with the recent
 * mispredictions) and refines that on longer
 * orders (3, 4 and 6). The result is the mean of the two groups, or on
 * text (in->text) three parts group A's mean to one part group B's.
 * On text, in->words (recipe key apm.text) keys two stages by words
 * instead: 1, stage 4 between words by the last word and the last byte
 * (in place of the partial byte alone); 2, also stage 7 by the word so
 * far and the word before it (in place of order 6). With
 * fewer stages (apm.count) the chain keeps the first ones:
 *   1  stage 0 alone, blended 3:1 with the input
 *   2+ group A = stages 1, 3, 4, 5 present, with the input; group B =
 *      stage 0, stages 2, 6, 7 present.
 *
 *   sse_init(&s, stages, limit, rates, sq);
 *   per bit: fill an sse_in; p = sse_p(&s, sq, p_mix, &in); ...
 *   sse_update(&s, bit). */
#ifndef SL_SSE_H
#define SL_SSE_H

#include "apm.h"
#include <stdint.h>

#define SSE_MAX 8

typedef struct sse_in {
    uint32_t c0;        /* partial byte with a leading 1 */
    uint64_t c8;        /* last 8 bytes, newest lowest */
    uint64_t word;      /* hash of the current word (0 outside a word) */
    uint64_t wprev;     /* hash of the word before it (apm.text) */
    int      words;     /* apm.text: 0, 1 or 2 (above) */
    int      expect;    /* the match's expected byte, or -1 */
    uint32_t mlen;      /* its length bucket (0..3) */
    uint32_t misses;    /* recent mispredictions, newest in bit 0 */
    int      text;      /* 1: the data is text (group A weighs more) */
    uint64_t code;      /* a hashed context of fixed-width code, or 0: stage 4's
                           key in place of the word while not 0 */
} sse_in;

typedef struct sse_chain {
    int      n;
    uint32_t inv[2];     /* 65536 / stages in group A, in group B */
    apm      a[SSE_MAX];
} sse_chain;

int      sse_init(sse_chain *s, int stages, int limit, const uint16_t *rates,
                  const sq_table *sq);
void     sse_fini(sse_chain *s);
uint32_t sse_p(sse_chain *s, const sq_table *sq, uint32_t pr, const sse_in *in);
/* Fetches the rows of the hashed stages (2 and up) that sse_p will read
 * for `in` into cache: call it as soon as the next bit's sse_in is known. */
void     sse_prefetch(const sse_chain *s, const sse_in *in);

/* The recent mispredictions in three bits: the last, any of the 7 before,
 * any of the 8 before those. */
static inline uint32_t sse_misses3(uint32_t misses)
{
    return (misses & 1) | ((misses & 0xfe) != 0) << 1 | ((misses & 0xff00) != 0) << 2;
}

/* The keys of the two direct stages: 0, the partial byte with the recent
 * mispredictions; 1, order 1. */
static inline uint32_t sse_key0(uint32_t c0, uint32_t misses)
{
    return c0 | sse_misses3(misses) << 8;
}

/* The mispredictions newest in bit 0 after one more bit, wrong (1) or
 * not; *m3 becomes sse_misses3 of them << 8, stage 0's part of the key,
 * so a caller that keeps it needs no sse_misses3 at each bit. */
static inline uint32_t sse_misses_push(uint32_t misses, uint32_t wrong, uint32_t *m3)
{
    misses = misses << 1 | wrong;
    *m3 = sse_misses3(misses) << 8;
    return misses;
}

static inline uint32_t sse_key1(uint32_t c0, uint32_t c1)
{
    return c0 | c1 << 8;
}

/* Fetches the rows of stages 0 and 1 (direct: order 0 with the
 * mispredictions, order 1) that sse_p will read at the next bit, whose
 * partial byte c0, last byte c1 and mispredictions are known once the
 * bit before is coded: call it then, a whole prediction ahead. m3:
 * sse_misses3 of the mispredictions << 8 (sse_misses_push). */
static inline void sse_prefetch_next(const sse_chain *s, uint32_t c0, uint32_t c1,
                                     uint32_t m3)
{
    if (s->n > 0) apm_prefetch(&s->a[0], c0 | m3);
    if (s->n > 1) apm_prefetch(&s->a[1], sse_key1(c0, c1));
}

/* A chain of one stage (apm.count=1), inline and without an sse_in: what
 * sse_p gives for it; key0 = sse_key0(c0, misses). */
static inline uint32_t sse_p1(sse_chain *s, const sq_table *sq, uint32_t pr, uint32_t key0)
{
    uint32_t p0 = apm_p_st(&s->a[0], sq_stretch(sq, pr), key0);
    return (pr + 3 * p0) >> 2;
}

/* sse_p1 once stage 0's knots are all set (apm_ready_all). */
static inline uint32_t sse_p1_ready(sse_chain *s, const sq_table *sq, uint32_t pr, uint32_t key0)
{
    uint32_t p0 = apm_p_ready(&s->a[0], sq_stretch(sq, pr), key0);
    return (pr + 3 * p0) >> 2;
}

/* Trains the stages sse_p read on the bit (inline: a call per bit and
 * stage cost more than the two steps of each). */
static inline void sse_update(sse_chain *s, int bit)
{
    for (int i = 0; i < s->n; i++) apm_update(&s->a[i], bit);
}

#endif
