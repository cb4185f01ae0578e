/* common/models/tx_model.c — the Transformer alone as a model class
 * (`model=tx`): no context mixing, no APM. Each bit's probability is the
 * share of tx's byte distribution under the partial byte (tx.h), and the
 * byte, once complete, is what tx learns from. */
#include "../model.h"
#include "tx.h"

#include <string.h>

typedef struct tx_model {
    tx       t;
    uint32_t c0;            /* partial byte with leading 1 */
    uint64_t trace;         /* fold of every probability given */
} tx_model;

static size_t txm_size(const recipe_params *p)
{
    (void)p;
    return sizeof(tx_model);
}

static int txm_init(void *self, const recipe_params *p)
{
    tx_model *m = self;
    memset(m, 0, sizeof *m);
    tx_cfg c;
    tx_cfg_from_recipe(&c, p, 1);
    m->c0 = 1;
    return tx_init(&m->t, &c, p->seed);
}

static void txm_fini(void *self)
{
    tx_model *m = self;
    tx_fini(&m->t);
}

static uint32_t txm_predict(void *self)
{
    tx_model *m = self;
    uint32_t p = tx_p(&m->t, m->c0);
    m->trace = (m->trace ^ p) * 0x100000001b3ull;
    return p;
}

static void txm_update(void *self, int bit)
{
    tx_model *m = self;
    m->c0 = (m->c0 << 1) | (uint32_t)bit;
    if (m->c0 >= 256) {
        tx_byte(&m->t, (int)(m->c0 & 0xff));
        m->c0 = 1;
    }
}

/* The probabilities given so far, the position, and the distribution
 * for the next byte (the weights are left out: see cm_digest). */
static uint64_t txm_digest(const void *self)
{
    const tx_model *m = self;
    uint64_t h = dg_u64(0x5478ull, m->trace);
    h = dg_u64(h, m->t.pos);
    h = dg_u64(h, m->c0);
    return dg_bytes(h, m->t.tree, sizeof m->t.tree);
}

const model_class tx_model_class = {
    .name = "tx",
    .id = 2,
    .size = txm_size,
    .init = txm_init,
    .predict = txm_predict,
    .update = txm_update,
    .digest = txm_digest,
    .fini = txm_fini,
};
