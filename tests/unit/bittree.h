/* tests/unit/bittree.h — a check the neural models share: their bit
 * probabilities (nn_tree_p over the byte distribution's tree, what
 * lstm_p and tx_p return) multiply back to the distribution.
 *   assert_bits_follow_tree(model.tree); */
#ifndef SL_TEST_BITTREE_H
#define SL_TEST_BITTREE_H

#include "../../common/models/nnmath.h"

#include <criterion/criterion.h>
#include <stdint.h>

/* For every byte value, the product of its bits' probabilities is the
 * distribution's mass on it, up to the 16-bit rounding (where a bit's
 * probability was clamped to 32..65504, the product may only be larger);
 * the masses sum to 1. */
static void assert_bits_follow_tree(const float tree[512])
{
    double total = 0;
    for (int y = 0; y < 256; y++) {
        double prod = 1.0;
        uint32_t c0 = 1;
        int clamped = 0;
        for (int b = 7; b >= 0; b--) {
            int bit = (y >> b) & 1;
            uint32_t p = nn_tree_p(tree, c0);
            cr_assert(p >= 32 && p <= 65504, "p=%u", p);
            clamped |= p == 32 || p == 65504;
            prod *= bit ? p / 65536.0 : 1.0 - p / 65536.0;
            c0 = c0 << 1 | (uint32_t)bit;
        }
        double want = tree[256 + y];
        cr_assert(prod > want * 0.98 - 1e-6 && (clamped || prod < want * 1.02 + 1e-6),
                  "byte %d: bits give %g, the distribution %g", y, prod, want);
        total += want;
    }
    cr_assert(total > 0.999 && total < 1.001, "distribution sums to %g", total);
}

#endif
