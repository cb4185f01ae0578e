/* tools/lesson.c — `make lesson [CORPUS=file-or-dir]`: runs every preset
 * the codec knows, in ladder order, on one corpus, then the contamination
 * row (max trained first on the corpus itself), prints a table and writes
 * lesson.json, curves.svg, description-length.svg and index.html.
 *
 *   sllesson [--out DIR] [--chunk SIZE] CORPUS */
#include "lesson.h"
#include "../common/err.h"
#include "../util/fileio.h"
#include "../util/units.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CONTAMINATION_PRESET "max"

static json_t *row_json(const lesson_row *r)
{
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f}",
                     "recipe", r->recipe, "recipe_bytes", (json_int_t)r->recipe_bytes,
                     "code_bytes", (json_int_t)r->code_bytes,
                     "prior_bytes", (json_int_t)r->prior_bytes,
                     "transcript_bytes", (json_int_t)r->transcript_bytes,
                     "description_length", (json_int_t)r->description_length,
                     "bits_per_byte", r->bits_per_byte, "seconds", r->seconds,
                     "ideal_bytes", r->ideal_bits / 8.0);
}

static json_t *files_json(const lesson *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->c->nfiles; i++) {
        const lesson_file *f = &l->c->files[i];
        json_t *bpb = json_object();
        for (int k = 0; bpb && k < l->nrows; k++)
            json_object_set_new(bpb, l->rows[k].recipe,
                                json_real(l->rows[k].file_bits[i] / (double)f->size));
        json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:I, s:I, s:o}", "name", f->name,
                                           "raw_bytes", (json_int_t)f->size,
                                           "gzip", (json_int_t)f->gzip,
                                           "xz", (json_int_t)f->xz,
                                           "zstd", (json_int_t)f->zstd,
                                           "bits_per_byte", bpb));
    }
    return a;
}

static char *lesson_json(const lesson *l)
{
    const lesson_corpus *c = l->c;
    json_t *rows = json_array();
    for (int i = 0; rows && i < l->nrows; i++) json_array_append_new(rows, row_json(&l->rows[i]));
    json_t *o = json_pack("{s:s, s:I, s:I, s:{s:I, s:I, s:I}, s:o, s:{s:i, s:i}, s:o}",
                          "corpus", c->label, "raw_bytes", (json_int_t)c->size,
                          "chunk_bytes", (json_int_t)l->chunk,
                          "baselines", "gzip", (json_int_t)c->gzip, "xz", (json_int_t)c->xz,
                          "zstd", (json_int_t)c->zstd, "rows", rows,
                          "extremes", "uniform_bits_per_byte", 8, "oracle_bits_per_byte", 0,
                          "files", files_json(l));
    if (o && l->have_contamination)
        json_object_set_new(o, "contamination", row_json(&l->contamination));
    char *text = o ? json_dumps(o, JSON_INDENT(1) | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(o);
    return text;
}

static void print_row(const lesson_row *r, const char *label)
{
    char a[32], b[32], c[32], d[32], e[32];
    printf("%-22s %7s %7s %8s %11s %12s %8.3f %8.2f\n", label, units_commas(r->recipe_bytes, a),
           units_commas(r->code_bytes, b), units_commas(r->prior_bytes, c),
           units_commas(r->transcript_bytes, d), units_commas(r->description_length, e),
           r->bits_per_byte, r->seconds);
}

static void print_table(const lesson *l)
{
    const lesson_corpus *c = l->c;
    char a[32], b[32], x[32], z[32];
    printf("lesson: %s, %zu file%s, %s bytes; gzip -9 %s, xz -9 %s, zstd -19 %s bytes\n",
           c->label, c->nfiles, c->nfiles == 1 ? "" : "s", units_commas(c->size, a),
           units_commas(c->gzip, b), units_commas(c->xz, x), units_commas(c->zstd, z));
    printf("%-22s %7s %7s %8s %11s %12s %8s %8s\n", "recipe", "recipe", "code", "prior",
           "transcript", "descr. len.", "bits/B", "seconds");
    for (int i = 0; i < l->nrows; i++) print_row(&l->rows[i], l->rows[i].recipe);
    if (l->have_contamination)
        print_row(&l->contamination, CONTAMINATION_PRESET " + corpus as prior");
    printf("the extremes: uniform p = 1/256 costs log2 256 = 8 bits a byte (transcript %s "
           "bytes); an oracle that is always sure and right costs 0\n", units_commas(c->size, a));
}

/* Writes one output through a memory stream, then to DIR/name whole. */
static int save(const char *dir, const char *name, void (*write)(FILE *, const lesson *),
                const lesson *l, const char *text)
{
    char *buf = NULL, path[4096], why[512];
    size_t len = 0;
    if (write) {
        FILE *f = open_memstream(&buf, &len);
        if (!f) return SL_ENOMEM;
        write(f, l);
        if (fclose(f)) { free(buf); return SL_ENOMEM; }
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = fileio_save(path, write ? buf : text, write ? len : strlen(text), 0644, why,
                         sizeof why);
    if (rc) fprintf(stderr, "sllesson: %s\n", why);
    free(buf);
    return rc;
}

static int run_ladder(lesson *l, char *err, size_t cap)
{
    for (int i = 0; recipe_preset_names[i] && l->nrows < LESSON_MAX_ROWS; i++) {
        fprintf(stderr, "sllesson: %s...\n", recipe_preset_names[i]);
        int rc = lesson_run(&l->rows[l->nrows], l->c, recipe_preset_names[i], 0, l->chunk,
                            err, cap);
        if (rc) return rc;
        l->nrows++;
    }
    recipe_params rp;
    if (recipe_preset(CONTAMINATION_PRESET, &rp)) return 0;
    fprintf(stderr, "sllesson: %s with the corpus as its prior...\n", CONTAMINATION_PRESET);
    int rc = lesson_run(&l->contamination, l->c, CONTAMINATION_PRESET, 1, l->chunk, err, cap);
    l->have_contamination = !rc;
    return rc;
}

static int usage(FILE *f, int status)
{
    fprintf(f, "usage: sllesson [--out DIR] [--chunk SIZE] CORPUS\n"
               "Runs every preset on CORPUS (a file or a directory) and writes lesson.json,\n"
               "curves.svg, description-length.svg and index.html to DIR (default\n"
               "build/lesson). --chunk is satyad's chunk size (default 64K).\n");
    return status;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'}, {"chunk", required_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = "build/lesson";
    uint64_t chunk = 64 << 10;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:c:h", opts, NULL)) != -1) {
        int chunk_ok = opt == 'c' && !units_size(optarg, &chunk) && chunk && chunk <= (16u << 20);
        if (opt == 'o') out = optarg;
        else if (!chunk_ok) return usage(opt == 'h' ? stdout : stderr, opt == 'h' ? 0 : 2);
    }
    if (optind + 1 != argc) return usage(stderr, 2);
    setvbuf(stdout, NULL, _IOLBF, 0);   /* the table between the progress lines */
    char err[512] = "";
    lesson_corpus c;
    static lesson l;
    l.c = &c;
    l.chunk = (uint32_t)chunk;
    int rc = lesson_load(&c, argv[optind], err, sizeof err);
    if (!rc) rc = run_ladder(&l, err, sizeof err);
    if (rc) {
        fprintf(stderr, "sllesson: %s\n", err);
        return 1;
    }
    print_table(&l);
    char *json = lesson_json(&l);
    mkdir(out, 0755);
    rc = !json || save(out, "lesson.json", NULL, &l, json) ||
         save(out, "curves.svg", lesson_write_curves, &l, NULL) ||
         save(out, "description-length.svg", lesson_write_dl, &l, NULL) ||
         save(out, "index.html", lesson_write_page, &l, NULL);
    if (!rc) printf("wrote %s/index.html (open it in a browser), lesson.json, curves.svg, "
                    "description-length.svg\n", out);
    free(json);
    for (int i = 0; i < l.nrows; i++) lesson_row_free(&l.rows[i]);
    lesson_row_free(&l.contamination);
    lesson_corpus_free(&c);
    return rc ? 1 : 0;
}
