/* tests/unit/test_mixer.c — the mixer's SIMD kernels give exactly the
 * scalar kernels' integers, on random and on extreme inputs. */
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
    for (int round = 0; round < 20000; round++) {
        int n = 8 * (1 + (int)(td_next(&seed) % 16));
        int extreme = round % 10 == 0;
        int16_t x[MIX_MAX_IN], w[MIX_MAX_IN], w2[MIX_MAX_IN];
        fill(x, n, 2047, &seed, extreme);
        fill(w, n, 32767, &seed, extreme);
        memcpy(w2, w, sizeof w);
        cr_assert_eq(mixer_dot(w, x, n), mixer_dot_scalar(w, x, n), "round %d", round);
        int e = (int)(td_next(&seed) % 65535) - 32767;
        if (extreme) e = (round & 1) ? 32767 : -32767;
        mixer_train(w, x, n, e);
        mixer_train_scalar(w2, x, n, e);
        cr_assert_eq(memcmp(w, w2, (size_t)n * sizeof *w), 0, "round %d", round);
    }
}
