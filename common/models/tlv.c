/* common/models/tlv.c — see tlv.h. */
#include "tlv.h"

#include <string.h>

void tlv_init(tlv_model *t)
{
    memset(t, 0, sizeof *t);
}

static uint32_t u16_at(const uint8_t *buf, uint32_t mask, uint32_t at)
{
    return buf[at & mask] | (uint32_t)buf[(at + 1) & mask] << 8;
}

/* A header at `at` (its four bytes known): takes it as the current
 * record if its type and length are plausible; returns whether it did. */
static int take_header(tlv_model *t, const uint8_t *buf, uint32_t mask, uint32_t at,
                       uint32_t max_len)
{
    uint32_t type = u16_at(buf, mask, at), len = u16_at(buf, mask, at + 2);
    if (type == 0 || type >= 0x1000 || len > max_len) return 0;
    t->type = type;
    t->len = len;
    t->start = at + 4;
    t->prev = t->last[type & 255];
    t->colprev = 0;
    t->last[type & 255] = t->start;
    t->end = t->start + len;
    return 1;
}

/* A plausible header at `at` (its four bytes known); returns where the
 * next one would start, or 0. */
static uint32_t guess(const uint8_t *buf, uint32_t mask, uint32_t at, uint32_t max_len)
{
    uint32_t type = u16_at(buf, mask, at), len = u16_at(buf, mask, at + 2);
    return type == 0 || type >= 0x1000 || len > max_len ? 0 : at + 4 + len;
}

void tlv_byte(tlv_model *t, const uint8_t *buf, uint32_t mask, uint32_t pos)
{
    if (t->end && pos == t->start + 4 && t->len > 4) {
        /* The row and column are known: the last record of this type in
         * this column. */
        t->row = u16_at(buf, mask, t->start);
        t->column = u16_at(buf, mask, t->start + 2);
        uint32_t h = (t->type * 0x9e3779b1u + t->column * 0x85ebca6bu) >> (32 - TLV_COL_BITS);
        t->colprev = t->col[h];
        t->col[h] = t->start;
        t->cell[t->column % TLV_COLS] = t->start;
        if (!t->have_cell || t->column > t->maxcol) t->maxcol = t->column;
        if (!t->have_cell || t->column < t->mincol) t->mincol = t->column;
        t->have_cell = 1;
    }
    if (t->end) {
        if (pos < t->end + 4) return;
        if (pos == t->end + 4 && take_header(t, buf, mask, t->end, 8224)) {
            t->sync += t->sync < 255;
            return;
        }
        t->end = 0;
        t->sync = 0;
        t->have_cell = 0;
        memset(t->cand, 0, sizeof t->cand);
    }
    if (pos < 4) return;
    /* Lost: a guess whose next header is where it said becomes the chain
     * (that header is the second in a row); the others are followed, a
     * new guess takes a free place. */
    int free_k = -1;
    for (int k = 0; k < TLV_CANDS; k++) {
        if (t->cand[k] && pos == t->cand[k] + 4) {
            t->cand[k] = 0;
            if (take_header(t, buf, mask, pos - 4, 8224)) {
                t->sync = 1;
                return;
            }
        }
        if (t->cand[k] && pos > t->cand[k] + 4) t->cand[k] = 0;
        if (!t->cand[k] && free_k < 0) free_k = k;
    }
    uint32_t next = guess(buf, mask, pos - 4, 256);
    if (next && free_k >= 0) t->cand[free_k] = next;
}

/* What the next cell's byte at `off` is expected to be (0x10000: no
 * guess): in its header, the header of the last cell in the column after
 * the last cell's; its row, the last cell's; its column, the one after
 * (after the rightmost column seen, the leftmost in the next row); in
 * its body, its own column (a question's answers differ from the next
 * question's). */
static uint32_t expected(const tlv_model *t, const uint8_t *buf, uint32_t mask, uint64_t off)
{
    if (!t->have_cell) return 0x10000;
    /* After the rightmost column seen, the next row's first. */
    int wrap = t->column >= t->maxcol;
    uint32_t next = wrap ? t->mincol : t->column + 1, row = t->row + (uint32_t)wrap;
    if (off >= 0x8000) {
        uint32_t at = t->cell[next % TLV_COLS];
        return off < 0x8004 && at ? buf[(at - 4 + (uint32_t)off - 0x8000) & mask] : 0x10000;
    }
    if (off < 2) return (row >> (8 * off)) & 0xff;
    if (off < 4) return (next >> (8 * (off - 2))) & 0xff;
    return 0x20000 | t->column;
}

void tlv_contexts(const tlv_model *t, const uint8_t *buf, uint32_t mask, uint32_t pos,
                  uint64_t *v)
{
    uint64_t c1 = buf[(pos - 1) & mask];
    if (!tlv_active(t)) {
        v[0] = 0;
        v[1] = c1 | 1ull << 40;
        v[2] = c1 | 2ull << 40;
        v[3] = 0;
        v[4] = c1 | 3ull << 40;
        return;
    }
    uint64_t off = pos >= t->end ? 0x8000 + (pos - t->end) : pos - t->start;
    uint64_t above = t->prev && off < 0x8000 ? buf[(t->prev + off) & mask] : 0x100;
    uint64_t key = (uint64_t)t->type | (off < 0x8fff ? off : 0x8fff) << 16;
    v[0] = key | 3ull << 40;
    v[1] = key | above << 32 | 4ull << 40;
    v[2] = key | above << 32 | c1 << 44 | 5ull << 60;
    /* In a cell (body bytes 0-3: row and column), the byte at the offset
     * in the last record of the type in the same column. */
    uint64_t col_above = t->colprev && off >= 4 && off < 0x8000
                       ? buf[(t->colprev + off) & mask] : 0x100;
    v[3] = key | col_above << 32 | 6ull << 60;
    v[4] = key | (uint64_t)expected(t, buf, mask, off) << 32 | 7ull << 60;
}
