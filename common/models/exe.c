/* common/models/exe.c — see exe.h. */
#include "exe.h"
#include "../err.h"

#include <stdlib.h>
#include <string.h>

/* The gate: on above 3/8 near targets, off below 3/16 (16-bit fixed
 * point); the share moves 1/2^HIT_SHIFT of the way per operand. */
#define EXE_ON     24576u
#define EXE_OFF    12288u
#define HIT_SHIFT  5
#define NEAR       (1u << 20)

int exe_init(exe_model *e, const uint16_t *rates)
{
    memset(e, 0, sizeof *e);
    e->k = -1;
    e->expect[0] = e->expect[1] = -1;
    if (sm_init(&e->sm, 4 * 4 * 8 * 2, 1023, rates)) return SL_ENOMEM;
    for (int t = 0; t < 2; t++)
        if (!(e->tgt[t] = calloc(1u << EXE_TGT_BITS, sizeof *e->tgt[t]))) return SL_ENOMEM;
    return 0;
}

void exe_fini(exe_model *e)
{
    sm_fini(&e->sm);
    for (int t = 0; t < 2; t++) {
        free(e->tgt[t]);
        e->tgt[t] = NULL;
    }
}

uint64_t exe_mem(void)
{
    return ((uint64_t)2 * sizeof(uint16_t) << EXE_TGT_BITS) + 4 * 4 * 8 * 2 * sizeof(uint32_t);
}

/* The table slot, and its check byte, for target byte k after the low
 * bytes abs, with `site` (0, or the two bytes before the opcode). */
static uint64_t tgt_key(uint32_t k, uint32_t abs, uint32_t site)
{
    return ((uint64_t)site << 40 | (uint64_t)abs << 2 | k) * 0x9e3779b97f4a7c15ull;
}

static uint32_t tgt_slot(uint64_t key)
{
    return (uint32_t)(key >> (64 - EXE_TGT_BITS));
}

static uint16_t tgt_check(uint64_t key)
{
    return (uint16_t)((key >> 8) & 0xff00);
}

/* Byte c is operand byte e->k: fold it into the target. */
static void operand_byte(exe_model *e, uint32_t c)
{
    uint32_t k = (uint32_t)e->k;
    uint32_t sum = c + ((e->next >> (8 * k)) & 0xff) + e->carry;
    e->carry = sum >> 8;
    for (int t = 0; t < 2; t++) {
        uint64_t key = tgt_key(k, e->abs, t ? e->site : 0);
        e->tgt[t][tgt_slot(key)] = (uint16_t)(tgt_check(key) | (sum & 0xff));
    }
    e->abs |= (sum & 0xff) << (8 * k);
    e->rel |= c << (8 * k);
    if (++e->k < 4) return;
    e->k = -1;
    if (!e->call) return;
    /* A near target whose low byte is not 0 (tables of multiples of 256
     * look near too). */
    uint32_t hit = e->rel + NEAR < 2 * NEAR && (e->rel & 0xff) != 0;
    e->hits = (uint32_t)((int32_t)e->hits + (((int32_t)(hit << 16) - (int32_t)e->hits) >> HIT_SHIFT));
    if (e->hits > EXE_ON) e->on = 1;
    if (e->hits < EXE_OFF) e->on = 0;
}

/* Opcodes whose ModRM byte may address memory relative to the next
 * instruction (mod 00, r/m 101: a 32-bit displacement follows, and no
 * immediate): mov, lea, add, or, and, sub, xor, cmp, test, movslq. */
static int rip_opcode(uint32_t op)
{
    switch (op) {
    case 0x01: case 0x03: case 0x09: case 0x0b: case 0x21: case 0x23: case 0x29:
    case 0x2b: case 0x31: case 0x33: case 0x39: case 0x3b: case 0x63: case 0x85:
    case 0x89: case 0x8b: case 0x8d: case 0xff:
        return 1;
    default:
        return 0;
    }
}

/* The same after 0F: SSE moves and arithmetic, movzx, movsx. */
static int rip_opcode0f(uint32_t op)
{
    switch (op) {
    case 0x10: case 0x11: case 0x28: case 0x29: case 0x2e: case 0x2f: case 0x54:
    case 0x57: case 0x58: case 0x59: case 0x5c: case 0x5e: case 0x6f: case 0x7f:
    case 0xb6: case 0xb7: case 0xbe: case 0xbf: case 0xef:
        return 1;
    default:
        return 0;
    }
}

void exe_byte(exe_model *e, const uint8_t *buf, uint32_t mask, uint32_t pos)
{
    uint32_t c = buf[(pos - 1) & mask];
    uint32_t c2 = pos >= 2 ? buf[(pos - 2) & mask] : 0;
    uint32_t c3 = pos >= 3 ? buf[(pos - 3) & mask] : 0;
    e->expect[0] = e->expect[1] = -1;
    if (e->k >= 0) {
        operand_byte(e, c);
    } else if (c == 0xe8 || c == 0xe9 || (c2 == 0x0f && (c & 0xf0) == 0x80) ||
               ((c & 0xc7) == 0x05 && (rip_opcode(c2) || (c3 == 0x0f && rip_opcode0f(c2))))) {
        e->k = 0;
        e->call = c == 0xe8;
        e->next = pos + 4;
        e->abs = e->rel = e->carry = 0;
        e->site = c3 << 8 | c2;
    }
    if (e->k < 0) return;
    uint32_t k = (uint32_t)e->k;
    for (int t = 0; t < 2; t++) {
        uint64_t key = tgt_key(k, e->abs, t ? e->site : 0);
        uint16_t v = e->tgt[t][tgt_slot(key)];
        if ((v & 0xff00) == tgt_check(key))
            e->expect[t] = (int)(((v & 0xff) - ((e->next >> (8 * k)) & 0xff) - e->carry) & 0xff);
    }
}

void exe_contexts(const exe_model *e, const uint8_t *buf, uint32_t mask, uint32_t pos,
                  int n, uint64_t *h)
{
    uint32_t c1 = buf[(pos - 1) & mask], c2 = buf[(pos - 2) & mask];
    uint64_t v[EXE_NCTX];
    if (e->k >= 0) {
        uint64_t k = (uint32_t)e->k, a = (uint32_t)(e->expect[0] + 1),
                 b = (uint32_t)(e->expect[1] + 1);
        v[0] = (uint64_t)1 << 40 | k << 20 | (uint64_t)(a == b) << 16 | a;
        v[1] = (uint64_t)2 << 40 | k << 16 | b;
        v[2] = (uint64_t)5 << 40 | k << 32 | (uint64_t)(e->site & 0xff) << 18 | a << 9 | b;
    } else {
        uint32_t since = pos - e->next;
        v[0] = (uint64_t)3 << 40 | (uint64_t)(since < 15 ? since : 15) << 8 | c1;
        v[1] = (uint64_t)4 << 40 | (uint64_t)buf[(pos - 3) & mask] << 8 | c1;
        v[2] = (uint64_t)6 << 40 | (uint64_t)buf[(pos - 3) & mask] << 8 | c2;
    }
    for (int i = 0; i < n; i++) h[i] = v[i];
}

int exe_predict(exe_model *e, const sq_table *sq, uint32_t c0, int bitpos)
{
    e->sm_on = 0;
    int a = e->expect[0], b = e->expect[1];
    int x = b >= 0 ? b : a;
    if (e->k < 0 || x < 0 || ((uint32_t)x | 256) >> (8 - bitpos) != c0) return 0;
    uint32_t src = a < 0 ? 0 : b < 0 ? 1 : a == b ? 2 : 3;
    uint32_t bit = (uint32_t)x >> (7 - bitpos) & 1;
    uint32_t cx = (((uint32_t)e->k * 4 + src) * 8 + (uint32_t)bitpos) * 2 + bit;
    e->sm_on = 1;
    return sq_stretch(sq, sm_p(&e->sm, cx));
}

void exe_update(exe_model *e, int bit)
{
    if (e->sm_on) sm_update(&e->sm, bit);
}
