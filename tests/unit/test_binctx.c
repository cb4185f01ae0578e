/* tests/unit/test_binctx.c — the binary-data contexts: each reads exactly
 * the bytes (and the place in the word) it names, no two share a value;
 * and inside cm, cm.binary changes nothing on text and codes 32-bit
 * fields smaller. */
#include "../../common/codec.h"
#include "../../common/models/binctx.h"
#include "../../common/recipe.h"
#include "testdata.h"
#include "coded.h"

#include <criterion/criterion.h>

#define BUF (1u << 16)

/* What each context reads: bit j-1 for the byte j back; bit 8 for the
 * place in a 4-byte word. */
static const uint32_t reads[BIN_MAX_CTX] = {
    0x001 | 0x100,          /* the last byte, pos % 4 */
    0x0f0,                  /* 5..8 back */
    0x00f,                  /* the high nibbles of 1..4 back */
    0x008,                  /* 4 back */
    0x011,                  /* 1 and 5 back */
    0x003 | 0x100,          /* 1 and 2 back, pos % 4 */
    0x088,                  /* 4 and 8 back */
    0x02a,                  /* 2, 4 and 6 back */
};

Test(binctx, each_context_reads_what_it_names)
{
    static uint8_t buf[256];
    uint64_t st = 5;
    for (int trial = 0; trial < 50; trial++) {
        for (int i = 0; i < 256; i++) buf[i] = (uint8_t)(td_next(&st) >> 56);
        uint32_t pos = 100 + (uint32_t)trial * 4;
        uint64_t v[BIN_MAX_CTX], w[BIN_MAX_CTX];
        binctx_values(buf, 255, pos, BIN_MAX_CTX, v);
        for (int k = 0; k < BIN_MAX_CTX; k++)
            for (int l = 0; l < k; l++) cr_assert_neq(v[k], v[l], "contexts %d and %d", l, k);
        for (uint32_t j = 1; j <= 8; j++) {
            /* A change in the high nibble is seen by every context that
             * reads the byte. */
            buf[(pos - j) & 255] ^= 0x90;
            binctx_values(buf, 255, pos, BIN_MAX_CTX, w);
            for (int k = 0; k < BIN_MAX_CTX; k++)
                cr_assert_eq(v[k] != w[k], (reads[k] >> (j - 1) & 1) != 0,
                             "context %d and the byte %u back", k, j);
            buf[(pos - j) & 255] ^= 0x90;
        }
        /* The same last 8 bytes one place further in the word. */
        for (uint32_t j = 1; j <= 8; j++) buf[(pos + 1 - j) & 255] = buf[(pos - j) & 255];
        binctx_values(buf, 255, pos + 1, BIN_MAX_CTX, w);
        for (int k = 0; k < BIN_MAX_CTX; k++)
            cr_assert_eq(v[k] != w[k], (reads[k] & 0x100) != 0, "context %d and pos %% 4", k);
    }
}

/* 32-bit little-endian fields with no fixed record: a tag word (one of
 * four), then 1 to 6 values whose low byte is the last one's plus 0..3,
 * whose second byte is noise and whose high bytes are zero. */
static void fields(uint8_t *p, uint32_t n, uint64_t seed)
{
    uint32_t i = 0, lo = 0;
    while (i + 28 <= n) {
        uint32_t k = (uint32_t)(td_next(&seed) >> 60);
        for (int j = 0; j < 4; j++) p[i + j] = (uint8_t)(0x7f - (k & 3) * 0x11);
        i += 4;
        for (uint32_t f = 0; f < 1 + k % 6; f++, i += 4) {
            uint64_t r = td_next(&seed);
            lo += (uint32_t)(r >> 62);
            p[i] = (uint8_t)lo;
            p[i + 1] = (uint8_t)(r >> 8);
            p[i + 2] = p[i + 3] = 0;
        }
    }
    while (i < n) p[i++] = 0;
}

Test(binctx, in_cm_text_is_untouched_and_fields_shrink, .timeout = 120)
{
    static uint8_t text[BUF], data[BUF];
    td_text(text, 40000, 7);
    fields(data, 40000, 3);
    recipe_params off, on;
    cr_assert_eq(recipe_preset("default", &off), 0);
    off.risc = 0;   /* its word-aligned contexts would cover some of these */
    on = off;
    off.binary = 0;
    on.binary = 8;
    assert_text_same_data_smaller(&off, &on, text, data, 40000, 985, "cm.binary=8");
}
