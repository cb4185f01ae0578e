/* common/models/bithist.h — bit histories packed in one byte.
 *
 * A state stands for a pair of bounded counts (n0, n1): how many zeros and
 * ones a context has seen, with the older, contradicted evidence discounted
 * (seeing a 1 halves a large n0). State 0 is "never seen". Call
 * bh_table_init(&t) once per model; then s = t.next[s][bit] after each bit.
 * StateMaps turn a state into an adaptive probability; t.n0/t.n1 give the
 * counts for their initial guess and t.prio ranks states for hash-table
 * replacement (more evidence, higher priority). */
#ifndef SL_BITHIST_H
#define SL_BITHIST_H

#include <stdint.h>

#define BH_MAX_STATES 256

typedef struct bh_table {
    uint8_t next[BH_MAX_STATES][2];
    uint8_t n0[BH_MAX_STATES], n1[BH_MAX_STATES];
    uint8_t last[BH_MAX_STATES];  /* last bit, where the state keeps it */
    uint8_t prio[BH_MAX_STATES];
    uint8_t det[BH_MAX_STATES];   /* 1: only one bit value seen so far */
    int     count;            /* states in use */
} bh_table;

void bh_table_init(bh_table *t);

#endif
