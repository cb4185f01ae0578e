/* proto/frame.c — see frame.h and PROTOCOL.md ("Preamble and frames"). */
#include "frame.h"
#include "../common/byteorder.h"
#include "../common/err.h"

#include <string.h>
#include <zlib.h>

static const uint32_t limits[FRAME_TYPE_MAX + 1] = {
    [FRAME_HELLO] = 256,
    [FRAME_MANIFEST] = 4u << 20,
    [FRAME_CHUNK] = (16u << 20) + 32,
    [FRAME_ACK] = 32,
    [FRAME_DONE] = 64,
    [FRAME_ERROR] = 1024,
    [FRAME_AUTH] = 1 + 32 + 32 + 32 + 64,
};

uint32_t frame_limit(int type)
{
    return type >= 1 && type <= FRAME_TYPE_MAX ? limits[type] : 0;
}

int frame_has_crc(int type)
{
    return type != FRAME_CHUNK && type != FRAME_DONE;
}

const char *frame_type_name(int type)
{
    static const char *const names[] = {"?", "HELLO", "MANIFEST", "CHUNK", "ACK", "DONE",
                                        "ERROR", "AUTH"};
    return type >= 1 && type <= FRAME_TYPE_MAX ? names[type] : "?";
}

int frame_write_preamble(bytebuf *out)
{
    const uint8_t pre[FRAME_PREAMBLE] = {'S', 'L', FRAME_VERSION};
    return bytebuf_append(out, pre, sizeof pre);
}

int frame_write(bytebuf *out, int type, const void *payload, size_t len)
{
    if (len > frame_limit(type)) return SL_EPROTO_TOOBIG;
    size_t crc = frame_has_crc(type) ? FRAME_CRC : 0, body = len + crc;
    int rc = bytebuf_reserve(out, FRAME_MAX_HDR + body);
    if (rc) return rc;
    uint8_t *h = out->p + out->len;
    h[0] = (uint8_t)type;
    size_t hl = 1 + varint_put(h + 1, body);
    if (len) memcpy(h + hl, payload, len);
    if (crc) {
        uLong c = crc32(crc32(0L, Z_NULL, 0), h, (uInt)(hl + len));
        le32_store(h + hl + len, (uint32_t)c);
    }
    out->len += hl + body;
    return 0;
}

void frame_parser_init(frame_parser *p)
{
    memset(p, 0, sizeof *p);
}

void frame_parser_cap(frame_parser *p, uint32_t max_payload)
{
    p->cap = max_payload;
}

void frame_parser_fini(frame_parser *p)
{
    bytebuf_fini(&p->body);
}

/* Takes preamble bytes; 0 once it is complete, or the error. */
static int parse_preamble(frame_parser *p, const uint8_t *data, size_t n, size_t *i)
{
    while (p->pre < FRAME_PREAMBLE && *i < n) {
        uint8_t b = data[(*i)++];
        int k = p->pre++;
        if (k < 2 && b != "SL"[k]) return SL_EPROTO_MAGIC;
        if (k == 2 && b != FRAME_VERSION) return SL_EPROTO_VERSION;
        p->extra++;
    }
    return 0;
}

/* Checks header byte `have - 1` as soon as it is known; sets hdr_done and
 * len once the length is complete. */
static int check_header(frame_parser *p)
{
    uint8_t type = p->hdr[0];
    if (type < 1 || type > FRAME_TYPE_MAX) return SL_EPROTO_TYPE;
    if (p->have == 1) return 0;
    uint64_t v;
    int k = varint_get(p->hdr + 1, p->have - 1, &v);
    uint32_t crc = frame_has_crc(type) ? FRAME_CRC : 0, max = limits[type];
    if (p->cap && p->cap < max) max = p->cap;
    uint32_t limit = max + crc;
    if (k < 0) return SL_EPROTO_PAYLOAD;   /* a longer length form than needed */
    if (k == 0) {
        /* Refuse as soon as the bytes so far already mean too much. */
        uint64_t lower = 0;
        for (size_t i = 1; i < p->have; i++)
            lower |= (uint64_t)(p->hdr[i] & 0x7f) << (7 * (i - 1));
        lower |= (uint64_t)1 << (7 * (p->have - 1));
        if (lower > limit || p->have == FRAME_MAX_HDR) return SL_EPROTO_TOOBIG;
        return 0;
    }
    if (v > limit) return SL_EPROTO_TOOBIG;
    if (v < crc) return SL_EPROTO_CHECKSUM;
    p->len = (uint32_t)v;
    p->hdr_done = 1;
    return 0;
}

int frame_parse(frame_parser *p, const uint8_t *data, size_t n, size_t *used,
                frame *out)
{
    *used = 0;
    if (p->err) return p->err;
    size_t i = 0;
    int rc = parse_preamble(p, data, n, &i);
    if (rc) { *used = i; return p->err = rc; }
    while (p->pre == FRAME_PREAMBLE && !p->hdr_done && i < n) {
        p->hdr[p->have++] = data[i++];
        if ((rc = check_header(p))) { *used = i; return p->err = rc; }
        if (p->hdr_done) {
            p->body.len = 0;
            if ((rc = bytebuf_reserve(&p->body, p->len ? p->len : 1))) {
                *used = i;
                return p->err = rc;
            }
        }
    }
    if (!p->hdr_done) { *used = i; return 0; }
    size_t want = p->len - p->body.len, take = n - i < want ? n - i : want;
    memcpy(p->body.p + p->body.len, data + i, take);
    p->body.len += take;
    i += take;
    *used = i;
    if (p->body.len < p->len) return 0;
    uint8_t type = p->hdr[0];
    uint32_t crc = frame_has_crc(type) ? FRAME_CRC : 0, len = p->len - crc;
    if (crc) {
        uLong c = crc32(crc32(0L, Z_NULL, 0), p->hdr, (uInt)p->have);
        c = crc32(c, p->body.p, len);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION /* let the fuzzer past the CRC */
        if ((uint32_t)c != le32_load(p->body.p + len)) return p->err = SL_EPROTO_CHECKSUM;
#endif
    }
    out->type = type;
    out->len = len;
    out->wire = (uint32_t)p->have + p->len + p->extra;
    out->payload = p->body.p;
    p->extra = 0;
    p->have = 0;
    p->hdr_done = 0;
    return 1;
}

int frame_parser_end(const frame_parser *p)
{
    if (p->err) return p->err;
    return p->have || (p->pre && p->pre < FRAME_PREAMBLE) ? SL_EPROTO_TRUNCATED : 0;
}
