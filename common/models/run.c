/* common/models/run.c — see run.h. */
#include "run.h"
#include "../err.h"
#include "../bigmem.h"

#include <stdlib.h>
#include <string.h>

int run_init(run_model *r, int n, int bits, const uint16_t *rates)
{
    memset(r, 0, sizeof *r);
    r->n = n > RUN_MAX_CTX ? RUN_MAX_CTX : n;
    r->mask = (1u << bits) - 1;
    r->t = bigmem_calloc((size_t)1 << bits, sizeof *r->t);
    if (!r->t) return SL_ENOMEM;
    r->expect = -1;
    return sm_init(&r->sm, (uint32_t)r->n * 32 + 1, 1023, rates);
}

void run_fini(run_model *r)
{
    bigmem_free(r->t);
    r->t = NULL;
    sm_fini(&r->sm);
}

void run_byte(run_model *r, const uint64_t *nh, int c)
{
    for (int i = 0; i < r->n; i++) {
        /* The context just completed was followed by c. */
        uint32_t *e = &r->t[r->slot[i]];
        if (r->pred[i] && ((r->pred[i] >> 8) & 0xff) == (uint32_t)c) {
            uint32_t cnt = r->pred[i] & 0xff;
            *e = (r->pred[i] & 0xffffff00u) | (cnt < 255 ? cnt + 1 : 255);
        } else {
            *e = (r->slot_chk[i] << 24) | ((uint32_t)c << 8) | 1;
        }
    }
    for (int i = 0; i < r->n; i++) {
        uint64_t h = nh[i] * 0x9e3779b97f4a7c15ull;
        uint32_t slot = (uint32_t)(h >> 20) & r->mask, chk = (uint32_t)(h >> 56);
        if (!chk) chk = 1;
        r->slot[i] = slot;
        r->slot_chk[i] = chk;
        uint32_t e = r->t[slot];
        r->pred[i] = (e >> 24) == chk ? e : 0;
    }
}
