/* common/models/risc.h — machine code made of fixed-width 32-bit
 * instructions (aarch64, SPARC, MIPS, PowerPC, RISC-V without the
 * compressed forms): contexts keyed by the place in the 32-bit word and
 * the opcodes of the instructions before, and a detector that says when
 * the bytes look like such code.
 *
 * In such code one byte of every 32-bit word (the "opcode lane": the
 * top byte, which is the last of the four in little-endian aarch64 and
 * the first in big-endian SPARC, MIPS or PowerPC) holds most of the
 * opcode, and it repeats far more often from one word to the next than
 * the register and immediate bytes do. Words are taken as aligned to
 * the stream (an ELF or a.out file keeps its code 4-byte aligned).
 *
 * Detector, from coded bytes only: per lane (pos % 4), a running share
 * of bytes equal to the byte four back (over about the last 2 KB). Code
 * of this kind has one lane that clearly beats the mean of the other
 * three; noise and variable-length code have none. The model switches
 * on, for good, the first time the best lane leads by more than
 * RISC_ON, and that lane becomes the opcode lane. (aarch64 and SPARC
 * code lead with the lane next to the opcode's end, which serves as
 * well.) Other binary data with some 4-byte structure switches it on
 * too, and the mixer learns what the contexts are worth there; cm uses
 * them only while the record model finds the data binary, so on text
 * cm computes exactly what it would without this model.
 *
 *   risc_init(&r);
 *   per byte, after it is stored at buf[(pos - 1) & mask]:
 *     risc_byte(&r, buf, mask, pos);
 *     if (risc_active(&r)) risc_contexts(&r, buf, mask, pos, n, v);
 *   risc_sel(&r, buf, mask, pos, wide, op): a mixer selector's value,
 *   below RISC_SEL (RISC_SEL_OP with wide or op); risc_sel2: another,
 *   below RISC_SEL2
 *   (cm multiplies them by 256 for the partial byte). */
#ifndef SL_RISC_H
#define SL_RISC_H

#include "rcall.h"

#include <stdint.h>

#define RISC_MAX_CTX 9
#define RISC_CALL_CTX 7   /* cm.risc from which the call model runs (its context is the 7th) */
#define RISC_BR_CTX 9     /* ... and the branch model (the 9th) */
#define RISC_SEL 16       /* selector values (risc_sel) */
#define RISC_SEL_OP 64    /* ... with the current word's opcode byte (risc_sel, op) */
#define RISC_SEL2 64      /* ... of risc_sel2 */

typedef struct risc_model {
    uint32_t hit[4];      /* per lane: share of bytes equal to 4 back, 16-bit fixed point */
    int      lane;        /* the opcode lane, chosen when the model switched on */
    int      on;          /* the gate: on for good once a lane leads */
    int      calls;       /* the call model runs (rcall.h); 2: the branch model too */
    rcall_model call;
    rcall_model br;       /* branches (calls 2) */
} risc_model;

/* calls: run the call model (for the seventh context and its input);
 * 2: the branch model too (the ninth and its input).
 * 0 or SL_ENOMEM; risc_fini frees (also after a failed init). */
int risc_init(risc_model *r, int calls, const uint16_t *rates);
void risc_fini(risc_model *r);
/* The byte at pos - 1 was just stored; pos >= 1. */
void risc_byte(risc_model *r, const uint8_t *buf, uint32_t mask, uint32_t pos);

static inline int risc_active(const risc_model *r)
{
    return r->on;
}

/* Writes n (<= RISC_MAX_CTX) context values for the next byte into v;
 * each holds the next byte's place in its word k = pos % 4 and either
 * the word's bytes so far (a) or only its opcode-lane byte once coded
 * (b: sparser contexts lost on the development set), and, in order:
 * (a) the opcode of the last word (its opcode-lane byte and the high
 * nibble of the lane beside it); (b) the opcodes of the last two words;
 * (a) the last word whole; (a) the word two back whole; (b) the opcodes
 * of the last three words; (b) the last word's byte at place k with its
 * opcode; (a) in a call word (rcall.h), the byte the call model expects
 * and where it came from, else nothing more; (b) the operations of the
 * last four words without their registers, read as SPARC encodes them
 * (op with op3; op2 in format 2; a call), the words of big-endian code
 * byte-swapped first (development set, max: the sparc64 loader -0.29%,
 * the aarch64 files -0.1 to -0.3%; op3 of the last two words only, or
 * with the last word's rd, or with the bytes so far in place of the
 * opcode byte, gained less); (a) in a branch word (rcall.h with
 * branches), the byte the branch model expects and where it came from,
 * else nothing more (the sparc64 loader -0.15%, the aarch64 files
 * -0.02 to -0.05%). The caller hashes them, each with a salt of its own
 * (two may share a value). */
void risc_contexts(const risc_model *r, const uint8_t *buf, uint32_t mask, uint32_t pos,
                   int n, uint64_t *v);

/* The next byte's place in its word and the top two bits of the last
 * word's opcode byte: 0 .. RISC_SEL - 1 (the top four lost on the
 * development set); with wide, k * 16 + the same (the values op uses
 * without the current word). With op (cm.risc_sel >= 1), once the current word's
 * opcode byte is coded (the places after the opcode lane: big-endian
 * code), its top four bits in place of the last word's two:
 * 0 .. RISC_SEL_OP - 1 (development set, max: the sparc64 loader -0.5%,
 * big-endian aarch64 -0.3%, little-endian aarch64 the same bits; the
 * last word's top four bits at every place lost on aarch64, six of the
 * current one lost on SPARC). */
uint32_t risc_sel(const risc_model *r, const uint8_t *buf, uint32_t mask, uint32_t pos, int wide,
                  int op);

/* The next byte's place in its word and the top four bits of the opcode
 * byte two words back: 0 .. RISC_SEL2 - 1 (cm.risc_sel >= 2: selector
 * `classes` on code; development set, max: the sparc64 loader -0.4%,
 * both aarch64 loaders -0.1%; the last word's byte at this place, or
 * the top two bits of the last two opcode bytes, were 0.05-0.1% worse). */
uint32_t risc_sel2(const risc_model *r, const uint8_t *buf, uint32_t mask, uint32_t pos);

#endif
