/* tests/unit/test_record.c — the record detector finds the stride of
 * records from the bytes alone, stays off on text, and its contexts are
 * built from the record above. */
#include "../../common/models/record.h"
#include "testdata.h"

#include <criterion/criterion.h>

#define BUF (1u << 16)

/* Feeds buf[0..n) to r one byte at a time, as cm does. */
static void feed(record_model *r, const uint8_t *buf, uint32_t n)
{
    for (uint32_t pos = 1; pos <= n; pos++) rec_byte(r, buf, BUF - 1, pos);
}

/* Records of `len` bytes: a little-endian counter, fields that stay the
 * same from record to record, noise. */
static void records(uint8_t *p, uint32_t n, uint32_t len, uint64_t seed)
{
    uint64_t fixed = seed * 77 + 1;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t col = i % len, rec = i / len;
        uint64_t f = fixed + col;
        p[i] = col < 2 ? (uint8_t)(rec >> (8 * col))
             : col < len / 2 ? (uint8_t)(td_next(&f) >> 56)
             : (uint8_t)(td_next(&seed) >> 58);
    }
}

Test(record, finds_the_record_length)
{
    static const uint32_t lens[] = {7, 24, 37, 216, 1000};
    static uint8_t buf[BUF];
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        record_model r;
        rec_init(&r);
        records(buf, 40000, lens[k], k);
        feed(&r, buf, 40000);
        cr_assert_eq(r.len, lens[k], "records of %u bytes: found %u", lens[k], r.len);
        cr_assert(rec_active(&r), "records of %u bytes are binary", lens[k]);
        cr_assert_eq(r.col, 40000 % lens[k]);
    }
}

Test(record, stays_off_on_text)
{
    static uint8_t buf[BUF];
    record_model r;
    rec_init(&r);
    td_text(buf, 60000, 3);
    feed(&r, buf, 60000);
    cr_assert(!rec_active(&r), "text switched the record contexts on (len %u)", r.len);
    /* And text after records switches them off again. */
    records(buf, 20000, 40, 9);
    td_text(buf + 20000, 20000, 4);
    rec_init(&r);
    feed(&r, buf, 20000);
    cr_assert(rec_active(&r));
    for (uint32_t pos = 20001; pos <= 40000; pos++) rec_byte(&r, buf, BUF - 1, pos);
    cr_assert(!rec_active(&r));
}

Test(record, random_bytes_give_no_length)
{
    static uint8_t buf[BUF];
    record_model r;
    rec_init(&r);
    td_random(buf, 60000, 5);
    feed(&r, buf, 60000);
    cr_assert_eq(r.len, 0, "noise gave a record length of %u", r.len);
}

Test(record, contexts_follow_the_byte_above)
{
    static uint8_t buf[BUF];
    record_model r;
    rec_init(&r);
    records(buf, 30000, 50, 1);
    feed(&r, buf, 30000);
    cr_assert_eq(r.len, 50);
    uint64_t a[REC_MAX_CTX], b[REC_MAX_CTX];
    rec_contexts(&r, buf, BUF - 1, 30000, REC_MAX_CTX, a);
    buf[30000 - 50] ^= 1;   /* change the byte above */
    rec_contexts(&r, buf, BUF - 1, 30000, REC_MAX_CTX, b);
    cr_assert_neq(a[0], b[0], "the byte above is part of context 0");
    cr_assert_eq(a[3], b[3], "context 3 (left byte, column) does not read it");
    cr_assert_eq(a[5], b[5], "context 5 (the column) does not read it");
}
