/* sender/snd_link.c — see snd_link.h. */
#include "snd_link.h"
#include "../common/err.h"
#include "../util/clock.h"

#include <assert.h>
#include <linux/sockios.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TICK_MS      10
#define MAX_WRITE    (64 * 1024)
#define MAX_INFLIGHT (256u << 10)  /* per receiver: bounds the sender's memory */
#define OUTQ_LOW     (64 * 1024)
#define BACKOFF_MAX  30.0

typedef struct delayed {
    struct delayed *next;
    double          due;
    size_t          len;
    uint8_t         data[];
} delayed;

typedef struct wreq {
    uv_write_t req;
    snd_link  *l;
    int        attempt;   /* a write from an earlier attempt only frees itself */
    size_t     len;
    uint8_t    data[];
} wreq;

static void start_attempt(snd_link *l);

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

/* Bytes the socket took but the receiver's TCP never acknowledged did not
 * cross: take them back off l->written before the connection goes. */
static void uncount_unsent(snd_link *l)
{
    uv_os_fd_t fd;
    int queued = 0;
    if (l->connected && uv_fileno((uv_handle_t *)&l->tcp, &fd) == 0 &&
        ioctl(fd, SIOCOUTQ, &queued) == 0 && queued > 0 && (uint64_t)queued <= l->written)
        l->written -= (uint64_t)queued;
}

static void finish(snd_link *l, int ok)
{
    if (l->ended) return;
    if (!ok) uncount_unsent(l);
    l->ended = 1;
    l->ok = ok;
    uv_close((uv_handle_t *)&l->timer, on_close);
    if (!uv_is_closing((uv_handle_t *)&l->tcp)) uv_close((uv_handle_t *)&l->tcp, on_close);
}

/* What may pass by itself: worth another attempt. */
static int transient(int code)
{
    return code == SL_ECLOSED || code == SL_ETIMEOUT || code == SL_EBUSY || code == SL_EIO;
}

static void on_backoff(uv_timer_t *t)
{
    snd_link *l = t->data;
    l->retrying = 0;
    start_attempt(l);
}

static void on_tcp_closed(uv_handle_t *h)
{
    snd_link *l = h->data;
    l->open_handles--;
    if (l->ended) {
        if (!l->open_handles && l->on_end) l->on_end(l, l->arg);
        return;
    }
    double d = 1;
    for (int i = 1; i < l->attempts && d < BACKOFF_MAX; i++) d *= 2;
    if (d > BACKOFF_MAX) d = BACKOFF_MAX;
    fprintf(stderr, "satyad: %s; trying again in %.0f s (%d of %d)\n", l->err, d,
            l->attempts, l->cfg.retries);
    uv_timer_start(&l->timer, on_backoff, (uint64_t)(d * 1000), 0);
}

/* Records why the attempt failed; tries again if it may pass and tries
 * are left, else ends the link. */
static void fail(snd_link *l, int code, const char *fmt, ...)
{
    if (l->ended || l->retrying) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->err, sizeof l->err, fmt, ap);
    va_end(ap);
    l->err_code = code;
    if (!transient(code) || l->attempts > l->cfg.retries) {
        finish(l, 0);
        return;
    }
    l->retrying = 1;
    uncount_unsent(l);
    uv_timer_stop(&l->timer);
    uv_close((uv_handle_t *)&l->tcp, on_tcp_closed);
}

static void on_write(uv_write_t *req, int status)
{
    wreq *w = (wreq *)req;
    snd_link *l = w->l;
    int current = w->attempt == l->attempts;
    size_t len = w->len;
    free(w);
    if (!current) return;
    l->inflight -= len;
    if (status == 0) {
        l->written += len;
        l->t_mark = now_s();
        snd_link_pump(l);
    } else {
        fail(l, SL_EIO, "write to %s failed: %s", l->cfg.target, uv_strerror(status));
    }
}

static void write_now(snd_link *l, const uint8_t *p, size_t n)
{
    wreq *w = malloc(sizeof *w + n);
    if (!w) { fail(l, SL_ENOMEM, "out of memory"); return; }
    w->l = l;
    w->attempt = l->attempts;
    w->len = n;
    memcpy(w->data, p, n);
    uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)n);
    int rc = uv_write(&w->req, (uv_stream_t *)&l->tcp, &b, 1, on_write);
    if (rc) {
        free(w);
        l->inflight -= n;
        fail(l, SL_EIO, "write to %s failed: %s", l->cfg.target, uv_strerror(rc));
    }
}

static void drop_delayed(snd_link *l)
{
    while (l->delay_head) {
        delayed *d = l->delay_head;
        l->delay_head = d->next;
        free(d);
    }
    l->delay_tail = NULL;
}

static void release_due(snd_link *l)
{
    double t = now_s();
    while (l->delay_head && l->delay_head->due <= t && !l->ended && !l->retrying) {
        delayed *d = l->delay_head;
        l->delay_head = d->next;
        if (!l->delay_head) l->delay_tail = NULL;
        write_now(l, d->data, d->len);
        free(d);
    }
}

/* Bytes for the wire, through TLS when there is TLS, into outq. */
static int emit(snd_link *l, const uint8_t *p, size_t n)
{
    if (!l->tls) return bytebuf_append(&l->outq, p, n);
    int rc = tls_conn_write(l->tls, p, n);
    return rc ? rc : tls_conn_output(l->tls, &l->outq);
}

/* Spool bytes [l->src, end) into outq, while outq has room. */
static int copy_spool(snd_link *l, uint64_t end)
{
    uint8_t buf[MAX_WRITE];
    while (l->outq.len < OUTQ_LOW && l->src < end) {
        uint64_t n = end - l->src;
        if (n > MAX_WRITE) n = MAX_WRITE;
        ssize_t r = pread(l->cfg.spool_fd, buf, n, (off_t)(l->cfg.spool_base + l->src));
        if (r != (ssize_t)n) return SL_EIO;
        l->src += n;
        int rc = emit(l, buf, n);
        if (rc) return rc;
    }
    return 0;
}

/* AUTH for this connection: the key, and its signature over the
 * receiver's challenge, the MANIFEST and its recipe. */
static int make_auth(snd_link *l, const snd_status *st)
{
    msg_auth a = {MSG_AUTH_ED25519, {0}, {0}, {0}, {0}};
    memcpy(a.key, l->cfg.key->pk, 32);
    memcpy(a.manifest_hash, st->manifest_hash, 32);
    memcpy(a.recipe_hash, st->recipe_hash, 32);
    uint8_t msg[KEYS_MSG];
    keys_auth_message(l->challenge, a.manifest_hash, a.recipe_hash, msg);
    keys_sign(l->cfg.key, msg, a.sig);
    l->auth.len = 0;
    return msg_auth_write(&l->auth, &a);
}

/* The session in order: HELLO; with a key, AUTH once the receiver's
 * challenge came; MANIFEST once the encoder wrote it; then, after the ACK
 * that says where the receiver stands, the chunks from there and DONE. */
static int fill(snd_link *l, const snd_status *st)
{
    int rc = 0;
    if (l->tls && !tls_conn_ready(l->tls)) return tls_conn_output(l->tls, &l->outq);
    switch (l->phase) {
    case SND_PH_HELLO:
        rc = emit(l, l->cfg.hello->p, l->cfg.hello->len);
        l->phase = l->cfg.key ? SND_PH_WAIT_HELLO : SND_PH_MANIFEST;
        return rc ? rc : fill(l, st);
    case SND_PH_WAIT_HELLO:
        if (!l->got_hello || !st->have_manifest) return 0;
        if ((rc = make_auth(l, st))) return rc;
        l->phase = SND_PH_AUTH;
        return fill(l, st);
    case SND_PH_AUTH:
        rc = emit(l, l->auth.p, l->auth.len);
        l->phase = SND_PH_MANIFEST;
        return rc ? rc : fill(l, st);
    case SND_PH_MANIFEST:
        if (!st->have_manifest) return 0;
        if (!l->src) l->src = st->manifest_off;
        if ((rc = copy_spool(l, st->manifest_off + st->manifest_len))) return rc;
        if (l->src == st->manifest_off + st->manifest_len) l->phase = SND_PH_WAIT_ACK;
        return 0;
    case SND_PH_STREAM:
        return copy_spool(l, st->spool_len);
    default:
        return 0;   /* waiting for the receiver */
    }
}

/* The receiver's first ACK says how many chunks it holds already. */
static void on_first_ack(snd_link *l)
{
    uint64_t off;
    if (!snd_encoder_chunk_at(l->cfg.enc, l->ack.chunks, &off)) return;  /* not coded yet */
    l->src = off;
    l->resumed_at = l->ack.chunks;
    l->phase = SND_PH_STREAM;
}

void snd_link_pump(snd_link *l)
{
    if (l->ended || l->retrying || !l->connected) return;
    release_due(l);
    snd_status st;
    snd_encoder_status(l->cfg.enc, &st);
    if (st.err) {
        l->err_code = st.err;
        snprintf(l->err, sizeof l->err, "encoder failed: %s", st.errmsg);
        finish(l, 0);
        return;
    }
    if (l->phase == SND_PH_WAIT_START) on_first_ack(l);
    if (fill(l, &st)) {
        fail(l, SL_EIO, "cannot read the spool");
        return;
    }
    if (l->cfg.rate_bps) {
        double t = now_s();
        l->tokens += (t - l->last_refill) * (double)l->cfg.rate_bps / 8.0;
        l->last_refill = t;
        if (l->tokens > burst(l)) l->tokens = burst(l);
    }
    while (!l->ended && !l->retrying && l->outq.len && l->inflight < MAX_INFLIGHT) {
        uint64_t n = l->outq.len < MAX_WRITE ? l->outq.len : MAX_WRITE;
        if (l->cfg.rate_bps) {
            if (l->tokens < 1) break;
            if ((double)n > l->tokens) n = (uint64_t)l->tokens;
            l->tokens -= (double)n;
        }
        l->inflight += n;
        if (l->cfg.latency_ms) {
            delayed *d = malloc(sizeof *d + n);
            if (!d) { fail(l, SL_ENOMEM, "out of memory"); return; }
            d->next = NULL;
            d->due = now_s() + (double)l->cfg.latency_ms / 1000.0;
            d->len = n;
            memcpy(d->data, l->outq.p, n);
            if (l->delay_tail) l->delay_tail->next = d;
            else l->delay_head = d;
            l->delay_tail = d;
        } else {
            write_now(l, l->outq.p, n);
        }
        memmove(l->outq.p, l->outq.p + n, l->outq.len - n);
        l->outq.len -= n;
    }
}

void snd_link_abort(snd_link *l, const char *why)
{
    if (l->ended) return;
    snprintf(l->err, sizeof l->err, "%s: %s", l->cfg.target, why);
    l->err_code = SL_ECLOSED;
    finish(l, 0);
}

/* Timeouts, then the throttle's tick. */
static void on_tick(uv_timer_t *t)
{
    snd_link *l = t->data;
    double quiet = (now_s() - l->t_mark) * 1000;
    if (!l->connected && l->cfg.connect_ms && quiet > (double)l->cfg.connect_ms)
        fail(l, SL_ETIMEOUT, "cannot connect to %s: no answer in %.0f s", l->cfg.target,
             quiet / 1000);
    else if (l->connected && !l->got_hello && l->cfg.handshake_ms &&
             quiet > (double)l->cfg.handshake_ms)
        fail(l, SL_ETIMEOUT, "%s accepted the connection but did not answer HELLO in %.0f s",
             l->cfg.target, quiet / 1000);
    else if (l->got_hello && l->cfg.idle_ms && quiet > (double)l->cfg.idle_ms)
        fail(l, SL_ETIMEOUT, "%s went silent for %.0f s", l->cfg.target, quiet / 1000);
    else
        snd_link_pump(l);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    buf->base = malloc(suggested);
    buf->len = buf->base ? suggested : 0;
}

static void on_error_frame(snd_link *l, const frame *f)
{
    msg_error e;
    if (msg_error_read(f, &e)) {
        fail(l, SL_EPROTO_PAYLOAD, "%s sent a malformed ERROR", l->cfg.target);
    } else if (l->plain_peer) {
        fail(l, SL_ETLS_PLAIN, "%s does not use TLS; it said: %s", l->cfg.target, e.text);
    } else {
        /* The receiver's code decides whether trying again may help. */
        int code = e.code == SL_EBUSY || e.code == SL_ETIMEOUT || e.code == SL_ECLOSED
                   ? e.code : SL_EPEER;
        fail(l, code, "%s refused: %s (%s)", l->cfg.target, e.text, sl_errname(e.code));
    }
}

static void on_frame(snd_link *l, const frame *f)
{
    int rc = proto_order_check(&l->order, f->type, 0);
    if (rc) {
        fail(l, rc, "%s: %s frame out of order", l->cfg.target, frame_type_name(f->type));
    } else if (f->type == FRAME_HELLO) {
        msg_hello h;
        if ((rc = msg_hello_read(f, &h)) || !h.has_challenge) {
            fail(l, SL_EPROTO_PAYLOAD, "%s answered with a bad HELLO", l->cfg.target);
            return;
        }
        memcpy(l->challenge, h.challenge, MSG_CHALLENGE);
        l->got_hello = 1;
        snd_link_pump(l);
    } else if (f->type == FRAME_ACK) {
        if ((rc = msg_ack_read(f, &l->ack))) {
            fail(l, rc, "%s sent a malformed ACK", l->cfg.target);
        } else if (l->phase == SND_PH_WAIT_ACK && !l->ack.final) {
            l->phase = SND_PH_WAIT_START;
            snd_link_pump(l);
        } else if (l->ack.final) {
            snd_status st;
            snd_encoder_status(l->cfg.enc, &st);
            if (!st.finished || st.err || l->phase != SND_PH_STREAM || l->src != st.spool_len)
                fail(l, SL_EPROTO_ORDER, "%s confirmed the session before it was sent",
                     l->cfg.target);
            else
                finish(l, 1);
        }
    } else if (f->type == FRAME_ERROR) {
        on_error_frame(l, f);
    }
}

static void parse_frames(snd_link *l, const uint8_t *p, size_t n)
{
    while (n && !l->ended && !l->retrying) {
        frame f;
        size_t used;
        int rc = frame_parse(&l->parser, p, n, &used, &f);
        p += used;
        n -= used;
        if (rc < 0 && l->plain_peer)
            fail(l, SL_ETLS_PLAIN, "%s answered in plaintext: it does not use TLS",
                 l->cfg.target);
        else if (rc < 0)
            fail(l, rc, "%s: %s", l->cfg.target, sl_strerror(rc));
        else if (rc == 1)
            on_frame(l, &f);
    }
}

/* The receiver's bytes: the first tells TLS from plaintext. */
static void take_bytes(snd_link *l, const uint8_t *p, size_t n)
{
    if (!l->sniffed) {
        l->sniffed = 1;
        int is_tls = tls_looks_like_tls(p[0]);
        if (l->tls && !is_tls) l->plain_peer = 1;
        if (!l->tls && is_tls) {
            fail(l, SL_ETLS_PLAIN, "%s speaks TLS: run satyad with --tls (or --tls-ca, "
                 "--tls-pin)", l->cfg.target);
            return;
        }
    }
    if (!l->tls || l->plain_peer) {
        parse_frames(l, p, n);
        return;
    }
    int rc = tls_conn_feed(l->tls, p, n);
    uint8_t buf[16384];
    size_t got;
    while (rc == 0 && !l->ended && !l->retrying &&
           (rc = tls_conn_read(l->tls, buf, sizeof buf, &got)) == 0 && got)
        parse_frames(l, buf, got);
    if (rc < 0)
        fail(l, SL_ETLS, "TLS with %s failed: %s", l->cfg.target, tls_conn_why(l->tls));
    else
        snd_link_pump(l);   /* the handshake may have answers to send */
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    snd_link *l = s->data;
    if (nread < 0 && !l->ended && !l->retrying)
        fail(l, SL_ECLOSED, "%s closed the connection before confirming the session (%s)",
             l->cfg.target, nread == UV_EOF ? "end of stream" : uv_strerror((int)nread));
    if (nread > 0 && !l->ended && !l->retrying) {
        l->t_mark = now_s();
        take_bytes(l, (const uint8_t *)buf->base, (size_t)nread);
    }
    free(buf->base);
}

static void on_connect(uv_connect_t *req, int status)
{
    snd_link *l = req->data;
    if (l->ended || l->retrying || status == UV_ECANCELED) return;
    if (status < 0) {
        fail(l, SL_EIO, "cannot connect to %s: %s", l->cfg.target, uv_strerror(status));
        return;
    }
    l->connected = 1;
    l->t_mark = l->last_refill = now_s();
    l->tokens = 0;
    int rc = uv_read_start((uv_stream_t *)&l->tcp, on_alloc, on_read);
    if (rc) {
        fail(l, SL_EIO, "%s: cannot start the connection: %s", l->cfg.target, uv_strerror(rc));
        return;
    }
    if (l->tls) tls_conn_write(l->tls, (const uint8_t *)"", 0);   /* starts the ClientHello */
    snd_link_pump(l);
}

/* A fresh connection: everything of the previous attempt is dropped. */
static void start_attempt(snd_link *l)
{
    l->attempts++;
    l->connected = l->got_hello = l->sniffed = l->plain_peer = 0;
    l->src = l->inflight = 0;
    l->phase = SND_PH_HELLO;
    l->outq.len = 0;
    memset(&l->ack, 0, sizeof l->ack);
    drop_delayed(l);
    frame_parser_fini(&l->parser);
    frame_parser_init(&l->parser);
    proto_order_init(&l->order, PROTO_FROM_RECEIVER);
    tls_conn_free(l->tls);
    l->tls = NULL;
    int irc = uv_tcp_init(l->loop, &l->tcp);   /* only fills in the handle */
    assert(irc == 0);
    (void)irc;
    l->open_handles++;
    l->tcp.data = l;
    l->t_mark = now_s();
    int rc = uv_timer_start(&l->timer, on_tick, TICK_MS, TICK_MS);
    if (!rc && l->cfg.tls && tls_conn_new(&l->tls, l->cfg.tls, l->cfg.host))
        rc = UV_ENOMEM;
    if (!rc)
        rc = uv_tcp_connect(&l->conn_req, &l->tcp, (const struct sockaddr *)&l->cfg.addr,
                            on_connect);
    if (rc) fail(l, SL_EIO, "cannot connect to %s: %s", l->cfg.target, uv_strerror(rc));
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
    int irc = uv_timer_init(loop, &l->timer);   /* only fills in the handle */
    assert(irc == 0);
    (void)irc;
    l->timer.data = l->conn_req.data = l;
    l->open_handles = 1;
    start_attempt(l);
    return l;
}

void snd_link_free(snd_link *l)
{
    if (!l) return;
    drop_delayed(l);
    frame_parser_fini(&l->parser);
    tls_conn_free(l->tls);
    bytebuf_fini(&l->outq);
    bytebuf_fini(&l->auth);
    free(l);
}
