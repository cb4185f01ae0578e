/* tools/lesson.h — `make lesson`: the ladder of recipes on one corpus, the
 * figures of the talk, and a page a class can look at.
 *
 *   lesson_corpus c;  lesson_load(&c, path, err, cap);       // file or directory
 *   lesson_row r;     lesson_run(&r, &c, "tiny", 0, chunk, err, cap);   // one recipe
 *   lesson_run(&r, &c, "max", 1, chunk, err, cap);   // ... with the corpus as its prior
 *   lesson_write_curves(f, &l);  lesson_write_dl(f, &l);     // the two figures (SVG)
 *   lesson_write_page(f, &l);                                 // index.html
 *
 * A row codes the corpus as satyad does: one stream of every file in
 * order, cut into chunks, each counted at its coded size or, when coding
 * does not help, its raw size. Its per-byte costs (codec_byte_costs) give
 * the loss curve and each file's bits per byte. */
#ifndef SL_LESSON_H
#define SL_LESSON_H

#include "../common/recipe.h"
#include <stdint.h>
#include <stdio.h>

#define LESSON_MAX_ROWS 16
#define LESSON_BINS     240       /* points on each loss curve */

typedef struct lesson_file {
    char    *name;                /* as on the wire */
    uint64_t off, size;           /* where it lies in the stream */
    uint64_t gzip, xz, zstd;      /* each compressed on its own */
} lesson_file;

typedef struct lesson_corpus {
    const char  *label;           /* what the user named */
    uint8_t     *data;            /* the whole stream */
    uint64_t     size;
    lesson_file *files;
    size_t       nfiles;
    uint64_t     gzip, xz, zstd;  /* the stream, as satyad reports it */
} lesson_corpus;

typedef struct lesson_row {
    char      recipe[32];
    uint64_t  recipe_bytes, code_bytes, prior_bytes, transcript_bytes;
    uint64_t  description_length;
    double    bits_per_byte, seconds;
    double    ideal_bits;                 /* sum of -log2 p over the corpus */
    uint64_t  bin_bytes;                  /* stream bytes per curve bin */
    int       nbins;
    double    curve[LESSON_BINS];         /* bits per byte in each bin */
    double   *file_bits;                  /* ideal bits of each file */
} lesson_row;

typedef struct lesson {
    lesson_corpus *c;
    lesson_row     rows[LESSON_MAX_ROWS]; /* the ladder, in order */
    int            nrows;
    lesson_row     contamination;         /* max with the corpus as its prior */
    int            have_contamination;
    uint32_t       chunk;
} lesson;

int  lesson_load(lesson_corpus *c, const char *path, char *err, size_t cap);
void lesson_corpus_free(lesson_corpus *c);
int  lesson_run(lesson_row *r, const lesson_corpus *c, const char *preset, int with_prior,
                uint32_t chunk, char *err, size_t cap);
void lesson_row_free(lesson_row *r);

/* The figures and the page (lesson_svg.c, lesson_page.c). */
void lesson_write_curves(FILE *f, const lesson *l);
void lesson_write_dl(FILE *f, const lesson *l);
void lesson_write_page(FILE *f, const lesson *l);
/* Text with & < > " ' escaped for XML and HTML. */
void lesson_xml_text(FILE *f, const char *s);

#endif
