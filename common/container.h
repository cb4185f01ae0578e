/* common/container.h — the codec's own file format, for slcodec and the
 * benchmark (the network's recorded stream is proto/'s frames).
 *
 *   "SLC" | u8 format version (2) | packed recipe (recipe_pack)
 *   then per chunk: varint raw_len (> 0) | varint coded_len | coded bytes
 *   then varint 0 | varint total raw bytes | u64 codec digest at the end
 * Integers are little-endian; varints as in byteorder.h. A preset costs a
 * few bytes, so a small file pays almost nothing but its transcript. A
 * reader checks every length against the limits below before it
 * allocates, and the length and digest at the end (the digest covers
 * every byte decoded): a truncated or corrupted file is an error, never
 * short output. */
#ifndef SL_CONTAINER_H
#define SL_CONTAINER_H

#include "byteorder.h"
#include "bytebuf.h"
#include "recipe.h"
#include <stddef.h>
#include <stdint.h>

#define SLC_MAGIC      "SLC"
#define SLC_VERSION    2
#define SLC_MAX_CHUNK  (64u << 20)

/* Compress in chunks of `chunk` bytes, appending the file to out. */
int slc_write(const recipe_params *p, size_t chunk, const uint8_t *in, size_t n,
              bytebuf *out);
/* Decompress a whole file into out; on error, why[] says what was wrong. */
int slc_read(const uint8_t *in, size_t n, bytebuf *out, char *why, size_t why_cap);

#endif
