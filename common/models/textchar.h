/* common/models/textchar.h — the two small pieces the text models
 * (textctx.c, wordctx.c, textmore.c) share: what counts as a letter
 * (ASCII letters and every byte of 128 or more, so UTF-8 words stay
 * whole) and the step that folds one more value into a word's hash.
 *
 *   if (text_letter(c)) h = text_mix(h, c); */
#ifndef SL_TEXTCHAR_H
#define SL_TEXTCHAR_H

#include <stdint.h>

static inline int text_letter(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 128;
}

static inline uint64_t text_mix(uint64_t h, uint64_t v)
{
    return (h + v + 1) * 0x9e3779b97f4a7c15ull;
}

#endif
