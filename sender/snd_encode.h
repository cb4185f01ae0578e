/* sender/snd_encode.h — encode once, into a spool every receiver reads.
 *
 * A worker thread builds the model from the recipe, walks the stream in
 * chunks and appends MANIFEST (at once, before the first chunk is coded),
 * a CHUNK per chunk, then DONE to the spool: a file (an unlinked
 * temporary, or the --out file). A recording signed with a key gets an
 * AUTH frame (challenge all zeros) before MANIFEST. A second
 * thread computes the gzip/xz/zstd baselines for DONE. Encoding never
 * waits for the network, and memory stays bounded however slow the
 * receivers are: what is not yet sent waits on disk.
 *
 *   snd_encoder e; snd_encoder_start(&e, &inputs, &params, &opts, chunk, fd, notify);
 * opts (NULL: none of them): a prior, trained on before the first chunk
 * (util/prior.h; the status then carries its own transcript size,
 * prior_bytes), and on_chunk, called from the encoder's thread after each
 * chunk with its bytes and each byte's cost in 1/65536 bit, and key, which
 * signs a recording: an AUTH frame over a zero challenge before MANIFEST.
 *   from any thread: snd_encoder_status(&e, &st)    (bytes ready, done?, error)
 *   snd_encoder_position(&e, spool_bytes, &raw, &coded)  (how much of the stream,
 *                                   and of the transcript, the first spool_bytes carry)
 *   snd_encoder_cancel(&e);    (from any thread: stop at the next chunk; the
 *                               status then says finished, with err SL_ECLOSED)
 *   snd_encoder_chunk_at(&e, k, &off)  where chunk k starts in the spool (k == the
 *                                   chunk count: where DONE starts), once known
 *   snd_encoder_join(&e);                           (waits for the threads)
 *   snd_encoder_fini(&e);                           (after the last status call)
 * `notify` (may be NULL) is signalled each time more spool is ready. */
#ifndef SL_SND_ENCODE_H
#define SL_SND_ENCODE_H

#include "snd_walk.h"
#include "../common/recipe.h"
#include "../net/keys.h"
#include "../util/prior.h"
#include <uv.h>

typedef struct snd_status {
    uint64_t spool_len;      /* bytes of whole frames in the spool */
    uint64_t raw_done;       /* stream bytes encoded */
    uint64_t transcript;     /* coded bytes so far */
    uint32_t chunks;
    int      finished;       /* DONE is in the spool, or it failed */
    int      err;
    char     errmsg[256];
    uint64_t gzip, xz, zstd;  /* the baselines, once computed (0 before) */
    uint64_t prior_bytes;    /* the prior's own transcript (0: no prior) */
    double   encode_s;
    int      have_manifest;  /* the fields below are set and the MANIFEST is in the spool */
    uint64_t manifest_off;   /* MANIFEST in the spool (after a recording's AUTH) */
    uint64_t manifest_len;
    uint8_t  manifest_hash[32];  /* SHA-256 of its payload, for AUTH */
    uint8_t  recipe_hash[32];    /* SHA-256 of the recipe's canonical text */
    uint32_t total_chunks;
} snd_status;

/* Where each chunk's frames end in the spool, and the stream and transcript
 * bytes up to there: the progress of a link reads off how far it is. */
typedef struct snd_mark {
    uint64_t spool_end, raw_end, coded_end;
} snd_mark;

typedef struct snd_encode_opts {
    const sl_prior *prior;
    void          (*on_chunk)(void *arg, const uint8_t *raw, const uint32_t *costs, size_t n);
    void           *arg;
    const keys_pair *key;    /* sign the recording (--out with --key), or NULL */
} snd_encode_opts;

typedef struct snd_encoder {
    const snd_inputs    *in;
    const recipe_params *rp;
    snd_encode_opts      opts;
    uint32_t     chunk;
    int          fd;
    uv_async_t  *notify;
    uv_mutex_t   lock;
    snd_status   st;          /* guarded by lock */
    uv_thread_t  enc, base;
    int          base_err;
    uint64_t     gzip, xz, zstd;
    int          cancel;      /* guarded by lock */
    snd_mark    *marks;       /* guarded by lock */
    size_t       nmarks, capmarks;
    uint64_t     written;     /* spool bytes so far (the encoder thread's) */
    uint64_t    *offs;        /* where each chunk starts; guarded by lock */
    uint32_t     noffs, cap_offs;
    uint64_t     done_off;
} snd_encoder;

int  snd_encoder_start(snd_encoder *e, const snd_inputs *in, const recipe_params *rp,
                       const snd_encode_opts *opts, uint32_t chunk, int fd,
                       uv_async_t *notify);
int  snd_encoder_chunk_at(snd_encoder *e, uint32_t k, uint64_t *off);
void snd_encoder_status(snd_encoder *e, snd_status *out);
void snd_encoder_position(snd_encoder *e, uint64_t spool_bytes, uint64_t *raw,
                          uint64_t *coded);
void snd_encoder_cancel(snd_encoder *e);
void snd_encoder_join(snd_encoder *e);
void snd_encoder_fini(snd_encoder *e);

#endif
