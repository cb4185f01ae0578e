/* tests/unit/test_textmore.c — text.more's indirect contexts read what
 * they name (the bytes that followed the word or gap so far its last
 * times; the word that followed the last word last time), give the
 * same hashes for the same text, and inside cm speak on text and not on
 * binary data; and max's text selectors `sentence` and `margin` read
 * the sentence and the column: where neither can differ from `word` and
 * `column` they give exactly their bits. */
#include "../../common/models/cm_impl.h"
#include "../../common/models/textmore.h"
#include "../../common/model.h"
#include "../../common/recipe.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cminputs.h"

static void hashes_after(const char *s, uint64_t h[TEXTMORE_MAX])
{
    textmore *t = malloc(sizeof *t);
    cr_assert_not_null(t);
    textmore_init(t);
    for (; *s; s++) textmore_byte(t, (unsigned char)*s);
    textmore_hashes(t, h, TEXTMORE_MAX);
    free(t);
}

Test(textmore, the_bytes_after_the_word_so_far)
{
    uint64_t a[TEXTMORE_MAX], b[TEXTMORE_MAX], c[TEXTMORE_MAX], d[TEXTMORE_MAX];
    hashes_after("the cat. the", a);       /* "the" was followed by ' ' */
    hashes_after("so The dog; the", b);    /* ... here too (case folded) */
    hashes_after("then a cat. the", c);    /* by 'n' */
    hashes_after("the cat. thy", d);       /* "thy" never seen */
    cr_assert_eq(a[0], b[0]);
    cr_assert_neq(a[0], c[0]);
    cr_assert_neq(a[0], d[0]);
    /* the last two times: ' ' then 'n' is not 'n' alone */
    hashes_after("the then the", b);
    cr_assert_neq(b[0], c[0]);
}

Test(textmore, the_word_that_followed_the_last_word)
{
    uint64_t a[TEXTMORE_MAX], b[TEXTMORE_MAX], c[TEXTMORE_MAX], d[TEXTMORE_MAX];
    hashes_after("red fox. red ", a);
    hashes_after("a Red fox, so red ", b);
    hashes_after("red cat. red ", c);
    hashes_after("blue fox. red ", d);
    cr_assert_eq(a[1], b[1]);
    cr_assert_neq(a[1], c[1]);
    cr_assert_neq(a[1], d[1]);
    /* with the word so far */
    hashes_after("red fox. red f", b);
    cr_assert_neq(a[1], b[1]);
}

Test(textmore, deterministic_and_distinct)
{
    uint64_t a[TEXTMORE_MAX], b[TEXTMORE_MAX];
    hashes_after("It was the best of times, it was the worst", a);
    hashes_after("It was the best of times, it was the worst", b);
    cr_assert_eq(memcmp(a, b, sizeof a), 0);
    cr_assert_neq(a[0], a[1]);
}

Test(textmore, in_cm_they_speak_on_text_and_not_on_binary_data, .timeout = 60)
{
    recipe_params p;
    ci_light_max(&p);
    p.text_more = TEXTMORE_MAX;
    ci_text_only(&p, p.text_ctx + p.text_words, TEXTMORE_MAX, 8000L * TEXTMORE_MAX / 2);
}

/* The fold of every probability cm gave over the text (cm->trace). */
static uint64_t trace_of(const uint8_t *in, size_t n, const recipe_params *p)
{
    cm *m = calloc(1, cm_model_class.size(p));
    cr_assert_not_null(m);
    cr_assert_eq(cm_model_class.init(m, p), 0);
    for (size_t i = 0; i < n; i++)
        for (int b = 7; b >= 0; b--) {
            cm_model_class.predict(m);
            cm_model_class.update(m, in[i] >> b & 1);
        }
    uint64_t t = m->trace;
    cm_model_class.fini(m);
    free(m);
    return t;
}

/* max's list with selector `at` (4: word's place, 6: column's) set to sel. */
static uint64_t trace_with(const uint8_t *in, size_t n, int at, int sel)
{
    recipe_params p;
    ci_light_max(&p);
    p.select[at] = (uint8_t)sel;
    return trace_of(in, n, &p);
}

Test(textmore, sentence_reads_the_sentence, .timeout = 60)
{
    static const char digits[] = "12 345 6789. 10 11, 12 13 14 15 16. 17\n";
    static const char words[] = "We saw it. Then we went home and slept, as one does. Yes\n";
    enum { N = 3000 };
    static uint8_t a[N], b[N];
    for (int i = 0; i < N; i++) {
        a[i] = (uint8_t)digits[i % (sizeof digits - 1)];
        b[i] = (uint8_t)words[i % (sizeof words - 1)];
    }
    /* No words, so no sentence is ever under way: the bits of `word`. */
    cr_assert_eq(trace_with(a, N, 4, SEL_SENTENCE), trace_with(a, N, 4, SEL_WORD));
    cr_assert_neq(trace_with(b, N, 4, SEL_SENTENCE), trace_with(b, N, 4, SEL_WORD));
}

Test(textmore, margin_reads_columns_past_23, .timeout = 60)
{
    static const char shortl[] = "a short line\nand another\n";
    static const char longl[] = "a line of prose that goes on to the margin, as most do\n";
    enum { N = 3000 };
    static uint8_t a[N], b[N];
    for (int i = 0; i < N; i++) {
        a[i] = (uint8_t)shortl[i % (sizeof shortl - 1)];
        b[i] = (uint8_t)longl[i % (sizeof longl - 1)];
    }
    cr_assert_eq(trace_with(a, N, 6, SEL_MARGIN), trace_with(a, N, 6, SEL_COLUMN));
    cr_assert_neq(trace_with(b, N, 6, SEL_MARGIN), trace_with(b, N, 6, SEL_COLUMN));
}
