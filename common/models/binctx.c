/* common/models/binctx.c — see binctx.h. */
#include "binctx.h"

void binctx_values(const uint8_t *buf, uint32_t mask, uint32_t pos, int n, uint64_t *v)
{
    uint64_t b[9];
    for (uint32_t j = 1; j <= 8; j++) b[j] = buf[(pos - j) & mask];
    uint64_t a4 = pos & 3;
    /* Each value carries its number above bit 32, so no two contexts
     * share a value. */
    const uint64_t all[BIN_MAX_CTX] = {
        b[1] | a4 << 8,
        b[5] | b[6] << 8 | b[7] << 16 | b[8] << 24 | 1ull << 32,
        (b[1] >> 4) | (b[2] >> 4) << 4 | (b[3] >> 4) << 8 | (b[4] >> 4) << 12 | 2ull << 32,
        b[4] | 3ull << 32,
        b[1] | b[5] << 8 | 4ull << 32,
        b[1] | b[2] << 8 | a4 << 16 | 5ull << 32,
        b[4] | b[8] << 8 | 6ull << 32,
        b[2] | b[4] << 8 | b[6] << 16 | 7ull << 32,
    };
    for (int i = 0; i < n && i < BIN_MAX_CTX; i++) v[i] = all[i];
}
