/* proto/order.c — see order.h. */
#include "order.h"
#include "frame.h"
#include "../common/err.h"

void proto_order_init(proto_order *o, int from)
{
    o->from = from;
    o->stage = 0;
    o->next_chunk = 0;
    o->after_chunk = 0;
}

int proto_order_check(proto_order *o, int type, uint32_t index)
{
    if (type == FRAME_ERROR) return 0;
    int after_chunk = o->after_chunk;
    o->after_chunk = 0;
    if (o->stage == 0) {
        if (type != FRAME_HELLO) return SL_EPROTO_ORDER;
        o->stage = 1;
        return 0;
    }
    if (o->from == PROTO_FROM_RECEIVER) {
        if (type != FRAME_ACK || o->stage == 3) return SL_EPROTO_ORDER;
        return 0;
    }
    switch (type) {
    case FRAME_MANIFEST:
        if (o->stage != 1) return SL_EPROTO_ORDER;
        o->stage = 2;
        return 0;
    case FRAME_CHUNK:
        if (o->stage != 2 || index != o->next_chunk) return SL_EPROTO_ORDER;
        o->next_chunk++;
        o->after_chunk = 1;
        return 0;
    case FRAME_SYNC:
        if (o->stage != 2 || !after_chunk || index + 1 != o->next_chunk) return SL_EPROTO_ORDER;
        return 0;
    case FRAME_DONE:
        if (o->stage != 2) return SL_EPROTO_ORDER;
        o->stage = 3;
        return 0;
    default:
        return SL_EPROTO_ORDER;   /* HELLO again, or ACK from a sender */
    }
}
