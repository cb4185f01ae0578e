/* tests/unit/test_textctx.c — the text contexts: words are case-blind;
 * the first word of a line, the nesting of brackets and quotes, the case
 * of words and the word above are tracked; hashes of the same situation
 * agree and of different ones differ. */
#include "../../common/models/textctx.h"

#include <criterion/criterion.h>
#include <string.h>

static void feed(textctx *t, const char *s)
{
    for (; *s; s++) textctx_byte(t, (unsigned char)*s);
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
    textctx a, b, c;
    textctx_init(&a);
    textctx_init(&b);
    textctx_init(&c);
    feed(&a, "the cat sat on the ma");
    feed(&b, "the cat sat on the ma");
    feed(&c, "the cat (sat on the ma");
    uint64_t ha[TEXTCTX_MAX], hb[TEXTCTX_MAX], hc[TEXTCTX_MAX];
    textctx_hashes(&a, ha, TEXTCTX_MAX);
    textctx_hashes(&b, hb, TEXTCTX_MAX);
    textctx_hashes(&c, hc, TEXTCTX_MAX);
    cr_assert_eq(memcmp(ha, hb, sizeof ha), 0);
    int differ = 0;
    for (int i = 0; i < TEXTCTX_MAX; i++) {
        differ += ha[i] != hc[i];
        for (int j = 0; j < i; j++) cr_assert_neq(ha[i], ha[j], "contexts %d and %d", i, j);
    }
    cr_assert_geq(differ, 1);
}
