/* common/models/bithist.c — builds the bit-history state machine.
 *
 * A state is a pair of counts (n0, n1) and, while the total is below 16
 * and both counts are non-zero, which bit came last (recent order matters
 * most when evidence is thin). Allowed pairs: with a = min(n0, n1) and
 * b = max(n0, n1), b may reach 48, 24, 12, 8, 6, 5 for a = 0..5. Seeing a
 * bit increments its count and discounts the other (n > 2 becomes
 * n / 2 + 1), favouring recent data; a pair over its bound gives up the
 * excess of the larger count. States are numbered in a fixed order (by
 * total, then n1, then last bit), so the table is the same on every
 * build. */
#include "bithist.h"

#include <assert.h>
#include <string.h>

#define BH_LAST_BELOW 16  /* totals below this remember the last bit */

static int bh_allowed(int n0, int n1)
{
    static const int bmax[6] = {48, 24, 12, 8, 6, 5};
    int a = n0 < n1 ? n0 : n1, b = n0 < n1 ? n1 : n0;
    return a < 6 && b <= bmax[a];
}

static int bh_has_last(int n0, int n1)
{
    return n0 && n1 && n0 + n1 < BH_LAST_BELOW;
}

static int bh_index(const bh_table *t, int n0, int n1, int last)
{
    if (!bh_has_last(n0, n1)) last = 0;
    for (int s = 0; s < t->count; s++)
        if (t->n0[s] == n0 && t->n1[s] == n1 && t->last[s] == last) return s;
    return -1;
}

void bh_table_init(bh_table *t)
{
    memset(t, 0, sizeof *t);
    int count = 0;
    for (int total = 0; total <= 96; total++)
        for (int n1 = 0; n1 <= total; n1++) {
            int n0 = total - n1;
            if (!bh_allowed(n0, n1)) continue;
            for (int last = 0; last <= bh_has_last(n0, n1); last++) {
                assert(count < BH_MAX_STATES);
                t->n0[count] = (uint8_t)n0;
                t->n1[count] = (uint8_t)n1;
                t->last[count] = (uint8_t)last;
                t->prio[count] = (uint8_t)(total > 63 ? 63 : total);
                t->det[count] = (uint8_t)((n0 == 0) != (n1 == 0));
                count++;
            }
        }
    t->count = count;
    for (int s = 0; s < count; s++)
        for (int bit = 0; bit < 2; bit++) {
            int n[2] = {t->n0[s], t->n1[s]};
            n[bit]++;
            int o = !bit;
            if (n[o] > 2) n[o] = n[o] / 2 + 1;
            while (!bh_allowed(n[0], n[1])) {
                /* Keep the fresh evidence: shrink the larger count, or the
                 * stale one when they tie. */
                if (n[bit] > n[o]) n[bit]--;
                else n[o]--;
            }
            int ns = bh_index(t, n[0], n[1], bit);
            assert(ns >= 0);
            t->next[s][bit] = (uint8_t)ns;
        }
}
