/* common/models/cm_ctx.c — the context-mixing model at a byte boundary:
 * cm_byte stores the byte, moves the word, line and class trackers and
 * the match, run, LSTM, Transformer and data models on, and computes the
 * hash of every context for the next byte (order-n, word, sparse, text,
 * match, record and x86 contexts), in the fixed order the mixer's
 * inputs follow. See cm.c for the model as a whole. */
#include "cm_impl.h"

static int is_letter(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 128;
}

/* Context i's key in the tables: the hash of its value (seed and salt
 * added), spread by its number so that equal values of two contexts
 * land apart. */
static inline uint64_t ctx_key(uint64_t v, int i)
{
    return hash64(v) + (uint64_t)i * 0x9e3779b97f4a7c15ull;
}

/* The match contexts (match.ctx), from context i on: the expected byte
 * (or, with no match, the last byte) with the match's length bucket; and
 * that with the last byte (or the one before). */
static void match_contexts(cm *m, int i)
{
    uint32_t c1 = (uint32_t)(m->c8 & 0xff), c2 = (uint32_t)(m->c8 >> 8) & 0xff;
    uint32_t len = m->mm.len, lq = !len ? 0 : len < 16 ? 1 : len < 32 ? 2 : 3;
    uint32_t e = len ? (uint32_t)m->mm.pbyte - 256 : c1;
    uint64_t v[2] = {
        (uint64_t)(e << 2 | lq),
        (uint64_t)((len ? e : c2) << 10 | c1 << 2 | lq),
    };
    for (int k = 0; k < m->rp.match_ctx; k++, i++)
        m->ctxh[i] = ctx_key(v[k] + m->rp.seed + 0x99 * (uint64_t)(k + 1), i);
}

/* The hash of context i, order n < 8, when the last 8 bytes are c8. */
static uint64_t short_order(const cm *m, int i, int n, uint64_t c8)
{
    return cm_order_hash(m->rp.seed, i, n, c8);
}

/* With one bit of the byte left, fetch what the next byte boundary will
 * read for either value of it: the match indexes' entries and the first
 * nibble's buckets of the order-n contexts (2 <= n < 8: order 0 has one
 * bucket and order 1 256, which stay in cache); a hint, same bits. Those
 * contexts' hashes are kept (pre) for cm_byte and cm_lookup. */
void cm_prefetch_byte(cm *m)
{
    for (uint32_t b = 0; b < 2; b++) {
        uint64_t c8 = m->c8 << 8 | ((m->c0 << 1 | b) & 0xff);
        if (m->use_match) match_prefetch(&m->mm, c8, m->rp.seed);
        if (m->use_match2) match_prefetch(&m->mm2, c8, m->rp.seed + 1);
        for (int k = 0; k < m->rp.n_orders; k++) {
            if (m->rp.orders[k] < 2 || m->rp.orders[k] >= 8) continue;
            uint64_t h = m->pre[b][0][k] = short_order(m, k, m->rp.orders[k], c8);
            ctxmap_prefetch(&m->cmap0, m->pre[b][1][k] = hash64(h));
        }
    }
    m->pre_ok = 1;
}

/* The order-n, word and sparse contexts, from context 0; returns the
 * next context's number. */
static int byte_contexts(cm *m)
{
    const recipe_params *p = &m->rp;
    uint64_t seed = p->seed;
    int i = 0;
    for (int k = 0; k < p->n_orders; k++, i++) {
        int n = p->orders[k];
        if (n >= 2 && n < 8 && m->pre_ok) {
            /* cm_prefetch_byte's, for this byte's last bit. */
            int b = (int)(m->c8 & 1);
            m->ctxh[i] = m->pre[b][0][k];
            m->hb[i] = m->pre[b][1][k];
            continue;
        }
        if (n < 8) {
            m->ctxh[i] = short_order(m, i, n, m->c8);
            m->hb[i] = hash64(m->ctxh[i]);
            continue;
        }
        uint64_t h = m->c8;
        for (int j = 9; j <= n; j++)
            h = (h + m->buf[(m->pos - (uint32_t)j) & m->mask] + 1) * 0x2f0f3c5b9ull;
        m->ctxh[i] = ctx_key(h + seed, i);
    }
    if (p->word) {
        uint64_t wctx[3] = {
            m->w0 ? m->w0 : (m->c8 & 0xff) + 0x1234567,
            m->w0 * 31 + m->w1 * 0x3ull,
            m->w0 * 37 + m->w2 * 0x5ull,
        };
        for (int k = 0; k < p->word; k++, i++)
            m->ctxh[i] = ctx_key(wctx[k] + seed + 0x77, i);
    }
    static const uint64_t sparse_mask[4] = {
        0xff00ull, 0xffff00ull, 0xffff0000ull, 0xff00ffull,
    };
    for (int k = 0; k < p->sparse; k++, i++)
        m->ctxh[i] = ctx_key((m->c8 & sparse_mask[k]) + seed + 0x55, i);
    return i;
}

/* Lines and byte classes (lower, upper, digit, space, newline, other) for
 * the text contexts and the column and classes selectors; then the text
 * contexts (cm.text, text.ctx, text.words) from context i on. Returns
 * the next. */
static int text_contexts(cm *m, int c, int i)
{
    const recipe_params *p = &m->rp;
    uint64_t seed = p->seed;
    uint32_t cc = (uint32_t)c;
    if (m->need_lines) {
        if (c == '\n') {
            m->prev_line = m->line_start;
            m->line_start = m->pos;
        }
        m->col = m->pos - m->line_start;
        uint32_t cls = cc >= 'a' && cc <= 'z' ? 0 : cc >= 'A' && cc <= 'Z' ? 1
                     : cc >= '0' && cc <= '9' ? 2 : cc == ' ' ? 3 : cc == '\n' ? 4 : 5;
        m->classes = (m->classes << 3) | cls;
    }
    if (p->text) {
        uint32_t c1 = (uint32_t)(m->c8 >> 8) & 0xff, c21 = (uint32_t)(m->c8 >> 8) & 0xffff;
        m->ind1[c1] = (uint16_t)(m->ind1[c1] << 8 | cc);
        if (m->ind2) m->ind2[c21] = (uint16_t)(m->ind2[c21] << 8 | cc);
        uint32_t c2 = (uint32_t)m->c8 & 0xffff;
        uint8_t above = m->buf[(m->prev_line + m->col) & m->mask];
        uint64_t tctx[7] = {
            (uint64_t)(m->col < 255 ? m->col : 255) << 8 | above,
            (uint64_t)c2 << 16 | (m->ind2 ? m->ind2[c2] : 0),
            (uint64_t)cc << 16 | m->ind1[cc],
            m->w0 * 7 + m->w1 * 11 + m->w2 * 13,
            (m->classes & 0xffffff) * 3 + (uint64_t)cc * 0x1000000000ull,
            m->w0 * 5 + (m->col < 40 ? m->col / 4 : 10),
            (m->c8 & 0xffffff) * 7 + (m->col < 64 ? m->col : 64),
        };
        for (int k = 0; k < p->text; k++, i++)
            m->ctxh[i] = ctx_key(tctx[k] + seed + 0x33 * (uint64_t)(k + 1), i);
    }
    if (p->text_ctx) {
        textctx_byte(&m->tx, c);
        uint64_t th[TEXTCTX_MAX];
        textctx_hashes(&m->tx, th, p->text_ctx);
        for (int k = 0; k < p->text_ctx; k++, i++)
            m->ctxh[i] = ctx_key(th[k] + seed + 0x3c, i);
    }
    if (p->text_words) {
        wordctx_byte(&m->wx, c);
        uint64_t wh[WORDCTX_MAX];
        wordctx_hashes(&m->wx, wh, p->text_words);
        for (int k = 0; k < p->text_words; k++, i++)
            m->ctxh[i] = ctx_key(wh[k] + seed + 0x3d, i);
    }
    if (p->text_more) {
        textmore_byte(m->tm2, c);
        uint64_t mh[TEXTMORE_MAX];
        textmore_hashes(m->tm2, mh, p->text_more);
        for (int k = 0; k < p->text_more; k++, i++)
            m->ctxh[i] = ctx_key(mh[k] + seed + 0x3e, i);
    }
    return i;
}

/* The image model's rows: on a bitmap, the width its own detector finds
 * from the pixels (imgwidth.h), else the record length. A bitmap is data
 * that looks like one (img_byte), or, once a width has been found, data
 * on which the image model's refinement wins (img_winning: a dithered
 * shade's grey levels can look like other data). The model runs on
 * binary data with rows of IMG_MIN_W bytes or more (cm.image=1: only on
 * a bitmap), and on a bitmap goes on past a stretch of bytes that look
 * like text (the record model's gate off: an ordered dither can look so)
 * while its refinement wins. */
static void image_width(cm *m)
{
    const recipe_params *p = &m->rp;
    /* A bitmap: it looks like one, or a width found while it did still
     * serves the image model well. */
    int bitmap = m->img.bitmap || (m->img.wd.w && img_winning(&m->img));
    if (m->rec.is_binary) {
        img_byte(&m->img, (uint32_t)(m->c8 >> 8) & 0xff, (uint32_t)m->c8 & 0xff);
        if (bitmap) iw_byte(&m->img.wd, m->buf, m->mask, m->pos);
    } else if (!bitmap || !img_winning(&m->img)) {
        return;
    }
    m->img_w = bitmap && m->img.wd.w ? m->img.wd.w : rec_active(&m->rec) ? m->rec.len : 0;
    m->img_on = m->img_w >= IMG_MIN_W && (p->image == 2 || bitmap);
    m->img.pixels = bitmap;
}

/* The code models' contexts (cm.exe, cm.risc): each detector runs on
 * every byte; the contexts in use, xfrom .. xhi - 1, are the x86 ones
 * (xlo .. rlo - 1) while exe.h's detector is on and cm.risc's (rlo ..
 * xhi_max - 1) while risc.h's is and the data is binary. */
static void code_contexts(cm *m)
{
    const recipe_params *p = &m->rp;
    m->xfrom = m->xhi = m->xlo;
    m->exe_on = m->risc_on = 0;
    if (p->exe) {
        exe_byte(&m->ex, m->buf, m->mask, m->pos);
        m->exe_on = exe_active(&m->ex);
        if (m->exe_on) {
            uint64_t v[EXE_NCTX];
            exe_contexts(&m->ex, m->buf, m->mask, m->pos, EXE_NCTX, v);
            for (int k = 0; k < EXE_NCTX; k++) {
                int i = m->xlo + k;
                m->ctxh[i] = ctx_key(v[k] + p->seed + 0xe8e9 * (uint64_t)(k + 1), i);
            }
            m->xhi = m->rlo;
        }
    }
    if (!p->risc) return;
    risc_byte(&m->rs, m->buf, m->mask, m->pos);
    /* Only on binary data, when the record model tells it (it runs with
     * cm.record, cm.image or cm.binary), and not on records longer than
     * 32 bytes (the development set's bitmaps lost up to 1% with it). */
    int bin = m->rec.is_binary || (!p->record && !p->image && !p->binary);
    m->risc_on = risc_active(&m->rs) && bin && (!rec_active(&m->rec) || m->rec.len <= 32);
    if (!m->risc_on) return;
    /* cm.risc_sel steers the mixer and SSE by the code only where the
     * x86 contexts are not in use (development set, max: x86-64 libz.so.1
     * +0.12% and dpkg +0.01% otherwise, +0.05% and -0.1% so; not where
     * the record contexts are either: the SPARC and aarch64 files lost
     * all of their gain, their records of 4 or 8 bytes are in use). */
    m->risc_steer = !m->exe_on ? p->risc_sel : 0;
    m->risc_sel = risc_sel(&m->rs, m->buf, m->mask, m->pos, p->risc_sel, m->risc_steer);
    if (m->risc_steer >= 2) m->risc_sel2 = risc_sel2(&m->rs, m->buf, m->mask, m->pos);
    uint64_t v[RISC_MAX_CTX];
    risc_contexts(&m->rs, m->buf, m->mask, m->pos, p->risc, v);
    for (int k = 0; k < p->risc; k++) {
        int i = m->rlo + k;
        m->ctxh[i] = ctx_key(v[k] + p->seed + 0x5a4c * (uint64_t)(k + 1), i);
    }
    if (!m->exe_on) m->xfrom = m->rlo;
    m->xhi = m->xhi_max;
}

/* The data models' part of a byte boundary: the record detector runs on
 * every byte (cm.record or cm.image); its contexts join the list, after
 * the nctx others, only while it is active; the image model runs while
 * rows of its width are found (and, with cm.image=1, the bytes look like
 * a bitmap). */
static void data_contexts(cm *m)
{
    const recipe_params *p = &m->rp;
    m->nlive = m->nctx;
    m->rec_on = m->img_on = m->tlv_off = m->tlv_on = m->text_off = 0;
    if (!p->record && !p->image && !p->binary) return;
    rec_byte(&m->rec, m->buf, m->mask, m->pos);
    m->text_off = (p->text_ctx || p->text_words || p->text_more) && m->rec.is_binary;
    if (p->binary && m->rec.is_binary) {
        if (p->binary > BIN_MAX_CTX) tlv_byte(&m->tlv, m->buf, m->mask, m->pos);
        uint64_t b[BIN_MAX_CTX + TLV_NCTX];
        binctx_values(m->buf, m->mask, m->pos, p->binary, b);
        if (p->binary > BIN_MAX_CTX)
            tlv_contexts(&m->tlv, m->buf, m->mask, m->pos, b + BIN_MAX_CTX);
        for (int k = 0; k < p->binary; k++) {
            int i = m->nctx + k;
            m->ctxh[i] = ctx_key(b[k] + p->seed + 0xb1a7 * (uint64_t)(k + 1), i);
        }
        m->nlive = m->nctx + p->binary;
        m->tlv_off = p->binary > BIN_MAX_CTX && !tlv_active(&m->tlv);
        m->tlv_on = p->binary > BIN_MAX_CTX && !m->tlv_off;
        dmap_set(&m->cell, 0, hash64(b[BIN_MAX_CTX + TLV_NCTX - 1] + p->seed + 0xce11));
    }
    if (p->image) image_width(m);
    if (!rec_active(&m->rec)) return;
    if (!p->record) return;
    uint64_t v[REC_MAX_CTX];
    rec_contexts(&m->rec, m->buf, m->mask, m->pos, p->record, v);
    for (int k = 0; k < p->record; k++) {
        int i = m->nctx + p->binary + k;
        m->ctxh[i] = ctx_key(v[k] + p->seed + 0x4ec0 * (uint64_t)(k + 1), i);
    }
    m->nlive = m->nctx + p->binary + p->record;
    m->rec_on = 1;
}

/* What the Transformer reads besides the last bytes (tx.h, the hints,
 * in the order of TX_HINT_*_ROWS):
 *   0: the byte the match model expects, with its length (under 16, under
 *      32, longer, or recovering after a miss) in rows of 256; else the
 *      byte the second match model expects (row 4); else none;
 *   1: the current word's hash (0: not in a word);
 *   2: the hash of the last three bytes.
 * On the development text (18 text files, 216,571 bytes for large
 * before), the first alone took 0.21% off (0.13% without the second
 * match's byte); with the word 0.39%, and with the last three bytes too,
 * 0.48%. */
static void tx_hints(cm *m)
{
    int *h = m->tm.hint_next;
    h[0] = TX_HINT_MATCH_ROWS - 1;
    if (m->use_match && m->mm.pbyte) {
        uint32_t l = m->mm.len;
        int b = m->mm.rec ? 3 : l < 16 ? 0 : l < 32 ? 1 : 2;
        h[0] = m->mm.pbyte - 256 + 256 * b;
    } else if (m->use_match2 && m->mm2.pbyte) {
        h[0] = m->mm2.pbyte - 256 + 256 * 4;
    }
    h[1] = m->w0 ? (int)(hash64(m->w0) % (TX_HINT_WORD_ROWS - 1)) + 1 : 0;
    h[2] = (int)(hash64((m->c8 & 0xffffff) + 0x777) % TX_HINT_ORDER3_ROWS);
}

/* The direct maps' contexts (cm.direct, models/dmap.h), in order: the word
 * so far with the word before; order 3; the word so far (or the last
 * byte between words); order 6. Development text (19 files, max):
 * 252,091 -> 251,819 B with all four (the first alone: 251,944). */
static void direct_contexts(cm *m)
{
    uint64_t v[DMAP_MAX] = {
        m->w0 * 31 + m->w1 * 3 + 0x1111,
        m->c8 & 0xffffff,
        m->w0 ? m->w0 : (m->c8 & 0xff) + 0x1234567,
        m->c8 & 0xffffffffffffull,
    };
    for (int k = 0; k < m->dm.n; k++)
        dmap_set(&m->dm, k, hash64(v[k] + m->rp.seed + 0xd1ec * (uint64_t)(k + 1)));
}

/* A byte is complete: store it, then compute every context for the next. */
void cm_byte(cm *m, int c)
{
    const recipe_params *p = &m->rp;
    if (p->inputs >= 5) {
        for (int i = 0; i < m->nlive; i++) runhist_add(m->slot0[i] + 16, c);
        for (int i = m->xfrom; i < m->xhi; i++) runhist_add(m->slot0[i] + 16, c);
    }
    m->buf[m->pos & m->mask] = (uint8_t)c;
    m->pos++;
    m->c8 = (m->c8 << 8) | (uint64_t)c;
    if (m->use_lstm) lstm_byte(&m->lm, c);
    if (m->need_words) {
        m->wpos = is_letter(c) ? m->wpos + 1 : 0;
        if (is_letter(c)) {
            int lc = (c >= 'A' && c <= 'Z') ? c + 32 : c;
            m->w0 = (m->w0 + (uint64_t)lc + 1) * 0x100000001b3ull;
        } else if (m->w0) {
            m->w2 = m->w1;
            m->w1 = m->w0;
            m->w0 = 0;
        }
    }
    /* The contexts that do not wait for the match first, and their first
     * nibbles' buckets fetched, so those cache misses overlap the match's
     * own and the work until cm_lookup reads them (the short orders' were
     * fetched at bit 7 by cm_prefetch_byte, or are in cache, except in the
     * lean shapes). */
    int i = text_contexts(m, c, byte_contexts(m));
    int lean = m->shape == 1 || m->shape == 2;
    for (int k = 0; k < i; k++) {
        if (k < p->n_orders && p->orders[k] < 8) {
            if (lean) ctxmap_prefetch(&m->cmap0, m->hb[k]);
            continue;
        }
        ctxmap_prefetch(&m->cmap0, m->hb[k] = hash64(m->ctxh[k]));
    }
    m->nhb = i;   /* cm_lookup finds their hashes in hb */
    m->pre_ok = 0;
    if (m->use_match) match_byte(&m->mm, m->buf, m->mask, m->pos, m->c8, p->seed);
    if (m->use_match2) match_byte(&m->mm2, m->buf, m->mask, m->pos, m->c8, p->seed + 1);
    if (p->run) run_byte(&m->run, m->ctxh, c);
    if (m->use_match && p->match_ctx) match_contexts(m, i);
    if (m->use_tx) {
        tx_hints(m);
        tx_byte(&m->tm, c);
    }
    data_contexts(m);
    code_contexts(m);
    if (m->dm.n) direct_contexts(m);
    mixer_text(&m->mx, !m->rec.is_binary);
}
