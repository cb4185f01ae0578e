/* tests/unit/test_textctx.c — the text contexts: words are case-blind;
 * the first word of a line, the nesting of brackets and quotes, the case
 * of words, the word above and the line's indentation are tracked; hashes
 * of the same situation agree and of different ones differ; inside cm
 * they give the mixer inputs on text and none on binary data. */
#include "../../common/models/cm_impl.h"
#include "../../common/models/textctx.h"
#include "../../common/model.h"
#include "../../common/recipe.h"
#include "testdata.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cminputs.h"

static void feed(textctx *t, const char *s)
{
    for (; *s; s++) textctx_byte(t, (unsigned char)*s);
}

/* The hashes of all TEXTCTX_MAX contexts after the text s. */
static void hashes_after(const char *s, uint64_t h[TEXTCTX_MAX])
{
    textctx t;
    textctx_init(&t);
    feed(&t, s);
    textctx_hashes(&t, h, TEXTCTX_MAX);
}

Test(textctx, words_ignore_case)
{
    textctx a, b;
    textctx_init(&a);
    textctx_init(&b);
    feed(&a, "Hello");
    feed(&b, "hello");
    cr_assert_eq(a.w[0], b.w[0]);
    cr_assert_neq(a.w[0], 0);
    feed(&a, ", ");
    cr_assert_eq(a.w[0], 0);
    cr_assert_eq(a.w[1], b.w[0]);
}

Test(textctx, first_word_of_the_line)
{
    textctx t, u;
    textctx_init(&t);
    textctx_init(&u);
    feed(&t, "one two\nthree four");
    feed(&u, "three");
    cr_assert_eq(t.line_first, u.w[0]);
    cr_assert_eq(t.col, 10);
}

Test(textctx, nesting)
{
    textctx t;
    textctx_init(&t);
    feed(&t, "(a [b");
    cr_assert_eq(t.depth, 2);
    cr_assert_eq(t.nest[1], '[');
    feed(&t, "] \"c");
    cr_assert_eq(t.depth, 2);
    cr_assert_eq(t.nest[1], '"');
    feed(&t, "\" d)");
    cr_assert_eq(t.depth, 0);
    feed(&t, "))");   /* unbalanced closers leave it at 0 */
    cr_assert_eq(t.depth, 0);
}

Test(textctx, case_of_words)
{
    textctx t;
    textctx_init(&t);
    feed(&t, "lower Capital UPPER miXed ");
    /* Newest in the low bits: mixed 3, UPPER 2, Capital 1, lower 0. */
    cr_assert_eq(t.caps, 3 | 2 << 2 | 1 << 4 | 0 << 6);
}

Test(textctx, word_above)
{
    textctx t;
    textctx_init(&t);
    feed(&t, "alpha beta\n");
    feed(&t, "xxxxxxx");  /* column 7: under the "e" of "beta" */
    textctx u;
    textctx_init(&u);
    feed(&u, "alpha beta");
    cr_assert_eq(t.above[t.col], u.w[0]);
}

Test(textctx, hashes_tell_situations_apart)
{
    uint64_t ha[TEXTCTX_MAX], hb[TEXTCTX_MAX], hc[TEXTCTX_MAX];
    hashes_after("the cat sat on the ma", ha);
    hashes_after("the cat sat on the ma", hb);
    hashes_after("the cat (sat on the ma", hc);
    cr_assert_eq(memcmp(ha, hb, sizeof ha), 0);
    int differ = 0;
    for (int i = 0; i < TEXTCTX_MAX; i++) {
        differ += ha[i] != hc[i];
        for (int j = 0; j < i; j++) cr_assert_neq(ha[i], ha[j], "contexts %d and %d", i, j);
    }
    cr_assert_geq(differ, 1);
}

Test(textctx, indentation)
{
    textctx t, u;
    textctx_init(&t);
    textctx_init(&u);
    feed(&t, "  \tif (x) {\n        y");
    cr_assert_eq(t.indent, 8);    /* the second line: eight spaces, then y */
    feed(&u, "  \tif");
    cr_assert_eq(u.indent, 6);    /* a tab counts 4 */
    feed(&u, " x  ");
    cr_assert_eq(u.indent, 6);    /* blanks after the first other byte do not count */
    /* The same word at another indentation is another context 8; at the
     * same indentation the same one. */
    uint64_t ha[TEXTCTX_MAX], hb[TEXTCTX_MAX], hc[TEXTCTX_MAX];
    hashes_after("x\n    ret", ha);
    hashes_after("yy\n    ret", hb);
    hashes_after("x\n  ret", hc);
    cr_assert_eq(ha[8], hb[8]);
    cr_assert_neq(ha[8], hc[8]);
}

Test(textctx, folded_bytes)
{
    /* Case and the width of blanks (a line break too) do not count:
     * context 9 is the same after each of these, and differs after
     * another last byte. */
    uint64_t ha[TEXTCTX_MAX], hb[TEXTCTX_MAX], hc[TEXTCTX_MAX];
    hashes_after("of The\n   Cat", ha);
    hashes_after("xyz of the cat", hb);
    hashes_after("of the cap", hc);
    cr_assert_eq(ha[9], hb[9]);
    cr_assert_neq(ha[9], hc[9]);
    cr_assert_neq(ha[0], hb[0]);  /* ... where the gap context tells them apart */
    textctx t;
    textctx_init(&t);
    feed(&t, "A \n\t b");
    cr_assert_eq(t.fold & 0xffffff, (uint64_t)('a' << 16 | ' ' << 8 | 'b'));
}

Test(textctx, text_since_the_opener)
{
    /* Inside brackets, context 10 is the text since the innermost opener
     * with the opener: what came before the opener does not count, the
     * opener does, and so does every byte after it. */
    uint64_t ha[TEXTCTX_MAX], hb[TEXTCTX_MAX], hc[TEXTCTX_MAX], hd[TEXTCTX_MAX];
    hashes_after("one two (see th", ha);
    hashes_after("three [x] (see th", hb);
    hashes_after("one two [see th", hc);
    hashes_after("one two (sea th", hd);
    cr_assert_eq(ha[10], hb[10]);
    cr_assert_neq(ha[10], hc[10]);
    cr_assert_neq(ha[10], hd[10]);
    /* Nested: once the inner bracket closes, the outer's text goes on
     * without what was inside it (the closer counts); while it is
     * open, only what is inside counts. */
    uint64_t he[TEXTCTX_MAX], hf[TEXTCTX_MAX];
    hashes_after("a (b (c) d", he);
    hashes_after("z (b (qq) d", hf);
    cr_assert_eq(he[10], hf[10]);
    hashes_after("z (bb (c) d", hf);
    cr_assert_neq(he[10], hf[10]);
    hashes_after("a (b (c", he);
    hashes_after("z (x (c", hf);
    cr_assert_eq(he[10], hf[10]);
}

Test(textctx, nest_state)
{
    textctx t;
    textctx_init(&t);
    cr_assert_eq(textctx_nest_state(&t), 0);
    feed(&t, "a (b");
    cr_assert_eq(textctx_nest_state(&t), 1);        /* '(' alone */
    feed(&t, " [c");
    cr_assert_eq(textctx_nest_state(&t), 1 + 2 + 1);  /* '[' inside another */
    feed(&t, "] \"d");
    cr_assert_eq(textctx_nest_state(&t), 1 + 8 + 1);  /* '"' inside '(' */
    cr_assert_lt(textctx_nest_state(&t), TEXTCTX_NEST_STATES);
    feed(&t, "\")");
    cr_assert_eq(textctx_nest_state(&t), 0);
}

/* The weight set selector `nest` chose at the first bit after coding the
 * n bytes s through cm (max with small tables: its list begins with nest). */
static uint32_t nest_set_after_n(const uint8_t *s, size_t n)
{
    recipe_params p;
    ci_light_max(&p);
    cr_assert_eq(p.select[0], SEL_NEST);
    cm *m = ci_new(&p);
    for (size_t i = 0; i < n; i++)
        for (int b = 7; b >= 0; b--) {
            cm_model_class.predict(m);
            cm_model_class.update(m, s[i] >> b & 1);
        }
    cm_model_class.predict(m);
    uint32_t set = m->mx.sel[0] - m->mx.base[0];
    cm_model_class.fini(m);
    free(m);
    return set;
}

static uint32_t nest_set_after(const char *s)
{
    return nest_set_after_n((const uint8_t *)s, strlen(s));
}

Test(textctx, nest_selects_weights_in_cm, .timeout = 60)
{
    /* (state * 6 + class of the last byte) * 256 + partial byte. */
    cr_assert_eq(nest_set_after("x ab"), (0 * 6 + 0) * 256 + 1);
    cr_assert_eq(nest_set_after("x (ab"), (1 * 6 + 0) * 256 + 1);
    cr_assert_eq(nest_set_after("x (A"), (1 * 6 + 1) * 256 + 1);
    cr_assert_eq(nest_set_after("x [(a "), (2 * 6 + 3) * 256 + 1);
    /* On binary data, sets of its own by the partial byte alone, however
     * many brackets the bytes hold. */
    enum { N = 6000 };
    static uint8_t data[N];
    uint64_t st = 5;
    for (int i = 0; i < N; i++) data[i] = (uint8_t)(td_next(&st) >> 56);
    data[N - 2] = '(';
    cr_assert_eq(nest_set_after_n(data, N), TEXTCTX_NEST_STATES * 6 * 256 + 1);
}

Test(textctx, in_cm_they_speak_on_text_and_not_on_binary_data, .timeout = 60)
{
    recipe_params p;
    ci_light_max(&p);
    p.text_ctx = TEXTCTX_MAX;
    ci_text_only(&p, 0, TEXTCTX_MAX, 8000 * 9 / 2);
}
