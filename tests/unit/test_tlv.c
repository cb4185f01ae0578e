/* tests/unit/test_tlv.c — the record-header model: it finds the chain of
 * type/length headers behind a preamble, follows it, loses it on bytes
 * that break it and finds it again; its contexts name the type, the
 * offset and the byte at that offset in the last record of the type, and
 * a cell's bytes are expected from the column after the last cell's; and
 * inside cm BIFF-like records code smaller with cm.binary=13 than with the
 * eight binary contexts alone, and a table of cells smaller than with 12. */
#include "../../common/codec.h"
#include "../../common/models/tlv.h"
#include "../../common/recipe.h"
#include "testdata.h"
#include "coded.h"

#include <criterion/criterion.h>

#define BUF (1u << 16)

static uint32_t put_rec(uint8_t *p, uint32_t i, uint32_t type, uint32_t len, uint64_t *seed)
{
    p[i] = (uint8_t)type;
    p[i + 1] = (uint8_t)(type >> 8);
    p[i + 2] = (uint8_t)len;
    p[i + 3] = (uint8_t)(len >> 8);
    for (uint32_t j = 0; j < len; j++)
        p[i + 4 + j] = j < 4 ? (uint8_t)(type + j) : (uint8_t)(td_next(seed) >> 60);
    return i + 4 + len;
}

/* Records of three types and lengths 6, 10 and 14 from `at` to `n`;
 * returns where the last header starts. */
static uint32_t sheet(uint8_t *p, uint32_t at, uint32_t n, uint64_t seed)
{
    static const uint32_t types[3] = {0x0203, 0x027e, 0x0201}, lens[3] = {14, 10, 6};
    uint32_t i = at, last = at;
    while (i + 18 <= n) {
        uint32_t k = (uint32_t)(td_next(&seed) >> 62) % 3;
        last = i;
        i = put_rec(p, i, types[k], lens[k], &seed);
    }
    return last;
}

Test(tlv, finds_follows_loses_and_finds_again)
{
    static uint8_t buf[BUF];
    uint64_t seed = 9;
    for (uint32_t i = 0; i < 1000; i++) buf[i] = (uint8_t)(td_next(&seed) >> 56) | 0x10;
    uint32_t last = sheet(buf, 1000, 20000, 4);
    tlv_model t;
    tlv_init(&t);
    for (uint32_t pos = 1; pos <= 1000; pos++) tlv_byte(&t, buf, BUF - 1, pos);
    int found = 0;
    for (uint32_t pos = 1001; pos <= last + 4; pos++) {
        tlv_byte(&t, buf, BUF - 1, pos);
        if (pos >= 1100) found += tlv_active(&t);
    }
    cr_assert_eq(found, (int)(last + 4 - 1100 + 1), "active from the third record on");
    cr_assert_eq(t.start, last + 4, "the last header is the current record");
    cr_assert_eq(t.type, buf[last] | (uint32_t)buf[last + 1] << 8);
    /* Contexts: the byte at offset 5 of the last record of this type;
     * and of the last one of the type and column (these records' columns
     * are all alike: the same record). */
    uint64_t v[TLV_NCTX], w[TLV_NCTX];
    uint32_t pos = t.start + 5;
    for (uint32_t q = last + 5; q <= pos; q++) tlv_byte(&t, buf, BUF - 1, q);
    cr_assert_eq(t.colprev, t.prev);
    tlv_contexts(&t, buf, BUF - 1, pos, v);
    buf[t.prev + 5] ^= 1;
    tlv_contexts(&t, buf, BUF - 1, pos, w);
    cr_assert(v[0] == w[0] && v[1] != w[1] && v[2] != w[2] && v[3] != w[3],
              "contexts 1-3 read the record above");
    buf[t.prev + 5] ^= 1;
    buf[pos - 1] ^= 1;
    tlv_contexts(&t, buf, BUF - 1, pos, w);
    cr_assert(v[0] == w[0] && v[1] == w[1] && v[2] != w[2] && v[3] == w[3],
              "context 2 reads the last byte");
    buf[pos - 1] ^= 1;
    /* A broken header loses the chain; the next good ones find it again. */
    tlv_init(&t);
    memset(buf, 0, BUF);
    uint32_t n = sheet(buf, 0, 4000, 5);
    buf[n] = 0xff, buf[n + 1] = 0xff;   /* type 0xffff: no header */
    sheet(buf, n + 300, 8000, 6);
    int lost = 0, again = 0;
    for (uint32_t q = 1; q <= 8000; q++) {
        tlv_byte(&t, buf, BUF - 1, q);
        if (q > n + 4 && q < n + 300) lost |= !tlv_active(&t);
        if (q > n + 500) again += tlv_active(&t);
    }
    cr_assert(lost, "a broken header loses the chain");
    cr_assert_gt(again, 7400 - (int)n, "found again: %d", again);
}

static size_t coded(int nbin, const uint8_t *in, size_t n, bytebuf *out)
{
    recipe_params p;
    cr_assert_eq(recipe_preset("default", &p), 0);
    p.binary = nbin;
    char what[64];
    snprintf(what, sizeof what, "default cm.binary=%d", nbin);
    return coded_roundtrip(&p, in, n, out, what);
}

/* A BIFF-like cell: header, then row, column, and two bytes more. */
static uint32_t put_cell(uint8_t *p, uint32_t i, uint32_t type, uint32_t row, uint32_t col)
{
    uint8_t c[10] = {(uint8_t)type, (uint8_t)(type >> 8), 6, 0, (uint8_t)row, (uint8_t)(row >> 8),
                     (uint8_t)col, (uint8_t)(col >> 8), (uint8_t)(0x15 + col), 0};
    memcpy(p + i, c, sizeof c);
    return i + sizeof c;
}

/* The contexts for the byte at pos, the model having read buf up to it. */
static void contexts_at(const uint8_t *buf, uint32_t pos, uint64_t *v)
{
    tlv_model t;
    tlv_init(&t);
    for (uint32_t q = 1; q <= pos; q++) tlv_byte(&t, buf, BUF - 1, q);
    cr_assert(tlv_active(&t));
    tlv_contexts(&t, buf, BUF - 1, pos, v);
}

Test(tlv, a_cell_is_expected_from_the_column_after_the_last_one)
{
    /* Four rows of six cells; column 3 is blank (type 0x0201) in rows 0
     * and 1, a number (0x027e) elsewhere. The cell at (row r, column c)
     * starts at cell[r][c]. */
    static uint8_t buf[BUF];
    uint32_t cell[4][6], i = 100;
    for (uint32_t r = 0; r < 4; r++)
        for (uint32_t c = 0; c < 6; c++) {
            cell[r][c] = i;
            i = put_cell(buf, i, c == 3 && r < 2 ? 0x0201 : 0x027e, r, c);
        }
    uint64_t v[TLV_NCTX], w[TLV_NCTX];
    /* The header of (2, 3) is expected from the header of (1, 3). */
    contexts_at(buf, cell[2][3], v);
    buf[cell[1][3]] ^= 0x40;
    contexts_at(buf, cell[2][3], w);
    cr_assert(v[4] != w[4], "the type of the cell above the next one");
    cr_assert(v[0] == w[0] && v[1] == w[1] && v[3] == w[3]);
    buf[cell[1][3]] ^= 0x40;
    buf[cell[1][4]] ^= 0x40;
    contexts_at(buf, cell[2][3], w);
    cr_assert(v[4] == w[4], "not the type of another column's cell");
    buf[cell[1][4]] ^= 0x40;
    /* Its column byte is expected to be the last cell's column + 1: the
     * same context in every row, another in the next column. */
    contexts_at(buf, cell[2][3] + 6, v);
    contexts_at(buf, cell[3][3] + 6, w);
    cr_assert(v[4] == w[4], "column 3 in rows 2 and 3");
    contexts_at(buf, cell[3][4] + 6, w);
    cr_assert(v[4] != w[4], "columns 3 and 4");
    /* After the rightmost column, the next row's first: the row byte of
     * (3, 0) is expected to be 3, as that of (3, 1) is; its column byte
     * to be 0, as that of (2, 0) was. */
    contexts_at(buf, cell[3][0] + 4, v);
    contexts_at(buf, cell[3][1] + 4, w);
    cr_assert(v[4] == w[4], "the row after a full row");
    contexts_at(buf, cell[3][0] + 6, v);
    contexts_at(buf, cell[2][0] + 6, w);
    cr_assert(v[4] == w[4], "the first column after the last");
    /* In the body after row and column, the context names the column. */
    contexts_at(buf, cell[2][4] + 8, v);
    contexts_at(buf, cell[3][4] + 8, w);
    cr_assert(v[4] == w[4], "column 4 in rows 2 and 3");
    contexts_at(buf, cell[3][5] + 8, w);
    cr_assert(v[4] != w[4], "columns 4 and 5");
}

/* A table filled row by row: a label of 2..17 bytes (so rows differ in
 * length), then 40 columns, each with answers of its own (a column's
 * value is one of three); the columns chosen by `sparse` are mostly
 * blank (BLANK records), the others seldom. */
static uint32_t table(uint8_t *p, uint32_t n, uint64_t seed)
{
    uint64_t sparse = td_next(&seed);
    uint32_t i = 0;
    for (uint32_t r = 0; i + 40 <= n; r++) {
        i = put_rec(p, i, 0x0204, 2 + (uint32_t)(td_next(&seed) >> 60), &seed);
        for (uint32_t c = 0; c < 40 && i + 14 <= n; c++) {
            uint32_t x = (uint32_t)(td_next(&seed) >> 60);
            if (sparse >> c & 1 ? x < 14 : x < 1) {
                i = put_cell(p, i, 0x0201, r, c);
                continue;
            }
            i = put_cell(p, i, 0x027e, r, c);
            p[i - 1] = (uint8_t)(c * 7 + x % 3);
        }
    }
    return i;
}

Test(tlv, in_cm_cells_shrink_with_the_fifth_context, .timeout = 120)
{
    static uint8_t buf[BUF];
    uint32_t n = table(buf, 30000, 5);
    bytebuf a = {0}, b = {0};
    size_t four = coded(12, buf, n, &a), five = coded(13, buf, n, &b);
    cr_assert_lt(five, four * 99 / 100, "cells: %zu bytes with cm.binary=13, %zu with 12", five, four);
    bytebuf_fini(&a);
    bytebuf_fini(&b);
}

Test(tlv, in_cm_records_shrink, .timeout = 120)
{
    static uint8_t buf[BUF];
    uint64_t seed = 3;
    for (uint32_t i = 0; i < 512; i++) buf[i] = (uint8_t)(td_next(&seed) >> 56);
    sheet(buf, 512, 30000, 7);
    bytebuf a = {0}, b = {0};
    size_t off = coded(8, buf, 30000, &a), on = coded(13, buf, 30000, &b);
    cr_assert_lt(on, off * 97 / 100, "records: %zu bytes with cm.binary=13, %zu with 8", on, off);
    bytebuf_fini(&a);
    bytebuf_fini(&b);
}
