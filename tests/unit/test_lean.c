/* tests/unit/test_lean.c — the lean shapes' byte coder (common/models/
 * lean.c) against the model coded bit by bit: the codec takes the byte
 * coder unless it tracks costs, so the same encoder with and without cost
 * tracking must give the same transcript, the same digests, and decoders
 * of either kind must give the bytes back. Every shape the byte coder
 * covers (one or two contexts, with and without the match), on text,
 * random, binary and tiny inputs, whole and in mixed chunks. */
#include "../../common/codec.h"
#include "../../common/err.h"
#include "../../common/recipe.h"
#include "testdata.h"

#include <criterion/criterion.h>

/* tiny (orders 1,3) and its lean relatives: order 3 alone, match or not. */
static recipe_params shape(int nctx, int match)
{
    recipe_params p;
    cr_assert_eq(recipe_preset("tiny", &p), 0);
    if (nctx == 1) {
        p.n_orders = 1;
        p.orders[0] = 3;
    }
    if (!match) p.match_min = 0;
    return p;
}

/* The orders the byte coder hashes from its table (lean_init: orders 0
 * and 1) in other places: order 1 alone, order 1 as the second context,
 * order 0 with order 2. */
static recipe_params short_shape(int v)
{
    recipe_params p = shape(v == 0 ? 1 : 2, 1);
    static const int o[3][2] = { { 1, 0 }, { 3, 1 }, { 0, 2 } };
    p.orders[0] = o[v][0];
    if (v > 0) p.orders[1] = o[v][1];
    return p;
}

#define MAX_CHUNKS 64

/* A transcript: its bytes and where each chunk ends. */
typedef struct coded {
    bytebuf b;
    size_t  end[MAX_CHUNKS];
} coded;

/* Whether chunk i is coded with costs tracked (bit by bit): bit i % 2 of
 * track_mask. */
static int tracked(int track_mask, size_t i)
{
    return (track_mask >> (i % 2)) & 1;
}

/* Encodes in[0..n) in chunks of `chunk` into out; returns the codec's
 * final digest. */
static uint64_t encode(const recipe_params *p, const uint8_t *in, size_t n, size_t chunk,
                       int track_mask, coded *out)
{
    codec *c;
    cr_assert_eq(codec_new(&c, p), 0);
    for (size_t off = 0, i = 0; off < n; off += chunk, i++) {
        size_t len = n - off < chunk ? n - off : chunk;
        cr_assert_lt(i, MAX_CHUNKS);
        cr_assert_eq(codec_track_cost(c, tracked(track_mask, i)), 0);
        cr_assert_eq(codec_encode(c, in + off, len, &out->b), 0);
        out->end[i] = out->b.len;
    }
    uint64_t d = codec_digest(c);
    codec_free(c);
    return d;
}

/* Decodes what encode wrote; checks the bytes and returns the digest. */
static uint64_t decode(const recipe_params *p, const uint8_t *in, size_t n, size_t chunk,
                       int track_mask, const coded *cd)
{
    codec *c;
    cr_assert_eq(codec_new(&c, p), 0);
    uint8_t *back = malloc(chunk);
    size_t at = 0;
    for (size_t off = 0, i = 0; off < n; off += chunk, i++) {
        size_t len = n - off < chunk ? n - off : chunk;
        cr_assert_eq(codec_track_cost(c, tracked(track_mask, i)), 0);
        cr_assert_eq(codec_decode(c, cd->b.p + at, cd->end[i] - at, back, len), 0);
        cr_assert_eq(memcmp(back, in + off, len), 0, "chunk %zu decoded wrong", i);
        at = cd->end[i];
    }
    uint64_t d = codec_digest(c);
    free(back);
    codec_free(c);
    return d;
}

/* Every combination of byte and bit coding agrees on one input, for the
 * four shapes and the short orders' three. */
static void agrees(const uint8_t *in, size_t n, size_t chunk)
{
    for (int v = 0; v < 7; v++) {
        int nctx = v < 4 ? 1 + v / 2 : 1 + (v > 4), match = v < 4 ? v % 2 : 1;
        recipe_params p = v < 4 ? shape(nctx, match) : short_shape(v - 4);
        coded bytes = {0}, bits = {0}, mixed = {0};
        uint64_t d_bytes = encode(&p, in, n, chunk, 0, &bytes);
        uint64_t d_bits = encode(&p, in, n, chunk, 3, &bits);
        uint64_t d_mixed = encode(&p, in, n, chunk, 2, &mixed);
        cr_assert_eq(bytes.b.len, bits.b.len, "shape %d (nctx %d match %d): sizes differ", v,
                     nctx, match);
        cr_assert_eq(memcmp(bytes.b.p, bits.b.p, bytes.b.len), 0,
                     "shape %d (nctx %d match %d): transcripts differ", v, nctx, match);
        cr_assert_eq(bytes.b.len, mixed.b.len);
        cr_assert_eq(memcmp(bytes.b.p, mixed.b.p, bytes.b.len), 0);
        cr_assert_eq(d_bytes, d_bits);
        cr_assert_eq(d_bytes, d_mixed);
        cr_assert_eq(decode(&p, in, n, chunk, 0, &bytes), d_bytes);
        cr_assert_eq(decode(&p, in, n, chunk, 3, &bytes), d_bytes);
        cr_assert_eq(decode(&p, in, n, chunk, 1, &bytes), d_bytes);
        bytebuf_fini(&bytes.b);
        bytebuf_fini(&bits.b);
        bytebuf_fini(&mixed.b);
    }
}

Test(lean, text_agrees_with_the_bitwise_model, .timeout = 120)
{
    size_t n = 60000;
    uint8_t *in = malloc(n);
    td_text(in, n, 7);
    agrees(in, n, n);
    agrees(in, n, 7777);
    free(in);
}

Test(lean, random_and_binary_agree, .timeout = 120)
{
    size_t n = 30000;
    uint8_t *in = malloc(n);
    td_random(in, n, 3);
    agrees(in, n, 10000);
    /* Records: a counter, a constant and noise, rows of 12 bytes. */
    for (size_t i = 0; i < n; i++)
        in[i] = (uint8_t)(i % 12 < 4 ? (i / 12) >> (8 * (i % 4)) : i % 12 < 8 ? 0xA5 : in[i]);
    agrees(in, n, n);
    free(in);
}

Test(lean, tiny_inputs_agree)
{
    uint8_t one = 'x', all[256];
    for (int i = 0; i < 256; i++) all[i] = (uint8_t)i;
    agrees(&one, 1, 1);
    agrees(all, 256, 256);
    agrees(all, 64, 1);
    /* Empty: nothing to code, nothing coded. */
    recipe_params p = shape(2, 1);
    codec *c;
    cr_assert_eq(codec_new(&c, &p), 0);
    bytebuf out = {0};
    cr_assert_eq(codec_encode(c, all, 0, &out), 0);
    cr_assert_eq(out.len, 0);
    codec_free(c);
}

Test(lean, a_chunk_claiming_more_than_it_holds_is_refused)
{
    size_t n = 2000;
    uint8_t *in = malloc(n), *back = malloc(4 * n);
    td_text(in, n, 11);
    recipe_params p = shape(2, 1);
    codec *c;
    cr_assert_eq(codec_new(&c, &p), 0);
    bytebuf out = {0};
    cr_assert_eq(codec_encode(c, in, n, &out), 0);
    codec_free(c);
    cr_assert_eq(codec_new(&c, &p), 0);
    cr_assert_eq(codec_decode(c, out.p, out.len, back, 4 * n), SL_ECORRUPT);
    /* What came before the end is right. */
    cr_assert_eq(memcmp(back, in, n), 0);
    codec_free(c);
    bytebuf_fini(&out);
    free(in);
    free(back);
}
