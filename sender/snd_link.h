/* sender/snd_link.h — one receiver: a TCP connection (inside TLS when
 * cfg.tls is set) fed from the spool through a token-bucket throttle and
 * an optional fixed latency.
 *
 *   snd_link *l = snd_link_new(loop, &cfg, on_end, arg);   // connects
 *   snd_link_pump(l)          whenever the spool grew (cheap; idempotent)
 *   snd_link_abort(l, why)    ends it now, as a failure (Ctrl-C)
 *   on_end(l, arg) runs once, after every handle is closed; then read
 *   l->ok / l->err / l->written and free it with snd_link_free(l).
 * The throttle: a libuv timer adds rate/8 bytes per second to a bucket
 * that holds at most BURST; a write takes tokens first, so the bytes on
 * the wire (TLS records included) never run ahead of rate * elapsed +
 * BURST. At most MAX_INFLIGHT bytes are queued in libuv (plus the latency
 * line), so a slow receiver backs up into the spool file, not into memory.
 *
 * Timeouts: connect (cfg.connect_ms), then the receiver's HELLO
 * (cfg.handshake_ms, the TLS handshake included), then silence both ways
 * (cfg.idle_ms). A failure that may pass (no connection, a cut, a timeout,
 * a busy receiver) is retried cfg.retries times after 1, 2, 4 ... 30 s;
 * a refusal (a key, a file that exists, TLS trust) is not. l->written
 * counts every byte that crossed, over all attempts.
 *
 * The session: HELLO; with cfg.key, AUTH once the receiver's challenge
 * came; MANIFEST; then the receiver's first ACK says how many chunks it
 * already holds (a session cut earlier, by either side) and the chunks go
 * from there: from the spool, or, after satyad itself restarted, as soon
 * as the encoder has coded that far (nothing before it is sent). */
#ifndef SL_SND_LINK_H
#define SL_SND_LINK_H

#include "snd_encode.h"
#include "../common/bytebuf.h"
#include "../net/keys.h"
#include "../net/tls.h"
#include "../proto/frame.h"
#include "../proto/msg.h"
#include "../proto/order.h"
#include <uv.h>

typedef struct snd_link_cfg {
    const char  *target;        /* "host:port" as given */
    const char  *host;          /* its host part: the name TLS verifies */
    struct sockaddr_storage addr;
    uint64_t     rate_bps;      /* 0 = unthrottled */
    uint64_t     latency_ms;
    int          spool_fd;
    uint64_t     spool_base;    /* spool offset where MANIFEST starts */
    snd_encoder *enc;
    const bytebuf *hello;       /* the preamble and this session's HELLO frame */
    tls_ctx     *tls;           /* NULL: plaintext */
    uint64_t     connect_ms, handshake_ms, idle_ms;   /* 0 = never */
    int          retries;
    const keys_pair *key;       /* sign the session (AUTH), or NULL */
} snd_link_cfg;

/* Where a connection stands in the session (snd_link.c, fill). */
enum {
    SND_PH_HELLO, SND_PH_WAIT_HELLO, SND_PH_AUTH, SND_PH_MANIFEST, SND_PH_WAIT_ACK,
    SND_PH_WAIT_START, SND_PH_STREAM
};

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
    int             connected, ended, retrying;
    int             attempts;
    double          t_mark;      /* start of the current wait, for the timeouts */
    int             got_hello;
    int             phase;       /* SND_PH_* */
    uint64_t        src;         /* next spool byte to send, this attempt */
    uint32_t        resumed_at;  /* the chunk the receiver asked for first */
    bytebuf         auth;        /* this connection's AUTH frame */
    uint8_t         challenge[MSG_CHALLENGE];   /* from the receiver's HELLO */
    uint64_t        written;     /* bytes the socket accepted, every attempt */
    uint64_t        inflight;
    bytebuf         outq;        /* bytes for the socket (ciphertext with TLS) */
    tls_conn       *tls;
    int             sniffed, plain_peer;
    double          tokens, last_refill;
    struct delayed *delay_head, *delay_tail;
    frame_parser    parser;
    proto_order     order;
    msg_ack         ack;         /* latest */
    int             ok;
    int             err_code;
    char            err[400];
};

snd_link *snd_link_new(uv_loop_t *loop, const snd_link_cfg *cfg, snd_link_end_cb cb,
                       void *arg);
void snd_link_pump(snd_link *l);
void snd_link_abort(snd_link *l, const char *why);
void snd_link_free(snd_link *l);

#endif
