/* proto/order.c — see order.h. */
#include "order.h"
#include "frame.h"
#include "../common/err.h"

void proto_order_init(proto_order *o, int from)
{
    o->from = from;
    o->stage = 0;
    o->authed = 0;
    o->next_chunk = 0;
}

void proto_order_resume(proto_order *o, uint32_t next)
{
    o->next_chunk = next;
}

int proto_order_check(proto_order *o, int type, uint32_t index)
{
    if (o->stage == 3) return SL_EPROTO_ORDER;   /* nothing after DONE or the final ACK */
    if (type == FRAME_ERROR) return 0;
    if (o->stage == 0) {
        if (type != FRAME_HELLO) return SL_EPROTO_ORDER;
        o->stage = 1;
        return 0;
    }
    if (o->from == PROTO_FROM_RECEIVER)
        return type == FRAME_ACK ? 0 : SL_EPROTO_ORDER;
    switch (type) {
    case FRAME_AUTH:
        if (o->stage != 1 || o->authed) return SL_EPROTO_ORDER;
        o->authed = 1;
        return 0;
    case FRAME_MANIFEST:
        if (o->stage != 1) return SL_EPROTO_ORDER;
        o->stage = 2;
        return 0;
    case FRAME_CHUNK:
        if (o->stage != 2 || index != o->next_chunk) return SL_EPROTO_ORDER;
        o->next_chunk++;
        return 0;
    case FRAME_DONE:
        if (o->stage != 2) return SL_EPROTO_ORDER;
        o->stage = 3;
        return 0;
    default:
        return SL_EPROTO_ORDER;   /* HELLO again, or ACK from a sender */
    }
}
