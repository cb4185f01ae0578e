/* tests/determinism/gen.c — writes the determinism check's inputs into a
 * directory: golden.bin (the golden input), text.txt, short.txt,
 * binary.bin, random.bin and cells.bin (a table of BIFF-like cells, for
 * the record-header contexts and the cell map), all generated, so the
 * check needs nothing outside the tree. */
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

/* Rows of a label (2..17 bytes) and 30 cells (type 0x027e, or 0x0201 for
 * a blank; body: row, column, format, value), n bytes in all. */
static void cells(uint8_t *p, size_t n, uint64_t seed)
{
    size_t i = 0;
    for (uint32_t r = 0; i < n; r++) {
        uint32_t len = 2 + (uint32_t)(td_next(&seed) >> 60);
        uint8_t h[4] = {0x04, 0x02, (uint8_t)len, 0};
        for (uint32_t k = 0; k < 4 + len && i < n; k++)
            p[i++] = k < 4 ? h[k] : (uint8_t)(td_next(&seed) >> 56);
        for (uint32_t c = 0; c < 30; c++) {
            uint32_t x = (uint32_t)(td_next(&seed) >> 60);
            uint8_t b[10] = {x < 2 ? 0x01 : 0x7e, 0x02, 6, 0, (uint8_t)r, (uint8_t)(r >> 8),
                             (uint8_t)c, 0, 0x15, (uint8_t)(c * 5 + x % 4)};
            for (uint32_t k = 0; k < 10 && i < n; k++) p[i++] = b[k];
        }
    }
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
    cells(buf, 20000, 105);
    rc |= put(argv[1], "cells.bin", buf, 20000);
    return rc;
}
