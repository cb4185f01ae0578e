/* util/units.h — the command line's quantities, parsed strictly.
 *
 *   units_rate("56kbit", &bps)   bits per second: N[k|M|G][bit|bits|bps|bit/s]
 *                                (56k, 1M, 56kbit/s), or bytes per second with a
 *                                capital B: N[K|M|G][B|B/s|Bps] (7KB/s); powers of
 *                                1000; "0" or "unlimited" = no limit. "56kb" is
 *                                refused as ambiguous, and so is a rate that
 *                                rounds to 0 bit/s ("0.5").
 *   units_rate_why(s, &bps, why, cap)   the same, saying why a value is refused
 *   units_size("16M", &bytes)    N[K|M|G][B|iB]: powers of 1024
 *   units_ms("100ms", &ms)       N, Nms or Ns
 * Each returns 0 or SL_EINVAL for anything else (signs, junk, overflow). */
#ifndef SL_UNITS_H
#define SL_UNITS_H

#include <stddef.h>
#include <stdint.h>

int units_rate(const char *s, uint64_t *bits_per_s);
int units_rate_why(const char *s, uint64_t *bits_per_s, char *why, size_t cap);
int units_size(const char *s, uint64_t *bytes);
int units_ms(const char *s, uint64_t *ms);
/* "1,234,567" into buf. */
const char *units_commas(uint64_t v, char buf[32]);

#endif
