/* common/models/match.c — see match.h. */
#include "match.h"
#include "../model.h"
#include "../err.h"
#include "../bigmem.h"

#include <stdlib.h>

#define MATCH_BUCKETS 24
#define MATCH_VERIFY  48   /* bytes compared to confirm a candidate */
#define MATCH_RECOVERED 16 /* a recovered match is trusted again at this length */

int match_init(match_model *mm, int min, int hash_bits, const uint16_t *rates)
{
    mm->min = min;
    mm->ht_mask = (1u << hash_bits) - 1;
    mm->ht = bigmem_calloc((size_t)1 << hash_bits, sizeof *mm->ht);
    if (!mm->ht) return SL_ENOMEM;
    mm->ptr = mm->len = 0;
    mm->pbyte = 0;
    mm->expect = -1;
    mm->lenq = 0;
    mm->rec = 0;
    return sm_init(&mm->sm, (MATCH_BUCKETS * 4 + 1) * 256, 1023, rates);
}

void match_fini(match_model *mm)
{
    bigmem_free(mm->ht);
    mm->ht = NULL;
    sm_fini(&mm->sm);
}

static int len_bucket(uint32_t len)
{
    if (len == 0) return 0;
    if (len < 16) return (int)len;
    int b = 16;
    for (uint32_t l = len >> 5; l && b < MATCH_BUCKETS - 1; l >>= 1) b++;
    return b;
}


void match_prefetch(const match_model *mm, uint64_t c8, uint64_t seed)
{
#if defined(__GNUC__)
    if (mm->min <= 8) __builtin_prefetch(&mm->ht[match_short_slot(mm, c8, seed)]);
#else
    (void)mm; (void)c8; (void)seed;
#endif
}

void match_byte(match_model *mm, const uint8_t *buf, uint32_t mask, uint32_t pos,
                uint64_t c8, uint64_t seed)
{
    match_byte_at(mm, buf, mask, pos, mm->min <= 8 ? match_short_slot(mm, c8, seed) : 0, seed);
}

void match_byte_at(match_model *mm, const uint8_t *buf, uint32_t mask, uint32_t pos,
                   uint32_t slot, uint64_t seed)
{
    uint8_t c = buf[(pos - 1) & mask];
    if (mm->len && buf[mm->ptr & mask] == c) {
        mm->ptr++;
        if (mm->len < MATCH_MAX_LEN) mm->len++;
        if (mm->len >= MATCH_RECOVERED) mm->rec = 0;
    } else if (mm->len && !mm->rec) {
        /* The match missed one byte: follow it past that byte, as a match
         * of its own kind, until it proves itself again (a second miss
         * before that ends it). */
        mm->ptr++;
        mm->len = 1;
        mm->rec = 1;
    } else {
        mm->len = 0;
        mm->rec = 0;
    }
    if (pos >= (uint32_t)mm->min) {
        if (mm->min > 8) {
            uint64_t h = seed;
            for (int i = 1; i <= mm->min; i++) h = (h + buf[(pos - i) & mask] + 1) * 0x2f0f3c5b9ull;
            slot = (uint32_t)(hash64(h) & mm->ht_mask);
        }
        if (mm->len == 0 || mm->rec) {
            uint32_t cand = mm->ht[slot];
            /* cand is a position just after an earlier occurrence; it must
             * still be in the buffer. */
            if (cand && pos - cand + MATCH_VERIFY < mask) {
                uint32_t l = 0;
                while (l < cand && l < MATCH_VERIFY &&
                       buf[(cand - 1 - l) & mask] == buf[(pos - 1 - l) & mask])
                    l++;
                if (l >= (uint32_t)mm->min && (!mm->rec || cand != mm->ptr)) {
                    mm->len = l;
                    mm->ptr = cand;
                    mm->rec = 0;
                }
            }
        }
        mm->ht[slot] = pos;
    }
    mm->pbyte = mm->len ? buf[mm->ptr & mask] + 256 : 0;
    mm->lenq = len_bucket(mm->len) + (mm->rec ? MATCH_BUCKETS : 0);
}
