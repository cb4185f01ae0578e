/* common/models/lstmmix.h — how the LSTM's prediction reaches cm's mixer
 * (lstm.mix): its bit probability p as stretch(p), and for each bit of
 * lstm.mix one more input, p refined by an APM keyed by
 *   1  the bit position and the byte the LSTM finds likeliest under the
 *      partial byte (its expected byte, lstm_expected);
 *   2  the partial byte and the last byte;
 *   4  the expected byte and the last byte.
 * Integer, but for lstm_p's reading of the LSTM's tree.
 *
 *   lstm_mix_init(&x, mode, limit, rates, sq);     // 0 or SL_ENOMEM
 *   n = lstm_mix_n(mode);                           // inputs it gives
 *   per bit: lstm_mix_inputs(&x, &l, sq, c0, c1, bitpos, in);   // n inputs
 *            ... lstm_mix_update(&x, bit);
 *   lstm_mix_fini(&x); */
#ifndef SL_LSTMMIX_H
#define SL_LSTMMIX_H

#include "../fixmath.h"
#include "apm.h"
#include "lstm.h"

#include <stdint.h>

#define LSTM_MIX_MAX 7
#define LSTM_MIX_MAX_IN 4   /* lstm_mix_n(LSTM_MIX_MAX) */

typedef struct lstm_mix {
    int mode;
    apm exp;       /* keyed by bit position and expected byte (1) */
    apm ord1;      /* keyed by partial byte and last byte (2) */
    apm ex1;       /* keyed by expected byte and last byte (4) */
} lstm_mix;

static inline int lstm_mix_n(int mode)
{
    return 1 + (mode & 1) + (mode >> 1 & 1) + (mode >> 2 & 1);
}

/* Bytes lstm_mix_init allocates for this mode (at most). */
uint64_t lstm_mix_mem(int mode);
int  lstm_mix_init(lstm_mix *x, int mode, int limit, const uint16_t *rates, const sq_table *sq);
void lstm_mix_fini(lstm_mix *x);

/* Writes lstm_mix_n(mode) inputs at in. */
static inline void lstm_mix_inputs(lstm_mix *x, const lstm *l, const sq_table *sq, uint32_t c0,
                                   uint32_t c1, int bitpos, int16_t *in)
{
    int st = sq_stretch(sq, lstm_p(l, c0)), n = 0;
    in[n++] = (int16_t)st;
    if (!x->mode) return;
    uint32_t e = (uint32_t)lstm_expected(l, c0);
    if (x->mode & 1) in[n++] = (int16_t)sq_stretch(sq, apm_p_st(&x->exp, st, (uint32_t)bitpos << 8 | e));
    if (x->mode & 2) in[n++] = (int16_t)sq_stretch(sq, apm_p_st(&x->ord1, st, c0 | c1 << 8));
    if (x->mode & 4) in[n++] = (int16_t)sq_stretch(sq, apm_p_st(&x->ex1, st, e | c1 << 8));
}

static inline void lstm_mix_update(lstm_mix *x, int bit)
{
    if (x->mode & 1) apm_update(&x->exp, bit);
    if (x->mode & 2) apm_update(&x->ord1, bit);
    if (x->mode & 4) apm_update(&x->ex1, bit);
}

#endif
