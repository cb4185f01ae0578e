/* common/models/textctx.c — see textctx.h. */
#include "textctx.h"

#include "textchar.h"

#include <string.h>

void textctx_init(textctx *t)
{
    memset(t, 0, sizeof *t);
    t->blank = 1;
    t->in_indent = 1;
}

/* Brackets and quotes: an opener is pushed, its closer pops it. Quotes
 * that open and close alike toggle. Returns 1 when c opened. */
static int nest_byte(textctx *t, int c)
{
    static const char open[] = "([{<", close[] = ")]}>";
    for (int k = 0; k < 4; k++) {
        if (c == open[k]) {
            if (t->depth < TEXTCTX_NEST) t->nest[t->depth] = (uint8_t)c;
            t->depth++;
            return 1;
        }
        if (c == close[k]) {
            if (t->depth && (t->depth > TEXTCTX_NEST || t->nest[t->depth - 1] == open[k]))
                t->depth--;
            return 0;
        }
    }
    if (c == '"') {
        if (t->depth && t->depth <= TEXTCTX_NEST && t->nest[t->depth - 1] == '"') t->depth--;
        else {
            if (t->depth < TEXTCTX_NEST) t->nest[t->depth] = '"';
            t->depth++;
            return 1;
        }
    }
    return 0;
}

/* lower 0, Capitalised 1, UPPER 2 (two letters or more), mixed 3. */
static uint32_t word_case(const textctx *t)
{
    if (t->word_up == 0) return 0;
    if (t->word_up == 1 && t->first_up) return 1;
    return t->word_up == t->word_len ? 2 : 3;
}

/* The word has ended at column col: its letters' columns get the whole
 * word, for the line below. */
static void word_end(textctx *t)
{
    for (uint32_t j = 1; j <= t->word_len && j <= t->col; j++)
        if (t->col - j < TEXTCTX_LINE) t->here[t->col - j] = t->w[0];
    t->caps = (t->caps << 2 | word_case(t)) & 0xff;
    t->w[3] = t->w[2];
    t->w[2] = t->w[1];
    t->w[1] = t->w[0];
    t->w[0] = 0;
    t->word_len = 0;
    t->gap = 0;
}

void textctx_byte(textctx *t, int c)
{
    t->c1 = (uint32_t)c;
    int lc = c >= 'A' && c <= 'Z' ? c + 32 : c;
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        if ((t->fold & 0xff) != ' ') t->fold = t->fold << 8 | ' ';
    } else {
        t->fold = t->fold << 8 | (uint64_t)lc;
    }
    if (t->in_indent && (c == ' ' || c == '\t')) t->indent += c == '\t' ? 4 : 1;
    else t->in_indent = 0;
    int opened = 0;
    if (text_letter(c)) {
        int up = c >= 'A' && c <= 'Z';
        if (t->w[0] == 0) {
            t->gap_prev = t->gap;
            t->first_up = (uint32_t)up;
            t->word_up = 0;
            t->line_words++;
        }
        t->w[0] = text_mix(t->w[0], (uint64_t)lc);
        t->word_len++;
        t->word_up += (uint32_t)up;
        if (t->line_words == 1) t->line_first = t->w[0];
        if (t->blank) t->para_first = t->w[0];
    } else {
        if (t->w[0]) word_end(t);
        t->gap = text_mix(t->gap, (uint64_t)c);
        opened = nest_byte(t, c);
    }
    uint32_t d = t->depth < TEXTCTX_NEST ? t->depth : TEXTCTX_NEST;
    t->inner[d] = opened ? (uint64_t)c : text_mix(t->inner[d], (uint64_t)lc);
    if (c == '\n') {
        if (t->blank) t->para_first = 0;
        t->blank = 1;
        memcpy(t->above, t->here, sizeof t->above);
        memset(t->here, 0, sizeof t->here);
        t->col = 0;
        t->indent = 0;
        t->in_indent = 1;
        t->line_words = 0;
        t->line_first = 0;
        return;
    }
    if (c != ' ' && c != '\t' && c != '\r') t->blank = 0;
    if (t->col < TEXTCTX_LINE) t->here[t->col] = t->w[0] ? t->w[0] : t->w[1];
    t->col++;
}

uint32_t textctx_nest_state(const textctx *t)
{
    if (t->depth == 0) return 0;
    uint32_t top = t->nest[(t->depth > TEXTCTX_NEST ? TEXTCTX_NEST : t->depth) - 1];
    uint32_t k = top == '(' ? 0 : top == '[' ? 1 : top == '{' ? 2 : top == '<' ? 3 : 4;
    return 1 + k * 2 + (t->depth > 1);
}

void textctx_hashes(const textctx *t, uint64_t *out, int k)
{
    uint64_t w0 = t->w[0], top = t->depth == 0 ? 0
                 : t->nest[(t->depth > TEXTCTX_NEST ? TEXTCTX_NEST : t->depth) - 1];
    uint64_t above = t->col < TEXTCTX_LINE ? t->above[t->col] : 0;
    uint64_t v[TEXTCTX_MAX] = {
        text_mix(text_mix(w0, t->w[0] ? t->gap_prev : t->gap), t->w[1]),
        text_mix(w0 + 1, t->line_first),
        text_mix(text_mix(w0 + 2, top), t->depth < 7 ? t->depth : 7),
        text_mix(above + 3, w0),
        text_mix(t->para_first + 4, t->c1),
        text_mix(w0 + 5, (t->caps & 15) << 2 | word_case(t)),
        text_mix(w0 + 6, t->w[3]),
        text_mix(text_mix(t->gap + 7, t->w[1]), t->w[2]),
        text_mix(w0 + 8, (t->indent < 31 ? t->indent : 31) << 1 | (t->line_words == 0)),
        text_mix(t->fold & 0xffffffffffull, 9),
        t->depth ? text_mix(t->inner[t->depth < TEXTCTX_NEST ? t->depth : TEXTCTX_NEST] + 10, top)
                 : text_mix(t->fold & 0xffff, 10),
    };
    for (int i = 0; i < k && i < TEXTCTX_MAX; i++) out[i] = v[i];
}
