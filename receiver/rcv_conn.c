/* receiver/rcv_conn.c — see rcv_conn.h. */
#include "rcv_conn.h"
#include "../common/err.h"
#include "../util/clock.h"
#include "../util/hostport.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_MAX (32u << 20)

typedef struct qframe {
    struct qframe *next;
    uint8_t        type;
    uint32_t       len, wire;
    uint8_t        payload[];
} qframe;

typedef struct wreq {
    uv_write_t req;
    rcv_conn  *c;
    uint8_t    data[];
} wreq;

static void kick(rcv_conn *c);

static void on_closed(uv_handle_t *h)
{
    rcv_conn *c = h->data;
    if (--c->handles) return;
    if (c->on_end) c->on_end(c, c->arg);
    while (c->head) {
        qframe *q = c->head;
        c->head = q->next;
        free(q);
    }
    rcv_core_fini(&c->core);
    frame_parser_fini(&c->parser);
    bytebuf_fini(&c->reply);
    free(c);
}

/* Close once nothing is being processed or written. */
static void maybe_close(rcv_conn *c)
{
    if (!c->ending || c->working || c->pending_writes) return;
    if (uv_is_closing((uv_handle_t *)&c->tcp)) return;
    uv_close((uv_handle_t *)&c->idle, on_closed);
    uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void end_session(rcv_conn *c, int result)
{
    if (c->ending) return;
    c->ending = 1;
    c->result = result;
    if (c->reading) uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = 0;
    maybe_close(c);
}

static void on_write(uv_write_t *req, int status)
{
    (void)status; /* a peer that went away is reported by the read side */
    wreq *w = (wreq *)req;
    rcv_conn *c = w->c;
    free(w);
    c->pending_writes--;
    maybe_close(c);
}

static void send_reply(rcv_conn *c)
{
    if (!c->reply.len) return;
    wreq *w = malloc(sizeof *w + c->reply.len);
    if (w) {
        w->c = c;
        memcpy(w->data, c->reply.p, c->reply.len);
        uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)c->reply.len);
        if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_write) == 0)
            c->pending_writes++;
        else
            free(w);
    }
    c->reply.len = 0;
}

static void work_cb(uv_work_t *req)
{
    rcv_conn *c = req->data;
    qframe *q = c->cur;
    frame f = {q->type, q->len, q->wire, q->payload};
    c->job_rc = rcv_core_frame(&c->core, &f, &c->reply);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    buf->base = malloc(suggested);
    buf->len = buf->base ? suggested : 0;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static void after_work(uv_work_t *req, int status)
{
    (void)status;
    rcv_conn *c = req->data;
    c->working = 0;
    c->prog_raw = c->core.pos;
    c->prog_total = c->core.have_manifest ? c->core.man.total : 0;
    c->prog_coded = c->core.st.transcript;
    c->prog_chunk = c->core.have_manifest ? c->core.man.chunk_size : 0;
    c->queued -= c->cur->len;
    free(c->cur);
    c->cur = NULL;
    send_reply(c);
    if (c->job_rc != 0) { end_session(c, c->job_rc); return; }
    if (!c->reading && !c->eof && !c->parse_err && !c->ending && !c->stopped &&
        c->queued < QUEUE_MAX / 2) {
        int rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
        if (rc) c->eof = 1; /* the stream is gone: kick() ends the session */
        else c->reading = 1;
    }
    kick(c);
}

/* Start the next frame, or end the session if input has ended. */
static void kick(rcv_conn *c)
{
    if (c->working || c->ending) return;
    if (c->stopped) {
        int rc = rcv_core_abort(&c->core, SL_ECLOSED, &c->reply,
                                "the receiver is shutting down; session abandoned");
        send_reply(c);
        end_session(c, rc);
        return;
    }
    if (c->head) {
        c->cur = c->head;
        c->head = c->head->next;
        if (!c->head) c->tail = NULL;
        c->working = 1;
        c->work.data = c;
        if (uv_queue_work(c->tcp.loop, &c->work, work_cb, after_work) == 0) return;
        c->working = 0;
        free(c->cur);
        c->cur = NULL;
        end_session(c, rcv_core_abort(&c->core, SL_ENOMEM, NULL,
                                      "cannot queue work for the session"));
        return;
    }
    if (c->parse_err || c->eof) {
        int rc;
        if (c->timed_out)
            rc = rcv_core_abort(&c->core, SL_ECLOSED, NULL,
                                "the sender sent nothing for %llu s; session abandoned",
                                (unsigned long long)(c->idle_ms / 1000));
        else if (c->parse_err)
            rc = rcv_core_abort(&c->core, c->parse_err, &c->reply,
                                "bad frame from the sender: %s", sl_strerror(c->parse_err));
        else
            rc = rcv_core_abort(&c->core, SL_ECLOSED, NULL,
                                "connection closed before the session ended");
        send_reply(c);
        end_session(c, rc);
    }
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    rcv_conn *c = s->data;
    if (nread < 0) {
        /* A stream that stops inside a frame is reported as closed early,
         * like one that stops between frames. */
        c->eof = 1;
        uv_read_stop(s);
        c->reading = 0;
    }
    const uint8_t *p = (const uint8_t *)buf->base;
    size_t n = nread > 0 ? (size_t)nread : 0;
    c->bytes_in += n;
    if (n && c->idle_ms) uv_timer_again(&c->idle);
    while (n && !c->parse_err) {
        frame f;
        size_t used;
        int rc = frame_parse(&c->parser, p, n, &used, &f);
        p += used;
        n -= used;
        if (rc < 0) {
            c->parse_err = rc;
            uv_read_stop(s);
            c->reading = 0;
            break;
        }
        if (rc == 1) {
            qframe *q = malloc(sizeof *q + f.len);
            if (!q) { c->parse_err = SL_ENOMEM; break; }
            q->next = NULL;
            q->type = f.type;
            q->len = f.len;
            q->wire = f.wire;
            memcpy(q->payload, f.payload, f.len);
            if (c->tail) c->tail->next = q;
            else c->head = q;
            c->tail = q;
            c->queued += f.len;
        }
    }
    free(buf->base);
    /* How much of a CHUNK frame has come in: progress between chunks. */
    const frame_parser *fp = &c->parser;
    c->prog_arriving = fp->hdr_done && fp->hdr[0] == FRAME_CHUNK && fp->len
                           ? (double)fp->body.len / (double)fp->len : 0;
    if (c->reading && c->queued > QUEUE_MAX) {
        uv_read_stop(s);
        c->reading = 0;
    }
    kick(c);
}

static void on_idle(uv_timer_t *t)
{
    rcv_conn *c = t->data;
    if (c->ending || c->eof) return;
    c->timed_out = 1;
    c->eof = 1;
    if (c->reading) uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = 0;
    kick(c);
}

void rcv_conn_stop(rcv_conn *c)
{
    if (c->ending || c->stopped) return;
    c->stopped = 1;
    if (c->reading) uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = 0;
    kick(c);   /* now, or after the frame being decoded */
}

int rcv_conn_accept(uv_stream_t *server, const rcv_conn_cfg *cfg, rcv_conn_end_cb cb,
                    void *arg, rcv_conn **out)
{
    *out = NULL;
    rcv_conn *c = calloc(1, sizeof *c);
    if (!c) return SL_ENOMEM;
    int irc = uv_tcp_init(server->loop, &c->tcp);
    assert(irc == 0);
    irc = uv_timer_init(server->loop, &c->idle);
    assert(irc == 0);
    (void)irc;
    c->tcp.data = c->idle.data = c;
    c->handles = 2;
    /* Both inits only fill in the handle; they cannot fail on a live loop. */
    c->idle_ms = cfg->idle_ms;
    c->on_end = cb;
    c->arg = arg;
    c->t0 = now_s();
    rcv_core_init(&c->core, &cfg->lim, cfg->outdir);
    c->core.priors = cfg->priors;
    frame_parser_init(&c->parser);
    int rc = uv_accept(server, (uv_stream_t *)&c->tcp);
    if (!rc) {
        struct sockaddr_storage ss;
        int len = sizeof ss;
        if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0)
            hostport_format((struct sockaddr *)&ss, c->peer, sizeof c->peer);
        else
            snprintf(c->peer, sizeof c->peer, "an unknown peer");
    }
    if (!rc && c->idle_ms) rc = uv_timer_start(&c->idle, on_idle, c->idle_ms, c->idle_ms);
    if (!rc) rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    if (rc) {
        c->on_end = NULL;
        uv_close((uv_handle_t *)&c->idle, on_closed);
        uv_close((uv_handle_t *)&c->tcp, on_closed);
        return SL_EIO;
    }
    c->reading = 1;
    *out = c;
    return 0;
}
