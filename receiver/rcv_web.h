/* receiver/rcv_web.h — sundard's sessions on the dashboard (net/web.h).
 *
 *   rcv_web_watch(&core, board, peer);      // before its first frame: the session
 *                                           // appears, and the core reports to it
 *   rcv_web_end(&core, &stats, err);        // the figures of --json; err NULL if it
 *                                           // succeeded; frees what watch took
 * With board NULL both do nothing. */
#ifndef SL_RCV_WEB_H
#define SL_RCV_WEB_H

#include "rcv_core.h"
#include "../net/web_board.h"

int  rcv_web_watch(rcv_core *c, web_board *board, const char *peer);
void rcv_web_end(rcv_core *c, const sl_stats *st, const char *err);

#endif
