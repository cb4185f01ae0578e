/* common/models/exe.h — x86 code: relative call and jump targets as
 * absolute addresses, and a detector that says when the bytes are code.
 *
 * A call (E8) or jump (E9, and the two-byte 0F 80..8F conditional jumps)
 * is followed by a 32-bit displacement rel, little-endian: the target is
 * the address of the next instruction plus rel. So is an x86-64 operand
 * addressed relative to the instruction pointer (ModRM mod 00, r/m 101
 * after mov, lea, the ALU opcodes, FF and common 0F opcodes; taken to
 * end the instruction). Calls to one function from many places carry
 * many different rel values but one target. So
 * while the four operand bytes are coded, the model adds the address
 * (the byte's position in the stream, which differs from the virtual
 * address by a constant inside one section) to the rel bytes so far,
 * giving the target's low bytes, and looks up the byte that followed
 * those low bytes in the last target that had them; turned back into a
 * rel byte (minus the address byte and the carry) it is the expected
 * byte, a context for cm. A second table does the same keyed also by the
 * two bytes before the opcode (the same call site pattern often calls
 * the same function), which is what predicts the low byte.
 *
 * Detector, from coded bytes only: every complete operand of a call
 * scores a hit when |rel| < 2^20 (a target inside the same megabyte) and
 * its low byte is not 0, a miss otherwise; a running share of hits over
 * about the last 32 calls switches the model on above 3/8 and off below
 * 3/16. (Jumps are followed too but not scored: 0F 8x is common in
 * bitmaps.) Text has no such calls (an E8 lead byte of UTF-8 is followed
 * by continuation bytes, a far "target"), so on text it stays off and cm
 * computes exactly what it would without it. Once on, it stays on until
 * calls stop looking near (data between code keeps it as it was).
 *
 *   exe_init(&e, rates); ... exe_fini(&e);
 *   per byte, after it is stored at buf[(pos - 1) & mask]:
 *     exe_byte(&e, buf, mask, pos);
 *     if (exe_active(&e)) exe_contexts(&e, buf, mask, pos, n, h);
 *   per bit: x = exe_predict(&e, sq, c0, bitpos); ... exe_update(&e, bit);
 *   e.k: the next byte's place in an operand (0..3), -1 outside one. */
#ifndef SL_EXE_H
#define SL_EXE_H

#include "../fixmath.h"
#include "statemap.h"

#include <stdint.h>

#define EXE_NCTX 3
#define EXE_TGT_BITS 18

typedef struct exe_model {
    uint16_t *tgt[2];       /* per (k, target's low bytes), then per (k, low
                               bytes, the two bytes before the opcode): check
                               byte << 8 | the target's byte k */
    int      k;             /* the next byte's place in an operand; -1: none */
    uint32_t next;          /* address of the instruction after the operand */
    uint32_t abs;           /* the target's bytes 0..k-1 */
    uint32_t rel;           /* the operand's bytes 0..k-1 */
    uint32_t carry;         /* carry into target byte k */
    int      expect[2];     /* expected operand byte k by each table, -1: none */
    uint32_t site;          /* the two bytes before the opcode (before the
                               ModRM byte, for a RIP-relative operand) */
    int      call;          /* the operand is a call's */
    statemap sm;            /* the expected bit: (k, which tables agree, bit
                               position, the bit) -> p */
    int      sm_on;         /* sm predicted this bit */
    uint32_t hits;          /* share of near targets, 16-bit fixed point */
    int      on;            /* the gate, with hysteresis */
} exe_model;

/* Returns 0 or SL_ENOMEM; exe_fini frees (also after a failed init). */
int exe_init(exe_model *e, const uint16_t *rates);
void exe_fini(exe_model *e);
/* Bytes exe_init allocates. */
uint64_t exe_mem(void);
/* The byte at pos - 1 was just stored; pos >= 1. */
void exe_byte(exe_model *e, const uint8_t *buf, uint32_t mask, uint32_t pos);

static inline int exe_active(const exe_model *e)
{
    return e->on;
}

/* Writes n (<= EXE_NCTX) context values for the next byte into h. In
 * an operand: its place with the byte the first table expects (and
 * whether the second agrees); its place with the byte the second table
 * expects; its place with the operand's bytes so far. Outside one: the
 * last byte with the bytes since the last operand ended; the last byte
 * with the one three back; the bytes two and three back. The caller
 * hashes them. */
void exe_contexts(const exe_model *e, const uint8_t *buf, uint32_t mask, uint32_t pos,
                  int n, uint64_t *h);

/* The mixer input: stretch(p) that the next bit is 1, learned from how
 * often the expected byte's bit came, while the bits so far agree with
 * it; 0 otherwise. Then exe_update with the bit. */
int exe_predict(exe_model *e, const sq_table *sq, uint32_t c0, int bitpos);
void exe_update(exe_model *e, int bit);

#endif
