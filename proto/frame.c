/* proto/frame.c — see frame.h and PROTOCOL.md ("Frame"). */
#include "frame.h"
#include "../common/byteorder.h"
#include "../common/err.h"

#include <string.h>
#include <zlib.h>

static const uint32_t limits[FRAME_TYPE_MAX + 1] = {
    [FRAME_HELLO] = 256,
    [FRAME_MANIFEST] = 4u << 20,
    [FRAME_CHUNK] = (16u << 20) + 13,
    [FRAME_SYNC] = 12,
    [FRAME_ACK] = 17,
    [FRAME_DONE] = 64,
    [FRAME_ERROR] = 1024,
};

uint32_t frame_limit(int type)
{
    return type >= 1 && type <= FRAME_TYPE_MAX ? limits[type] : 0;
}

const char *frame_type_name(int type)
{
    static const char *const names[] = {"?", "HELLO", "MANIFEST", "CHUNK", "SYNC",
                                        "ACK", "DONE", "ERROR"};
    return type >= 1 && type <= FRAME_TYPE_MAX ? names[type] : "?";
}

int frame_write(bytebuf *out, int type, const void *payload, size_t len)
{
    if (len > frame_limit(type)) return SL_EPROTO_TOOBIG;
    int rc = bytebuf_reserve(out, FRAME_HDR + len + FRAME_TRAILER);
    if (rc) return rc;
    uint8_t *h = out->p + out->len;
    h[0] = 'S';
    h[1] = 'L';
    h[2] = FRAME_VERSION;
    h[3] = (uint8_t)type;
    h[4] = h[5] = 0;
    le32_store(h + 6, (uint32_t)len);
    if (len) memcpy(h + FRAME_HDR, payload, len);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, h, (uInt)(FRAME_HDR + len));
    le32_store(h + FRAME_HDR + len, (uint32_t)crc);
    out->len += FRAME_HDR + len + FRAME_TRAILER;
    return 0;
}

void frame_parser_init(frame_parser *p)
{
    memset(p, 0, sizeof *p);
}

void frame_parser_fini(frame_parser *p)
{
    bytebuf_fini(&p->body);
}

/* Check header byte i as soon as it is known. */
static int check_header_byte(frame_parser *p, size_t i)
{
    const uint8_t *h = p->hdr;
    switch (i) {
    case 0: return h[0] == 'S' ? 0 : SL_EPROTO_MAGIC;
    case 1: return h[1] == 'L' ? 0 : SL_EPROTO_MAGIC;
    case 2: return h[2] == FRAME_VERSION ? 0 : SL_EPROTO_VERSION;
    case 3: return h[3] >= 1 && h[3] <= FRAME_TYPE_MAX ? 0 : SL_EPROTO_TYPE;
    case 4: case 5: return h[i] == 0 ? 0 : SL_EPROTO_RESERVED;
    case 9:
        p->len = le32_load(h + 6);
        return p->len <= limits[h[3]] ? 0 : SL_EPROTO_TOOBIG;
    default: return 0;
    }
}

int frame_parse(frame_parser *p, const uint8_t *data, size_t n, size_t *used,
                frame *out)
{
    *used = 0;
    if (p->err) return p->err;
    size_t i = 0;
    while (p->have < FRAME_HDR && i < n) {
        p->hdr[p->have] = data[i++];
        int rc = check_header_byte(p, p->have);
        p->have++;
        if (rc) { *used = i; return p->err = rc; }
        if (p->have == FRAME_HDR) {
            p->body.len = 0;
            if ((rc = bytebuf_reserve(&p->body, (size_t)p->len + FRAME_TRAILER))) {
                *used = i;
                return p->err = rc;
            }
        }
    }
    if (p->have < FRAME_HDR) { *used = i; return 0; }
    size_t want = (size_t)p->len + FRAME_TRAILER - p->body.len;
    size_t take = n - i < want ? n - i : want;
    memcpy(p->body.p + p->body.len, data + i, take);
    p->body.len += take;
    i += take;
    *used = i;
    if (p->body.len < (size_t)p->len + FRAME_TRAILER) return 0;
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, p->hdr, FRAME_HDR);
    crc = crc32(crc, p->body.p, p->len);
    p->have = 0;
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION /* let the fuzzer past the CRC */
    if ((uint32_t)crc != le32_load(p->body.p + p->len)) return p->err = SL_EPROTO_CHECKSUM;
#endif
    out->type = p->hdr[3];
    out->len = p->len;
    out->payload = p->body.p;
    return 1;
}

int frame_parser_end(const frame_parser *p)
{
    if (p->err) return p->err;
    return p->have ? SL_EPROTO_TRUNCATED : 0;
}
