/* receiver/rcv_conn.h — one accepted connection: reads frames, runs the
 * session (rcv_core) on libuv's worker pool one frame at a time, in
 * order, and writes back what the session replies.
 *
 *   rcv_conn_accept(server_stream, &cfg, on_end, arg, &conn);
 * on_end(conn, arg) is called once after the connection is closed, with
 * conn->core.st, conn->core.err, conn->peer and conn->result (1 ok, < 0
 * error) still readable; the connection frees itself after on_end returns.
 * Frames queue while one is being processed; past QUEUE_MAX bytes the
 * connection stops reading, so a fast sender waits in TCP, not in memory.
 *   rcv_conn_stop(conn);   the receiver is shutting down: the session ends
 *                          as soon as the frame being decoded is done, the
 *                          sender hears why, and no file is left behind. */
#ifndef SL_RCV_CONN_H
#define SL_RCV_CONN_H

#include "rcv_core.h"
#include <uv.h>

typedef struct rcv_conn rcv_conn;
typedef void (*rcv_conn_end_cb)(rcv_conn *c, void *arg);

typedef struct rcv_conn_cfg {
    rcv_limits  lim;
    const char *outdir;
    const char *priors;       /* --priors DIR, or NULL */
    uint64_t    idle_ms;      /* end a session silent this long; 0 = never */
} rcv_conn_cfg;

struct rcv_conn {
    uv_tcp_t        tcp;
    uv_timer_t      idle;
    uint64_t        idle_ms;
    int             handles;       /* open handles; freed when none is left */
    int             timed_out;
    int             stopped;       /* rcv_conn_stop was called */
    uv_work_t       work;
    rcv_core        core;
    frame_parser    parser;
    struct qframe  *head, *tail, *cur;
    size_t          queued;
    int             working, reading, eof, result, ending;
    int             pending_writes;
    int             parse_err;
    int             job_rc;
    bytebuf         reply;
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

int rcv_conn_accept(uv_stream_t *server, const rcv_conn_cfg *cfg, rcv_conn_end_cb cb,
                    void *arg, rcv_conn **out);
void rcv_conn_stop(rcv_conn *c);

#endif
