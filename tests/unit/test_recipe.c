/* tests/unit/test_recipe.c — recipe parsing, named errors with their line,
 * canonical form, presets. */
#include "../../common/err.h"
#include "../../common/recipe.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static const char *good =
    "# a comment, then keys in no particular order\n"
    "model=cm\n"
    CODEC_VERSION_LINE
    "seed=42\n"
    "cm.orders=6,1,3\n"
    "cm.word=1\ncm.sparse=0\n\t cm.hash_bits = 16 \r\n"
    "match.min=5\nmatch.buf_bits=20\nmatch.hash_bits=16\n"
    "mixer.lr=6\nmixer.select=c0,known,record\napm.count=1\napm.limit=255\nsm.limit=255\n"
    "cm.text=0\ncm.run=0\n"
    "lstm.cells=16\nlstm.horizon=8\nlstm.lr=50\ncm.inputs=2\nmatch.ctx=1\ntext.ctx=2\nmatch.min2=0\n"
    "train.replay=1\ntx.dim=32\ntx.ff=2\ntx.heads=2\ntx.layers=1\ntx.lr=300\n"
    "tx.segment=8\ntx.shift=0\ntx.window=16\ncm.record=2\ncm.image=0\ncm.exe=1\n"
    "cm.binary=3\ncm.direct=2\ncm.risc=5\nlstm.mix=5\nlstm.warm=32\nsm.run=1\ntext.words=3\ncm.risc_sel=1\n"
    "apm.text=1\ntext.more=1\n";

static int parse(const char *t, recipe_error *e)
{
    recipe_params p;
    return recipe_parse(t, strlen(t), &p, e);
}

/* good with the line starting `key=` replaced by `line` (or dropped). */
static void with_line(char *out, size_t cap, const char *key, const char *line)
{
    out[0] = 0;
    const char *s = good;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = (size_t)(nl - s) + 1;
        if (strncmp(s, key, strlen(key)) == 0 && s[strlen(key)] == '=') {
            if (line) { strncat(out, line, cap - strlen(out) - 1); strncat(out, "\n", cap - strlen(out) - 1); }
        } else {
            strncat(out, s, n < cap - strlen(out) ? n : cap - strlen(out) - 1);
        }
        s += n;
    }
}

Test(recipe, parses_and_canonicalises)
{
    recipe_params p;
    recipe_error e;
    cr_assert_eq(recipe_parse(good, strlen(good), &p, &e), 0, "%s", e.msg);
    cr_assert_eq(p.seed, 42);
    cr_assert_eq(p.n_orders, 3);
    cr_assert_eq(p.orders[0], 1);
    cr_assert_eq(p.orders[2], 6);
    char c[RECIPE_MAX_TEXT];
    int n = recipe_canonical(&p, c, sizeof c);
    cr_assert_gt(n, 0);
    cr_assert_str_eq(c,
        "apm.count=1\napm.limit=255\napm.text=1\ncm.binary=3\ncm.direct=2\ncm.exe=1\ncm.hash_bits=16\ncm.image=0\ncm.inputs=2\n"
        "cm.orders=1,3,6\ncm.record=2\ncm.risc=5\ncm.risc_sel=1\ncm.run=0\ncm.sparse=0\n"
        "cm.text=0\ncm.word=1\n" CODEC_VERSION_LINE
        "lstm.cells=16\nlstm.horizon=8\nlstm.lr=50\nlstm.mix=5\nlstm.warm=32\nmatch.buf_bits=20\nmatch.ctx=1\n"
        "match.hash_bits=16\n"
        "match.min=5\nmatch.min2=0\nmixer.lr=6\nmixer.select=c0,known,record\nmodel=cm\nseed=42\n"
        "sm.limit=255\nsm.run=1\ntext.ctx=2\ntext.more=1\ntext.words=3\ntrain.replay=1\ntx.dim=32\ntx.ff=2\ntx.heads=2\ntx.layers=1\n"
        "tx.lr=300\ntx.segment=8\ntx.shift=0\ntx.window=16\n");
    /* The canonical form is a fixed point. */
    recipe_params q;
    cr_assert_eq(recipe_parse(c, (size_t)n, &q, &e), 0);
    char c2[RECIPE_MAX_TEXT];
    recipe_canonical(&q, c2, sizeof c2);
    cr_assert_str_eq(c, c2);
}

Test(recipe, every_preset_is_a_valid_full_recipe)
{
    for (int i = 0; recipe_preset_names[i]; i++) {
        recipe_params p, q;
        cr_assert_eq(recipe_preset(recipe_preset_names[i], &p), 0, "%s", recipe_preset_names[i]);
        char c[RECIPE_MAX_TEXT];
        int n = recipe_canonical(&p, c, sizeof c);
        cr_assert_gt(n, 0);
        cr_assert_eq(recipe_parse(c, (size_t)n, &q, NULL), 0);
        cr_assert_eq(memcmp(&p, &q, sizeof p), 0, "%s", recipe_preset_names[i]);
        cr_assert_lt(recipe_model_mem(&p), (uint64_t)1 << 30, "%s over 1 GiB", recipe_preset_names[i]);
    }
    recipe_params p;
    cr_assert_eq(recipe_preset("huge", &p), SL_EPRESET);
}

struct bad_case { const char *key, *line; int code, lineno; const char *needle; };

Test(recipe, bad_recipes_get_named_errors_with_line)
{
    static const struct bad_case cases[] = {
        {"seed", "seed 42", SL_ERECIPE_SYNTAX, 4, "key=value"},
        {"seed", "colour=blue", SL_ERECIPE_KEY, 4, "colour"},
        {"seed", "seed=-1", SL_ERECIPE_VALUE, 4, "seed"},
        {"seed", "seed=18446744073709551616", SL_ERECIPE_VALUE, 4, "seed"},
        {"seed", "seed=007", SL_ERECIPE_VALUE, 4, "seed"},
        {"match.hash_bits", "match.hash_bits=40", SL_ERECIPE_VALUE, 11, "match.hash_bits"},
        {"cm.orders", "cm.orders=1,,2", SL_ERECIPE_VALUE, 5, "cm.orders"},
        {"cm.orders", "cm.orders=1,2,2", SL_ERECIPE_VALUE, 5, "twice"},
        {"cm.orders", "cm.orders=33", SL_ERECIPE_VALUE, 5, "cm.orders"},
        {"mixer.select", "mixer.select=c0,bogus", SL_ERECIPE_VALUE, 13, "bogus"},
        {"model", "model=lstm9", SL_ERECIPE_VALUE, 2, "lstm9"},
        {"apm.limit", "apm.limit=x", SL_ERECIPE_VALUE, 15, "apm.limit"},
        {"codec.version", "codec.version=999", SL_EVERSION, 3, "version 999"},
        {"sm.limit", NULL, SL_ERECIPE_MISSING, 0, "sm.limit"},
        {"sm.run", "sm.run=2", SL_ERECIPE_VALUE, 43, "sm.run"},
        {"sm.run", NULL, SL_ERECIPE_MISSING, 0, "sm.run"},
        {"cm.word", "cm.word=1\ncm.word=2", SL_ERECIPE_DUP, 7, "twice"},
        {"seed", "seed=1\x01", SL_ERECIPE_SYNTAX, 4, "non-printable"},
        {"lstm.cells", "lstm.cells=12", SL_ERECIPE_VALUE, 0, "multiple of 8"},
        {"lstm.horizon", "lstm.horizon=0", SL_ERECIPE_VALUE, 20, "lstm.horizon"},
        {"cm.inputs", "cm.inputs=6", SL_ERECIPE_VALUE, 22, "cm.inputs"},
        {"mixer.select", "mixer.select=c0,c1,known,match,word,kind,column,classes,c0c1",
         SL_ERECIPE_VALUE, 13, "at most 8"},
        {"train.replay", "train.replay=17", SL_ERECIPE_VALUE, 26, "train.replay"},
        {"tx.dim", "tx.dim=36", SL_ERECIPE_VALUE, 0, "tx.dim"},
        {"tx.window", "tx.window=20", SL_ERECIPE_VALUE, 0, "tx.window"},
        {"tx.layers", "tx.layers=9", SL_ERECIPE_VALUE, 30, "tx.layers"},
        {"tx.segment", "tx.segment=0", SL_ERECIPE_VALUE, 32, "tx.segment"},
        {"tx.lr", NULL, SL_ERECIPE_MISSING, 0, "tx.lr"},
        {"cm.record", "cm.record=9", SL_ERECIPE_VALUE, 35, "cm.record"},
        {"cm.image", "cm.image=3", SL_ERECIPE_VALUE, 36, "cm.image"},
        {"cm.exe", "cm.exe=2", SL_ERECIPE_VALUE, 37, "cm.exe"},
        {"cm.exe", NULL, SL_ERECIPE_MISSING, 0, "cm.exe"},
        {"cm.binary", "cm.binary=14", SL_ERECIPE_VALUE, 38, "cm.binary"},
        {"cm.binary", NULL, SL_ERECIPE_MISSING, 0, "cm.binary"},
        {"cm.risc", "cm.risc=10", SL_ERECIPE_VALUE, 40, "cm.risc"},
        {"cm.risc", NULL, SL_ERECIPE_MISSING, 0, "cm.risc"},
        {"lstm.mix", "lstm.mix=8", SL_ERECIPE_VALUE, 41, "lstm.mix"},
        {"lstm.mix", NULL, SL_ERECIPE_MISSING, 0, "lstm.mix"},
        {"lstm.warm", "lstm.warm=65537", SL_ERECIPE_VALUE, 42, "lstm.warm"},
        {"text.words", "text.words=11", SL_ERECIPE_VALUE, 44, "text.words"},
        {"text.words", NULL, SL_ERECIPE_MISSING, 0, "text.words"},
        {"cm.risc_sel", "cm.risc_sel=4", SL_ERECIPE_VALUE, 45, "cm.risc_sel"},
        {"cm.risc_sel", NULL, SL_ERECIPE_MISSING, 0, "cm.risc_sel"},
        {"apm.text", "apm.text=3", SL_ERECIPE_VALUE, 46, "apm.text"},
        {"apm.text", NULL, SL_ERECIPE_MISSING, 0, "apm.text"},
        {"text.more", "text.more=3", SL_ERECIPE_VALUE, 47, "text.more"},
        {"text.more", NULL, SL_ERECIPE_MISSING, 0, "text.more"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2 * RECIPE_MAX_TEXT];
        with_line(text, sizeof text, cases[i].key, cases[i].line);
        recipe_error e;
        int rc = parse(text, &e);
        cr_assert_eq(rc, cases[i].code, "case %zu: got %s (%s)", i, sl_errname(rc), e.msg);
        cr_assert_eq(e.line, cases[i].lineno, "case %zu: line %d (%s)", i, e.line, e.msg);
        cr_assert(strstr(e.msg, cases[i].needle), "case %zu: '%s'", i, e.msg);
    }
}

Test(recipe, other_codec_version_is_refused)
{
    char text[2 * RECIPE_MAX_TEXT];
    with_line(text, sizeof text, "codec.version", "codec.version=999");
    recipe_error e;
    cr_assert_eq(parse(text, &e), SL_EVERSION);
    cr_assert(strstr(e.msg, "999"));
}

Test(recipe, oversize_text_is_refused_before_parsing)
{
    size_t n = RECIPE_MAX_TEXT + 1;
    char *t = malloc(n);
    memset(t, '#', n);
    recipe_params p;
    recipe_error e;
    cr_assert_eq(recipe_parse(t, n, &p, &e), SL_ERECIPE_SIZE);
    free(t);
}

Test(recipe, model_needs_a_context)
{
    char a[2 * RECIPE_MAX_TEXT], b[2 * RECIPE_MAX_TEXT];
    with_line(a, sizeof a, "cm.word", "cm.word=0");
    with_line(b, sizeof b, "cm.orders", NULL);
    /* removing cm.orders entirely is a missing key, not an empty model */
    recipe_error e;
    cr_assert_eq(parse(b, &e), SL_ERECIPE_MISSING);
    cr_assert_eq(parse(a, &e), 0);
}

Test(recipe, canonical_reports_small_buffer)
{
    recipe_params p;
    recipe_preset("default", &p);
    char c[32];
    cr_assert_eq(recipe_canonical(&p, c, sizeof c), SL_ETOOBIG);
}

/* The prior pair: optional, whole or absent, validated, canonical in lower
 * case, and absent from the canonical text of a recipe without a prior. */
Test(recipe, prior_keys)
{
    static const char sha[] =
        "prior.sha256=0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef";
    char t[RECIPE_MAX_TEXT], c[RECIPE_MAX_TEXT];
    recipe_params p;
    recipe_error e;
    snprintf(t, sizeof t, "%s%s\nprior.size=152089\n", good, sha);
    cr_assert_eq(recipe_parse(t, strlen(t), &p, &e), 0, "%s", e.msg);
    cr_assert_eq(p.prior_size, 152089);
    cr_assert_eq(p.prior_sha256[0], 0x01);
    cr_assert_eq(p.prior_sha256[7], 0xef);
    cr_assert_gt(recipe_canonical(&p, c, sizeof c), 0);
    cr_assert_not_null(strstr(c, "\nprior.sha256=0123456789abcdef0123456789abcdef"
                                 "0123456789abcdef0123456789abcdef\nprior.size=152089\nseed=42\n"),
                       "%s", c);
    recipe_params q;   /* the canonical text parses back to the same recipe */
    cr_assert_eq(recipe_parse(c, strlen(c), &q, &e), 0, "%s", e.msg);
    cr_assert_eq(memcmp(q.prior_sha256, p.prior_sha256, 32), 0);
    cr_assert_eq(q.prior_size, p.prior_size);
    /* Packed for the wire, the prior's lines travel as changes; so do the keys
     * after them (seed 42 and sm.limit differ from every preset). */
    p.sm_limit = 77;
    bytebuf packed = {0};
    cr_assert_eq(recipe_pack(&p, &packed), 0);
    size_t used;
    cr_assert_eq(recipe_unpack(packed.p, packed.len, &used, &q, &e), 0, "%s", e.msg);
    cr_assert_eq(used, packed.len);
    char c2[RECIPE_MAX_TEXT];
    cr_assert_gt(recipe_canonical(&p, c, sizeof c), 0);
    cr_assert_gt(recipe_canonical(&q, c2, sizeof c2), 0);
    cr_assert_str_eq(c2, c);
    bytebuf_fini(&packed);

    cr_assert_eq(recipe_parse(good, strlen(good), &p, &e), 0);
    cr_assert_eq(p.prior_size, 0);
    cr_assert_gt(recipe_canonical(&p, c, sizeof c), 0);
    cr_assert_null(strstr(c, "prior"), "%s", c);

    snprintf(t, sizeof t, "%s%s\n", good, sha);            /* half a pair */
    cr_assert_eq(parse(t, &e), SL_ERECIPE_MISSING);
    cr_assert_not_null(strstr(e.msg, "prior.size"), "%s", e.msg);
    snprintf(t, sizeof t, "%sprior.size=10\n", good);
    cr_assert_eq(parse(t, &e), SL_ERECIPE_MISSING);
    cr_assert_not_null(strstr(e.msg, "prior.sha256"), "%s", e.msg);
    snprintf(t, sizeof t, "%s%s\nprior.size=0\n", good, sha);  /* an empty prior */
    cr_assert_eq(parse(t, &e), SL_ERECIPE_VALUE);
    snprintf(t, sizeof t, "%s%.70s\nprior.size=5\n", good, sha);  /* short hash */
    cr_assert_eq(parse(t, &e), SL_ERECIPE_VALUE);
    cr_assert_not_null(strstr(e.msg, "64 hex digits"), "%s", e.msg);
    snprintf(t, sizeof t, "%s%.75sg\nprior.size=5\n", good, sha);  /* not hex */
    cr_assert_eq(parse(t, &e), SL_ERECIPE_VALUE);
    snprintf(t, sizeof t, "%s%s\nprior.size=5\nprior.size=5\n", good, sha);
    cr_assert_eq(parse(t, &e), SL_ERECIPE_DUP);
}

/* Each model class takes its own keys: the Transformer alone takes seed,
 * tx.* and train.replay; order0 and uniform nothing but the version. */
Test(recipe, each_model_class_has_its_own_keys)
{
    const char *tx_text = "model=tx\n" CODEC_VERSION_LINE "seed=3\ntrain.replay=2\ntx.dim=32\n"
                          "tx.ff=4\ntx.heads=4\ntx.layers=2\ntx.lr=200\ntx.segment=16\n"
                          "tx.shift=1\ntx.window=32\n";
    recipe_params p;
    recipe_error e;
    cr_assert_eq(recipe_parse(tx_text, strlen(tx_text), &p, &e), 0, "%s", e.msg);
    cr_assert_eq(p.model, MODEL_TX);
    cr_assert_eq(p.tx_layers, 2);
    cr_assert_eq(p.train_replay, 2);
    char c[RECIPE_MAX_TEXT];
    recipe_canonical(&p, c, sizeof c);
    cr_assert_str_eq(c, CODEC_VERSION_LINE "model=tx\nseed=3\ntrain.replay=2\ntx.dim=32\n"
                        "tx.ff=4\ntx.heads=4\ntx.layers=2\ntx.lr=200\ntx.segment=16\n"
                        "tx.shift=1\ntx.window=32\n");
    char bad[1024];
    snprintf(bad, sizeof bad, "%scm.orders=1,2\n", tx_text);
    cr_assert_eq(recipe_parse(bad, strlen(bad), &p, &e), SL_ERECIPE_KEY);
    cr_assert_eq(e.line, 13);
    cr_assert(strstr(e.msg, "does not apply to model tx"), "%s", e.msg);
    const char *nolayers = "model=tx\n" CODEC_VERSION_LINE "seed=3\ntrain.replay=0\ntx.dim=32\n"
                           "tx.ff=4\ntx.heads=4\ntx.layers=0\ntx.lr=200\ntx.segment=16\n"
                           "tx.shift=1\ntx.window=32\n";
    cr_assert_eq(recipe_parse(nolayers, strlen(nolayers), &p, &e), SL_ERECIPE_VALUE);
    cr_assert(strstr(e.msg, "tx.layers"), "%s", e.msg);
    const char *o0 = "model=order0\n" CODEC_VERSION_LINE;
    cr_assert_eq(recipe_parse(o0, strlen(o0), &p, &e), 0, "%s", e.msg);
    recipe_canonical(&p, c, sizeof c);
    cr_assert_str_eq(c, CODEC_VERSION_LINE "model=order0\n");
    const char *u = "model=uniform\n" CODEC_VERSION_LINE "seed=1\n";
    cr_assert_eq(recipe_parse(u, strlen(u), &p, &e), SL_ERECIPE_KEY);
    cr_assert(strstr(e.msg, "seed"), "%s", e.msg);
    const char *nomodel = CODEC_VERSION_LINE "seed=1\n";
    cr_assert_eq(recipe_parse(nomodel, strlen(nomodel), &p, &e), SL_ERECIPE_MISSING);
    cr_assert(strstr(e.msg, "model"), "%s", e.msg);
}
