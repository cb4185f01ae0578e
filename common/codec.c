/* common/codec.c — see codec.h. The only place that joins a model to the
 * arithmetic coder. */
#include "codec.h"
#include "ac.h"
#include "err.h"
#include "fixmath.h"
#include "model.h"

#include <stdlib.h>

struct codec {
    const model_class *cls;
    void     *model;
    const model_bytes *bytes; /* the model's own byte coder, or NULL */
    uint32_t *cost_table;   /* when tracking: see bit_cost */
    uint64_t  cost;         /* sum of bit_cost over coded bits, 1/65536 bit */
    uint64_t  data_h;       /* hash of every byte coded, decoded or trained */
    uint32_t *byte_costs;   /* when set: each call's per-byte costs go here */
};

const model_class *model_class_of(const recipe_params *p)
{
    switch (p->model) {
    case MODEL_TX:      return &tx_model_class;
    case MODEL_ORDER0:  return &order0_model_class;
    case MODEL_UNIFORM: return &uniform_model_class;
    default:            return &cm_model_class;
    }
}

int codec_new(codec **out, const recipe_params *p)
{
    *out = NULL;
    if (p->codec_version != CODEC_VERSION) return SL_EVERSION;
    codec *c = calloc(1, sizeof *c);
    if (!c) return SL_ENOMEM;
    c->cls = model_class_of(p);
    c->model = malloc(c->cls->size(p));
    if (!c->model) { free(c); return SL_ENOMEM; }
    int rc = c->cls->init(c->model, p);
    if (rc) { free(c->model); free(c); return rc; }
    c->bytes = c->cls->bytes ? c->cls->bytes(c->model) : NULL;
    *out = c;
    return 0;
}

void codec_free(codec *c)
{
    if (!c) return;
    c->cls->fini(c->model);
    free(c->model);
    free(c->cost_table);
    free(c);
}

int codec_track_cost(codec *c, int on)
{
    if (!on) {
        free(c->cost_table);
        c->cost_table = NULL;
        c->byte_costs = NULL;
        return 0;
    }
    if (c->cost_table) return 0;
    c->cost_table = malloc((4097 + 256) * sizeof *c->cost_table);
    if (!c->cost_table) return SL_ENOMEM;
    for (uint32_t i = 0; i <= 4096; i++)  /* -log2 at every 16th probability */
        c->cost_table[i] = i ? (uint32_t)(-fm_log2(i / 4096.0) * 65536.0 + 0.5) : 0;
    for (uint32_t q = 1; q < 256; q++)    /* and at each one below 256 */
        c->cost_table[4097 + q] = (uint32_t)(-fm_log2(q / 65536.0) * 65536.0 + 0.5);
    c->cost = 0;
    return 0;
}

/* The cost in 1/65536 bit of an event of probability q/65536 (1..65535).
 * Exact below 256; above, interpolated between every 16th value, which
 * is off by under 1e-3 bit where -log2 bends most (q = 256) and by far
 * less above. A 17 KB table stays in L1, so tracking costs the coding
 * loop almost nothing; a full 256 KB one did not. */
static inline uint32_t bit_cost(const uint32_t *t, uint32_t q)
{
    if (q < 256) return t[4097 + q];
    uint32_t i = q >> 4, f = q & 15;
    return t[i] - (((t[i] - t[i + 1]) * f + 8) >> 4);
}

double codec_cost_bits(const codec *c)
{
    return (double)c->cost / 65536.0;
}

uint64_t codec_cost_units(const codec *c)
{
    return c->cost;
}

int codec_byte_costs(codec *c, uint32_t *costs)
{
    if (costs) {
        int rc = codec_track_cost(c, 1);
        if (rc) return rc;
    }
    c->byte_costs = costs;
    return 0;
}

/* Adds one byte's cost to the total and, when asked, to the caller's array. */
static inline void add_cost(codec *c, size_t i, uint32_t byte_cost)
{
    c->cost += byte_cost;
    if (c->byte_costs) c->byte_costs[i] = byte_cost;
}

int codec_encode(codec *c, const uint8_t *in, size_t n, bytebuf *out)
{
    if (n == 0) return 0;
    ac_enc e;
    ac_enc_init(&e, out);
    const model_class *cls = c->cls;
    void *m = c->model;
    const uint32_t *t = c->cost_table;
    /* The model codes whole bytes itself, unless costs are tracked. */
    if (c->bytes && !t) {
        int rc = c->bytes->encode(m, &e, in, n);
        c->data_h = dg_bytes(c->data_h, in, n);
        int frc = ac_enc_flush(&e);
        return rc ? rc : frc;
    }
    for (size_t i = 0; i < n; i++) {
        int byte = in[i];
        uint32_t bc = 0;
        for (int b = 7; b >= 0; b--) {
            int bit = (byte >> b) & 1;
            uint32_t p = cls->predict(m);
            if (t) bc += bit_cost(t, bit ? p : 65536 - p);
            ac_encode_bit(&e, p, bit);
            cls->update(m, bit);
        }
        if (t) add_cost(c, i, bc);
    }
    c->data_h = dg_bytes(c->data_h, in, n);
    return ac_enc_flush(&e);
}

int codec_decode(codec *c, const uint8_t *coded, size_t coded_len,
                 uint8_t *out, size_t n)
{
    if (n == 0) return coded_len ? SL_ECORRUPT : 0;
    ac_dec d;
    ac_dec_init(&d, coded, coded_len);
    const model_class *cls = c->cls;
    void *m = c->model;
    const uint32_t *t = c->cost_table;
    if (c->bytes && !t) {
        int rc = c->bytes->decode(m, &d, out, n);
        if (rc) return rc;
        c->data_h = dg_bytes(c->data_h, out, n);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        int byte = 0;
        uint32_t bc = 0;
        for (int b = 0; b < 8; b++) {
            uint32_t p = cls->predict(m);
            int bit = ac_decode_bit(&d, p);
            if (t) bc += bit_cost(t, bit ? p : 65536 - p);
            cls->update(m, bit);
            byte = (byte << 1) | bit;
        }
        if (t) add_cost(c, i, bc);
        out[i] = (uint8_t)byte;
        /* Reading past the coded bytes: they hold no more of this chunk. */
        if (d.past > AC_LOOKAHEAD) return SL_ECORRUPT;
    }
    c->data_h = dg_bytes(c->data_h, out, n);
    return 0;
}

int codec_train(codec *c, const uint8_t *in, size_t n)
{
    const model_class *cls = c->cls;
    void *m = c->model;
    const uint32_t *t = c->cost_table;
    for (size_t i = 0; i < n; i++) {
        uint32_t bc = 0;
        for (int b = 7; b >= 0; b--) {
            int bit = (in[i] >> b) & 1;
            uint32_t p = cls->predict(m);
            if (t) bc += bit_cost(t, bit ? p : 65536 - p);
            cls->update(m, bit);
        }
        if (t) add_cost(c, i, bc);
    }
    if (n) c->data_h = dg_bytes(c->data_h, in, n);
    return 0;
}

uint64_t codec_digest(const codec *c)
{
    return dg_u64(c->cls->digest(c->model), c->data_h);
}
