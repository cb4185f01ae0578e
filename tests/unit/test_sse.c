/* tests/unit/test_sse.c — the SSE chain: with no stages it passes the
 * probability through; it learns what a context means (a context whose
 * bit is always 1 is pushed towards 1 whatever the mixer says); and every
 * stage count from 1 to SSE_MAX stays inside 1..65535; with apm.text
 * (in.words) stage 4 reads the last word between words and stage 7 the
 * word before in a word, on text only, the same from run to run. */
#include "../../common/models/sse.h"
#include "../../common/models/statemap.h"
#include "testdata.h"

#include <criterion/criterion.h>

static sq_table sq;
static uint16_t rates[1024];

static void setup(void)
{
    sq_table_init(&sq);
    sm_rates_init(rates);
}

TestSuite(sse, .init = setup);

Test(sse, no_stages_is_identity)
{
    sse_chain s;
    cr_assert_eq(sse_init(&s, 0, 255, rates, &sq), 0);
    sse_in in = {.c0 = 1, .expect = -1};
    for (uint32_t p = 1; p < 65536; p += 997) cr_assert_eq(sse_p(&s, &sq, p, &in), p);
    sse_fini(&s);
}

Test(sse, learns_a_context)
{
    for (int n = 1; n <= SSE_MAX; n++) {
        sse_chain s;
        cr_assert_eq(sse_init(&s, n, 255, rates, &sq), 0);
        sse_in in = {.c0 = 1, .c8 = 0x6162, .word = 77, .expect = 'q', .mlen = 2};
        uint32_t first = sse_p(&s, &sq, 32768, &in), last = 0;
        sse_update(&s, 1);
        for (int i = 0; i < 400; i++) {
            last = sse_p(&s, &sq, 32768, &in);
            sse_update(&s, 1);
        }
        cr_assert_gt(last, first + 10000, "%d stages: %u -> %u", n, first, last);
        /* Another context, never trained on stage 0's bit-1 history, with
         * the rest of the chain left as it is: still a valid probability. */
        in.c0 = 2;
        uint32_t q = sse_p(&s, &sq, 1, &in);
        cr_assert(q >= 1 && q <= 65535, "%u", q);
        sse_update(&s, 0);
        sse_fini(&s);
    }
}

Test(sse, random_contexts_stay_in_range)
{
    sse_chain s;
    cr_assert_eq(sse_init(&s, SSE_MAX, 1023, rates, &sq), 0);
    uint64_t seed = 7;
    for (int i = 0; i < 20000; i++) {
        uint64_t r = td_next(&seed);
        sse_in in = {.c0 = 1 + (uint32_t)(r & 0xff) % 255, .c8 = r, .word = r >> 7,
                     .expect = (int)(r >> 20 & 0x1ff) - 1, .mlen = (uint32_t)(r >> 40) & 3,
                     .misses = (uint32_t)(r >> 32)};
        uint32_t p = 1 + (uint32_t)(td_next(&seed) % 65535);
        uint32_t q = sse_p(&s, &sq, p, &in);
        cr_assert(q >= 1 && q <= 65535, "round %d: %u", i, q);
        sse_update(&s, (int)(r >> 63));
    }
    sse_fini(&s);
}

/* On text the chain weighs group A three times group B: stage 0 (group B's root)
 * learns that its context means 1 while the other stages see contexts
 * they never saw (close to the identity curve, so near the input's 1/2
 * for group A): the output moves about a quarter of the way from 1/2 to
 * stage 0's probability, not half of it. */
Test(sse, group_a_weighs_three_times_group_b)
{
    sse_chain s;
    cr_assert_eq(sse_init(&s, SSE_MAX, 1023, rates, &sq), 0);
    uint64_t seed = 3;
    for (int i = 0; i < 3000; i++) {
        uint64_t r = td_next(&seed);
        /* Stage 0 always sees c0 = 1 and no misses; the rest see the
         * last byte 0 and an expected byte of 8 or more. */
        sse_in in = {.c0 = 1, .c8 = r << 8, .word = r >> 5, .expect = 8 + (int)(r >> 40 & 0x7f),
                     .mlen = 1, .text = 1};
        sse_p(&s, &sq, 32768, &in);
        sse_update(&s, 1);
    }
    sse_in in = {.c0 = 1, .c8 = 0x123456789abcull, .word = 99, .expect = 3, .mlen = 2, .text = 1};
    uint32_t p0 = apm_p(&s.a[0], &sq, 32768, 1);
    uint32_t q = sse_p(&s, &sq, 32768, &in);
    cr_assert_gt(p0, 60000, "stage 0 learnt: %u", p0);
    uint32_t quarter = 32768 + (p0 - 32768) / 4;
    cr_assert(q > quarter - 1500 && q < quarter + 1500, "text: q %u, p0 %u", q, p0);
    /* Not text: the two groups weigh the same, about half-way. */
    in.text = 0;
    q = sse_p(&s, &sq, 32768, &in);
    uint32_t half = 32768 + (p0 - 32768) / 2;
    cr_assert(q > half - 1500 && q < half + 1500, "not text: q %u, p0 %u", q, p0);
    sse_fini(&s);
}

/* The chain's output for `probe` after 300 bits of 1 on `train`, both
 * with apm.text level `words`. */
static uint32_t after_training(int words, sse_in train, sse_in probe)
{
    sse_chain s;
    cr_assert_eq(sse_init(&s, SSE_MAX, 255, rates, &sq), 0);
    train.words = probe.words = words;
    for (int i = 0; i < 300; i++) {
        sse_p(&s, &sq, 32768, &train);
        sse_update(&s, 1);
    }
    uint32_t q = sse_p(&s, &sq, 32768, &probe);
    sse_update(&s, 0);
    sse_fini(&s);
    return q;
}

/* Between words (word 0), level 1 keys stage 4 by the last word: a probe
 * with another last word is not pushed as far as the trained one; at
 * level 0, or on data that is not text, the last word is not read. */
Test(sse, text_words_between_words_read_the_last_word)
{
    sse_in a = {.c0 = 1, .c8 = 0x6120, .word = 0, .wprev = 1234, .expect = -1, .text = 1};
    sse_in b = a;
    b.wprev = 5678;
    cr_assert_eq(after_training(0, a, a), after_training(0, a, b));
    uint32_t same = after_training(1, a, a), other = after_training(1, a, b);
    cr_assert_gt(same, other + 1000, "same word %u, other %u", same, other);
    a.text = b.text = 0;
    cr_assert_eq(after_training(2, a, a), after_training(2, a, b));
}

/* In a word, level 1 reads the word alone (stage 4 as before), level 2
 * also keys stage 7 by the word with the word before it, in place of
 * order 6, on text only. */
Test(sse, text_words_in_a_word_read_the_word_before_at_level_2)
{
    sse_in a = {.c0 = 5, .c8 = 0x74686520, .word = 777, .wprev = 1234, .expect = -1, .text = 1};
    sse_in b = a;
    b.wprev = 5678;
    cr_assert_eq(after_training(1, a, a), after_training(1, a, b));
    uint32_t same = after_training(2, a, a), other = after_training(2, a, b);
    /* (stage 7 refines stage 0, which has learnt the 1s too: a small step) */
    cr_assert_gt(same, other + 20, "same word before %u, other %u", same, other);
    /* Order 6 no longer read at level 2 on text: another byte 6 back
     * changes nothing there, while level 0 reads it. */
    sse_in c = a;
    c.c8 = a.c8 | 0x7700000000ull << 8;
    cr_assert_eq(after_training(2, a, a), after_training(2, a, c));
    cr_assert_neq(after_training(0, a, a), after_training(0, a, c));
    a.text = b.text = 0;
    cr_assert_eq(after_training(2, a, a), after_training(2, a, b));
}

/* Two chains fed the same inputs give the same outputs at every bit,
 * with apm.text 2 as without. */
Test(sse, text_words_deterministic)
{
    for (int words = 0; words <= 2; words++) {
        sse_chain s, t;
        cr_assert_eq(sse_init(&s, SSE_MAX, 255, rates, &sq), 0);
        cr_assert_eq(sse_init(&t, SSE_MAX, 255, rates, &sq), 0);
        uint64_t seed = 11;
        for (int i = 0; i < 5000; i++) {
            uint64_t r = td_next(&seed);
            sse_in in = {.c0 = 1 + (uint32_t)(r & 0xff) % 255, .c8 = r, .word = (r >> 9) & 3 ? 0 : r >> 11,
                         .wprev = r >> 17 & 15, .expect = -1, .text = (int)(r >> 62), .words = words};
            uint32_t p = 1 + (uint32_t)(r >> 24) % 65535;
            cr_assert_eq(sse_p(&s, &sq, p, &in), sse_p(&t, &sq, p, &in), "bit %d", i);
            sse_update(&s, (int)(r >> 63));
            sse_update(&t, (int)(r >> 63));
        }
        sse_fini(&s);
        sse_fini(&t);
    }
}
