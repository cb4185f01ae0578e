/* receiver/rcv_core.c — see rcv_core.h and proto/PROTOCOL.md. */
#include "rcv_core.h"
#include "rcv_meta.h"
#include "../common/err.h"
#include "../util/clock.h"
#include "../util/prior.h"
#include "../util/sha256.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>


void rcv_core_init(rcv_core *c, const rcv_limits *lim, const char *outdir)
{
    memset(c, 0, sizeof *c);
    c->lim = *lim;
    c->outdir = outdir;
    proto_order_init(&c->order, PROTO_FROM_SENDER);
    c->st.who = "sundard";
}

/* Removes every temporary file of the session. */
static void drop_files(rcv_core *c)
{
    if (!c->files) return;
    uint32_t n = c->file_idx + (c->cur_open ? 1 : 0);
    for (uint32_t i = 0; i < n && i < c->man.nfiles; i++) rcv_file_abort(&c->files[i]);
    c->cur_open = 0;
    free(c->files);
    c->files = NULL;
}

/* Records the error, tells the peer, and cleans up unfinished output. */
static int vfail(rcv_core *c, bytebuf *reply, int code, const char *fmt, va_list ap)
{
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    c->err_code = code;
    if (reply && code != SL_EPEER) msg_error_write(reply, code, c->err);
    drop_files(c);
    return code;
}

static int fail(rcv_core *c, bytebuf *reply, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, reply, code, fmt, ap);
    va_end(ap);
    return code;
}

int rcv_core_abort(rcv_core *c, int code, bytebuf *reply, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, reply, code, fmt, ap);
    va_end(ap);
    return code;
}

/* Opens files in order, finishing any that are complete (zero-length ones
 * at once), until the current file still wants bytes or none are left. */
static int advance(rcv_core *c, bytebuf *reply)
{
    char why[400];
    for (;;) {
        rcv_file *cur = &c->files[c->file_idx < c->man.nfiles ? c->file_idx : 0];
        if (c->cur_open && cur->written == cur->size) {
            int rc = rcv_file_finish(cur, why, sizeof why);
            if (rc) {
                c->cur_open = 0;  /* finish already removed it */
                return fail(c, reply, rc, "%s", why);
            }
            c->cur_open = 0;
            c->files_done++;
            c->file_idx++;
        }
        if (c->cur_open || c->file_idx >= c->man.nfiles) return 0;
        const msg_file *mf = &c->man.files[c->file_idx];
        cur = &c->files[c->file_idx];
        if (mf->mode & MSG_MODE_DIR) { /* no bytes: made when the session ends well */
            cur->fd = -1;
            c->files_done++;
            c->file_idx++;
            continue;
        }
        int rc = rcv_file_open(cur, c->outdir, mf->name, mf->name_len, mf->size,
                               mf->sha256, why, sizeof why);
        if (rc) return fail(c, reply, rc, "%s", why);
        cur->mode = mf->mode;
        cur->mtime = mf->mtime;
        cur->mask = c->lim.umask;
        c->cur_open = 1;
    }
}

/* The manifest's recipe: unpacked against this build's presets, and its
 * canonical text checked against the sender's SHA-256 of it. */
static int manifest_recipe(rcv_core *c, recipe_params *rp, bytebuf *reply)
{
    recipe_error e;
    size_t used;
    int rc = recipe_unpack(c->man.recipe, c->man.recipe_len, &used, rp, &e);
    if (rc == SL_EVERSION || rc == SL_EPRESET)
        return fail(c, reply, rc, "refused before decoding: %s", e.msg);
    if (rc) return fail(c, reply, rc, "bad recipe: %s", e.msg);
    char text[RECIPE_MAX_TEXT];
    int tl = recipe_canonical(rp, text, sizeof text);
    uint8_t h[32];
    if (tl < 0) return fail(c, reply, tl, "recipe too long");
    sha256_once(text, (size_t)tl, h);
    if (memcmp(h, c->man.recipe_hash, MSG_RECIPE_HASH))
        return fail(c, reply, SL_ERECIPE_HASH,
                    "refused before decoding: the recipe rebuilt here does not match the "
                    "sender's SHA-256 of it (the two builds define its preset differently)");
    return 0;
}

static int on_manifest(rcv_core *c, const frame *f, bytebuf *reply)
{
    c->man_copy = malloc(f->len ? f->len : 1);
    if (!c->man_copy) return fail(c, reply, SL_ENOMEM, "out of memory for the manifest");
    memcpy(c->man_copy, f->payload, f->len);
    frame copy = {f->type, f->len, f->wire, c->man_copy};
    int rc = msg_manifest_read(&copy, &c->man);
    if (rc == SL_EPROTO_NAME)
        return fail(c, reply, rc, "manifest names an unsafe or duplicate file name");
    if (rc) return fail(c, reply, rc, "malformed MANIFEST: %s", sl_strerror(rc));
    c->have_manifest = 1;
    recipe_params rp;
    if ((rc = manifest_recipe(c, &rp, reply))) return rc;
    uint64_t mem = recipe_model_mem(&rp);
    if (c->lim.max_model_mem && mem > c->lim.max_model_mem)
        return fail(c, reply, SL_ELIMIT,
                    "recipe needs %llu MiB of model memory; this receiver allows %llu MiB",
                    (unsigned long long)(mem >> 20),
                    (unsigned long long)(c->lim.max_model_mem >> 20));
    if (c->lim.max_output && c->man.total > c->lim.max_output)
        return fail(c, reply, SL_ELIMIT,
                    "session would write %llu bytes; this receiver allows %llu (--max-output)",
                    (unsigned long long)c->man.total, (unsigned long long)c->lim.max_output);
    sl_prior pr = {0};
    char why[512];
    if (rp.prior_size && (rc = prior_find(&pr, c->priors, &rp, why, sizeof why)))
        return fail(c, reply, rc, "refused before decoding: %s", why);
    if ((rc = codec_new(&c->dec, &rp))) {
        prior_free(&pr);
        return fail(c, reply, rc, "cannot build the model: %s", sl_strerror(rc));
    }
    if (rp.prior_size) {
        double t0 = now_s();
        rc = prior_train(c->dec, pr.data, pr.size, &c->st.prior);
        c->st.codec_s += now_s() - t0;
        prior_free(&pr);
        if (rc) return fail(c, reply, rc, "cannot train on the prior: %s", sl_strerror(rc));
    }
    c->files = calloc(c->man.nfiles ? c->man.nfiles : 1, sizeof *c->files);
    if (!c->files) return fail(c, reply, SL_ENOMEM, "out of memory for the file table");
    c->st.recipe = c->man.recipe_len;
    c->st.files = c->man.nfiles;
    if (c->obs.on_chunk) {
        c->costs = malloc((size_t)c->man.chunk_size * sizeof *c->costs);
        if (!c->costs || codec_byte_costs(c->dec, c->costs))
            return fail(c, reply, SL_ENOMEM, "out of memory for the byte costs");
    }
    if (c->obs.on_manifest) c->obs.on_manifest(c->obs.arg, c);
    return advance(c, reply);
}

static int on_chunk(rcv_core *c, const frame *f, bytebuf *reply)
{
    msg_chunk m;
    int rc = msg_chunk_read(f, &m);
    if (rc) return fail(c, reply, rc, "malformed CHUNK: %s", sl_strerror(rc));
    uint64_t left = c->man.total - c->pos;
    uint32_t raw_len = left < c->man.chunk_size ? (uint32_t)left : c->man.chunk_size;
    if (raw_len == 0)
        return fail(c, reply, SL_EPROTO_PAYLOAD, "CHUNK %u past the end of the stream", m.index);
    if ((m.flags & MSG_CHUNK_STORED) && m.data_len != raw_len)
        return fail(c, reply, SL_EPROTO_PAYLOAD, "stored CHUNK %u has %u bytes, not %u",
                    m.index, m.data_len, raw_len);
    c->raw.len = 0;
    if ((rc = bytebuf_reserve(&c->raw, raw_len))) return fail(c, reply, rc, "out of memory");
    double t0 = now_s();
    if (m.flags & MSG_CHUNK_STORED) {
        memcpy(c->raw.p, m.data, raw_len);
        rc = codec_train(c->dec, m.data, raw_len);
    } else {
        rc = codec_decode(c->dec, m.data, m.data_len, c->raw.p, raw_len);
    }
    c->st.codec_s += now_s() - t0;
    if (rc) return fail(c, reply, rc, "CHUNK %u: %s", m.index, sl_strerror(rc));
    uLong crc = crc32(crc32(0L, Z_NULL, 0), c->raw.p, raw_len);
    if ((uint32_t)crc != m.raw_crc)
        return fail(c, reply, SL_EPROTO_RAWCRC,
                    "CHUNK %u decoded to the wrong bytes (CRC mismatch): corrupted in "
                    "transit or coded with another model", m.index);
    if ((m.flags & MSG_CHUNK_DIGEST) && m.digest != codec_digest(c->dec))
        return fail(c, reply, SL_EPROTO_DESYNC,
                    "model digest after chunk %u differs from the sender's: the two "
                    "models are out of step", m.index);
    /* Spread the chunk over the files it covers. */
    const uint8_t *p = c->raw.p;
    size_t n = raw_len;
    char why[400];
    while (n) {
        if ((rc = advance(c, reply))) return rc;
        rcv_file *cur = &c->files[c->file_idx];
        uint64_t want = cur->size - cur->written;
        size_t take = n < want ? n : (size_t)want;
        if ((rc = rcv_file_write(cur, p, take, why, sizeof why)))
            return fail(c, reply, rc, "%s", why);
        p += take;
        n -= take;
    }
    c->pos += raw_len;
    c->st.chunks++;
    c->st.transcript += m.data_len;
    if (c->obs.on_chunk) c->obs.on_chunk(c->obs.arg, c, c->raw.p, c->costs, raw_len);
    if ((rc = advance(c, reply))) return rc;
    msg_ack a = {c->st.chunks, c->pos, 0, c->files_done};
    return msg_ack_write(reply, &a);
}

int rcv_core_frame(rcv_core *c, const frame *f, bytebuf *reply)
{
    if (c->err_code) return c->err_code;
    uint32_t index = 0;
    int rc;
    if (f->type == FRAME_CHUNK && (rc = msg_chunk_index(f, &index)))
        return fail(c, reply, rc, "malformed CHUNK: %s", sl_strerror(rc));
    rc = proto_order_check(&c->order, f->type, index);
    if (rc)
        return fail(c, reply, rc, "%s frame out of order", frame_type_name(f->type));
    c->st.wire += f->wire;
    switch (f->type) {
    case FRAME_HELLO: {
        msg_hello h;
        if ((rc = msg_hello_read(f, &h)))
            return fail(c, reply, rc, "malformed HELLO: %s", sl_strerror(rc));
        msg_hello r = {0};
        return msg_hello_write(reply, &r);
    }
    case FRAME_MANIFEST: return on_manifest(c, f, reply);
    case FRAME_CHUNK: return on_chunk(c, f, reply);
    case FRAME_DONE: {
        msg_done d;
        if ((rc = msg_done_read(f, &d)))
            return fail(c, reply, rc, "malformed DONE: %s", sl_strerror(rc));
        if (c->pos != c->man.total)
            return fail(c, reply, SL_ETRUNCATED,
                        "DONE after %llu of the manifest's %llu bytes",
                        (unsigned long long)c->pos, (unsigned long long)c->man.total);
        if ((rc = advance(c, reply))) return rc;
        if (c->files_done != c->man.nfiles)
            return fail(c, reply, SL_ETRUNCATED, "only %u of %u files complete",
                        c->files_done, c->man.nfiles);
        /* Everything arrived and matched: now the files appear. */
        char why[400];
        for (uint32_t i = 0; i < c->man.nfiles; i++)
            if (c->man.files[i].mode & MSG_MODE_DIR) {
                continue;
            } else if ((rc = rcv_file_commit(&c->files[i], why, sizeof why))) {
                for (uint32_t j = i + 1; j < c->man.nfiles; j++) rcv_file_abort(&c->files[j]);
                free(c->files);
                c->files = NULL;
                return fail(c, reply, rc, "%s", why);
            }
        free(c->files);
        c->files = NULL;
        /* Then the empty directories, after every file (a file made inside
         * a directory would change its time). */
        for (uint32_t i = 0; i < c->man.nfiles; i++) {
            const msg_file *mf = &c->man.files[i];
            if ((mf->mode & MSG_MODE_DIR) &&
                (rc = rcv_meta_mkdir_path(c->outdir, mf->name, mf->name_len, mf->mode,
                                          (int64_t)mf->mtime, (mode_t)c->lim.umask, why,
                                          sizeof why)))
                return fail(c, reply, rc, "%s", why);
        }
        c->st.raw = c->pos;
        c->st.zlib = d.zlib;
        c->st.xz = d.xz;
        c->st.zstd = d.zstd;
        c->st.ok = 1;
        msg_ack a = {c->st.chunks, c->pos, 1, c->files_done};
        rc = msg_ack_write(reply, &a);
        return rc ? rc : 1;
    }
    case FRAME_ERROR: {
        msg_error e;
        if ((rc = msg_error_read(f, &e)))
            return fail(c, reply, rc, "malformed ERROR frame from the sender");
        return fail(c, reply, SL_EPEER, "sender reported %s: %s", sl_errname(e.code), e.text);
    }
    default:
        return fail(c, reply, SL_EPROTO_ORDER, "%s frame from a sender",
                    frame_type_name(f->type));
    }
}

int rcv_core_feed(rcv_core *c, frame_parser *p, const uint8_t *data, size_t n,
                  bytebuf *reply)
{
    if (n == 0) {
        int rc = frame_parser_end(p);
        return fail(c, NULL, rc ? rc : SL_ETRUNCATED, "the stream ends before the session does%s",
                    rc == SL_EPROTO_TRUNCATED ? " (inside a frame)" : "");
    }
    size_t off = 0;
    while (off < n) {
        frame f;
        size_t used;
        int rc = frame_parse(p, data + off, n - off, &used, &f);
        off += used;
        if (rc < 0)
            return fail(c, NULL, rc, "bad frame: %s", sl_strerror(rc));
        if (rc == 1) {
            if (f.type == FRAME_DONE && off < n)
                return fail(c, reply, SL_EPROTO_ORDER, "the stream goes on after DONE");
            rc = rcv_core_frame(c, &f, reply);
            if (rc) return rc;
        }
    }
    return 0;
}

void rcv_core_fini(rcv_core *c)
{
    drop_files(c);
    codec_free(c->dec);
    c->dec = NULL;
    msg_manifest_fini(&c->man);
    free(c->man_copy);
    c->man_copy = NULL;
    bytebuf_fini(&c->raw);
    free(c->costs);
    c->costs = NULL;
}
