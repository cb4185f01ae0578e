/* common/models/cm_sel.h — cm's mixer selectors (mixer.select): the
 * value each one gives at a bit, and the choice of every layer-1 weight
 * set. Part of cm.c's translation unit, included once where CM_BODY is
 * defined (its bodies are inlined into each shape's predict); not for
 * other callers.
 *
 *   per bit, after the inputs: cm_select(m, nsel);
 * recipe.c's recipe_select_sets gives how many values each one takes. */
#ifndef SL_CM_SEL_H
#define SL_CM_SEL_H

#include "cm_impl.h"

/* Selector `record`: the column in 64 steps while a record length is in
 * use, and the bit position. */
static inline uint32_t sel_record(const cm *m)
{
    uint32_t len = m->rec.len, q = 0;
    if (rec_active(&m->rec))
        q = 1 + (len <= 64 ? m->rec.col : (uint32_t)((uint64_t)m->rec.col * 64 / len));
    return q * 8 + (uint32_t)m->bitpos;
}

/* Selector `word` on records with headers (tlv.h): the place in the
 * header or the body (up to 27), and the bit position. */
static inline uint32_t sel_tlv(const cm *m)
{
    const tlv_model *t = &m->tlv;
    uint32_t q = m->pos >= t->end ? m->pos - t->end : 4 + (m->pos - t->start < 27 ? m->pos - t->start : 27);
    return q * 8 + (uint32_t)m->bitpos;
}

/* Parts of the set numbers that sel_value and the plain bodies'
 * select_plain share: `match`'s value from the match model (its length
 * and expected bit); `word`'s row (the letters so far, in a word or not,
 * in steps of 256 for the partial byte); `kind`'s class of the last byte
 * (other, lower case, space, upper case). */
static inline uint32_t sel_match_of(const match_model *mm)
{
    return mm->expect < 0 ? 0 : (uint32_t)(mm->lenq * 2 + mm->expect + 1) & 63;
}

static inline uint32_t sel_word_row(const cm *m)
{
    return ((m->wpos < 7 ? m->wpos : 7) * 2 + (m->w0 != 0)) * 256;
}

static inline uint32_t sel_char_kind(uint32_t c1)
{
    return c1 >= 'a' && c1 <= 'z' ? 1 : c1 == ' ' ? 2 : c1 >= 'A' && c1 <= 'Z' ? 3 : 0;
}

/* The value of selector `sel` (mixer.select) at this bit; c1 the last
 * byte, known as cm_known counts it (predict_lean: its own count). */
CM_BODY uint32_t sel_value(const cm *m, int sel, int known, uint32_t c1)
{
    int rec = m->rec_on;   /* the record contexts are in use */
    switch (sel) {
    case SEL_C0:    return m->c0;
    case SEL_C1:    return c1 * 8 + (uint32_t)m->bitpos;
    case SEL_KNOWN: {
        uint32_t ml = !m->use_match || m->mm.expect < 0 ? 0
                    : m->mm.len < 16 ? 1 : m->mm.len < 32 ? 2 : 3;
        return ((uint32_t)known * 4 + ml) * 8 + (uint32_t)m->bitpos;
    }
    case SEL_MATCH:
        return m->use_match ? sel_match_of(&m->mm) : 0;
    case SEL_WORD:
    case SEL_SENTENCE: {
        if (m->tlv_on) return 8 * 2 * 256 + 65 * 8 + sel_tlv(m);
        if (rec) return 8 * 2 * 256 + sel_record(m);
        uint32_t w = sel_word_row(m) + m->c0;
        if (sel == SEL_WORD || !m->rp.text_words || m->wx.sent_words == 0) return w;
        /* `sentence`: the words since the sentence began (1, 2-3, 4+),
         * in sets after word's. */
        uint32_t s = m->wx.sent_words < 2 ? 0 : m->wx.sent_words < 4 ? 1 : 2;
        return m->word_sets + s * 8 * 2 * 256 + w;
    }
    case SEL_KIND: {
        if (m->exe_on) {
            /* x86 code: the place in an operand, and whether a target
             * table expects a byte. */
            uint32_t st = m->ex.k < 0 ? 0
                        : 1 + (uint32_t)m->ex.k * 2 + (m->ex.expect[1] >= 0);
            return 4 * 4 * 256 + st * 256 + m->c0;
        }
        if (m->risc_on) {
            /* Fixed-width code: the place in the word, the last opcode's
             * top bits, or with cm.risc_sel the current one's once coded
             * (risc_sel, once a byte in code_contexts). */
            return 4 * 4 * 256 + (m->rp.exe ? 9 * 256 : 0) + m->risc_sel * 256 + m->c0;
        }
        uint32_t kind = sel_char_kind(c1);
        uint32_t ex = !m->use_match ? 0 : (uint32_t)(m->mm.expect + 1);
        return (kind * 4 + ex) * 256 + m->c0;
    }
    case SEL_COLUMN:
        return rec ? 32 * 256 + sel_record(m) : (m->col < 31 ? m->col : 31) * 256 + m->c0;
    case SEL_MARGIN: {
        /* Where prose lines end: columns 24..79 in steps of 8. */
        uint32_t q = m->col < 24 ? m->col : m->col < 80 ? 24 + (m->col - 24) / 8 : 31;
        return rec ? 32 * 256 + sel_record(m) : q * 256 + m->c0;
    }
    case SEL_CLASSES:
        /* On fixed-width code with cm.risc_sel >= 2: the place in the
         * word and the opcode two words back (risc_sel2). */
        if (m->risc_on && m->risc_steer >= 2) return 64 * 256 + m->risc_sel2 * 256 + m->c0;
        return (uint32_t)(m->classes & 63) * 256 + m->c0;
    case SEL_RECORD:  return sel_record(m);
    case SEL_NEST: {
        /* The innermost open bracket or quote (textctx.h), the class of
         * the last byte, the partial byte: in place of c0 in max, 0.07%
         * smaller on the development text (251,075 -> 250,910 B); without
         * the binary case below, the development binaries grew 0.03%. */
        uint32_t cls = c1 >= 'a' && c1 <= 'z' ? 0 : c1 >= 'A' && c1 <= 'Z' ? 1
                     : c1 >= '0' && c1 <= '9' ? 2 : c1 == ' ' ? 3 : c1 == '\n' ? 4 : 5;
        uint32_t ns = m->rp.text_ctx ? textctx_nest_state(&m->tx) : 0;
        /* On binary data (the record model's gate) the partial byte alone,
         * in sets of its own, as c0 would: brackets there are noise. */
        if (m->rec.is_binary) return TEXTCTX_NEST_STATES * 6 * 256 + m->c0;
        return (ns * 6 + cls) * 256 + m->c0;
    }
    default:          return (c1 << 8) | m->c0;
    }
}

/* The selectors max's mixer.select begins with (cm->sel_common: the
 * recipe's list begins with them, or with `nest` in place of c0,
 * cm->sel_nest). */
static const uint8_t sel_common[CM_SEL_COMMON] = {
    SEL_C0, SEL_C1, SEL_KNOWN, SEL_MATCH, SEL_SENTENCE, SEL_KIND,
};

/* ... and those of default's list (cm->sel_def): the same without
 * `c1` and `known`. */
static const uint8_t sel_def[CM_SEL_DEF] = {
    SEL_C0, SEL_MATCH, SEL_WORD, SEL_KIND,
};

/* How many of the contexts in use at this bit have been seen before
 * (their state is not 0): selector `known`, counted only where a recipe
 * lists it (need_known). cm_inputs has set sp for all of them. */
static inline int cm_known(const cm *m)
{
    int known = 0;
    for (int i = 0; i < m->nlive; i++) known += *m->sp[i] != 0;
    for (int i = m->xfrom; i < m->xhi; i++) known += *m->sp[i] != 0;
    return known;
}

/* Weight sets 0 .. n - 1 chosen by a constant list (sel_common,
 * sel_def): unrolled, so each sel_value's switch is resolved at compile
 * time; `nest` (when the recipe begins with it) takes the first place. */
CM_BODY void select_fixed(cm *m, const uint8_t *list, int n, int nest, int known,
                          uint32_t c1)
{
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 8
#endif
    for (int k = 0; k < n; k++)
        mixer_select(&m->mx, k, k == 0 && nest ? sel_value(m, SEL_NEST, known, c1)
                                                      : sel_value(m, list[k], known, c1));
}

/* The plain bodies' selectors (cm.c, cm_pick_plain): sel_def while no
 * data model is in use (no record, header or code contexts), with the
 * match: sel_value's values, the parts that hold for a whole byte added
 * once a byte into plain_sel (select_plain_byte), so a bit adds the
 * partial byte, the bit position or the match's expected bit. */
static inline void select_plain_byte(cm *m)
{
    m->plain_sel[0] = m->mx.base[2] + sel_word_row(m);
    m->plain_sel[1] = m->mx.base[3] + sel_char_kind((uint32_t)(m->c8 & 0xff)) * 4 * 256;
}

CM_BODY void select_plain(cm *m)
{
    mixer *x = &m->mx;
    uint32_t c0 = m->c0;
    int e = m->mm.expect;
    /* c0's and match's sets were all written by cm_init (cm_plain_able). */
    mixer_select_ready(x, 0, x->base[0] + c0);
    mixer_select_ready(x, 1, x->base[1] + sel_match_of(&m->mm));
    mixer_select_set(x, 2, m->plain_sel[0] + c0);
    mixer_select_set(x, 3, m->plain_sel[1] + (uint32_t)(e + 1) * 256 + c0);
}

/* Chooses each layer-1 weight set (mixer.select). */
CM_BODY void cm_select(cm *m, int nsel)
{
    uint32_t c1 = (uint32_t)(m->c8 & 0xff);
    int known = m->need_known ? cm_known(m) : 0;
    int j = 0;
    if (m->sel_common) {
        select_fixed(m, sel_common, CM_SEL_COMMON, m->sel_nest, known, c1);
        j = CM_SEL_COMMON;
    } else if (m->sel_def) {
        select_fixed(m, sel_def, CM_SEL_DEF, 0, known, c1);
        j = CM_SEL_DEF;
    }
    for (; j < nsel; j++) mixer_select(&m->mx, j, sel_value(m, m->rp.select[j], known, c1));
}

#endif
