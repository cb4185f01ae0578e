/* common/models/cm_shapes.h — cm's shapes: a copy of predict_body and
 * update_body (cm.c) for each, with its constants, and the choice of the
 * copy: once by cm_init (cm_pick_bodies, and whether the plain copy may
 * serve: cm_plain_able), then at each byte by update_body (cm_pick_plain).
 * Part of cm.c's translation unit, included once after the bodies; not
 * for other callers. */
#ifndef SL_CM_SHAPES_H
#define SL_CM_SHAPES_H

#include "cm_impl.h"

/* Each shape's body on its own (the lean ones small, without the
 * registers and stack the full one saves). */
#if defined(__GNUC__)
#define CM_SHAPE static __attribute__((noinline))
#else
#define CM_SHAPE static
#endif
CM_SHAPE uint32_t predict_lean1(cm *m) { return predict_lean(m, 1); }
CM_SHAPE uint32_t predict_lean2(cm *m) { return predict_lean(m, 2); }
CM_SHAPE uint32_t predict_full2(cm *m) { return predict_body(m, m->nctx, 2, 0); }
CM_SHAPE uint32_t predict_full3(cm *m) { return predict_body(m, m->nctx, 3, 0); }
CM_SHAPE uint32_t predict_full4(cm *m) { return predict_body(m, m->nctx, 4, 0); }
CM_SHAPE uint32_t predict_full5(cm *m) { return predict_body(m, m->nctx, 5, 0); }
CM_SHAPE uint32_t predict_full(cm *m) { return predict_body(m, m->nctx, m->rp.inputs, 0); }
CM_SHAPE uint32_t predict_plain3(cm *m) { return predict_body(m, m->nctx, 3, 1); }
CM_SHAPE uint32_t predict_plain3n(cm *m) { return predict_body(m, m->nctx, 3, 2); }

CM_SHAPE void update_lean1(cm *m, int bit) { update_body(m, bit, 1, 1, 1, 0); }
CM_SHAPE void update_lean2(cm *m, int bit) { update_body(m, bit, 2, 1, 1, 0); }
CM_SHAPE void update_full2(cm *m, int bit) { update_body(m, bit, m->nlive, 0, 2, 0); }
CM_SHAPE void update_full3(cm *m, int bit) { update_body(m, bit, m->nlive, 0, 3, 0); }
CM_SHAPE void update_full4(cm *m, int bit) { update_body(m, bit, m->nlive, 0, 4, 0); }
CM_SHAPE void update_full5(cm *m, int bit) { update_body(m, bit, m->nlive, 0, 5, 0); }
CM_SHAPE void update_full(cm *m, int bit) { update_body(m, bit, m->nlive, 0, m->rp.inputs, 0); }
CM_SHAPE void update_plain3(cm *m, int bit) { update_body(m, bit, m->nctx, 0, 3, 1); }
CM_SHAPE void update_plain3n(cm *m, int bit) { update_body(m, bit, m->nctx, 0, 3, 2); }

/* Whether a recipe may take the plain bodies (predict_body's `plain`) on
 * some bytes: shape 3 (three inputs per context), the match, one SSE
 * stage or none, sel_def and no other selector, and none of the models that
 * always run beside them (second match, run, LSTM, Transformer, direct
 * maps). */
static int cm_plain_able(const cm *m)
{
    const recipe_params *p = &m->rp;
    return m->shape == 3 && m->use_match && !m->use_match2 && !p->run && !m->use_lstm &&
           !m->use_tx && !m->dm.n && m->sse.n <= 1 && m->sel_def &&
           p->n_select == CM_SEL_DEF;
}

/* At a byte's start (after cm_byte), on a recipe cm_plain_able allows:
 * the plain bodies while no data model is in use at this byte (no
 * binary, record, image, x86 or fixed-width code contexts, text.ctx's
 * contexts not silenced), with the byte's part of the selectors' set
 * numbers (select_plain); else shape 3's. */
static void cm_pick_plain(cm *m)
{
    int plain = m->nlive == m->nctx && !m->img_on && m->xhi == m->xfrom && !m->text_off &&
                !m->rec_on && !m->tlv_on && !m->exe_on && !m->risc_on;
    m->predict = !plain ? predict_full3 : m->sse.n ? predict_plain3 : predict_plain3n;
    m->update = !plain ? update_full3 : m->sse.n ? update_plain3 : update_plain3n;
    m->node = 1;
    if (plain) select_plain_byte(m);
}

/* The bodies for the model's shape (cm_init calls it once m->shape is
 * known): one indirect call per bit instead of a switch. */
static void cm_pick_bodies(cm *m)
{
    switch (m->shape) {
    case 1:  m->predict = predict_lean1; m->update = update_lean1; break;
    case 2:  m->predict = predict_lean2; m->update = update_lean2; break;
    case 6:  m->predict = predict_full2; m->update = update_full2; break;
    case 3:  m->predict = predict_full3; m->update = update_full3; break;
    case 4:  m->predict = predict_full4; m->update = update_full4; break;
    case 5:  m->predict = predict_full5; m->update = update_full5; break;
    default: m->predict = predict_full;  m->update = update_full; break;
    }
}

#endif
