/* common/models/sse.c — see sse.h. */
#include "sse.h"
#include "../model.h"

#include <string.h>

/* Stage contexts: stage 0 has 256 x 8 direct contexts; the others 2^16,
 * direct for order 1, hashed for the rest. */
static uint32_t stage_contexts(int i)
{
    return i == 0 ? 256 * 8 : 65536;
}

static int group_b(int i);

int sse_init(sse_chain *s, int stages, int limit, const uint16_t *rates,
             const sq_table *sq)
{
    memset(s, 0, sizeof *s);
    s->n = stages > SSE_MAX ? SSE_MAX : stages;
    uint32_t na = 1, nb = 1;
    for (int i = 1; i < s->n; i++) {
        if (group_b(i)) nb++;
        else na++;
    }
    s->inv[0] = 65536 / na;
    s->inv[1] = 65536 / nb;
    for (int i = 0; i < s->n; i++) {
        int rc = apm_init(&s->a[i], stage_contexts(i), limit, rates, sq);
        if (rc) { sse_fini(s); return rc; }
    }
    return 0;
}

void sse_fini(sse_chain *s)
{
    for (int i = 0; i < SSE_MAX; i++) apm_fini(&s->a[i]);
}

/* A 16-bit hash: one multiply, the high bits (enough to spread a
 * context over an APM's 2^16 rows). */
static uint32_t h16(uint64_t v, uint32_t salt)
{
    return (uint32_t)(((v + salt) * 0x9e3779b97f4a7c15ull) >> 48);
}

/* Stage 4's context: the word so far (outside a word with apm.text, the
 * last word and the last byte), or a context of fixed-width code. */
static inline uint32_t word_cx(uint32_t c0, const sse_in *in)
{
    if (in->code) return h16(in->code + c0 * 0x10001ull, 9);
    if (in->word || !in->words || !in->text) return h16(in->word * 0x100 + c0, 4);
    return h16((in->wprev * 0x100 + (in->c8 & 0xff)) * 0x100 + c0, 11);
}

/* The context of stage i. */
static inline uint32_t stage_cx(int i, const sse_in *in)
{
    uint32_t c0 = in->c0, m3 = sse_misses3(in->misses);
    switch (i) {
    case 0: return sse_key0(c0, in->misses);
    case 1: return sse_key1(c0, (uint32_t)(in->c8 & 0xff));
    case 2: return h16((in->c8 & 0xffffff) << 8 | c0, 2);
    case 3: return h16((uint64_t)(in->expect + 1) << 16 | in->mlen << 12 | c0 << 3 | (m3 & 3), 3);
    case 4: return word_cx(c0, in);
    case 5: return h16((in->c8 & 0xffff) << 8 | c0, 5);
    case 6: return h16((in->c8 & 0xffffffffull) << 8 | c0, 6);
    default:
        if (in->words >= 2 && in->text)
            return h16((in->word + in->wprev * 0x2f0f3c5b9ull) * 0x100 + c0, 12);
        return h16((in->c8 & 0xffffffffffffull) << 8 | c0, 7);
    }
}

static int group_b(int i)
{
    return i == 2 || i >= 6;
}

uint32_t sse_p(sse_chain *s, const sq_table *sq, uint32_t pr, const sse_in *in)
{
    if (s->n == 0) return pr;
    /* Stages 0 and 1 (the direct ones) written out; each input is
     * stretched once for all the stages it goes to. */
    if (s->n == 1) return sse_p1(s, sq, pr, sse_key0(in->c0, in->misses));
    int st = sq_stretch(sq, pr);
    uint32_t p0 = apm_p_st(&s->a[0], st, stage_cx(0, in));
    uint32_t sa = pr + apm_p_st(&s->a[1], st, stage_cx(1, in)), sb = p0;
    if (s->n > 2) {
        int st0 = sq_stretch(sq, p0);
        for (int i = 2; i < s->n; i++) {
            if (group_b(i)) sb += apm_p_st(&s->a[i], st0, stage_cx(i, in));
            else sa += apm_p_st(&s->a[i], st, stage_cx(i, in));
        }
    }
    /* The means of the groups, by reciprocals (exact for these sums:
     * sa < 2^19, inv < 2^16); on text weighted 3:1 for group A
     * (development text, max: 0.06% smaller than 1:1, 5:3 and 7:1 were
     * between; default 0.03%), elsewhere 1:1 (3:1 cost the development
     * set's records 0.1-0.5%, default more than max). */
    uint32_t ma = sa * s->inv[0] >> 16, mb = sb * s->inv[1] >> 16;
    return in->text ? (3 * ma + mb + 2) >> 2 : (ma + mb + 1) >> 1;
}

void sse_prefetch(const sse_chain *s, const sse_in *in)
{
    /* Stages 0 and 1 are direct tables of order 0 and 1: fetched here,
     * just before they are read, they cost more than they saved;
     * sse_prefetch_next fetches them a bit ahead. */
    for (int i = 2; i < s->n; i++) apm_prefetch(&s->a[i], stage_cx(i, in));
}
