/* common/models/wordctx.h — more word-level contexts for text (recipe
 * key text.words), beside textctx.h's: the word or phrase in views that
 * drop what the byte orders keep (the gaps between words, the case, the
 * punctuation), and in the setting that tells what comes next (the
 * section it belongs to, the stretch of the file, how recently it was
 * seen, the sentence so far).
 *
 * Fed every byte, it keeps its own lower-cased word hashes (letters
 * only), the phrase of words joined by single blanks, the last letters
 * and digits with everything else left out, the word count since the
 * sentence began, the number being written, the word that introduced
 * the section (the last one before ':' or '=') and where each word last
 * ended. wordctx_hashes writes up to WORDCTX_MAX context hashes in a
 * fixed order, most useful first (text.words takes the first k):
 *   0  the word so far with the gap before it and the section's word
 *   1  the word so far with the file's 1 KiB block (its local vocabulary)
 *   2  the phrase: the word so far with the last three words, only
 *      while they are joined by single blanks or line breaks (quotes
 *      skipped; any other byte starts a new phrase)
 *   3  the number so far (digits, '.' and ',' inside) with the word
 *      before it; outside a number, the word so far with the last number
 *   4  the word so far with the words one and three back (skipping one)
 *   5  the word so far with how long ago (log2 bucket) a word equal to
 *      it last ended
 *   6  the word so far with the last two words of this sentence and the
 *      word count since the sentence began (0 to 7)
 *   7  the word so far with the last three words (order 4 in words)
 *   8  the last six letters and digits, everything else left out
 *   9  the word's length and the kinds of its last four letters (vowel,
 *      e, y, consonant, other), with whether it began with a capital
 *
 *   wordctx_init(&w); per byte: wordctx_byte(&w, c);
 *   wordctx_hashes(&w, out, k);   // k <= WORDCTX_MAX */
#ifndef SL_WORDCTX_H
#define SL_WORDCTX_H

#include <stdint.h>

#define WORDCTX_MAX   10
#define WORDCTX_SEEN  (1u << 16)  /* words whose last place is kept */

typedef struct wordctx {
    uint64_t w[4];          /* words: current (0 between words), then previous */
    uint64_t sw[3];         /* this sentence's last words (0 before its start) */
    uint64_t expr[4];       /* the phrase's words: current, then previous */
    uint64_t alnum;         /* last 8 letters and digits, lower case, newest lowest */
    uint64_t gap;           /* the non-letters since the last word */
    uint64_t gap_prev;      /* the gap before the current word */
    uint64_t num, num_last; /* the number being written; the last one */
    uint64_t keyword;       /* the last word before ':' or '=' */
    uint32_t sent_words;    /* words since the sentence began */
    uint32_t kinds;         /* 4 bits per letter of the current word */
    uint32_t len, cap;      /* the current word's letters; began with a capital */
    uint32_t c1;            /* the last byte */
    uint32_t pos;           /* bytes seen */
    uint32_t seen[WORDCTX_SEEN];     /* where each word (by hash) last ended */
    uint16_t check[WORDCTX_SEEN];    /* ... and a check of its hash */
} wordctx;

void wordctx_init(wordctx *w);
void wordctx_byte(wordctx *w, int c);
void wordctx_hashes(const wordctx *w, uint64_t *out, int k);

#endif
