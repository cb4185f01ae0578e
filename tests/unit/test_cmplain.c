/* tests/unit/test_cmplain.c — cm's plain bodies (cm.c, cm_pick_plain):
 * the copy of predict and update that leaves out every data model, taken
 * at the bytes where none is in use, gives the same prediction at every
 * bit as the general body. */
#include <criterion/criterion.h>

#include "cminputs.h"

#include <stdint.h>
#include <stdlib.h>

enum { N = 24000 };

/* Codes `in` bit by bit with default (small tables) and `stages` SSE
 * stages (default has none; the plain bodies also serve one), and writes
 * every prediction to pr; with `general`, the plain bodies are never
 * taken. *switches counts the bits whose body differs from the one
 * before. */
static void run_default(const uint8_t *in, size_t n, int stages, int general, uint32_t *pr,
                        long *switches)
{
    recipe_params p;
    ci_light(&p, "default");
    p.apm_count = stages;
    cm *m = ci_new(&p);
    if (general) m->plain_able = 0;
    else cr_assert(m->plain_able, "default no longer takes the plain bodies");
    uint32_t (*last)(cm *) = m->predict;
    *switches = 0;
    for (size_t i = 0; i < n; i++)
        for (int b = 7; b >= 0; b--) {
            *switches += m->predict != last;
            last = m->predict;
            *pr++ = cm_model_class.predict(m);
            cm_model_class.update(m, in[i] >> b & 1);
        }
    cm_model_class.fini(m);
    free(m);
}

/* Text, binary records, text again: the plain bodies run on the text and
 * give way to the general ones on the binary data and back. */
Test(cmplain, plain_bodies_predict_what_the_general_ones_do, .timeout = 60)
{
    for (int stages = 0; stages <= 1; stages++) {
        uint8_t *in = malloc(N);
        uint32_t *a = malloc(N * 8 * sizeof *a), *b = malloc(N * 8 * sizeof *b);
        cr_assert(in && a && b);
        td_text(in, 10000, 5);
        td_binary(in + 10000, 6000, 6);
        td_text(in + 16000, N - 16000, 7);
        long plain_switches, general_switches;
        run_default(in, N, stages, 0, a, &plain_switches);
        run_default(in, N, stages, 1, b, &general_switches);
        cr_assert_eq(general_switches, 0);
        cr_assert_geq(plain_switches, 2, "the bodies switched %ld times", plain_switches);
        for (size_t i = 0; i < (size_t)N * 8; i++)
            cr_assert_eq(a[i], b[i], "%d stages, bit %zu: plain %u, general %u", stages, i, a[i], b[i]);
        free(in);
        free(a);
        free(b);
    }
}
