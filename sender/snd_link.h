/* sender/snd_link.h — one receiver: a TCP connection fed from the spool
 * through a token-bucket throttle and an optional fixed latency.
 *
 *   snd_link *l = snd_link_new(loop, &cfg, on_end, arg);   // connects
 *   snd_link_pump(l)          whenever the spool grew (cheap; idempotent)
 *   snd_link_abort(l, why)    ends it now, as a failure (Ctrl-C)
 *   on_end(l, arg) runs once, after every handle is closed; then read
 *   l->ok / l->err and free it with snd_link_free(l).
 * The throttle: a libuv timer adds rate/8 bytes per second to a bucket
 * that holds at most BURST; a write takes tokens first, so the bytes on
 * the wire never run ahead of rate * elapsed + BURST. At most one buffer
 * is queued in libuv at a time (plus the latency line), so a slow
 * receiver backs up into the spool file, not into memory. */
#ifndef SL_SND_LINK_H
#define SL_SND_LINK_H

#include "snd_encode.h"
#include "../common/bytebuf.h"
#include "../proto/frame.h"
#include "../proto/msg.h"
#include "../proto/order.h"
#include <uv.h>

typedef struct snd_link_cfg {
    const char  *target;        /* "host:port" as given */
    struct sockaddr_storage addr;
    uint64_t     rate_bps;      /* 0 = unthrottled */
    uint64_t     latency_ms;
    int          spool_fd;
    uint64_t     spool_base;    /* spool offset where MANIFEST starts */
    snd_encoder *enc;
    const bytebuf *hello;       /* the preamble and this session's HELLO frame */
} snd_link_cfg;

typedef struct snd_link snd_link;
typedef void (*snd_link_end_cb)(snd_link *l, void *arg);

struct snd_link {
    snd_link_cfg    cfg;
    uv_loop_t      *loop;
    uv_tcp_t        tcp;
    uv_connect_t    conn_req;
    uv_timer_t      timer;
    int             open_handles;
    snd_link_end_cb on_end;
    void           *arg;
    int             connected, ended;
    uint64_t        sent;        /* HELLO + spool bytes taken off the bucket */
    uint64_t        written;     /* bytes the socket accepted */
    uint64_t        inflight;
    double          tokens, last_refill;
    struct delayed *delay_head, *delay_tail;
    frame_parser    parser;
    proto_order     order;
    msg_ack         ack;         /* latest */
    int             ok;
    char            err[300];
};

snd_link *snd_link_new(uv_loop_t *loop, const snd_link_cfg *cfg, snd_link_end_cb cb,
                       void *arg);
void snd_link_pump(snd_link *l);
void snd_link_abort(snd_link *l, const char *why);
void snd_link_free(snd_link *l);

#endif
