/* tools/lesson_svg.c — the lesson's two figures as plain SVG 1.1 (each one
 * a whole document that xmllint accepts, and that index.html also inlines):
 * the loss curves, and the description length as stacked bars. */
#include "lesson.h"
#include "../util/units.h"

#include <math.h>
#include <string.h>

#define W 860
#define H 460
#define LEFT 70
#define RIGHT 190          /* room for the legend */
#define TOP 30
#define BOTTOM 80          /* axis labels and the caption */

static const char *const palette[] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#17becf", "#bcbd22", "#7f7f7f", "#e377c2",
};
#define NPAL (sizeof palette / sizeof palette[0])

static const char *colour(int i) { return palette[(size_t)i % NPAL]; }

void lesson_xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void svg_open(FILE *f, const char *title)
{
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
               "font-size=\"13\">\n<title>%s</title>\n"
               "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
            W, H, W, H, title, W, H);
}

/* A "nice" step for about `ticks` ticks over 0..max: 1, 2 or 5 times 10^k. */
static double nice_step(double max, int ticks)
{
    double raw = max / ticks, p = 1;
    while (p * 10 <= raw) p *= 10;
    while (p > raw) p /= 10;
    return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
}

static void size_label(char *out, size_t cap, double bytes)
{
    if (bytes >= 1e6) snprintf(out, cap, "%.4g MB", bytes / 1e6);
    else if (bytes >= 1e3) snprintf(out, cap, "%.4g KB", bytes / 1e3);
    else snprintf(out, cap, "%.0f B", bytes);
}

static void axes(FILE *f, double xmax, double ymax, const char *xlabel, const char *ylabel,
                 int bytes_on_x)
{
    int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    double ys = nice_step(ymax, 8), xs = nice_step(xmax, 6);
    fprintf(f, "<g stroke=\"#ddd\">\n");
    for (double y = 0; y <= ymax + 1e-9; y += ys)
        fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n", LEFT, LEFT + pw,
                TOP + ph - y / ymax * ph, TOP + ph - y / ymax * ph);
    fprintf(f, "</g>\n<g fill=\"#333\" text-anchor=\"end\">\n");
    for (double y = 0; y <= ymax + 1e-9; y += ys) {
        char lab[32];
        if (bytes_on_x) snprintf(lab, sizeof lab, "%g", y);
        else size_label(lab, sizeof lab, y);
        fprintf(f, "<text x=\"%d\" y=\"%.1f\">%s</text>\n", LEFT - 6,
                TOP + ph - y / ymax * ph + 4, lab);
    }
    fprintf(f, "</g>\n");
    if (bytes_on_x) {
        fprintf(f, "<g fill=\"#333\" text-anchor=\"middle\">\n");
        for (double x = 0; x <= xmax + 1e-9; x += xs) {
            char lab[32];
            size_label(lab, sizeof lab, x);
            fprintf(f, "<text x=\"%.1f\" y=\"%d\">%s</text>\n", LEFT + x / xmax * pw,
                    TOP + ph + 18, lab);
        }
        fprintf(f, "</g>\n");
    }
    fprintf(f, "<path d=\"M%d %d V%d H%d\" stroke=\"#333\" fill=\"none\"/>\n", LEFT, TOP,
            TOP + ph, LEFT + pw);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", LEFT + pw / 2,
            TOP + ph + 38, xlabel);
    fprintf(f, "<text transform=\"translate(18 %d) rotate(-90)\" text-anchor=\"middle\">%s"
               "</text>\n", TOP + ph / 2, ylabel);
}

static void caption(FILE *f, const char *text)
{
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#444\">%s</text>\n", LEFT,
            H - 14, text);
}

/* Bin b averaged with SMOOTH bins on each side (fewer at the ends), so
 * the curves can be told apart; the area under them hardly changes. */
#define SMOOTH 5
static double smoothed(const lesson_row *r, int b)
{
    double sum = 0;
    int n = 0;
    for (int k = b - SMOOTH; k <= b + SMOOTH; k++)
        if (k >= 0 && k < r->nbins) { sum += r->curve[k]; n++; }
    return sum / n;
}

static void curve(FILE *f, const lesson_row *r, const lesson_corpus *c, double ymax, int idx,
                  const char *dash)
{
    int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"%s points=\"",
            colour(idx), dash);
    for (int b = 0; b < r->nbins; b++) {
        double mid = ((double)b + 0.5) * (double)r->bin_bytes;
        if (mid > (double)c->size) mid = (double)c->size;
        double v = smoothed(r, b), y = v < ymax ? v : ymax;
        fprintf(f, "%s%.1f,%.1f", b ? " " : "", LEFT + mid / (double)c->size * pw,
                TOP + ph - y / ymax * ph);
    }
    fprintf(f, "\"/>\n");
}

static void legend_entry(FILE *f, int slot, const char *col, const char *dash, const char *name,
                         const char *detail)
{
    int x = W - RIGHT + 14, y = TOP + 10 + slot * 34;
    fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"%s/>"
               "\n<text x=\"%d\" y=\"%d\">", x, x + 22, y, y, col, dash, x + 28, y + 4);
    lesson_xml_text(f, name);
    fprintf(f, "</text>\n<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555\">%s</text>\n",
            x + 28, y + 18, detail);
}

void lesson_write_curves(FILE *f, const lesson *l)
{
    const lesson_corpus *c = l->c;
    double ymax = 8.5;
    svg_open(f, "Training loss: bits per byte against bytes seen");
    axes(f, (double)c->size, ymax, "bytes seen", "bits per byte (-log2 p)", 1);
    int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    double y8 = TOP + ph - 8.0 / ymax * ph;
    fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
               "stroke-dasharray=\"6 4\"/>\n<text x=\"%d\" y=\"%.1f\" font-size=\"12\">"
               "uniform p = 1/256: log2 256 = 8 bits a byte</text>\n<text x=\"%d\" y=\"%d\" "
               "font-size=\"12\">an oracle: 0 bits</text>\n",
            LEFT, LEFT + pw, y8, y8, LEFT + 8, y8 - 5, LEFT + 8, TOP + ph - 5);
    char detail[96], a[32];
    for (int i = 0; i < l->nrows; i++) {
        curve(f, &l->rows[i], c, ymax, i, "");
        snprintf(detail, sizeof detail, "%.3f bits/B, %s B", l->rows[i].bits_per_byte,
                 units_commas(l->rows[i].transcript_bytes, a));
        legend_entry(f, i, colour(i), "", l->rows[i].recipe, detail);
    }
    if (l->have_contamination) {
        const char *dash = " stroke-dasharray=\"3 3\"";
        curve(f, &l->contamination, c, ymax, l->nrows, dash);
        snprintf(detail, sizeof detail, "%.3f bits/B, %s B", l->contamination.bits_per_byte,
                 units_commas(l->contamination.transcript_bytes, a));
        legend_entry(f, l->nrows, colour(l->nrows), dash, "max + corpus as prior", detail);
    }
    caption(f, "The area under each curve (bits per byte times bytes) is its transcript: "
               "the loss summed over training.");
    fprintf(f, "</svg>\n");
}

typedef struct bar {
    const char *name;
    uint64_t    part[4];        /* recipe, code, prior, transcript; or [3] alone */
} bar;

static const char *const part_colour[4] = {"#9467bd", "#aaaaaa", "#d62728", "#1f77b4"};
static const char *const part_name[4] = {"recipe", "code (the decoder's source, xz)",
                                         "prior (its own transcript)", "transcript"};

static void draw_bar(FILE *f, const bar *b, int i, int n, double ymax)
{
    int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    double slot = (double)pw / n, bw = slot * 0.62, x = LEFT + slot * i + (slot - bw) / 2;
    double y = TOP + ph, total = 0;
    for (int k = 0; k < 4; k++) {
        if (!b->part[k]) continue;
        double h = (double)b->part[k] / ymax * ph;
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                x, y - h, bw, h, b->part[3] && k < 3 ? part_colour[k]
                                 : b->part[0] + b->part[1] + b->part[2] ? part_colour[3]
                                 : "#2ca02c");
        y -= h;
        total += (double)b->part[k];
    }
    char a[32];
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%s</text>\n",
            x + bw / 2, y - 4, units_commas((uint64_t)total, a));
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">", x + bw / 2,
            TOP + ph + 16 + (i % 2) * 14);
    lesson_xml_text(f, b->name);
    fprintf(f, "</text>\n");
}

void lesson_write_dl(FILE *f, const lesson *l)
{
    const lesson_corpus *c = l->c;
    bar bars[LESSON_MAX_ROWS + 4];
    int n = 0;
    for (int i = 0; i < l->nrows; i++) {
        const lesson_row *r = &l->rows[i];
        bars[n++] = (bar){r->recipe, {r->recipe_bytes, r->code_bytes, 0, r->transcript_bytes}};
    }
    if (l->have_contamination) {
        const lesson_row *r = &l->contamination;
        bars[n++] = (bar){"max+prior", {r->recipe_bytes, r->code_bytes, r->prior_bytes,
                                        r->transcript_bytes}};
    }
    bars[n++] = (bar){"gzip -9", {0, 0, 0, c->gzip}};
    bars[n++] = (bar){"xz -9", {0, 0, 0, c->xz}};
    bars[n++] = (bar){"zstd -19", {0, 0, 0, c->zstd}};
    double ymax = (double)c->size;
    for (int i = 0; i < n; i++) {
        double t = 0;
        for (int k = 0; k < 4; k++) t += (double)bars[i].part[k];
        if (t > ymax) ymax = t;
    }
    ymax *= 1.08;
    svg_open(f, "Description length: recipe + code + prior + transcript");
    axes(f, 0, ymax, "", "bytes", 0);
    for (int i = 0; i < n; i++) draw_bar(f, &bars[i], i, n, ymax);
    int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    double yr = TOP + ph - (double)c->size / ymax * ph;
    char a[32];
    fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
               "stroke-dasharray=\"6 4\"/>\n<text x=\"%d\" y=\"%.1f\" font-size=\"12\">"
               "raw: %s bytes</text>\n", LEFT, LEFT + pw, yr, yr, LEFT + pw + 4, yr + 4,
            units_commas(c->size, a));
    for (int k = 0; k < 4; k++) {
        int y = TOP + 40 + k * 24;
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>\n"
                   "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>\n",
                W - RIGHT + 14, y, part_colour[k], W - RIGHT + 34, y + 11, part_name[k]);
    }
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"#2ca02c\"/>\n"
               "<text x=\"%d\" y=\"%d\" font-size=\"11\">a general compressor's output"
               "</text>\n", W - RIGHT + 14, TOP + 136, W - RIGHT + 34, TOP + 147);
    caption(f, "Each bar is what a receiver needs to rebuild the corpus. The code term is "
               "the same for every recipe; xz's own decoder is not counted.");
    fprintf(f, "</svg>\n");
}
