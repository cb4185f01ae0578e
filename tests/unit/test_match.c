/* tests/unit/test_match.c — the match model: a repeat is found and
 * predicts the byte that followed; a match that misses one byte recovers
 * past it (as a recovering match) and a second miss ends it. */
#include "../../common/models/match.h"
#include "../../common/model.h"

#include <criterion/criterion.h>
#include <string.h>

typedef struct feeder {
    match_model mm;
    uint8_t     buf[1 << 12];
    uint32_t    pos;
    uint64_t    c8;
} feeder;

static uint16_t rates[1024];

static void feed(feeder *f, const char *s)
{
    for (; *s; s++) {
        f->buf[f->pos & 4095] = (uint8_t)*s;
        f->pos++;
        f->c8 = f->c8 << 8 | (uint8_t)*s;
        match_byte(&f->mm, f->buf, 4095, f->pos, f->c8, 0);
    }
}

static void setup(feeder *f)
{
    memset(f, 0, sizeof *f);
    sm_rates_init(rates);
    cr_assert_eq(match_init(&f->mm, 4, 12, rates), 0);
}

Test(match, finds_a_repeat)
{
    feeder f;
    setup(&f);
    feed(&f, "the quick brown fox jumps. the quick b");
    cr_assert_gt(f.mm.len, 4);
    cr_assert_eq(f.mm.pbyte, 'r' + 256);
    cr_assert_eq(f.mm.rec, 0);
    match_fini(&f.mm);
}

Test(match, recovers_after_one_miss)
{
    feeder f;
    setup(&f);
    feed(&f, "abcdefghijklmnopqrstuvwxyz. abcdefghijkl");
    cr_assert_eq(f.mm.pbyte, 'm' + 256);
    feed(&f, "M");   /* one byte differs */
    cr_assert_eq(f.mm.rec, 1);
    cr_assert_eq(f.mm.pbyte, 'n' + 256, "goes on past the differing byte");
    int lenq = f.mm.lenq;
    cr_assert_geq(lenq, 24, "recovering matches have buckets of their own");
    feed(&f, "nopqrstuvwxyz. a");
    cr_assert_eq(f.mm.rec, 0, "trusted again after MATCH_RECOVERED bytes");
    match_fini(&f.mm);
}

Test(match, a_second_miss_ends_it)
{
    feeder f;
    setup(&f);
    feed(&f, "abcdefghijklmnopqrstuvwxyz. abcdefghijkl");
    feed(&f, "M");
    cr_assert_eq(f.mm.rec, 1);
    feed(&f, "N");
    cr_assert_eq(f.mm.len, 0);
    cr_assert_eq(f.mm.pbyte, 0);
    match_fini(&f.mm);
}
