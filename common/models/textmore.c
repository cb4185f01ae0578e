/* common/models/textmore.c — see textmore.h. */
#include "textmore.h"

#include "textchar.h"

#include <string.h>

void textmore_init(textmore *t)
{
    memset(t, 0, sizeof *t);
}

/* The place of a hash in a table of 2^bits entries. */
static uint32_t slot(uint64_t h, int bits)
{
    return (uint32_t)(h >> 40) & ((1u << bits) - 1);
}

/* The word so far, or between words the gap, as a key of after. */
static uint64_t token(const textmore *t)
{
    return t->w[0] ? t->w[0] : text_mix(t->gap, 0x9a9);
}

void textmore_byte(textmore *t, int c)
{
    int lc = c >= 'A' && c <= 'Z' ? c + 32 : c;
    uint32_t a = slot(token(t), 18);
    t->after[a] = (uint16_t)(t->after[a] << 8 | (uint32_t)c);
    if (text_letter(c)) {
        if (t->w[0] == 0) t->len = 0;
        t->w[0] = text_mix(t->w[0], (uint64_t)lc);
        t->len++;
        return;
    }
    if (t->w[0]) {
        /* The word ended: it is what followed the word before it. */
        t->follow[slot(t->w[1], 16)] = (uint32_t)(t->w[0] >> 32);
        t->w[1] = t->w[0];
        t->w[0] = 0;
        t->gap = 0;
        t->len = 0;
    }
    t->gap = text_mix(t->gap, (uint64_t)c);
    t->len++;
}

void textmore_hashes(const textmore *t, uint64_t *out, int k)
{
    uint64_t w0 = t->w[0];
    uint32_t len = t->len < 15 ? t->len : 15;
    uint64_t v[TEXTMORE_MAX] = {
        text_mix((uint64_t)t->after[slot(token(t), 18)] + 23, len << 1 | (w0 != 0)),
        text_mix(w0 + 21, t->follow[slot(t->w[1], 16)]),
    };
    for (int i = 0; i < k && i < TEXTMORE_MAX; i++) out[i] = v[i];
}
