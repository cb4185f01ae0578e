/* common/container.c — see container.h. */
#include "container.h"
#include "codec.h"
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int slc_write(const recipe_params *p, size_t chunk, const uint8_t *in, size_t n,
              bytebuf *out)
{
    char text[RECIPE_MAX_TEXT];
    int tl = recipe_canonical(p, text, sizeof text);
    if (tl < 0) return tl;
    if (chunk == 0 || chunk > SLC_MAX_CHUNK) return SL_EINVAL;
    uint8_t hdr[8];
    memcpy(hdr, SLC_MAGIC, 4);
    le32_store(hdr + 4, (uint32_t)tl);
    int rc;
    if ((rc = bytebuf_append(out, hdr, 8)) ||
        (rc = bytebuf_append(out, text, (size_t)tl)))
        return rc;
    codec *c;
    if ((rc = codec_new(&c, p))) return rc;
    for (size_t off = 0; off < n && !rc; off += chunk) {
        size_t len = n - off < chunk ? n - off : chunk, at = out->len;
        if ((rc = bytebuf_append(out, hdr, 8))) break;
        rc = codec_encode(c, in + off, len, out);
        le32_store(out->p + at, (uint32_t)len);
        le32_store(out->p + at + 4, (uint32_t)(out->len - at - 8));
    }
    uint8_t tail[20];
    le32_store(tail, 0);
    le64_store(tail + 4, n);
    le64_store(tail + 12, codec_digest(c));
    codec_free(c);
    return rc ? rc : bytebuf_append(out, tail, sizeof tail);
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

int slc_read(const uint8_t *in, size_t n, bytebuf *out, char *why, size_t why_cap)
{
    const uint8_t *p = in, *end = in + n;
    if (n < 8 || memcmp(p, SLC_MAGIC, 4))
        return why_set(why, why_cap, SL_EFORMAT, "not an slcodec file (bad magic)");
    uint32_t tl = le32_load(p + 4);
    p += 8;
    if (tl > RECIPE_MAX_TEXT)
        return why_set(why, why_cap, SL_ETOOBIG, "recipe length %u over the limit %d",
                       tl, RECIPE_MAX_TEXT);
    if ((size_t)(end - p) < tl)
        return why_set(why, why_cap, SL_ETRUNCATED, "file ends inside the recipe");
    recipe_params rp;
    recipe_error e;
    int rc = recipe_parse((const char *)p, tl, &rp, &e);
    if (rc)
        return why_set(why, why_cap, rc, "recipe line %d: %s", e.line, e.msg);
    p += tl;
    codec *c;
    if ((rc = codec_new(&c, &rp)))
        return why_set(why, why_cap, rc, "cannot build the model: %s", sl_strerror(rc));
    size_t idx = 0;
    for (;; idx++) {
        if (end - p < 4) {
            rc = why_set(why, why_cap, SL_ETRUNCATED, "file ends before chunk %zu", idx);
            break;
        }
        uint32_t len = le32_load(p);
        p += 4;
        if (len == 0) break;
        if (end - p < 4) {
            rc = why_set(why, why_cap, SL_ETRUNCATED, "file ends in chunk %zu header", idx);
            break;
        }
        uint32_t cl = le32_load(p);
        p += 4;
        if (len > SLC_MAX_CHUNK) {
            rc = why_set(why, why_cap, SL_ETOOBIG, "chunk %zu claims %u bytes, over the limit",
                         idx, len);
            break;
        }
        if (cl > (size_t)(end - p)) {
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
    if (!rc && end - p != 16)
        rc = why_set(why, why_cap, end - p < 16 ? SL_ETRUNCATED : SL_EFORMAT,
                     "bad trailer (%td bytes, expected 16)", end - p);
    else if (!rc && le64_load(p) != out->len)
        rc = why_set(why, why_cap, SL_ECORRUPT, "length mismatch: trailer says %llu, decoded %zu",
                     (unsigned long long)le64_load(p), out->len);
    else if (!rc && le64_load(p + 8) != codec_digest(c))
        rc = why_set(why, why_cap, SL_ECORRUPT,
                     "model digest mismatch: the data is corrupt or was coded by another build");
    codec_free(c);
    return rc;
}
