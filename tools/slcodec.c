/* tools/slcodec.c — the codec alone as a file compressor: C and libc only,
 * so it builds for any target (the determinism check cross-compiles it).
 *
 *   slcodec c [-r NAME|FILE] [-k CHUNK] IN OUT   compress (IN may be -)
 *   slcodec d IN OUT                             decompress
 *   slcodec p NAME|FILE                          print the canonical recipe
 * OUT is written under a temporary name and renamed into place only when
 * complete, so a failed run never leaves a partial file under OUT. */
#include "../common/container.h"
#include "../common/err.h"
#include "../common/recipe.h"
#include "../util/fileio.h"
#include "../util/recipe_arg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *f)
{
    fprintf(f,
            "usage: slcodec c [-r NAME|FILE] [-k CHUNK] IN OUT   compress\n"
            "       slcodec d IN OUT                             decompress\n"
            "       slcodec p NAME|FILE                          print recipe\n"
            "presets:");
    for (int i = 0; recipe_preset_names[i]; i++) fprintf(f, " %s", recipe_preset_names[i]);
    fprintf(f, " (default: default); chunk default 1048576 bytes\n");
    return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage(stderr);
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) return usage(stdout);
    const char *recipe = "default";
    size_t chunk = 1 << 20;
    int i = 2;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-r") && i + 1 < argc) recipe = argv[++i];
        else if (!strcmp(argv[i], "-k") && i + 1 < argc) {
            char *endp;
            unsigned long v = strtoul(argv[++i], &endp, 10);
            if (*endp || v == 0 || v > SLC_MAX_CHUNK) {
                fprintf(stderr, "slcodec: chunk must be 1..%u bytes\n", SLC_MAX_CHUNK);
                return 2;
            }
            chunk = v;
        } else return usage(stderr);
    }
    recipe_params rp;
    if (!strcmp(argv[1], "p")) {
        if (argc != 3) return usage(stderr);
        if (recipe_from_arg("slcodec", argv[2], &rp)) return 1;
        char text[RECIPE_MAX_TEXT];
        if (recipe_canonical(&rp, text, sizeof text) < 0) return 1;
        fputs(text, stdout);
        return 0;
    }
    if (argc - i != 2 || (strcmp(argv[1], "c") && strcmp(argv[1], "d")))
        return usage(stderr);
    bytebuf in = {0}, out = {0};
    char why[512];
    int rc = fileio_load(argv[i], &in, why, sizeof why);
    if (rc) fprintf(stderr, "slcodec: %s\n", why);
    if (!rc && argv[1][0] == 'c') {
        rc = recipe_from_arg("slcodec", recipe, &rp); /* prints its own error */
        if (!rc && (rc = slc_write(&rp, chunk, in.p, in.len, &out)))
            fprintf(stderr, "slcodec: compress failed: %s\n", sl_strerror(rc));
    } else if (!rc) {
        rc = slc_read(in.p, in.len, &out, why, sizeof why);
        if (rc) fprintf(stderr, "slcodec: %s: %s (%s)\n", argv[i], why, sl_errname(rc));
    }
    if (!rc && (rc = fileio_save(argv[i + 1], out.p, out.len, 0644, why, sizeof why)))
        fprintf(stderr, "slcodec: %s\n", why);
    bytebuf_fini(&in);
    bytebuf_fini(&out);
    return rc ? 1 : 0;
}
