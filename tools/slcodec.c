/* tools/slcodec.c — the codec alone as a file compressor, used like gzip:
 * C and libc only, so it builds for any target (the determinism check
 * cross-compiles it).
 *
 *   slcodec c [-v] [-r NAME|FILE] [-k CHUNK] IN OUT   compress (IN, OUT may be -)
 *   slcodec d [-v] IN OUT                             decompress
 *   slcodec p NAME|FILE                               print the canonical recipe
 *   slcodec --version | --help
 * -v prints one summary line on stderr. Exit status: 0 done, 1 an error
 * (input, output, corrupt data), 2 a usage error (options, unknown preset);
 * every error is printed once. OUT is written under a temporary name and
 * renamed into place only when complete, so a failed run never leaves a
 * partial file under OUT. slcodec(1) describes it all. */
#include "../common/container.h"
#include "../common/err.h"
#include "../common/recipe.h"
#include "../util/fileio.h"
#include "../util/recipe_arg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERSION "slcodec 0.1"

typedef struct slc_opts {
    const char *cmd, *recipe, *in, *out;
    size_t      chunk;
    int         verbose;
} slc_opts;

/* A usage error: one line saying what, one saying where to look. */
static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "slcodec: %s%s%s%s\nTry 'slcodec --help'.\n", what, arg ? " '" : "",
            arg ? arg : "", arg ? "'" : "");
    return 2;
}

static int usage(FILE *f)
{
    fprintf(f,
            "usage: slcodec c [-v] [-r NAME|FILE] [-k CHUNK] IN OUT   compress\n"
            "       slcodec d [-v] IN OUT                             decompress\n"
            "       slcodec p NAME|FILE                               print a recipe\n"
            "       slcodec --version | --help\n"
            "IN and OUT may be - (stdin, stdout). -v: a summary line on stderr.\n"
            "presets:");
    for (int i = 0; recipe_preset_names[i]; i++) fprintf(f, " %s", recipe_preset_names[i]);
    fprintf(f, " (default: default); chunk default 1048576 bytes. See slcodec(1).\n");
    return f == stderr ? 2 : 0;
}

/* Fills o; -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, slc_opts *o)
{
    if (argc < 2) return usage(stderr);
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) return usage(stdout);
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("%s (codec version %d)\n", VERSION, CODEC_VERSION);
        return 0;
    }
    o->cmd = argv[1];
    o->recipe = "default";
    o->chunk = 1 << 20;
    int i = 2;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-v")) {
            o->verbose = 1;
        } else if (!strcmp(argv[i], "-r") && i + 1 < argc) {
            o->recipe = argv[++i];
        } else if (!strcmp(argv[i], "-k") && i + 1 < argc) {
            char *endp;
            unsigned long v = strtoul(argv[++i], &endp, 10);
            if (*endp || v == 0 || v > SLC_MAX_CHUNK) {
                fprintf(stderr, "slcodec: -k: a chunk is 1..%u bytes\n", SLC_MAX_CHUNK);
                return 2;
            }
            o->chunk = v;
        } else {
            return bad_usage("unknown option, or one without its value:", argv[i]);
        }
    }
    int want = !strcmp(o->cmd, "p") ? 1 : 2;
    if (strcmp(o->cmd, "c") && strcmp(o->cmd, "d") && strcmp(o->cmd, "p"))
        return bad_usage("unknown command (c, d or p):", o->cmd);
    if (argc - i != want)
        return bad_usage(want == 2 ? "give IN and OUT" : "give a preset or recipe file", NULL);
    o->in = argv[i];
    o->out = want == 2 ? argv[i + 1] : NULL;
    return -1;
}

/* OUT, whole or not at all; "-" is stdout. */
static int save(const char *path, const bytebuf *b)
{
    char why[512];
    if (!strcmp(path, "-")) {
        if (fwrite(b->p, 1, b->len, stdout) != b->len || fflush(stdout)) {
            fprintf(stderr, "slcodec: cannot write to stdout\n");
            return 1;
        }
        return 0;
    }
    if (fileio_save(path, b->p, b->len, 0644, why, sizeof why)) {
        fprintf(stderr, "slcodec: %s\n", why);
        return 1;
    }
    return 0;
}

static void summary(const slc_opts *o, size_t in, size_t out)
{
    const char *name = strcmp(o->in, "-") ? o->in : "stdin";
    if (o->cmd[0] == 'd') {
        fprintf(stderr, "%s: %zu -> %zu bytes\n", name, in, out);
    } else if (out >= in) {
        fprintf(stderr, "%s: %zu -> %zu bytes (too small to gain)\n", name, in, out);
    } else {
        fprintf(stderr, "%s: %zu -> %zu bytes, %.3f bits/byte, %.1f%% saved\n", name, in, out,
                8.0 * (double)out / (double)in, 100.0 * (1.0 - (double)out / (double)in));
    }
}

/* c or d: IN to OUT; the exit status. */
static int convert(const slc_opts *o)
{
    recipe_params rp;
    if (o->cmd[0] == 'c' && recipe_from_arg("slcodec", o->recipe, &rp)) /* says why */
        return 2;
    bytebuf in = {0}, out = {0};
    char why[512];
    int rc = fileio_load(o->in, &in, why, sizeof why);
    if (rc) {
        fprintf(stderr, "slcodec: %s\n", why);
    } else if (o->cmd[0] == 'c') {
        if ((rc = slc_write(&rp, o->chunk, in.p, in.len, &out)))
            fprintf(stderr, "slcodec: %s: cannot compress: %s\n", o->in, sl_strerror(rc));
    } else if ((rc = slc_read(in.p, in.len, &out, why, sizeof why))) {
        fprintf(stderr, "slcodec: %s: %s (%s)\n", o->in, why, sl_errname(rc));
    }
    int status = rc ? 1 : save(o->out, &out);
    if (!status && o->verbose) summary(o, in.len, out.len);
    bytebuf_fini(&in);
    bytebuf_fini(&out);
    return status;
}

int main(int argc, char **argv)
{
    slc_opts o;
    memset(&o, 0, sizeof o);
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0) return rc;
    if (o.cmd[0] == 'p') {
        recipe_params rp;
        char text[RECIPE_MAX_TEXT];
        if (recipe_from_arg("slcodec", o.in, &rp)) return 2;
        if (recipe_canonical(&rp, text, sizeof text) < 0) return 1;
        fputs(text, stdout);
        return 0;
    }
    return convert(&o);
}
