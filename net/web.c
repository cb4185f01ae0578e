/* net/web.c — see web.h. HTTP is libmicrohttpd's business: this file only
 * routes GET requests to the page, the API and the event stream. */
#include "web.h"
#include "web_assets.h"
#include "../common/err.h"
#include "../util/clock.h"
#include "../util/hostport.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CONNECTIONS 32
#define KEEPALIVE_S     15.0
#define PACE_S          0.2     /* at most five events a second per stream */

struct web {
    struct MHD_Daemon *d;
    web_board         *board;
    int                port;
    char               url[300];
};

typedef struct sse {
    web_board *board;
    uint64_t   seen;
    char      *buf;
    size_t     len, off;
    double     last;
} sse;

static ssize_t sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    sse *r = cls;
    while (r->off == r->len) {
        free(r->buf);
        r->buf = NULL;
        r->len = r->off = 0;
        double wait = r->last + PACE_S - now_s();
        if (wait > 0) usleep((useconds_t)(wait * 1e6));
        uint64_t v = web_board_wait(r->board, r->seen, KEEPALIVE_S);
        if (v == 0) return MHD_CONTENT_READER_END_OF_STREAM;   /* the server stops */
        if (v <= r->seen) {
            r->buf = strdup(": still here\n\n");
        } else {
            r->buf = web_board_events(r->board, r->seen);
            r->seen = v;
        }
        if (!r->buf) return MHD_CONTENT_READER_END_WITH_ERROR;
        r->len = strlen(r->buf);
        r->last = now_s();
    }
    size_t n = r->len - r->off < max ? r->len - r->off : max;
    memcpy(out, r->buf + r->off, n);
    r->off += n;
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    sse *r = cls;
    free(r->buf);
    free(r);
}

static enum MHD_Result respond(struct MHD_Connection *conn, struct MHD_Response *resp,
                            unsigned status, const char *type, int cache)
{
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (!cache) MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
                                                             MHD_RESPMEM_PERSISTENT);
    return respond(conn, r, status, "text/plain; charset=utf-8", 0);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **state)
{
    (void)version;
    (void)upload;
    (void)state;
    web *w = cls;
    if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
        return send_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET here\n");
    if (*upload_size) return send_text(conn, MHD_HTTP_BAD_REQUEST, "no body, please\n");
    if (strcmp(url, "/api/sessions") == 0) {
        char *text = web_board_sessions_json(w->board);
        if (!text) return send_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
        struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text,
                                                                 MHD_RESPMEM_MUST_FREE);
        return respond(conn, r, MHD_HTTP_OK, "application/json", 0);
    }
    if (strcmp(url, "/events") == 0) {
        sse *r = calloc(1, sizeof *r);
        if (!r) return send_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
        r->board = w->board;
        r->buf = strdup("retry: 1000\n\n");   /* opens the stream at once */
        r->len = r->buf ? strlen(r->buf) : 0;
        struct MHD_Response *resp =
            MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, r, sse_free);
        if (!resp) { sse_free(r); return MHD_NO; }
        return respond(conn, resp, MHD_HTTP_OK, "text/event-stream", 0);
    }
    const web_asset *a = web_asset_find(strcmp(url, "/") ? url : "/index.html");
    if (!a) return send_text(conn, MHD_HTTP_NOT_FOUND, "not here\n");
    struct MHD_Response *r = MHD_create_response_from_buffer(a->len, (void *)a->data,
                                                             MHD_RESPMEM_PERSISTENT);
    return respond(conn, r, MHD_HTTP_OK, a->type, 1);
}

/* Parses [HOST:]PORT (default host 127.0.0.1) into an address to bind. */
static int web_addr(const char *s, struct sockaddr_storage *addr, char *why, size_t cap)
{
    hostport hp;
    char msg[256];
    if (hostport_parse(s, HOSTPORT_LISTEN, "127.0.0.1", 0, &hp, msg, sizeof msg) ||
        hostport_resolve(&hp, addr, msg, sizeof msg)) {
        snprintf(why, cap, "--web %s: %s", s, msg);
        return SL_EINVAL;
    }
    return 0;
}

int web_start(web **out, const char *where, const char *role, char *why, size_t cap)
{
    *out = NULL;
    struct sockaddr_storage addr;
    int rc = web_addr(where, &addr, why, cap);
    if (rc) return rc;
    web *w = calloc(1, sizeof *w);
    if (!w || !(w->board = web_board_new(role))) {
        free(w);
        snprintf(why, cap, "out of memory");
        return SL_ENOMEM;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    if (addr.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    w->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, w,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
    if (!w->d) {
        snprintf(why, cap, "--web %s: cannot serve the dashboard there (is the port in use?)",
                 where);
        web_board_free(w->board);
        free(w);
        return SL_EIO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_BIND_PORT);
    w->port = info ? info->port : 0;
    char host[256];
    hostport_format((struct sockaddr *)&addr, host, sizeof host);
    char *colon = strrchr(host, ':');   /* the address as bound, with the real port */
    if (colon) *colon = 0;
    if (strcmp(host, "0.0.0.0") == 0) snprintf(host, sizeof host, "127.0.0.1");
    if (strcmp(host, "[::]") == 0) snprintf(host, sizeof host, "[::1]");
    snprintf(w->url, sizeof w->url, "http://%s:%d/", host, w->port);
    *out = w;
    return 0;
}

web_board *web_board_of(web *w) { return w->board; }
int web_port(const web *w) { return w->port; }
const char *web_url(const web *w) { return w->url; }

void web_stop(web *w)
{
    if (!w) return;
    web_board_stop(w->board);     /* every event stream ends */
    MHD_stop_daemon(w->d);        /* and every connection's thread is joined */
    web_board_free(w->board);
    free(w);
}
