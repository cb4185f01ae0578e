/* common/models/plain.c — the two bottom rungs of the ladder of presets.
 *
 *   uniform  no model: every bit has probability 1/2, so every byte costs
 *            exactly 8 bits (the coder adds only its 1-2 byte flush per
 *            chunk). What a link without compression sends.
 *   order0   byte frequencies only: for every node of the byte's binary
 *            tree, counts of the 0s and 1s seen there (both halved when
 *            their sum reaches ORDER0_LIMIT, so old counts fade), and the
 *            estimate (n1 + 1/2) / (n0 + n1 + 1). The product of the 8
 *            decisions is the byte's adaptive frequency.
 * Both are integer arithmetic only. */
#include "../model.h"

#include <string.h>

#define ORDER0_LIMIT 65535

typedef struct plain {
    uint32_t c0;            /* partial byte with leading 1 */
    uint64_t pos;           /* bits coded */
    uint64_t trace;         /* fold of every probability given */
    uint32_t n[256][2];     /* order0: counts per tree node */
} plain;

static size_t plain_size(const recipe_params *p)
{
    (void)p;
    return sizeof(plain);
}

static int plain_init(void *self, const recipe_params *p)
{
    (void)p;
    plain *m = self;
    memset(m, 0, sizeof *m);
    m->c0 = 1;
    return 0;
}

static void plain_fini(void *self)
{
    (void)self;
}

static uint32_t uniform_predict(void *self)
{
    plain *m = self;
    m->trace = (m->trace ^ 32768u) * 0x100000001b3ull;
    return 32768;
}

static void plain_update(void *self, int bit)
{
    plain *m = self;
    m->c0 = (m->c0 << 1) | (uint32_t)bit;
    if (m->c0 >= 256) m->c0 = 1;
    m->pos++;
}

static uint32_t order0_predict(void *self)
{
    plain *m = self;
    const uint32_t *n = m->n[m->c0];
    uint32_t p = (uint32_t)(((uint64_t)n[1] * 2 + 1) * 65536 / ((uint64_t)n[0] * 2 + n[1] * 2 + 2));
    p = p < 1 ? 1 : p > 65535 ? 65535 : p;
    m->trace = (m->trace ^ p) * 0x100000001b3ull;
    return p;
}

static void order0_update(void *self, int bit)
{
    plain *m = self;
    uint32_t *n = m->n[m->c0];
    n[bit]++;
    if (n[0] + n[1] >= ORDER0_LIMIT) {
        n[0] >>= 1;
        n[1] >>= 1;
    }
    plain_update(self, bit);
}

static uint64_t plain_digest(const void *self)
{
    const plain *m = self;
    uint64_t h = dg_u64(0x706c61696eull, m->trace);
    h = dg_u64(h, m->pos);
    return dg_u64(h, m->c0);
}

const model_class uniform_model_class = {
    .name = "uniform",
    .id = 4,
    .size = plain_size,
    .init = plain_init,
    .predict = uniform_predict,
    .update = plain_update,
    .digest = plain_digest,
    .fini = plain_fini,
};

const model_class order0_model_class = {
    .name = "order0",
    .id = 3,
    .size = plain_size,
    .init = plain_init,
    .predict = order0_predict,
    .update = order0_update,
    .digest = plain_digest,
    .fini = plain_fini,
};
