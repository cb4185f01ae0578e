/* tests/bench/slbench.c — `make bench`: the codec beside xz and zstd.
 *
 *   slbench [-p tiny,default,...] [-k CHUNK] FILE|DIR...
 * For every file and preset: original size, coded size, the ideal size
 * (sum of -log2 p), bits per byte, encode and decode MB/s (medians of
 * up to 5 runs when a run is short) and peak RSS,
 * with zlib -9, xz -9e and zstd -19 sizes computed in the same run. Each
 * preset runs in its own child process so peak RSS is its own. The decoded
 * bytes are compared with the original; a mismatch fails the run. */
#include "../../common/codec.h"
#include "../../common/err.h"
#include "../../common/recipe.h"
#include "../../util/fileio.h"
#include "../../util/recipe_arg.h"
#include "../../util/clock.h"

#include <dirent.h>
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

/* Runs one preset on one file in a child; returns 0 on a verified round trip. */
static int bench_one(const char *name, const char *preset, const bytebuf *in,
                     size_t chunk)
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
    if (got != (ssize_t)sizeof r || !r.ok) {
        printf("%-14s %-8s ROUND TRIP FAILED\n", name, preset);
        return 1;
    }
    double n = (double)in->len;
    printf("%-14s %-8s %10.0f %10.0f %7.3f %7.3f %9.3f %9.3f %8.1f\n", name, preset,
           r.coded, r.ideal, n ? r.coded * 8 / n : 0, n ? r.ideal * 8 / n : 0,
           n / 1e6 / r.enc_s, n / 1e6 / r.dec_s, (double)ru.ru_maxrss / 1024.0);
    return 0;
}

static int bench_file(const char *path, char **presets, int np, size_t chunk,
                      double tot[][3])
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
    printf("%-14s %-8s %10zu  zlib-9 %.3f  xz-9e %.3f  zstd-19 %.3f bpc\n", name,
           "(input)", in.len, n ? gz * 8 / n : 0, n ? xz * 8 / n : 0, n ? zs * 8 / n : 0);
    int fail = 0;
    for (int i = 0; i < np; i++) fail |= bench_one(name, presets[i], &in, chunk);
    tot[0][0] += n; tot[0][1] += (double)xz; tot[0][2] += (double)zs;
    bytebuf_fini(&in);
    return fail;
}

int main(int argc, char **argv)
{
    char *presets[12];
    int np = 0;
    char plist[256] = "uniform,order0,tiny,small,default,max,large,tx";
    size_t chunk = 1 << 20;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-p") && i + 1 < argc)
            snprintf(plist, sizeof plist, "%s", argv[++i]);
        else if (!strcmp(argv[i], "-k") && i + 1 < argc)
            chunk = strtoul(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: slbench [-p PRESETS] [-k CHUNK] FILE|DIR...\n");
            return 2;
        }
    }
    for (char *s = strtok(plist, ","); s && np < 12; s = strtok(NULL, ",")) presets[np++] = s;
    if (i == argc || chunk == 0) {
        fprintf(stderr, "usage: slbench [-p PRESETS] [-k CHUNK] FILE|DIR...\n");
        return 2;
    }
    printf("%-14s %-8s %10s %10s %7s %7s %9s %9s %8s\n", "file", "preset", "coded",
           "ideal", "bpc", "ideal", "enc MB/s", "dec MB/s", "RSS MiB");
    double tot[1][3] = {{0}};
    int fail = 0;
    for (; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st)) { perror(argv[i]); fail = 1; continue; }
        if (!S_ISDIR(st.st_mode)) { fail |= bench_file(argv[i], presets, np, chunk, tot); continue; }
        struct dirent **ents;
        int n = scandir(argv[i], &ents, NULL, alphasort);
        for (int k = 0; k < n; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], ents[k]->d_name);
            if (ents[k]->d_name[0] != '.' && !stat(path, &st) && S_ISREG(st.st_mode) &&
                strcmp(ents[k]->d_name, "SHA256SUMS") && strcmp(ents[k]->d_name, "README.md"))
                fail |= bench_file(path, presets, np, chunk, tot);
            free(ents[k]);
        }
        free(ents);
    }
    return fail;
}
