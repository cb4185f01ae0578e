/* common/models/textctx.h — contexts for text beyond the byte orders:
 * words and the shape of the page around them.
 *
 * Fed every byte, it keeps the current and previous words (lower-cased
 * hashes), the run of non-letters between them (the gap), the first word
 * of the line and of the paragraph, the nesting of brackets and quotes,
 * the case of recent words, the word of the line above at this column,
 * the last bytes folded (case, blanks) and the text since the innermost
 * opener. textctx_hashes writes up to TEXTCTX_MAX context hashes in a
 * fixed order, most useful first (recipe key text.ctx takes the first k):
 *   0  the word so far with the gap before it and the word before that
 *   1  the word so far with the first word of its line
 *   2  the word so far with the bracket/quote nesting
 *   3  the word of the line above at this column, with the word so far
 *   4  the last byte with the first word of the paragraph
 *   5  the word so far with its case and that of the last two words
 *   6  the word so far with the word three back (skipping two)
 *   7  the gap so far with the previous two words
 *   8  the word so far with the line's indentation and whether a word
 *      has begun on the line (code, lists, verse)
 *   9  the last five bytes folded: letters in lower case, a run of
 *      blanks and newlines as one space (prose wrapped at any width)
 *  10  inside brackets or quotes: the text since the innermost opener,
 *      with the opener (a closed inner bracket counts only by its
 *      closer); outside: the last two bytes folded
 * textctx_nest_state gives the innermost opener as a small number (the
 * mixer selector `nest`).
 *
 *   textctx_init(&t); per byte: textctx_byte(&t, c, pos);
 *   textctx_hashes(&t, out, k);   // k <= TEXTCTX_MAX */
#ifndef SL_TEXTCTX_H
#define SL_TEXTCTX_H

#include <stdint.h>

#define TEXTCTX_MAX   11
#define TEXTCTX_NEST  8     /* brackets and quotes remembered */
#define TEXTCTX_LINE  256   /* columns of the line above remembered */
#define TEXTCTX_NEST_STATES 11

typedef struct textctx {
    uint64_t w[4];          /* word hashes: current (0 between words), previous, ... */
    uint64_t gap;           /* hash of the non-letters since the last word */
    uint64_t gap_prev;      /* the gap before the current word */
    uint64_t line_first;    /* first word of this line */
    uint64_t para_first;    /* first word of this paragraph */
    uint32_t line_words;    /* words begun on this line */
    uint32_t col;           /* column */
    uint32_t indent;        /* the line's leading blanks (a tab counts 4) */
    int      in_indent;     /* no other byte yet on this line */
    uint32_t caps;          /* 2 bits per word: lower, Capitalised, UPPER, mixed */
    uint32_t word_len, word_up, first_up;  /* letters, capitals, first a capital */
    uint32_t c1;            /* the last byte */
    uint8_t  nest[TEXTCTX_NEST];  /* open brackets and quotes, innermost last */
    uint32_t depth;
    uint64_t above[TEXTCTX_LINE]; /* the word at each column of the line above */
    uint64_t here[TEXTCTX_LINE];  /* ... of this line, as it is written */
    int      blank;         /* the line so far is empty: a paragraph ends */
    uint64_t fold;          /* last 8 bytes folded: letters lower case, a run
                               of blanks and newlines one space; newest lowest */
    uint64_t inner[TEXTCTX_NEST + 1];  /* hash of the text since each opener */
} textctx;

void textctx_init(textctx *t);
void textctx_byte(textctx *t, int c);
/* The innermost open bracket or quote and whether it is nested in
 * another: 0 (none) .. TEXTCTX_NEST_STATES - 1. */
uint32_t textctx_nest_state(const textctx *t);
void textctx_hashes(const textctx *t, uint64_t *out, int k);

#endif
