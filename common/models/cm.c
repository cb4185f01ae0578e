/* common/models/cm.c — the context-mixing model ("cm"), built from the
 * parts beside it.
 *
 * For each bit it asks every context for a prediction, mixes them, and
 * refines the mix:
 *   contexts   order-n byte contexts (cm.orders), word contexts (cm.word:
 *              the current word; with the previous word; with the one
 *              before), sparse contexts that skip bytes (cm.sparse), text
 *              contexts (cm.text: the column with the byte above it; the
 *              two bytes that followed the last occurrences of the
 *              previous two bytes, or of the previous byte; the last three
 *              words; the classes of the last eight bytes; the word and
 *              the column; order 3 and the column), more text contexts
 *              (text.ctx, models/textctx.h) and word contexts (text.words,
 *              models/wordctx.h; the inputs of both are 0 while the
 *              record model's binary gate is on) and contexts keyed by the
 *              match's expected byte (match.ctx). Each maps, through the
 *              ctxmap, to a bit-history state; one StateMap row per
 *              context and bit position (with sm.run, per context and
 *              run group while a byte of the context's byte history
 *              agrees with the bits so far: runhist_group) turns the
 *              state into a probability p, given to the mixer as up to
 *              five inputs
 *              (cm.inputs): stretch(p); stretch(p) again when the history
 *              is one-sided; p - 1/2; p signed towards the one bit value
 *              seen (one_sided); and the run input from the context's
 *              byte history (run_input).
 *   match      the longest earlier occurrence predicts the next byte; a
 *              second match model (match.min2) follows matches of
 *              another minimum length.
 *   binary     (cm.binary) on binary data (the record model's gate):
 *              contexts that skip bytes or know the place in a 32-bit
 *              word (binctx.h), and past 8 of them, contexts of records
 *              with type/length headers (tlv.h, inputs 0 while no chain
 *              of headers is followed); they join the list after all
 *              others, before the record contexts, only while the gate
 *              is on. With all 13, the last one also keys the cell map:
 *              a one-map dmap.h (4 MiB), whose two inputs come after the
 *              image model's, given while a chain is followed.
 *   record     (cm.record) on binary data with a record length found by
 *              record.h: contexts from the record above, which join the
 *              list (and give the mixer their inputs, after all others)
 *              only while it is active.
 *   exe        (cm.exe) on x86 code, found by exe.h from near call targets:
 *              three contexts with their own places among the mixer's
 *              inputs (after the record and image inputs), and one input
 *              for the bit of the operand byte the target tables expect;
 *              selector `kind` then chooses by the place in the operand.
 *   image      (cm.image) while a row width of 4 or more is known (on a
 *              bitmap, found from the pixels by imgwidth.h, else the
 *              record length; with cm.image=1, only while the bytes look
 *              like a bitmap), a 1-bit image model with rows of that
 *              width (image.h): the
 *              mixer's last input, and a refinement of the final
 *              probability, after the SSE chain, used while it errs less.
 *   direct     (cm.direct) direct context maps (dmap.h): for a few text
 *              contexts (the word with the word before, order 3, the
 *              word, order 6) a probability per partial byte learnt from
 *              the bits seen, not through a bit history; two inputs each,
 *              before the bias.
 *   run        (cm.run) the byte that last followed each order context.
 *   lstm       (lstm.cells) a small LSTM's prediction of the byte: its bit
 *              probability, and with lstm.mix that probability refined by
 *              up to three APMs (lstmmix.h).
 *   tx         (tx.layers) a small Transformer's prediction of the byte:
 *              two inputs, its bit probability and that probability
 *              refined by an APM on order 1.
 *   mixer      a gated two-layer logistic mixer; its weight sets are
 *              chosen by the selectors in mixer.select (`word` and
 *              `column` choose by the record's column instead while the
 *              record contexts are active). The data models' inputs start
 *              at weight 0, so on text, which never gives them, the mixer
 *              computes what it would without them.
 *   sse        a chain of up to eight APM stages (models/sse.h).
 * All of it but the LSTM and the Transformer is integer; those two keep
 * the float rules of common/README.md. Either way every build computes
 * the same bits. */
#include "cm_impl.h"


static size_t cm_size(const recipe_params *p)
{
    (void)p;
    return sizeof(cm);
}

static void cm_fini(void *self);

static void run_candidates(cm *m);
static const uint8_t sel_common[CM_SEL_COMMON];
static const uint8_t sel_def[CM_SEL_DEF];
static void state_tables_init(cm *m);
static void cm_pick_bodies(cm *m);
static void cm_pick_plain(cm *m);
static int cm_plain_able(const cm *m);

static void cm_lookup(cm *m)
{
    if (m->dm.n) dmap_nibble(&m->dm, m->c0);
    if (m->tlv_on && m->cell.t) dmap_nibble(&m->cell, m->c0);
    if (m->bitpos == 0) {
        for (int i = 0; i < m->nlive; i++)
            m->slot0[i] = m->slot[i] =
                ctxmap_find(&m->cmap0, &m->bh, i < m->nhb ? m->hb[i] : hash64(m->ctxh[i]));
        for (int i = m->xfrom; i < m->xhi; i++)
            m->slot0[i] = m->slot[i] = ctxmap_find(&m->cmap0, &m->bh, hash64(m->ctxh[i]));
        if (m->rp.inputs >= 5) run_candidates(m);
        return;
    }
    if (m->shape == 1 || m->shape == 2) {
        /* The lean shapes (small tables, two contexts at most) fetch
         * nothing ahead. */
        uint64_t nib = (uint64_t)m->c0 * 0x9e3779b97f4a7c15ull;
        for (int i = 0; i < m->nlive; i++)
            m->slot[i] = ctxmap_find(&m->cmap1, &m->bh, hash64(m->ctxh[i] + nib));
        return;
    }
    /* The second nibble: the hash cm_prefetch computed for this value of
     * the fourth bit. */
    int b = (int)(m->c0 & 1);
    for (int i = 0; i < m->nlive; i++)
        m->slot[i] = ctxmap_find(&m->cmap1, &m->bh, m->hnib[i][b]);
    for (int i = m->xfrom; i < m->xhi; i++)
        m->slot[i] = ctxmap_find(&m->cmap1, &m->bh, m->hnib[i][b]);
}

/* The hashes of context i's second nibble for either value of the fourth
 * bit, kept for cm_lookup, and both buckets fetched. */
static inline void prefetch_nibbles(cm *m, int i, uint64_t n0, uint64_t n1)
{
    uint64_t h0 = m->hnib[i][0] = hash64(m->ctxh[i] + n0);
    uint64_t h1 = m->hnib[i][1] = hash64(m->ctxh[i] + n1);
    ctxmap_prefetch(&m->cmap1, h0);
    ctxmap_prefetch(&m->cmap1, h1);
}

/* One bit before the second nibble's lookup (bit 3), fetch both buckets it
 * may need, so the lookup finds them in cache. (Its hashes are kept for the
 * lookup; they also keep it alive: a static function whose only effect is
 * __builtin_prefetch counts as pure to gcc, and gcc -O3 dropped the call
 * to the fetch-only version this replaced.) */
static void cm_prefetch(cm *m)
{
    uint64_t n0 = (uint64_t)(m->c0 << 1) * 0x9e3779b97f4a7c15ull;
    uint64_t n1 = (uint64_t)(m->c0 << 1 | 1) * 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < m->nlive; i++) prefetch_nibbles(m, i, n0, n1);
    for (int i = m->xfrom; i < m->xhi; i++) prefetch_nibbles(m, i, n0, n1);
}

/* The Transformer inside cm: its own settings (tx.*); the mixer gets
 * stretch(p_tx) like the LSTM's, and stretch of p_tx refined by an APM
 * keyed by the partial and the previous byte (0.05% on the development
 * text). (Also tried, on the development set: an APM keyed by the byte tx
 * expects, a final mixer of the estimate and p_tx selected by tx's
 * confidence, a second input linear in p_tx, and a mixer selector of
 * p_tx's confidence and the partial byte in place of c0 or classes; none
 * gained, the selector lost 0.4-0.6%. Later, with tx reading the match's
 * byte: an APM after the SSE chain keyed by p_tx quantised to 16 levels
 * and order 1 lost 0.22%; p_tx's input scaled or clipped not measured.)
 * Inside cm the Transformer also reads, at each position, hints of what
 * cm knows (cm_ctx.c, tx_hints): the byte the match model expects with
 * the match's length, the word, the last three bytes. cm_byte calls
 * tx_byte once the matches have spoken. */
static int cm_tx_init(cm *m, const recipe_params *p)
{
    m->use_tx = p->tx_layers > 0;
    if (!m->use_tx) return 0;
    tx_cfg c;
    tx_cfg_from_recipe(&c, p, 1);
    int rc = tx_init(&m->tm, &c, p->seed);
    if (!rc) rc = apm_init(&m->txa, 65536, p->apm_limit, m->rates, &m->sq);
    return rc;
}

/* The mixer: an input per model that runs (the bias too), the data
 * models' last; its weight sets as mixer.select asks. */
static int cm_mixer_init(cm *m, const recipe_params *p)
{
    uint32_t sizes[MIX_MAX_SEL];
    for (int k = 0; k < p->n_select; k++) sizes[k] = recipe_select_sets(p, p->select[k]);
    m->nbase = p->inputs * m->nctx + m->use_match + m->use_match2 + p->run +
               (m->use_lstm ? lstm_mix_n(m->lmx.mode) : 0) +
               2 * m->use_tx + m->dm.n * DMAP_INPUTS + 1;
    m->tin = m->nbase + p->inputs * (p->binary + p->record) + (p->image > 0);
    m->xin = m->tin + DMAP_INPUTS * (p->binary > BIN_MAX_CTX + TLV_NCTX - 1);
    /* The x86 contexts' inputs and the expected bit's, then cm.risc's. */
    int inputs = m->xin + p->inputs * (m->xhi_max - m->xlo) + (m->rlo > m->xlo) +
                 (p->risc >= RISC_CALL_CTX) + (p->risc >= RISC_BR_CTX);
    int rc = mixer_init(&m->mx, inputs, sizes, p->n_select, p->mixer_lr, &m->sq);
    if (rc) return rc;
    /* The data models' inputs start at weight 0: on text, which never
     * gives them, the mixer starts as it would without them. */
    if (inputs > m->nbase) mixer_start_weights(&m->mx, m->nbase);
    return 0;
}

static int cm_init(void *self, const recipe_params *p)
{
    cm *m = self;
    memset(m, 0, sizeof *m);
    m->rp = *p;
    sq_table_init(&m->sq);
    bh_table_init(&m->bh);
    state_tables_init(m);
    sm_rates_init(m->rates);
    int nall = recipe_contexts(p);  /* the data contexts included */
    int nexe = p->exe ? EXE_NCTX : 0;
    m->nctx = m->nlive = nall - p->binary - p->record - nexe - p->risc;
    m->xlo = m->xfrom = m->xhi = m->nctx + p->binary + p->record;
    m->rlo = m->xlo + nexe;
    m->xhi_max = m->rlo + p->risc;
    m->tlo = p->n_orders + p->word + p->sparse + p->text;
    m->ntext = p->text_ctx + p->text_words + p->text_more;
    m->need_words = p->word || p->text || p->direct || p->apm_text;
    m->need_lines = p->text;
    m->sel_common = p->n_select >= CM_SEL_COMMON;
    m->sel_nest = p->n_select > 0 && p->select[0] == SEL_NEST;
    m->word_sets = recipe_select_sets(p, SEL_WORD);
    for (int k = 0; k < CM_SEL_COMMON && k < p->n_select; k++)
        m->sel_common &= p->select[k] == sel_common[k] || (k == 0 && m->sel_nest);
    m->sel_def = !m->sel_common && p->n_select >= CM_SEL_DEF;
    for (int k = 0; k < CM_SEL_DEF && k < p->n_select; k++)
        m->sel_def &= p->select[k] == sel_def[k];
    for (int k = 0; k < p->n_select; k++) {
        m->need_known |= p->select[k] == SEL_KNOWN;
        m->need_words |= p->select[k] == SEL_WORD || p->select[k] == SEL_SENTENCE;
        m->need_lines |= p->select[k] == SEL_COLUMN || p->select[k] == SEL_MARGIN || p->select[k] == SEL_CLASSES;
    }
    /* Half the table for each nibble (cm.hash_bits: 16 << bits bytes). */
    int rc = ctxmap_init(&m->cmap0, p->hash_bits - 3, p->inputs >= 5);
    if (!rc) rc = ctxmap_init(&m->cmap1, p->hash_bits - 3, 0);
    if (rc) goto fail;
    /* With sm.run each context has a state map per run group
     * (runhist_group): what its byte history expects of this bit. */
    uint32_t groups = p->sm_run && p->inputs >= 5 ? RUNHIST_GROUPS : 1;
    m->sm_stride = 256 * (8 + groups - 1);
    rc = sm_init(&m->sm, (uint32_t)nall * m->sm_stride, p->sm_limit, m->rates);
    if (rc) goto fail;
    /* Start each state at its count-based estimate. */
    for (int s = 1; s < m->bh.count; s++) {
        uint32_t n0 = m->bh.n0[s], n1 = m->bh.n1[s];
        for (uint32_t b = 0; b < (8 + groups - 1) * (uint32_t)nall; b++)
            sm_set(&m->sm, b * 256 + (uint32_t)s, (n1 * 2 + 1) * 65536 / (n0 * 2 + n1 * 2 + 2));
    }
    if (p->inputs >= 5 &&
        (rc = sm_init(&m->rm, (uint32_t)nall * RUNHIST_ROWS, p->sm_limit, m->rates)))
        goto fail;
    if (p->text_more && !(m->tm2 = malloc(sizeof *m->tm2))) {
        rc = SL_ENOMEM;
        goto fail;
    }
    if (m->tm2) textmore_init(m->tm2);   /* 768 KiB, used only with text.more */
    if (p->text >= 2 && !(m->ind2 = calloc(65536, sizeof *m->ind2))) {
        rc = SL_ENOMEM;
        goto fail;
    }
    m->mask = (1u << p->buf_bits) - 1;
    m->buf = calloc((size_t)m->mask + 1, 1);
    if (!m->buf) { rc = SL_ENOMEM; goto fail; }
    m->use_match = p->match_min > 0;
    if (m->use_match) {
        rc = match_init(&m->mm, p->match_min, p->match_hash_bits, m->rates);
        if (rc) goto fail;
    }
    if (p->run && (rc = run_init(&m->run, p->n_orders, p->hash_bits - 2, m->rates)))
        goto fail;
    m->use_lstm = p->lstm_cells > 0;
    if (m->use_lstm && (rc = lstm_init(&m->lm, p->lstm_cells, p->lstm_horizon, p->lstm_lr,
                                       p->train_replay, p->seed)))
        goto fail;
    if (m->use_lstm) lstm_set_warm(&m->lm, p->lstm_warm);
    if (m->use_lstm && (rc = lstm_mix_init(&m->lmx, p->lstm_mix, p->apm_limit, m->rates,
                                           &m->sq)))
        goto fail;
    if ((rc = cm_tx_init(m, p))) goto fail;
    m->use_match2 = m->use_match && p->match_min2 > 0;
    if (m->use_match2 &&
        (rc = match_init(&m->mm2, p->match_min2, p->match_hash_bits, m->rates)))
        goto fail;
    if (p->direct && (rc = dmap_init(&m->dm, p->direct, DMAP_BITS, 1023, m->rates))) goto fail;
    if ((rc = cm_mixer_init(m, p))) goto fail;
    rec_init(&m->rec);
    tlv_init(&m->tlv);
    if (p->binary > BIN_MAX_CTX + TLV_NCTX - 1 &&
        (rc = dmap_init(&m->cell, 1, CM_CELL_BITS, 1023, m->rates)))
        goto fail;
    if (p->exe && (rc = exe_init(&m->ex, m->rates))) goto fail;
    if ((rc = risc_init(&m->rs, (p->risc >= RISC_CALL_CTX) + (p->risc >= RISC_BR_CTX), m->rates))) goto fail;
    if (p->image && (rc = img_init(&m->img, &m->sq, &m->bh, m->rates))) goto fail;
    textctx_init(&m->tx);
    if (p->text_words) wordctx_init(&m->wx); /* 384 KiB, used only then */
    rc = sse_init(&m->sse, p->apm_count, p->apm_limit, m->rates, &m->sq);
    if (rc) goto fail;
    if (p->n_select == 1 && !p->run && !p->apm_count && !m->use_lstm && !m->use_tx &&
        m->nctx <= 2 && p->inputs == 1 && !m->use_match2 && !p->record && !p->binary && !p->image &&
        !p->exe && !p->risc && !p->direct)
        m->shape = m->nctx;
    else if (p->inputs >= 3)
        m->shape = p->inputs;
    else if (p->inputs == 2)
        m->shape = 6;
    /* Every shape but the lean ones writes the inputs into x itself. */
    if (m->shape == 0 || m->shape >= 3) mixer_given(&m->mx);
    cm_pick_bodies(m);
    m->plain_able = cm_plain_able(m);
    if (m->plain_able) {
        /* select_plain selects these without asking whether they are
         * written: 320 sets, nearly all in use after a few bytes of text. */
        mixer_ready_sel(&m->mx, 0, recipe_select_sets(p, SEL_C0));
        mixer_ready_sel(&m->mx, 1, recipe_select_sets(p, SEL_MATCH));
        /* ... and the SSE stage's knots (2048 contexts, 264 KiB), which
         * the plain bodies read without asking (sse_p1_ready). */
        if (m->sse.n) apm_ready_all(&m->sse.a[0]);
    }
    if ((rc = lean_init(m))) goto fail;
    m->c0 = 1;
    for (int i = 0; i < m->nctx; i++) m->ctxh[i] = hash64(p->seed + (uint64_t)i);
    cm_lookup(m);
    return 0;
fail:
    cm_fini(m);
    return rc;
}

static void cm_fini(void *self)
{
    cm *m = self;
    ctxmap_fini(&m->cmap0);
    ctxmap_fini(&m->cmap1);
    free(m->lean_o1[0]);
    free(m->lean_o1[1]);
    m->lean_o1[0] = m->lean_o1[1] = NULL;
    sm_fini(&m->sm);
    sm_fini(&m->rm);
    dmap_fini(&m->cell);
    dmap_fini(&m->dm);
    free(m->buf);
    m->buf = NULL;
    free(m->ind2);
    m->ind2 = NULL;
    free(m->tm2);
    m->tm2 = NULL;
    if (m->use_match) match_fini(&m->mm);
    if (m->use_match2) match_fini(&m->mm2);
    if (m->rp.run) run_fini(&m->run);
    if (m->use_lstm) {
        lstm_fini(&m->lm);
        lstm_mix_fini(&m->lmx);
    }
    if (m->use_tx) {
        tx_fini(&m->tm);
        apm_fini(&m->txa);
    }
    if (m->rp.image) img_fini(&m->img);
    exe_fini(&m->ex);
    risc_fini(&m->rs);
    mixer_fini(&m->mx);
    sse_fini(&m->sse);
}

/* At a byte's start, each context's run candidates (models/runhist.h). */
static void run_candidates(cm *m)
{
    for (int i = 0; i < m->nlive; i++) runhist_candidates(m->slot0[i] + 16, &m->rc[i]);
    for (int i = m->xfrom; i < m->xhi; i++) runhist_candidates(m->slot0[i] + 16, &m->rc[i]);
}

/* The run input of context i (models/runhist.h) at run row `row`
 * (runhist_row's), or 0. */
static inline int run_input(cm *m, int i, int row)
{
    if (row < 0) {
        m->re[i] = NULL;
        return 0;
    }
    uint32_t *e = m->re[i] = m->rm.t + (uint32_t)i * RUNHIST_ROWS + (uint32_t)row;
    return sq_stretch(&m->sq, *e >> 16);
}


/* The bodies of predict and update, written once. `nctx`, `inputs`,
 * `lean` and `plain` are constants in the copies each shape gets
 * (cm_shapes.h; lean: one selector, one or two contexts, no run model, APM
 * or LSTM, predicted by predict_lean; plain: shape 3 at a byte where no
 * data model is in use), so the compiler unrolls and prunes those copies;
 * the computed bits are the same whichever copy runs (test_cmplain). */
#if defined(__GNUC__)
#define CM_BODY static inline __attribute__((always_inline))
#else
#define CM_BODY static inline
#endif

/* Per bit-history state, what cm_inputs reads of it, in one table rather
 * than branches, which the states would mispredict (sin[s]):
 *   os_sub, os_mask  for the fourth input (one_sided): the mask is -1
 *            while state s has seen one bit value at most, and os_sub is
 *            65536 when that value is 0;
 *   detm     for the second: -1 while s has seen one bit value only;
 *   damp     for the first: the shift that damps stretch(p) while the
 *            history is young: 2 for a context never seen, 1 for one
 *            seen once or twice (development text, max: 0.04% for the
 *            halving), else 0. */
static void state_tables_init(cm *m)
{
    const bh_table *bh = &m->bh;
    for (int s = 0; s < 256; s++) {
        cm_state_in *t = &m->sin[s];
        int one = bh->n0[s] == 0 || bh->n1[s] == 0;
        t->os_mask = -one;
        t->os_sub = bh->n0[s] != 0 && bh->n1[s] == 0 ? 65536 : 0;
        t->detm = (int16_t)-(bh->det[s] != 0);
        t->damp = (uint8_t)(s == 0 ? 2 : bh->n0[s] + bh->n1[s] < 3 ? 1 : 0);
    }
}

/* The fourth input of a context: its probability, signed towards the
 * only bit value its history has seen (+p for ones, -(1 - p) for zeros),
 * 0 once it has seen both. */
static inline int one_sided(const cm_state_in *t, uint32_t p16)
{
    return (((int)p16 - t->os_sub) & t->os_mask) >> 6;
}

#include "cm_sel.h"

/* Writes the `inputs` mixer inputs of contexts i0..i1-1 to x (context
 * i0's first), and their states' places for the update (sp). */
CM_BODY void cm_inputs(cm *m, int i0, int i1, int inputs, uint32_t node, int16_t *x)
{
    uint32_t row = (uint32_t)m->bitpos * 256;
    x -= i0 * inputs;
    for (int i = i0; i < i1; i++) {
        uint8_t *sp = m->sp[i] = m->slot[i] + node;
        uint8_t s = *sp;
        /* With five inputs, the run row: the run input's, and with
         * sm.run the state map's group (sm_stride). */
        int rr = inputs >= 5 ? runhist_row(&m->rc[i], m->c0, m->bitpos) : -1;
        uint32_t g = inputs >= 5 && m->sm_stride > 2048 ? runhist_group(rr) : 0;
        uint32_t *e = m->se[i] = m->sm.t + (uint32_t)i * (inputs < 5 ? 2048 : m->sm_stride)
                                 + (g ? (7 + g) * 256 : row) + s;
        uint32_t p16 = *e >> 16;
        int st = sq_stretch(&m->sq, p16);
        if (inputs == 1) { x[i] = (int16_t)st; continue; }
        int16_t *xi = x + i * inputs;
        /* With three inputs or more, stretch(p) damped while the
         * history is young (damp, state_tables_init). */
        const cm_state_in *t = &m->sin[s];
        xi[0] = (int16_t)(inputs < 3 ? st : st >> t->damp);
        xi[1] = (int16_t)(st & t->detm);
        if (inputs >= 3) xi[2] = (int16_t)(((int)p16 - 32768) >> 5);
        if (inputs >= 4) xi[3] = (int16_t)one_sided(t, p16);
        if (inputs >= 5) xi[4] = (int16_t)run_input(m, i, rr);
    }
}

/* Contexts first..first + n - 1 are listed but not in use at this bit:
 * their inputs are 0, so they neither add to a sum nor train a weight. */
static inline void silence(int16_t *x, int first, int n, int inputs)
{
    for (int j = first * inputs; j < (first + n) * inputs; j++) x[j] = 0;
}

/* The data models' mixer inputs, after the bias at x[n - 1]: the record
 * contexts', then the image model's; returns the inputs now given. */
CM_BODY int data_inputs(cm *m, int inputs, uint32_t node, int16_t *x, int n)
{
    cm_inputs(m, m->nctx, m->nlive, inputs, node, x + n);
    /* The record-header contexts, while no chain of headers is followed. */
    if (m->tlv_off) silence(x + n, BIN_MAX_CTX, m->rp.binary - BIN_MAX_CTX, inputs);
    n += (m->nlive - m->nctx) * inputs;
    if (m->img_on) {
        uint32_t left = (uint32_t)(m->c8 << m->bitpos) | (m->c0 & ((1u << m->bitpos) - 1));
        x[n++] = (int16_t)img_predict(&m->img, m->buf, m->mask, m->pos, m->img_w,
                                      m->bitpos, left);
    }
    if (m->tlv_on && m->cell.t) {
        /* The cell map: a probability per context and partial byte, not
         * through a bit history (a cell's value follows a distribution
         * of its column that bit histories only approximate). */
        for (; n < m->tin; n++) x[n] = 0;
        dmap_inputs(&m->cell, &m->sq, node, x + n);
        n += DMAP_INPUTS;
    }
    if (m->xhi > m->xfrom) {
        /* The code contexts' inputs have places of their own, after the
         * record contexts', the image model's and the cell map's: the
         * x86 contexts' and the expected bit's, then cm.risc's. */
        for (; n < m->xin; n++) x[n] = 0;
        if (m->exe_on) {
            cm_inputs(m, m->xlo, m->rlo, inputs, node, x + n);
            n += (m->rlo - m->xlo) * inputs;
            x[n++] = (int16_t)exe_predict(&m->ex, &m->sq, m->c0, m->bitpos);
        } else if (m->rlo > m->xlo) {
            silence(x + n, 0, m->rlo - m->xlo, inputs);
            n += (m->rlo - m->xlo) * inputs;
            x[n++] = 0;
        }
        if (m->risc_on) {
            cm_inputs(m, m->rlo, m->xhi_max, inputs, node, x + n);
            n += (m->xhi_max - m->rlo) * inputs;
            if (m->rs.calls) x[n++] = (int16_t)rcall_predict(&m->rs.call, &m->sq, m->c0, m->bitpos);
            if (m->rs.calls >= 2) x[n++] = (int16_t)rcall_predict(&m->rs.br, &m->sq, m->c0, m->bitpos);
        }
    }
    return n;
}

/* What the SSE chain is keyed by at this bit. */
static inline sse_in cm_sse_in(const cm *m)
{
    return (sse_in){
        .c0 = m->c0, .c8 = m->c8, .word = m->w0, .misses = m->misses,
        .wprev = m->w1, .words = m->rp.apm_text,
        .text = !m->rec.is_binary,
        .expect = m->use_match && m->mm.expect >= 0 ? m->mm.pbyte - 256 : -1,
        .mlen = !m->use_match || m->mm.expect < 0 ? 0
              : m->mm.len < 16 ? 1 : m->mm.len < 32 ? 2 : 3,
        /* On fixed-width code with cm.risc_sel 3: its first context (the
         * place, the bytes so far, the last opcode) keys stage 4. */
        .code = m->risc_on && m->risc_steer >= 3 ? m->ctxh[m->rlo] : 0,
    };
}

/* The final probability, kept for the update and folded into the trace. */
static inline uint32_t predict_out(cm *m, uint32_t pr)
{
    if (pr < 1) pr = 1;
    if (pr > 65535) pr = 65535;
    m->pr_out = pr;
    m->trace = (m->trace ^ pr) * 0x100000001b3ull;
    return pr;
}

/* The lean shapes (one selector, one or two contexts, the match, no SSE):
 * the selector is chosen first, then each input is written and added to
 * the dot product in a local (mixer_added), the bias last. */
CM_BODY uint32_t predict_lean(cm *m, int nctx)
{
    int k = m->bitpos & 3;
    uint32_t node = (1u << k) | (m->c0 & ((1u << k) - 1));
    uint32_t c1 = (uint32_t)(m->c8 & 0xff);
    /* Before the selector: `known`, `match` and `kind` read the match. */
    int mst = m->use_match ? match_predict(&m->mm, &m->sq, m->c0, m->bitpos, c1) : 0;
    uint8_t s[2];
    int known = 0;
    for (int i = 0; i < nctx; i++) {
        uint8_t *sp = m->sp[i] = m->slot[i] + node;
        s[i] = *sp;
        known += s[i] != 0;
    }
    int sel = m->rp.select[0];
    mixer_select(&m->mx, 0, sel == SEL_C0 ? m->c0 : sel_value(m, sel, known, c1));
    const int16_t *w = m->mx.cur[0];
    int16_t *x = m->mx.x;
    uint32_t *row = m->sm.t + (uint32_t)m->bitpos * 256;
    int st[4], n = 0;
    for (int i = 0; i < nctx; i++) {
        uint32_t *e = m->se[i] = row + (uint32_t)i * 2048 + s[i];
        st[n++] = sq_stretch(&m->sq, *e >> 16);
    }
    if (m->use_match) st[n++] = mst;
    st[n++] = 256;   /* the bias */
    int64_t acc = 0;
    for (int i = 0; i < n; i++) {
        x[i] = (int16_t)st[i];
        acc += (int32_t)w[i] * st[i];
    }
    mixer_added(&m->mx, n, acc);
    return predict_out(m, mixer_mix(&m->mx, (int)m->c0));
}

/* With `plain` (the plain bodies, cm_pick_plain): only the contexts, the
 * match, the bias, selectors sel_def and one SSE stage (plain 1) or none
 * (plain 2) are in use at this byte, so every other model's test is left
 * out at compile time. */
CM_BODY uint32_t predict_body(cm *m, int nctx, int inputs, int plain)
{
    const recipe_params *p = &m->rp;
    int k = m->bitpos & 3;
    uint32_t node = plain ? m->node : (1u << k) | (m->c0 & ((1u << k) - 1));
    uint32_t c1 = (uint32_t)(m->c8 & 0xff);
    int mst = plain || m->use_match ? match_predict(&m->mm, &m->sq, m->c0, m->bitpos, c1) : 0;
    /* The SSE chain's keys are known once the match has spoken: its
     * hashed stages' rows are fetched now, while the mixer works. (One
     * stage needs no keys but c0 and the misses: sse_p1.) */
    sse_in in = {0};
    if (!plain && m->sse.n > 1) in = cm_sse_in(m);
    if (!plain && m->sse.n > 2) sse_prefetch(&m->sse, &in);
    /* The inputs first, then the selectors (some read the states and
     * the match), so the stores of the inputs have retired before the
     * dot products load them. */
    int16_t *x = m->mx.x;
    cm_inputs(m, 0, nctx, inputs, node, x);
    int n = nctx * inputs;
    if (plain) {
        x[n++] = (int16_t)mst;
        x[n++] = 256;   /* the bias */
        for (int i = n; i < m->ngiven; i++) x[i] = 0;
        m->ngiven = m->mx.nx = n;
        select_plain(m);
        uint32_t pr = mixer_mix_sel(&m->mx, (int)m->c0, CM_SEL_DEF);
        return predict_out(m, plain == 2 ? pr : sse_p1_ready(&m->sse, &m->sq, pr, m->c0 | m->misses3));
    }
    /* text.ctx's contexts, on binary data. */
    if (m->text_off) silence(x, m->tlo, m->ntext, inputs);
    if (m->use_match) x[n++] = (int16_t)mst;
    if (m->use_match2) x[n++] = (int16_t)match_predict(&m->mm2, &m->sq, m->c0, m->bitpos, c1);
    if (p->run) x[n++] = (int16_t)run_predict(&m->run, &m->sq, m->c0, m->bitpos);
    if (m->use_lstm) {
        lstm_mix_inputs(&m->lmx, &m->lm, &m->sq, m->c0, c1, m->bitpos, x + n);
        n += lstm_mix_n(m->lmx.mode);
    }
    if (m->use_tx) {
        uint32_t pt = tx_p(&m->tm, m->c0);
        x[n++] = (int16_t)sq_stretch(&m->sq, pt);
        x[n++] = (int16_t)sq_stretch(&m->sq, apm_p(&m->txa, &m->sq, pt, m->c0 | c1 << 8));
    }
    if (m->dm.n) {
        dmap_inputs(&m->dm, &m->sq, node, x + n);
        if (m->text_off) silence(x + n, 0, m->dm.n, DMAP_INPUTS);
        n += m->dm.n * DMAP_INPUTS;
    }
    x[n++] = 256;   /* the bias */
    if (m->nlive + m->img_on > nctx || m->xhi > m->xfrom)
        n = data_inputs(m, inputs, node, x, n);
    /* Inputs given at the bit before and not now are cleared (mixer.h). */
    for (int i = n; i < m->ngiven; i++) x[i] = 0;
    m->ngiven = m->mx.nx = n;
    cm_select(m, p->n_select);
    uint32_t pr = mixer_mix(&m->mx, (int)m->c0);
    pr = m->sse.n > 1 ? sse_p(&m->sse, &m->sq, pr, &in)
       : m->sse.n ? sse_p1(&m->sse, &m->sq, pr, m->c0 | m->misses3) : pr;
    if (m->img_on) pr = img_refine(&m->img, pr);
    return predict_out(m, pr);
}

/* Trains contexts i0..i1-1 on the bit (their run inputs too with
 * `inputs` 5). */
CM_BODY void train_contexts(cm *m, int bit, int i0, int i1, int lean, int inputs)
{
    /* In locals: a store through sp (a byte) may alias anything in m, so
     * the compiler would load them again at every context. */
    const uint16_t *rates = m->rates;
    const uint8_t (*next)[2] = m->bh.next;
    uint32_t limit = m->sm.limit, rlimit = m->rm.limit;
    int runs = !lean && inputs >= 5;
    for (int i = i0; i < i1; i++) {
        uint8_t *sp = m->sp[i];
        sm_train(m->se[i], bit, rates, limit);
        if (runs && m->re[i]) sm_train(m->re[i], bit, rates, rlimit);
        *sp = next[*sp][bit];
    }
}

/* The models besides the contexts, the match, the mixer and the SSE
 * chain, trained on the bit. */
CM_BODY void update_more(cm *m, int bit)
{
    if (m->use_match2) match_update(&m->mm2, bit);
    if (m->rp.run) run_update(&m->run, bit);
    if (m->img_on) img_update(&m->img, bit);
    if (m->tlv_on && m->cell.t) dmap_update(&m->cell, bit);
    if (m->exe_on) exe_update(&m->ex, bit);
    if (m->risc_on && m->rs.calls) rcall_update(&m->rs.call, bit);
    if (m->risc_on && m->rs.calls >= 2) rcall_update(&m->rs.br, bit);
    if (m->use_tx) apm_update(&m->txa, bit);
    if (m->use_lstm) lstm_mix_update(&m->lmx, bit);
    if (m->dm.n) dmap_update(&m->dm, bit);
}

CM_BODY void update_body(cm *m, int bit, int nctx, int lean, int inputs, int plain)
{
    train_contexts(m, bit, 0, nctx, lean, inputs);
    if (!lean && !plain) train_contexts(m, bit, m->xfrom, m->xhi, 0, inputs);
    if (plain || m->use_match) match_update(&m->mm, bit);
    if (!lean && !plain) update_more(m, bit);
    if (plain) mixer_update_sel(&m->mx, bit, CM_SEL_DEF);
    else mixer_update(&m->mx, bit);
    if (plain == 1) {
        apm_update(&m->sse.a[0], bit);
    } else if (!lean && !plain) {
        sse_update(&m->sse, bit);
    }
    /* The mispredictions key the SSE chain alone: without a stage
     * (plain 2) no one reads them. */
    if (!lean && plain != 2) {
        m->misses = sse_misses_push(m->misses, (uint32_t)((m->pr_out >= 32768) != bit),
                                    &m->misses3);
    }
    m->c0 = (m->c0 << 1) | (uint32_t)bit;
    m->bitpos++;
    if (plain) m->node = m->bitpos & 3 ? m->node * 2 + (uint32_t)bit : 1;
    if (m->bitpos == 8) {
        cm_byte(m, (int)(m->c0 & 0xff));
        m->c0 = 1;
        m->bitpos = 0;
        if (m->plain_able) cm_pick_plain(m);
        cm_lookup(m);
    } else if (m->bitpos == 4) {
        cm_lookup(m);
    } else if (m->bitpos == 3 && !lean) {
        cm_prefetch(m);
    } else if (m->bitpos == 7 && !lean) {
        cm_prefetch_byte(m);
    }
    /* The next bit's rows of the first two SSE stages: a cache miss there
     * stalled sse_p. */
    if (plain == 1) apm_prefetch(&m->sse.a[0], m->c0 | m->misses3);   /* its one stage */
    else if (!lean) sse_prefetch_next(&m->sse, m->c0, (uint32_t)m->c8 & 0xff, m->misses3);
}

#include "cm_shapes.h"

static uint32_t cm_predict(void *self)
{
    cm *m = self;
    return m->predict(m);
}

static void cm_update(void *self, int bit)
{
    cm *m = self;
    m->update(m, bit);
}

/* The lean shapes code whole bytes (lean.c); the others bit by bit. */
static const model_bytes *cm_bytes(const void *self)
{
    return lean_coder(self);
}

/* The digest covers every probability the model has produced (the trace:
 * two ends with the same trace coded and decoded the same bits), and the
 * small state that steers the next predictions: position, recent bytes,
 * word and context hashes, the match, layer 2 of the mixer, the LSTM's
 * cell state. The learned tables (state maps, mixer weights, APMs, hash
 * tables, LSTM weights: up to megabytes) are left out: hashing them at
 * every chunk would cost as much as coding a small chunk, and a difference
 * in them shows in the trace as soon as it changes a prediction. */
static uint64_t cm_digest(const void *self)
{
    const cm *m = self;
    uint64_t h = 0x5361747961ull;
    h = dg_u64(h, m->trace);
    h = dg_u64(h, m->c8);
    h = dg_u64(h, m->c0 | (uint64_t)m->bitpos << 32);
    h = dg_u64(h, m->pos);
    h = dg_u64(h, m->w0 ^ (m->w1 * 3) ^ (m->w2 * 7));
    h = dg_bytes(h, m->ctxh, CM_MAX_BASE * sizeof *m->ctxh);
    if (m->rec.len || m->rec.is_binary) {
        /* The data models, once they have seen binary data. */
        h = dg_bytes(h, m->ctxh + CM_MAX_BASE, (BIN_MAX_CTX + TLV_NCTX + REC_MAX_CTX) * sizeof *m->ctxh);
        h = dg_u64(h, m->rec.len | (uint64_t)m->rec.col << 32);
        h = dg_u64(h, m->img_w);
        h = dg_u64(h, m->tlv.end | (uint64_t)m->tlv.sync << 32);
        h = dg_u64(h, (uint64_t)m->nlive << 8 | (uint64_t)m->rec_on << 2 |
                      (uint64_t)m->img_on << 1 | (uint64_t)m->rec.is_binary);
    }
    if (m->ex.on) {
        /* The x86 contexts, while they are in use. */
        h = dg_bytes(h, m->ctxh + m->xlo, (size_t)(m->rlo - m->xlo) * sizeof *m->ctxh);
        h = dg_u64(h, m->ex.abs ^ (uint64_t)m->ex.rel << 32);
        h = dg_u64(h, (uint64_t)(uint32_t)m->ex.k << 32 | (uint32_t)m->ex.expect[0]);
    }
    if (m->risc_on) {
        /* The fixed-width code contexts, while they are in use. */
        h = dg_bytes(h, m->ctxh + m->rlo, (size_t)(m->xhi_max - m->rlo) * sizeof *m->ctxh);
        h = dg_u64(h, (uint64_t)m->rs.lane << 32 | m->rs.hit[0]);
    }
    if (m->use_match) h = dg_u64(h, m->mm.ptr ^ ((uint64_t)m->mm.len << 32));
    if (m->use_match2) h = dg_u64(h, m->mm2.ptr ^ ((uint64_t)m->mm2.len << 32));
    if (m->use_lstm) {
        size_t H = (size_t)m->lm.H, k = (size_t)m->lm.t;
        h = dg_bytes(h, m->lm.h + (k + 1) * H, H * sizeof *m->lm.h);
        h = dg_bytes(h, m->lm.c + (k + 1) * H, H * sizeof *m->lm.c);
    }
    if (m->use_tx) h = dg_bytes(h, m->tm.tree, sizeof m->tm.tree);
    h = dg_bytes(h, m->mx.w2, sizeof m->mx.w2);
    return h;
}

const model_class cm_model_class = {
    .name = "cm",
    .id = 1,
    .size = cm_size,
    .init = cm_init,
    .predict = cm_predict,
    .update = cm_update,
    .digest = cm_digest,
    .fini = cm_fini,
    .bytes = cm_bytes,
};
