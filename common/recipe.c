/* common/recipe.c — parse, validate, canonicalise recipes; presets.
 * See recipe.h. One table lists every key with its type and range; the
 * parser and the canonical writer both walk it, so they cannot disagree. */
#include "recipe.h"
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum kind { K_INT, K_U64, K_ORDERS, K_SELECT, K_MODEL };

typedef struct key_def {
    const char *name;
    enum kind   kind;
    long        lo, hi;
    size_t      off;
} key_def;

#define OFF(f) offsetof(recipe_params, f)
/* Sorted by name: this order is the canonical order. */
static const key_def keys[] = {
    {"apm.count",       K_INT,    0, 8,          OFF(apm_count)},
    {"apm.limit",       K_INT,    1, 1023,       OFF(apm_limit)},
    {"cm.hash_bits",    K_INT,    10, 27,        OFF(hash_bits)},
    {"cm.inputs",       K_INT,    1, 5,          OFF(inputs)},
    {"cm.orders",       K_ORDERS, 0, 32,         OFF(orders)},
    {"cm.run",          K_INT,    0, 1,          OFF(run)},
    {"cm.sparse",       K_INT,    0, 4,          OFF(sparse)},
    {"cm.text",         K_INT,    0, 7,          OFF(text)},
    {"cm.word",         K_INT,    0, 3,          OFF(word)},
    {"codec.version",   K_INT,    1, 1000000,    OFF(codec_version)},
    {"lstm.cells",      K_INT,    0, 512,        OFF(lstm_cells)},
    {"lstm.horizon",    K_INT,    1, 100,        OFF(lstm_horizon)},
    {"lstm.lr",         K_INT,    1, 10000,      OFF(lstm_lr)},
    {"match.buf_bits",  K_INT,    10, 30,        OFF(buf_bits)},
    {"match.ctx",       K_INT,    0, 2,          OFF(match_ctx)},
    {"match.hash_bits", K_INT,    10, 28,        OFF(match_hash_bits)},
    {"match.min",       K_INT,    0, 32,         OFF(match_min)},
    {"match.min2",      K_INT,    0, 32,         OFF(match_min2)},
    {"mixer.lr",        K_INT,    1, 8,          OFF(mixer_lr)},
    {"mixer.select",    K_SELECT, 0, 0,          OFF(select)},
    {"model",           K_MODEL,  0, 0,          0},
    {"seed",            K_U64,    0, 0,          OFF(seed)},
    {"sm.limit",        K_INT,    1, 1023,       OFF(sm_limit)},
    {"text.ctx",        K_INT,    0, 8,          OFF(text_ctx)},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static const char *const select_names[SEL_COUNT] = {
    "c0", "c1", "known", "match", "c0c1", "word", "kind", "column", "classes",
};

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
                        "known, match, c0c1, word, kind, column, classes)", (int)(j - i), v + i);
        if (cnt == RECIPE_MAX_SELECT)
            return fail(e, line, SL_ERECIPE_VALUE,
                        "mixer.select: at most %d selectors", RECIPE_MAX_SELECT);
        p->select[cnt++] = (uint8_t)found;
        i = j + 1;
    }
    p->n_select = cnt;
    return 0;
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
        int rc = 0;
        switch (k->kind) {
        case K_INT: rc = set_int(k, p, v, vn, line, e); break;
        case K_U64:
            if (parse_u64(v, vn, &p->seed))
                rc = fail(e, line, SL_ERECIPE_VALUE,
                          "seed must be an unsigned 64-bit integer, got '%.*s'",
                          (int)vn, v);
            break;
        case K_ORDERS: rc = set_orders(k, p, v, vn, line, e); break;
        case K_SELECT: rc = set_select(p, v, vn, line, e); break;
        case K_MODEL:
            if (vn != 2 || memcmp(v, "cm", 2) != 0)
                rc = fail(e, line, SL_ERECIPE_VALUE,
                          "model '%.*s' is not known to this version (known: cm)",
                          (int)vn, v);
            break;
        }
        if (rc) return rc;
    }
    for (size_t k = 0; k < NKEYS; k++)
        if (!have[k])
            return fail(e, 0, SL_ERECIPE_MISSING, "recipe lacks key '%s'",
                        keys[k].name);
    if (p->codec_version != CODEC_VERSION) {
        int vline = 0;
        for (size_t k = 0; k < NKEYS; k++)
            if (keys[k].off == OFF(codec_version) && keys[k].kind == K_INT) vline = have[k];
        return fail(e, vline, SL_EVERSION,
                    "recipe is for codec version %u; this build speaks version %d",
                    (unsigned)p->codec_version, CODEC_VERSION);
    }
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
        EMIT("%s=", d->name);
        switch (d->kind) {
        case K_INT:
            if (d->off == OFF(codec_version))
                EMIT("%u", (unsigned)p->codec_version);
            else
                EMIT("%d", *(const int *)((const char *)p + d->off));
            break;
        case K_U64: EMIT("%llu", (unsigned long long)p->seed); break;
        case K_ORDERS:
            for (int i = 0; i < p->n_orders; i++)
                EMIT("%s%u", i ? "," : "", p->orders[i]);
            break;
        case K_SELECT:
            for (int i = 0; i < p->n_select; i++)
                EMIT("%s%s", i ? "," : "", select_names[p->select[i]]);
            break;
        case K_MODEL: EMIT("cm"); break;
        }
        EMIT("\n");
    }
#undef EMIT
    if (n >= cap) return SL_ETOOBIG;
    return (int)n;
}

/* The presets are full recipes, written as a user would write them. */
static const struct { const char *name, *text; } presets[] = {
    {"tiny",
     "model=cm\n" CODEC_VERSION_LINE "seed=0\n"
     "cm.orders=2,3\ncm.inputs=1\ncm.word=0\ncm.run=0\ncm.sparse=0\ncm.text=0\ncm.hash_bits=18\n"
     "match.min=6\nmatch.min2=0\nmatch.buf_bits=22\nmatch.hash_bits=18\nmatch.ctx=0\n"
     "mixer.lr=6\nmixer.select=c0\napm.count=0\napm.limit=255\nsm.limit=255\n"
     "lstm.cells=0\nlstm.horizon=10\nlstm.lr=100\ntext.ctx=0\n"},
    {"small",
     "model=cm\n" CODEC_VERSION_LINE "seed=0\n"
     "cm.orders=1,2,3,4,6\ncm.inputs=2\ncm.word=1\ncm.run=0\ncm.sparse=0\ncm.text=1\n"
     "cm.hash_bits=20\n"
     "match.min=6\nmatch.min2=0\nmatch.buf_bits=24\nmatch.hash_bits=20\nmatch.ctx=0\n"
     "mixer.lr=6\nmixer.select=c0,known\napm.count=2\napm.limit=255\nsm.limit=255\n"
     "lstm.cells=0\nlstm.horizon=10\nlstm.lr=100\ntext.ctx=0\n"},
    {"default",
     "model=cm\n" CODEC_VERSION_LINE "seed=0\n"
     "cm.orders=0,1,2,3,4,6\ncm.inputs=4\ncm.word=3\ncm.run=0\ncm.sparse=0\ncm.text=1\n"
     "cm.hash_bits=22\n"
     "match.min=6\nmatch.min2=4\nmatch.buf_bits=24\nmatch.hash_bits=22\nmatch.ctx=1\n"
     "mixer.lr=6\nmixer.select=c0,c1,known,match,word,kind\napm.count=2\napm.limit=255\n"
     "sm.limit=255\nlstm.cells=0\nlstm.horizon=10\nlstm.lr=100\ntext.ctx=0\n"},
    {"max",
     "model=cm\n" CODEC_VERSION_LINE "seed=0\n"
     "cm.orders=0,1,2,3,4,5,6,8,12\ncm.inputs=5\ncm.word=3\ncm.run=0\ncm.sparse=4\ncm.text=7\n"
     "cm.hash_bits=24\n"
     "match.min=7\nmatch.min2=4\nmatch.buf_bits=26\nmatch.hash_bits=24\nmatch.ctx=2\n"
     "mixer.lr=3\nmixer.select=c0,c1,known,match,word,kind,column,classes\n"
     "apm.count=8\napm.limit=255\nsm.limit=1023\nlstm.cells=32\nlstm.horizon=10\nlstm.lr=100\ntext.ctx=0\n"},
};

const char *const recipe_preset_names[] = {"tiny", "small", "default", "max", NULL};

int recipe_preset(const char *name, recipe_params *p)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(presets[i].name, name) == 0)
            return recipe_parse(presets[i].text, strlen(presets[i].text), p, NULL);
    return SL_EPRESET;
}

int recipe_contexts(const recipe_params *p)
{
    return p->n_orders + p->word + p->sparse + p->text + p->text_ctx +
           (p->match_min ? p->match_ctx : 0);
}

uint32_t recipe_select_sets(const recipe_params *p, int sel)
{
    int nctx = recipe_contexts(p);
    switch (sel) {
    case SEL_C0:      return 256;
    case SEL_C1:      return 256 * 8;
    case SEL_KNOWN:   return (uint32_t)(nctx + 1) * 4 * 8;
    case SEL_MATCH:   return 64;
    case SEL_WORD:    return 8 * 2 * 256;
    case SEL_KIND:    return 4 * 4 * 256;
    case SEL_COLUMN:  return 32 * 256;
    case SEL_CLASSES: return 64 * 256;
    default:          return 65536; /* SEL_C0C1 */
    }
}

uint64_t recipe_model_mem(const recipe_params *p)
{
    uint64_t m = (uint64_t)16 << p->hash_bits;
    if (p->match_min) m += ((uint64_t)4 << p->match_hash_bits);
    if (p->match_min && p->match_min2) m += ((uint64_t)4 << p->match_hash_bits);
    m += (uint64_t)1 << p->buf_bits; /* the history buffer is always kept */
    /* Weight sets of 16-bit weights, one per mixer input (padded to 16:
     * at most 5 per context, two match models, run, LSTM and bias), and
     * an update count per set. */
    uint64_t inputs = ((uint64_t)p->inputs * (uint64_t)recipe_contexts(p) + 5 + 15) & ~15ull;
    for (int i = 0; i < p->n_select; i++)
        m += (uint64_t)recipe_select_sets(p, p->select[i]) * (inputs * 2 + 2);
    /* State maps: 2048 entries per context, 1024 more for run inputs. */
    m += (uint64_t)recipe_contexts(p) * (2048 + 1024) * 4;
    m += (uint64_t)p->apm_count * 65536 * 33 * 4;
    if (p->lstm_cells) {
        uint64_t h = (uint64_t)p->lstm_cells, t = (uint64_t)p->lstm_horizon;
        m += 3 * 4 * (3 * h * h + 7 * 256 * h + 3 * h + 256);   /* weights, gradient, RMS */
        m += 4 * ((t + 1) * h * 2 + t * h * 4 + t * 256 + 7 * h + 256) + 2 * t;
    }
    return m + (1u << 20);
}
