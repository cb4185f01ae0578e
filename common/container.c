/* common/container.c — see container.h. */
#include "container.h"
#include "codec.h"
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int put_varint(bytebuf *out, uint64_t v)
{
    uint8_t b[VARINT_MAX];
    return bytebuf_append(out, b, varint_put(b, v));
}

int slc_write(const recipe_params *p, size_t chunk, const uint8_t *in, size_t n,
              bytebuf *out)
{
    if (chunk == 0 || chunk > SLC_MAX_CHUNK) return SL_EINVAL;
    uint8_t hdr[4] = {'S', 'L', 'C', SLC_VERSION};
    int rc;
    if ((rc = bytebuf_append(out, hdr, 4)) || (rc = recipe_pack(p, out))) return rc;
    codec *c;
    if ((rc = codec_new(&c, p))) return rc;
    bytebuf coded = {0};
    for (size_t off = 0; off < n && !rc; off += chunk) {
        size_t len = n - off < chunk ? n - off : chunk;
        coded.len = 0;
        if ((rc = codec_encode(c, in + off, len, &coded))) break;
        if ((rc = put_varint(out, len)) || (rc = put_varint(out, coded.len)) ||
            (rc = bytebuf_append(out, coded.p, coded.len)))
            break;
    }
    bytebuf_fini(&coded);
    uint8_t digest[8];
    le64_store(digest, codec_digest(c));
    codec_free(c);
    if (!rc && !(rc = put_varint(out, 0)) && !(rc = put_varint(out, n)))
        rc = bytebuf_append(out, digest, 8);
    return rc;
}

static int why_set(char *why, size_t cap, int code, const char *fmt, ...)
{
    if (why && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Reads a varint at *p; names `what` in the error. */
static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v, char *why,
                       size_t cap, const char *what)
{
    int k = varint_get(*p, (size_t)(end - *p), v);
    if (k == 0) return why_set(why, cap, SL_ETRUNCATED, "file ends inside %s", what);
    if (k < 0) return why_set(why, cap, SL_EFORMAT, "malformed length in %s", what);
    *p += k;
    return 0;
}

/* The header: magic, version, recipe; builds the decoder. */
static int read_header(const uint8_t **pp, const uint8_t *end, codec **c, char *why,
                       size_t cap)
{
    const uint8_t *p = *pp;
    size_t n = (size_t)(end - p);
    if (n < 4 || memcmp(p, SLC_MAGIC, 3))
        return why_set(why, cap, SL_EFORMAT, "not an slcodec file (bad magic)");
    if (p[3] != SLC_VERSION)
        return why_set(why, cap, SL_EFORMAT,
                       "slcodec file format %u; this build reads format %d", p[3], SLC_VERSION);
    p += 4;
    recipe_params rp;
    recipe_error e;
    size_t used;
    int rc = recipe_unpack(p, (size_t)(end - p), &used, &rp, &e);
    if (rc) return why_set(why, cap, rc, "recipe: %s", e.msg);
    if ((rc = codec_new(c, &rp)))
        return why_set(why, cap, rc, "cannot build the model: %s", sl_strerror(rc));
    *pp = p + used;
    return 0;
}

int slc_read(const uint8_t *in, size_t n, bytebuf *out, char *why, size_t why_cap)
{
    const uint8_t *p = in, *end = in + n;
    codec *c;
    int rc = read_header(&p, end, &c, why, why_cap);
    if (rc) return rc;
    char what[64];
    for (size_t idx = 0;; idx++) {
        uint64_t len, cl;
        snprintf(what, sizeof what, "the header of chunk %zu", idx);
        if ((rc = read_varint(&p, end, &len, why, why_cap, what))) break;
        if (len == 0) break;
        if ((rc = read_varint(&p, end, &cl, why, why_cap, what))) break;
        if (len > SLC_MAX_CHUNK) {
            rc = why_set(why, why_cap, SL_ETOOBIG, "chunk %zu claims %llu bytes, over the limit",
                         idx, (unsigned long long)len);
            break;
        }
        if (cl > (uint64_t)(end - p)) {
            rc = why_set(why, why_cap, SL_ETRUNCATED, "file ends inside chunk %zu", idx);
            break;
        }
        if ((rc = bytebuf_reserve(out, len))) break;
        if ((rc = codec_decode(c, p, cl, out->p + out->len, len))) {
            why_set(why, why_cap, rc, "chunk %zu: %s", idx, sl_strerror(rc));
            break;
        }
        out->len += len;
        p += cl;
    }
    uint64_t total = 0;
    if (!rc) rc = read_varint(&p, end, &total, why, why_cap, "the trailer");
    if (!rc && end - p != 8)
        rc = why_set(why, why_cap, end - p < 8 ? SL_ETRUNCATED : SL_EFORMAT,
                     "bad trailer (%td bytes of digest, expected 8)", end - p);
    else if (!rc && total != out->len)
        rc = why_set(why, why_cap, SL_ECORRUPT, "length mismatch: trailer says %llu, decoded %zu",
                     (unsigned long long)total, out->len);
    else if (!rc && le64_load(p) != codec_digest(c))
        rc = why_set(why, why_cap, SL_ECORRUPT,
                     "digest mismatch: the data is corrupt or was coded by another build");
    codec_free(c);
    return rc;
}
