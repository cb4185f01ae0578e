/* tests/unit/testdata.h — deterministic test inputs made by the tests
 * themselves (no files outside the repository). Header-only: each test
 * binary includes it once. */
#ifndef SL_TESTDATA_H
#define SL_TESTDATA_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t td_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void td_random(uint8_t *p, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(td_next(&seed) >> 56);
}

/* Pseudo-English: words from a small vocabulary with a skewed choice,
 * punctuation and line breaks, so every context model has work to do. */
static inline void td_text(uint8_t *p, size_t n, uint64_t seed)
{
    static const char *const words[] = {
        "the", "of", "and", "to", "a", "in", "that", "it", "was", "he",
        "for", "on", "are", "with", "as", "his", "they", "be", "at", "one",
        "have", "this", "from", "or", "had", "by", "word", "but", "what",
        "some", "we", "can", "out", "other", "were", "all", "there", "when",
        "Alice", "Rabbit", "Queen", "garden", "curious", "little", "door",
    };
    const size_t nw = sizeof words / sizeof words[0];
    size_t i = 0, col = 0;
    while (i < n) {
        uint64_t r = td_next(&seed);
        size_t w = (size_t)((r & 0xffff) * (r >> 16 & 0xffff) >> 16) % nw;
        const char *s = words[w];
        for (; *s && i < n; s++, col++) p[i++] = (uint8_t)*s;
        if (i >= n) break;
        int punct = (int)(r >> 40) % 16;
        if (punct == 0 && i < n) p[i++] = '.', col++;
        else if (punct == 1 && i < n) p[i++] = ',', col++;
        if (i < n) {
            if (col > 60) { p[i++] = '\n'; col = 0; }
            else { p[i++] = ' '; col++; }
        }
    }
}

/* Binary with structure: little-endian counters and a small table. */
static inline void td_binary(uint8_t *p, size_t n, uint64_t seed)
{
    uint32_t v = (uint32_t)td_next(&seed);
    for (size_t i = 0; i < n; i++) {
        if (i % 8 == 0) v += 1 + (uint32_t)(td_next(&seed) & 3);
        p[i] = i % 8 < 4 ? (uint8_t)(v >> (8 * (i % 4))) : (uint8_t)(i * 7);
    }
}

/* The golden input of tests/golden/transcripts.txt: text, structured
 * binary and noise. */
#define TD_GOLDEN_SIZE (65536 + 16384 + 4096)
static inline void td_golden(uint8_t *p)
{
    td_text(p, 65536, 1);
    td_binary(p + 65536, 16384, 2);
    td_random(p + 65536 + 16384, 4096, 3);
}

#endif
