/* common/fixmath.h — exp and log2 from + - * / only, and the squash /
 * stretch tables built from them.
 *
 * libm's exp/log may round the last bit differently on another C library;
 * IEEE-754 basic operations do not (with -ffp-contract=off and SSE2/NEON
 * double arithmetic). Everything here is used only to build integer tables
 * once, at model init, so the codec's per-bit path is pure integer.
 *
 * Domains: a "stretch" value st is ln(p / (1 - p)) * 256, an int in
 * -2047..2047; a probability is 16-bit (p * 65536, 1..65535).
 *   sq_table_init(&t);  t.squash[st + 2047] -> p16;  t.stretch[p16 >> 4] -> st */
#ifndef SL_FIXMATH_H
#define SL_FIXMATH_H

#include <stdint.h>

double fm_exp(double x);   /* for |x| <= 64 */
double fm_log2(double x);  /* for x > 0 */

#define SQ_LIM 2047

typedef struct sq_table {
    uint16_t squash[2 * SQ_LIM + 1];
    int16_t  stretch[4096];
} sq_table;

void sq_table_init(sq_table *t);

static inline int sq_clamp(int st)
{
    return st < -SQ_LIM ? -SQ_LIM : (st > SQ_LIM ? SQ_LIM : st);
}

static inline uint32_t sq_squash(const sq_table *t, int st)
{
    return t->squash[sq_clamp(st) + SQ_LIM];
}

static inline int sq_stretch(const sq_table *t, uint32_t p16)
{
    return t->stretch[p16 >> 4];
}

#endif
