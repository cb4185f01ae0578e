/* common/recipe.c — parse, validate, canonicalise recipes; presets.
 * See recipe.h. One table lists every key with its type and range; the
 * parser and the canonical writer both walk it, so they cannot disagree. */
#include "recipe.h"
#include "byteorder.h"
#include "err.h"
#include "models/dmap.h"
#include "models/exe.h"
#include "models/risc.h"
#include "models/runhist.h"
#include "models/image.h"
#include "models/lstm.h"
#include "models/lstmmix.h"
#include "models/textctx.h"
#include "models/wordctx.h"
#include "models/textmore.h"
#include "models/tx.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum kind { K_INT, K_U64, K_ORDERS, K_SELECT, K_MODEL, K_SHA256 };

typedef struct key_def {
    const char *name;
    enum kind   kind;
    long        lo, hi;
    size_t      off;
    unsigned    uses;   /* the model classes that take this key, 1 << MODEL_x */
} key_def;

#define OFF(f) offsetof(recipe_params, f)
#define CM  (1u << MODEL_CM)
#define TX  (1u << MODEL_TX)
#define ALL ((1u << MODEL_COUNT) - 1)
/* Sorted by name: this order is the canonical order. */
static const key_def keys[] = {
    {"apm.count",       K_INT,    0, 8,          OFF(apm_count), CM},
    {"apm.limit",       K_INT,    1, 1023,       OFF(apm_limit), CM},
    {"apm.text",        K_INT,    0, 2,          OFF(apm_text), CM},
    {"cm.binary",       K_INT,    0, 13,          OFF(binary), CM},
    {"cm.direct",       K_INT,    0, DMAP_MAX,   OFF(direct), CM},
    {"cm.exe",          K_INT,    0, 1,          OFF(exe), CM},
    {"cm.hash_bits",    K_INT,    10, 27,        OFF(hash_bits), CM},
    {"cm.image",        K_INT,    0, 2,          OFF(image), CM},
    {"cm.inputs",       K_INT,    1, 5,          OFF(inputs), CM},
    {"cm.orders",       K_ORDERS, 0, 32,         OFF(orders), CM},
    {"cm.record",       K_INT,    0, 8,          OFF(record), CM},
    {"cm.risc",         K_INT,    0, RISC_MAX_CTX, OFF(risc), CM},
    {"cm.risc_sel",     K_INT,    0, 3,          OFF(risc_sel), CM},
    {"cm.run",          K_INT,    0, 1,          OFF(run), CM},
    {"cm.sparse",       K_INT,    0, 4,          OFF(sparse), CM},
    {"cm.text",         K_INT,    0, 7,          OFF(text), CM},
    {"cm.word",         K_INT,    0, 3,          OFF(word), CM},
    {"codec.version",   K_INT,    1, 1000000,    OFF(codec_version), ALL},
    {"lstm.cells",      K_INT,    0, 512,        OFF(lstm_cells), CM},
    {"lstm.horizon",    K_INT,    1, 100,        OFF(lstm_horizon), CM},
    {"lstm.lr",         K_INT,    1, 10000,      OFF(lstm_lr), CM},
    {"lstm.mix",        K_INT,    0, LSTM_MIX_MAX, OFF(lstm_mix), CM},
    {"lstm.warm",       K_INT,    0, 65536,      OFF(lstm_warm), CM},
    {"match.buf_bits",  K_INT,    10, 30,        OFF(buf_bits), CM},
    {"match.ctx",       K_INT,    0, 2,          OFF(match_ctx), CM},
    {"match.hash_bits", K_INT,    10, 28,        OFF(match_hash_bits), CM},
    {"match.min",       K_INT,    0, 32,         OFF(match_min), CM},
    {"match.min2",      K_INT,    0, 32,         OFF(match_min2), CM},
    {"mixer.lr",        K_INT,    1, 8,          OFF(mixer_lr), CM},
    {"mixer.select",    K_SELECT, 0, 0,          OFF(select), CM},
    {"model",           K_MODEL,  0, 0,          0, ALL},
    {"prior.sha256",    K_SHA256, 0, 0,          OFF(prior_sha256), ALL},
    {"prior.size",      K_U64,    1, 0,          OFF(prior_size), ALL},
    {"seed",            K_U64,    0, 0,          OFF(seed), CM | TX},
    {"sm.limit",        K_INT,    1, 1023,       OFF(sm_limit), CM},
    {"sm.run",          K_INT,    0, 1,          OFF(sm_run), CM},
    {"text.ctx",        K_INT,    0, TEXTCTX_MAX, OFF(text_ctx), CM},
    {"text.more",       K_INT,    0, TEXTMORE_MAX, OFF(text_more), CM},
    {"text.words",      K_INT,    0, WORDCTX_MAX, OFF(text_words), CM},
    {"train.replay",    K_INT,    0, 16,         OFF(train_replay), CM | TX},
    {"tx.dim",          K_INT,    8, 512,        OFF(tx_dim), CM | TX},
    {"tx.ff",           K_INT,    1, 8,          OFF(tx_ff), CM | TX},
    {"tx.heads",        K_INT,    1, 16,         OFF(tx_heads), CM | TX},
    {"tx.layers",       K_INT,    0, TX_MAX_LAYERS, OFF(tx_layers), CM | TX},
    {"tx.lr",           K_INT,    1, 100000,     OFF(tx_lr), CM | TX},
    {"tx.segment",      K_INT,    1, 256,        OFF(tx_segment), CM | TX},
    {"tx.shift",        K_INT,    0, 1,          OFF(tx_shift), CM | TX},
    {"tx.window",       K_INT,    8, 1024,       OFF(tx_window), CM | TX},
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* The prior pair is the only optional one: both keys or neither. */
static int key_optional(const key_def *k)
{
    return k->off == OFF(prior_sha256) || k->off == OFF(prior_size);
}

static const char *const model_names[MODEL_COUNT] = {"cm", "tx", "order0", "uniform"};

const char *recipe_model_name(int model)
{
    return model >= 0 && model < MODEL_COUNT ? model_names[model] : "?";
}

static const char *const select_names[SEL_COUNT] = {
    "c0", "c1", "known", "match", "c0c1", "word", "kind", "column", "classes",
    "record", "nest", "sentence", "margin",
};

static int check_model(const recipe_params *p, recipe_error *e);

static int fail(recipe_error *e, int line, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        e->line = line;
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Strict decimal: digits only, no sign, no leading zeros, no overflow. */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20 || (n > 1 && s[0] == '0')) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int set_int(const key_def *k, recipe_params *p, const char *v, size_t n,
                   int line, recipe_error *e)
{
    uint64_t x;
    if (parse_u64(v, n, &x) || x < (uint64_t)k->lo || x > (uint64_t)k->hi)
        return fail(e, line, SL_ERECIPE_VALUE,
                    "%s must be an integer in %ld..%ld, got '%.*s'",
                    k->name, k->lo, k->hi, (int)n, v);
    if (k->off == OFF(codec_version))
        *(uint32_t *)((char *)p + k->off) = (uint32_t)x;
    else
        *(int *)((char *)p + k->off) = (int)x;
    return 0;
}

static int set_orders(const key_def *k, recipe_params *p, const char *v,
                      size_t n, int line, recipe_error *e)
{
    uint64_t seen = 0; /* bit i: order i */
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && v[j] != ',') j++;
        uint64_t x;
        if (parse_u64(v + i, j - i, &x) || x < (uint64_t)k->lo ||
            x > (uint64_t)k->hi)
            return fail(e, line, SL_ERECIPE_VALUE,
                        "cm.orders: each order must be in %ld..%ld, got '%.*s'",
                        k->lo, k->hi, (int)(j - i), v + i);
        if (seen & (1ull << x))
            return fail(e, line, SL_ERECIPE_VALUE,
                        "cm.orders: order %u listed twice", (unsigned)x);
        seen |= 1ull << x;
        i = j + 1;
    }
    int cnt = 0;
    for (int o = 0; o <= 32; o++)
        if (seen & (1ull << o)) {
            if (cnt == RECIPE_MAX_ORDERS)
                return fail(e, line, SL_ERECIPE_VALUE,
                            "cm.orders: at most %d orders", RECIPE_MAX_ORDERS);
            p->orders[cnt++] = (uint8_t)o;
        }
    p->n_orders = cnt;
    return 0;
}

static int set_select(recipe_params *p, const char *v, size_t n, int line,
                      recipe_error *e)
{
    int cnt = 0;
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && v[j] != ',') j++;
        int found = -1;
        for (int s = 0; s < SEL_COUNT; s++)
            if (strlen(select_names[s]) == j - i &&
                memcmp(select_names[s], v + i, j - i) == 0)
                found = s;
        if (found < 0)
            return fail(e, line, SL_ERECIPE_VALUE,
                        "mixer.select: unknown selector '%.*s' (known: c0, c1, "
                        "known, match, c0c1, word, kind, column, classes, record)", (int)(j - i),
                        v + i);
        if (cnt == RECIPE_MAX_SELECT)
            return fail(e, line, SL_ERECIPE_VALUE,
                        "mixer.select: at most %d selectors", RECIPE_MAX_SELECT);
        p->select[cnt++] = (uint8_t)found;
        i = j + 1;
    }
    p->n_select = cnt;
    return 0;
}

/* 64 hex digits, either case; kept as 32 bytes, written in lower case. */
static int set_sha256(const key_def *k, recipe_params *p, const char *v, size_t n,
                      int line, recipe_error *e)
{
    uint8_t *dst = (uint8_t *)p + k->off;
    if (n != 64)
        return fail(e, line, SL_ERECIPE_VALUE, "%s must be 64 hex digits, got %zu characters",
                    k->name, n);
    for (size_t i = 0; i < 64; i++) {
        char ch = v[i];
        int d = ch >= '0' && ch <= '9' ? ch - '0'
              : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
              : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        if (d < 0)
            return fail(e, line, SL_ERECIPE_VALUE, "%s: '%c' is not a hex digit", k->name, ch);
        dst[i / 2] = (uint8_t)(i % 2 ? dst[i / 2] | d : d << 4);
    }
    return 0;
}

/* Every key must be given, except the optional prior pair, which comes
 * whole or not at all. */
/* Every key of the recipe's model class is there, no key of another, and
 * the prior pair is whole or absent. */
static int check_missing(const int *have, int model, recipe_error *e)
{
    int opt_have = 0, opt_keys = 0;
    const char *opt_missing = NULL;
    const unsigned mine = 1u << model;
    for (size_t k = 0; k < NKEYS; k++) {
        if (have[k] && !(keys[k].uses & mine))
            return fail(e, have[k], SL_ERECIPE_KEY, "key '%s' does not apply to model %s",
                        keys[k].name, model_names[model]);
        if (key_optional(&keys[k])) {
            opt_keys++;
            if (have[k]) opt_have++;
            else opt_missing = keys[k].name;
            continue;
        }
        if (!have[k] && (keys[k].uses & mine))
            return fail(e, 0, SL_ERECIPE_MISSING, "recipe lacks key '%s'", keys[k].name);
    }
    if (opt_have && opt_have < opt_keys)
        return fail(e, 0, SL_ERECIPE_MISSING,
                    "recipe names a prior but lacks '%s' (prior.sha256 and prior.size "
                    "come together)", opt_missing);
    return 0;
}

/* Parses one key's value into p, by the key's kind. */
static int set_value(const key_def *k, recipe_params *p, const char *v, size_t vn, int line,
                     recipe_error *e)
{
    int rc = 0;
    switch (k->kind) {
    case K_INT: rc = set_int(k, p, v, vn, line, e); break;
    case K_U64: {
        uint64_t *dst = (uint64_t *)((char *)p + k->off);
        if (parse_u64(v, vn, dst) || *dst < (uint64_t)k->lo)
            rc = fail(e, line, SL_ERECIPE_VALUE,
                      "%s must be an unsigned 64-bit integer%s, got '%.*s'", k->name,
                      k->lo ? " above 0" : "", (int)vn, v);
        break;
    }
    case K_SHA256: rc = set_sha256(k, p, v, vn, line, e); break;
    case K_ORDERS: rc = set_orders(k, p, v, vn, line, e); break;
    case K_SELECT: rc = set_select(p, v, vn, line, e); break;
    case K_MODEL:
        p->model = -1;
        for (int m = 0; m < MODEL_COUNT; m++)
            if (strlen(model_names[m]) == vn && memcmp(model_names[m], v, vn) == 0)
                p->model = m;
        if (p->model < 0)
            rc = fail(e, line, SL_ERECIPE_VALUE, "model '%.*s' is not known to this "
                      "version (known: cm, tx, order0, uniform)", (int)vn, v);
        break;
    }
    return rc;
}

int recipe_parse(const char *text, size_t len, recipe_params *p,
                 recipe_error *e)
{
    if (e) { e->line = 0; e->msg[0] = 0; }
    if (len > RECIPE_MAX_TEXT)
        return fail(e, 0, SL_ERECIPE_SIZE, "recipe is %zu bytes; the limit is %d",
                    len, RECIPE_MAX_TEXT);
    memset(p, 0, sizeof *p);
    int have[NKEYS] = {0};
    int line = 0;
    size_t pos = 0;
    while (pos < len) {
        line++;
        size_t end = pos;
        while (end < len && text[end] != '\n') end++;
        const char *s = text + pos;
        size_t n = end - pos;
        pos = end + 1;
        if (n && s[n - 1] == '\r') n--;
        while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
        if (n == 0 || *s == '#') continue;
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
                return fail(e, line, SL_ERECIPE_SYNTAX,
                            "non-printable byte 0x%02x", (unsigned char)s[i]);
        const char *eq = memchr(s, '=', n);
        if (!eq)
            return fail(e, line, SL_ERECIPE_SYNTAX, "expected key=value, got '%.*s'",
                        (int)n, s);
        size_t kn = (size_t)(eq - s), vn = n - kn - 1;
        const char *v = eq + 1;
        while (kn && (s[kn - 1] == ' ' || s[kn - 1] == '\t')) kn--;
        while (vn && (*v == ' ' || *v == '\t')) { v++; vn--; }
        int ki = -1;
        for (size_t k = 0; k < NKEYS; k++)
            if (strlen(keys[k].name) == kn && memcmp(keys[k].name, s, kn) == 0)
                ki = (int)k;
        if (ki < 0)
            return fail(e, line, SL_ERECIPE_KEY, "unknown key '%.*s'", (int)kn, s);
        if (have[ki])
            return fail(e, line, SL_ERECIPE_DUP, "key '%s' given twice",
                        keys[ki].name);
        have[ki] = line;
        const key_def *k = &keys[ki];
        int rc = set_value(k, p, v, vn, line, e);
        if (rc) return rc;
    }
    for (size_t k = 0; k < NKEYS; k++)
        if (keys[k].kind == K_MODEL && !have[k])
            return fail(e, 0, SL_ERECIPE_MISSING, "recipe lacks key 'model'");
    int mrc = check_missing(have, p->model, e);
    if (mrc) return mrc;
    if (p->codec_version != CODEC_VERSION) {
        int vline = 0;
        for (size_t k = 0; k < NKEYS; k++)
            if (keys[k].off == OFF(codec_version) && keys[k].kind == K_INT) vline = have[k];
        return fail(e, vline, SL_EVERSION,
                    "recipe is for codec version %u; this build speaks version %d",
                    (unsigned)p->codec_version, CODEC_VERSION);
    }
    return check_model(p, e);
}

/* The checks that span keys, per model class. */
static int check_model(const recipe_params *p, recipe_error *e)
{
    if (p->model == MODEL_TX && p->tx_layers == 0)
        return fail(e, 0, SL_ERECIPE_VALUE, "model tx needs tx.layers of 1 or more");
    if (p->model == MODEL_TX || (p->model == MODEL_CM && p->tx_layers > 0)) {
        tx_cfg c;
        char why[160];
        tx_cfg_from_recipe(&c, p, 0);
        if (tx_cfg_check(&c, why, sizeof why))
            return fail(e, 0, SL_ERECIPE_VALUE, "%s (tx.dim=%d, tx.heads=%d, tx.window=%d)",
                        why, p->tx_dim, p->tx_heads, p->tx_window);
    }
    if (p->model != MODEL_CM) return 0;
    if (p->n_orders + p->word + p->sparse + p->text == 0)
        return fail(e, 0, SL_ERECIPE_VALUE,
                    "the model needs at least one context (cm.orders, cm.word "
                    "cm.sparse or cm.text)");
    if (p->lstm_cells % 8)
        return fail(e, 0, SL_ERECIPE_VALUE,
                    "lstm.cells must be a multiple of 8 (0: no LSTM), got %d",
                    p->lstm_cells);
    if (p->match_min && p->match_hash_bits > p->buf_bits)
        return fail(e, 0, SL_ERECIPE_VALUE,
                    "match.hash_bits (%d) may not exceed match.buf_bits (%d)",
                    p->match_hash_bits, p->buf_bits);
    return 0;
}

int recipe_canonical(const recipe_params *p, char *buf, size_t cap)
{
    size_t n = 0;
#define EMIT(...) do { \
        int w_ = snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__); \
        if (w_ < 0) return SL_EINVAL; \
        n += (size_t)w_; \
    } while (0)
    for (size_t k = 0; k < NKEYS; k++) {
        const key_def *d = &keys[k];
        if (!(d->uses & (1u << p->model))) continue;
        if (key_optional(d) && !p->prior_size) continue;
        EMIT("%s=", d->name);
        switch (d->kind) {
        case K_INT:
            if (d->off == OFF(codec_version))
                EMIT("%u", (unsigned)p->codec_version);
            else
                EMIT("%d", *(const int *)((const char *)p + d->off));
            break;
        case K_U64:
            EMIT("%llu", (unsigned long long)*(const uint64_t *)((const char *)p + d->off));
            break;
        case K_SHA256:
            for (int i = 0; i < 32; i++) EMIT("%02x", p->prior_sha256[i]);
            break;
        case K_ORDERS:
            for (int i = 0; i < p->n_orders; i++)
                EMIT("%s%u", i ? "," : "", p->orders[i]);
            break;
        case K_SELECT:
            for (int i = 0; i < p->n_select; i++)
                EMIT("%s%s", i ? "," : "", select_names[p->select[i]]);
            break;
        case K_MODEL: EMIT("%s", recipe_model_name(p->model)); break;
        }
        EMIT("\n");
    }
#undef EMIT
    if (n >= cap) return SL_ETOOBIG;
    return (int)n;
}

/* The presets are full recipes, written as a user would write them: the
 * ladder from no model at all to context mixing with a Transformer. */
#define TX_OFF  "tx.dim=64\ntx.ff=4\ntx.heads=4\ntx.layers=0\ntx.lr=250\n" \
                "tx.segment=16\ntx.shift=1\ntx.window=64\n"
#define TX_NONE "train.replay=0\n" TX_OFF
#define MAX_CM  "model=cm\n" CODEC_VERSION_LINE "seed=0\n" \
     "cm.orders=0,1,2,3,4,5,6,8,12\ncm.inputs=5\ncm.word=3\ncm.image=2\ncm.record=8\ncm.binary=13\ncm.exe=1\ncm.risc=9\ncm.risc_sel=3\ncm.run=0\n" \
     "cm.direct=4\n" \
     "cm.sparse=4\ncm.text=7\n" \
     "cm.hash_bits=24\n" \
     "match.min=7\nmatch.min2=4\nmatch.buf_bits=26\nmatch.hash_bits=24\nmatch.ctx=2\n" \
     "mixer.lr=2\nmixer.select=nest,c1,known,match,sentence,kind,margin,classes\n" \
     "apm.count=8\napm.limit=255\napm.text=2\nsm.limit=1023\nsm.run=1\nlstm.cells=32\nlstm.horizon=20\nlstm.lr=100\nlstm.mix=7\nlstm.warm=64\n" \
     "text.ctx=10\ntext.more=2\ntext.words=6\n"
static const struct { const char *name, *text; } presets[] = {
    {"uniform", "model=uniform\n" CODEC_VERSION_LINE},
    {"order0", "model=order0\n" CODEC_VERSION_LINE},
    /* tiny: orders 1 and 3 (order 1's contexts stay in cache) in 2 x 1 MiB,
     * a 256 KiB match index: development set 1,290,292 -> 1,285,498 B
     * against orders 2 and 3 in 2 x 2 MiB and a 1 MiB index, lcet10.txt
     * decoded in about 0.94x the time. */
    {"tiny",
     "model=cm\n" CODEC_VERSION_LINE "seed=0\n"
     "cm.orders=1,3\ncm.inputs=1\ncm.word=0\ncm.image=0\ncm.record=0\ncm.binary=0\ncm.exe=0\ncm.risc=0\ncm.risc_sel=0\ncm.run=0\ncm.sparse=0\ncm.direct=0\n"
     "cm.text=0\ncm.hash_bits=17\n"
     "match.min=6\nmatch.min2=0\nmatch.buf_bits=22\nmatch.hash_bits=16\nmatch.ctx=0\n"
     "mixer.lr=6\nmixer.select=c0\napm.count=0\napm.limit=255\napm.text=0\nsm.limit=255\nsm.run=0\n"
     "lstm.cells=0\nlstm.horizon=10\nlstm.lr=100\nlstm.mix=0\nlstm.warm=0\ntext.ctx=0\ntext.more=0\ntext.words=0\n" TX_NONE},
    /* small, codec version 12: one SSE stage (was two), 10.4% fewer
     * instructions (callgrind, 100 KB of lcet10) for +0.47% on the
     * development set (1,007,934 -> 1,012,671 B); it keeps the ladder's
     * step below default, which lost its SSE stage. */
    {"small",
     "model=cm\n" CODEC_VERSION_LINE "seed=0\n"
     "cm.orders=1,2,3,4,6\ncm.inputs=2\ncm.word=1\ncm.image=0\ncm.record=8\ncm.binary=0\ncm.exe=0\ncm.risc=0\ncm.risc_sel=0\ncm.run=0\ncm.direct=0\n"
     "cm.sparse=0\ncm.text=1\n"
     "cm.hash_bits=20\n"
     "match.min=6\nmatch.min2=0\nmatch.buf_bits=24\nmatch.hash_bits=20\nmatch.ctx=0\n"
     "mixer.lr=6\nmixer.select=c0,known\napm.count=1\napm.limit=255\napm.text=0\nsm.limit=255\nsm.run=0\n"
     "lstm.cells=0\nlstm.horizon=10\nlstm.lr=100\nlstm.mix=0\nlstm.warm=0\ntext.ctx=0\ntext.more=0\ntext.words=0\n" TX_NONE},
    /* default, codec version 12, for speed again (development set, B;
     * time: whole-process encode of lcet10.txt, A/B medians):
     *   no SSE stage (apm.count 0, was 1), no order 6 (orders 0,2,3,4):
     *     917,048 -> 919,847 (+0.31%), 12.1% fewer instructions; alone,
     *     apm.count 0 +0.09% for -7.3%, no order 6 +0.31% for -4.8%;
     *   no selector c1 (2,048 sets, the largest table of weights read at
     *     every bit): 922,470 (+0.29%), 0.96x, GPL-2 5,092 -> 5,104 B;
     *   2 x 8 MiB of context tables and a 4 MiB match index
     *     (cm.hash_bits 20, match.hash_bits 20, were 21 and 22): 923,924
     *     (+0.16%), 0.93x, peak 54 -> 26 MiB: here time follows the
     *     memory touched more than the instructions (the index alone
     *     +0.02% for 0.97x; match.hash_bits 18 no faster).
     * Tried and left: cm.word 1 (+0.37% for -4.3% instructions), cm.text
     * 0 (+0.37%, -4.6%), cm.inputs 2 (+0.87%), no selector match (about
     * +0.5%) or kind (+1.2%); within 0.04%: orders 0,2,3,5, 1,2,3,4,
     * 0,2,3,6 or 0,2,4,6, mixer.lr 3 or 5, match.min 5 or 8.
     * Codec version 11, for speed: three inputs a context (not
     * four), no match contexts (match.ctx 0, was 1), 2 x 16 MiB of context
     * tables (cm.hash_bits 21, was 22): development set 910,686 -> 917,048 B
     * (+0.70%; text +1.01%), whole process on lcet10.txt about 0.87x the
     * time. Each step measured alone (development set, custom recipes;
     * time A/B): inputs 3 +0.34% 0.98x, match.ctx 0 +0.30%, both +0.70%
     * 0.91x, cm.hash_bits 21 +0.14%. Also tried, after those: no order 0
     * +0.38% for 0.96x, but on GPL-2 default then coded larger than small
     * (the ladder, test_codec); orders 0,2,3,6 +0.35%, cm.word 1 +0.37%,
     * mixer.select without match +0.18% for 0.98x, without kind +0.56%,
     * cm.hash_bits 20 (no faster than 21). */
    {"default",
     "model=cm\n" CODEC_VERSION_LINE "seed=0\n"
     "cm.orders=0,2,3,4\ncm.inputs=3\ncm.word=2\ncm.image=1\ncm.record=8\ncm.binary=13\ncm.exe=1\ncm.risc=7\ncm.risc_sel=1\ncm.run=0\n"
     "cm.sparse=0\ncm.text=1\ncm.direct=0\n"
     "cm.hash_bits=20\n"
     "match.min=6\nmatch.min2=0\nmatch.buf_bits=24\nmatch.hash_bits=20\nmatch.ctx=0\n"
     "mixer.lr=4\nmixer.select=c0,match,word,kind\napm.count=0\napm.limit=255\napm.text=0\n"
     "sm.limit=255\nsm.run=0\nlstm.cells=0\nlstm.horizon=10\nlstm.lr=100\nlstm.mix=0\nlstm.warm=0\ntext.ctx=0\ntext.more=0\ntext.words=0\n" TX_NONE},
    /* max re-learns one window of the LSTM's per window (train.replay=1):
     * development text 0.07% smaller for 1.24x the time. */
    {"max", MAX_CM "train.replay=1\n" TX_OFF},
    {"large", MAX_CM "train.replay=2\ntx.dim=64\ntx.ff=4\ntx.heads=4\ntx.layers=1\n"
                     "tx.lr=250\ntx.segment=16\ntx.shift=1\ntx.window=64\n"},
    {"tx",
     "model=tx\n" CODEC_VERSION_LINE "seed=0\n"
     "train.replay=0\ntx.dim=64\ntx.ff=4\ntx.heads=4\ntx.layers=1\ntx.lr=250\n"
     "tx.segment=16\ntx.shift=1\ntx.window=64\n"},
};

const char *const recipe_preset_names[] = {"uniform", "order0", "tiny", "small", "default",
                                           "max", "large", "tx", NULL};

int recipe_preset(const char *name, recipe_params *p)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(presets[i].name, name) == 0)
            return recipe_parse(presets[i].text, strlen(presets[i].text), p, NULL);
    return SL_EPRESET;
}

int recipe_contexts(const recipe_params *p)
{
    return p->n_orders + p->word + p->sparse + p->text + p->text_ctx + p->text_words + p->text_more +
           (p->match_min ? p->match_ctx : 0) + p->binary + p->record + (p->exe ? EXE_NCTX : 0) + p->risc;
}

uint32_t recipe_select_sets(const recipe_params *p, int sel)
{
    int nctx = recipe_contexts(p);
    switch (sel) {
    case SEL_C0:      return 256;
    case SEL_C1:      return 256 * 8;
    case SEL_KNOWN:   return (uint32_t)(nctx + 1) * 4 * 8;
    case SEL_MATCH:   return 64;
    case SEL_WORD:    return 8 * 2 * 256 + 65 * 8 + (p->binary > 8 ? 32 * 8 : 0);
    case SEL_SENTENCE: return recipe_select_sets(p, SEL_WORD) + 3 * 8 * 2 * 256;
    case SEL_KIND:    return 4 * 4 * 256 + (p->exe ? 9 * 256 : 0) +
                             (p->risc ? (p->risc_sel ? RISC_SEL_OP : RISC_SEL) * 256 : 0);
    case SEL_COLUMN:
    case SEL_MARGIN:  return 32 * 256 + (p->record ? 65 * 8 : 0);
    case SEL_CLASSES: return 64 * 256 + (p->risc && p->risc_sel >= 2 ? RISC_SEL2 * 256 : 0);
    case SEL_RECORD:  return 65 * 8;
    case SEL_NEST:    return TEXTCTX_NEST_STATES * 6 * 256 + 256;
    default:          return 65536; /* SEL_C0C1 */
    }
}

uint64_t recipe_model_mem(const recipe_params *p)
{
    uint64_t base = 1u << 20;
    tx_cfg c;
    tx_cfg_from_recipe(&c, p, 0);
    switch (p->model) {
    case MODEL_UNIFORM:
    case MODEL_ORDER0: return base;
    case MODEL_TX:     return base + tx_mem(&c);
    default:           break;
    }
    uint64_t m = (uint64_t)16 << p->hash_bits;
    if (p->match_min) m += ((uint64_t)4 << p->match_hash_bits);
    if (p->match_min && p->match_min2) m += ((uint64_t)4 << p->match_hash_bits);
    m += (uint64_t)1 << p->buf_bits; /* the history buffer is always kept */
    /* Weight sets of 16-bit weights, one per mixer input (padded to 16:
     * at most 5 per context, two match models, run, LSTM, two from the
     * Transformer, bias, image, the x86 expected bit, two for the cell
     * map and two per direct map), and an update count per set. */
    uint64_t inputs = ((uint64_t)p->inputs * (uint64_t)recipe_contexts(p) + 8 +
                       (p->lstm_cells ? (uint64_t)lstm_mix_n(p->lstm_mix) - 1 : 0u) +
                       (p->tx_layers ? 1u : 0u) + (p->binary >= 13 ? (uint64_t)DMAP_INPUTS : 0u) +
                       (uint64_t)p->direct * DMAP_INPUTS + 15) & ~15ull;
    for (int i = 0; i < p->n_select; i++)
        m += (uint64_t)recipe_select_sets(p, p->select[i]) * (inputs * 2 + 2);
    /* State maps: 2048 entries per context, 1024 more for run inputs,
     * and with sm.run 256 more per run group (models/cm.c, cm_init). */
    m += (uint64_t)recipe_contexts(p) *
         (2048 + 1024 + (p->sm_run && p->inputs >= 5 ? 256u * (RUNHIST_GROUPS - 1) : 0u)) * 4;
    m += (uint64_t)p->apm_count * 65536 * 33 * 4;
    if (p->image) m += img_mem();
    if (p->exe) m += exe_mem();
    if (p->binary >= 13) m += (uint64_t)64 << 16;  /* the cell map (CM_CELL_BITS, models/cm.c) */
    if (p->direct) m += (uint64_t)64 << DMAP_BITS;  /* the direct maps (models/dmap.h) */
    if (p->lstm_cells)
        m += lstm_mem(p->lstm_cells, p->lstm_horizon, p->train_replay) + lstm_mix_mem(p->lstm_mix);
    if (p->tx_layers) m += tx_mem(&c) + (uint64_t)65536 * 33 * 4;   /* and its APM */
    return m + base;
}

/* ---- The compact form (recipe_pack / recipe_unpack) ---- */

#define PACK_MAX_NAME 32

/* The canonical text of preset i, and its model class. */
static int preset_canonical(size_t i, char *buf, size_t cap, int *model)
{
    recipe_params q;
    int rc = recipe_parse(presets[i].text, strlen(presets[i].text), &q, NULL);
    if (model) *model = q.model;
    return rc ? rc : recipe_canonical(&q, buf, cap);
}

/* The next line of text[*pos..n), without its '\n'; NULL at the end. */
static const char *next_line(const char *text, size_t n, size_t *pos, size_t *len)
{
    if (*pos >= n) return NULL;
    const char *s = text + *pos, *nl = memchr(s, '\n', n - *pos);
    *len = nl ? (size_t)(nl - s) : n - *pos;
    *pos += *len + 1;
    return s;
}

static int is_version_line(const char *s, size_t n)
{
    return n >= 14 && memcmp(s, "codec.version=", 14) == 0;
}

/* Whether b (canonical text) holds exactly the line x, of len bytes. */
static int has_line(const char *b, size_t bn, const char *x, size_t len)
{
    size_t pb = 0, lb;
    const char *y;
    while ((y = next_line(b, bn, &pb, &lb)))
        if (lb == len && memcmp(x, y, len) == 0) return 1;
    return 0;
}

/* Appends to diff the lines of a (canonical) that b (canonical) lacks:
 * values that differ, and keys b does not have (the optional prior pair);
 * returns how many. */
static int diff_lines(const char *a, size_t an, const char *b, size_t bn, bytebuf *diff)
{
    size_t pa = 0, la;
    const char *x;
    int count = 0;
    while ((x = next_line(a, an, &pa, &la))) {
        if (is_version_line(x, la) || has_line(b, bn, x, la)) continue;
        count++;
        if (diff && (bytebuf_append(diff, x, la) || bytebuf_append(diff, "\n", 1)))
            return SL_ENOMEM;
    }
    return count;
}

int recipe_pack(const recipe_params *p, bytebuf *out)
{
    char text[RECIPE_MAX_TEXT], ptext[RECIPE_MAX_TEXT];
    int tl = recipe_canonical(p, text, sizeof text);
    if (tl < 0) return tl;
    /* The nearest preset of the same model class: the same keys, so the
     * changed lines are all that differs. */
    size_t best = 0;
    int best_count = -1, model;
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        int pl = preset_canonical(i, ptext, sizeof ptext, &model);
        if (pl < 0) return pl;
        if (model != p->model) continue;
        int c = diff_lines(text, (size_t)tl, ptext, (size_t)pl, NULL);
        if (best_count < 0 || c < best_count) { best = i; best_count = c; }
    }
    if (best_count < 0) return SL_EPRESET;
    int pl = preset_canonical(best, ptext, sizeof ptext, NULL);
    if (pl < 0) return pl;
    bytebuf diff = {0};
    int rc = diff_lines(text, (size_t)tl, ptext, (size_t)pl, &diff);
    if (rc >= 0) {
        uint8_t v[VARINT_MAX];
        uint8_t nl = (uint8_t)strlen(presets[best].name);
        rc = bytebuf_append(out, &nl, 1);
        if (!rc) rc = bytebuf_append(out, presets[best].name, nl);
        if (!rc) rc = bytebuf_append(out, v, varint_put(v, p->codec_version));
        if (!rc) rc = bytebuf_append(out, v, varint_put(v, diff.len));
        if (!rc && diff.len) rc = bytebuf_append(out, diff.p, diff.len);
    }
    bytebuf_fini(&diff);
    return rc;
}

/* Reads a varint at in[*at..n) into *v; SL_ETRUNCATED or SL_EFORMAT. */
static int take_varint(const uint8_t *in, size_t n, size_t *at, uint64_t *v,
                       recipe_error *e, const char *what)
{
    int k = varint_get(in + *at, n - *at, v);
    if (k == 0) return fail(e, 0, SL_ETRUNCATED, "packed recipe ends inside its %s", what);
    if (k < 0) return fail(e, 0, SL_EFORMAT, "packed recipe: bad %s", what);
    *at += (size_t)k;
    return 0;
}

int recipe_unpack(const uint8_t *in, size_t n, size_t *used, recipe_params *p,
                  recipe_error *e)
{
    if (e) { e->line = 0; e->msg[0] = 0; }
    if (n < 1) return fail(e, 0, SL_ETRUNCATED, "packed recipe is empty");
    size_t nl = in[0], at = 1;
    if (nl == 0 || nl > PACK_MAX_NAME)
        return fail(e, 0, SL_EFORMAT, "packed recipe: preset name of %zu bytes", nl);
    if (n - at < nl) return fail(e, 0, SL_ETRUNCATED, "packed recipe ends inside its name");
    const char *name = (const char *)in + at;
    at += nl;
    uint64_t version, dl;
    int rc = take_varint(in, n, &at, &version, e, "codec version");
    if (rc) return rc;
    if (version != CODEC_VERSION)
        return fail(e, 0, SL_EVERSION,
                    "recipe is for codec version %llu; this build speaks version %d",
                    (unsigned long long)version, CODEC_VERSION);
    if ((rc = take_varint(in, n, &at, &dl, e, "length"))) return rc;
    if (dl > RECIPE_MAX_TEXT)
        return fail(e, 0, SL_ERECIPE_SIZE, "packed recipe: %llu bytes of changes; the limit is %d",
                    (unsigned long long)dl, RECIPE_MAX_TEXT);
    if (n - at < dl) return fail(e, 0, SL_ETRUNCATED, "packed recipe ends inside its changes");
    const char *diff = (const char *)in + at;
    at += dl;
    size_t i = 0;
    while (i < sizeof presets / sizeof presets[0] &&
           !(strlen(presets[i].name) == nl && memcmp(presets[i].name, name, nl) == 0))
        i++;
    if (i == sizeof presets / sizeof presets[0])
        return fail(e, 0, SL_EPRESET, "recipe is based on preset '%.*s', unknown to this build",
                    (int)nl, name);
    /* The preset's lines whose keys the changes do not name, then the changes. */
    char ptext[RECIPE_MAX_TEXT], merged[2 * RECIPE_MAX_TEXT];
    int pl = preset_canonical(i, ptext, sizeof ptext, NULL);
    if (pl < 0) return pl;
    size_t m = 0, pp = 0, len;
    const char *line;
    while ((line = next_line(ptext, (size_t)pl, &pp, &len))) {
        const char *eq = memchr(line, '=', len);
        size_t kl = eq ? (size_t)(eq - line) + 1 : len, dp = 0, dlen;
        const char *d;
        int named = 0;
        while ((d = next_line(diff, dl, &dp, &dlen)))
            if (dlen >= kl && memcmp(d, line, kl) == 0) named = 1;
        if (named) continue;
        memcpy(merged + m, line, len);
        m += len;
        merged[m++] = '\n';
    }
    memcpy(merged + m, diff, dl);
    m += dl;
    if (m > RECIPE_MAX_TEXT)
        return fail(e, 0, SL_ERECIPE_SIZE, "unpacked recipe over %d bytes", RECIPE_MAX_TEXT);
    if ((rc = recipe_parse(merged, m, p, e))) return rc;
    *used = at;
    return 0;
}
