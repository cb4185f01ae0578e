/* tools/lesson_page.c — the lesson's page: one self-contained HTML file
 * (styles and both figures inline, no script, nothing fetched), in the
 * order a class meets it: the equation, the two extremes, the loss curves,
 * the description lengths, the ladder beside the contamination row, each
 * file, and words a teacher can read aloud. */
#include "lesson.h"
#include "../util/units.h"

#include <string.h>

static const char *style =
    "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "color:#222;line-height:1.5}\n"
    "h1{margin-bottom:.2rem}.sub{color:#555;margin-top:0}\n"
    ".eq{font-size:1.25rem;background:#f4f4f8;padding:1rem;border-radius:6px}\n"
    ".eq b{color:#1f77b4}\n"
    "table{border-collapse:collapse;margin:1rem 0}td,th{padding:.25rem .6rem;"
    "border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child"
    "{text-align:left}\n"
    "tr.contamination{background:#fde8e8}tr.baseline{color:#555}\n"
    "figure{margin:1.5rem 0}figcaption{color:#444;font-size:.95rem}\n"
    ".aloud{background:#fffbe6;border-left:4px solid #e0b400;padding:.5rem 1rem}\n"
    "svg{max-width:100%;height:auto}\n";

static const lesson_row *best_row(const lesson *l)
{
    const lesson_row *best = NULL;
    for (int i = 0; i < l->nrows; i++)
        if (!best || l->rows[i].description_length < best->description_length)
            best = &l->rows[i];
    return best;
}

static const lesson_row *find_row(const lesson *l, const char *name)
{
    for (int i = 0; i < l->nrows; i++)
        if (strcmp(l->rows[i].recipe, name) == 0) return &l->rows[i];
    return NULL;
}

static void equation(FILE *f, const lesson *l)
{
    const lesson_row *b = best_row(l);
    char r[32], c[32], t[32], d[32], x[32];
    fprintf(f, "<h2>The equation</h2>\n<p class=\"eq\">description length = "
               "|recipe| + |code that runs the recipe| + &sum;<sub>t</sub> &minus;log<sub>2</sub>"
               " p(x<sub>t</sub>)</p>\n");
    if (!b) return;
    fprintf(f, "<p>The last term is the <b>transcript</b>: every byte costs minus log two of "
               "the probability the model gave it, in bits. Here, with the recipe <b>%s</b>: "
               "%s + %s + %s = <b>%s bytes</b>. xz -9 writes %s bytes.</p>\n",
            b->recipe, units_commas(b->recipe_bytes, r), units_commas(b->code_bytes, c),
            units_commas(b->transcript_bytes, t), units_commas(b->description_length, d),
            units_commas(l->c->xz, x));
}

static void extremes(FILE *f, const lesson *l)
{
    char n[32];
    const lesson_row *u = find_row(l, "uniform");
    fprintf(f, "<h2>The two extremes</h2>\n<ul>\n<li><b>Uniform</b>: a model that knows "
               "nothing gives each of the 256 byte values p = 1/256, so every byte costs "
               "log<sub>2</sub> 256 = <b>8 bits</b> and the transcript is the corpus itself, "
               "%s bytes.", units_commas(l->c->size, n));
    if (u)
        fprintf(f, " The <code>uniform</code> recipe measures %.3f bits per byte.",
                u->bits_per_byte);
    fprintf(f, "</li>\n<li><b>An oracle</b>: a model that is always sure and always right "
               "gives p = 1 to the byte that comes, so every byte costs <b>0 bits</b> and "
               "the transcript is empty. But the oracle had to hold the corpus already: "
               "counted honestly, its recipe is the corpus. Nothing is free.</li>\n</ul>\n"
               "<p>Every real model lies between the two: it starts near 8 bits a byte "
               "and learns its way down.</p>\n");
}

static void figures(FILE *f, const lesson *l)
{
    fprintf(f, "<h2>Learning as it reads</h2>\n<figure>\n");
    lesson_write_curves(f, l);
    char w[32];
    fprintf(f, "<figcaption>Figure 1 (<a href=\"curves.svg\">curves.svg</a>): the training "
               "loss of each recipe, bits per byte against bytes seen, averaged over about "
               "%s bytes at each point. The area under each curve is its transcript. Bigger "
               "models fall lower, so their areas, and their transcripts, are smaller."
               "</figcaption>\n</figure>\n",
            units_commas(l->nrows ? l->rows[0].bin_bytes * 11 : 0, w));
    fprintf(f, "<h2>What the receiver needs</h2>\n<figure>\n");
    lesson_write_dl(f, l);
    fprintf(f, "<figcaption>Figure 2 (<a href=\"description-length.svg\">"
               "description-length.svg</a>): recipe + code + prior + transcript for each "
               "recipe, beside what gzip, xz and zstd write. The dashed line is the raw "
               "size.</figcaption>\n</figure>\n"
               "<p><b>Why the code term is the same in every bar.</b> Every recipe runs on "
               "the same program: a recipe only chooses sizes, orders and learning rates. "
               "So the code is counted once, as the xz-compressed size of the decoder's own "
               "source (the codec, the wire format and the receiver), measured when it was "
               "built, and it does not grow with the corpus.</p>\n"
               "<p><b>Why xz's decoder is not counted.</b> xz's bars show only what xz "
               "writes; its decoder is already installed on every machine, so nobody sends "
               "it. Counted the same way, our transcript alone is the figure to set beside "
               "xz's. The code term is what an honest description adds, and it is why a "
               "small corpus can come out longer than xz: on a corpus a thousand times "
               "larger the same few tens of kilobytes would hardly show.</p>\n");
}

static void table_row(FILE *f, const lesson_row *r, const char *label, const char *cls)
{
    char a[32], b[32], c[32], d[32], e[32];
    fprintf(f, "<tr%s%s%s><td>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    lesson_xml_text(f, label);
    fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.3f</td>"
               "<td>%.2f</td></tr>\n", units_commas(r->recipe_bytes, a),
            units_commas(r->code_bytes, b), units_commas(r->prior_bytes, c),
            units_commas(r->transcript_bytes, d), units_commas(r->description_length, e),
            r->bits_per_byte, r->seconds);
}

static void baseline_row(FILE *f, const char *name, uint64_t bytes, uint64_t raw)
{
    char a[32];
    fprintf(f, "<tr class=\"baseline\"><td>%s</td><td></td><td></td><td></td><td>%s</td>"
               "<td></td><td>%.3f</td><td></td></tr>\n", name, units_commas(bytes, a),
            (double)bytes * 8.0 / (double)raw);
}

static void ladder(FILE *f, const lesson *l)
{
    fprintf(f, "<h2>The ladder</h2>\n<table>\n<tr><th>recipe</th><th>recipe B</th>"
               "<th>code B</th><th>prior B</th><th>transcript B</th><th>description "
               "length B</th><th>bits per byte</th><th>seconds</th></tr>\n");
    for (int i = 0; i < l->nrows; i++) {
        table_row(f, &l->rows[i], l->rows[i].recipe, NULL);
        if (l->have_contamination && strcmp(l->rows[i].recipe, l->contamination.recipe) == 0)
            table_row(f, &l->contamination, "max + the corpus as prior", "contamination");
    }
    baseline_row(f, "gzip -9", l->c->gzip, l->c->size);
    baseline_row(f, "xz -9", l->c->xz, l->c->size);
    baseline_row(f, "zstd -19", l->c->zstd, l->c->size);
    fprintf(f, "</table>\n");
    if (!l->have_contamination) return;
    const lesson_row *c = &l->contamination, *m = find_row(l, c->recipe);
    char a[32], b[32], d[32];
    fprintf(f, "<h2>Contamination does not help</h2>\n<p>The red row is <b>max</b> trained "
               "first on the corpus itself (a <em>prior</em>), then asked to send it. Its "
               "transcript falls to %s bytes: it has seen every sentence before. But the "
               "prior is counted, at its own transcript size of %s bytes, and the description "
               "length comes to %s bytes",
            units_commas(c->transcript_bytes, a), units_commas(c->prior_bytes, b),
            units_commas(c->description_length, d));
    if (m)
        fprintf(f, ", no smaller than the honest row's %s",
                units_commas(m->description_length, a));
    fprintf(f, ". A prior is real shared data: it saves bytes on the link when the receiver "
               "already holds it (an old version of the same files, say), and it never makes "
               "the bill smaller.</p>\n");
}

static void per_file(FILE *f, const lesson *l)
{
    fprintf(f, "<h2>Each file</h2>\n<p>Bits per byte of each file inside the stream (the "
               "model carries on from one file to the next, as on the link), beside xz -9 on "
               "the file alone.</p>\n<table>\n<tr><th>file</th><th>bytes</th><th>xz -9</th>");
    for (int i = 0; i < l->nrows; i++) {
        fprintf(f, "<th>");
        lesson_xml_text(f, l->rows[i].recipe);
        fprintf(f, "</th>");
    }
    fprintf(f, "</tr>\n");
    for (size_t k = 0; k < l->c->nfiles; k++) {
        const lesson_file *fl = &l->c->files[k];
        char a[32];
        double n = fl->size ? (double)fl->size : 1;
        fprintf(f, "<tr><td>");
        lesson_xml_text(f, fl->name);
        fprintf(f, "</td><td>%s</td><td>%.3f</td>", units_commas(fl->size, a),
                (double)fl->xz * 8.0 / n);
        for (int i = 0; i < l->nrows; i++)
            fprintf(f, "<td>%.3f</td>", l->rows[i].file_bits[k] / n);
        fprintf(f, "</tr>\n");
    }
    fprintf(f, "</table>\n");
}

static void aloud(FILE *f)
{
    fprintf(f, "<h2>To read aloud</h2>\n<div class=\"aloud\">\n"
        "<p>A model that guesses the next letter well is a compressor. Satya and Sundar "
        "build the same model from the same short recipe. Before each letter, the model says "
        "how likely every possible letter is. Satya spends about minus log two of that "
        "probability, in bits, to say which letter really came: a letter the model expected "
        "costs a small part of a bit, a surprise costs many bits. Then both let the model "
        "learn from that letter in exactly the same way, so they stay in step. The model's "
        "weights never cross the wire.</p>\n"
        "<p>In the first picture, each line is one model learning as it reads. Its height is "
        "what a letter costs at that moment, and the area under it is everything that was "
        "sent. Bigger models learn faster, so their lines fall lower and their areas are "
        "smaller.</p>\n"
        "<p>In the second picture, each bar is the honest price of the message: the recipe, "
        "the program that runs it, and the transcript. A model that knew nothing would spend "
        "8 bits on every letter, the size of the book itself. A perfect oracle would spend "
        "nothing, but it would have to hold the book already.</p>\n"
        "<p>The red row is cheating: the model read the book before sending it. The transcript "
        "almost vanishes, but once we count what the model read, the total is no smaller. "
        "Knowledge the receiver already has makes the link faster; it never makes the bill "
        "smaller.</p>\n</div>\n");
}

void lesson_write_page(FILE *f, const lesson *l)
{
    char n[32];
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<title>What crosses the wire: a lesson</title>\n<style>\n%s</style>\n"
               "</head>\n<body>\n<h1>What crosses the wire</h1>\n<p class=\"sub\">", style);
    lesson_xml_text(f, l->c->label);
    fprintf(f, ": %zu file%s, %s bytes, coded by every recipe of the ladder in %u-byte "
               "chunks, as satyad sends it.</p>\n", l->c->nfiles, l->c->nfiles == 1 ? "" : "s",
            units_commas(l->c->size, n), l->chunk);
    equation(f, l);
    extremes(f, l);
    figures(f, l);
    ladder(f, l);
    per_file(f, l);
    aloud(f);
    fprintf(f, "</body>\n</html>\n");
}
