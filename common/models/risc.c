/* common/models/risc.c — see risc.h. */
#include "risc.h"

#include <string.h>

/* The gate: the best lane's share of repeats leads the mean of the other
 * three by more than RISC_ON (16-bit fixed point) to switch on, for
 * good; a share moves 1/2^HIT_SHIFT of the way per byte of its lane.
 * (Development set, max: a gate that also switched off, below half of
 * RISC_ON, and a shorter average, 1/128, lost 0.5-1.5% on the aarch64
 * and SPARC files; so did following the best lane after switching on.) */
#define RISC_ON    3000u
#define HIT_SHIFT  9

int risc_init(risc_model *r, int calls, const uint16_t *rates)
{
    memset(r, 0, sizeof *r);
    r->calls = calls;
    r->call.form = r->call.k = r->call.expect = -1;
    r->br.form = r->br.k = r->br.expect = -1;
    int rc = calls ? rcall_init(&r->call, rates, 0) : 0;
    return !rc && calls >= 2 ? rcall_init(&r->br, rates, 1) : rc;
}

void risc_fini(risc_model *r)
{
    if (r->calls) rcall_fini(&r->call);
    if (r->calls >= 2) rcall_fini(&r->br);
}

/* The lane with the highest share (the lowest on a tie), and by how much
 * it leads the mean of the others (0 if it does not). */
static uint32_t best_lane(const risc_model *r, int *lane)
{
    int b = 0;
    for (int l = 1; l < 4; l++)
        if (r->hit[l] > r->hit[b]) b = l;
    uint32_t rest = r->hit[0] + r->hit[1] + r->hit[2] + r->hit[3] - r->hit[b];
    *lane = b;
    return 3 * r->hit[b] > rest ? (3 * r->hit[b] - rest) / 3 : 0;
}

void risc_byte(risc_model *r, const uint8_t *buf, uint32_t mask, uint32_t pos)
{
    if (r->calls) rcall_byte(&r->call, buf[(pos - 1) & mask], pos);
    if (r->calls >= 2) rcall_byte(&r->br, buf[(pos - 1) & mask], pos);
    if (pos < 5) return;
    uint32_t l = (pos - 1) & 3;
    uint32_t hit = buf[(pos - 1) & mask] == buf[(pos - 5) & mask];
    r->hit[l] = (uint32_t)((int32_t)r->hit[l] +
                           (((int32_t)(hit << 16) - (int32_t)r->hit[l]) >> HIT_SHIFT));
    if (r->on) return;   /* for good: the shares only feed the digest now */
    int lane;
    if (best_lane(r, &lane) > RISC_ON) {
        r->on = 1;
        r->lane = lane;
    }
}

/* The 32-bit word that starts at position s (bytes in stream order,
 * the first lowest). */
static uint32_t word_at(const uint8_t *buf, uint32_t mask, uint32_t s)
{
    return (uint32_t)buf[s & mask] | (uint32_t)buf[(s + 1) & mask] << 8 |
           (uint32_t)buf[(s + 2) & mask] << 16 | (uint32_t)buf[(s + 3) & mask] << 24;
}

/* A word's opcode: its byte in the opcode lane and the high nibble of
 * the lane beside it (lane ^ 1: 2 for little-endian aarch64's 3, 1 for
 * a big-endian 0), 12 bits. */
static uint32_t opcode(const risc_model *r, uint32_t w)
{
    uint32_t l = (uint32_t)r->lane;
    return (w >> (8 * l) & 0xff) << 4 | (w >> (8 * (l ^ 1) + 4) & 0xf);
}

/* A word as the instruction it holds: big-endian code (an opcode lane
 * of 0 or 1) byte-swapped, so the fields sit where the manuals put them. */
static uint32_t insn(const risc_model *r, uint32_t w)
{
    return r->lane < 2 ? w >> 24 | (w >> 8 & 0xff00) | (w << 8 & 0xff0000) | w << 24 : w;
}

/* An instruction's operation, without its registers, read as SPARC
 * encodes it: format 2 (op 0: sethi and the branches) its op2, 0..7;
 * a call (op 1), 8; format 3 (op 2, 3) op and op3, 128..255. 8 bits. */
static uint64_t op_class(uint32_t i)
{
    uint32_t op = i >> 30;
    if (op == 0) return i >> 22 & 7;
    if (op == 1) return 8;
    return (uint64_t)(op << 6 | (i >> 19 & 63));
}

void risc_contexts(const risc_model *r, const uint8_t *buf, uint32_t mask, uint32_t pos,
                   int n, uint64_t *v)
{
    uint32_t k = pos & 3, s = pos - k;  /* the current word starts at s */
    uint32_t cur = 0;
    for (uint32_t j = 0; j < k; j++) cur |= (uint32_t)buf[(s + j) & mask] << (8 * j);
    uint32_t w1 = pos >= 4 ? word_at(buf, mask, s - 4) : 0;
    uint32_t w2 = pos >= 8 ? word_at(buf, mask, s - 8) : 0;
    uint32_t w3 = pos >= 12 ? word_at(buf, mask, s - 12) : 0;
    uint64_t o1 = opcode(r, w1), o2 = opcode(r, w2), o3 = opcode(r, w3);
    /* The place and the bytes so far, in the low 26 bits of each. */
    uint64_t here = (uint64_t)k << 24 | cur;
    /* The place and, once coded, the current word's opcode byte only. */
    uint32_t l = (uint32_t)r->lane;
    uint64_t op_here = (uint64_t)k << 24 | (k > l ? 256 | (cur >> (8 * l) & 0xff) : 0) | 1ull << 23;
    const uint64_t all[RISC_MAX_CTX] = {
        here | o1 << 26,
        op_here | o1 << 26 | o2 << 38,
        here | (uint64_t)w1 << 26,
        here | (uint64_t)w2 << 26,
        op_here | o1 << 26 | o2 << 38 | o3 << 50,
        op_here | o1 << 26 | (uint64_t)(w1 >> (8 * k) & 0xff) << 38,
        r->call.k < 0 ? here
                      : ((uint64_t)r->call.src << 9 | (uint64_t)(r->call.expect + 1)) << 26 | here | 1ull << 40,
        op_here | op_class(insn(r, w1)) << 26 | op_class(insn(r, w2)) << 34 |
            op_class(insn(r, w3)) << 42 | op_class(insn(r, pos >= 16 ? word_at(buf, mask, s - 16) : 0)) << 50 |
            1ull << 62,
        r->br.k < 0 ? here
                    : ((uint64_t)r->br.src << 9 | (uint64_t)(r->br.expect + 1)) << 26 | here | 3ull << 40,
    };
    for (int i = 0; i < n && i < RISC_MAX_CTX; i++) v[i] = all[i];
}

uint32_t risc_sel(const risc_model *r, const uint8_t *buf, uint32_t mask, uint32_t pos, int wide,
                  int op)
{
    uint32_t k = pos & 3, s = pos - k, l = (uint32_t)r->lane;
    if (op && k > l) return k * 16 + (buf[(s + l) & mask] >> 4);
    uint32_t o1 = pos >= 4 ? buf[(s - 4 + l) & mask] : 0;
    return k * (wide ? 16 : 4) + (o1 >> 6);
}

uint32_t risc_sel2(const risc_model *r, const uint8_t *buf, uint32_t mask, uint32_t pos)
{
    uint32_t k = pos & 3, s = pos - k;
    uint32_t o2 = pos >= 8 ? buf[(s - 8 + (uint32_t)r->lane) & mask] : 0;
    return k * 16 + (o2 >> 4);
}
