/* net/web.h — the live dashboard's web server, for `--web [HOST:]PORT` on
 * both daemons. libmicrohttpd serves it from its own threads (this is the
 * only file that includes microhttpd.h); the daemon feeds the board
 * (net/web_board.h) from any thread.
 *
 *   web *w; char why[256];
 *   if (web_start(&w, "8080", "sundard", why, sizeof why)) ...   // 127.0.0.1:8080
 *   web_board *b = web_board_of(w);  ... web_board_session(b, peer) ...
 *   printf("dashboard at %s\n", web_url(w));
 *   web_stop(w);                      // ends every stream, joins, frees the board
 *
 * It binds 127.0.0.1 unless given a host (":PORT" binds every address;
 * port 0 picks a free one). GET only:
 *   /               the page (net/web/index.html, dash.css, dash.js: plain
 *                   HTML, CSS and JS compiled into the program, no network)
 *   /events         Server-Sent Events: "session" events, each a session's
 *                   whole JSON with its curve and heat-map, at most five a
 *                   second per session, and a comment every 15 s
 *   /api/sessions   a JSON array of the sessions' figures */
#ifndef SL_WEB_H
#define SL_WEB_H

#include "web_board.h"
#include <stddef.h>

typedef struct web web;

int         web_start(web **out, const char *where, const char *role, char *why,
                      size_t cap);
web_board  *web_board_of(web *w);
int         web_port(const web *w);
const char *web_url(const web *w);
void        web_stop(web *w);

#endif
