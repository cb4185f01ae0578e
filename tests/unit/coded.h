/* tests/unit/coded.h — checks the data-model tests share: code an input
 * with a recipe in one chunk, decode it with a second codec, and require
 * the same bytes back and the same model digest on both ends; and that a
 * data model leaves text's transcript alone while it shrinks its data.
 *   size_t n = coded_roundtrip(&p, in, len, &transcript, "cm.exe=1");
 *   assert_text_same_data_smaller(&off, &on, text, data, len, 970, "cm.exe=1"); */
#ifndef SL_TEST_CODED_H
#define SL_TEST_CODED_H

#include "../../common/bytebuf.h"
#include "../../common/codec.h"
#include "../../common/recipe.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends the transcript to out and returns its length; `what` names the
 * recipe in failure messages. */
static inline size_t coded_roundtrip(const recipe_params *p, const uint8_t *in, size_t n,
                                     bytebuf *out, const char *what)
{
    codec *enc, *dec;
    cr_assert_eq(codec_new(&enc, p), 0);
    cr_assert_eq(codec_new(&dec, p), 0);
    size_t at = out->len;
    cr_assert_eq(codec_encode(enc, in, n, out), 0);
    uint8_t *back = malloc(n ? n : 1);
    cr_assert_eq(codec_decode(dec, out->p + at, out->len - at, back, n), 0);
    cr_assert_eq(memcmp(back, in, n), 0, "%s: decoded wrong", what);
    cr_assert_eq(codec_digest(enc), codec_digest(dec), "%s: digests differ", what);
    free(back);
    codec_free(enc);
    codec_free(dec);
    return out->len - at;
}

/* text codes to the same transcript with and without the model (on, off);
 * data codes to at most permille/1000 of its size without it. */
static inline void assert_text_same_data_smaller(const recipe_params *off, const recipe_params *on,
                                                 const uint8_t *text, const uint8_t *data, size_t n,
                                                 size_t permille, const char *what)
{
    bytebuf a = {0}, b = {0};
    coded_roundtrip(off, text, n, &a, "off");
    coded_roundtrip(on, text, n, &b, what);
    cr_assert(a.len == b.len && memcmp(a.p, b.p, a.len) == 0,
              "%s changed the transcript of text (%zu -> %zu bytes)", what, a.len, b.len);
    a.len = b.len = 0;
    size_t without = coded_roundtrip(off, data, n, &a, "off");
    size_t with = coded_roundtrip(on, data, n, &b, what);
    cr_assert_lt(with, without * permille / 1000, "%zu bytes with %s, %zu without", with, what,
                 without);
    bytebuf_fini(&a);
    bytebuf_fini(&b);
}

#endif
