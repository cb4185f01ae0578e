/* sender/snd_link.c — see snd_link.h. */
#include "snd_link.h"
#include "../common/err.h"
#include "../util/clock.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TICK_MS    10
#define MAX_WRITE  (64 * 1024)
#define MAX_INFLIGHT (256u << 10)  /* per receiver: bounds the sender's memory */

typedef struct delayed {
    struct delayed *next;
    double          due;
    size_t          len;
    uint8_t         data[];
} delayed;

typedef struct wreq {
    uv_write_t req;
    snd_link  *l;
    size_t     len;
    uint8_t    data[];
} wreq;

static double burst(const snd_link *l)
{
    double b = (double)l->cfg.rate_bps / 8.0 * 0.02; /* 20 ms of line */
    return b < 256 ? 256 : b;
}

static void on_close(uv_handle_t *h)
{
    snd_link *l = h->data;
    if (--l->open_handles == 0 && l->on_end) l->on_end(l, l->arg);
}

static void finish(snd_link *l, int ok, const char *fmt, ...)
{
    if (l->ended) return;
    l->ended = 1;
    l->ok = ok;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(l->err, sizeof l->err, fmt, ap);
        va_end(ap);
    }
    uv_close((uv_handle_t *)&l->timer, on_close);
    uv_close((uv_handle_t *)&l->tcp, on_close);
}

static void on_write(uv_write_t *req, int status)
{
    wreq *w = (wreq *)req;
    snd_link *l = w->l;
    l->inflight -= w->len;
    if (status == 0) l->written += w->len;
    free(w);
    if (status < 0 && !l->ended)
        finish(l, 0, "write to %s failed: %s", l->cfg.target, uv_strerror(status));
    else
        snd_link_pump(l);
}

static void write_now(snd_link *l, const uint8_t *p, size_t n)
{
    wreq *w = malloc(sizeof *w + n);
    if (!w) { finish(l, 0, "out of memory"); return; }
    w->l = l;
    w->len = n;
    memcpy(w->data, p, n);
    uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)n);
    int rc = uv_write(&w->req, (uv_stream_t *)&l->tcp, &b, 1, on_write);
    if (rc) {
        free(w);
        l->inflight -= n;
        finish(l, 0, "write to %s failed: %s", l->cfg.target, uv_strerror(rc));
    }
}

static void release_due(snd_link *l)
{
    double t = now_s();
    while (l->delay_head && l->delay_head->due <= t && !l->ended) {
        delayed *d = l->delay_head;
        l->delay_head = d->next;
        if (!l->delay_head) l->delay_tail = NULL;
        write_now(l, d->data, d->len);
        free(d);
    }
}

void snd_link_pump(snd_link *l)
{
    if (l->ended || !l->connected) return;
    release_due(l);
    snd_status st;
    snd_encoder_status(l->cfg.enc, &st);
    if (st.err) {
        finish(l, 0, "encoder failed: %s", st.errmsg);
        return;
    }
    uint64_t total = l->cfg.hello->len + st.spool_len;
    if (l->cfg.rate_bps) {
        double t = now_s();
        l->tokens += (t - l->last_refill) * (double)l->cfg.rate_bps / 8.0;
        l->last_refill = t;
        if (l->tokens > burst(l)) l->tokens = burst(l);
    }
    while (!l->ended && l->sent < total && l->inflight < MAX_INFLIGHT) {
        uint64_t n = total - l->sent;
        if (n > MAX_WRITE) n = MAX_WRITE;
        if (l->cfg.rate_bps) {
            if (l->tokens < 1) break;
            if ((double)n > l->tokens) n = (uint64_t)l->tokens;
            l->tokens -= (double)n;
        }
        uint8_t buf[MAX_WRITE];
        size_t got = 0;
        while (got < n && l->sent + got < l->cfg.hello->len) {
            buf[got] = l->cfg.hello->p[l->sent + got];
            got++;
        }
        if (got < n) {
            uint64_t off = l->cfg.spool_base + l->sent + got - l->cfg.hello->len;
            ssize_t r = pread(l->cfg.spool_fd, buf + got, n - got, (off_t)off);
            if (r != (ssize_t)(n - got)) { finish(l, 0, "cannot read the spool"); return; }
        }
        l->sent += n;
        l->inflight += n;
        if (l->cfg.latency_ms) {
            delayed *d = malloc(sizeof *d + n);
            if (!d) { finish(l, 0, "out of memory"); return; }
            d->next = NULL;
            d->due = now_s() + (double)l->cfg.latency_ms / 1000.0;
            d->len = n;
            memcpy(d->data, buf, n);
            if (l->delay_tail) l->delay_tail->next = d;
            else l->delay_head = d;
            l->delay_tail = d;
        } else {
            write_now(l, buf, n);
        }
    }
}

void snd_link_abort(snd_link *l, const char *why)
{
    finish(l, 0, "%s: %s", l->cfg.target, why);
}

static void on_tick(uv_timer_t *t)
{
    snd_link_pump(t->data);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    buf->base = malloc(suggested);
    buf->len = buf->base ? suggested : 0;
}

static void on_frame(snd_link *l, const frame *f)
{
    int rc = proto_order_check(&l->order, f->type, 0);
    if (rc) { finish(l, 0, "%s: %s frame out of order", l->cfg.target, frame_type_name(f->type)); return; }
    if (f->type == FRAME_HELLO) {
        msg_hello h;
        if ((rc = msg_hello_read(f, &h)))
            finish(l, 0, "%s answered with a bad HELLO", l->cfg.target);
    } else if (f->type == FRAME_ACK) {
        if ((rc = msg_ack_read(f, &l->ack))) {
            finish(l, 0, "%s sent a malformed ACK", l->cfg.target);
        } else if (l->ack.final) {
            snd_status st;
            snd_encoder_status(l->cfg.enc, &st);
            if (!st.finished || st.err || l->sent != l->cfg.hello->len + st.spool_len)
                finish(l, 0, "%s confirmed the session before it was sent", l->cfg.target);
            else
                finish(l, 1, NULL);
        }
    } else if (f->type == FRAME_ERROR) {
        msg_error e;
        if (msg_error_read(f, &e)) finish(l, 0, "%s sent a malformed ERROR", l->cfg.target);
        else finish(l, 0, "%s refused: %s (%s)", l->cfg.target, e.text, sl_errname(e.code));
    }
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    snd_link *l = s->data;
    if (nread < 0) {
        if (!l->ended)
            finish(l, 0, "%s closed the connection before confirming the session (%s)",
                   l->cfg.target, nread == UV_EOF ? "end of stream" : uv_strerror((int)nread));
    } else {
        const uint8_t *p = (const uint8_t *)buf->base;
        size_t n = (size_t)nread;
        while (n && !l->ended) {
            frame f;
            size_t used;
            int rc = frame_parse(&l->parser, p, n, &used, &f);
            p += used;
            n -= used;
            if (rc < 0) { finish(l, 0, "%s: %s", l->cfg.target, sl_strerror(rc)); break; }
            if (rc == 1) on_frame(l, &f);
        }
    }
    free(buf->base);
}

static void on_connect(uv_connect_t *req, int status)
{
    snd_link *l = req->data;
    if (l->ended) return;
    if (status < 0) {
        finish(l, 0, "cannot connect to %s: %s", l->cfg.target, uv_strerror(status));
        return;
    }
    l->connected = 1;
    l->last_refill = now_s();
    l->tokens = 0;
    int rc = uv_read_start((uv_stream_t *)&l->tcp, on_alloc, on_read);
    if (!rc) rc = uv_timer_start(&l->timer, on_tick, TICK_MS, TICK_MS);
    if (rc) {
        finish(l, 0, "%s: cannot start the connection: %s", l->cfg.target, uv_strerror(rc));
        return;
    }
    snd_link_pump(l);
}

snd_link *snd_link_new(uv_loop_t *loop, const snd_link_cfg *cfg, snd_link_end_cb cb,
                       void *arg)
{
    snd_link *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->cfg = *cfg;
    l->loop = loop;
    l->on_end = cb;
    l->arg = arg;
    frame_parser_init(&l->parser);
    proto_order_init(&l->order, PROTO_FROM_RECEIVER);
    /* Both inits only fill in the handle; they cannot fail on a live loop. */
    int irc = uv_tcp_init(loop, &l->tcp);
    assert(irc == 0);
    irc = uv_timer_init(loop, &l->timer);
    assert(irc == 0);
    (void)irc;
    l->tcp.data = l->timer.data = l->conn_req.data = l;
    l->open_handles = 2;
    int rc = uv_tcp_connect(&l->conn_req, &l->tcp, (const struct sockaddr *)&l->cfg.addr,
                            on_connect);
    if (rc) finish(l, 0, "cannot connect to %s: %s", cfg->target, uv_strerror(rc));
    return l;
}

void snd_link_free(snd_link *l)
{
    if (!l) return;
    while (l->delay_head) {
        delayed *d = l->delay_head;
        l->delay_head = d->next;
        free(d);
    }
    frame_parser_fini(&l->parser);
    free(l);
}
