/* util/prior.h — priors: a file both ends train on before the first byte.
 *
 * A recipe with a prior records the prior's SHA-256 and size (common/recipe.h).
 * The sender names the file; the receiver finds it among its own files by
 * SHA-256, whatever its name:
 *
 *   sl_prior pr; char why[512];
 *   satyad:  prior_load(&pr, path, why, sizeof why);  prior_to_recipe(&pr, &rp);
 *   sundard: prior_find(&pr, dir, &rp, why, sizeof why);  // SL_EPRIOR_MISSING
 *   both:    codec_new(&c, &rp);  prior_train(c, pr.data, pr.size, &prior_bytes);
 *   prior_free(&pr);
 *
 * prior_train codes the prior with the fresh model, in PRIOR_PIECE pieces,
 * each counted as a chunk on the wire would be (its coded size, or its raw
 * size when coding does not help). The model ends exactly as codec_train
 * would leave it, and prior_bytes is the prior's own transcript: what
 * sending it would cost. Both ends compute the same figure, so it needs no
 * room on the wire; the description length counts it, the wire bytes do
 * not (the receiver already holds the prior). */
#ifndef SL_PRIOR_H
#define SL_PRIOR_H

#include "../common/codec.h"
#include <stddef.h>
#include <stdint.h>

#define PRIOR_PIECE (64u << 10)

typedef struct sl_prior {
    uint8_t *data;
    uint64_t size;
    uint8_t  sha256[32];
    int      owned;        /* data is ours to free */
} sl_prior;

int  prior_load(sl_prior *pr, const char *path, char *why, size_t cap);
/* Uses the bytes as they are (not copied: pr->data points at them). */
void prior_from_memory(sl_prior *pr, const uint8_t *data, uint64_t size);
void prior_to_recipe(const sl_prior *pr, recipe_params *rp);
/* Looks through the regular files of dir (not its subdirectories) for the
 * recipe's prior; dir NULL means this receiver has none. */
int  prior_find(sl_prior *pr, const char *dir, const recipe_params *rp, char *why,
                size_t cap);
/* Call on a fresh codec, before any codec_byte_costs(). */
int  prior_train(codec *c, const uint8_t *data, uint64_t size, uint64_t *prior_bytes);
/* "3f2a…e9 (152,089 bytes)": the start and end of the hash, for messages. */
void prior_describe(const recipe_params *rp, char *out, size_t cap);
void prior_free(sl_prior *pr);

#endif
