/* tests/unit/test_runhist.c — the byte history of a context and its run
 * input: runs are counted, new bytes shift the history, candidates follow
 * the bits of the byte so far and fall back to the older byte, and every
 * row stays inside the map. */
#include "../../common/models/runhist.h"

#include <criterion/criterion.h>
#include <string.h>

Test(runhist, history_counts_runs_and_shifts)
{
    uint8_t h[RUNHIST_BYTES] = {0};
    runhist_add(h, 'a');
    runhist_add(h, 'a');
    runhist_add(h, 'a');
    cr_assert_eq(h[RH_B1], 'a');
    cr_assert_eq(h[RH_RUN], 3);
    cr_assert_eq(h[RH_KNOWN], 1);
    runhist_add(h, 'b');
    runhist_add(h, 'c');
    runhist_add(h, 'd');
    cr_assert_eq(h[RH_B1], 'd');
    cr_assert_eq(h[RH_B2], 'c');
    cr_assert_eq(h[RH_B3], 'b');
    cr_assert_eq(h[RH_RUN], 1);
    cr_assert_eq(h[RH_KNOWN], 3);
    for (int i = 0; i < 300; i++) runhist_add(h, 'd');
    cr_assert_eq(h[RH_RUN], 255);
}

Test(runhist, an_empty_history_predicts_nothing)
{
    uint8_t h[RUNHIST_BYTES] = {0};
    runhist_cand rc;
    runhist_candidates(h, &rc);
    for (int bp = 0; bp < 8; bp++) cr_assert_eq(runhist_row(&rc, 1u << bp, bp), -1);
    /* A zero byte seen is a candidate like any other. */
    runhist_add(h, 0);
    runhist_candidates(h, &rc);
    cr_assert_geq(runhist_row(&rc, 1, 0), 0);
}

Test(runhist, candidates_follow_the_bits)
{
    uint8_t h[RUNHIST_BYTES] = {0};
    runhist_add(h, 0x41);   /* older: 0100 0001 */
    runhist_add(h, 0x61);   /* newer: 0110 0001, run 1 */
    runhist_cand rc;
    runhist_candidates(h, &rc);
    int r0 = runhist_row(&rc, 1, 0);          /* both agree: the newer */
    cr_assert_geq(r0, 0);
    /* After 0,1,1 (the newer's prefix) its next bit, 0, at bit 3. */
    cr_assert_eq(runhist_row(&rc, 0xB, 3), r0 + 3 * 2 + 0);
    /* After 0,1,0 only the older agrees: its own rows. */
    int r = runhist_row(&rc, 0xA, 3);
    cr_assert_geq(r, 0);
    cr_assert_neq(r / 16, r0 / 16);
    cr_assert_eq(r % 16, 3 * 2 + 0);
    /* After 1: neither. */
    cr_assert_eq(runhist_row(&rc, 0x3, 1), -1);
    /* A longer run of the newer byte moves it to other rows. */
    runhist_add(h, 0x61);
    runhist_candidates(h, &rc);
    cr_assert_neq(runhist_row(&rc, 1, 0), r0);
}

Test(runhist, rows_stay_in_the_map)
{
    uint8_t h[RUNHIST_BYTES] = {0};
    uint64_t s = 1;
    for (int i = 0; i < 5000; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        runhist_add(h, (int)(s >> 62));   /* few symbols: long runs happen */
        runhist_cand rc;
        runhist_candidates(h, &rc);
        uint32_t c0 = 1;
        int byte = (int)(s >> 40) & 0xff;
        for (int bp = 0; bp < 8; bp++) {
            int r = runhist_row(&rc, c0, bp);
            cr_assert(r >= -1 && r < RUNHIST_ROWS, "row %d", r);
            c0 = c0 << 1 | ((uint32_t)byte >> (7 - bp) & 1);
        }
    }
}

/* sm.run's groups: 0 only when no byte agrees; otherwise inside the
 * range, carrying the expected bit in the lowest place, and apart for
 * runs of 1, 2, 3, 4..7 and 8 or more and for the older byte. */
Test(runhist, groups_carry_the_expected_bit_and_the_run)
{
    cr_assert_eq(runhist_group(-1), 0);
    uint32_t first[5];
    uint8_t h[RUNHIST_BYTES] = {0};
    runhist_add(h, 0x41);   /* older: 0100 0001 */
    int runs[] = {1, 2, 3, 5, 9};
    for (int k = 0; k < 5; k++) {
        while (h[RH_B1] != 0x61 || h[RH_RUN] != runs[k]) runhist_add(h, 0x61);
        runhist_cand rc;
        runhist_candidates(h, &rc);
        uint32_t c0 = 1;
        for (int bp = 0; bp < 8; bp++) {
            int bit = (0x61 >> (7 - bp)) & 1;
            uint32_t g = runhist_group(runhist_row(&rc, c0, bp));
            cr_assert(g >= 1 && g < RUNHIST_GROUPS, "group %u", g);
            cr_assert_eq((g - 1) & 1, (uint32_t)bit);
            c0 = c0 << 1 | (uint32_t)bit;
        }
        uint32_t g0 = first[k] = runhist_group(runhist_row(&rc, 1, 0)) >> 1;
        for (int j = 0; j < k; j++) cr_assert_neq(first[j], g0, "runs %d, %d", runs[j], runs[k]);
        /* After 0,1,0 only the older byte agrees: a group of its own. */
        uint32_t go = runhist_group(runhist_row(&rc, 0xA, 3));
        cr_assert(go >= 1 && go < RUNHIST_GROUPS);
        cr_assert_neq(go >> 1, g0);
    }
}
