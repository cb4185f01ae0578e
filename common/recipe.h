/* common/recipe.h — the training recipe: what both ends build the model from.
 *
 * A recipe is text, one `key=value` per line; `#` starts a comment. Its
 * canonical form has the keys sorted, one of each, values normalised, and
 * every line ending in '\n'. Two recipes describe the same model exactly
 * when their canonical texts are equal, so the canonical text (and its
 * SHA-256, see recipe_sha.h) identifies the model on the wire.
 *
 *   recipe_params p; recipe_error e;
 *   int rc = recipe_parse(text, len, &p, &e);     // or recipe_preset("default", &p)
 *   if (rc) printf("line %d: %s\n", e.line, e.msg);
 *   char buf[RECIPE_MAX_TEXT]; recipe_canonical(&p, buf, sizeof buf);
 *
 * Every key the model uses is required (presets are full recipes): a
 * recipe never depends on defaults compiled into a particular version.
 * Each model class (`model=cm|tx|order0|uniform`) has its own set of
 * keys; a key of another class is refused. The one optional part is the
 * prior, a file both ends train on before the first byte: `prior.sha256`
 * and `prior.size` come together or not at all, and a recipe without them
 * is a recipe without a prior (its canonical text has no prior lines). A
 * recipe whose codec.version is not CODEC_VERSION is refused with
 * SL_EVERSION. */
#ifndef SL_RECIPE_H
#define SL_RECIPE_H

#include "bytebuf.h"
#include <stddef.h>
#include <stdint.h>

/* Bumped whenever any change alters model output (see tests/golden). */
#define CODEC_VERSION 12
#define SL_STR_(x) #x
#define SL_STR(x) SL_STR_(x)
/* "codec.version=N\n" for this build, for presets and tests. */
#define CODEC_VERSION_LINE "codec.version=" SL_STR(CODEC_VERSION) "\n"

#define RECIPE_MAX_TEXT   4096
#define RECIPE_MAX_ORDERS 16
#define RECIPE_MAX_SELECT 8

enum recipe_select {
    SEL_C0,      /* the partial byte: 256 weight sets */
    SEL_C1,      /* the previous byte and the bit position */
    SEL_KNOWN,   /* how many contexts have been seen before, bit position */
    SEL_MATCH,   /* match length bucket and expected bit */
    SEL_C0C1,    /* partial byte and previous byte: 65536 sets */
    SEL_WORD,    /* letters into the word so far, in a word or not; partial byte */
    SEL_KIND,    /* kind of the previous byte, the match's expected bit; partial byte */
    SEL_COLUMN,  /* column (up to 31); partial byte */
    SEL_CLASSES, /* classes of the last two bytes; partial byte */
    SEL_RECORD,  /* column in the record (while one is detected); bit position */
    SEL_NEST,    /* innermost open bracket or quote, nested or not; class of the
                    previous byte; partial byte (needs text.ctx) */
    SEL_SENTENCE, /* as word, on text with the words since the sentence began
                    (0, 1, 2-3, 4+; needs text.words) */
    SEL_MARGIN,  /* as column, with the columns past 23 in steps of 8 up to 79 */
    SEL_COUNT
};

/* The model classes (`model=`), each with its own set of keys. */
enum recipe_model {
    MODEL_CM,       /* context mixing, with an optional LSTM and Transformer */
    MODEL_TX,       /* the Transformer alone */
    MODEL_ORDER0,   /* byte frequencies only */
    MODEL_UNIFORM,  /* no model: every byte costs 8 bits */
    MODEL_COUNT
};

typedef struct recipe_params {
    int      model;           /* enum recipe_model */
    uint32_t codec_version;
    uint64_t seed;
    int      apm_count, apm_limit;
    int      apm_text;        /* SSE stages keyed by words on text (models/sse.h) */
    int      hash_bits;
    int      n_orders;
    uint8_t  orders[RECIPE_MAX_ORDERS];
    int      inputs;          /* mixer inputs per context, 1..5 */
    int      sparse, word, text, run;
    int      record;          /* record contexts (common/models/record.h) */
    int      binary;          /* binary-data contexts (common/models/binctx.h) */
    int      image;           /* 1-bit image model (common/models/image.h) */
    int      exe;             /* x86 code contexts (common/models/exe.h), 0 or 1 */
    int      risc;            /* fixed-width 32-bit code contexts (common/models/risc.h) */
    int      risc_sel;        /* how that code steers the mixer and SSE (0..3, risc.h) */
    int      buf_bits, match_hash_bits, match_min;
    int      match_ctx;       /* contexts keyed by the match's expected byte */
    int      match_min2;      /* a second match model's minimum length (0: none) */
    int      text_ctx;        /* word and page contexts (models/textctx.h) */
    int      text_words;      /* more word contexts (models/wordctx.h) */
    int      text_more;       /* indirect text contexts (models/textmore.h) */
    int      direct;          /* direct context maps (models/dmap.h) */
    int      mixer_lr;
    int      n_select;
    uint8_t  select[RECIPE_MAX_SELECT];
    int      sm_limit;
    int      sm_run;          /* state maps keyed by the byte history too (cm.c) */
    int      lstm_cells, lstm_horizon, lstm_lr;
    int      lstm_mix;        /* more mixer inputs from the LSTM (models/lstmmix.h) */
    int      lstm_warm;       /* KiB over which the LSTM's rate falls from 2 lr to lr */
    int      tx_layers, tx_dim, tx_heads, tx_ff, tx_window, tx_segment, tx_lr, tx_shift;
    int      train_replay;    /* extra training passes per segment (lstm, tx) */
    uint64_t prior_size;      /* bytes of the prior; 0: none */
    uint8_t  prior_sha256[32];
} recipe_params;

typedef struct recipe_error {
    int  line;        /* 1-based; 0 when the error is not about one line */
    char msg[200];
} recipe_error;

int recipe_parse(const char *text, size_t len, recipe_params *p,
                 recipe_error *err);
/* Writes the canonical text, NUL-terminated; returns its length or a
 * negative code when cap is too small. */
int recipe_canonical(const recipe_params *p, char *buf, size_t cap);
int recipe_preset(const char *name, recipe_params *p);
/* NUL-terminated list of preset names, for help text. */
extern const char *const recipe_preset_names[];
/* The compact form a recipe takes on the wire and in .slc files: the name
 * of the nearest preset, the codec version, and the canonical lines where
 * the recipe differs from that preset:
 *     u8 name length N (1..32) | N bytes name | varint codec version |
 *     varint D (0..RECIPE_MAX_TEXT) | D bytes of "key=value\n" lines
 * A preset itself packs to a few bytes. recipe_pack appends to out;
 * recipe_unpack reads one from in[0..n), sets *used, and refuses an unknown
 * preset (SL_EPRESET), another codec version (SL_EVERSION, before anything
 * else is read) and any bad line (its recipe error), with e filled in. */
int recipe_pack(const recipe_params *p, bytebuf *out);
int recipe_unpack(const uint8_t *in, size_t n, size_t *used, recipe_params *p,
                  recipe_error *e);
/* Layer-1 weight sets the mixer keeps for selector `sel` (enum
 * recipe_select) under these parameters. */
uint32_t recipe_select_sets(const recipe_params *p, int sel);
/* The name of a model class ("cm", "tx", ...). */
const char *recipe_model_name(int model);
/* How many contexts the cm model keeps (each a slot lookup per nibble),
 * the record and x86 contexts (in use only on binary records, x86 code)
 * included. */
int recipe_contexts(const recipe_params *p);
/* Bytes of memory the model needs, to check against a receiver's limit. */
uint64_t recipe_model_mem(const recipe_params *p);

#endif
