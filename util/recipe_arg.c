/* util/recipe_arg.c — see recipe_arg.h. */
#include "recipe_arg.h"
#include "fileio.h"
#include "../common/err.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int recipe_from_arg(const char *prog, const char *arg, recipe_params *p)
{
    if (recipe_preset(arg, p) == 0) return 0;
    if (!strchr(arg, '/') && !strchr(arg, '.') && access(arg, R_OK)) {
        fprintf(stderr, "%s: '%s' is neither a preset (", prog, arg);
        for (int i = 0; recipe_preset_names[i]; i++)
            fprintf(stderr, "%s%s", i ? ", " : "", recipe_preset_names[i]);
        fprintf(stderr, ") nor a readable recipe file\n");
        return SL_EPRESET;
    }
    bytebuf t = {0};
    char why[512];
    int rc = fileio_load(arg, &t, why, sizeof why);
    if (rc) {
        fprintf(stderr, "%s: %s\n", prog, why);
        bytebuf_fini(&t);
        return rc;
    }
    recipe_error e;
    rc = recipe_parse((const char *)t.p, t.len, p, &e);
    if (rc)
        fprintf(stderr, "%s: %s:%d: %s (%s)\n", prog, arg, e.line, e.msg, sl_errname(rc));
    bytebuf_fini(&t);
    return rc;
}
