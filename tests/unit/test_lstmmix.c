/* tests/unit/test_lstmmix.c — the LSTM's inputs to cm's mixer (lstm.mix):
 * with no extra bit only stretch(p); the count of inputs lstm_mix_n says;
 * the APM inputs start on the LSTM's own stretch and learn a context in
 * which the LSTM is wrong. */
#include "../../common/models/lstmmix.h"
#include "../../common/models/statemap.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static sq_table sq;
static uint16_t rates[1024];

static void setup(void)
{
    sq_table_init(&sq);
    sm_rates_init(rates);
}

TestSuite(lstmmix, .init = setup);

static void feed(lstm *l, const char *s, int reps)
{
    for (int r = 0; r < reps; r++)
        for (const char *p = s; *p; p++) lstm_byte(l, (unsigned char)*p);
}

Test(lstmmix, mode_0_is_the_stretch_alone)
{
    lstm l;
    lstm_mix x;
    cr_assert_eq(lstm_init(&l, 16, 5, 100, 0, 2), 0);
    cr_assert_eq(lstm_mix_init(&x, 0, 255, rates, &sq), 0);
    cr_assert_eq(lstm_mix_n(0), 1);
    feed(&l, "abcabd", 30);
    int16_t in[8];
    memset(in, 0x55, sizeof in);
    for (uint32_t c0 = 1; c0 < 256; c0++) {
        lstm_mix_inputs(&x, &l, &sq, c0, 'd', 0, in);
        cr_assert_eq(in[0], sq_stretch(&sq, lstm_p(&l, c0)));
        cr_assert_eq(in[1], 0x5555, "mode 0 wrote a second input");
    }
    lstm_mix_fini(&x);
    lstm_fini(&l);
}

Test(lstmmix, counts_its_inputs)
{
    int want[] = {1, 2, 2, 3, 2, 3, 3, 4};
    for (int mode = 0; mode < 8; mode++) cr_assert_eq(lstm_mix_n(mode), want[mode]);
    cr_assert_eq(lstm_mix_n(LSTM_MIX_MAX), 4);
    lstm l;
    cr_assert_eq(lstm_init(&l, 8, 4, 100, 0, 2), 0);
    for (int mode = 0; mode <= LSTM_MIX_MAX; mode++) {
        lstm_mix x;
        cr_assert_eq(lstm_mix_init(&x, mode, 255, rates, &sq), 0);
        int16_t in[8];
        for (int i = 0; i < 8; i++) in[i] = 12345;
        lstm_mix_inputs(&x, &l, &sq, 1, 0, 0, in);
        int n = lstm_mix_n(mode);
        for (int i = 0; i < n; i++) cr_assert(in[i] >= -2048 && in[i] <= 2048, "mode %d in %d", mode, i);
        cr_assert_eq(in[n], 12345, "mode %d wrote past its %d inputs", mode, n);
        lstm_mix_fini(&x);
    }
    lstm_fini(&l);
}

/* The LSTM, frozen in a state, says what it says; the bits seen are always
 * 1: the APM keyed by the expected byte (mode 1) and the one keyed by the
 * partial byte and the last byte (mode 2) learn to say 1, whatever the
 * LSTM's stretch. */
Test(lstmmix, apm_inputs_learn_what_the_lstm_gets_wrong)
{
    lstm l;
    lstm_mix x;
    cr_assert_eq(lstm_init(&l, 16, 5, 100, 0, 5), 0);
    feed(&l, "hello world ", 40);
    cr_assert_eq(lstm_mix_init(&x, 3, 255, rates, &sq), 0);
    int16_t in[8];
    lstm_mix_inputs(&x, &l, &sq, 1, ' ', 0, in);
    cr_assert(abs(in[1] - in[0]) <= 16 && abs(in[2] - in[0]) <= 16,
              "an APM starts on the identity: %d %d for %d", in[1], in[2], in[0]);
    for (int i = 0; i < 300; i++) {
        lstm_mix_inputs(&x, &l, &sq, 1, ' ', 0, in);
        lstm_mix_update(&x, 1);
    }
    lstm_mix_inputs(&x, &l, &sq, 1, ' ', 0, in);
    cr_assert(in[1] > 500 && in[2] > 500 && in[0] < 0, "after 300 ones: %d %d (LSTM %d)", in[1], in[2], in[0]);
    lstm_mix_fini(&x);
    lstm_fini(&l);
}
