/* proto/frame.h — frames: the unit of the wire format (see PROTOCOL.md).
 *
 * Each direction of a session starts with the 3-byte preamble "SL" and the
 * protocol version, then carries frames: a type byte, a varint length, and
 * the payload. Control frames (HELLO, MANIFEST, ACK, ERROR) end with a
 * CRC-32 of the whole frame; CHUNK is checked end to end by the CRC of its
 * decoded bytes, and DONE carries only figures.
 *
 * Writing: frame_write_preamble(&buf) once, then
 *   frame_write(&buf, FRAME_CHUNK, payload, len)   appends a whole frame.
 * Reading: an incremental parser that takes bytes in any split.
 *   frame_parser p; frame_parser_init(&p);
 *   while (n) {
 *       frame f; size_t used;
 *       int rc = frame_parse(&p, data, n, &used, &f);   // rc < 0: named error
 *       data += used; n -= used;
 *       if (rc == 1) handle(&f);    // f.payload valid until the next call
 *   }
 *   frame_parser_end(&p)   // at end of stream: SL_EPROTO_TRUNCATED if mid-frame
 *   frame_parser_fini(&p);
 * The preamble and each header field are checked as soon as their bytes
 * arrive, and the length against the type's limit before the payload
 * buffer is grown. After an error the parser stays failed.
 *   frame_parser_cap(&p, max)   a reader may accept less than the types'
 * limits for what comes next (a receiver before HELLO, say): a length over
 * max is then SL_EPROTO_TOOBIG too, at its first byte that says so; 0
 * lifts the cap. */
#ifndef SL_FRAME_H
#define SL_FRAME_H

#include "../common/bytebuf.h"
#include <stddef.h>
#include <stdint.h>

#define FRAME_VERSION   3
#define FRAME_PREAMBLE  3        /* "SL", version */
#define FRAME_MAX_HDR   5        /* type, varint length of at most 4 bytes */
#define FRAME_CRC       4

enum frame_type {
    FRAME_HELLO = 1,
    FRAME_MANIFEST,
    FRAME_CHUNK,
    FRAME_ACK,
    FRAME_DONE,
    FRAME_ERROR,
    FRAME_AUTH,
    FRAME_TYPE_MAX = FRAME_AUTH
};

typedef struct frame {
    uint8_t        type;
    uint32_t       len;          /* payload bytes, without the CRC */
    uint32_t       wire;         /* bytes the frame took on the wire (with the
                                    preamble, for a stream's first frame) */
    const uint8_t *payload;
} frame;

typedef struct frame_parser {
    uint8_t  pre;         /* preamble bytes seen, up to FRAME_PREAMBLE */
    uint8_t  hdr[FRAME_MAX_HDR];
    size_t   have;        /* header bytes of the current frame seen so far */
    int      hdr_done;
    uint32_t len;         /* body bytes: payload, and the CRC if the type has one */
    bytebuf  body;
    uint32_t extra;       /* preamble bytes to count into the next frame's wire size */
    uint32_t cap;         /* largest payload accepted next; 0 = the type's limit */
    int      err;
} frame_parser;

/* Largest payload a frame of this type may carry (0: not a type). */
uint32_t    frame_limit(int type);
/* Whether frames of this type end with a CRC-32. */
int         frame_has_crc(int type);
const char *frame_type_name(int type);
int  frame_write_preamble(bytebuf *out);
int  frame_write(bytebuf *out, int type, const void *payload, size_t len);
void frame_parser_init(frame_parser *p);
void frame_parser_cap(frame_parser *p, uint32_t max_payload);
int  frame_parse(frame_parser *p, const uint8_t *data, size_t n, size_t *used,
                 frame *out);
int  frame_parser_end(const frame_parser *p);
void frame_parser_fini(frame_parser *p);

#endif
