/* tests/unit/test_wordctx.c — the word contexts of text.words: the
 * letters-and-digits history leaves out blanks, punctuation and case;
 * phrases are words joined by single blanks; the file's block and how
 * recently the word was seen are told apart; the sentence's words start afresh after a
 * full stop; numbers are tracked; the same text gives the same hashes
 * and different situations different ones; inside cm they give the
 * mixer inputs on text and none on binary data. */
#include "../../common/models/cm_impl.h"
#include "../../common/models/wordctx.h"
#include "../../common/model.h"
#include "../../common/recipe.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cminputs.h"

static void feed(wordctx *w, const char *s)
{
    for (; *s; s++) wordctx_byte(w, (unsigned char)*s);
}

static void hashes_after(const char *s, uint64_t h[WORDCTX_MAX])
{
    wordctx w;
    wordctx_init(&w);
    feed(&w, s);
    wordctx_hashes(&w, h, WORDCTX_MAX);
}

Test(wordctx, letters_and_digits_only)
{
    uint64_t a[WORDCTX_MAX], b[WORDCTX_MAX], c[WORDCTX_MAX];
    hashes_after("the Cat, sat2", a);
    hashes_after("the cat sat2", b);
    hashes_after("the cat sat3", c);
    cr_assert_eq(a[8], b[8]);
    cr_assert_neq(b[8], c[8]);
}

Test(wordctx, phrases_are_words_joined_by_single_blanks)
{
    uint64_t a[WORDCTX_MAX], b[WORDCTX_MAX], c[WORDCTX_MAX], d[WORDCTX_MAX];
    hashes_after("x, in the \"end of\nda", a);
    hashes_after("y; In the end \"of da", b);
    hashes_after("x, in the end, of da", c);
    hashes_after("x, in the  end of da", d);
    cr_assert_eq(a[2], b[2]);
    cr_assert_neq(a[2], c[2]);   /* a comma ends the phrase */
    cr_assert_neq(a[2], d[2]);   /* so do two blanks */
}

Test(wordctx, block_and_recency)
{
    wordctx w;
    wordctx_init(&w);
    feed(&w, "the cat and the");   /* "the" seen 12 bytes back */
    uint64_t b[WORDCTX_MAX];
    wordctx_hashes(&w, b, WORDCTX_MAX);
    wordctx u;
    wordctx_init(&u);
    feed(&u, "a dog and the");   /* "the" new here */
    uint64_t c[WORDCTX_MAX];
    wordctx_hashes(&u, c, WORDCTX_MAX);
    cr_assert_neq(b[5], c[5]);
    cr_assert_eq(b[1], c[1]);   /* the same word in the same block */
    /* the same word 1 KiB later is in another block */
    wordctx_init(&u);
    for (int i = 0; i < 1030; i++) wordctx_byte(&u, ' ');
    feed(&u, "the");
    wordctx_hashes(&u, c, WORDCTX_MAX);
    cr_assert_neq(b[1], c[1]);
}

Test(wordctx, sentences_start_afresh)
{
    wordctx w;
    wordctx_init(&w);
    feed(&w, "one two three");
    cr_assert_eq(w.sent_words, 2);
    feed(&w, ". Four");
    cr_assert_eq(w.sent_words, 0);
    cr_assert_eq(w.sw[1], 0);
    cr_assert_neq(w.w[1], 0);   /* the plain words go on */
    uint64_t a[WORDCTX_MAX], b[WORDCTX_MAX];
    hashes_after("x. The end", a);
    hashes_after("y. The end", b);
    cr_assert_eq(a[6], b[6]);
    cr_assert_neq(a[7], b[7]);
}

Test(wordctx, numbers)
{
    wordctx w;
    wordctx_init(&w);
    feed(&w, "page 3.14");
    cr_assert_neq(w.num, 0);
    uint64_t n = w.num;
    feed(&w, " of");
    cr_assert_eq(w.num, 0);
    cr_assert_eq(w.num_last, n);
    uint64_t a[WORDCTX_MAX], b[WORDCTX_MAX], c[WORDCTX_MAX];
    hashes_after("see page 12", a);
    hashes_after("see, page 12", b);
    hashes_after("see line 12", c);
    cr_assert_eq(a[3], b[3]);
    cr_assert_neq(a[3], c[3]);
}

Test(wordctx, section_word)
{
    wordctx w;
    wordctx_init(&w);
    feed(&w, "Depends: libc ");
    wordctx t;
    wordctx_init(&t);
    feed(&t, "depends");
    cr_assert_eq(w.keyword, t.w[0]);
}

Test(wordctx, hashes_are_deterministic_and_tell_situations_apart)
{
    uint64_t a[WORDCTX_MAX], b[WORDCTX_MAX], c[WORDCTX_MAX];
    hashes_after("It was the best of times, it was the wor", a);
    hashes_after("It was the best of times, it was the wor", b);
    hashes_after("It was the best of times, it is the wor", c);
    for (int k = 0; k < WORDCTX_MAX; k++) cr_assert_eq(a[k], b[k], "context %d", k);
    for (int k = 0; k < WORDCTX_MAX; k++)
        for (int j = 0; j < k; j++) cr_assert_neq(a[k], a[j], "contexts %d and %d", j, k);
    cr_assert_neq(a[7], c[7]);
    cr_assert_eq(a[4], c[4]);    /* skips the word two back */
    cr_assert_eq(a[9], c[9]);    /* only the word's shape */
    uint64_t k3[2];
    wordctx w;
    wordctx_init(&w);
    feed(&w, "It was the best");
    wordctx_hashes(&w, k3, 2);
    hashes_after("It was the best", a);
    cr_assert_eq(k3[0], a[0]);
    cr_assert_eq(k3[1], a[1]);
}

Test(wordctx, in_cm_they_speak_on_text_and_not_on_binary_data, .timeout = 60)
{
    recipe_params p;
    ci_light_max(&p);
    p.text_words = WORDCTX_MAX;
    ci_text_only(&p, p.text_ctx, WORDCTX_MAX, 8000L * WORDCTX_MAX / 2);
}
