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


void rcv_core_init(rcv_core *c, const rcv_cfg *cfg)
{
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    c->stage.dir = c->stage.lock = -1;
    c->journal.fd = -1;
    if (!cfg->recording) keys_random(c->challenge, sizeof c->challenge);
    proto_order_init(&c->order, PROTO_FROM_SENDER);
    c->st.who = "sundard";
}

/* Closes the file being written; keeps the session's staging for a resume
 * when the session was cut (it may come back) and its journal holds
 * something, and removes it otherwise. */
static void drop_files(rcv_core *c, int code)
{
    if (c->files && c->cur_open) rcv_file_abort(&c->files[c->file_idx]);
    c->cur_open = 0;
    free(c->files);
    c->files = NULL;
    int keep = (code == SL_ECLOSED || code == SL_ETIMEOUT || code == SL_EBUSY) &&
               c->journal.fd >= 0 && c->journal.count > 0;
    rcv_journal_close(&c->journal);
    if (c->staged) rcv_stage_close(&c->stage, keep);
    c->staged = 0;
}

/* Records the error, tells the peer, and cleans up unfinished output. */
static int vfail(rcv_core *c, bytebuf *reply, int code, const char *fmt, va_list ap)
{
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    c->err_code = code;
    if (reply && code != SL_EPEER) msg_error_write(reply, code, c->err);
    drop_files(c, code);
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
        if (mf->mode & MSG_MODE_DIR) { /* no bytes: made when the session is published */
            cur->fd = -1;
            c->files_done++;
            c->file_idx++;
            continue;
        }
        int fd = rcv_stage_create(&c->stage, c->file_idx);
        if (fd < 0) return fail(c, reply, fd, "cannot stage %.*s", mf->name_len, mf->name);
        int rc = rcv_file_open(cur, fd, mf->name, mf->name_len, mf->size, mf->sha256);
        if (rc) return fail(c, reply, rc, "out of memory");
        cur->mode = mf->mode;
        cur->mtime = mf->mtime;
        cur->mask = c->cfg.lim.umask;
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
    memcpy(c->recipe_sha, h, 32);
    return 0;
}

/* Takes the session's memory from the receiver's shared budget, waiting
 * a while for other sessions to end if need be. */
static int reserve(rcv_core *c, uint64_t need, bytebuf *reply)
{
    if (!c->cfg.budget) return 0;
    int rc = rcv_budget_take(c->cfg.budget, need, c->cfg.budget_wait_ms);
    if (rc == SL_ELIMIT)
        return fail(c, reply, rc, "session needs %llu MiB of memory; this receiver has "
                    "%llu MiB in all (--max-memory)", (unsigned long long)(need >> 20),
                    (unsigned long long)(c->cfg.budget->total >> 20));
    if (rc)
        return fail(c, reply, rc, "session needs %llu MiB of memory and other sessions "
                    "hold the rest of --max-memory; try again later",
                    (unsigned long long)(need >> 20));
    c->reserved = need;
    return 0;
}

/* Refuses names that exist (without --overwrite) before anything is
 * created, then opens the session's staging directory. */
static int stage_session(rcv_core *c, const frame *f, bytebuf *reply)
{
    char why[400];
    int rc = rcv_stage_check(c->cfg.outfd, &c->man, c->cfg.overwrite, why, sizeof why);
    if (rc) return fail(c, reply, rc, "refused before it started: %s", why);
    /* The session's identity: its MANIFEST and its key. */
    uint8_t id[32];
    sha256_ctx *h = sha256_new();
    if (!h) return fail(c, reply, SL_ENOMEM, "out of memory");
    sha256_update(h, "sl-identity/1", 13);
    sha256_update(h, f->payload, f->len);
    sha256_update(h, c->have_auth ? c->auth.key : (const uint8_t[32]){0}, 32);
    sha256_final(h, id);
    if ((rc = rcv_stage_open(&c->stage, c->cfg.outfd, id, why, sizeof why)))
        return fail(c, reply, rc, "%s", why);
    c->staged = 1;
    if (!c->cfg.recording && (rc = rcv_journal_open(&c->journal, c->stage.dir, id, why,
                                                    sizeof why)))
        return fail(c, reply, rc, "%s", why);
    return 0;
}

/* AUTH: the key must be authorized (when this receiver has a list) and
 * its signature over this receiver's challenge, the MANIFEST to come and
 * its recipe must verify, all before MANIFEST is taken. */
static int on_auth(rcv_core *c, const frame *f, bytebuf *reply)
{
    int rc = msg_auth_read(f, &c->auth);
    if (rc) return fail(c, reply, rc, "malformed AUTH: %s", sl_strerror(rc));
    keys_fingerprint(c->auth.key, c->key_fp);
    const keys_entry *e = c->cfg.keys ? keys_find(c->cfg.keys, c->auth.key) : NULL;
    if (c->cfg.keys && !e)
        return fail(c, reply, SL_EAUTH, "key %s is not in this receiver's --authorized-keys",
                    c->key_fp);
    if (e) snprintf(c->key_comment, sizeof c->key_comment, "%s", e->comment);
    uint8_t msg[KEYS_MSG];
    keys_auth_message(c->challenge, c->auth.manifest_hash, c->auth.recipe_hash, msg);
    if (keys_verify(c->auth.key, msg, c->auth.sig))
        return fail(c, reply, SL_EAUTH_SIG, "the signature of key %s does not verify%s",
                    c->key_fp, c->cfg.recording ? "" : " against this session's challenge");
    c->have_auth = 1;
    return 0;
}

/* With AUTH, the MANIFEST and its recipe must be the ones signed. */
static int manifest_signed(rcv_core *c, const frame *f, bytebuf *reply)
{
    if (!c->have_auth) return 0;
    uint8_t h[32];
    sha256_once(f->payload, f->len, h);
    if (memcmp(h, c->auth.manifest_hash, 32) || memcmp(c->recipe_sha, c->auth.recipe_hash, 32))
        return fail(c, reply, SL_EAUTH_SIG, "the MANIFEST or its recipe is not the one key %s "
                    "signed", c->key_fp);
    return 0;
}

static int on_chunk(rcv_core *c, const frame *f, bytebuf *reply);

/* A session that came back: its journalled chunks are decoded again (CPU,
 * no wire bytes), which rebuilds the model and the staged files. */
static int replay(rcv_core *c, bytebuf *reply)
{
    uint32_t n = c->journal.count;
    if (!n) return 0;
    bytebuf rec = {0};
    int rc = 0;
    rcv_journal_rewind(&c->journal);
    c->replaying = 1;
    for (uint32_t i = 0; i < n && !rc; i++) {
        uint32_t index;
        frame f = {FRAME_CHUNK, 0, 0, NULL};
        if (rcv_journal_next(&c->journal, &rec) != 1) { rc = SL_EIO; break; }
        f.len = (uint32_t)rec.len;
        f.payload = rec.p;
        if (msg_chunk_index(&f, &index) || index != i) { rc = SL_ECORRUPT; break; }
        rc = on_chunk(c, &f, reply);
    }
    c->replaying = 0;
    bytebuf_fini(&rec);
    if (rc && !c->err_code)
        return fail(c, reply, rc, "this session's journal could not be read back; it was "
                    "removed, and the session must start again");
    if (rc) return rc;
    c->resumed = n;
    proto_order_resume(&c->order, n);
    return 0;
}

static int on_manifest(rcv_core *c, const frame *f, bytebuf *reply)
{
    if (c->cfg.keys && !c->have_auth)
        return fail(c, reply, SL_EAUTH, "this receiver accepts signed sessions only "
                    "(satyad --key, with the key in its --authorized-keys)");
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
    if ((rc = manifest_signed(c, f, reply))) return rc;
    uint64_t mem = recipe_model_mem(&rp);
    if (c->cfg.lim.max_model_mem && mem > c->cfg.lim.max_model_mem)
        return fail(c, reply, SL_ELIMIT,
                    "recipe needs %llu MiB of model memory; this receiver allows %llu MiB",
                    (unsigned long long)(mem >> 20),
                    (unsigned long long)(c->cfg.lim.max_model_mem >> 20));
    if (c->cfg.lim.max_output && c->man.total > c->cfg.lim.max_output)
        return fail(c, reply, SL_ELIMIT,
                    "session would write %llu bytes; this receiver allows %llu (--max-output)",
                    (unsigned long long)c->man.total,
                    (unsigned long long)c->cfg.lim.max_output);
    if (c->cfg.max_chunk && c->man.chunk_size > c->cfg.max_chunk)
        return fail(c, reply, SL_ELIMIT,
                    "chunk size %u over this receiver's limit of %u (satyad --chunk)",
                    c->man.chunk_size, c->cfg.max_chunk);
    if ((rc = reserve(c, mem + 2ull * c->man.chunk_size + f->len, reply))) return rc;
    sl_prior pr = {0};
    char why[512];
    if (rp.prior_size && (rc = prior_find(&pr, c->priors, &rp, why, sizeof why)))
        return fail(c, reply, rc, "refused before decoding: %s", why);
    if ((rc = stage_session(c, f, reply))) {
        prior_free(&pr);
        return rc;
    }
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
    if ((rc = advance(c, reply)) || (rc = replay(c, reply))) return rc;
    /* Where this receiver stands: the sender goes on from there. */
    msg_ack a = {c->st.chunks, c->pos, 0, c->files_done};
    return msg_ack_write(reply, &a);
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
    if (c->replaying) return 0;
    /* Durable before it is acknowledged: a resume starts after it. */
    if (c->journal.fd >= 0 && (rc = rcv_journal_append(&c->journal, f->payload, f->len, why,
                                                        sizeof why)))
        return fail(c, reply, rc, "%s", why);
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
        if (h.has_challenge)
            return fail(c, reply, SL_EPROTO_PAYLOAD, "a sender's HELLO carries no challenge");
        msg_hello r = {0};
        r.has_challenge = 1;
        memcpy(r.challenge, c->challenge, MSG_CHALLENGE);
        return msg_hello_write(reply, &r);
    }
    case FRAME_AUTH: return on_auth(c, f, reply);
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
        if ((rc = rcv_stage_publish(&c->stage, &c->man, c->cfg.overwrite,
                                    (mode_t)c->cfg.lim.umask, why, sizeof why)))
            return fail(c, reply, rc, "nothing published: %s", why);
        rcv_journal_close(&c->journal);
        rcv_stage_close(&c->stage, 0);
        c->staged = 0;
        free(c->files);
        c->files = NULL;
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

uint32_t rcv_core_max_frame(const rcv_core *c)
{
    if (c->order.stage == 0) return frame_limit(FRAME_HELLO);
    if (c->cfg.keys && !c->have_auth) return frame_limit(FRAME_AUTH);
    if (!c->have_manifest) return frame_limit(FRAME_MANIFEST);
    uint32_t chunk = c->man.chunk_size + 64;   /* a CHUNK's fields, and room for the rest */
    return chunk > 1024 ? chunk : 1024;
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
    drop_files(c, 0);
    if (c->reserved) rcv_budget_give(c->cfg.budget, c->reserved);
    c->reserved = 0;
    codec_free(c->dec);
    c->dec = NULL;
    msg_manifest_fini(&c->man);
    free(c->man_copy);
    c->man_copy = NULL;
    bytebuf_fini(&c->raw);
    free(c->costs);
    c->costs = NULL;
}
