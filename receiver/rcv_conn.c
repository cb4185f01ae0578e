/* receiver/rcv_conn.c — see rcv_conn.h. */
#include "rcv_conn.h"
#include "../common/err.h"
#include "../util/clock.h"
#include "../util/hostport.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDLE_BYTES   1024          /* this much from the peer counts as progress */
#define WRITE_MAX    (64u << 10)   /* replies the peer has not read: stop reading */
#define HELD_MAX     (256u << 10)  /* plaintext read ahead of the parser */
#define READ_SIZE    (64u << 10)
#define LINGER_MS    1000          /* at most this long for the peer to close */

typedef struct qframe {
    uint8_t  type;
    uint32_t len, wire;
    uint8_t  payload[];
} qframe;

typedef struct wreq {
    uv_write_t req;
    rcv_conn  *c;
    uint8_t    data[];
} wreq;

static void kick(rcv_conn *c);
static void flow(rcv_conn *c);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static void on_closed(uv_handle_t *h)
{
    rcv_conn *c = h->data;
    if (--c->handles) return;
    if (c->admitted) c->pool->sessions--;
    c->pool->conns--;
    if (c->prev) c->prev->next = c->next;
    else c->pool->head = c->next;
    if (c->next) c->next->prev = c->prev;
    if (c->on_end) c->on_end(c, c->arg);
    free(c->queued);
    rcv_core_fini(&c->core);
    frame_parser_fini(&c->parser);
    tls_conn_free(c->tls);
    bytebuf_fini(&c->reply);
    bytebuf_fini(&c->held);
    free(c);
}

static void close_handles(rcv_conn *c)
{
    if (uv_is_closing((uv_handle_t *)&c->tcp)) return;
    uv_close((uv_handle_t *)&c->idle, on_closed);
    uv_close((uv_handle_t *)&c->handshake, on_closed);
    uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void stop_reading(rcv_conn *c)
{
    if (c->reading) uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = 0;
}

static void on_linger_timeout(uv_timer_t *t)
{
    close_handles(t->data);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    (void)req, (void)status;   /* the read side or the timer closes */
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf);

/* Close once nothing is being processed or written, lingering: closing a
 * socket with unread input makes the kernel send a reset, which can make
 * the peer lose the replies just written (the final ACK, or an ERROR that
 * says why). So after the last write send FIN, read and discard until the
 * peer closes too, for at most LINGER_MS, then close. */
static void maybe_close(rcv_conn *c)
{
    if (!c->ending || c->working || c->pending_writes) return;
    if (uv_is_closing((uv_handle_t *)&c->tcp) || c->lingering) return;
    c->lingering = 1;
    if (c->eof || uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, on_shutdown) ||
        uv_timer_start(&c->idle, on_linger_timeout, LINGER_MS, 0)) {
        close_handles(c);
        return;
    }
    if (!c->reading && uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
        c->reading = 1;
}

static void end_session(rcv_conn *c, int result)
{
    if (c->ending) return;
    c->ending = 1;
    c->result = result;
    stop_reading(c);
    uv_timer_stop(&c->idle);
    uv_timer_stop(&c->handshake);
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
    flow(c);
}

/* Writes bytes as they are (ciphertext, or plaintext without TLS). */
static void write_raw(rcv_conn *c, const uint8_t *p, size_t n)
{
    if (!n || uv_is_closing((uv_handle_t *)&c->tcp)) return;
    if (!c->sent_preamble && !c->tls) {
        /* The receiver's direction starts with the preamble, which its HELLO
         * carries; a reply before HELLO (an early ERROR) needs its own. */
        c->sent_preamble = 1;
        if (n < FRAME_PREAMBLE || memcmp(p, "SL", 2)) {
            bytebuf pre = {0};
            frame_write_preamble(&pre);
            write_raw(c, pre.p, pre.len);
            bytebuf_fini(&pre);
        }
    }
    wreq *w = malloc(sizeof *w + n);
    if (!w) return;
    w->c = c;
    memcpy(w->data, p, n);
    uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)n);
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_write) == 0)
        c->pending_writes++;
    else
        free(w);
}

/* Sends what TLS has ready: handshake records, encrypted replies. */
static void flush_tls(rcv_conn *c)
{
    if (!c->tls) return;
    bytebuf out = {0};
    if (tls_conn_output(c->tls, &out) == 0) write_raw(c, out.p, out.len);
    bytebuf_fini(&out);
}

static void send_reply(rcv_conn *c)
{
    if (!c->reply.len) return;
    if (c->tls && !c->sent_preamble) {
        c->sent_preamble = 1;
        if (c->reply.len < FRAME_PREAMBLE || memcmp(c->reply.p, "SL", 2)) {
            bytebuf pre = {0};
            frame_write_preamble(&pre);
            if (tls_conn_write(c->tls, pre.p, pre.len) == 0) flush_tls(c);
            bytebuf_fini(&pre);
        }
    }
    if (c->tls) {
        if (tls_conn_write(c->tls, c->reply.p, c->reply.len) == 0) flush_tls(c);
    } else {
        write_raw(c, c->reply.p, c->reply.len);
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
    (void)suggested;
    buf->base = malloc(READ_SIZE);
    buf->len = buf->base ? READ_SIZE : 0;
}

/* The idle clock restarts on real progress only. */
static void progress(rcv_conn *c)
{
    c->since_progress = 0;
    c->last_progress = now_s();
    if (uv_is_active((uv_handle_t *)&c->idle)) uv_timer_again(&c->idle);
}

static void on_idle(uv_timer_t *t)
{
    rcv_conn *c = t->data;
    if (c->ending || c->eof) return;
    c->timed_out = 1;
    c->eof = 1;
    stop_reading(c);
    kick(c);
}

static void on_handshake(uv_timer_t *t)
{
    rcv_conn *c = t->data;
    if (c->ending || c->eof) return;
    c->timed_out = 2;
    c->eof = 1;
    stop_reading(c);
    kick(c);
}

/* Reads while the receiver waits on the peer; stops while it processes a
 * frame (its own backpressure: the idle clock stops too) and while the
 * peer leaves replies unread (the peer's doing: the clock runs on). */
static void flow(rcv_conn *c)
{
    if (c->ending) return;
    int busy = c->working || c->queued || c->held.len >= HELD_MAX;
    int unread = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) > WRITE_MAX;
    int want = !busy && !unread && !c->eof && !c->parse_err && !c->stopped;
    if (want && !c->reading) {
        if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0) c->reading = 1;
        else c->eof = 1;
    } else if (!want) {
        stop_reading(c);
    }
    int waiting = !busy && !c->eof && !c->parse_err;
    if (!c->cfg.idle_ms) return;
    if (waiting && !uv_is_active((uv_handle_t *)&c->idle))
        uv_timer_start(&c->idle, on_idle, c->cfg.idle_ms, c->cfg.idle_ms);
    else if (!waiting)
        uv_timer_stop(&c->idle);
}

/* Frames from the held plaintext, one at a time; the parser is capped at
 * what the session may send next, so a longer frame is refused at its
 * length, before its payload is taken. */
static void parse_held(rcv_conn *c)
{
    size_t off = 0;
    while (off < c->held.len && !c->queued && !c->hold && !c->parse_err && !c->ending) {
        frame f;
        size_t used;
        frame_parser_cap(&c->parser, c->max_frame);
        int rc = frame_parse(&c->parser, c->held.p + off, c->held.len - off, &used, &f);
        off += used;
        if (rc == SL_EPROTO_TOOBIG && c->core.cfg.keys && !c->core.have_auth &&
            c->parser.hdr[0] == FRAME_MANIFEST) {
            c->parse_err = SL_EAUTH;
            snprintf(c->parse_why, sizeof c->parse_why, "this receiver accepts signed sessions "
                     "only (satyad --key, with the key in its --authorized-keys)");
        } else if (rc == SL_EPROTO_TOOBIG) {
            c->parse_err = rc;
            snprintf(c->parse_why, sizeof c->parse_why,
                     "a %s frame longer than the %u bytes the session may send now",
                     frame_type_name(c->parser.hdr[0]), c->max_frame);
        } else if (rc < 0) {
            c->parse_err = rc;
        } else if (rc == 1) {
            qframe *q = malloc(sizeof *q + f.len);
            if (!q) { c->parse_err = SL_ENOMEM; break; }
            q->type = f.type;
            q->len = f.len;
            q->wire = f.wire;
            memcpy(q->payload, f.payload, f.len);
            c->queued = q;
            progress(c);
            /* What may come next depends on what this frame does. */
            c->hold = f.type == FRAME_HELLO || f.type == FRAME_AUTH || f.type == FRAME_MANIFEST;
            /* Nothing may follow DONE: look before it is acted on. */
            if (f.type == FRAME_DONE && (off < c->held.len || c->parser.have)) {
                free(c->queued);
                c->queued = NULL;
                c->parse_err = SL_EPROTO_ORDER;
                snprintf(c->parse_why, sizeof c->parse_why, "a frame follows DONE");
            }
        }
    }
    memmove(c->held.p, c->held.p + off, c->held.len - off);
    c->held.len -= off;
}

/* Past HELLO a connection is a session. At the limit, the session silent
 * longest makes room if it has been silent at least the handshake timeout;
 * else the newcomer is refused. Returns 1 when c was refused. */
static int admit(rcv_conn *c)
{
    rcv_conn_pool *p = c->pool;
    if (c->cfg.max_sessions && p->sessions >= c->cfg.max_sessions) {
        double t = now_s(), grace = (double)c->cfg.handshake_ms / 1000.0;
        rcv_conn *v = NULL;
        for (rcv_conn *o = p->head; o; o = o->next)
            if (o->admitted && !o->ending && !o->working && t - o->last_progress >= grace &&
                (!v || o->last_progress < v->last_progress))
                v = o;
        if (!v) {
            end_session(c, rcv_core_abort(&c->core, SL_EBUSY, &c->reply,
                                          "receiver busy: %d sessions in progress "
                                          "(--max-sessions); try again later",
                                          c->cfg.max_sessions));
            send_reply(c);
            return 1;
        }
        end_session(v, rcv_core_abort(&v->core, SL_EBUSY, &v->reply,
                                      "session cut to make room: silent for %.0f s while "
                                      "the receiver was full", t - v->last_progress));
        send_reply(v);
        v->admitted = 0;
        p->sessions--;
    }
    c->admitted = 1;
    p->sessions++;
    return 0;
}

static void after_work(uv_work_t *req, int status)
{
    (void)status;
    rcv_conn *c = req->data;
    c->working = 0;
    c->prog_raw = c->core.pos;
    c->prog_total = c->core.have_manifest ? c->core.man.total : 0;
    c->prog_coded = c->core.st.transcript;
    c->prog_chunk = c->core.have_manifest ? c->core.man.chunk_size : 0;
    free(c->cur);
    c->cur = NULL;
    send_reply(c);
    if (c->job_rc != 0) { end_session(c, c->job_rc); return; }
    c->hold = 0;
    c->max_frame = rcv_core_max_frame(&c->core);
    if (!c->admitted && c->core.order.stage >= 1 && admit(c)) return;
    parse_held(c);
    kick(c);
    flow(c);
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
    if (c->queued) {
        c->cur = c->queued;
        c->queued = NULL;
        c->working = 1;
        c->work.data = c;
        if (c->cur->type == FRAME_MANIFEST) uv_timer_stop(&c->handshake);
        if (uv_queue_work(c->tcp.loop, &c->work, work_cb, after_work) == 0) {
            parse_held(c);
            return;
        }
        c->working = 0;
        free(c->cur);
        c->cur = NULL;
        end_session(c, rcv_core_abort(&c->core, SL_ENOMEM, NULL,
                                      "cannot queue work for the session"));
        return;
    }
    if (!c->parse_err && !c->eof) return;
    int rc;
    if (c->timed_out == 2)
        rc = rcv_core_abort(&c->core, SL_ETIMEOUT, &c->reply,
                            "no MANIFEST within %llu s of connecting; cut",
                            (unsigned long long)(c->cfg.handshake_ms / 1000));
    else if (c->timed_out)
        rc = rcv_core_abort(&c->core, SL_ECLOSED, &c->reply,
                            "the sender sent nothing for %llu s; session abandoned",
                            (unsigned long long)(c->cfg.idle_ms / 1000));
    else if (c->parse_err)
        rc = rcv_core_abort(&c->core, c->parse_err, &c->reply, "%s%s",
                            c->parse_err == SL_EAUTH ? "" : "bad frame from the sender: ",
                            c->parse_why[0] ? c->parse_why : sl_strerror(c->parse_err));
    else if (c->tls && !tls_conn_ready(c->tls))
        rc = rcv_core_abort(&c->core, SL_ECLOSED, NULL, "connection closed during the TLS "
                            "handshake (does the sender trust this certificate?)");
    else
        rc = rcv_core_abort(&c->core, SL_ECLOSED, NULL,
                            "connection closed before the session ended");
    send_reply(c);
    end_session(c, rc);
}

/* The first byte tells a TLS ClientHello from a plaintext frame; a
 * mismatch is answered with a plaintext ERROR either side can print.
 * Returns 1 when the connection was refused. */
static int sniff(rcv_conn *c, uint8_t first)
{
    c->sniffed = 1;
    int is_tls = tls_looks_like_tls(first), was_tls = !!c->tls;
    if (was_tls == is_tls) return 0;
    const char *msg = was_tls
        ? "this receiver accepts TLS only: run satyad with --tls (and --tls-ca FILE or "
          "--tls-pin SHA256 for a self-signed certificate)"
        : "this receiver does not use TLS: run satyad without --tls, or give sundard "
          "--tls-cert and --tls-key";
    rcv_core_abort(&c->core, SL_ETLS_PLAIN, &c->reply, "%s", msg);
    tls_conn_free(c->tls);   /* the refusal goes out in plaintext */
    c->tls = NULL;
    write_raw(c, c->reply.p, c->reply.len);
    c->reply.len = 0;
    snprintf(c->core.err, sizeof c->core.err, "%s", was_tls
             ? "a plaintext sender was refused: this receiver requires TLS"
             : "a TLS sender was refused: this receiver has no certificate (--tls-cert)");
    end_session(c, SL_ETLS_PLAIN);
    return 1;
}

/* Bytes from the socket: through TLS if need be, into the held plaintext. */
static void take_bytes(rcv_conn *c, const uint8_t *p, size_t n)
{
    if (!c->sniffed && sniff(c, p[0])) return;
    c->since_progress += n;
    if (c->since_progress >= IDLE_BYTES) progress(c);
    if (!c->tls) {
        if (bytebuf_append(&c->held, p, n)) c->parse_err = SL_ENOMEM;
        return;
    }
    int rc = tls_conn_feed(c->tls, p, n);
    while (rc == 0) {
        size_t got;
        if (bytebuf_reserve(&c->held, READ_SIZE)) { c->parse_err = SL_ENOMEM; break; }
        rc = tls_conn_read(c->tls, c->held.p + c->held.len, READ_SIZE, &got);
        c->held.len += got;
        if (!got) break;
    }
    flush_tls(c);
    if (rc == 1) c->eof = 1;
    if (rc < 0) {
        c->parse_err = SL_ETLS;
        snprintf(c->parse_why, sizeof c->parse_why, "%s", tls_conn_why(c->tls));
    }
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    rcv_conn *c = s->data;
    if (nread < 0) {
        /* A stream that stops inside a frame is reported as closed early,
         * like one that stops between frames. */
        c->eof = 1;
        stop_reading(c);
    }
    size_t n = nread > 0 ? (size_t)nread : 0;
    c->bytes_in += n;
    if (n && !c->ending) take_bytes(c, (const uint8_t *)buf->base, n);
    free(buf->base);
    if (c->ending) {
        if (c->lingering && nread < 0) close_handles(c);   /* the peer closed too */
        return;
    }
    /* How much of a CHUNK frame has come in: progress between chunks. */
    const frame_parser *fp = &c->parser;
    c->prog_arriving = fp->hdr_done && fp->hdr[0] == FRAME_CHUNK && fp->len
                           ? (double)fp->body.len / (double)fp->len : 0;
    parse_held(c);
    kick(c);
    flow(c);
}

void rcv_conn_stop(rcv_conn *c)
{
    if (c->ending || c->stopped) return;
    c->stopped = 1;
    stop_reading(c);
    kick(c);   /* now, or after the frame being decoded */
}

int rcv_conn_accept(uv_stream_t *server, const rcv_conn_cfg *cfg, rcv_conn_pool *pool,
                    rcv_conn_end_cb cb, void *arg, rcv_conn **out)
{
    *out = NULL;
    rcv_conn *c = calloc(1, sizeof *c);
    if (!c) return SL_ENOMEM;
    /* The inits only fill in the handles; they cannot fail on a live loop. */
    int irc = uv_tcp_init(server->loop, &c->tcp);
    assert(irc == 0);
    irc = uv_timer_init(server->loop, &c->idle);
    assert(irc == 0);
    irc = uv_timer_init(server->loop, &c->handshake);
    assert(irc == 0);
    (void)irc;
    c->tcp.data = c->idle.data = c->handshake.data = c;
    c->handles = 3;
    c->cfg = *cfg;
    c->pool = pool;
    c->next = pool->head;
    if (pool->head) pool->head->prev = c;
    pool->head = c;
    pool->conns++;
    c->on_end = cb;
    c->arg = arg;
    c->t0 = c->last_progress = now_s();
    rcv_core_init(&c->core, &cfg->core);
    c->core.priors = cfg->priors;
    c->max_frame = rcv_core_max_frame(&c->core);
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
    if (!rc && cfg->tls && tls_conn_new(&c->tls, cfg->tls, NULL)) rc = UV_ENOMEM;
    if (!rc && cfg->handshake_ms)
        rc = uv_timer_start(&c->handshake, on_handshake, cfg->handshake_ms, 0);
    if (rc) {
        c->on_end = NULL;
        c->ending = 1;
        maybe_close(c);
        return SL_EIO;
    }
    flow(c);
    *out = c;
    return 0;
}
