/* tests/unit/test_ac.c — the arithmetic coder alone: exact round trips and
 * a code length within 0.01% (+ a few bytes per flush) of the ideal. */
#include "../../common/ac.h"
#include "testdata.h"

#include <criterion/criterion.h>
#include <math.h>

/* Bits drawn with known probabilities; returns the ideal length in bits. */
static double draw(uint32_t *ps, uint8_t *bits, size_t n, uint64_t seed, int mode)
{
    double ideal = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = td_next(&seed);
        uint32_t p;
        switch (mode) {
        case 0: p = 1 + (uint32_t)(r % 65535); break;               /* uniform */
        case 1: p = (r & 1) ? 65535 - (uint32_t)(r >> 60) : 1 + (uint32_t)(r >> 60); break;
        default: p = 32768 + (uint32_t)((r >> 8) % 32000); break;   /* skewed */
        }
        uint32_t u = (uint32_t)(r >> 32) & 0xffff;
        int bit = u < p; /* P(bit) = p / 65536 */
        ps[i] = p;
        bits[i] = (uint8_t)bit;
        ideal += -log2((bit ? p : 65536 - p) / 65536.0);
    }
    return ideal;
}

static void roundtrip(size_t n, size_t chunk, int mode, uint64_t seed)
{
    uint32_t *ps = malloc(n * sizeof *ps);
    uint8_t *bits = malloc(n);
    double ideal = draw(ps, bits, n, seed, mode);
    bytebuf out = {0};
    size_t nchunks = (n + chunk - 1) / chunk;
    size_t *ends = calloc(nchunks + 1, sizeof *ends);
    ac_enc e;
    ac_enc_init(&e, &out);
    for (size_t c = 0; c < nchunks; c++) {
        for (size_t i = c * chunk; i < n && i < (c + 1) * chunk; i++)
            ac_encode_bit(&e, ps[i], bits[i]);
        cr_assert_eq(ac_enc_flush(&e), 0);
        ends[c + 1] = out.len;
    }
    double limit = ideal * 1.0001 + 8.0 * 3 * (double)nchunks;
    cr_assert(out.len * 8.0 <= limit, "coded %zu bytes, ideal %.1f bytes (mode %d)",
              out.len, ideal / 8, mode);
    for (size_t c = 0; c < nchunks; c++) {
        ac_dec d;
        ac_dec_init(&d, out.p + ends[c], ends[c + 1] - ends[c]);
        for (size_t i = c * chunk; i < n && i < (c + 1) * chunk; i++)
            cr_assert_eq(ac_decode_bit(&d, ps[i]), bits[i], "bit %zu", i);
        cr_assert_leq(d.past, AC_LOOKAHEAD, "chunk %zu: read %u bytes past its end", c, d.past);
    }
    bytebuf_fini(&out);
    free(ends);
    free(ps);
    free(bits);
}

Test(ac, overhead_uniform_probabilities)  { roundtrip(4000000, 4000000, 0, 1); }
Test(ac, overhead_extreme_probabilities)  { roundtrip(4000000, 4000000, 1, 2); }
Test(ac, overhead_skewed_probabilities)   { roundtrip(4000000, 4000000, 2, 3); }
Test(ac, flush_every_chunk)               { roundtrip(2000000, 8191, 0, 4); }
Test(ac, tiny_chunks)
{
    for (size_t chunk = 1; chunk < 40; chunk++) roundtrip(400, chunk, (int)(chunk % 3), chunk);
}

Test(ac, flush_of_empty_chunk_writes_nothing)
{
    bytebuf out = {0};
    ac_enc e;
    ac_enc_init(&e, &out);
    cr_assert_eq(ac_enc_flush(&e), 0);
    cr_assert_eq(out.len, 0);
}

Test(ac, all_certain_bits_cost_almost_nothing)
{
    /* 1M bits each coded at p = 65535/65536: ideal ~ 22 bits. */
    bytebuf out = {0};
    ac_enc e;
    ac_enc_init(&e, &out);
    for (int i = 0; i < 1000000; i++) ac_encode_bit(&e, 65535, 1);
    cr_assert_eq(ac_enc_flush(&e), 0);
    cr_assert_leq(out.len, 6u);
    ac_dec d;
    ac_dec_init(&d, out.p, out.len);
    for (int i = 0; i < 1000000; i++) cr_assert_eq(ac_decode_bit(&d, 65535), 1);
    bytebuf_fini(&out);
}

/* Runs of certain bits code to zero bytes; the flush may drop only its own,
 * so the decoder never reads more than AC_LOOKAHEAD bytes past the end, and
 * a decoder asked for more than the chunk holds soon reads past that. */
Test(ac, lookahead_past_the_end_is_bounded)
{
    for (int bit = 0; bit < 2; bit++)
        for (size_t n = 1; n < 3000000; n = n * 3 + 1) {
            bytebuf out = {0};
            ac_enc e;
            ac_enc_init(&e, &out);
            for (size_t i = 0; i < n; i++) ac_encode_bit(&e, bit ? 65535 : 1, bit);
            cr_assert_eq(ac_enc_flush(&e), 0);
            ac_dec d;
            ac_dec_init(&d, out.p, out.len);
            for (size_t i = 0; i < n; i++) cr_assert_eq(ac_decode_bit(&d, bit ? 65535 : 1), bit);
            cr_assert_leq(d.past, AC_LOOKAHEAD, "%zu bits of %d: %u bytes past the end of %zu",
                          n, bit, d.past, out.len);
            /* Asking for 10x the bits reads well past the end. */
            for (size_t i = 0; i < 10 * n + 10000000; i++) ac_decode_bit(&d, bit ? 65535 : 1);
            cr_assert_gt(d.past, AC_LOOKAHEAD);
            bytebuf_fini(&out);
        }
}
