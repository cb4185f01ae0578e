/* receiver/rcv_core.h — one receiving session, independent of transport:
 * frames in, files out, replies to send back.
 *
 *   rcv_core c; rcv_core_init(&c, &limits, outdir);
 *   c.priors = dir;     (optional: where priors are found by SHA-256)
 *   c.obs = (rcv_observer){on_manifest, on_chunk, arg};   (optional, see below)
 *   for each parsed frame f:
 *       rc = rcv_core_frame(&c, &f, &reply);
 *       send reply (HELLO, ACK, or ERROR frames) if a peer is listening;
 *       rc == 1: session complete, every file verified and renamed into
 *                place (all at the end: a session delivers all or nothing);
 *       rc < 0:  failed; c.err says why; temp files are already removed.
 *   rcv_core_fini(&c);   (also removes temp files of an unfinished session)
 * Everything CPU-heavy (decoding, hashing, writing) happens inside
 * rcv_core_frame, so a caller may run it on a worker thread. */
#ifndef SL_RCV_CORE_H
#define SL_RCV_CORE_H

#include "rcv_file.h"
#include "../common/bytebuf.h"
#include "../common/codec.h"
#include "../proto/frame.h"
#include "../proto/msg.h"
#include "../proto/order.h"
#include "../util/report.h"

typedef struct rcv_limits {
    uint64_t max_output;     /* total bytes of one session; 0 = none */
    uint64_t max_model_mem;  /* bytes the recipe's model may take; 0 = none */
    uint32_t umask;          /* taken from the carried modes (rcv_meta_umask) */
} rcv_limits;

/* Someone watching the session (the dashboard), told from the thread that
 * runs the core: once the manifest is accepted and the model built, then
 * after each chunk is decoded and checked, with each byte's cost in
 * 1/65536 bit (codec_byte_costs). Either callback may be NULL. */
struct rcv_core;
typedef struct rcv_observer {
    void (*on_manifest)(void *arg, const struct rcv_core *c);
    void (*on_chunk)(void *arg, const struct rcv_core *c, const uint8_t *raw,
                     const uint32_t *costs, size_t n);
    void  *arg;
} rcv_observer;

typedef struct rcv_core {
    rcv_limits   lim;
    const char  *outdir;
    const char  *priors;         /* directory of priors, NULL: none */
    rcv_observer obs;
    uint32_t    *costs;          /* each byte's cost in the chunk, when observed */
    proto_order  order;
    uint8_t     *man_copy;       /* the MANIFEST payload, which man points into */
    msg_manifest man;
    int          have_manifest;
    codec       *dec;
    bytebuf      raw;
    uint64_t     pos;            /* stream bytes decoded and verified */
    uint32_t     file_idx;
    uint64_t     file_off;
    rcv_file    *files;          /* one per manifest entry; [0, file_idx) verified */
    int          cur_open;       /* files[file_idx] is being written */
    uint32_t     files_done;
    sl_stats     st;
    int          err_code;
    char         err[512];
} rcv_core;

void rcv_core_init(rcv_core *c, const rcv_limits *lim, const char *outdir);
/* For a recorded stream: parses raw bytes with p and runs each frame;
 * returns 0 while more is wanted, 1 when the session completed, or the
 * error (c->err says why). Call with n == 0 at the end of the input: a
 * session that has not completed is then SL_EPROTO_TRUNCATED (inside a
 * frame) or SL_ETRUNCATED. */
int  rcv_core_feed(rcv_core *c, frame_parser *p, const uint8_t *data, size_t n,
                   bytebuf *reply);
int  rcv_core_frame(rcv_core *c, const frame *f, bytebuf *reply);
/* Ends the session from outside (the connection closed, went silent, or
 * sent a bad frame): records the error, appends an ERROR frame to reply
 * when reply is not NULL, removes the temporary files; returns code. */
int  rcv_core_abort(rcv_core *c, int code, bytebuf *reply, const char *fmt, ...);
void rcv_core_fini(rcv_core *c);

#endif
