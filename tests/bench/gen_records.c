/* tests/bench/gen_records.c — binary data with records, for the
 * development set.
 *
 *   gen_records DIR
 * writes, from a fixed-seed generator (the same files every time):
 *   records-sheet    a spreadsheet in the shape of Excel's BIFF records:
 *                    row and cell records (labels, small integers, numbers
 *                    with two decimals) for a table of random walks
 *   records-struct   an array of 32-byte C structs: ids, times, readings,
 *                    flags, a float, a zero-padded name
 *   records-samples  16-bit little-endian stereo samples: tones, a slow
 *                    sweep and noise, the channels alike
 *   records-survey   a questionnaire's answers in BIFF records: a row per
 *                    respondent, a column per question, each question with
 *                    its own answers and how often it is left blank,
 *                    respondents in groups that answer alike, questions
 *                    skipped after some answers to the one before
 * Made for tuning the record model; Canterbury's kennedy.xls is held
 * out. */
#include "splitmix.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0xdecaf;

static uint32_t rnd(uint32_t n) { return splitmix_below(&rng, n); }

typedef struct out {
    uint8_t *p;
    size_t n, cap;
} out;

static void put(out *o, const void *v, size_t n)
{
    if (o->n + n > o->cap) {
        o->cap = (o->n + n) * 2;
        o->p = realloc(o->p, o->cap);
        if (!o->p) { perror("realloc"); exit(1); }
    }
    memcpy(o->p + o->n, v, n);
    o->n += n;
}

static void u16(out *o, uint32_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(o, b, 2);
}

static void u32(out *o, uint32_t v)
{
    u16(o, v & 0xffff);
    u16(o, v >> 16);
}

static void f64(out *o, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    u32(o, (uint32_t)v);
    u32(o, (uint32_t)(v >> 32));
}

static void rec(out *o, uint32_t type, uint32_t len)
{
    u16(o, type);
    u16(o, len);
}

static void sheet(out *o)
{
    enum { ROWS = 1400, COLS = 9 };
    rec(o, 0x0809, 16);              /* BOF */
    u16(o, 0x0600); u16(o, 0x0010); u32(o, 0x0dbb07cc); u32(o, 0x000100c1); u32(o, 0x00000406);
    for (int i = 0; i < 40; i++) {   /* formats, fonts and styles, as a preamble */
        rec(o, 0x0031, 20);
        for (int k = 0; k < 20; k++) { uint8_t b = (uint8_t)(k < 6 ? rnd(256) : 0); put(o, &b, 1); }
    }
    int walk[COLS];
    for (int c = 0; c < COLS; c++) walk[c] = 1000 + (int)rnd(100000);
    for (int r = 0; r < ROWS; r++) {
        rec(o, 0x0208, 16);          /* ROW */
        u16(o, (uint32_t)r); u16(o, 0); u16(o, COLS); u16(o, 0x00ff); u32(o, 0); u32(o, 0x000f0100);
        rec(o, 0x00fd, 10);          /* LABELSST: a name from 60 */
        u16(o, (uint32_t)r); u16(o, 0); u16(o, 0x15); u32(o, rnd(60));
        for (int c = 1; c < COLS; c++) {
            walk[c] += (int)rnd(2001) - 1000;
            if (walk[c] < 0) walk[c] = -walk[c];
            if (c < 4) {             /* RK: an integer, shifted left 2, flag 2 */
                rec(o, 0x027e, 10);
                u16(o, (uint32_t)r); u16(o, (uint32_t)c); u16(o, 0x16 + (uint32_t)(c & 1));
                u32(o, (uint32_t)(walk[c] / 100) << 2 | 2);
            } else if (c == 8 && rnd(4) == 0) {
                rec(o, 0x0201, 6);   /* BLANK */
                u16(o, (uint32_t)r); u16(o, (uint32_t)c); u16(o, 0x17);
            } else {                 /* NUMBER: two decimals */
                rec(o, 0x0203, 14);
                u16(o, (uint32_t)r); u16(o, (uint32_t)c); u16(o, 0x18);
                f64(o, walk[c] / 100.0);
            }
        }
    }
    rec(o, 0x000a, 0);               /* EOF */
}

static void structs(out *o)
{
    static const char *const names[] = {"alpha", "bravo", "charlie", "delta", "echo",
                                        "foxtrot", "golf", "hotel", "india", "juliet"};
    uint32_t t = 1700000000u;
    int temp = 200, level = 5000;
    for (uint32_t id = 0; id < 6000; id++) {
        t += 1 + rnd(rnd(8) == 0 ? 600 : 60);
        temp += (int)rnd(7) - 3;
        level += (int)rnd(201) - 100;
        u32(o, 100000 + id);
        u32(o, t);
        u16(o, (uint32_t)(temp & 0xffff));
        u16(o, rnd(10) ? 0x0001 : (uint32_t)(0x0001 | 1u << rnd(8)));
        float f = (float)level / 16.0f;
        uint32_t fv;
        memcpy(&fv, &f, 4);
        u32(o, fv);
        char name[12] = {0};
        const char *s = names[rnd(rnd(3) ? 4 : 10)];
        memcpy(name, s, strlen(s));
        put(o, name, 12);
        u32(o, 0);
    }
}

/* A questionnaire: ROWS respondents (in GROUPS groups, as a survey file
 * sorted by region would be) answer QUESTIONS questions. Question q has
 * 2..13 answers with weights of its own (a group favours one of them),
 * is left blank at a rate of its own, and some questions are skipped
 * when the answer before was the first one. An answer is an RK record
 * (an integer, shifted left 2, flag 2), a blank a BLANK record, the
 * respondent's id a NUMBER. */
static void survey(out *o)
{
    enum { ROWS = 360, QUESTIONS = 80, GROUPS = 6 };
    uint32_t nans[QUESTIONS], blank[QUESTIONS], skip[QUESTIONS], w[QUESTIONS][13];
    uint32_t fav[GROUPS][QUESTIONS];
    for (int q = 0; q < QUESTIONS; q++) {
        nans[q] = 2 + rnd(12);
        blank[q] = rnd(3) ? rnd(8) : 8 + rnd(50);   /* percent */
        skip[q] = q > 0 && rnd(5) == 0;
        for (uint32_t a = 0; a < nans[q]; a++) w[q][a] = 1 + rnd(a < 3 ? 40 : 12);
        for (int g = 0; g < GROUPS; g++) fav[g][q] = rnd(nans[q]);
    }
    rec(o, 0x0809, 16);              /* BOF */
    u16(o, 0x0600); u16(o, 0x0010); u32(o, 0x0dbb07cc); u32(o, 0x000100c1); u32(o, 0x00000406);
    for (int r = 0; r < ROWS; r++) {
        int g = r * GROUPS / ROWS;
        rec(o, 0x0203, 14);          /* NUMBER: the respondent's id */
        u16(o, (uint32_t)r); u16(o, 0); u16(o, 0x0f);
        f64(o, (double)(10000 + r * 7 + rnd(7)));
        uint32_t prev = 1;
        for (int q = 0; q < QUESTIONS; q++) {
            uint32_t c = (uint32_t)q + 1, a = 0;
            int is_blank = rnd(100) < blank[q] || (skip[q] && prev == 0);
            if (!is_blank) {
                uint32_t tot = 0;
                for (uint32_t k = 0; k < nans[q]; k++) tot += w[q][k] + (k == fav[g][q] ? 30 : 0);
                uint32_t x = rnd(tot);
                while (x >= w[q][a] + (a == fav[g][q] ? 30 : 0)) x -= w[q][a] + (a == fav[g][q] ? 30 : 0), a++;
            }
            if (is_blank) {
                rec(o, 0x0201, 6);   /* BLANK */
                u16(o, (uint32_t)r); u16(o, c); u16(o, 0x15);
                prev = 99;
            } else {
                rec(o, 0x027e, 10);  /* RK: answers are numbered from 1 */
                u16(o, (uint32_t)r); u16(o, c); u16(o, 0x16);
                u32(o, (a + 1) << 2 | 2);
                prev = a;
            }
        }
    }
    rec(o, 0x000a, 0);               /* EOF */
}

/* A sine from a quarter-wave table (no libm): a in 1/1024 turns. */
static int isin(uint32_t a)
{
    static int q[257];
    if (!q[256]) {
        /* Build by the recurrence s(n+1) = 2cos(d)s(n) - s(n-1), in doubles:
         * the generator may use floating point, the codec never does. */
        double c = 0.99998117528260111, s0 = 0, s1 = 0.0061358846491544753;
        for (int i = 0; i <= 256; i++) {
            q[i] = (int)(s0 * 32767.0);
            double s2 = 2 * c * s1 - s0;
            s0 = s1;
            s1 = s2;
        }
    }
    a &= 1023;
    if (a < 256) return q[a];
    if (a < 512) return q[512 - a];
    if (a < 768) return -q[a - 512];
    return -q[1024 - a];
}

static void samples(out *o)
{
    uint32_t ph1 = 0, ph2 = 0, ph3 = 0, f3 = 200;
    int noise = 0;
    for (int i = 0; i < 60000; i++) {
        ph1 += 37;
        ph2 += 101 + (uint32_t)(i / 6000);
        ph3 += f3 / 64;
        if (i % 512 == 0) f3 = 200 + (uint32_t)(i / 60);
        noise = (noise * 3 + (int)rnd(2001) - 1000) / 4;
        int l = isin(ph1 >> 4) / 3 + isin(ph2 >> 4) / 5 + isin(ph3) / 8 + noise;
        int r = l * 3 / 4 + isin(ph2 >> 4) / 10 + (int)rnd(201) - 100;
        u16(o, (uint32_t)l & 0xffff);
        u16(o, (uint32_t)r & 0xffff);
    }
}

static int save(const char *dir, const char *name, out *o)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int rc = !f || fwrite(o->p, 1, o->n, f) != o->n;
    if (f) rc |= fclose(f) != 0;
    if (rc) perror(path);
    free(o->p);
    memset(o, 0, sizeof *o);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_records DIR\n");
        return 2;
    }
    out o = {0};
    int rc = 0;
    sheet(&o);
    rc |= save(argv[1], "records-sheet", &o);
    structs(&o);
    rc |= save(argv[1], "records-struct", &o);
    samples(&o);
    rc |= save(argv[1], "records-samples", &o);
    survey(&o);
    rc |= save(argv[1], "records-survey", &o);
    return rc;
}
