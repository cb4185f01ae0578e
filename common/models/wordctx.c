/* common/models/wordctx.c — see wordctx.h. */
#include "wordctx.h"

#include "textchar.h"

#include <string.h>

void wordctx_init(wordctx *w)
{
    memset(w, 0, sizeof *w);
}

static int digit(int c)
{
    return c >= '0' && c <= '9';
}

/* vowel 1, e 2, y 3, other consonant 4, beyond ASCII 5. */
static uint32_t kind(int lc)
{
    if (lc >= 128) return 5;
    if (lc == 'e') return 2;
    if (lc == 'y') return 3;
    if (lc == 'a' || lc == 'i' || lc == 'o' || lc == 'u') return 1;
    return 4;
}

/* The place in seen/check of a word's hash. */
static uint32_t seen_slot(uint64_t h)
{
    return (uint32_t)(h >> 48) & (WORDCTX_SEEN - 1);
}

/* The word ended at byte c. */
static void word_end(wordctx *w, int c)
{
    uint32_t s = seen_slot(w->w[0]);
    w->seen[s] = w->pos;
    w->check[s] = (uint16_t)(w->w[0] >> 16);
    memmove(w->w + 1, w->w, 3 * sizeof w->w[0]);
    w->w[0] = 0;
    w->sw[2] = w->sw[1];
    w->sw[1] = w->w[1];
    w->sent_words++;
    if (c == ':' || c == '=') w->keyword = w->w[1];
    w->len = 0;
    w->gap = 0;
}

/* Phrases: words joined by one blank (or a line break) each; quotes and
 * carriage returns pass, any other byte ends the phrase. */
static void phrase_byte(wordctx *w, int c, int lc)
{
    if (text_letter(c)) {
        w->expr[0] = text_mix(w->expr[0], (uint64_t)lc);
    } else if ((c == ' ' || c == '\n') && text_letter((int)w->c1)) {
        memmove(w->expr + 1, w->expr, 3 * sizeof w->expr[0]);
        w->expr[0] = 0;
    } else if (c != '\'' && c != '"' && c != '\r') {
        memset(w->expr, 0, sizeof w->expr);
    }
}

void wordctx_byte(wordctx *w, int c)
{
    int lc = c >= 'A' && c <= 'Z' ? c + 32 : c;
    if (text_letter(c) || digit(c)) w->alnum = w->alnum << 8 | (uint64_t)lc;
    if (digit(c) || (w->num && (c == '.' || c == ','))) {
        w->num = text_mix(w->num, (uint64_t)c);
    } else if (w->num) {
        w->num_last = w->num;
        w->num = 0;
    }
    if (text_letter(c)) {
        if (w->w[0] == 0) {
            w->gap_prev = w->gap;
            w->cap = c >= 'A' && c <= 'Z';
            w->kinds = 0;
        }
        w->w[0] = text_mix(w->w[0], (uint64_t)lc);
        w->len++;
        w->kinds = (w->kinds << 4 | kind(lc)) & 0xffff;
    } else {
        if (w->w[0]) word_end(w, c);
        w->gap = text_mix(w->gap, (uint64_t)c);
        if (c == '.' || c == '!' || c == '?') {
            w->sent_words = 0;
            w->sw[1] = w->sw[2] = 0;
        }
    }
    phrase_byte(w, c, lc);
    w->c1 = (uint32_t)c;
    w->pos++;
}

/* How long ago a word equal to the word so far last ended, as a bucket
 * 1 .. 15; 0: never (as far as seen/check tell), or not in a word. */
static uint64_t recency(const wordctx *w)
{
    if (!w->w[0]) return 0;
    uint32_t s = seen_slot(w->w[0]);
    if (w->check[s] != (uint16_t)(w->w[0] >> 16) || !w->seen[s]) return 0;
    uint32_t d = w->pos - w->seen[s], b = 1;
    while (d > 16 && b < 15) d >>= 1, b++;
    return b;
}

void wordctx_hashes(const wordctx *w, uint64_t *out, int k)
{
    uint64_t w0 = w->w[0];
    uint64_t v[WORDCTX_MAX] = {
        text_mix(text_mix(w0 + 5, w0 ? w->gap_prev : w->gap), w->keyword),
        text_mix(text_mix(w0 + 10, w->pos >> 10), 0),
        text_mix(text_mix(text_mix(text_mix(w->expr[0] + 11, w->expr[1]), w->expr[2]), w->expr[3]), 11),
        w->num ? text_mix(w->num + 4, w->w[1]) : text_mix(text_mix(w0 + 4, w->num_last), 1),
        text_mix(text_mix(w0 + 6, w->w[1]), w->w[3]),
        text_mix(text_mix(w0 + 8, recency(w)), w->w[1] ? 0 : 1),
        text_mix(text_mix(text_mix(w0 + 2, w->sw[1]), w->sw[2]), w->sent_words < 7 ? w->sent_words : 7),
        text_mix(text_mix(text_mix(w0 + 3, w->w[1]), w->w[2]), w->w[3]),
        text_mix(w->alnum & 0xffffffffffffull, 0),
        text_mix(w->len < 7 ? w->len : 7, (uint64_t)w->kinds << 1 | w->cap) + 7,
    };
    for (int i = 0; i < k && i < WORDCTX_MAX; i++) out[i] = v[i];
}
