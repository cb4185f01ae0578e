/* proto/frame.h — frames: the unit of the wire format (see PROTOCOL.md).
 *
 * Writing: frame_write(&buf, FRAME_CHUNK, payload, len) appends a whole
 * frame (header, payload, CRC) to a bytebuf.
 *
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
 * Each header field is checked as soon as it arrives, and the length
 * against the type's limit before the payload buffer is grown. After an
 * error the parser stays failed. */
#ifndef SL_FRAME_H
#define SL_FRAME_H

#include "../common/bytebuf.h"
#include <stddef.h>
#include <stdint.h>

#define FRAME_VERSION   1
#define FRAME_HDR       10
#define FRAME_TRAILER   4

enum frame_type {
    FRAME_HELLO = 1,
    FRAME_MANIFEST,
    FRAME_CHUNK,
    FRAME_SYNC,
    FRAME_ACK,
    FRAME_DONE,
    FRAME_ERROR,
    FRAME_TYPE_MAX = FRAME_ERROR
};

typedef struct frame {
    uint8_t        type;
    uint32_t       len;
    const uint8_t *payload;
} frame;

typedef struct frame_parser {
    uint8_t  hdr[FRAME_HDR];
    size_t   have;        /* bytes of the current frame seen so far */
    uint32_t len;
    bytebuf  body;        /* payload + CRC */
    int      err;
} frame_parser;

uint32_t    frame_limit(int type);
const char *frame_type_name(int type);
int  frame_write(bytebuf *out, int type, const void *payload, size_t len);
void frame_parser_init(frame_parser *p);
int  frame_parse(frame_parser *p, const uint8_t *data, size_t n, size_t *used,
                 frame *out);
int  frame_parser_end(const frame_parser *p);
void frame_parser_fini(frame_parser *p);

#endif
