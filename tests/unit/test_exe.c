/* tests/unit/test_exe.c — the x86 model: the detector switches on for
 * code with near call targets and stays off on text and other binary
 * data; the target tables predict the operand bytes of repeated calls;
 * the expected-bit input points the right way; and inside cm, cm.exe=1
 * changes nothing on text and codes x86-like code smaller. */
#include "../../common/codec.h"
#include "../../common/models/exe.h"
#include "../../common/recipe.h"
#include "testdata.h"
#include "coded.h"

#include <criterion/criterion.h>

#define BUF (1u << 16)

/* x86-like code: filler instructions (bytes that are no call, jump or
 * RIP-relative opcode), calls to one of 40 functions spread over the
 * buffer, and RIP-relative lea of one of 20 globals. */
static void code(uint8_t *p, uint32_t n, uint64_t seed)
{
    static const uint8_t fill[] = {0x48, 0x89, 0xc7, 0x31, 0xc0, 0x83, 0xec, 0x5d, 0xc3, 0x90};
    uint32_t i = 0;
    while (i + 8 < n) {
        uint64_t r = td_next(&seed);
        uint32_t target = 0;
        if (r % 4 == 0) {
            p[i++] = 0xe8;
            target = (uint32_t)(r >> 8) % 40 * (n / 40) + 17;
        } else if (r % 8 == 1) {
            p[i++] = 0x48, p[i++] = 0x8d, p[i++] = 0x05;
            target = n + 64 * ((uint32_t)(r >> 8) % 20) + 3;
        } else {
            for (uint32_t k = 0; k < 1 + (r >> 8) % 5; k++) p[i++] = fill[(r >> (16 + 4 * k)) % 10];
            continue;
        }
        uint32_t rel = target - (i + 4);
        for (int k = 0; k < 4; k++) p[i++] = (uint8_t)(rel >> (8 * k));
    }
    while (i < n) p[i++] = 0x90;
}

/* Feeds buf[0..n) byte by byte; returns how often the model was on, and
 * counts operand bytes 1..3 predicted by the first table, and right. */
static uint32_t feed(exe_model *e, const uint8_t *buf, uint32_t n, uint32_t *pred, uint32_t *right)
{
    uint32_t on = 0;
    for (uint32_t pos = 1; pos <= n; pos++) {
        if (pred && pos > 1 && e->k >= 1 && e->expect[0] >= 0) {
            ++*pred;
            *right += buf[pos - 1] == (uint8_t)e->expect[0];
        }
        exe_byte(e, buf, BUF - 1, pos);
        on += (uint32_t)exe_active(e);
    }
    return on;
}

Test(exe, switches_on_for_code_and_predicts_targets)
{
    static uint8_t buf[BUF];
    static uint16_t rates[1024];
    sm_rates_init(rates);
    exe_model e;
    cr_assert_eq(exe_init(&e, rates), 0);
    code(buf, 60000, 1);
    uint32_t pred = 0, right = 0;
    uint32_t on = feed(&e, buf, 60000, &pred, &right);
    cr_assert(exe_active(&e), "code did not switch the model on");
    cr_assert_gt(on, 50000, "on for only %u of 60000 bytes of code", on);
    cr_assert_gt(pred, 5000, "only %u operand bytes predicted", pred);
    /* Byte 1 after a low byte two targets share can go wrong. */
    cr_assert_gt(right, pred * 85 / 100, "%u of %u expected operand bytes right", right, pred);
    exe_fini(&e);
}

Test(exe, stays_off_on_text_and_other_binary)
{
    static uint8_t buf[BUF];
    static uint16_t rates[1024];
    sm_rates_init(rates);
    void (*const gen[])(uint8_t *, size_t, uint64_t) = {td_text, td_random, td_binary};
    for (int g = 0; g < 3; g++) {
        exe_model e;
        cr_assert_eq(exe_init(&e, rates), 0);
        gen[g](buf, 60000, 5);
        cr_assert_eq(feed(&e, buf, 60000, NULL, NULL), 0, "generator %d switched it on", g);
        exe_fini(&e);
    }
}

/* The expected-bit input, fed every bit of code: where it speaks, its
 * sign is the bit's (positive for 1) nearly always. */
Test(exe, expected_bit_input_points_to_the_bit)
{
    static uint8_t buf[BUF];
    static uint16_t rates[1024];
    sq_table sq;
    sq_table_init(&sq);
    sm_rates_init(rates);
    exe_model e;
    cr_assert_eq(exe_init(&e, rates), 0);
    code(buf, 60000, 2);
    uint32_t spoke = 0, agreed = 0;
    for (uint32_t pos = 0; pos < 60000; pos++) {
        uint32_t c = buf[pos], c0 = 1;
        for (int b = 0; b < 8; b++) {
            int bit = (int)(c >> (7 - b) & 1);
            int x = exe_predict(&e, &sq, c0, b);
            if (x) {
                spoke++;
                agreed += (x > 0) == bit;
            }
            exe_update(&e, bit);
            c0 = c0 << 1 | (uint32_t)bit;
        }
        exe_byte(&e, buf, BUF - 1, pos + 1);
    }
    cr_assert_gt(spoke, 20000, "the input spoke for %u bits only", spoke);
    cr_assert_gt(agreed, spoke * 95 / 100, "%u of %u signs right", agreed, spoke);
    exe_fini(&e);
}

Test(exe, in_cm_text_is_untouched_and_code_shrinks)
{
    static uint8_t text[BUF], data[BUF];
    td_text(text, 40000, 7);
    code(data, 40000, 3);
    recipe_params off, on;
    cr_assert_eq(recipe_preset("default", &off), 0);
    on = off;
    off.exe = 0;
    on.exe = 1;
    assert_text_same_data_smaller(&off, &on, text, data, 40000, 970, "cm.exe=1");
}
