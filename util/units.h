/* util/units.h — the command line's quantities, parsed strictly.
 *
 *   units_rate("56kbit", &bps)   bits per second: N[k|m|g]bit, N[k|m|g]bps,
 *                                or N[K|M|G]B (bytes per second); "0" = no limit
 *   units_size("16M", &bytes)    N[K|M|G][B|iB]: powers of 1024
 *   units_ms("100ms", &ms)       N, Nms or Ns
 * Each returns 0 or SL_EINVAL for anything else (signs, junk, overflow). */
#ifndef SL_UNITS_H
#define SL_UNITS_H

#include <stdint.h>

int units_rate(const char *s, uint64_t *bits_per_s);
int units_size(const char *s, uint64_t *bytes);
int units_ms(const char *s, uint64_t *ms);
/* "1,234,567" into buf. */
const char *units_commas(uint64_t v, char buf[32]);

#endif
