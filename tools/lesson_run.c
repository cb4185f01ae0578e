/* tools/lesson_run.c — the corpus and one row of the ladder; see lesson.h. */
#include "lesson.h"
#include "../common/codec.h"
#include "../common/err.h"
#include "../sender/snd_baseline.h"
#include "../sender/snd_walk.h"
#include "../util/clock.h"
#include "../util/prior.h"
#include "../util/report.h"

#include <stdlib.h>
#include <string.h>

static void baselines(const uint8_t *p, uint64_t n, uint64_t *gz, uint64_t *xz, uint64_t *zs)
{
    snd_baseline b;
    snd_baseline_init(&b);
    snd_baseline_feed(&b, p, (size_t)n);
    snd_baseline_finish(&b);
    *gz = b.gzip;
    *xz = b.xz;
    *zs = b.zstd;
}

/* Reads the stream satyad would send for `path`: every file, in order. */
int lesson_load(lesson_corpus *c, const char *path, char *err, size_t cap)
{
    memset(c, 0, sizeof *c);
    c->label = path;
    snd_inputs in = {0};
    char *paths[] = {(char *)path};
    int rc = snd_walk(&in, paths, 1, err, cap);
    if (!rc && in.total == 0) {
        snprintf(err, cap, "%s holds no bytes to code", path);
        rc = SL_EINVAL;
    }
    if (!rc) {
        c->data = malloc((size_t)in.total);
        c->files = calloc(in.n, sizeof *c->files);
        if (!c->data || !c->files) rc = SL_ENOMEM;
    }
    snd_reader r;
    snd_reader_init(&r, &in);
    size_t got = 0;
    if (!rc) rc = snd_reader_read(&r, c->data, (size_t)in.total, &got, err, cap);
    snd_reader_fini(&r);
    for (size_t i = 0; !rc && i < in.n; i++) {
        lesson_file *f = &c->files[i];
        f->name = strdup(in.v[i].name);
        f->off = c->size;
        f->size = in.v[i].size;
        c->size += f->size;
        c->nfiles++;
        if (!f->name) rc = SL_ENOMEM;
        else baselines(c->data + f->off, f->size, &f->gzip, &f->xz, &f->zstd);
    }
    if (!rc) baselines(c->data, c->size, &c->gzip, &c->xz, &c->zstd);
    snd_inputs_free(&in);
    if (rc && !*err) snprintf(err, cap, "%s", sl_strerror(rc));
    return rc;
}

void lesson_corpus_free(lesson_corpus *c)
{
    for (size_t i = 0; i < c->nfiles; i++) free(c->files[i].name);
    free(c->files);
    free(c->data);
    memset(c, 0, sizeof *c);
}

/* Folds one chunk's per-byte costs into the curve bins and the files. */
static void add_costs(lesson_row *r, const lesson_corpus *c, uint64_t off, const uint32_t *cost,
                      size_t n, uint64_t *bin_units, size_t *file)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t pos = off + i;
        bin_units[pos / r->bin_bytes] += cost[i];
        while (*file + 1 < c->nfiles && pos >= c->files[*file].off + c->files[*file].size)
            (*file)++;
        r->file_bits[*file] += (double)cost[i] / CODEC_COST_ONE;
    }
}

/* Codes the stream in chunks, as satyad does, with every byte's cost. */
static int code_stream(lesson_row *r, const lesson_corpus *c, codec *cd, uint32_t chunk)
{
    uint32_t *cost = malloc(chunk * sizeof *cost);
    uint64_t *bin_units = calloc(LESSON_BINS + 1, sizeof *bin_units);
    bytebuf out = {0};
    size_t file = 0;
    int rc = cost && bin_units ? codec_byte_costs(cd, cost) : SL_ENOMEM;
    for (uint64_t off = 0; !rc && off < c->size; off += chunk) {
        size_t n = c->size - off < chunk ? (size_t)(c->size - off) : chunk;
        out.len = 0;
        if ((rc = codec_encode(cd, c->data + off, n, &out))) break;
        r->transcript_bytes += out.len < n ? out.len : n;   /* stored when coding won't help */
        add_costs(r, c, off, cost, n, bin_units, &file);
    }
    for (int b = 0; !rc && b < r->nbins; b++) {
        uint64_t lo = (uint64_t)b * r->bin_bytes;
        uint64_t hi = lo + r->bin_bytes < c->size ? lo + r->bin_bytes : c->size;
        r->curve[b] = (double)bin_units[b] / CODEC_COST_ONE / (double)(hi - lo);
    }
    for (size_t i = 0; i < c->nfiles; i++) r->ideal_bits += r->file_bits[i];
    codec_byte_costs(cd, NULL);
    bytebuf_fini(&out);
    free(cost);
    free(bin_units);
    return rc;
}

int lesson_run(lesson_row *r, const lesson_corpus *c, const char *preset, int with_prior,
               uint32_t chunk, char *err, size_t cap)
{
    memset(r, 0, sizeof *r);
    snprintf(r->recipe, sizeof r->recipe, "%s", preset);
    recipe_params rp;
    int rc = recipe_preset(preset, &rp);
    if (rc) {
        snprintf(err, cap, "no preset '%s'", preset);
        return rc;
    }
    sl_prior pr;
    if (with_prior) {
        prior_from_memory(&pr, c->data, c->size);
        prior_to_recipe(&pr, &rp);
    }
    bytebuf packed = {0};   /* the recipe as it crosses the wire */
    int tl = recipe_pack(&rp, &packed);
    tl = tl < 0 ? tl : (int)packed.len;
    bytebuf_fini(&packed);
    r->file_bits = calloc(c->nfiles, sizeof *r->file_bits);
    r->bin_bytes = (c->size + LESSON_BINS - 1) / LESSON_BINS;
    r->nbins = (int)((c->size + r->bin_bytes - 1) / r->bin_bytes);
    codec *cd = NULL;
    rc = tl < 0 ? tl : !r->file_bits ? SL_ENOMEM : codec_new(&cd, &rp);
    double t0 = now_s();
    if (!rc && with_prior) rc = prior_train(cd, pr.data, pr.size, &r->prior_bytes);
    if (!rc) rc = code_stream(r, c, cd, chunk);
    r->seconds = now_s() - t0;
    codec_free(cd);
    if (rc) {
        snprintf(err, cap, "%s: %s", preset, sl_strerror(rc));
        return rc;
    }
    sl_stats st = {0};
    st.recipe = r->recipe_bytes = (uint64_t)tl;
    st.prior = r->prior_bytes;
    st.transcript = r->transcript_bytes;
    r->code_bytes = report_code_bytes();
    r->description_length = report_description_length(&st);
    r->bits_per_byte = (double)r->transcript_bytes * 8.0 / (double)c->size;
    return 0;
}

void lesson_row_free(lesson_row *r)
{
    free(r->file_bits);
    r->file_bits = NULL;
}
