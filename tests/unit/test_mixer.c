/* tests/unit/test_mixer.c — the mixer's SIMD kernels (SSE2, and AVX2
 * where this CPU has it; training one set or several at once) give
 * exactly the scalar kernels' integers, on random and on extreme inputs (where a dot
 * product of 128 extreme terms wraps modulo 2^32, by definition the same
 * way in both). */
#include "../../common/models/mixer.h"
#include "testdata.h"

#include <criterion/criterion.h>

static void fill(int16_t *v, int n, int lim, uint64_t *seed, int extreme)
{
    for (int i = 0; i < n; i++) {
        uint64_t r = td_next(seed);
        if (extreme) v[i] = (r & 1) ? (int16_t)lim : (int16_t)-lim;
        else v[i] = (int16_t)((int)(r % (uint64_t)(2 * lim + 1)) - lim);
    }
}

Test(mixer, simd_dot_and_train_equal_scalar)
{
    uint64_t seed = 42;
    mixer_dots_fn *best_dots;
    mixer_train_fn *best_train;
    mixer_trains_fn *best_trains;
    mixer_kernels(&best_dots, &best_train, &best_trains);
    for (int round = 0; round < 20000; round++) {
        int n = 8 * (1 + (int)(td_next(&seed) % 16));
        int extreme = round % 10 == 0;
        int16_t x[MIX_MAX_IN], w[MIX_MAX_IN], w2[MIX_MAX_IN];
        fill(x, n, 2047, &seed, extreme);
        fill(w, n, 32767, &seed, extreme);
        memcpy(w2, w, sizeof w);
        int16_t wk[MIX_MAX_SEL][MIX_MAX_IN];
        const int16_t *ws[MIX_MAX_SEL];
        int k = 1 + (int)(td_next(&seed) % MIX_MAX_SEL);
        for (int j = 0; j < k; j++) {
            fill(wk[j], n, 32767, &seed, extreme);
            ws[j] = wk[j];
        }
        ws[0] = w;
        int32_t d1[MIX_MAX_SEL], d2[MIX_MAX_SEL], d3[MIX_MAX_SEL];
        mixer_dots(ws, k, x, n, d1);
        mixer_dots_scalar(ws, k, x, n, d2);
        for (int j = 0; j < k; j++) cr_assert_eq(d1[j], d2[j], "round %d set %d", round, j);
        if (n % 16 == 0) {
            best_dots(ws, k, x, n, d3);
            for (int j = 0; j < k; j++) cr_assert_eq(d3[j], d2[j], "round %d set %d", round, j);
        }
        int e = (int)(td_next(&seed) % 65535) - 32767;
        if (extreme) e = (round & 1) ? 32767 : -32767;
        int16_t w3[MIX_MAX_IN];
        memcpy(w3, w, sizeof w3);
        mixer_train(w, x, n, e);
        mixer_train_scalar(w2, x, n, e);
        cr_assert_eq(memcmp(w, w2, (size_t)n * sizeof *w), 0, "round %d", round);
        if (n % 16 == 0) {
            best_train(w3, x, n, e);
            cr_assert_eq(memcmp(w3, w2, (size_t)n * sizeof *w), 0, "round %d", round);
        }
        /* k sets at once, each by its own step: as k single steps. */
        int16_t wa[MIX_MAX_SEL][MIX_MAX_IN], wb[MIX_MAX_SEL][MIX_MAX_IN], wc[MIX_MAX_SEL][MIX_MAX_IN];
        int16_t *pb[MIX_MAX_SEL], *pc[MIX_MAX_SEL];
        int es[MIX_MAX_SEL];
        for (int j = 0; j < k; j++) {
            memcpy(wa[j], wk[j], sizeof wa[j]);
            memcpy(wb[j], wk[j], sizeof wb[j]);
            memcpy(wc[j], wk[j], sizeof wc[j]);
            pb[j] = wb[j];
            pc[j] = wc[j];
            es[j] = extreme ? ((round + j) & 1 ? 32767 : -32767)
                            : (int)(td_next(&seed) % 65535) - 32767;
            mixer_train_scalar(wa[j], x, n, es[j]);
        }
        mixer_trains(pb, es, k, x, n);
        if (n % 16 == 0) best_trains(pc, es, k, x, n);
        for (int j = 0; j < k; j++) {
            cr_assert_eq(memcmp(wb[j], wa[j], (size_t)n * sizeof *w), 0, "round %d set %d", round, j);
            if (n % 16 == 0)
                cr_assert_eq(memcmp(wc[j], wa[j], (size_t)n * sizeof *w), 0, "round %d set %d", round, j);
        }
    }
}

/* With several selectors a weight set's step follows its update count:
 * 4.75 lr on its first update, falling steadily, and below lr (3/4 lr
 * plus a tail) once the set is old; on text lower still (1/2 lr plus the
 * tail), with the same boost while young. */
Test(mixer, young_sets_learn_faster_old_ones_slower)
{
    sq_table sq;
    sq_table_init(&sq);
    mixer m;
    uint32_t sizes[2] = {4, 4};
    int lr = 2;
    cr_assert_eq(mixer_init(&m, 8, sizes, 2, lr, &sq), 0);
    for (int t = 0; t < 2; t++) {
        const uint16_t *r = m.rate[t];
        for (int i = 1; i < MIX_RATE_N; i++) cr_assert_leq(r[i], r[i - 1], "count %d", i);
        cr_assert_lt(r[MIX_RATE_N - 1], lr * 16, "%u", r[MIX_RATE_N - 1]);
    }
    cr_assert_eq(m.rate[0][0], lr * 16 * 19 / 4, "%u", m.rate[0][0]);
    cr_assert_geq(m.rate[0][MIX_RATE_N - 1], lr * 12, "%u", m.rate[0][MIX_RATE_N - 1]);
    cr_assert_eq(m.rate[0][0] - m.rate[1][0], lr * 4);
    cr_assert_lt(m.rate[1][MIX_RATE_N - 1], lr * 12, "%u", m.rate[1][MIX_RATE_N - 1]);
    /* The step really follows the table chosen: one update of a set from
     * the same start moves a weight less on text once the sets are old. */
    int16_t moved[2];
    for (int t = 0; t < 2; t++) {
        mixer_fini(&m);
        cr_assert_eq(mixer_init(&m, 8, sizes, 2, lr, &sq), 0);
        mixer_given(&m);
        mixer_text(&m, t);
        for (int k = 0; k < 2; k++) m.cnt[m.base[k]] = MIX_RATE_N - 1;
        for (int i = 0; i < 8; i++) m.x[i] = 0;
        m.x[0] = 1000;
        m.nx = 8;
        mixer_select(&m, 0, 0);
        mixer_select(&m, 1, 0);
        int16_t before = m.cur[0][0];
        mixer_mix(&m, 0);
        mixer_update(&m, 1);
        moved[t] = (int16_t)(m.w[m.base[0] * (uint32_t)m.npad] - before);
    }
    cr_assert_gt(moved[0], 0);
    cr_assert_gt(moved[1], 0);
    cr_assert_lt(moved[1], moved[0], "text %d, binary %d", moved[1], moved[0]);
    mixer_fini(&m);
}

/* Weight sets are written when first selected: a set chosen for the first
 * time after others have trained starts at the start weights (2/n_base for
 * the base inputs, 0 after them, mixer_start_weights), and a set already
 * trained keeps what it learnt when selected again. */
Test(mixer, sets_start_when_first_selected)
{
    sq_table sq;
    sq_table_init(&sq);
    mixer m;
    uint32_t sizes[2] = {64, 8};
    cr_assert_eq(mixer_init(&m, 20, sizes, 2, 4, &sq), 0);
    mixer_start_weights(&m, 12);
    mixer_given(&m);
    for (int bit = 0; bit < 200; bit++) {
        for (int i = 0; i < 20; i++) m.x[i] = (int16_t)(i < 12 ? -100 : 500);
        m.nx = 20;
        mixer_select(&m, 0, 3);
        mixer_select(&m, 1, 1);
        mixer_mix(&m, 0);
        mixer_update(&m, 1);
    }
    int16_t learnt = m.cur[0][0];
    cr_assert_neq(learnt, 16384 * 2 / 12);
    mixer_select(&m, 0, 40);
    for (int i = 0; i < m.npad; i++)
        cr_assert_eq(m.cur[0][i], i < 12 ? 16384 * 2 / 12 : 0, "input %d", i);
    mixer_select(&m, 0, 3);
    cr_assert_eq(m.cur[0][0], learnt);
    mixer_fini(&m);
}

/* Layer 2's inline step (mixer_train8) gives mixer_train_scalar's
 * integers, on random and on extreme weights, inputs and errors. */
Test(mixer, train8_equals_scalar)
{
    uint64_t seed = 7;
    for (int round = 0; round < 20000; round++) {
        int extreme = round % 10 == 0;
        int16_t x[8], w[8], w2[8];
        fill(x, 8, 2047, &seed, extreme);
        fill(w, 8, 32767, &seed, extreme);
        memcpy(w2, w, sizeof w);
        int e = extreme ? ((round & 32) ? 32767 : -32767)
                        : (int)(td_next(&seed) % 65535) - 32767;
        mixer_train8(w, x, e);
        mixer_train_scalar(w2, x, 8, e);
        cr_assert_arr_eq(w, w2, sizeof w, "round %d", round);
    }
}
