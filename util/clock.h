/* util/clock.h — seconds on a monotonic clock, for rates, timeouts and
 * elapsed times: now_s() - t0. Never goes back when the wall clock is set. */
#ifndef SL_CLOCK_H
#define SL_CLOCK_H

double now_s(void);

#endif
