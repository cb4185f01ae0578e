/* common/model.h — the one predictor interface every model implements.
 *
 * A model predicts the next bit and then learns it. For every bit, in this
 * order and never otherwise:
 *     p = m->cls->predict(self);    // P(bit = 1) * 65536, in 1..65535
 *     code the bit with p;
 *     m->cls->update(self, bit);
 * Bits go most significant first, 8 per byte. A model lives in storage the
 * caller provides (cls->size(params) bytes, any alignment malloc gives);
 * init may allocate more and fini releases it. No model keeps static or
 * global state, so any number live in one process: the tests run an
 * encoder and a decoder side by side.
 *
 * digest() hashes every probability the model has produced and the state
 * that steers its next ones; two ends that saw the same bytes have the
 * same digest, so it detects a desync at a chunk boundary before a corrupt
 * byte is written.
 *
 * A model may also code whole bytes itself, with the coder inline
 * (bytes(self): NULL when this instance codes bit by bit). Its encode and
 * decode give exactly the bits, the coder's calls and the model state that
 * predict / code / update over the same bytes would, so a caller may mix
 * the two at any byte boundary; decode returns SL_ECORRUPT as soon as the
 * decoder has read more than AC_LOOKAHEAD bytes past the coded data (the
 * bytes decoded before are written), else 0. */
#ifndef SL_MODEL_H
#define SL_MODEL_H

#include "ac.h"
#include "recipe.h"
#include <stddef.h>
#include <stdint.h>

typedef struct model_class {
    const char *name;
    uint8_t     id;
    size_t    (*size)(const recipe_params *p);
    int       (*init)(void *self, const recipe_params *p);
    uint32_t  (*predict)(void *self);
    void      (*update)(void *self, int bit);
    uint64_t  (*digest)(const void *self);
    void      (*fini)(void *self);
    const struct model_bytes *(*bytes)(const void *self);   /* optional */
} model_class;

typedef struct model_bytes {
    int (*encode)(void *self, ac_enc *e, const uint8_t *in, size_t n);
    int (*decode)(void *self, ac_dec *d, uint8_t *out, size_t n);
} model_bytes;

extern const model_class cm_model_class;       /* models/cm.c */
extern const model_class tx_model_class;       /* models/tx_model.c */
extern const model_class order0_model_class;   /* models/plain.c */
extern const model_class uniform_model_class;  /* models/plain.c */

/* The class a recipe's `model` key names. */
const model_class *model_class_of(const recipe_params *p);

/* A 64-bit running hash over memory, for digests: h = dg_bytes(h, p, n). */
uint64_t dg_bytes(uint64_t h, const void *p, size_t n);
uint64_t dg_u64(uint64_t h, uint64_t v);

/* The context hash used across models: a strong 64-bit mix. */
static inline uint64_t hash64(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ull;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dull;
    x ^= x >> 33;
    return x;
}

#endif
