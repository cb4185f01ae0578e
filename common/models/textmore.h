/* common/models/textmore.h — two indirect text contexts (recipe key
 * text.more, the first k of them), beside textctx.h's and wordctx.h's:
 * what followed a word (or a gap between words) the last time it was
 * seen.
 *
 * Fed every byte, it keeps its own lower-cased word hashes (letters
 * only) and the gap since the last word, the byte that followed each
 * word prefix and each gap the last two times it was seen (2^18 of
 * them, hashed), and the word that followed each word the last time
 * (2^16).
 * textmore_hashes writes the first k of, in order:
 *   0  the bytes that followed the word so far (between words: the gap
 *      so far) the last two times it was seen, with its length and
 *      whether it is a word
 *   1  the word so far with the word that followed the last word the
 *      last time that word was seen (an indirect word bigram)
 *
 *   textmore_init(&t); per byte: textmore_byte(&t, c);
 *   textmore_hashes(&t, out, k);   // k <= TEXTMORE_MAX */
#ifndef SL_TEXTMORE_H
#define SL_TEXTMORE_H

#include <stdint.h>

#define TEXTMORE_MAX   2
#define TEXTMORE_WORDS (1u << 16)  /* words whose follower is kept */
#define TEXTMORE_AFTER (1u << 18)  /* prefixes and gaps whose next bytes are kept */

typedef struct textmore {
    uint64_t w[2];          /* words: current (0 between words), previous */
    uint64_t gap;           /* the non-letters since the last word */
    uint32_t len;           /* letters of the current word, or bytes of the gap */
    uint32_t follow[TEXTMORE_WORDS];  /* the word that followed each word */
    uint16_t after[TEXTMORE_AFTER];   /* the two bytes after each prefix or gap */
} textmore;

void textmore_init(textmore *t);
void textmore_byte(textmore *t, int c);
void textmore_hashes(const textmore *t, uint64_t *out, int k);

#endif
