/* common/models/match.h — the match model: the longest earlier occurrence
 * of the recent bytes predicts the byte that followed it.
 *
 * At each byte boundary call match_byte(&mm, buf, mask, pos, c8, seed)
 * after the byte at pos - 1 was stored (c8: the last 8 bytes, newest in
 * the low byte; or match_byte_at with the index slot, when the caller
 * computed it ahead with match_short_slot); it extends the current match
 * or looks a new one up by a hash of the last `min` bytes, verifying
 * candidates byte by byte. A match that misses one byte recovers: it goes
 * on past that byte as a "recovering" match (its own length buckets),
 * unless a fresh candidate is found, until it is MATCH_RECOVERED bytes
 * long again. Per bit, match_predict gives a stretched prediction (0 when
 * there is no match) learnt by a StateMap over (length bucket, expected bit),
 * then match_update(&mm, bit). */
#ifndef SL_MATCH_H
#define SL_MATCH_H

#include "statemap.h"
#include "../fixmath.h"
#include "../model.h"
#include <stdint.h>

#define MATCH_MAX_LEN 65535

typedef struct match_model {
    uint32_t *ht;
    uint32_t  ht_mask;
    int       min;
    uint32_t  ptr, len;      /* predicted byte is buf[ptr & mask] */
    int       pbyte;         /* predicted byte + 256, or 0: none */
    int       expect;        /* expected next bit, or -1 */
    int       lenq;          /* length bucket, 0 = no match; + MATCH_BUCKETS
                                while recovering from a miss */
    int       rec;           /* recovering: resumed after a one-byte miss */
    statemap  sm;
} match_model;

int  match_init(match_model *mm, int min, int hash_bits, const uint16_t *rates);
void match_fini(match_model *mm);
void match_byte(match_model *mm, const uint8_t *buf, uint32_t mask, uint32_t pos,
                uint64_t c8, uint64_t seed);
/* The index slot of a match of at most 8 bytes (min <= 8) when the last 8
 * bytes are c8: what match_byte looks up and match_prefetch fetches. */
static inline uint32_t match_short_slot(const match_model *mm, uint64_t c8, uint64_t seed)
{
    uint64_t key = (mm->min == 8 ? c8 : c8 & ((1ull << (8 * mm->min)) - 1)) + seed * 0x2f0f3c5b9ull;
    return (uint32_t)(hash64(key) & mm->ht_mask);
}
/* match_byte with the slot given: match_short_slot's for the same c8 when
 * min <= 8 (a caller that fetched it ahead saves hashing it again); any
 * value when min > 8 (the slot is a hash of the buffer then). */
void match_byte_at(match_model *mm, const uint8_t *buf, uint32_t mask, uint32_t pos,
                   uint32_t slot, uint64_t seed);
/* Fetches into cache the index entry match_byte will read if the next
 * byte makes the last 8 bytes c8 (a hint; matches of more than 8 bytes
 * are keyed by the buffer and not fetched). */
void match_prefetch(const match_model *mm, uint64_t c8, uint64_t seed);

/* c0: the partial byte with a leading 1; bitpos: bits of it known. */
static inline int match_predict(match_model *mm, const sq_table *sq,
                                uint32_t c0, int bitpos, uint32_t c1)
{
    mm->expect = -1;
    if (mm->pbyte && (uint32_t)(mm->pbyte >> (8 - bitpos)) == c0)
        mm->expect = (mm->pbyte >> (7 - bitpos)) & 1;
    /* With a match: its length, the expected bit and the last byte; with
     * none, the partial byte alone. */
    uint32_t cx = mm->expect < 0 ? c0
                : (uint32_t)(mm->lenq * 2 + mm->expect) * 256 + c1 + 256;
    return sq_stretch(sq, sm_p(&mm->sm, cx));
}

static inline void match_update(match_model *mm, int bit)
{
    /* A wrong bit ends the prediction for this byte (pbyte no longer
     * agrees with c0); match_byte decides whether the match recovers. */
    sm_update(&mm->sm, bit);
}

#endif
