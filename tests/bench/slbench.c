/* tests/bench/slbench.c — `make bench`: the codec beside xz and zstd.
 *
 *   slbench [-p tiny,default,...] [-k CHUNK] [-x SLCODEC] FILE|DIR...
 * For every file and preset: original size, coded size, the ideal size
 * (sum of -log2 p), bits per byte, encode and decode MB/s in process
 * (medians of up to 5 runs when a run is short), the same speeds for the
 * whole `slcodec c` / `slcodec d` process as a user sees them (table setup
 * and file I/O included; with -x, the slcodec binary to run), peak RSS,
 * those two processes' times over the time of the whole `xz -9e` process
 * on the same file, timed between them ("x xz -9e"),
 * and, for the Canterbury files, paq8px v216 -8's published size and our
 * ratio to it. zlib -9, xz -9e and zstd -19 sizes are computed in the same
 * run. Each DIR is a set with its own totals; a DIR that does not exist is
 * skipped with a note, so the bench runs on a fresh clone. Each preset
 * runs in its own child process so peak RSS is its own. Decoded bytes are
 * compared with the original (in process and through the files); a
 * mismatch fails the run. */
#include "../../common/codec.h"
#include "../../common/err.h"
#include "../../common/recipe.h"
#include "../../util/fileio.h"
#include "../../util/recipe_arg.h"
#include "../../util/clock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

typedef struct result {
    double coded, ideal, enc_s, dec_s;
    int ok;
} result;

/* paq8px v216 -8's compressed sizes of the Canterbury files, as published
 * in the "Canterbury corpus" table of the paq8px README:
 * https://github.com/hxim/paq8px/blob/29237fb44cb1995690e3eb72c6c3b1e4aede5791/README.md
 * (total 305,171 bytes). A file is matched by name and size. */
static const struct { const char *name; size_t size, paq8px; } paq8px_v216[] = {
    {"alice29.txt", 152089, 33070},  {"asyoulik.txt", 125179, 31515},
    {"cp.html", 24603, 5408},        {"fields.c", 11150, 2027},
    {"grammar.lsp", 3721, 861},      {"kennedy.xls", 1029744, 8140},
    {"lcet10.txt", 426754, 79110},   {"plrabn12.txt", 481861, 117450},
    {"ptt5", 513216, 19633},         {"sum", 38240, 6662},
    {"xargs.1", 4227, 1295},
};

static size_t paq8px_size(const char *name, size_t size)
{
    for (size_t i = 0; i < sizeof paq8px_v216 / sizeof paq8px_v216[0]; i++)
        if (!strcmp(paq8px_v216[i].name, name) && paq8px_v216[i].size == size)
            return paq8px_v216[i].paq8px;
    return 0;
}

/* Totals of one set (a directory or the files named on the command line). */
#define MAX_PRESETS 8
typedef struct totals {
    double raw, xz, zstd;
    double coded[MAX_PRESETS];
    double paq_raw, paq, paq_coded[MAX_PRESETS];  /* files with a paq8px size */
} totals;

static size_t xz_size(const bytebuf *in)
{
    size_t cap = lzma_stream_buffer_bound(in->len), pos = 0;
    uint8_t *out = malloc(cap);
    if (!out) return 0;
    if (lzma_easy_buffer_encode(9 | LZMA_PRESET_EXTREME, LZMA_CHECK_CRC64, NULL,
                                in->p, in->len, out, &pos, cap) != LZMA_OK)
        pos = 0;
    free(out);
    return pos;
}

static size_t zstd_size(const bytebuf *in)
{
    size_t cap = ZSTD_compressBound(in->len);
    void *out = malloc(cap);
    if (!out) return 0;
    size_t n = ZSTD_compress(out, cap, in->p, in->len, 19);
    free(out);
    return ZSTD_isError(n) ? 0 : n;
}

static size_t zlib_size(const bytebuf *in)
{
    uLongf cap = compressBound(in->len);
    Bytef *out = malloc(cap);
    if (!out) return 0;
    if (compress2(out, &cap, in->p, in->len, 9) != Z_OK) cap = 0;
    free(out);
    return cap;
}

/* Codes `in` in chunks with a fresh codec: encodes into out (chunk ends
 * in ends[1..]) or, when back is not NULL, decodes out into back. Returns
 * the seconds taken, or -1; *digest gets the final model digest. */
static double pass(const recipe_params *rp, const bytebuf *in, size_t chunk,
                   bytebuf *out, size_t *ends, uint8_t *back, int track,
                   double *ideal, uint64_t *digest)
{
    codec *c;
    if (codec_new(&c, rp)) return -1;
    if (track) codec_track_cost(c, 1);
    size_t nchunks = (in->len + chunk - 1) / chunk;
    int rc = 0;
    double t0 = now_s();
    for (size_t i = 0; i < nchunks && !rc; i++) {
        size_t off = i * chunk, n = in->len - off < chunk ? in->len - off : chunk;
        if (back) {
            rc = codec_decode(c, out->p + ends[i], ends[i + 1] - ends[i], back + off, n);
        } else {
            rc = codec_encode(c, in->p + off, n, out);
            ends[i + 1] = out->len;
        }
    }
    double t = now_s() - t0;
    if (ideal) *ideal = codec_cost_bits(c) / 8.0;
    if (digest) *digest = codec_digest(c);
    codec_free(c); /* one codec at a time, so peak RSS is one end's */
    return rc ? -1 : t;
}

static double median(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
        }
    return v[n / 2];
}

/* One verified round trip; while an encode and a decode take under a
 * second together, up to 5 (fresh codecs each time), timed by their
 * medians: short runs on a shared machine are noisy. The ideal size comes
 * from one more, untimed encode: neither end of a real link adds up code
 * lengths, so the timed passes do not either. */
static result run_codec(const recipe_params *rp, const bytebuf *in, size_t chunk)
{
    result r = {0};
    size_t nchunks = (in->len + chunk - 1) / chunk;
    size_t *ends = calloc(nchunks + 1, sizeof *ends);
    uint8_t *back = malloc(in->len + 1);
    bytebuf out = {0}, scratch = {0};
    double te[5], td[5];
    uint64_t de = 0, dd = 0;
    int reps = 0;
    if (!ends || !back) goto done;
    do {
        out.len = 0;
        te[reps] = pass(rp, in, chunk, &out, ends, NULL, 0, NULL, &de);
        td[reps] = te[reps] < 0 ? -1 : pass(rp, in, chunk, &out, ends, back, 0, NULL, &dd);
        if (td[reps] < 0 || de != dd || memcmp(back, in->p, in->len)) goto done;
        reps++;
    } while (reps < 5 && te[0] + td[0] < 1.0);
    r.enc_s = median(te, reps);
    r.dec_s = median(td, reps);
    r.coded = (double)out.len;
    r.ok = pass(rp, in, chunk, &scratch, ends, NULL, 1, &r.ideal, NULL) >= 0 &&
           scratch.len == out.len;
done:
    bytebuf_fini(&scratch);
    bytebuf_fini(&out);
    free(back);
    free(ends);
    return r;
}

/* Runs argv as a child with stdout and stderr on /dev/null; returns its
 * wall time in seconds, or -1 when it could not run or failed. */
static double run_process(char *const argv[])
{
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); }
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    double t = now_s() - t0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t : -1;
}

static int same_file(const char *path, const bytebuf *want)
{
    bytebuf got = {0};
    FILE *f = fopen(path, "rb");
    int same = 0;
    if (f) {
        uint8_t tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
            if (bytebuf_append(&got, tmp, n)) break;
        same = !ferror(f) && got.len == want->len && !memcmp(got.p, want->p, got.len);
        fclose(f);
    }
    bytebuf_fini(&got);
    return same;
}

/* The xz binary whose whole `xz -9e` process the bench times beside
 * slcodec's (xz-utils, on every Debian machine). */
#define XZ_BIN "/usr/bin/xz"

/* The whole `slcodec c` and `slcodec d` processes on the file at path,
 * medians of up to 5 runs while a pair takes under a second; the decoded
 * file must equal the input. Between them, the whole `xz -9e` process on
 * the same file, so the ratio of the medians compares runs made under the
 * same load (*xz_s -1 without an xz binary). Returns 0 and the seconds,
 * or -1. */
static int run_whole(const char *slcodec, const char *preset, const char *path,
                     const bytebuf *in, size_t chunk, double *enc_s, double *dec_s,
                     double *xz_s)
{
    char dir[] = "/tmp/slbench.XXXXXX", slc[64], back[64], k[32];
    if (!mkdtemp(dir)) return -1;
    snprintf(slc, sizeof slc, "%s/f.slc", dir);
    snprintf(back, sizeof back, "%s/f.out", dir);
    snprintf(k, sizeof k, "%zu", chunk);
    char *c_argv[] = {(char *)slcodec, "c", "-r", (char *)preset, "-k", k, (char *)path, slc, NULL};
    char *d_argv[] = {(char *)slcodec, "d", slc, back, NULL};
    char *x_argv[] = {XZ_BIN, "-9e", "-k", "-c", (char *)path, NULL};
    int has_xz = access(XZ_BIN, X_OK) == 0;
    double te[5], td[5], tx[5];
    int reps = 0, rc = -1;
    do {
        te[reps] = run_process(c_argv);
        tx[reps] = has_xz && te[reps] >= 0 ? run_process(x_argv) : -1;
        td[reps] = te[reps] < 0 ? -1 : run_process(d_argv);
        if (td[reps] < 0 || !same_file(back, in)) goto done;
        remove(back);
        has_xz &= tx[reps] > 0;
        reps++;
    } while (reps < 5 && te[0] + td[0] < 1.0);
    *enc_s = median(te, reps);
    *dec_s = median(td, reps);
    *xz_s = has_xz ? median(tx, reps) : -1;
    rc = 0;
done:
    remove(slc);
    remove(back);
    rmdir(dir);
    return rc;
}

/* Runs one preset on one file in a child (in process), then as whole
 * processes; prints a row and adds the coded size to *coded. Returns 0 on
 * verified round trips. */
static int bench_one(const char *name, const char *path, const char *preset,
                     const char *slcodec, const bytebuf *in, size_t chunk,
                     size_t paq, double *coded)
{
    recipe_params rp;
    if (recipe_from_arg("slbench", preset, &rp)) return 1;
    int fd[2];
    if (pipe(fd)) return 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        result r = run_codec(&rp, in, chunk);
        _exit(write(fd[1], &r, sizeof r) == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fd[1]);
    result r = {0};
    ssize_t got = read(fd[0], &r, sizeof r);
    close(fd[0]);
    int status;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    double we = 0, wd = 0, wx = -1;
    if (got != (ssize_t)sizeof r || !r.ok ||
        run_whole(slcodec, preset, path, in, chunk, &we, &wd, &wx)) {
        printf("%-14s %-8s ROUND TRIP FAILED\n", name, preset);
        return 1;
    }
    double n = (double)in->len;
    printf("%-14s %-8s %9.0f %9.0f %6.3f %6.3f %7.3f %7.3f %7.3f %7.3f %7.1f", name, preset,
           r.coded, r.ideal, n ? r.coded * 8 / n : 0, n ? r.ideal * 8 / n : 0,
           n / 1e6 / r.enc_s, n / 1e6 / r.dec_s, n / 1e6 / we, n / 1e6 / wd,
           (double)ru.ru_maxrss / 1024.0);
    if (wx > 0) printf(" %5.2f %5.2f", we / wx, wd / wx);
    else printf(" %5s %5s", "-", "-");
    if (paq) printf(" %7zu %6.3f", paq, r.coded / (double)paq);
    printf("\n");
    *coded += r.coded;
    return 0;
}

static int bench_file(const char *path, char **presets, int np, const char *slcodec,
                      size_t chunk, totals *t)
{
    bytebuf in = {0};
    char why[512];
    if (fileio_load(path, &in, why, sizeof why)) {
        fprintf(stderr, "slbench: %s\n", why);
        return 1;
    }
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    double n = (double)in.len;
    size_t gz = zlib_size(&in), xz = xz_size(&in), zs = zstd_size(&in);
    size_t paq = paq8px_size(name, in.len);
    printf("%-14s %-8s %9zu  zlib-9 %.3f  xz-9e %.3f  zstd-19 %.3f bpc", name,
           "(input)", in.len, n ? gz * 8 / n : 0, n ? xz * 8 / n : 0, n ? zs * 8 / n : 0);
    if (paq) printf("  paq8px-8 %.3f", paq * 8 / n);
    printf("\n");
    int fail = 0;
    for (int i = 0; i < np; i++) {
        double c = 0;
        fail |= bench_one(name, path, presets[i], slcodec, &in, chunk, paq, &c);
        t->coded[i] += c;
        if (paq) t->paq_coded[i] += c;
    }
    t->raw += n; t->xz += (double)xz; t->zstd += (double)zs;
    if (paq) { t->paq_raw += n; t->paq += (double)paq; }
    bytebuf_fini(&in);
    return fail;
}

static void print_totals(const char *set, const totals *t, char **presets, int np)
{
    if (t->raw == 0) return;
    printf("== %s total: %.0f bytes; xz -9e %.0f (%.3f bpc), zstd -19 %.0f (%.3f bpc)\n",
           set, t->raw, t->xz, t->xz * 8 / t->raw, t->zstd, t->zstd * 8 / t->raw);
    for (int i = 0; i < np; i++) {
        printf("== %s total %-8s %9.0f bytes %6.3f bpc", set, presets[i], t->coded[i],
               t->coded[i] * 8 / t->raw);
        if (t->paq > 0)
            printf("; files with a paq8px size: %.0f vs paq8px v216 -8 %.0f, ratio %.3f",
                   t->paq_coded[i], t->paq, t->paq_coded[i] / t->paq);
        printf("\n");
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: slbench [-p PRESETS] [-k CHUNK] [-x SLCODEC] FILE|DIR...\n");
    return 2;
}

/* The slcodec beside this program, unless -x names another. */
static void default_slcodec(const char *argv0, char *out, size_t cap)
{
    const char *slash = strrchr(argv0, '/');
    if (slash) snprintf(out, cap, "%.*s/slcodec", (int)(slash - argv0), argv0);
    else snprintf(out, cap, "./slcodec");
}

static int bench_dir(const char *dir, char **presets, int np, const char *slcodec,
                     size_t chunk, totals *t)
{
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort), fail = 0;
    if (n < 0) { perror(dir); return 1; }
    for (int k = 0; k < n; k++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, ents[k]->d_name);
        if (ents[k]->d_name[0] != '.' && !stat(path, &st) && S_ISREG(st.st_mode) &&
            strcmp(ents[k]->d_name, "SHA256SUMS") && strcmp(ents[k]->d_name, "README.md"))
            fail |= bench_file(path, presets, np, slcodec, chunk, t);
        free(ents[k]);
    }
    free(ents);
    return fail;
}

int main(int argc, char **argv)
{
    char *presets[MAX_PRESETS];
    int np = 0;
    char plist[256] = "uniform,order0,tiny,small,default,max,large,tx", slcodec[4096];
    size_t chunk = 1 << 20;
    default_slcodec(argv[0], slcodec, sizeof slcodec);
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-p") && i + 1 < argc)
            snprintf(plist, sizeof plist, "%s", argv[++i]);
        else if (!strcmp(argv[i], "-k") && i + 1 < argc)
            chunk = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-x") && i + 1 < argc)
            snprintf(slcodec, sizeof slcodec, "%s", argv[++i]);
        else
            return usage();
    }
    for (char *s = strtok(plist, ","); s && np < MAX_PRESETS; s = strtok(NULL, ","))
        presets[np++] = s;
    if (i == argc || chunk == 0) return usage();
    if (access(slcodec, X_OK)) {
        fprintf(stderr, "slbench: %s is not an executable (use -x SLCODEC)\n", slcodec);
        return 2;
    }
    printf("%57s %-15s %-15s %7s %-11s %-14s\n", "", "in process MB/s", "whole proc MB/s", "",
           "x xz -9e", "paq8px v216 -8");
    printf("%-14s %-8s %9s %9s %6s %6s %7s %7s %7s %7s %7s %5s %5s %7s %6s\n", "file",
           "preset", "coded", "ideal", "bpc", "ideal", "enc", "dec", "enc", "dec", "RSS MiB",
           "enc", "dec", "-8 B", "ratio");
    int fail = 0;
    totals files = {0};
    for (; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st)) {
            printf("== %s: skipped (%s)\n", argv[i], strerror(errno));
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            fail |= bench_file(argv[i], presets, np, slcodec, chunk, &files);
            continue;
        }
        totals t = {0};
        printf("== set %s\n", argv[i]);
        fail |= bench_dir(argv[i], presets, np, slcodec, chunk, &t);
        print_totals(argv[i], &t, presets, np);
    }
    print_totals("files", &files, presets, np);
    return fail;
}
