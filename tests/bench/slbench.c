/* tests/bench/slbench.c — `make bench`: the codec beside xz and zstd.
 *
 *   slbench [-p tiny,default,...] [-k CHUNK] FILE|DIR...
 * For every file and preset: original size, coded size, the ideal size
 * (sum of -log2 p), bits per byte, encode and decode MB/s and peak RSS,
 * with zlib -9, xz -9e and zstd -19 sizes computed in the same run. Each
 * preset runs in its own child process so peak RSS is its own. The decoded
 * bytes are compared with the original; a mismatch fails the run. */
#include "../../common/codec.h"
#include "../../common/err.h"
#include "../../common/recipe.h"
#include "../../tools/recipe_arg.h"

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

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

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

static result run_codec(const recipe_params *rp, const bytebuf *in, size_t chunk)
{
    result r = {0};
    codec *enc, *dec;
    bytebuf out = {0};
    if (codec_new(&enc, rp)) return r;
    size_t nchunks = (in->len + chunk - 1) / chunk;
    size_t *ends = calloc(nchunks + 1, sizeof *ends);
    double t0 = now();
    for (size_t i = 0; i < nchunks; i++) {
        size_t off = i * chunk, n = in->len - off < chunk ? in->len - off : chunk;
        if (codec_encode(enc, in->p + off, n, &out)) return r;
        ends[i + 1] = out.len;
    }
    r.enc_s = now() - t0;
    uint64_t enc_digest = codec_digest(enc);
    codec_free(enc); /* so peak RSS is one codec's, as on either end */
    if (codec_new(&dec, rp)) return r;
    uint8_t *back = malloc(in->len + 1);
    t0 = now();
    for (size_t i = 0; i < nchunks; i++) {
        size_t off = i * chunk, n = in->len - off < chunk ? in->len - off : chunk;
        if (codec_decode(dec, out.p + ends[i], ends[i + 1] - ends[i], back + off, n))
            return r;
    }
    r.dec_s = now() - t0;
    r.coded = (double)out.len;
    r.ok = memcmp(back, in->p, in->len) == 0 && enc_digest == codec_digest(dec);
    free(back);
    codec_free(dec);
    /* The ideal size comes from a third, untimed encode: neither end of a
     * real link adds up code lengths, so the timed passes do not either. */
    codec *ideal;
    bytebuf scratch = {0};
    if (r.ok && codec_new(&ideal, rp) == 0) {
        codec_track_cost(ideal, 1);
        for (size_t i = 0; i < nchunks && r.ok; i++) {
            size_t off = i * chunk, n = in->len - off < chunk ? in->len - off : chunk;
            scratch.len = 0;
            r.ok = codec_encode(ideal, in->p + off, n, &scratch) == 0;
        }
        r.ideal = codec_cost_bits(ideal) / 8.0;
        codec_free(ideal);
    }
    bytebuf_fini(&scratch);
    free(ends);
    bytebuf_fini(&out);
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
    if (file_load("slbench", path, &in)) return 1;
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
    char *presets[8];
    int np = 0;
    char plist[256] = "tiny,small,default,max";
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
    for (char *s = strtok(plist, ","); s && np < 8; s = strtok(NULL, ",")) presets[np++] = s;
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
