/* common/models/lean.c — the lean shapes of the cm model (tiny's) coding a
 * whole byte per step, with the arithmetic coder inline.
 *
 * A lean shape (cm.c: one or two contexts, one input each, the match, one
 * selector, no APM) costs little per bit, so the calls around each bit
 * (predict and update through pointers, the coder, the model's state
 * reloaded from memory after every store into a slot) cost as much as the
 * model. Here the eight bits of a byte run in one loop that keeps the
 * state in locals: the two contexts' slots, the partial byte, the match's
 * expected byte, the mixer's weights and the trace.
 *
 * It computes exactly what predict_lean and update_body do for the same
 * bytes: the same probabilities in the same order, the same training (of
 * the same weights, state maps and bit histories, in the same order when
 * two contexts share a slot), the same byte boundary (cm_byte and
 * cm_lookup's work for these recipes). So the output does not depend on
 * which path codes a byte, and a caller may mix them (the codec codes bit
 * by bit while it tracks costs).
 *
 * Which recipes take it (lean_coder, once at codec_new): the lean shapes
 * whose contexts are all orders below 8 and whose selector is c0, the
 * partial byte; tiny is one. Any other recipe codes bit by bit. */
#include "cm_impl.h"
#include "../ac.h"
#include "../err.h"

#include <stdlib.h>

#if defined(__SSE2__) && !defined(SL_NO_SIMD)
#include <emmintrin.h>
#define LEAN_SSE2 1
#else
#define LEAN_SSE2 0
#endif

#if defined(__GNUC__)
#define LEAN_INLINE static inline __attribute__((always_inline))
#else
#define LEAN_INLINE static inline
#endif

#define LEAN_NPAD 16   /* the mixer's padded inputs (4 at most, padded to 16) */

/* Whether this model's recipe is one the byte coder covers. */
static int lean_fits(const cm *m)
{
    const recipe_params *p = &m->rp;
    if ((m->shape != 1 && m->shape != 2) || m->nctx != p->n_orders || p->n_select != 1 ||
        p->select[0] != SEL_C0 || m->cmap0.wide || m->cmap1.wide || m->mx.npad != LEAN_NPAD ||
        (m->use_match && m->mm.sm.rates != m->rates))
        return 0;
    for (int k = 0; k < p->n_orders; k++)
        if (p->orders[k] >= 8) return 0;
    return 1;
}

/* lean_o1's rows: for each last byte, a context's hash, its first
 * nibble's hash and the second nibble's for each first nibble. */
#define LEAN_ROW 18

int lean_init(cm *m)
{
    if (!lean_fits(m)) return 0;
    /* lean_byte reads the weight sets without mixer_select: all written
     * now (256 sets of 16, 8 KiB). */
    mixer_ready_all(&m->mx);
    for (int i = 0; i < m->nctx; i++) {
        if (m->rp.orders[i] > 1) continue;
        uint64_t *t = malloc(256 * LEAN_ROW * sizeof *t);
        if (!t) return SL_ENOMEM;
        m->lean_o1[i] = t;
        for (uint64_t c = 0; c < 256; c++, t += LEAN_ROW) {
            t[0] = cm_order_hash(m->rp.seed, i, m->rp.orders[i], c);
            t[1] = hash64(t[0]);
            for (uint64_t j = 0; j < 16; j++)
                t[2 + j] = hash64(t[0] + (16 + j) * 0x9e3779b97f4a7c15ull);
        }
    }
    return 0;
}

/* The order contexts' hashes after a byte, when the last 8 bytes are c8,
 * and their first-nibble buckets (but order 0's and 1's, which stay in
 * cache, as in cm_prefetch_byte) and the match index's entry fetched (a
 * hint: computed ahead of the byte boundary, the lookups find them in
 * cache; *mslot: the match's index slot). */
LEAN_INLINE void lean_hashes(cm *m, uint64_t c8, int nctx, int match, uint64_t ctx[2],
                             uint64_t h0[2], uint32_t *mslot)
{
    for (int i = 0; i < nctx; i++) {
        if (m->lean_o1[i]) {
            const uint64_t *r = m->lean_o1[i] + (c8 & 0xff) * LEAN_ROW;
            ctx[i] = r[0];
            h0[i] = r[1];
        } else {
            ctx[i] = cm_order_hash(m->rp.seed, i, m->rp.orders[i], c8);
            h0[i] = hash64(ctx[i]);
            ctxmap_prefetch(&m->cmap0, h0[i]);
        }
    }
    if (match && m->mm.min <= 8) {
        *mslot = match_short_slot(&m->mm, c8, m->rp.seed);
#if defined(__GNUC__)
        __builtin_prefetch(&m->mm.ht[*mslot]);
#endif
    }
}

/* A byte is complete: what cm_byte does for these recipes (the byte stored,
 * the order hashes, from lean_hashes, the match moved on), then
 * cm_lookup's first nibble. */
LEAN_INLINE void lean_byte(cm *m, int c, int nctx, int match, const uint64_t ctx[2],
                           const uint64_t h0[2], uint32_t mslot)
{
    m->buf[m->pos & m->mask] = (uint8_t)c;
    m->pos++;
    m->c8 = (m->c8 << 8) | (uint64_t)c;
    for (int i = 0; i < nctx; i++) m->ctxh[i] = ctx[i];
    if (match) match_byte_at(&m->mm, m->buf, m->mask, m->pos, mslot, m->rp.seed);
    for (int i = 0; i < nctx; i++)
        m->slot0[i] = m->slot[i] = ctxmap_find_in(&m->cmap0, &m->bh, h0[i], 16, 4);
}

/* The second nibble's hashes (cm_lookup's at bit 4, when c0 is 1 and the
 * first nibble), their buckets fetched. */
LEAN_INLINE void lean_nibble_hashes(cm *m, uint32_t c0, int nctx, uint64_t h[2])
{
    uint64_t nib = (uint64_t)c0 * 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < nctx; i++) {
        /* The table's row holds this context unless no byte was seen yet
         * (cm_init's start hash). */
        const uint64_t *r = m->lean_o1[i] ? m->lean_o1[i] + (m->c8 & 0xff) * LEAN_ROW : NULL;
        if (r && r[0] == m->ctxh[i])
            h[i] = r[2 + (c0 & 15)];
        else
            h[i] = hash64(m->ctxh[i] + nib);
        ctxmap_prefetch(&m->cmap1, h[i]);
    }
}

/* mixer_train_scalar's step for one weight. */
LEAN_INLINE int16_t lean_train_w(int16_t w, int x, int e)
{
    int32_t d = (((x * 2) * e) >> 16) + 1;
    int32_t v = w + (d >> 1);
    return (int16_t)(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
}

/* The coder's state, in locals while a call codes its bytes (a store into
 * a slot may alias any memory: fields of a struct in memory would be
 * loaded again at every bit). The decoder is a copy of the caller's
 * ac_dec, decoded by ac.h's own ac_decode_bit; the encoder keeps low and
 * range here and lends them to ac.h's ac_enc_shift when a byte goes out. */
typedef struct lean_ac {
    ac_dec d;                      /* decoder */
    uint64_t low;                  /* encoder */
    uint32_t range;
} lean_ac;

LEAN_INLINE void lean_encode_bit(lean_ac *a, ac_enc *e, uint32_t pr, int bit)
{
    uint32_t bound = (uint32_t)(((uint64_t)a->range * pr) >> 16);
    if (bit) {
        a->range = bound;
    } else {
        a->low += bound;
        a->range -= bound;
    }
    while (a->range < AC_TOP) {
        a->range <<= 8;
        e->low = a->low;
        ac_enc_shift(e);
        a->low = e->low;
    }
}

/* What lean_bit reads that stays put while bytes are coded: the tables. */
typedef struct lean_env {
    const int16_t *stretch;
    const uint16_t *squash;        /* at st = 0 */
    uint32_t *smt, *msm;           /* the contexts' state maps; the match's */
    const uint16_t *rates;
    uint32_t limit, mlimit;
    const uint8_t (*next)[2];
    int16_t *wall;                 /* the mixer's weight sets */
    int lr;
    uint32_t skip;
} lean_env;

/* The state of the byte being coded. */
typedef struct lean_pos {
    uint32_t c0, nd;               /* partial byte; node in the nibble's slot */
    uint8_t *sl0, *sl1;            /* the contexts' slots for this nibble */
    int pb, mok;                   /* the match's expected byte (+ 256), still agreeing */
    uint32_t mbase;                /* the match's state map row while it agrees */
    uint64_t trace;
} lean_pos;

/* Bit k of a byte: predict_lean's probability, the bit coded (c's bit k
 * when encoding) and update_body's training. Returns the bit. */
LEAN_INLINE int lean_bit(const lean_env *v, lean_pos *s, lean_ac *a, ac_enc *e, int k, int c,
                         int nctx, int match, int dec)
{
    uint32_t *row = v->smt + (uint32_t)k * 256;
    uint8_t *sp0 = s->sl0 + s->nd, *sp1 = nctx > 1 ? s->sl1 + s->nd : NULL;
    uint32_t *se0 = row + *sp0, *se1 = nctx > 1 ? row + 2048 + *sp1 : NULL;
    int x0 = v->stretch[*se0 >> 20], x1 = nctx > 1 ? v->stretch[*se1 >> 20] : 0;
    int ebit = (s->pb >> (7 - k)) & 1;
    uint32_t *me = match ? v->msm + (s->mok ? s->mbase + (uint32_t)ebit * 256 : s->c0) : NULL;
    int xm = match ? v->stretch[*me >> 20] : 0;
    /* The inputs in their order: the contexts, the match, the bias. */
    int16_t *w = v->wall + (size_t)s->c0 * LEAN_NPAD;
    int wm = nctx + 0, wb = nctx + match;
#if LEAN_SSE2
    /* The four inputs (a zero after the bias when there are three) and
     * their weights in one register: mixer.c's dot product and step, the
     * same integers (the weights after the bias are never trained: an
     * input of 0 moves a weight by 0). */
    int in1 = nctx > 1 ? x1 : (match ? xm : 256);
    int in2 = nctx > 1 ? (match ? xm : 256) : (match ? 256 : 0);
    int in3 = nctx > 1 && match ? 256 : 0;
    /* Built lane by lane into the constant ones (in3 and the zeros). */
    __m128i xv = _mm_setr_epi16(0, 0, 0, (int16_t)in3, 0, 0, 0, 0);
    xv = _mm_insert_epi16(xv, x0, 0);
    xv = _mm_insert_epi16(xv, in1, 1);
    xv = _mm_insert_epi16(xv, in2, 2);
    __m128i wv = _mm_loadl_epi64((const __m128i *)w);
    __m128i pd = _mm_madd_epi16(wv, xv);
    int32_t dot = (int32_t)((uint32_t)_mm_cvtsi128_si32(pd) +
                            (uint32_t)_mm_cvtsi128_si32(_mm_shuffle_epi32(pd, 0x55)));
    (void)wm, (void)wb;
#else
    int32_t dot = (int32_t)w[0] * x0 + (int32_t)w[wb] * 256;
    if (nctx > 1) dot += (int32_t)w[1] * x1;
    if (match) dot += (int32_t)w[wm] * xm;
#endif
    /* squash gives 1..65535: predict_out's clamp changes nothing. */
    uint32_t pr = v->squash[sq_clamp(dot >> 14)];
    s->trace = (s->trace ^ pr) * 0x100000001b3ull;
    int bit;
    if (dec) {
        bit = ac_decode_bit(&a->d, pr);
    } else {
        bit = (c >> (7 - k)) & 1;
        lean_encode_bit(a, e, pr, bit);
    }
    /* update_body: the contexts (one after the other: two may share a
     * slot), the match, the mixer. */
    sm_train(se0, bit, v->rates, v->limit);
    *sp0 = v->next[*sp0][bit];
    if (nctx > 1) {
        sm_train(se1, bit, v->rates, v->limit);
        *sp1 = v->next[*sp1][bit];
    }
    if (match) sm_train(me, bit, v->rates, v->mlimit);
    int err = (bit << 12) - (int)(pr >> 4);
#if LEAN_SSE2
    {
        /* A skipped step is one with error 0 (every weight moves by 0):
         * no branch. */
        int ge = (err * v->lr) & -(int)((uint32_t)(err + (int)v->skip) > 2 * v->skip);
        __m128i d = _mm_mulhi_epi16(_mm_add_epi16(xv, xv), _mm_set1_epi16((int16_t)ge));
        d = _mm_srai_epi16(_mm_add_epi16(d, _mm_set1_epi16(1)), 1);
        _mm_storel_epi64((__m128i *)w, _mm_adds_epi16(wv, d));
    }
#else
    if ((uint32_t)(err + (int)v->skip) > 2 * v->skip) {
        int ge = err * v->lr;
        w[0] = lean_train_w(w[0], x0, ge);
        if (nctx > 1) w[1] = lean_train_w(w[1], x1, ge);
        if (match) w[wm] = lean_train_w(w[wm], xm, ge);
        w[wb] = lean_train_w(w[wb], 256, ge);
    }
#endif
    s->mok &= ebit == bit;
    s->c0 = s->c0 << 1 | (uint32_t)bit;
    s->nd = s->nd << 1 | (uint32_t)bit;
    return bit;
}

/* One byte: c when encoding; returns the byte coded. The lookups ahead:
 * the encoder knows the byte, so it hashes the second nibble's contexts
 * and the next byte's at once; the decoder hashes both values of the bit
 * that decides them one bit before (bits 3 and 7). Either way the buckets
 * are fetched early. */
LEAN_INLINE int lean_code_byte(cm *m, const lean_env *v, lean_pos *s, lean_ac *a, ac_enc *e,
                               int c, int nctx, int match, int dec)
{
    uint64_t hn[2][2], nctxh[2][2], nh0[2][2];
    uint32_t mslot[2] = { 0, 0 };
    if (!dec) {
        lean_nibble_hashes(m, 16 | (uint32_t)c >> 4, nctx, hn[0]);
        lean_hashes(m, m->c8 << 8 | (uint64_t)c, nctx, match, nctxh[0], nh0[0], &mslot[0]);
    }
    s->c0 = s->nd = 1;
    s->sl0 = m->slot[0];
    s->sl1 = nctx > 1 ? m->slot[1] : NULL;
    /* The match: its expected byte while it agrees with c0. */
    s->pb = match ? m->mm.pbyte : 0;
    s->mok = s->pb != 0;
    s->mbase = (uint32_t)m->mm.lenq * 512 + (uint32_t)(m->c8 & 0xff) + 256;
#if defined(__GNUC__)
#pragma GCC unroll 8
#endif
    for (int k = 0; k < 8; k++) {
        if (dec && k == 3) {
            lean_nibble_hashes(m, s->c0 << 1, nctx, hn[0]);
            lean_nibble_hashes(m, s->c0 << 1 | 1, nctx, hn[1]);
        }
        if (dec && k == 7) {
            for (int b = 0; b < 2; b++)
                lean_hashes(m, m->c8 << 8 | ((s->c0 << 1 | (uint32_t)b) & 0xff), nctx, match,
                            nctxh[b], nh0[b], &mslot[b]);
        }
        if (k == 4) {
            /* cm_lookup's second nibble. */
            const uint64_t *h = hn[dec ? s->c0 & 1 : 0];
            s->sl0 = m->slot[0] = ctxmap_find_in(&m->cmap1, &m->bh, h[0], 16, 4);
            if (nctx > 1) s->sl1 = m->slot[1] = ctxmap_find_in(&m->cmap1, &m->bh, h[1], 16, 4);
            s->nd = 1;
        }
        lean_bit(v, s, a, e, k, c, nctx, match, dec);
    }
    c = (int)(s->c0 & 0xff);
    int b = dec ? c & 1 : 0;
    lean_byte(m, c, nctx, match, nctxh[b], nh0[b], mslot[b]);
    return c;
}

/* Codes bytes in[0..n) (encoding) or out[0..n) (decoding, dec = 1). nctx
 * and match are constants in each copy (lean_coder's table), and so is
 * the bit position once the loop over a byte's bits is unrolled. */
LEAN_INLINE int lean_run(cm *m, void *coder, const uint8_t *in, uint8_t *out, size_t n,
                         int nctx, int match, int dec)
{
    ac_enc *e = coder;
    ac_dec *d = coder;
    lean_ac a = { 0 };
    if (dec) {
        a.d = *d;
    } else {
        a.low = e->low;
        a.range = e->range;
    }
    const lean_env v = {
        .stretch = m->sq.stretch, .squash = m->sq.squash + SQ_LIM,
        .smt = m->sm.t, .msm = m->mm.sm.t, .rates = m->rates,
        .limit = m->sm.limit, .mlimit = m->mm.sm.limit, .next = m->bh.next,
        .wall = m->mx.w + (size_t)m->mx.base[0] * LEAN_NPAD,
        .lr = m->mx.lr, .skip = (uint32_t)m->mx.skip,
    };
    lean_pos s = { .trace = m->trace };
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        int c = lean_code_byte(m, &v, &s, &a, e, dec ? 0 : in[i], nctx, match, dec);
        if (dec) out[i] = (uint8_t)c;
        if (dec && a.d.past > AC_LOOKAHEAD) {
            rc = SL_ECORRUPT;
            break;
        }
    }
    m->trace = s.trace;
    if (dec) {
        *d = a.d;
    } else {
        e->low = a.low;
        e->range = a.range;
    }
    return rc;
}

#define LEAN_SHAPE(name, nctx, match)                                                  \
    static int name##_enc(void *self, ac_enc *e, const uint8_t *in, size_t n)          \
    {                                                                                  \
        return lean_run(self, e, in, NULL, n, nctx, match, 0);                         \
    }                                                                                  \
    static int name##_dec(void *self, ac_dec *d, uint8_t *out, size_t n)               \
    {                                                                                  \
        return lean_run(self, d, NULL, out, n, nctx, match, 1);                        \
    }                                                                                  \
    static const model_bytes name = { name##_enc, name##_dec };

LEAN_SHAPE(lean1, 1, 0)
LEAN_SHAPE(lean1m, 1, 1)
LEAN_SHAPE(lean2, 2, 0)
LEAN_SHAPE(lean2m, 2, 1)

const model_bytes *lean_coder(const cm *m)
{
    if (!lean_fits(m)) return NULL;
    if (m->nctx == 1) return m->use_match ? &lean1m : &lean1;
    return m->use_match ? &lean2m : &lean2;
}
