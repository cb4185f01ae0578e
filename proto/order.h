/* proto/order.h — the session's frame order (PROTOCOL.md, "The session"),
 * as a small state machine each end runs over what it receives.
 *
 *   proto_order o; proto_order_init(&o, PROTO_FROM_SENDER);
 *   per frame: rc = proto_order_check(&o, f.type, index);   // 0 or SL_EPROTO_ORDER
 * `index` is the CHUNK's index (ignored for other types). ERROR is in
 * order anywhere before DONE; nothing is after it. AUTH may come once,
 * between HELLO and MANIFEST. */
#ifndef SL_ORDER_H
#define SL_ORDER_H

#include <stdint.h>

enum { PROTO_FROM_SENDER, PROTO_FROM_RECEIVER };

typedef struct proto_order {
    int      from;
    int      stage;          /* 0 start, 1 hello, 2 manifest/streaming, 3 done */
    int      authed;         /* AUTH came (at most once, between HELLO and MANIFEST) */
    uint32_t next_chunk;
} proto_order;

void proto_order_init(proto_order *o, int from);
int  proto_order_check(proto_order *o, int type, uint32_t index);
/* A resumed session: the sender's chunks start at `next` (the receiver
 * already holds the ones before). */
void proto_order_resume(proto_order *o, uint32_t next);

#endif
