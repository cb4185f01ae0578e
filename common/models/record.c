/* common/models/record.c — see record.h. */
#include "record.h"

#include <string.h>

/* Votes a candidate needs before it becomes the record length: short
 * strides occur by chance in any data, long ones hardly ever. */
static uint32_t votes_needed(uint32_t len)
{
    int lg = 0;
    for (uint32_t v = len; v > 1; v >>= 1) lg++;
    return lg >= 10 ? 2 : (uint32_t)(12 - lg);
}

/* The binary gate: a running share of bytes that text does not use
 * (controls other than tab, newline, carriage return; DEL; bytes >= 128),
 * over about the last 32 bytes. On above 1/4, off below 1/16. */
#define BIN_ON  16384u
#define BIN_OFF 4096u

void rec_init(record_model *r)
{
    memset(r, 0, sizeof *r);
}

/* Scores (rec_score, 16-bit fixed point) move 1/2^HIT_SHIFT of the way
 * per byte outside runs. A candidate is compared after HIT_AGE such bytes;
 * to replace the length in use it must beat its score by 1/2^HIT_REL of
 * it plus HIT_MARGIN, and reach HIT_MIN. Tuned on the development set's
 * generated bitmaps and records and its ELF and zoneinfo files. */
#define HIT_SHIFT  9
#define HIT_AGE    512u
#define HIT_REL    3
#define HIT_MARGIN 1024u
#define HIT_MIN    4096u

/* Distances to the previous equal byte are counted in REC_GAPS slots; one
 * seen GAP_VOTES times is proposed at once (rec_gap). */
#define GAP_VOTES 12

static void rec_vote(record_model *r, uint32_t g)
{
    if (g == r->len) return;
    int k = -1;
    for (int i = 0; i < REC_CANDS; i++)
        if (r->cand[i] == g) k = i;
    if (k < 0) {
        /* Replace an empty slot, or of the candidates that have been
         * followed long enough the one with the fewest votes, then the
         * lowest share; none: the vote is lost. The newcomer's share
         * starts at the current length's, so it has to earn the
         * difference. */
        for (int i = 0; i < REC_CANDS; i++) {
            if (!r->cand[i]) { k = i; break; }
            if (r->age[i] < HIT_AGE) continue;
            if (k < 0 || r->votes[i] < r->votes[k] ||
                (r->votes[i] == r->votes[k] && r->hits[i] < r->hits[k]))
                k = i;
        }
        if (k < 0) return;
        r->cand[k] = g;
        r->votes[k] = 0;
        r->need[k] = votes_needed(g);
        r->hits[k] = r->len_hits;
        r->age[k] = 0;
        memset(r->pred[k], 0, 256);
    }
    if (r->votes[k] <= r->need[k]) r->votes[k]++;
}

/* A distance's score: how often "the byte that followed this byte, that
 * far back, last time" is the byte again. It sees any dependence on the
 * byte that far back, not only equality (a dithered image's pixel above
 * is often the opposite one). */
static uint32_t rec_score(uint32_t h, uint8_t *pred, uint32_t back, uint32_t c)
{
    uint32_t hit = pred[back] == c;
    pred[back] = (uint8_t)c;
    return (uint32_t)((int32_t)h + (((int32_t)(hit << 16) - (int32_t)h) >> HIT_SHIFT));
}

/* Makes g a candidate that may be promoted as soon as its share shows. */
static void rec_propose(record_model *r, uint32_t g)
{
    rec_vote(r, g);
    for (int i = 0; i < REC_CANDS; i++)
        if (r->cand[i] == g) r->votes[i] = r->need[i] + 1;
}

/* Follows the scores and promotes a better candidate. */
static void rec_choose(record_model *r, const uint8_t *buf, uint32_t mask, uint32_t pos,
                       uint32_t c)
{
    if (r->len && pos > r->len)
        r->len_hits = rec_score(r->len_hits, r->pred[REC_CANDS], buf[(pos - 1 - r->len) & mask], c);
    for (int i = 0; i < REC_CANDS; i++) {
        uint32_t g = r->cand[i];
        if (!g) continue;
        if (pos > g) r->hits[i] = rec_score(r->hits[i], r->pred[i], buf[(pos - 1 - g) & mask], c);
        r->age[i] += r->age[i] < HIT_AGE;
        if (r->votes[i] <= r->need[i]) continue;
        if (r->age[i] < HIT_AGE || r->hits[i] < HIT_MIN ||
            r->hits[i] <= r->len_hits + (r->len_hits >> HIT_REL) + HIT_MARGIN)
            continue;
        /* Swap: the old length stays a candidate. */
        uint32_t old = r->len, old_hits = r->len_hits;
        r->len = g;
        r->len_hits = r->hits[i];
        r->cand[i] = old;
        r->hits[i] = old_hits;
        uint8_t t[256];
        memcpy(t, r->pred[i], 256);
        memcpy(r->pred[i], r->pred[REC_CANDS], 256);
        memcpy(r->pred[REC_CANDS], t, 256);
        r->votes[i] = 0;
        r->need[i] = votes_needed(old);
        r->age[i] = HIT_AGE;
        /* A multiple of the right length has a high share too (every
         * other row of an image looks alike); let its halves and thirds
         * compete. */
        for (uint32_t d = 2; d <= 4; d++)
            if (g % d == 0 && g / d >= 2) rec_propose(r, g / d);
        return;
    }
}

/* Counts the distance g from a byte to the previous equal byte (outside
 * runs) in a small table where distances compete for slots (another
 * distance in the slot wears its count down); one seen GAP_VOTES times is
 * proposed. */
static void rec_gap(record_model *r, uint32_t g)
{
    _Static_assert(REC_GAPS == 512, "the slot is 9 bits of a hash");
    uint32_t slot = (g * 0x9e3779b1u) >> (32 - 9);
    if (r->gap_key[slot] != g) {
        if (r->gap_cnt[slot] > 1) {
            r->gap_cnt[slot]--;
            return;
        }
        r->gap_key[slot] = g;
        r->gap_cnt[slot] = 0;
    }
    if (++r->gap_cnt[slot] < GAP_VOTES) return;
    r->gap_cnt[slot] = GAP_VOTES / 2;
    rec_propose(r, g);
}

void rec_byte(record_model *r, const uint8_t *buf, uint32_t mask, uint32_t pos)
{
    uint32_t c = buf[(pos - 1) & mask];
    uint32_t nontext = (c < 32 && c != 9 && c != 10 && c != 13) || c >= 127;
    r->binary = (uint32_t)((int32_t)r->binary +
                           (((int32_t)(nontext << 16) - (int32_t)r->binary) >> 5));
    if (r->binary > BIN_ON) r->is_binary = 1;
    else if (r->binary < BIN_OFF) r->is_binary = 0;
    /* Text costs only the gate: detection waits for binary data. */
    if (!r->is_binary) return;
    /* Two sources of candidates: frequent distances to the previous equal
     * byte, and a byte value seen four times (five when close) at equal
     * distances. */
    uint32_t *l = r->last[c];   /* 1-based positions, 0: never */
    uint32_t g = pos - l[0];
    int run = pos >= 2 && buf[(pos - 2) & mask] == c;
    if (l[0] && g >= 2 && g < 65536 && !run) rec_gap(r, g);
    if (l[2] && g >= 2 && g == l[0] - l[1] && g == l[1] - l[2] &&
        (g >= 16 || (l[3] && g == l[2] - l[3])))
        rec_vote(r, g);
    l[3] = l[2];
    l[2] = l[1];
    l[1] = l[0];
    l[0] = pos;
    if (!run) rec_choose(r, buf, mask, pos, c);
    r->col = r->len ? pos % r->len : 0;
}

/* The second-best length: the candidate with the highest share. */
static uint32_t rec_second(const record_model *r)
{
    uint32_t len2 = 0, best = 0;
    for (int i = 0; i < REC_CANDS; i++)
        if (r->cand[i] && r->cand[i] != r->len && r->hits[i] > best) {
            best = r->hits[i];
            len2 = r->cand[i];
        }
    return len2;
}

void rec_contexts(const record_model *r, const uint8_t *buf, uint32_t mask,
                  uint32_t pos, int n, uint64_t *h)
{
    uint32_t len = r->len, len2 = rec_second(r);
    uint64_t above = buf[(pos - len) & mask], above2 = buf[(pos - 2 * len) & mask];
    uint64_t above3 = buf[(pos - 3 * len) & mask];
    uint64_t nw = buf[(pos - len - 1) & mask], ne = buf[(pos - len + 1) & mask];
    uint64_t c1 = buf[(pos - 1) & mask], col = r->col, L = (uint64_t)len << 40;
    uint64_t up2 = len2 ? buf[(pos - len2) & mask] : 0, col2 = len2 ? pos % len2 : 0;
    const uint64_t v[REC_MAX_CTX] = {
        above | col << 8 | L,                   /* the byte above, the column */
        above | c1 << 8 | L,                    /* above and left */
        above | above2 << 8 | L,                /* two records up */
        c1 | col << 8 | L,                      /* left and the column */
        above | c1 << 8 | nw << 16 | ne << 24,  /* the neighbourhood */
        col | L,                                /* the column alone */
        up2 | col2 << 8 | (uint64_t)len2 << 40 | 1ull << 62,  /* the same by the
                                                                 second-best length */
        above | (above2 & 0xf0) << 4 | (above3 & 0xe0) << 8 |  /* three records up, */
            (col * 16 / len) << 24 | 2ull << 62,               /* coarser; 16 columns */
    };
    for (int i = 0; i < n && i < REC_MAX_CTX; i++) h[i] = v[i];
}
