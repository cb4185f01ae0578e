/* common/models/cm_impl.h — the context-mixing model's state, shared by
 * its two files and no one else: cm.c (set-up, prediction, update,
 * digest) and cm_ctx.c (what happens at a byte boundary: the byte is
 * stored and every context for the next byte is computed, cm_byte).
 * Everything else calls the model through common/model.h. */
#ifndef SL_CM_IMPL_H
#define SL_CM_IMPL_H

#include "../model.h"
#include "../err.h"
#include "../fixmath.h"
#include "binctx.h"
#include "bithist.h"
#include "ctxmap.h"
#include "dmap.h"
#include "exe.h"
#include "image.h"
#include "lstm.h"
#include "lstmmix.h"
#include "match.h"
#include "mixer.h"
#include "record.h"
#include "risc.h"
#include "run.h"
#include "runhist.h"
#include "sse.h"
#include "textctx.h"
#include "wordctx.h"
#include "textmore.h"
#include "tlv.h"
#include "statemap.h"
#include "tx.h"

#include <stdlib.h>
#include <string.h>

#define CM_MAX_BASE (RECIPE_MAX_ORDERS + 3 + 4 + 7 + TEXTCTX_MAX + WORDCTX_MAX + TEXTMORE_MAX + 2)
#define CM_MAX_CTX (CM_MAX_BASE + BIN_MAX_CTX + TLV_NCTX + REC_MAX_CTX + EXE_NCTX + RISC_MAX_CTX)
#define CM_MAX_INPUTS 5
#define CM_CELL_BITS  16         /* log2 of the cell map's 64-byte blocks (4 MiB, cm.binary 13) */
#define CM_SEL_COMMON 6   /* selectors in cm.c's sel_common */
#define CM_SEL_DEF    4   /* ... in sel_def */
_Static_assert(CTXMAP_EXTRA >= RUNHIST_BYTES, "wide slots too small for the byte history");
/* Per context up to 5; two match models, run, Transformer (two), bias, image,
 * the cell map (two), the x86, the call and the branch expected bits (12); the LSTM's
 * (lstm.mix); the direct maps' (cm.direct). */
_Static_assert(CM_MAX_INPUTS * CM_MAX_CTX + 12 + LSTM_MIX_MAX_IN + DMAP_MAX * DMAP_INPUTS <= MIX_MAX_IN,
               "mixer too small for the largest recipe");
_Static_assert(LSTM_MIX_MAX_IN == 1 + 3, "lstm.mix gives stretch(p) and up to three APMs");

/* What cm_inputs reads of a bit-history state (cm.c, state_tables_init):
 * 16 bytes, one line holds four states. */
typedef struct cm_state_in {
    int32_t os_sub;                 /* one_sided: 65536 when the one value seen is 0 */
    int32_t os_mask;                /* ... -1 while one value at most was seen, else 0 */
    int16_t detm;                   /* -1 while one value only was seen (bh.det), else 0 */
    uint8_t damp;                   /* the first input's damping shift */
    uint8_t pad[5];
} cm_state_in;

typedef struct cm cm;
typedef struct cm {
    uint32_t (*predict)(cm *m);     /* the bodies for this shape (cm.c) */
    void     (*update)(cm *m, int bit);
    recipe_params rp;
    sq_table  sq;
    bh_table  bh;
    cm_state_in sin[256];           /* what cm_inputs reads of each state (cm.c) */
    uint16_t  rates[1024];
    ctxmap    cmap0, cmap1;         /* first nibbles; second nibbles */
    int       nctx;                 /* contexts always used */
    int       nlive;                /* ... and the binary and record contexts now in use */
    int       rec_on;               /* the record contexts are in use */
    int       tlv_off;              /* the record-header contexts are listed, not in use */
    int       tlv_on;               /* ... are in use */
    int       tin;                  /* the cell map's mixer inputs (cm.binary 13) */
    dmap      cell;                 /* ... a direct map on the fifth record-header context */
    int       text_off;             /* so are text.ctx's, on binary data */
    int       tlo;                  /* the first of text.ctx's contexts */
    int       ntext;                /* text.ctx's, text.words's and text.more's */
    int       xlo, xhi_max;         /* the code contexts: xlo .. xhi_max - 1, the x86
                                       ones (cm.exe) first, then cm.risc's */
    int       rlo;                  /* the first of cm.risc's */
    int       xfrom, xhi;           /* those now in use: xfrom .. xhi - 1 */
    int       xin;                  /* their first mixer input */
    int       exe_on, risc_on;      /* which of the two are in use at this byte */
    uint32_t  risc_sel, risc_sel2;  /* while risc_on: risc_sel's and risc_sel2's values at this byte */
    int       risc_steer;           /* while risc_on: cm.risc_sel, or 0 where it does not apply */
    int       nbase;                /* mixer inputs always given, bias last */
    int       ngiven;               /* mixer inputs given at the last bit */
    int       shape;                /* 1, 2: lean with that many contexts;
                                       3, 4, 5: that many inputs per context;
                                       6: two inputs per context; 0: any other */
    int       need_words, need_lines;  /* some context or selector reads them */
    int       need_known;           /* mixer.select lists `known` (cm_known) */
    int       sel_common;           /* mixer.select begins with cm.c's sel_common */
    int       sel_nest;             /* ... its first is `nest` in place of c0 */
    uint32_t  word_sets;            /* selector word's weight sets (`sentence`'s first) */
    int       sel_def;             /* ... or it begins with sel_def */
    int       plain_able;           /* the recipe allows the plain bodies (cm.c) */
    uint32_t  plain_sel[2];         /* while they run: the byte's part of the set
                                       numbers of selectors c1, word and kind */
    uint32_t  node;                 /* ... and the bits of this nibble so far
                                       behind a leading 1, kept by their update */
    uint64_t  ctxh[CM_MAX_CTX];     /* per-byte context hashes */
    uint64_t  hnib[CM_MAX_CTX][2];  /* second-nibble hashes, by the fourth bit */
    uint64_t  hb[CM_MAX_CTX];       /* first-nibble hashes, hash64(ctxh[i]), kept by
                                       cm_byte for contexts 0 .. nhb - 1 */
    int       nhb;
    uint64_t  pre[2][2][RECIPE_MAX_ORDERS];  /* cm_prefetch_byte's order-n ctxh and hb
                                       for either last bit, while pre_ok */
    int       pre_ok;
    uint64_t *lean_o1[2];           /* lean.c's hashes of contexts 0, 1 when of order
                                       1 or less (lean_init), else NULL */
    uint8_t  *slot[CM_MAX_CTX];     /* current nibble's slot per context */
    uint8_t  *slot0[CM_MAX_CTX];    /* the slot of this byte's first nibble */
    statemap  sm;                   /* 8 x 256 states per context; with
                                       sm.run (7 + RUNHIST_GROUPS) x 256 */
    uint32_t  sm_stride;            /* ... entries per context */
    uint32_t *se[CM_MAX_CTX];       /* each context's entry for this bit */
    statemap  rm;                   /* run inputs: RUNHIST_ROWS per context */
    uint32_t *re[CM_MAX_CTX];       /* each context's run entry, or NULL */
    runhist_cand rc[CM_MAX_CTX];    /* each context's run candidates */
    uint8_t  *sp[CM_MAX_CTX];       /* the state used for this bit, per context */
    uint8_t  *buf;                  /* history */
    uint32_t  mask, pos;
    uint64_t  c8;                   /* last 8 bytes, newest lowest */
    uint32_t  c0;                   /* partial byte with leading 1 */
    int       bitpos;
    uint64_t  w0, w1, w2;           /* word hashes: current, previous, before */
    uint16_t  ind1[256];            /* last two bytes seen after each byte */
    uint16_t *ind2;                 /* ... after each pair of bytes */
    uint32_t  col, line_start, prev_line;  /* column and line starts */
    uint32_t  wpos;                 /* letters since the word began */
    uint64_t  classes;              /* byte classes, 3 bits each */
    tlv_model tlv;                  /* variable-length records (cm.binary > 8) */
    record_model rec;               /* record length, record contexts */
    image_model img;                /* 1-bit images, rows of rec.len bytes */
    exe_model ex;                   /* x86 code: call and jump targets */
    risc_model rs;                  /* fixed-width 32-bit code */
    int       img_on;               /* the image model runs for this bit */
    uint32_t  img_w;                /* ... with rows of this many bytes */
    int       use_match, use_match2;
    match_model mm2;                /* a second one, of another length (match.min2) */
    match_model mm;
    run_model run;
    int       use_lstm;
    lstm      lm;
    lstm_mix  lmx;                  /* how its prediction reaches the mixer (lstm.mix) */
    int       use_tx;
    tx        tm;
    apm       txa;                  /* the Transformer's probability, refined by order 1 */
    mixer     mx;
    textctx   tx;                   /* text.ctx */
    wordctx   wx;                   /* text.words */
    textmore *tm2;                  /* text.more (NULL without) */
    dmap      dm;                   /* direct context maps (cm.direct) */
    sse_chain sse;
    uint32_t  misses;               /* bits the final prediction got wrong */
    uint32_t  misses3;              /* sse_misses3(misses) << 8, kept with it */
    uint32_t  pr_out;               /* the final prediction */
    uint64_t  trace;                /* fold of every probability given */
} cm;

/* The hash of context i, of order n < 8, when the last 8 bytes are c8
 * (cm_ctx.c's and lean.c's). */
static inline uint64_t cm_order_hash(uint64_t seed, int i, int n, uint64_t c8)
{
    uint64_t h = n ? c8 & ((1ull << (8 * n)) - 1) : 0;
    return hash64(h + seed) + (uint64_t)i * 0x9e3779b97f4a7c15ull;
}

/* The lean shapes' byte coder (lean.c): NULL unless this model takes it
 * (lean_fits, asked once by cm_init). */
const model_bytes *lean_coder(const cm *m);
/* Fills lean_o1 when lean_coder takes this model (after cm_pick_bodies);
 * cm_fini frees it. 0 or SL_ENOMEM. */
int lean_init(cm *m);

/* A byte is complete: store it, then compute every context for the next
 * (cm_ctx.c). */
void cm_byte(cm *m, int c);
/* At bit 7: fetch into cache what cm_byte and the lookup after it read. */
void cm_prefetch_byte(cm *m);

#endif
