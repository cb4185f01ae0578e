/* common/codec.h — the streaming codec: bytes in, transcript chunks out,
 * and back.
 *
 *   codec *enc; codec_new(&enc, &params);
 *   codec_encode(enc, data, n, &out);   // one chunk: appends its bytes to out
 *   ...                                 // more chunks; the model carries on
 *   codec_free(enc);
 *
 *   codec *dec; codec_new(&dec, &params);
 *   codec_decode(dec, coded, coded_len, raw, n);   // same chunks, same order
 *
 * The model is never reset between chunks; the coder is flushed at the end
 * of each, so every chunk decodes from its own bytes given the model state.
 * codec_digest() at a chunk boundary is equal on both ends when they are
 * in step: it folds the model's digest with a hash of every byte coded,
 * decoded or trained so far (chunk by chunk), so it also changes when any
 * byte does, whatever the model. A chunk of zero bytes codes to zero bytes.
 *
 * codec_track_cost(c, 1) makes the codec add up the ideal code length,
 * sum of -log2 p over coded bits, readable with codec_cost_bits().
 * codec_byte_costs(c, costs) also reports each byte's own cost: every
 * later encode, decode or train call of n bytes writes the cost of its
 * i-th byte to costs[i] (room for n entries is the caller's duty), in
 * 1/65536 bit, until codec_byte_costs(c, NULL). These are integers whose
 * sum is exactly codec_cost_units(); nothing of it changes the transcript,
 * and encoder and decoder report the same cost for the same byte. */
#ifndef SL_CODEC_H
#define SL_CODEC_H

#include "bytebuf.h"
#include "recipe.h"
#include <stddef.h>
#include <stdint.h>

typedef struct codec codec;

int      codec_new(codec **out, const recipe_params *p);
void     codec_free(codec *c);
int      codec_encode(codec *c, const uint8_t *in, size_t n, bytebuf *out);
int      codec_decode(codec *c, const uint8_t *coded, size_t coded_len,
                      uint8_t *out, size_t n);
/* Learn n bytes without coding them (a stored chunk): the model ends in
 * the state codec_encode of the same bytes would have left it in. */
int      codec_train(codec *c, const uint8_t *in, size_t n);
uint64_t codec_digest(const codec *c);
int      codec_track_cost(codec *c, int on);
double   codec_cost_bits(const codec *c);
uint64_t codec_cost_units(const codec *c);       /* the same, in 1/65536 bit */
int      codec_byte_costs(codec *c, uint32_t *costs);
#define  CODEC_COST_ONE 65536u                   /* cost units in one bit */

#endif
