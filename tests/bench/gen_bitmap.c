/* tests/bench/gen_bitmap.c — 1-bit bitmaps for the development set.
 *
 *   gen_bitmap DIR
 * writes four raw bitmaps (rows of whole bytes, most significant bit
 * first, 1 = black, no header: the width has to be found from the data)
 * and one PBM (P4) file:
 *   bitmap-page      1728 x 1400: a page of text in a made-up script,
 *                    with scanner noise on the stroke edges (fax-like)
 *   bitmap-form      1216 x 900: a drawing: boxes, a ruled table, circles,
 *                    slanted lines, hatched areas
 *   bitmap-dither    800 x 600: a smooth shading, error-diffused, with a
 *                    band of ordered (Bayer) dither
 *   bitmap-narrow    1000 x 700 (125 bytes a row): text and a drawing
 *   bitmap-p4.pbm    a PBM with its text header, 640 x 480
 * All of it comes from a fixed-seed generator: the same files every time.
 * Made for tuning the image and record models; Canterbury's ptt5 is held
 * out. */
#include "splitmix.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct canvas {
    int w, h, stride;
    uint8_t *p;
} canvas;

static uint64_t rng = 0x5eed;

static uint32_t rnd(uint32_t n) { return splitmix_below(&rng, n); }

static int cv_new(canvas *c, int w, int h)
{
    c->w = w;
    c->h = h;
    c->stride = (w + 7) / 8;
    c->p = calloc((size_t)c->stride * (size_t)h, 1);
    return c->p ? 0 : -1;
}

static int cv_get(const canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->w || y >= c->h) return 0;
    return c->p[(size_t)y * (size_t)c->stride + (size_t)(x >> 3)] >> (7 - (x & 7)) & 1;
}

static void cv_set(canvas *c, int x, int y, int v)
{
    if (x < 0 || y < 0 || x >= c->w || y >= c->h) return;
    uint8_t *b = &c->p[(size_t)y * (size_t)c->stride + (size_t)(x >> 3)];
    uint8_t bit = (uint8_t)(0x80 >> (x & 7));
    *b = v ? (uint8_t)(*b | bit) : (uint8_t)(*b & ~bit);
}

static void dot(canvas *c, int x, int y, int r)
{
    for (int dy = -r; dy <= r; dy++)
        for (int dx = -r; dx <= r; dx++)
            if (dx * dx + dy * dy <= r * r + r) cv_set(c, x + dx, y + dy, 1);
}

/* A line of thickness 2r+1 (Bresenham, a disc at each step). */
static void line(canvas *c, int x0, int y0, int x1, int y1, int r)
{
    int dx = abs(x1 - x0), dy = -abs(y1 - y0);
    int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
    for (;;) {
        if (r) dot(c, x0, y0, r); else cv_set(c, x0, y0, 1);
        if (x0 == x1 && y0 == y1) break;
        int e2 = 2 * err;
        if (e2 >= dy) { err += dy; x0 += sx; }
        if (e2 <= dx) { err += dx; y0 += sy; }
    }
}

/* An arc of a circle, from angle step a0 to a1 of 64 steps, as short lines
 * between points from a table of sines (no libm). */
static const int sin64[17] = {0, 100, 199, 296, 391, 482, 568, 649, 724,
                              792, 852, 905, 946, 980, 1004, 1019, 1024};
static int isin(int a)
{
    a &= 63;
    if (a <= 16) return sin64[a];
    if (a <= 32) return sin64[32 - a];
    if (a <= 48) return -sin64[a - 32];
    return -sin64[64 - a];
}

static void arc(canvas *c, int cx, int cy, int rx, int ry, int a0, int a1, int r)
{
    int px = cx + rx * isin(a0 + 16) / 1024, py = cy - ry * isin(a0) / 1024;
    for (int a = a0 + 1; a <= a1; a++) {
        int x = cx + rx * isin(a + 16) / 1024, y = cy - ry * isin(a) / 1024;
        line(c, px, py, x, y, r);
        px = x;
        py = y;
    }
}

static void rect_fill(canvas *c, int x0, int y0, int x1, int y1, int hatch)
{
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
            if (!hatch || (x + y) % hatch == 0) cv_set(c, x, y, 1);
}

/* A made-up script: each glyph is two to four strokes between points of a
 * 4 x 6 grid in a cell, scaled to the font size. */
#define NGLYPH 48
typedef struct glyph {
    int n, width;
    int8_t s[4][5];  /* x0 y0 x1 y1 kind (0 line, 1 arc) */
} glyph;

static void make_font(glyph *g)
{
    for (int i = 0; i < NGLYPH; i++) {
        g[i].n = 2 + (int)rnd(3);
        g[i].width = 3 + (int)rnd(2);
        for (int k = 0; k < g[i].n; k++) {
            int8_t *s = g[i].s[k];
            s[0] = (int8_t)rnd((uint32_t)g[i].width);
            s[1] = (int8_t)(1 + rnd(5));
            s[2] = (int8_t)rnd((uint32_t)g[i].width);
            s[3] = (int8_t)(1 + rnd(5));
            if (k == 0) { s[2] = s[0]; s[1] = 1; s[3] = 5; }   /* a stem */
            s[4] = (int8_t)(rnd(4) == 0);
        }
    }
}

/* Draws glyph i with its top left at (x, y); `u` pixels per grid step.
 * Returns its advance. */
static int draw_glyph(canvas *c, const glyph *g, int x, int y, int u, int thick)
{
    for (int k = 0; k < g->n; k++) {
        const int8_t *s = g->s[k];
        int x0 = x + s[0] * u, y0 = y + s[1] * u, x1 = x + s[2] * u, y1 = y + s[3] * u;
        if (s[4]) {
            int rx = abs(x1 - x0) / 2 + u / 2, ry = abs(y1 - y0) / 2 + u / 2;
            arc(c, (x0 + x1) / 2, (y0 + y1) / 2, rx, ry, 0, 40, thick);
        } else {
            line(c, x0, y0, x1, y1, thick);
        }
    }
    return (g->width + 1) * u;
}

/* Lines of text in a box; glyph frequencies are skewed like letters. */
static void text_block(canvas *c, const glyph *font, int x0, int y0, int x1, int y1,
                       int u, int thick)
{
    int lh = 9 * u, y = y0, para = 0;
    while (y + lh <= y1) {
        int x = x0 + (para == 0 ? 6 * u : 0);
        int end = x1 - (rnd(8) == 0 ? (int)rnd((uint32_t)(x1 - x0) / 2) : 0);
        while (x < end - 8 * u) {
            int len = 1 + (int)rnd(8);
            for (int k = 0; k < len && x < end - 5 * u; k++) {
                uint32_t r = rnd(NGLYPH * NGLYPH);
                int gi = (int)(r / NGLYPH * (r % NGLYPH) / NGLYPH);
                x += draw_glyph(c, &font[gi], x, y, u, thick);
            }
            x += 3 * u;
        }
        y += lh;
        para = rnd(6) == 0 ? 0 : para + 1;
        if (para == 0) y += lh / 2;
    }
}

/* Scanner noise: a pixel with a differing neighbour flips now and then. */
static void noise(canvas *c, uint32_t one_in)
{
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++) {
            int v = cv_get(c, x, y);
            if ((cv_get(c, x + 1, y) != v || cv_get(c, x, y + 1) != v) && rnd(one_in) == 0)
                cv_set(c, x, y, !v);
        }
}

static void draw_form(canvas *c, const glyph *font)
{
    rect_fill(c, 40, 40, c->w - 40, 44, 0);
    text_block(c, font, 60, 60, c->w - 60, 150, 3, 1);
    /* A ruled table. */
    int tx0 = 60, ty0 = 170, cols = 6, rows = 12, cw = (c->w - 120) / cols, rh = 30;
    for (int r = 0; r <= rows; r++) line(c, tx0, ty0 + r * rh, tx0 + cols * cw, ty0 + r * rh, r == 1);
    for (int k = 0; k <= cols; k++) line(c, tx0 + k * cw, ty0, tx0 + k * cw, ty0 + rows * rh, 0);
    for (int r = 0; r < rows; r++)
        for (int k = 0; k < cols; k++)
            if (rnd(3)) text_block(c, font, tx0 + k * cw + 6, ty0 + r * rh + 4,
                                   tx0 + k * cw + cw / 2 + (int)rnd((uint32_t)cw / 2), ty0 + r * rh + rh, 2, 0);
    int y = ty0 + rows * rh + 30;
    for (int i = 0; i < 9; i++) {
        int cx = 100 + (int)rnd((uint32_t)c->w - 200), cy = y + 60 + (int)rnd(200), rr = 10 + (int)rnd(50);
        arc(c, cx, cy, rr, rr, 0, 64, (int)rnd(2));
    }
    for (int i = 0; i < 12; i++)
        line(c, (int)rnd((uint32_t)c->w), y + (int)rnd(300), (int)rnd((uint32_t)c->w),
             y + (int)rnd(300), (int)rnd(3));
    for (int i = 0; i < 4; i++) {
        int x0 = 50 + (int)rnd((uint32_t)c->w - 300), y0 = y + 320 + (int)rnd(150);
        rect_fill(c, x0, y0, x0 + 60 + (int)rnd(200), y0 + 20 + (int)rnd(60), 3 + (int)rnd(5));
    }
}

/* Error diffusion (Floyd-Steinberg, integers) of a smooth shading, and a
 * band of 4 x 4 ordered dither. */
static void draw_dither(canvas *c)
{
    static const int bayer[16] = {0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5};
    int *err = calloc((size_t)(c->w + 2) * 2, sizeof *err);
    if (!err) return;
    int *cur = err + 1, *next = err + c->w + 3;
    int bx[4], by[4], br[4];
    for (int i = 0; i < 4; i++) {
        bx[i] = (int)rnd((uint32_t)c->w);
        by[i] = (int)rnd((uint32_t)c->h);
        br[i] = 100 + (int)rnd(300);
    }
    for (int y = 0; y < c->h; y++) {
        for (int x = 0; x < c->w; x++) {
            int v = x * 128 / c->w + 40;   /* 0..255 grey */
            for (int i = 0; i < 4; i++) {
                int dx = x - bx[i], dy = y - by[i], d = dx * dx + dy * dy, r2 = br[i] * br[i];
                if (d < r2) v += 120 * (r2 - d) / r2 * (i & 1 ? -1 : 1);
            }
            v = v < 0 ? 0 : v > 255 ? 255 : v;
            if (y > c->h * 3 / 4) {
                cv_set(c, x, y, v * 16 / 256 > bayer[(y & 3) * 4 + (x & 3)]);
                continue;
            }
            int want = v + cur[x] / 16, bit = want < 128;
            cv_set(c, x, y, bit);
            int e = want - (bit ? 0 : 255);
            cur[x + 1] += e * 7;
            next[x - 1] += e * 3;
            next[x] += e * 5;
            next[x + 1] += e;
        }
        int *t = cur; cur = next; next = t;
        memset(next - 1, 0, (size_t)(c->w + 2) * sizeof *next);
    }
    free(err);
}

static int save(const char *dir, const char *name, const canvas *c, int pbm)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); return 1; }
    if (pbm) fprintf(f, "P4\n# generated\n%d %d\n", c->w, c->h);
    size_t n = (size_t)c->stride * (size_t)c->h;
    int rc = fwrite(c->p, 1, n, f) != n;
    rc |= fclose(f) != 0;
    if (rc) perror(path);
    free(c->p);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_bitmap DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    glyph font[NGLYPH];
    make_font(font);
    canvas c;
    int rc = 0;
    if (cv_new(&c, 1728, 1400)) return 1;
    text_block(&c, font, 150, 120, 1580, 1300, 4, 1);
    noise(&c, 12);
    rc |= save(dir, "bitmap-page", &c, 0);
    if (cv_new(&c, 1216, 900)) return 1;
    draw_form(&c, font);
    rc |= save(dir, "bitmap-form", &c, 0);
    if (cv_new(&c, 800, 600)) return 1;
    draw_dither(&c);
    rc |= save(dir, "bitmap-dither", &c, 0);
    if (cv_new(&c, 1000, 700)) return 1;
    text_block(&c, font, 30, 30, 970, 350, 3, 1);
    draw_form(&c, font);
    noise(&c, 20);
    rc |= save(dir, "bitmap-narrow", &c, 0);
    if (cv_new(&c, 640, 480)) return 1;
    draw_form(&c, font);
    text_block(&c, font, 20, 300, 620, 470, 2, 0);
    rc |= save(dir, "bitmap-p4.pbm", &c, 1);
    return rc;
}
