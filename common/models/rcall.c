/* common/models/rcall.c — see rcall.h. */
#include "rcall.h"
#include "../err.h"

#include <string.h>

/* The gate: on above 1/2 near calls, off below 1/4; a share moves
 * 1/2^SHIFT of the way per word that begins as a call of its form. */
#define RC_ON    32768u
#define RC_OFF   16384u
#define RC_SHIFT 5
#define RC_NEAR  (1u << 18)

/* The forms: the first byte's mask and value, the displacement's width
 * in bits, and whether the word is a SPARC format-2 word, near only with
 * op2 1 or 2 (BPcc, Bicc). */
struct rcall_form { uint8_t mask, val, width, sparc_op2; };
typedef struct rcall_form rcall_form;
static const rcall_form call_forms[RCALL_FORMS] = {
    {0xc0, 0x40, 30, 0},   /* SPARC call */
    {0xfc, 0x94, 26, 0},   /* aarch64 bl, big-endian */
};
/* Branches: SPARC's format 2 with op2 0..3 (Bicc's 22-bit and BPcc's
 * 19-bit displacements agree in their low 19 bits while the target is
 * near; BPr and illtrap begin the same and count as far, word_end);
 * aarch64's b, big-endian. */
static const rcall_form branch_forms[RCALL_FORMS] = {
    {0xc1, 0x00, 19, 1},
    {0xfc, 0x14, 26, 0},
};

int rcall_init(rcall_model *c, const uint16_t *rates, int branches)
{
    memset(c, 0, sizeof *c);
    c->form = c->k = c->expect = -1;
    c->forms = branches ? branch_forms : call_forms;
    return sm_init(&c->sm, 4 * 2 * 8 * 2, 1023, rates) ? SL_ENOMEM : 0;
}

void rcall_fini(rcall_model *c)
{
    sm_fini(&c->sm);
}

/* The slot of target bits above s (place j = 1..3). */
static uint32_t slot(uint32_t j, uint32_t bucket)
{
    return (uint32_t)(((uint64_t)bucket * 4 + j) * 0x9e3779b97f4a7c15ull >> (64 - RCALL_BITS));
}

/* The word's displacement (its low `width` bits), sign-extended. */
static uint32_t sext(uint32_t v, uint32_t width)
{
    uint32_t m = (1u << width) - 1, d = v & m;
    return d & (1u << (width - 1)) ? d | ~m : d;
}

/* A word that began as form f ended: score it; if f is in use, keep its
 * target. */
static void word_end(rcall_model *c, int f)
{
    uint32_t d = sext(c->cur, c->forms[f].width);
    uint32_t near = d + RC_NEAR < 2 * RC_NEAR;
    if (c->forms[f].sparc_op2) near &= (c->cur >> 22 & 7) - 1 < 2;
    c->score[f] = (uint32_t)((int32_t)c->score[f] +
                             (((int32_t)(near << 16) - (int32_t)c->score[f]) >> RC_SHIFT));
    if (f != c->form) return;
    uint32_t t = c->word + d;
    if (t + 1 == 0) return;
    for (uint32_t j = 1; j <= 3; j++) {
        uint32_t s = 32 - 8 * j;
        c->tgt[j - 1][slot(j, t >> s)] = t + 1;
    }
    c->site[slot(0, c->prev_site)] = t + 1;
}

/* The expected byte at place k (1..3) of a call of the form in use;
 * src: where the target came from (0: the call site, 1: the window). */
static int expected(const rcall_model *c, uint32_t k, int *src)
{
    uint32_t s = 32 - 8 * k, w = c->forms[c->form].width;
    /* A byte that holds more than displacement bits (a branch's second). */
    if (s - 1 >= w) return -1;
    uint32_t lo = c->word + sext(c->cur << s, w);
    uint32_t t = c->site[slot(0, c->prev_site)];
    *src = 0;
    if (t && (t - 1) - lo < (1u << s)) return (int)(((t - 1) - c->word) >> (s - 8) & 0xff);
    *src = 1;
    for (uint32_t b = 0; b < 2; b++) {
        t = c->tgt[k - 1][slot(k, (lo >> s) + b)];
        if (t && (t - 1) - lo < (1u << s)) return (int)(((t - 1) - c->word) >> (s - 8) & 0xff);
    }
    return -1;
}

void rcall_byte(rcall_model *c, uint32_t byte, uint32_t pos)
{
    uint32_t lane = (pos - 1) & 3;
    if (lane == 0) {
        c->prev_site = c->prev;
        c->cur = byte;
        c->word = (pos - 1) >> 2;
        c->cand = 0;
        for (int f = 0; f < RCALL_FORMS; f++)
            if ((byte & c->forms[f].mask) == c->forms[f].val) c->cand |= 1u << f;
    } else {
        c->cur = c->cur << 8 | byte;
    }
    if (lane == 3) {
        for (int f = 0; f < RCALL_FORMS; f++)
            if (c->cand >> f & 1) word_end(c, f);
        int best = c->score[1] > c->score[0];
        if (c->form >= 0 && c->score[c->form] < RC_OFF) c->form = -1;
        if (c->score[best] > RC_ON) c->form = best;
        c->cand = 0;
        c->prev = c->cur;
    }
    c->k = c->expect = -1;
    if (lane < 3 && c->form >= 0 && (c->cand >> c->form & 1)) {
        c->k = (int)lane + 1;
        c->expect = expected(c, lane + 1, &c->src);
    }
}

int rcall_predict(rcall_model *c, const sq_table *sq, uint32_t c0, int bitpos)
{
    c->sm_on = 0;
    int x = c->expect;
    if (x < 0 || ((uint32_t)x | 256) >> (8 - bitpos) != c0) return 0;
    uint32_t bit = (uint32_t)x >> (7 - bitpos) & 1;
    uint32_t cx = (((uint32_t)c->k * 2 + (uint32_t)c->src) * 8 + (uint32_t)bitpos) * 2 + bit;
    c->sm_on = 1;
    return sq_stretch(sq, sm_p(&c->sm, cx));
}

void rcall_update(rcall_model *c, int bit)
{
    if (c->sm_on) sm_update(&c->sm, bit);
}
