/* tests/unit/test_budget.c — the receiver's shared memory budget: what
 * fits is taken at once, what does not waits for a release or is refused
 * after its wait, and what can never fit is refused at once. */
#include "../../common/err.h"
#include "../../receiver/rcv_budget.h"

#include <criterion/criterion.h>

typedef struct later { rcv_budget *b; uint64_t n; } later;

static void give_later(void *arg)
{
    later *l = arg;
    uv_sleep(100);
    rcv_budget_give(l->b, l->n);
}

Test(budget, take_wait_and_refuse)
{
    rcv_budget b;
    cr_assert_eq(rcv_budget_init(&b, 100), 0);
    cr_assert_eq(rcv_budget_take(&b, 60, 0), 0);
    cr_assert_eq(rcv_budget_take(&b, 40, 0), 0);
    cr_assert_eq(rcv_budget_take(&b, 1, 50), SL_EBUSY, "over the budget after its wait");
    cr_assert_eq(rcv_budget_take(&b, 101, 1000), SL_ELIMIT, "more than the whole budget");
    /* A release while a session waits lets it in. */
    later l = {&b, 60};
    uv_thread_t t;
    cr_assert_eq(uv_thread_create(&t, give_later, &l), 0);
    uint64_t t0 = uv_hrtime();
    cr_assert_eq(rcv_budget_take(&b, 50, 5000), 0);
    cr_assert_lt(uv_hrtime() - t0, 4000000000ull, "it waited for the whole timeout");
    uv_thread_join(&t);
    cr_assert_eq(b.used, 90);
    rcv_budget_give(&b, 90);
    cr_assert_eq(b.used, 0);
    rcv_budget_fini(&b);
    cr_assert_gt(rcv_budget_default(), 0);
}
