/* receiver/rcv_budget.h — one budget of model memory shared by every
 * session of a receiver (sundard --max-memory), so that however many
 * sessions arrive at once, the daemon never asks for more than it was
 * given, and is never OOM-killed for it.
 *
 *   rcv_budget b; rcv_budget_init(&b, bytes);
 *   from a session's worker: rc = rcv_budget_take(&b, n, wait_ms);
 *       0: reserved; SL_EBUSY: not free within wait_ms (a session waits,
 *       then is refused); SL_ELIMIT: n is over the whole budget
 *   rcv_budget_give(&b, n);     when the session ends
 *   rcv_budget_fini(&b);
 * Thread-safe; waiting blocks the calling worker thread only. */
#ifndef SL_RCV_BUDGET_H
#define SL_RCV_BUDGET_H

#include <stdint.h>
#include <uv.h>

typedef struct rcv_budget {
    uv_mutex_t lock;
    uv_cond_t  freed;
    uint64_t   total, used;
} rcv_budget;

int  rcv_budget_init(rcv_budget *b, uint64_t total);
int  rcv_budget_take(rcv_budget *b, uint64_t n, uint64_t wait_ms);
void rcv_budget_give(rcv_budget *b, uint64_t n);
void rcv_budget_fini(rcv_budget *b);
/* Half of physical memory: the default budget. */
uint64_t rcv_budget_default(void);

#endif
