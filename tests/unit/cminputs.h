/* tests/unit/cminputs.h — for tests of a group of text contexts inside the
 * cm model: a light max recipe (small tables, no LSTM) and a count of the
 * mixer inputs the group gave. Header-only; include after criterion.h.
 *
 *   recipe_params p;
 *   ci_light_max(&p);          (or ci_light(&p, preset); cm *m = ci_new(&p);)
 *   long n = ci_inputs_given(text, len, &p, skip, count);
 *
 * counts the non-zero inputs, over the last 1000 bytes, of the `count`
 * contexts that start `skip` contexts after the first text context;
 *
 *   ci_text_only(&p, skip, count, least);
 *
 * asserts that on 6000 bytes of generated text they give more than
 * `least` inputs and on 6000 random bytes (binary data) none. */
#ifndef SL_TEST_CMINPUTS_H
#define SL_TEST_CMINPUTS_H

#include "../../common/models/cm_impl.h"
#include "../../common/model.h"
#include "../../common/recipe.h"
#include "testdata.h"

#include <stdint.h>
#include <stdlib.h>

/* Preset `name` with small tables. */
static inline void ci_light(recipe_params *p, const char *name)
{
    cr_assert_eq(recipe_preset(name, p), 0);
    p->hash_bits = 16;
    p->buf_bits = 16;
    p->match_hash_bits = 14;
}

static inline void ci_light_max(recipe_params *p)
{
    ci_light(p, "max");
    p->lstm_cells = 0;
}

/* A cm model set up for p (fini and free it). */
static inline cm *ci_new(const recipe_params *p)
{
    cm *m = calloc(1, cm_model_class.size(p));
    cr_assert_not_null(m);
    cr_assert_eq(cm_model_class.init(m, p), 0);
    return m;
}

static inline long ci_inputs_given(const uint8_t *in, size_t n, const recipe_params *p,
                                   int skip, int count)
{
    cm *m = ci_new(p);
    int lo = (m->tlo + skip) * p->inputs, hi = lo + count * p->inputs;
    long given = 0;
    for (size_t i = 0; i < n; i++)
        for (int b = 7; b >= 0; b--) {
            cm_model_class.predict(m);
            if (i + 1000 >= n)
                for (int j = lo; j < hi; j++) given += m->mx.x[j] != 0;
            cm_model_class.update(m, in[i] >> b & 1);
        }
    cm_model_class.fini(m);
    free(m);
    return given;
}

static inline void ci_text_only(const recipe_params *p, int skip, int count, long least)
{
    enum { N = 6000 };
    static uint8_t text[N], data[N];
    td_text(text, N, 3);
    uint64_t st = 11;
    for (int i = 0; i < N; i++) data[i] = (uint8_t)(td_next(&st) >> 56);
    cr_assert_gt(ci_inputs_given(text, N, p, skip, count), least);
    cr_assert_eq(ci_inputs_given(data, N, p, skip, count), 0);
}

#endif
