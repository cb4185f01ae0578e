/* common/models/bithist.c — builds the bit-history state machine.
 *
 * Allowed pairs: with a = min(n0, n1) and b = max(n0, n1), b may reach
 * 48, 24, 12, 8, 6, 5 for a = 0..5. States are numbered in a fixed order
 * (by total count, then n1), so the table is the same on every build. */
#include "bithist.h"

#include <assert.h>
#include <string.h>

static int bh_allowed(int n0, int n1)
{
    static const int bmax[6] = {48, 24, 12, 8, 6, 5};
    int a = n0 < n1 ? n0 : n1, b = n0 < n1 ? n1 : n0;
    return a < 6 && b <= bmax[a];
}

static int bh_index(const bh_table *t, int n0, int n1)
{
    for (int s = 0; s < t->count; s++)
        if (t->n0[s] == n0 && t->n1[s] == n1) return s;
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
            assert(count < BH_MAX_STATES);
            t->n0[count] = (uint8_t)n0;
            t->n1[count] = (uint8_t)n1;
            int pr = total > 63 ? 63 : total;
            t->prio[count] = (uint8_t)pr;
            count++;
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
            int ns = bh_index(t, n[0], n[1]);
            assert(ns >= 0);
            t->next[s][bit] = (uint8_t)ns;
        }
}
