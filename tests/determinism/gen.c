/* tests/determinism/gen.c — writes the determinism check's inputs into a
 * directory: golden.bin (the golden input), text.txt, short.txt,
 * binary.bin and random.bin, all generated, so the check needs nothing
 * outside the tree. */
#include "../unit/testdata.h"

#include <stdio.h>

static int put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
        perror(path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen DIR\n");
        return 2;
    }
    static uint8_t buf[TD_GOLDEN_SIZE];
    int rc = 0;
    td_golden(buf);
    rc |= put(argv[1], "golden.bin", buf, TD_GOLDEN_SIZE);
    td_text(buf, 40000, 101);
    rc |= put(argv[1], "text.txt", buf, 40000);
    td_text(buf, 3000, 104);
    rc |= put(argv[1], "short.txt", buf, 3000);
    td_binary(buf, 20000, 102);
    rc |= put(argv[1], "binary.bin", buf, 20000);
    td_random(buf, 6000, 103);
    rc |= put(argv[1], "random.bin", buf, 6000);
    return rc;
}
