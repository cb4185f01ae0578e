/* receiver/rcv_budget.c — see rcv_budget.h. */
#include "rcv_budget.h"
#include "../common/err.h"

int rcv_budget_init(rcv_budget *b, uint64_t total)
{
    b->total = total;
    b->used = 0;
    if (uv_mutex_init(&b->lock)) return SL_ENOMEM;
    if (uv_cond_init(&b->freed)) {
        uv_mutex_destroy(&b->lock);
        return SL_ENOMEM;
    }
    return 0;
}

int rcv_budget_take(rcv_budget *b, uint64_t n, uint64_t wait_ms)
{
    if (n > b->total) return SL_ELIMIT;
    uint64_t deadline = uv_hrtime() + wait_ms * 1000000ull;
    int rc = 0;
    uv_mutex_lock(&b->lock);
    while (b->total - b->used < n) {
        uint64_t t = uv_hrtime();
        if (t >= deadline || uv_cond_timedwait(&b->freed, &b->lock, deadline - t) == UV_ETIMEDOUT) {
            if (b->total - b->used < n) rc = SL_EBUSY;
            break;
        }
    }
    if (!rc) b->used += n;
    uv_mutex_unlock(&b->lock);
    return rc;
}

void rcv_budget_give(rcv_budget *b, uint64_t n)
{
    uv_mutex_lock(&b->lock);
    b->used -= n <= b->used ? n : b->used;
    uv_cond_broadcast(&b->freed);
    uv_mutex_unlock(&b->lock);
}

void rcv_budget_fini(rcv_budget *b)
{
    uv_cond_destroy(&b->freed);
    uv_mutex_destroy(&b->lock);
}

uint64_t rcv_budget_default(void)
{
    uint64_t ram = uv_get_total_memory(), limit = uv_get_constrained_memory();
    if (limit && limit < ram) ram = limit;   /* a cgroup (a container) may allow less */
    return ram ? ram / 2 : 1ull << 30;
}
