/* common/models/rcall.h — calls in big-endian fixed-width code: the
 * displacement of a call instruction, predicted from the absolute
 * targets of earlier calls.
 *
 * A call whose 32-bit word is an opcode in its top bits and a signed
 * displacement in words below them (SPARC `call`: 01 and 30 bits;
 * aarch64 `bl`: 100101 and 26 bits) reaches the word at its own word
 * address plus the displacement. Calls to one function from many
 * places carry many displacements but one target. Stored big-endian
 * (SPARC; aarch64_be), the opcode comes first and the displacement
 * from its high byte down, so after j bytes of a call the target is
 * known to lie in a window of 2^s words (s = 32 - 8j) that starts at
 * the call's address plus the displacement's known high bits. The
 * expected target is the one the last call after the same instruction
 * word reached, if it lies in the window; else, from a table per j that
 * keeps the last target by its bits above s, the one of two
 * neighbouring slots that falls inside the window; and from it the
 * expected byte j of the displacement.
 * (Little-endian code stores the opcode last, after the displacement,
 * so this model does not apply there.)
 * With `branches`, the same for branches in place of calls: SPARC's
 * format 2 with op2 1 or 2 (BPcc, Bicc: the low 19 bits of the
 * displacement; words of op2 0 or 3 begin the same and count as far)
 * and aarch64's b (000101 and 26 bits). Of a SPARC branch's second
 * byte, which holds op2 and the condition's bits beside the
 * displacement's top bits, nothing is expected (a branch's label is
 * near, so the two bytes after it carry what the targets tell).
 *
 * Which form is in use is learnt from the coded bytes: per form, a
 * running share of words that begin with its opcode and whose
 * displacement points near (within 2^18 words); the form with the
 * higher share above 1/2 is used, none below 1/4. The expected byte
 * then gives a context (risc.h) and a mixer input: stretch(p) that the
 * next bit is the expected byte's, by place, source and bit position,
 * while the bits so far agree with it.
 *
 *   rcall_init(&c, rates, branches); ... rcall_fini(&c);
 *   per byte c at pos - 1 (pos >= 1): rcall_byte(&c, c, pos);
 *   c.k, c.expect: the next byte's place in a call word (1..3; -1
 *   outside one) and the byte expected there (-1: none);
 *   per bit: x = rcall_predict(&c, sq, c0, bitpos); ... rcall_update(&c, bit). */
#ifndef SL_RCALL_H
#define SL_RCALL_H

#include "../fixmath.h"
#include "statemap.h"

#include <stdint.h>

#define RCALL_FORMS 2
#define RCALL_BITS  12      /* slots per table: 2^RCALL_BITS */

typedef struct rcall_model {
    uint32_t tgt[3][1u << RCALL_BITS];  /* per byte place 1..3: last target + 1
                                           by its bits above that place, 0: none */
    uint32_t site[1u << RCALL_BITS];    /* by the word before the call: its target + 1 */
    uint32_t prev;                      /* the last complete word */
    uint32_t prev_site;                 /* ... the word before the current word */
    uint32_t score[RCALL_FORMS];        /* share of near calls, 16-bit fixed point */
    int      form;                      /* the form in use; -1: none */
    uint32_t cand;                      /* forms the current word began as */
    uint32_t cur;                       /* the current word's bytes so far */
    uint32_t word;                      /* its word address (pos / 4) */
    int      k;                         /* next byte's place in a call word, -1 */
    int      expect;                    /* the byte expected there, -1: none */
    int      src;                       /* ... from the call site (0) or window (1) */
    statemap sm;                        /* (k, src, bit position, bit) -> p */
    int      sm_on;                     /* sm predicted this bit */
    const struct rcall_form *forms;     /* calls' or branches' (rcall.c) */
} rcall_model;

/* 0 or SL_ENOMEM; rcall_fini frees (also after a failed init). */
/* branches: follow branches (SPARC format 2, aarch64 b) in place of calls. */
int rcall_init(rcall_model *c, const uint16_t *rates, int branches);
void rcall_fini(rcall_model *c);
void rcall_byte(rcall_model *c, uint32_t byte, uint32_t pos);
int rcall_predict(rcall_model *c, const sq_table *sq, uint32_t c0, int bitpos);
void rcall_update(rcall_model *c, int bit);

#endif
