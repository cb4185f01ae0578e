/* tests/unit/test_ctxmap.c — the context table, both layouts: a slot found
 * again by its hash keeps what was written to it (states and, in wide
 * slots, the caller's bytes); a fifth (narrow) or fourth (wide) hash in a
 * full bucket evicts the slot with the least evidence and clears it; slots
 * never overlap. The allocator under them: see the last test. */
#include "../../common/models/ctxmap.h"
#include "../../common/bigmem.h"
#include "testdata.h"

#include <criterion/criterion.h>

static bh_table bh;

static void setup(void)
{
    bh_table_init(&bh);
}

TestSuite(ctxmap, .init = setup);

/* Hashes that land in bucket 0 with distinct check bytes. */
static uint64_t in_bucket0(int k)
{
    return (uint64_t)(k + 1) << 56;
}

static void layout(int wide)
{
    ctxmap m;
    cr_assert_eq(ctxmap_init(&m, 4, wide), 0);
    int n = wide ? 3 : 4, size = wide ? 16 + CTXMAP_EXTRA : 16;
    uint8_t *s[4];
    for (int k = 0; k < n; k++) {
        s[k] = ctxmap_find(&m, &bh, in_bucket0(k));
        cr_assert_eq(s[k][0], (uint8_t)(k + 1));
        for (int j = 1; j < size; j++) cr_assert_eq(s[k][j], 0);
        /* A state with evidence k (more for later slots). */
        s[k][1] = (uint8_t)(k + 1);
        for (int j = 2; j < size; j++) s[k][j] = (uint8_t)(0x40 + k);
    }
    for (int k = 0; k < n; k++) {
        cr_assert_eq(ctxmap_find(&m, &bh, in_bucket0(k)), s[k], "slot %d moved", k);
        for (int j = 2; j < size; j++) cr_assert_eq(s[k][j], 0x40 + k, "slot %d byte %d", k, j);
        if (k) cr_assert_eq(s[k] - s[k - 1], size);
    }
    cr_assert_leq(s[n - 1] + size - s[0], 64);
    /* One more: the slot with the lowest-priority first state goes. */
    int victim = 0;
    for (int k = 1; k < n; k++)
        if (bh.prio[s[k][1]] < bh.prio[s[victim][1]]) victim = k;
    uint8_t *t = ctxmap_find(&m, &bh, in_bucket0(n));
    cr_assert_eq(t, s[victim]);
    cr_assert_eq(t[0], (uint8_t)(n + 1));
    for (int j = 1; j < size; j++) cr_assert_eq(t[j], 0);
    /* Other buckets are untouched by all of this. */
    uint8_t *u = ctxmap_find(&m, &bh, 5);
    cr_assert_neq(u, s[0]);
    cr_assert_eq(u[1], 0);
    ctxmap_fini(&m);
}

Test(ctxmap, narrow_slots)
{
    layout(0);
}

Test(ctxmap, wide_slots)
{
    layout(1);
}

/* The allocator under the tables (common/bigmem.h): zeroed, aligned (2 MiB
 * from 2 MiB up, else 64 bytes), writable to the last byte, freed without
 * complaint (the sanitizer builds would catch a bad free), and an
 * overflowing size refused. */
Test(ctxmap, bigmem_tables_are_zeroed_and_aligned)
{
    const size_t sizes[] = {1, 100, 4096, (size_t)2 << 20, (size_t)5 << 20};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k];
        uint8_t *p = bigmem_calloc(n, 1);
        cr_assert_not_null(p);
        size_t align = n >= ((size_t)2 << 20) ? (size_t)2 << 20 : 64;
        cr_assert_eq((uintptr_t)p % align, 0, "%zu bytes aligned to %zu only", n,
                     (size_t)((uintptr_t)p & (align - 1)));
        for (size_t i = 0; i < n; i += 4093) cr_assert_eq(p[i], 0);
        cr_assert_eq(p[n - 1], 0);
        p[0] = p[n - 1] = 0xff;
        bigmem_free(p);
    }
    cr_assert_null(bigmem_calloc(SIZE_MAX / 2, 4), "an overflowing size was accepted");
    bigmem_free(NULL);
}
