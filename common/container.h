/* common/container.h — the codec's own file format, for the offline driver
 * and the benchmark (the network's recorded stream is proto/'s frames).
 *
 *   "SLC1" | u32 recipe_len | recipe (canonical text)
 *   then per chunk: u32 raw_len (> 0) | u32 coded_len | coded bytes
 *   then u32 0 | u64 total raw bytes | u64 model digest at the end
 * All integers little-endian. A reader checks every length against the
 * limits below before it allocates, and the length and digest at the end:
 * a truncated or corrupted file is an error, never short output. */
#ifndef SL_CONTAINER_H
#define SL_CONTAINER_H

#include "byteorder.h"
#include "bytebuf.h"
#include "recipe.h"
#include <stddef.h>
#include <stdint.h>

#define SLC_MAGIC      "SLC1"
#define SLC_MAX_CHUNK  (64u << 20)

/* Compress in chunks of `chunk` bytes, appending the file to out. */
int slc_write(const recipe_params *p, size_t chunk, const uint8_t *in, size_t n,
              bytebuf *out);
/* Decompress a whole file into out; on error, why[] says what was wrong. */
int slc_read(const uint8_t *in, size_t n, bytebuf *out, char *why, size_t why_cap);

#endif
