/* receiver/rcv_conn.h — one accepted connection: reads frames (inside TLS
 * when the receiver has a certificate), runs the session (rcv_core) on
 * libuv's worker pool one frame at a time, in order, and writes back what
 * the session replies.
 *
 *   rcv_conn_pool pool = {0};          // shared by every connection of a daemon
 *   rcv_conn_accept(server_stream, &cfg, &pool, on_end, arg, &conn);
 * on_end(conn, arg) is called once after the connection is closed, with
 * conn->core.st, conn->core.err, conn->peer and conn->result (1 ok, < 0
 * error) still readable; the connection frees itself after on_end returns.
 *
 * Bounded, whatever the peer does:
 * - memory: a frame's length is checked against what the session may send
 *   next (rcv_core_max_frame: a few hundred bytes before HELLO, the
 *   manifest limit before MANIFEST, the chunk size after) before any of
 *   its payload is taken; at most one frame waits while one is processed,
 *   and then reading stops, so a fast sender waits in TCP, not in memory;
 *   a sender that does not read the receiver's replies is not read either;
 * - time: a handshake timeout runs from accept until MANIFEST arrives, so
 *   a peer that trickles is cut; the idle timeout runs only while the
 *   receiver waits on the peer (never while it decodes, or holds back
 *   reading itself), and only real progress (a frame, or IDLE_BYTES)
 *   restarts it;
 * - sessions: past HELLO a connection is a session; at cfg.max_sessions
 *   the one silent longest (at least the handshake timeout) is cut to make
 *   room, or the newcomer is refused with SL_EBUSY;
 * - one worker per session at a time, so hostile sessions cannot take
 *   every worker from the others (sundard sizes the pool to the limit).
 * TLS: a TLS receiver refuses a plaintext sender (and a plaintext receiver
 * a TLS one) with a plaintext ERROR frame the other side can print. */
#ifndef SL_RCV_CONN_H
#define SL_RCV_CONN_H

#include "rcv_core.h"
#include "../net/tls.h"
#include <uv.h>

typedef struct rcv_conn rcv_conn;
typedef void (*rcv_conn_end_cb)(rcv_conn *c, void *arg);

typedef struct rcv_conn_cfg {
    rcv_cfg     core;
    const char *outdir;       /* --out as given, for messages */
    const char *priors;       /* --priors DIR, or NULL */
    uint64_t    idle_ms;      /* end a session silent this long; 0 = never */
    uint64_t    handshake_ms; /* accept to MANIFEST; 0 = never */
    int         max_sessions; /* 0 = no limit */
    tls_ctx    *tls;          /* NULL: plaintext */
} rcv_conn_cfg;

typedef struct rcv_conn_pool {
    rcv_conn *head;           /* every open connection */
    int       conns, sessions;
} rcv_conn_pool;

struct rcv_conn {
    uv_tcp_t        tcp;
    uv_timer_t      idle, handshake;
    rcv_conn_cfg    cfg;
    rcv_conn_pool  *pool;
    rcv_conn       *prev, *next;  /* in pool */
    int             handles;      /* open handles; freed when none is left */
    int             timed_out;    /* 1 idle, 2 handshake */
    int             admitted;     /* counted in pool->sessions */
    int             stopped;      /* rcv_conn_stop was called */
    uv_work_t       work;
    rcv_core        core;
    frame_parser    parser;
    tls_conn       *tls;
    int             sniffed;      /* the first byte was looked at */
    int             sent_preamble; /* the receiver's direction has begun */
    bytebuf         held;         /* plaintext read but not yet parsed */
    struct qframe  *queued, *cur;
    int             working, reading, eof, result, ending;
    int             pending_writes;
    uv_shutdown_t   shut;          /* the lingering close's FIN */
    int             lingering;     /* 1: replies sent, FIN sent, input discarded
                                      until the peer closes or LINGER_MS pass */
    int             parse_err;
    char            parse_why[160];
    int             hold;          /* parse nothing until the queued frame is done */
    uint32_t        max_frame;     /* longest payload the session may send next */
    int             job_rc;
    bytebuf         reply;
    uint64_t        since_progress;   /* bytes since the idle timer restarted */
    double          last_progress;
    double          t0;            /* now_s() at accept */
    char            peer[64];      /* the sender's address, read at accept */
    /* Progress as of the last finished frame, for the loop thread to show
     * (the core itself belongs to the worker while a frame is processed). */
    uint64_t        prog_raw, prog_total, prog_coded;
    uint64_t        prog_chunk;    /* the manifest's chunk size */
    double          prog_arriving; /* share of the next CHUNK frame read so far */
    uint64_t        prog_shown;    /* what the progress line last showed */
    uint64_t        bytes_in;      /* read from the socket so far */
    rcv_conn_end_cb on_end;
    void           *arg;
};

int rcv_conn_accept(uv_stream_t *server, const rcv_conn_cfg *cfg, rcv_conn_pool *pool,
                    rcv_conn_end_cb cb, void *arg, rcv_conn **out);
void rcv_conn_stop(rcv_conn *c);

#endif
