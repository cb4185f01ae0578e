/* tools/recipe_arg.c — see recipe_arg.h. */
#include "recipe_arg.h"
#include "../common/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int file_load(const char *prog, const char *path, bytebuf *b)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "%s: cannot open %s: %s\n", prog, path, strerror(errno));
        return SL_EIO;
    }
    int rc = 0;
    for (;;) {
        if ((rc = bytebuf_reserve(b, 1 << 16))) break;
        size_t n = fread(b->p + b->len, 1, b->cap - b->len, f);
        b->len += n;
        if (n == 0) {
            if (ferror(f)) {
                fprintf(stderr, "%s: read error on %s\n", prog, path);
                rc = SL_EIO;
            }
            break;
        }
    }
    if (f != stdin) fclose(f);
    return rc;
}

int recipe_from_arg(const char *prog, const char *arg, recipe_params *p)
{
    if (recipe_preset(arg, p) == 0) return 0;
    if (!strchr(arg, '/') && !strchr(arg, '.')) {
        FILE *f = fopen(arg, "rb");
        if (!f) {
            fprintf(stderr, "%s: '%s' is neither a preset (", prog, arg);
            for (int i = 0; recipe_preset_names[i]; i++)
                fprintf(stderr, "%s%s", i ? ", " : "", recipe_preset_names[i]);
            fprintf(stderr, ") nor a readable recipe file\n");
            return SL_EPRESET;
        }
        fclose(f);
    }
    bytebuf t = {0};
    int rc = file_load(prog, arg, &t);
    if (rc) return rc;
    recipe_error e;
    rc = recipe_parse((const char *)t.p, t.len, p, &e);
    if (rc)
        fprintf(stderr, "%s: %s:%d: %s (%s)\n", prog, arg, e.line, e.msg,
                sl_errname(rc));
    bytebuf_fini(&t);
    return rc;
}
