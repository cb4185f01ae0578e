/* net/web_board.h — what the dashboard shows: every session's figures, its
 * loss curve and the cost of its last bytes, kept by the daemon and read by
 * the web server's threads. All calls are thread-safe (one mutex).
 *
 *   web_board *b = web_board_new("sundard");
 *   int id = web_board_session(b, peer);                  // a new session, shown at once
 *   web_board_manifest(b, id, nfiles, names, total, recipe_bytes, prior_bytes);
 *                                     // names: up to nfiles, ending early at a NULL
 *   web_board_bytes(b, id, bytes, costs, n);              // through the model, with costs
 *   web_board_link(b, id, delivered, wire, transcript, coded, rate_bps);
 *                  // transcript: the coded size of the first `coded` bytes; the
 *                  // bytes above appear with the next link figures, in step
 *   web_board_baselines(b, id, gzip, xz, zstd);           // when known
 *   web_board_prior(b, id, prior_bytes);                  // when known, if not at manifest
 *   web_board_end(b, id, &stats, err);                    // err NULL when it succeeded
 *   ...
 *   web_board_stop(b); web_board_free(b);
 *
 * Readers: web_board_wait() blocks until something changed after `seen`
 * (or the timeout, or stop); web_board_events() gives the Server-Sent
 * Events for every session changed since `seen`; web_board_sessions_json()
 * the /api/sessions array. Both return malloc'ed text (NULL without memory).
 *
 * A session's JSON: id, peer, role, state ("starting", "receiving" or
 * "sending", "finished", "failed"), files and names, raw_bytes (the total),
 * decoded_bytes (through the model here; for a sender, confirmed by the
 * receiver), wire_bytes, transcript_bytes, bits_per_byte so far (transcript
 * over the bytes it codes), ideal_bits_per_byte (the costs' mean), the
 * description-length terms, rate_bps (as given, else wire bytes over the
 * session's time, as sundard's report measures it), elapsed_s, baselines,
 * error, and, once it ended, "final": the figures of --json (util/report.h). Events
 * add "curve" (bits per byte in bins of bin_bytes) and "heat" (the last
 * WEB_HEAT bytes with the bits each cost). */
#ifndef SL_WEB_BOARD_H
#define SL_WEB_BOARD_H

#include "../util/report.h"
#include <stddef.h>
#include <stdint.h>

#define WEB_HEAT 2048           /* bytes in the surprisal heat-map */
#define WEB_BINS 400            /* most points on a loss curve */
#define WEB_SESSIONS 32         /* sessions kept; the oldest ended one goes first */

typedef struct web_board web_board;

web_board *web_board_new(const char *role);
void web_board_free(web_board *b);
int  web_board_session(web_board *b, const char *peer);
void web_board_manifest(web_board *b, int id, uint32_t nfiles, const char *const *names,
                        uint64_t total, uint64_t recipe_bytes, uint64_t prior_bytes);
void web_board_bytes(web_board *b, int id, const uint8_t *p, const uint32_t *costs, size_t n);
void web_board_link(web_board *b, int id, uint64_t delivered, uint64_t wire,
                    uint64_t transcript, uint64_t coded, uint64_t rate_bps);
void web_board_prior(web_board *b, int id, uint64_t prior_bytes);
void web_board_baselines(web_board *b, int id, uint64_t gzip, uint64_t xz, uint64_t zstd);
void web_board_end(web_board *b, int id, const sl_stats *st, const char *err);

/* Returns the board's version now; 0 once stopped. */
uint64_t web_board_wait(web_board *b, uint64_t seen, double timeout_s);
char *web_board_events(web_board *b, uint64_t seen);
char *web_board_sessions_json(web_board *b);
void web_board_stop(web_board *b);

#endif
