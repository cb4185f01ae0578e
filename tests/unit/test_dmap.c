/* tests/unit/test_dmap.c — direct context maps: an entry never trained
 * gives inputs 0; a context whose bits are always 1 (at one node) learns
 * a strong positive input, while another context and another node of the
 * same context stay untrained; one nibble's entries share one 64-byte
 * block; and a context seen with both bit values learns their frequency
 * (rate 1/n), not the last bits seen. */
#include "../../common/models/dmap.h"
#include "../../common/models/statemap.h"

#include <criterion/criterion.h>

static sq_table sq;
static uint16_t rates[1024];

static void setup(void)
{
    sq_table_init(&sq);
    sm_rates_init(rates);
}

TestSuite(dmap, .init = setup);

Test(dmap, untrained_is_silent)
{
    dmap d;
    cr_assert_eq(dmap_init(&d, 2, 12, 1023, rates), 0);
    dmap_set(&d, 0, 123);
    dmap_set(&d, 1, 456);
    dmap_nibble(&d, 1);
    int16_t x[2 * DMAP_INPUTS];
    for (uint32_t node = 1; node < 16; node++) {
        dmap_inputs(&d, &sq, node, x);
        for (int i = 0; i < 2 * DMAP_INPUTS; i++) cr_assert_eq(x[i], 0, "node %u input %d", node, i);
    }
    dmap_fini(&d);
}

Test(dmap, learns_one_context_only)
{
    dmap d;
    cr_assert_eq(dmap_init(&d, 2, 16, 1023, rates), 0);
    int16_t x[2 * DMAP_INPUTS];
    for (int i = 0; i < 50; i++) {
        dmap_set(&d, 0, 1000);
        dmap_set(&d, 1, 2000);
        dmap_nibble(&d, 1);
        dmap_inputs(&d, &sq, 1, x);
        dmap_update(&d, 1);
    }
    /* Both maps were trained on node 1 with bit 1. */
    dmap_inputs(&d, &sq, 1, x);
    cr_assert_gt(x[0], 700, "%d", x[0]);
    cr_assert_gt(x[1], 500, "%d", x[1]);
    cr_assert_gt(x[DMAP_INPUTS], 700, "%d", x[DMAP_INPUTS]);
    /* Node 2 of the same block, never trained. */
    dmap_inputs(&d, &sq, 2, x);
    cr_assert_eq(x[0], 0);
    cr_assert(d.e[0] - d.blk[0] == 2 && d.e[0] >= d.t, "an entry of its nibble's block");
    /* Another context at node 1: untrained. */
    dmap_set(&d, 0, 3000);
    dmap_nibble(&d, 1);
    dmap_inputs(&d, &sq, 1, x);
    cr_assert_eq(x[0], 0);
    dmap_fini(&d);
}

Test(dmap, learns_the_frequency)
{
    dmap d;
    cr_assert_eq(dmap_init(&d, 1, 10, 1023, rates), 0);
    dmap_set(&d, 0, 77);
    dmap_nibble(&d, 0x1a);
    int16_t x[DMAP_INPUTS];
    /* One 1 in four, the 1 last: a frequency-learnt p is near 1/4. */
    for (int i = 0; i < 400; i++) {
        dmap_inputs(&d, &sq, 5, x);
        dmap_update(&d, i % 4 == 3);
    }
    uint32_t v = *d.e[0] ^ (1u << 31), p16 = v >> 16;
    cr_assert(p16 > 65536 / 4 - 3000 && p16 < 65536 / 4 + 3000, "p %u", p16);
    cr_assert_lt(x[0], 0, "%d", x[0]);
    dmap_fini(&d);
}
