/* tests/unit/test_codec.c — the codec end to end in one process: an
 * encoder and a decoder side by side, every preset, many shapes of input,
 * chunked every which way; digests agree at chunk boundaries; transcripts
 * match the golden hashes (a change to model output must bump
 * CODEC_VERSION and tests/golden/transcripts.txt together). */
#include "../../common/codec.h"
#include "../../common/container.h"
#include "../../common/err.h"
#include "../../common/recipe.h"
#include "testdata.h"

#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <stdio.h>

static const char *const presets[] = {"tiny", "small", "default", "max"};
#define NPRESETS 4
/* The whole ladder of presets, from no model to the largest. */
static const char *const ladder[] = {"uniform", "order0", "tiny", "small", "default", "max",
                                     "large", "tx"};
#define NLADDER 8

/* Encodes in chunks of `chunk`, decodes alongside, checks bytes and the
 * digest at every `digest_every`-th chunk; returns transcript length. */
static size_t roundtrip_with(const recipe_params *rp, const char *preset, const uint8_t *in,
                             size_t n, size_t chunk, size_t digest_every, bytebuf *transcript)
{
    recipe_params p = *rp;
    codec *enc, *dec;
    cr_assert_eq(codec_new(&enc, &p), 0);
    cr_assert_eq(codec_new(&dec, &p), 0);
    bytebuf local = {0}, *out = transcript ? transcript : &local;
    uint8_t *back = malloc(chunk);
    size_t total = 0, idx = 0;
    for (size_t off = 0; off < n; off += chunk, idx++) {
        size_t len = n - off < chunk ? n - off : chunk, at = out->len;
        cr_assert_eq(codec_encode(enc, in + off, len, out), 0);
        total += out->len - at;
        cr_assert_eq(codec_decode(dec, out->p + at, out->len - at, back, len), 0);
        cr_assert_eq(memcmp(back, in + off, len), 0,
                     "%s: chunk %zu (size %zu) decoded wrong", preset, idx, chunk);
        if (digest_every && idx % digest_every == 0)
            cr_assert_eq(codec_digest(enc), codec_digest(dec),
                         "%s: digests differ after chunk %zu", preset, idx);
    }
    cr_assert_eq(codec_digest(enc), codec_digest(dec));
    free(back);
    bytebuf_fini(&local);
    codec_free(enc);
    codec_free(dec);
    return total;
}

static size_t roundtrip(const char *preset, const uint8_t *in, size_t n,
                        size_t chunk, size_t digest_every, bytebuf *transcript)
{
    recipe_params p;
    cr_assert_eq(recipe_preset(preset, &p), 0);
    return roundtrip_with(&p, preset, in, n, chunk, digest_every, transcript);
}

static void every_preset(const uint8_t *in, size_t n, size_t chunk)
{
    for (int i = 0; i < NPRESETS; i++) roundtrip(presets[i], in, n, chunk, 1, NULL);
}

Test(codec, empty_input_codes_to_nothing)
{
    for (int i = 0; i < NPRESETS; i++)
        cr_assert_eq(roundtrip(presets[i], (const uint8_t *)"", 0, 1, 1, NULL), 0);
}

Test(codec, one_byte, .timeout = 120)
{
    for (int v = 0; v < 256; v += 85) {
        uint8_t b = (uint8_t)v;
        every_preset(&b, 1, 1);
    }
}

Test(codec, all_byte_values, .timeout = 120)
{
    uint8_t in[512];
    for (int i = 0; i < 512; i++) in[i] = (uint8_t)(i < 256 ? i : 511 - i);
    every_preset(in, sizeof in, 100);
}

/* The presets around cm's four: uniform, order0, large and tx, on every
 * shape of input, bytes compared. */
Test(codec, new_presets_round_trip, .timeout = 300)
{
    static const char *const fresh[] = {"uniform", "order0", "large", "tx"};
    uint8_t all[512], one = 0xa5;
    for (int i = 0; i < 512; i++) all[i] = (uint8_t)(i < 256 ? i : 511 - i);
    size_t nt = 12000, nr = 3000;
    uint8_t *text = malloc(nt), *rnd = malloc(nr);
    td_text(text, nt, 31);
    td_random(rnd, nr, 32);
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(roundtrip(fresh[i], (const uint8_t *)"", 0, 1, 1, NULL), 0);
        roundtrip(fresh[i], &one, 1, 1, 1, NULL);
        roundtrip(fresh[i], all, sizeof all, 100, 1, NULL);
        size_t ct = roundtrip(fresh[i], text, nt, 5000, 1, NULL);
        size_t cr = roundtrip(fresh[i], rnd, nr, 1024, 1, NULL);
        /* learning 255 tree nodes costs order0 a few % on 3 KB */
        cr_assert_lt(cr, nr + nr / 25 + 8, "%s: %zu bytes from %zu random", fresh[i], cr, nr);
        if (i == 0) cr_assert(ct >= nt && ct <= nt + 3 * 2, "uniform: %zu bytes for %zu", ct, nt);
        else cr_assert_lt(ct * 8, nt * 5, "%s: %.3f bpc on text", fresh[i], ct * 8.0 / nt);
    }
    free(text);
    free(rnd);
}

/* sm.run (state maps split by the byte history's expected bit): with
 * five inputs per context it changes the coded bytes and both ways round
 * trip; with four (no byte history) it is ignored. */
Test(codec, sm_run_splits_the_state_maps, .timeout = 300)
{
    size_t n = 20000;
    uint8_t *in = malloc(n);
    td_text(in, n, 9);
    bytebuf t[2][2] = {{{0}}};
    for (int inputs = 4; inputs <= 5; inputs++)
        for (int on = 0; on < 2; on++) {
            recipe_params p;
            cr_assert_eq(recipe_preset("max", &p), 0);
            p.lstm_cells = 0;
            p.lstm_mix = 0;
            p.hash_bits = 18;
            p.inputs = inputs;
            p.sm_run = on;
            roundtrip_with(&p, on ? "sm.run=1" : "sm.run=0", in, n, 8192, 1, &t[inputs - 4][on]);
        }
    cr_assert(t[0][0].len == t[0][1].len && !memcmp(t[0][0].p, t[0][1].p, t[0][0].len),
              "4 inputs: sm.run changed the bytes");
    cr_assert(t[1][0].len != t[1][1].len || memcmp(t[1][0].p, t[1][1].p, t[1][0].len),
              "5 inputs: sm.run changed nothing");
    for (int i = 0; i < 4; i++) bytebuf_fini(&t[i / 2][i % 2]);
    free(in);
}

/* uniform: every byte costs exactly 8 bits; the coder adds only its
 * flush (at most 2 bytes per chunk). */
/* Every context key at its largest at once (the mixer's input count and
 * the context arrays are sized for this recipe, cm_impl.h), on text,
 * binary records and 32-bit words with a repeating opcode byte, so the
 * text, record, x86 and fixed-width code models all get to run. */
Test(codec, the_widest_recipe_round_trips, .timeout = 300)
{
    recipe_params p;
    cr_assert_eq(recipe_preset("max", &p), 0);
    p.n_orders = RECIPE_MAX_ORDERS;
    for (int i = 0; i < RECIPE_MAX_ORDERS; i++) p.orders[i] = (uint8_t)(i < 12 ? i : 4 * i - 32);
    p.inputs = 5;
    p.sparse = 4;
    p.word = 3;
    p.text = 7;
    p.run = 1;
    p.text_ctx = 11;
    p.binary = 13;
    p.record = 8;
    p.exe = 1;
    p.risc = 7;
    p.direct = 4;
    p.lstm_cells = 8;   /* small: its four inputs (lstm.mix=7) count, not its size */
    p.lstm_mix = 7;
    p.hash_bits = 16;
    p.match_hash_bits = 16;
    p.buf_bits = 20;
    /* Through the canonical text, so the recipe is one a peer would accept. */
    char text[4096];
    cr_assert(recipe_canonical(&p, text, sizeof text) > 0);
    recipe_params q;
    recipe_error err;
    cr_assert_eq(recipe_parse(text, strlen(text), &q, &err), 0, "%s", err.msg);
    size_t n = 40000;
    uint8_t *in = malloc(n);
    td_text(in, 16000, 3);
    td_binary(in + 16000, 12000, 4);
    for (size_t i = 28000; i + 4 <= n; i += 4) {
        uint32_t w = (uint32_t)(i * 2654435761u);
        in[i] = (uint8_t)(0x94 + (w >> 30)), in[i + 1] = (uint8_t)w;
        in[i + 2] = (uint8_t)(w >> 8), in[i + 3] = (uint8_t)(i >> 5);
    }
    size_t z = roundtrip_with(&q, "widest", in, n, 16384, 1, NULL);
    cr_assert_lt(z, n / 2, "the widest recipe coded %zu bytes to %zu", n, z);
    free(in);
}

Test(codec, uniform_costs_eight_bits_a_byte)
{
    size_t n = 50000;
    uint8_t *in = malloc(n);
    td_binary(in, n, 12);
    size_t coded = roundtrip("uniform", in, n, n, 1, NULL);
    cr_assert(coded >= n && coded <= n + 2, "%zu bytes for %zu", coded, n);
    free(in);
}

/* On text (a licence, tests/data/GPL-2), each rung of the ladder codes
 * smaller than the one before: uniform > order0 > tiny > small > default
 * > max > large. */
Test(codec, the_ladder_descends_on_text, .timeout = 300)
{
    FILE *f = fopen("tests/data/GPL-2", "rb");
    cr_assert_not_null(f, "run from the top of the tree");
    uint8_t *in = malloc(1 << 16);
    size_t n = fread(in, 1, 1 << 16, f);
    fclose(f);
    cr_assert_gt(n, 10000);
    size_t prev = (size_t)-1;
    for (int i = 0; i < NLADDER - 1; i++) {   /* tx stands apart: the Transformer alone */
        size_t coded = roundtrip(ladder[i], in, n, n, 1, NULL);
        cr_assert_lt(coded, prev, "%s: %zu bytes, the rung before it %zu", ladder[i], coded, prev);
        prev = coded;
    }
    free(in);
}

Test(codec, long_runs_compress_to_almost_nothing, .timeout = 300)
{
    size_t n = 1 << 17;   /* two chunks of runs: enough to show they cost almost nothing */
    uint8_t *in = malloc(n);
    memset(in, 'a', n / 2);
    memset(in + n / 2, 0, n / 2);
    for (int i = 0; i < NPRESETS; i++) {
        size_t coded = roundtrip(presets[i], in, n, 1 << 16, 1, NULL);
        cr_assert_lt(coded, n / 200, "%s: %zu bytes for runs", presets[i], coded);
    }
    free(in);
}

/* The CPU-amplification attack: a chunk that claims far more bytes than
 * its coded data holds is refused as soon as the decoder reads past the
 * coder's look-ahead, not after decoding the whole claim. */
Test(codec, a_chunk_claiming_more_than_it_holds_is_refused, .timeout = 120)
{
    recipe_params p;
    cr_assert_eq(recipe_preset("tiny", &p), 0);
    size_t n = 1 << 18;
    uint8_t *in = malloc(n), *back = malloc(16u << 20);
    memset(in, 0xff, n);            /* all 1 bits: it codes to almost nothing */
    codec *enc, *dec;
    cr_assert_eq(codec_new(&enc, &p), 0);
    bytebuf coded = {0};
    cr_assert_eq(codec_encode(enc, in, n, &coded), 0);
    cr_assert_gt(coded.len, 0, "the chunk's own bytes were trimmed away");
    cr_assert_eq(codec_new(&dec, &p), 0);
    cr_assert_eq(codec_decode(dec, coded.p, coded.len, back, n), 0);
    cr_assert_eq(memcmp(back, in, n), 0);
    codec_free(dec);
    /* No data, 16 MiB claimed. */
    cr_assert_eq(codec_new(&dec, &p), 0);
    cr_assert_eq(codec_decode(dec, coded.p, 0, back, 16u << 20), SL_ECORRUPT);
    codec_free(dec);
    /* The real data, but 64 times the bytes claimed. */
    cr_assert_eq(codec_new(&dec, &p), 0);
    cr_assert_eq(codec_decode(dec, coded.p, coded.len, back, 64 * n > (16u << 20)
                              ? 16u << 20 : 64 * n), SL_ECORRUPT);
    codec_free(dec);
    codec_free(enc);
    bytebuf_fini(&coded);
    free(in);
    free(back);
}

Test(codec, random_bytes_do_not_expand_much, .timeout = 300)
{
    size_t n = 1 << 16;
    uint8_t *in = malloc(n);
    td_random(in, n, 7);
    for (int i = 0; i < NPRESETS; i++) {
        size_t coded = roundtrip(presets[i], in, n, 1 << 14, 1, NULL);
        cr_assert_lt(coded, n + n / 50, "%s: %zu bytes from %zu random", presets[i], coded, n);
    }
    free(in);
}

Test(codec, text_compresses, .timeout = 300)
{
    size_t n = 100000;
    uint8_t *in = malloc(n);
    td_text(in, n, 11);
    for (int i = 0; i < NPRESETS; i++) {
        size_t coded = roundtrip(presets[i], in, n, 65536, 1, NULL);
        cr_assert_lt(coded * 8, n * 3, "%s: %.3f bpc", presets[i], coded * 8.0 / n);
    }
    free(in);
}

Test(codec, binary_compresses, .timeout = 300)
{
    size_t n = 100000;
    uint8_t *in = malloc(n);
    td_binary(in, n, 5);
    every_preset(in, n, 30000);
    free(in);
}

/* codec_track_cost's sum of -log2 p (an interpolated table) agrees with
 * what the coder really wrote, which test_ac.c holds within 0.01% of the
 * exact sum: so the table is close to exact too. */
Test(codec, tracked_cost_matches_the_coded_size, .timeout = 120)
{
    size_t n = 120000;
    uint8_t *in = malloc(n);
    for (int kind = 0; kind < 2; kind++) {
        if (kind) td_binary(in, n, 8);
        else td_text(in, n, 8);
        for (int i = 0; i < 3; i++) {   /* tiny, small, default */
            recipe_params p;
            cr_assert_eq(recipe_preset(presets[i], &p), 0);
            codec *c;
            cr_assert_eq(codec_new(&c, &p), 0);
            cr_assert_eq(codec_track_cost(c, 1), 0);
            bytebuf out = {0};
            cr_assert_eq(codec_encode(c, in, n, &out), 0);
            double ideal = codec_cost_bits(c) / 8.0, coded = (double)out.len;
            cr_assert(ideal > 100, "%s: ideal %.1f bytes", presets[i], ideal);
            cr_assert(coded <= ideal * 1.0001 + 2 && coded >= ideal * 0.9999 - 2,
                      "%s, %s: coded %.0f bytes, tracked ideal %.1f", presets[i],
                      kind ? "binary" : "text", coded, ideal);
            bytebuf_fini(&out);
            codec_free(c);
        }
    }
    free(in);
}

/* Each byte's cost (codec_byte_costs) is what the daemons draw. The costs
 * sum to the ideal size, the decoder reports the very same costs, and
 * asking for them leaves the transcript as it was. */
Test(codec, byte_costs_sum_to_the_ideal_size, .timeout = 120)
{
    size_t n = 60000, chunk = 7000;
    uint8_t *in = malloc(n), *back = malloc(chunk);
    uint32_t *ce = malloc(n * sizeof *ce), *cd = malloc(n * sizeof *cd);
    td_text(in, n / 2, 11);
    td_binary(in + n / 2, n - n / 2, 12);
    for (int i = 0; i < 2; i++) {   /* tiny, small */
        recipe_params p;
        cr_assert_eq(recipe_preset(presets[i], &p), 0);
        codec *enc, *dec, *plain;
        cr_assert_eq(codec_new(&enc, &p), 0);
        cr_assert_eq(codec_new(&dec, &p), 0);
        cr_assert_eq(codec_new(&plain, &p), 0);
        bytebuf out = {0}, ref = {0};
        uint64_t sum = 0;
        for (size_t off = 0; off < n; off += chunk) {
            size_t len = n - off < chunk ? n - off : chunk, at = out.len;
            cr_assert_eq(codec_byte_costs(enc, ce + off), 0);
            cr_assert_eq(codec_byte_costs(dec, cd + off), 0);
            cr_assert_eq(codec_encode(enc, in + off, len, &out), 0);
            cr_assert_eq(codec_encode(plain, in + off, len, &ref), 0);
            cr_assert_eq(codec_decode(dec, out.p + at, out.len - at, back, len), 0);
            cr_assert_eq(memcmp(back, in + off, len), 0);
        }
        for (size_t k = 0; k < n; k++) {
            cr_assert_eq(ce[k], cd[k], "%s: byte %zu costs %u encoding, %u decoding",
                         presets[i], k, ce[k], cd[k]);
            cr_assert(ce[k] > 0 && ce[k] <= 8 * 16 * CODEC_COST_ONE);
            sum += ce[k];
        }
        cr_assert_eq(sum, codec_cost_units(enc), "%s: costs sum to %llu, total %llu",
                     presets[i], (unsigned long long)sum,
                     (unsigned long long)codec_cost_units(enc));
        cr_assert_eq(out.len, ref.len, "%s: tracking changed the transcript", presets[i]);
        cr_assert_eq(memcmp(out.p, ref.p, out.len), 0);
        double ideal = (double)sum / CODEC_COST_ONE / 8.0, coded = (double)out.len;
        double flushes = (double)((n + chunk - 1) / chunk) * 2; /* at most 2 bytes each */
        cr_assert(coded <= ideal * 1.0001 + flushes && coded >= ideal * 0.9999 - 2,
                  "%s: coded %.0f bytes, per-byte costs sum to %.1f", presets[i], coded, ideal);
        bytebuf_fini(&out);
        bytebuf_fini(&ref);
        codec_free(enc);
        codec_free(dec);
        codec_free(plain);
    }
    free(in);
    free(back);
    free(ce);
    free(cd);
}

Test(codec, every_small_chunk_size, .timeout = 600)
{
    uint8_t in[700];
    td_text(in, 400, 3);
    td_binary(in + 400, 300, 4);
    /* Every size on the cheap presets; on default and max (whose models
     * take longest to set up) every fifth size and the largest. */
    for (int i = 0; i < NPRESETS; i++)
        for (size_t chunk = 1; chunk <= 48; chunk += i < 2 ? 1 : 5)
            roundtrip(presets[i], in, sizeof in, chunk, i < 2 ? 1 : 7, NULL);
    roundtrip("default", in, sizeof in, 48, 7, NULL);
    roundtrip("max", in, sizeof in, 48, 7, NULL);
}

Test(codec, chunking_changes_only_the_flushes)
{
    /* The model does not reset at a chunk boundary: coding in 4 chunks
     * costs at most a few bytes per flush more than in one. */
    size_t n = 60000;
    uint8_t *in = malloc(n);
    td_text(in, n, 9);
    size_t one = roundtrip("small", in, n, n, 1, NULL);
    size_t four = roundtrip("small", in, n, n / 4, 1, NULL);
    cr_assert_leq(four, one + 4 * 4, "one chunk %zu, four chunks %zu", one, four);
    free(in);
}

Test(codec, decoder_with_another_recipe_disagrees)
{
    /* A receiver must use the sender's exact recipe: a different seed
     * gives different output and a different digest, or an error. */
    size_t n = 20000;
    uint8_t *in = malloc(n), *back = malloc(n);
    td_text(in, n, 13);
    recipe_params a, b;
    recipe_preset("tiny", &a);
    b = a;
    b.seed = 1;
    codec *enc, *dec;
    cr_assert_eq(codec_new(&enc, &a), 0);
    cr_assert_eq(codec_new(&dec, &b), 0);
    bytebuf out = {0};
    cr_assert_eq(codec_encode(enc, in, n, &out), 0);
    /* It either runs off the end of the coded bytes (refused as corrupt)
     * or decodes other bytes with another digest; never the input. */
    int rc = codec_decode(dec, out.p, out.len, back, n);
    cr_assert(rc == 0 || rc == SL_ECORRUPT, "rc %d", rc);
    if (rc == 0) {
        cr_assert_neq(memcmp(in, back, n), 0);
        cr_assert_neq(codec_digest(enc), codec_digest(dec));
    }
    bytebuf_fini(&out);
    codec_free(enc);
    codec_free(dec);
    free(in);
    free(back);
}

Test(codec, other_version_is_refused_before_decoding)
{
    recipe_params p;
    recipe_preset("tiny", &p);
    p.codec_version = CODEC_VERSION + 1;
    codec *c = (codec *)1;
    cr_assert_eq(codec_new(&c, &p), SL_EVERSION);
    cr_assert_null(c);
}

static uint8_t *golden_input(size_t *n)
{
    *n = TD_GOLDEN_SIZE;
    uint8_t *in = malloc(*n);
    td_golden(in);
    return in;
}

Test(codec, container_refuses_damage)
{
    size_t n = 30000;
    uint8_t *in = malloc(n);
    td_text(in, n, 21);
    recipe_params p;
    recipe_preset("tiny", &p);
    bytebuf t = {0};
    cr_assert_eq(slc_write(&p, 8192, in, n, &t), 0);
    char why[200];
    /* every truncation is refused, none yields partial output */
    for (size_t cut = 0; cut < t.len; cut += 1 + cut / 8) {
        bytebuf back = {0};
        int rc = slc_read(t.p, cut, &back, why, sizeof why);
        cr_assert(rc == SL_ETRUNCATED || rc == SL_EFORMAT,
                  "cut at %zu: %s (%s)", cut, sl_errname(rc), why);
        bytebuf_fini(&back);
    }
    /* a flipped bit in the coded data is caught by the digest */
    bytebuf back = {0};
    t.p[t.len / 2] ^= 0x10;
    cr_assert_eq(slc_read(t.p, t.len, &back, why, sizeof why), SL_ECORRUPT);
    bytebuf_fini(&back);
    /* a hostile chunk length is refused before allocating: the header
     * (magic, version, the packed preset "tiny": 4 + 7 bytes), then a
     * chunk claiming 2^40 bytes */
    bytebuf h = {0};
    bytebuf_append(&h, t.p, 4 + 7);
    uint8_t big[VARINT_MAX + 1];
    size_t bl = varint_put(big, 1ull << 40);
    big[bl++] = 16;
    bytebuf_append(&h, big, bl);
    cr_assert_eq(slc_read(h.p, h.len, &back, why, sizeof why), SL_ETOOBIG, "%s", why);
    h.p[3] = 1;
    cr_assert_eq(slc_read(h.p, h.len, &back, why, sizeof why), SL_EFORMAT);
    cr_assert(strstr(why, "format 1"), "%s", why);
    memcpy(h.p, "XXXX", 4);
    cr_assert_eq(slc_read(h.p, h.len, &back, why, sizeof why), SL_EFORMAT);
    bytebuf_fini(&h);
    bytebuf_fini(&back);
    bytebuf_fini(&t);
    free(in);
}

Test(codec, container_of_a_preset_costs_a_few_bytes)
{
    /* magic and version 4, the packed preset "default" 10, the end marker,
     * the total and the digest 10: a small file pays little but its
     * transcript. */
    recipe_params p;
    recipe_preset("default", &p);
    bytebuf t = {0}, back = {0};
    cr_assert_eq(slc_write(&p, 4096, NULL, 0, &t), 0);
    cr_assert_eq(t.len, 4u + 10 + 2 + 8, "empty input: %zu bytes", t.len);
    const uint8_t one = 'x';
    t.len = 0;
    cr_assert_eq(slc_write(&p, 4096, &one, 1, &t), 0);
    cr_assert_leq(t.len, 4u + 10 + 2 + 3 + 2 + 8, "one byte: %zu bytes", t.len);
    char why[200];
    cr_assert_eq(slc_read(t.p, t.len, &back, why, sizeof why), 0, "%s", why);
    cr_assert(back.len == 1 && back.p[0] == 'x');
    bytebuf_fini(&t);
    bytebuf_fini(&back);
}

static void sha256_hex(const uint8_t *p, size_t n, char hex[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    cr_assert(EVP_Digest(p, n, md, &len, EVP_sha256(), NULL));
    for (int i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", md[i]);
}

Test(codec, golden_transcripts, .timeout = 300)
{
    FILE *f = fopen("tests/golden/transcripts.txt", "r");
    cr_assert_not_null(f, "run from the top of the tree");
    char line[256], want[NLADDER][65] = {{0}};
    int version = -1;
    while (fgets(line, sizeof line, f)) {
        char name[32], hex[65];
        if (sscanf(line, "codec.version %d", &version) == 1) continue;
        if (sscanf(line, "%31s %64s", name, hex) != 2 || name[0] == '#') continue;
        for (int i = 0; i < NLADDER; i++)
            if (!strcmp(name, ladder[i])) memcpy(want[i], hex, 65);
    }
    fclose(f);
    cr_assert_eq(version, CODEC_VERSION,
                 "golden file is for codec version %d, this is %d", version, CODEC_VERSION);
    size_t n;
    uint8_t *in = golden_input(&n);
    /* The presets up to default here; max, large and tx (the float models,
     * seconds each) are checked by make test-determinism on three builds. */
    for (int i = 0; i < NLADDER; i++) {
        if (!strcmp(ladder[i], "max") || !strcmp(ladder[i], "large") ||
            !strcmp(ladder[i], "tx"))
            continue;
        recipe_params p;
        recipe_preset(ladder[i], &p);
        bytebuf t = {0}, back = {0};
        cr_assert_eq(slc_write(&p, 16384, in, n, &t), 0);
        char hex[65], why[200];
        sha256_hex(t.p, t.len, hex);
        cr_expect_str_eq(hex, want[i], "%s transcript changed: %s", ladder[i], hex);
        cr_assert_eq(slc_read(t.p, t.len, &back, why, sizeof why), 0, "%s", why);
        cr_assert_eq(back.len, n);
        cr_assert_eq(memcmp(back.p, in, n), 0);
        bytebuf_fini(&t);
        bytebuf_fini(&back);
    }
    free(in);
}
