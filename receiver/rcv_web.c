/* receiver/rcv_web.c — see rcv_web.h. */
#include "rcv_web.h"
#include "../common/err.h"

#include <stdlib.h>
#include <string.h>

#define NAMES_SHOWN 50

typedef struct tap {
    web_board *b;
    int        id;
} tap;

static void on_manifest(void *arg, const rcv_core *c)
{
    tap *t = arg;
    uint32_t n = c->man.nfiles < NAMES_SHOWN ? c->man.nfiles : NAMES_SHOWN;
    char *names[NAMES_SHOWN] = {0};   /* the board stops at the first NULL */
    for (uint32_t i = 0; i < n; i++) {
        const msg_file *f = &c->man.files[i];
        names[i] = malloc((size_t)f->name_len + 1);
        if (names[i]) {
            memcpy(names[i], f->name, f->name_len);
            names[i][f->name_len] = 0;
        } else {
            n = i;
        }
    }
    web_board_manifest(t->b, t->id, c->man.nfiles, (const char *const *)names, c->man.total,
                       c->man.recipe_len, c->st.prior);
    for (uint32_t i = 0; i < n; i++) free(names[i]);
}

static void on_chunk(void *arg, const rcv_core *c, const uint8_t *raw, const uint32_t *costs,
                     size_t n)
{
    tap *t = arg;
    web_board_bytes(t->b, t->id, raw, costs, n);
    web_board_link(t->b, t->id, c->pos, c->st.wire, c->st.transcript, c->pos, 0);
}

int rcv_web_watch(rcv_core *c, web_board *board, const char *peer)
{
    if (!board) return 0;
    tap *t = malloc(sizeof *t);
    if (!t) return SL_ENOMEM;
    t->b = board;
    t->id = web_board_session(board, peer);
    c->obs = (rcv_observer){on_manifest, on_chunk, t};
    return 0;
}

void rcv_web_end(rcv_core *c, const sl_stats *st, const char *err)
{
    if (c->obs.on_chunk != on_chunk) return;
    tap *t = c->obs.arg;
    web_board_end(t->b, t->id, st, err);
    free(t);
    memset(&c->obs, 0, sizeof c->obs);
}
