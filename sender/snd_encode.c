/* sender/snd_encode.c — see snd_encode.h. */
#include "snd_encode.h"
#include "snd_baseline.h"
#include "../common/byteorder.h"
#include "../common/codec.h"
#include "../common/err.h"
#include "../proto/msg.h"
#include "../util/clock.h"
#include "../util/fileio.h"
#include "../util/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static int cancelled(snd_encoder *e)
{
    uv_mutex_lock(&e->lock);
    int c = e->cancel;
    uv_mutex_unlock(&e->lock);
    return c;
}

static void baseline_main(void *arg)
{
    snd_encoder *e = arg;
    snd_baseline b;
    snd_reader r;
    char err[256];
    int rc = snd_baseline_init(&b);
    snd_reader_init(&r, e->in);
    uint8_t *buf = malloc(1 << 20);
    if (!buf) rc = SL_ENOMEM;
    while (!rc) {
        size_t got;
        if (cancelled(e)) { rc = SL_ECLOSED; break; }
        rc = snd_reader_read(&r, buf, 1 << 20, &got, err, sizeof err);
        if (rc || !got) break;
        snd_baseline_feed(&b, buf, got);
    }
    snd_baseline_finish(&b);
    snd_reader_fini(&r);
    free(buf);
    e->base_err = rc ? rc : b.err;
    e->gzip = b.gzip;
    e->xz = b.xz;
    e->zstd = b.zstd;
    if (!e->base_err) {   /* known before DONE: the dashboard's race wants them */
        uv_mutex_lock(&e->lock);
        e->st.gzip = b.gzip;
        e->st.xz = b.xz;
        e->st.zstd = b.zstd;
        uv_mutex_unlock(&e->lock);
    }
}

/* Appends whole frames to the spool and publishes them; `last` marks the
 * session finished in the same step, so no reader sees DONE in the spool
 * without also seeing the session finished. */
static int spool_put(snd_encoder *e, bytebuf *frames, int last)
{
    if (fileio_write_all(e->fd, frames->p, frames->len)) return SL_EIO;
    e->written += frames->len;
    uv_mutex_lock(&e->lock);
    e->st.spool_len += frames->len;
    /* The MANIFEST's place is known before it is written: it is
     * published once its bytes are in the spool, never before (a link
     * reading it sooner read short). */
    if (e->st.manifest_len && e->st.spool_len >= e->st.manifest_off + e->st.manifest_len)
        e->st.have_manifest = 1;
    if (e->nmarks == e->capmarks) {
        size_t cap = e->capmarks ? e->capmarks * 2 : 64;
        snd_mark *m = realloc(e->marks, cap * sizeof *m);
        if (m) { e->marks = m; e->capmarks = cap; }
    }
    if (e->nmarks < e->capmarks) /* without room, progress is merely coarser */
        e->marks[e->nmarks++] = (snd_mark){e->st.spool_len, e->st.raw_done,
                                           e->st.transcript};
    if (last) {
        e->st.gzip = e->gzip;
        e->st.xz = e->xz;
        e->st.zstd = e->zstd;
        e->st.finished = 1;
    }
    uv_mutex_unlock(&e->lock);
    frames->len = 0;
    if (e->notify) uv_async_send(e->notify);
    return 0;
}

static void fail(snd_encoder *e, int rc, const char *msg)
{
    uv_mutex_lock(&e->lock);
    if (!e->st.err) {
        e->st.err = rc;
        snprintf(e->st.errmsg, sizeof e->st.errmsg, "%s", msg);
    }
    e->st.finished = 1;
    uv_mutex_unlock(&e->lock);
    if (e->notify) uv_async_send(e->notify);
}

static int write_manifest(snd_encoder *e, bytebuf *out, uint8_t recipe_hash[32]);

/* Notes where chunk idx starts in the spool. */
static int note_chunk(snd_encoder *e, uint32_t idx)
{
    uv_mutex_lock(&e->lock);
    int rc = 0;
    if (e->noffs == e->cap_offs) {
        uint32_t nc = e->cap_offs ? e->cap_offs * 2 : 256;
        uint64_t *t = realloc(e->offs, nc * sizeof *t);
        if (t) { e->offs = t; e->cap_offs = nc; }
        else rc = SL_ENOMEM;
    }
    if (!rc) e->offs[e->noffs++] = e->written;
    (void)idx;
    uv_mutex_unlock(&e->lock);
    return rc;
}

int snd_encoder_chunk_at(snd_encoder *e, uint32_t k, uint64_t *off)
{
    uv_mutex_lock(&e->lock);
    int known = k < e->noffs || (e->st.finished && !e->st.err && k == e->noffs);
    if (known) *off = k < e->noffs ? e->offs[k] : e->done_off;
    uv_mutex_unlock(&e->lock);
    return known;
}

/* SHA-256 of a whole frame's payload (without its header and CRC). */
static void frame_payload_hash(const uint8_t *fr, size_t n, uint8_t h[32])
{
    uint64_t body = 0;
    int k = varint_get(fr + 1, n - 1, &body);
    size_t crc = frame_has_crc(fr[0]) ? FRAME_CRC : 0;
    sha256_once(fr + 1 + k, (size_t)body - crc, h);
}

/* MANIFEST (after a signed AUTH when recording with a key) into out, and
 * its offsets and hashes into the status. */
static int write_head(snd_encoder *e, bytebuf *out)
{
    bytebuf man = {0};
    uint8_t recipe_hash[32], man_hash[32];
    int rc = write_manifest(e, &man, recipe_hash);
    if (rc) { bytebuf_fini(&man); return rc; }
    frame_payload_hash(man.p, man.len, man_hash);
    if (e->opts.key) {
        msg_auth a = {MSG_AUTH_ED25519, {0}, {0}, {0}, {0}};
        uint8_t msg[KEYS_MSG], zero[KEYS_CHALLENGE] = {0};
        memcpy(a.key, e->opts.key->pk, 32);
        memcpy(a.manifest_hash, man_hash, 32);
        memcpy(a.recipe_hash, recipe_hash, 32);
        keys_auth_message(zero, man_hash, recipe_hash, msg);
        keys_sign(e->opts.key, msg, a.sig);
        rc = msg_auth_write(out, &a);
    }
    uv_mutex_lock(&e->lock);
    e->st.manifest_off = e->written + out->len;
    e->st.manifest_len = man.len;
    memcpy(e->st.manifest_hash, man_hash, 32);
    memcpy(e->st.recipe_hash, recipe_hash, 32);
    e->st.total_chunks = (uint32_t)((e->in->total + e->chunk - 1) / e->chunk);
    uv_mutex_unlock(&e->lock);   /* have_manifest: when spool_put has written it */
    if (!rc) rc = bytebuf_append(out, man.p, man.len);
    bytebuf_fini(&man);
    return rc;
}

static int write_manifest(snd_encoder *e, bytebuf *out, uint8_t recipe_hash[32])
{
    char text[RECIPE_MAX_TEXT];
    int tl = recipe_canonical(e->rp, text, sizeof text);
    if (tl < 0) return tl;
    bytebuf packed = {0};
    int rc = recipe_pack(e->rp, &packed);
    if (rc) return rc;
    msg_manifest m;
    memset(&m, 0, sizeof m);
    m.chunk_size = e->chunk;
    m.recipe = packed.p;
    m.recipe_len = (uint32_t)packed.len;
    uint8_t h[32];
    sha256_once(text, (size_t)tl, h);
    memcpy(m.recipe_hash, h, MSG_RECIPE_HASH);
    memcpy(recipe_hash, h, 32);
    m.nfiles = (uint32_t)e->in->n;
    m.files = calloc(e->in->n ? e->in->n : 1, sizeof *m.files);
    if (!m.files) { bytebuf_fini(&packed); return SL_ENOMEM; }
    for (size_t i = 0; i < e->in->n; i++) {
        m.files[i].name = e->in->v[i].name;
        m.files[i].name_len = (uint16_t)strlen(e->in->v[i].name);
        m.files[i].size = e->in->v[i].size;
        memcpy(m.files[i].sha256, e->in->v[i].sha256, 32);
        m.files[i].mode = e->in->v[i].mode | (e->in->v[i].dir ? MSG_MODE_DIR : 0);
        m.files[i].mtime = e->in->v[i].mtime;
    }
    rc = msg_manifest_write(out, &m);
    free(m.files);
    bytebuf_fini(&packed);
    return rc == SL_EPROTO_TOOBIG ? SL_ETOOBIG : rc;
}

/* Appends chunk idx: coded, or stored when coding would not make it
 * smaller. The model digest goes with every 16th chunk and the last. */
static int put_chunk(codec *c, uint32_t idx, const uint8_t *raw, size_t got, int last,
                     const bytebuf *coded, bytebuf *out, uint64_t *transcript)
{
    msg_chunk m = {idx, (uint32_t)crc32(crc32(0L, Z_NULL, 0), raw, (uInt)got), 0, 0,
                   coded->p, (uint32_t)coded->len};
    if (coded->len >= got) {
        m.flags |= MSG_CHUNK_STORED;
        m.data = raw;
        m.data_len = (uint32_t)got;
    }
    if (last || idx % 16 == 15) {
        m.flags |= MSG_CHUNK_DIGEST;
        m.digest = codec_digest(c);
    }
    *transcript += m.data_len;
    return msg_chunk_write(out, &m);
}

/* The prior, before the first chunk: its own transcript size is what
 * sending it would have cost. */
static int train_prior(snd_encoder *e, codec *c, double *t_codec)
{
    uint64_t bytes;
    double t0 = now_s();
    int rc = prior_train(c, e->opts.prior->data, e->opts.prior->size, &bytes);
    *t_codec += now_s() - t0;
    uv_mutex_lock(&e->lock);
    e->st.prior_bytes = bytes;
    uv_mutex_unlock(&e->lock);
    return rc;
}

static void encoder_main(void *arg)
{
    snd_encoder *e = arg;
    char err[256] = "";
    bytebuf out = {0}, coded = {0};
    snd_reader r;
    snd_reader_init(&r, e->in);
    codec *c = NULL;
    uint8_t *raw = malloc(e->chunk);
    uint64_t transcript = 0, done = 0;
    uint32_t idx = 0;
    double t_codec = 0;
    int rc = raw ? codec_new(&c, e->rp) : SL_ENOMEM;
    if (rc) snprintf(err, sizeof err, "cannot build the model: %s", sl_strerror(rc));
    if (!rc && (rc = write_head(e, &out)))
        snprintf(err, sizeof err, "cannot write the manifest: %s", sl_strerror(rc));
    if (!rc && (rc = spool_put(e, &out, 0)))   /* receivers may check it meanwhile */
        snprintf(err, sizeof err, "cannot write the spool: %s", strerror(errno));
    if (!rc && e->opts.prior && (rc = train_prior(e, c, &t_codec)))
        snprintf(err, sizeof err, "cannot train on the prior: %s", sl_strerror(rc));
    uint32_t *costs = NULL;
    if (!rc && e->opts.on_chunk &&
        (!(costs = malloc(e->chunk * sizeof *costs)) || codec_byte_costs(c, costs)))
        snprintf(err, sizeof err, "%s", sl_strerror(rc = SL_ENOMEM));
    while (!rc) {
        size_t got;
        if (cancelled(e)) {
            rc = SL_ECLOSED;
            snprintf(err, sizeof err, "interrupted");
            break;
        }
        if ((rc = snd_reader_read(&r, raw, e->chunk, &got, err, sizeof err)) || !got) break;
        coded.len = 0;
        double t0 = now_s();
        rc = codec_encode(c, raw, got, &coded);
        t_codec += now_s() - t0;
        if (rc) break;
        if (e->opts.on_chunk) e->opts.on_chunk(e->opts.arg, raw, costs, got);
        done += got;
        if ((rc = note_chunk(e, idx)) ||
            (rc = put_chunk(c, idx, raw, got, done == e->in->total, &coded, &out, &transcript)))
            break;
        idx++;
        uv_mutex_lock(&e->lock);
        e->st.raw_done += got;
        e->st.transcript = transcript;
        e->st.chunks = idx;
        e->st.encode_s = t_codec;
        uv_mutex_unlock(&e->lock);
        if ((rc = spool_put(e, &out, 0))) {
            snprintf(err, sizeof err, "cannot write the spool: %s", strerror(errno));
            break;
        }
    }
    if (rc) snd_encoder_cancel(e); /* the baselines are not needed any more */
    uv_thread_join(&e->base);
    if (!rc && e->base_err) {
        rc = e->base_err;
        if (rc == SL_ECLOSED) snprintf(err, sizeof err, "interrupted");
        else snprintf(err, sizeof err, "baseline compressors failed: %s", sl_strerror(rc));
    }
    if (!rc) {
        msg_done d = {(uint64_t)(t_codec * 1e6), e->gzip, e->xz, e->zstd};
        rc = msg_done_write(&out, &d);
        uv_mutex_lock(&e->lock);
        e->done_off = e->written;
        uv_mutex_unlock(&e->lock);
        if (!rc) rc = spool_put(e, &out, 1);
    }
    snd_reader_fini(&r);
    codec_free(c);
    free(raw);
    free(costs);
    bytebuf_fini(&out);
    bytebuf_fini(&coded);
    if (rc) {
        if (!*err) snprintf(err, sizeof err, "%s", sl_strerror(rc));
        fail(e, rc, err);
    }
}

int snd_encoder_start(snd_encoder *e, const snd_inputs *in, const recipe_params *rp,
                      const snd_encode_opts *opts, uint32_t chunk, int fd,
                      uv_async_t *notify)
{
    memset(e, 0, sizeof *e);
    e->in = in;
    e->rp = rp;
    if (opts) e->opts = *opts;
    e->chunk = chunk;
    e->fd = fd;
    e->notify = notify;
    if (uv_mutex_init(&e->lock)) return SL_ENOMEM;
    if (uv_thread_create(&e->base, baseline_main, e)) return SL_ENOMEM;
    if (uv_thread_create(&e->enc, encoder_main, e)) {
        uv_thread_join(&e->base);
        return SL_ENOMEM;
    }
    return 0;
}

void snd_encoder_status(snd_encoder *e, snd_status *out)
{
    uv_mutex_lock(&e->lock);
    *out = e->st;
    uv_mutex_unlock(&e->lock);
}

void snd_encoder_position(snd_encoder *e, uint64_t spool_bytes, uint64_t *raw,
                          uint64_t *coded)
{
    uv_mutex_lock(&e->lock);
    /* The last mark at or before spool_bytes, then a straight line to the next. */
    size_t lo = 0, hi = e->nmarks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (e->marks[mid].spool_end <= spool_bytes) lo = mid + 1;
        else hi = mid;
    }
    snd_mark a = lo ? e->marks[lo - 1] : (snd_mark){0, 0, 0};
    *raw = a.raw_end;
    *coded = a.coded_end;
    if (lo < e->nmarks && spool_bytes > a.spool_end) {
        snd_mark b = e->marks[lo];
        double f = (double)(spool_bytes - a.spool_end) / (double)(b.spool_end - a.spool_end);
        *raw += (uint64_t)(f * (double)(b.raw_end - a.raw_end));
        *coded += (uint64_t)(f * (double)(b.coded_end - a.coded_end));
    }
    uv_mutex_unlock(&e->lock);
}

void snd_encoder_cancel(snd_encoder *e)
{
    uv_mutex_lock(&e->lock);
    e->cancel = 1;
    uv_mutex_unlock(&e->lock);
}

void snd_encoder_join(snd_encoder *e)
{
    uv_thread_join(&e->enc);
}

void snd_encoder_fini(snd_encoder *e)
{
    free(e->marks);
    e->marks = NULL;
    free(e->offs);
    e->offs = NULL;
    uv_mutex_destroy(&e->lock);
}
