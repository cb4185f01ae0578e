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

#if defined(__GNUC__)
#define LEAN_INLINE static inline __attribute__((always_inline))
#else
#define LEAN_INLINE static inline
#endif

/* Whether this model's recipe is one the byte coder covers. */
static int lean_fits(const cm *m)
{
    const recipe_params *p = &m->rp;
    if ((m->shape != 1 && m->shape != 2) || m->nctx != p->n_orders || p->n_select != 1 ||
        p->select[0] != SEL_C0 || m->cmap0.wide || m->cmap1.wide || m->mx.npad < 4)
        return 0;
    for (int k = 0; k < p->n_orders; k++)
        if (p->orders[k] >= 8) return 0;
    return 1;
}

/* A byte is complete: what cm_byte does for these recipes (the byte stored,
 * the order hashes, the match moved on), then cm_lookup's first nibble. */
LEAN_INLINE void lean_byte(cm *m, int c, int nctx, int match)
{
    const recipe_params *p = &m->rp;
    m->buf[m->pos & m->mask] = (uint8_t)c;
    m->pos++;
    uint64_t c8 = m->c8 = (m->c8 << 8) | (uint64_t)c;
    uint64_t h[2];
    for (int i = 0; i < nctx; i++) {
        m->ctxh[i] = cm_order_hash(p->seed, i, p->orders[i], c8);
        h[i] = hash64(m->ctxh[i]);
        ctxmap_prefetch(&m->cmap0, h[i]);
    }
    if (match) match_byte(&m->mm, m->buf, m->mask, m->pos, c8, p->seed);
    for (int i = 0; i < nctx; i++)
        m->slot0[i] = m->slot[i] = ctxmap_find_in(&m->cmap0, &m->bh, h[i], 16, 4);
}

/* The second nibble's slots (cm_lookup at bit 4; c0 = 1 and the first
 * nibble). */
LEAN_INLINE void lean_nibble(cm *m, uint32_t c0, int nctx)
{
    uint64_t nib = (uint64_t)c0 * 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < nctx; i++)
        m->slot[i] = ctxmap_find_in(&m->cmap1, &m->bh, hash64(m->ctxh[i] + nib), 16, 4);
}

/* mixer_train_scalar's step for one weight. */
LEAN_INLINE int16_t lean_train_w(int16_t w, int x, int e)
{
    int32_t d = (((x * 2) * e) >> 16) + 1;
    int32_t v = w + (d >> 1);
    return (int16_t)(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
}

/* Codes bytes in[0..n) (encoding) or out[0..n) (decoding, dec = 1). nctx
 * and match are constants in each copy (lean_coder's table). */
LEAN_INLINE int lean_run(cm *m, void *coder, const uint8_t *in, uint8_t *out, size_t n,
                         int nctx, int match, int dec)
{
    ac_enc *e = coder;
    ac_dec *d = coder;
    const int16_t *stretch = m->sq.stretch;
    const uint16_t *squash = m->sq.squash + SQ_LIM;
    uint32_t *smt = m->sm.t;
    const uint16_t *rates = m->rates;
    const uint32_t limit = m->sm.limit, mlimit = m->mm.sm.limit;
    uint32_t *msm = m->mm.sm.t;
    const uint8_t (*next)[2] = m->bh.next;
    int16_t *wall = m->mx.w + (size_t)m->mx.base[0] * (size_t)m->mx.npad;
    const int npad = m->mx.npad, lr = m->mx.lr, skip = m->mx.skip;
    uint64_t trace = m->trace;
    enum { NX = 4 };
    for (size_t i = 0; i < n; i++) {
        int c = dec ? 0 : in[i];
        uint32_t c0 = 1, nd = 1;
        uint8_t *sl[2] = { m->slot[0], nctx > 1 ? m->slot[1] : NULL };
        /* The match: its expected byte while it agrees with c0. */
        int pb = match ? m->mm.pbyte : 0;
        int mok = pb != 0;
        uint32_t mbase = (uint32_t)m->mm.lenq * 512 + (uint32_t)(m->c8 & 0xff) + 256;
        for (int k = 0; k < 8; k++) {
            if (k == 4) {
                lean_nibble(m, c0, nctx);
                sl[0] = m->slot[0];
                if (nctx > 1) sl[1] = m->slot[1];
                nd = 1;
            }
            int x[NX], nx = 0;
            uint8_t *sp[2];
            uint32_t *se[2];
            for (int j = 0; j < nctx; j++) {
                sp[j] = sl[j] + nd;
                se[j] = smt + (uint32_t)j * 2048 + (uint32_t)k * 256 + *sp[j];
                x[nx++] = stretch[*se[j] >> 20];
            }
            int ebit = (pb >> (7 - k)) & 1;
            uint32_t *me = NULL;
            if (match) {
                me = msm + (mok ? mbase + (uint32_t)ebit * 256 : c0);
                x[nx++] = stretch[*me >> 20];
            }
            x[nx++] = 256;   /* the bias */
            int16_t *w = wall + (size_t)c0 * (size_t)npad;
            int32_t dot = 0;
            for (int j = 0; j < nx; j++) dot += (int32_t)w[j] * x[j];
            /* squash gives 1..65535: predict_out's clamp changes nothing. */
            uint32_t pr = squash[sq_clamp(dot >> 14)];
            trace = (trace ^ pr) * 0x100000001b3ull;
            int bit;
            if (dec) {
                bit = ac_decode_bit(d, pr);
            } else {
                bit = (c >> (7 - k)) & 1;
                ac_encode_bit(e, pr, bit);
            }
            /* update_body: the contexts, the match, the mixer. */
            for (int j = 0; j < nctx; j++) {
                sm_train(se[j], bit, rates, limit);
                *sp[j] = next[*sp[j]][bit];
            }
            if (match) sm_train(me, bit, m->mm.sm.rates, mlimit);
            int err = (bit << 12) - (int)(pr >> 4);
            if (err > skip || err < -skip)
                for (int j = 0; j < nx; j++) w[j] = lean_train_w(w[j], x[j], err * lr);
            mok &= ebit == bit;
            c0 = c0 << 1 | (uint32_t)bit;
            nd = nd << 1 | (uint32_t)bit;
        }
        c = (int)(c0 & 0xff);
        if (dec) out[i] = (uint8_t)c;
        lean_byte(m, c, nctx, match);
        if (dec && d->past > AC_LOOKAHEAD) {
            m->trace = trace;
            return SL_ECORRUPT;
        }
    }
    m->trace = trace;
    return 0;
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
