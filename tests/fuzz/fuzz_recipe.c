/* tests/fuzz/fuzz_recipe.c — fuzz target: any bytes as a recipe. A parse
 * either fails with a named error and a message, or succeeds, and then
 * its canonical text must parse back to the same canonical text, and the
 * recipe packed for the wire must unpack to it too. */
#include "../../common/err.h"
#include "../../common/recipe.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    recipe_params p, q;
    recipe_error e;
    int rc = recipe_parse((const char *)data, size, &p, &e);
    if (rc) {
        if (rc > 0 || !strcmp(sl_errname(rc), "SL_E?") || !e.msg[0]) abort();
        return 0;
    }
    char a[RECIPE_MAX_TEXT], b[RECIPE_MAX_TEXT];
    int n = recipe_canonical(&p, a, sizeof a);
    if (n < 0 || recipe_parse(a, (size_t)n, &q, &e)) abort();
    if (recipe_canonical(&q, b, sizeof b) != n || memcmp(a, b, (size_t)n)) abort();
    bytebuf packed = {0};
    size_t used;
    if (recipe_pack(&p, &packed) ||
        recipe_unpack(packed.p, packed.len, &used, &q, &e) || used != packed.len ||
        recipe_canonical(&q, b, sizeof b) != n || memcmp(a, b, (size_t)n))
        abort();
    bytebuf_fini(&packed);
    return 0;
}
