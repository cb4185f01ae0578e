/* tests/bench/splitmix.h — the development-set generators' random numbers:
 * splitmix64, so every machine makes the same files.
 *   uint64_t state = SEED;  uint32_t r = splitmix_below(&state, n);  // 0..n-1
 * (n = 0 gives 0). */
#ifndef SL_SPLITMIX_H
#define SL_SPLITMIX_H

#include <stdint.h>

static inline uint32_t splitmix_below(uint64_t *state, uint32_t n)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return n ? (uint32_t)(z % n) : 0;
}

#endif
