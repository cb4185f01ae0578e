/* receiver/rcv_core.h — one receiving session, independent of transport:
 * frames in, files out, replies to send back.
 *
 *   rcv_core c; rcv_core_init(&c, &cfg);     // cfg.outfd: rcv_stage_open_out(--out)
 *   c.priors = dir;     (optional: where priors are found by SHA-256)
 *   c.obs = (rcv_observer){on_manifest, on_chunk, arg};   (optional, see below)
 *   for each parsed frame f:
 *       rc = rcv_core_frame(&c, &f, &reply);
 *       send reply (HELLO, ACK, or ERROR frames) if a peer is listening;
 *       rc == 1: session complete, every file verified and published
 *                (all at the end: a session delivers all or nothing);
 *       rc < 0:  failed; c.err says why; its staging directory is removed.
 *   rcv_core_fini(&c);   (also removes the staging of an unfinished session)
 * Files are staged under --out/.sl-staging (rcv_stage.h) and appear under
 * their names only when every one has verified.
 * Who sends: the receiver's HELLO carries a random challenge; an AUTH
 * frame (a key, and its signature over the challenge, the MANIFEST to
 * come and its recipe) is checked against cfg.keys before MANIFEST is
 * taken, and required when cfg.keys is set.
 * Resume: every verified chunk is journalled (fdatasync) before its ACK.
 * A session that ends with its connection (closed, silent, or cut to make
 * room) keeps its staging; when the same session (the same MANIFEST and
 * key) comes back, the journal is decoded again to rebuild the model and
 * the files, and the ACK that answers MANIFEST says how many chunks are
 * held: the sender goes on from there.
 * Everything CPU-heavy (decoding, hashing, writing) happens inside
 * rcv_core_frame, so a caller may run it on a worker thread. */
#ifndef SL_RCV_CORE_H
#define SL_RCV_CORE_H

#include "rcv_budget.h"
#include "rcv_file.h"
#include "rcv_journal.h"
#include "rcv_stage.h"
#include "../net/keys.h"
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

typedef struct rcv_cfg {
    rcv_limits lim;
    int        outfd;        /* --out, from rcv_stage_open_out; not owned */
    int        overwrite;    /* replace existing files (sundard --overwrite) */
    uint32_t   max_chunk;    /* largest chunk size accepted; 0 = the protocol's */
    rcv_budget *budget;      /* shared model memory budget, or NULL */
    uint64_t   budget_wait_ms; /* how long a session waits for it */
    const keys_list *keys;   /* --authorized-keys: only these may send; NULL = anyone */
    int        recording;    /* a recorded stream (--from): the challenge is zeros,
                                and nothing is journalled */
} rcv_cfg;

typedef struct rcv_core {
    rcv_cfg      cfg;
    rcv_stage    stage;
    int          staged;         /* stage is open */
    uint64_t     reserved;       /* bytes taken from cfg.budget */
    uint8_t      challenge[MSG_CHALLENGE];   /* in this receiver's HELLO */
    int          have_auth;
    msg_auth     auth;
    char         key_fp[KEYS_FP_LEN];        /* the sender's key, for the log */
    char         key_comment[KEYS_COMMENT + 1];
    uint8_t      recipe_sha[32];             /* of the canonical recipe text */
    rcv_journal  journal;        /* verified chunks, for a resume */
    int          replaying;      /* decoding the journal again: no ACK, no append */
    uint32_t     resumed;        /* chunks this session held when it came back */
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

void rcv_core_init(rcv_core *c, const rcv_cfg *cfg);
/* For a recorded stream: parses raw bytes with p and runs each frame;
 * returns 0 while more is wanted, 1 when the session completed, or the
 * error (c->err says why). Call with n == 0 at the end of the input: a
 * session that has not completed is then SL_EPROTO_TRUNCATED (inside a
 * frame) or SL_ETRUNCATED. */
int  rcv_core_feed(rcv_core *c, frame_parser *p, const uint8_t *data, size_t n,
                   bytebuf *reply);
int  rcv_core_frame(rcv_core *c, const frame *f, bytebuf *reply);
/* The longest payload the session may be sent next: HELLO's limit before
 * HELLO, AUTH's while a key is required and has not come, the manifest's
 * before MANIFEST, then the chunk size's. A connection checks each frame
 * header against it before taking more. */
uint32_t rcv_core_max_frame(const rcv_core *c);
/* Ends the session from outside (the connection closed, went silent, or
 * sent a bad frame): records the error, appends an ERROR frame to reply
 * when reply is not NULL, removes the temporary files; returns code. */
int  rcv_core_abort(rcv_core *c, int code, bytebuf *reply, const char *fmt, ...);
void rcv_core_fini(rcv_core *c);

#endif
