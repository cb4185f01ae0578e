/* sender/snd_web.c — see snd_web.h. */
#include "snd_web.h"
#include "../common/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAMES_SHOWN 50

int snd_web_start(snd_web *w, const char *where, const char *peer, const snd_inputs *in,
                  const recipe_params *rp)
{
    memset(w, 0, sizeof *w);
    if (!where) return 0;
    char why[512];
    if (web_start(&w->web, where, "satyad", why, sizeof why)) {
        fprintf(stderr, "satyad: %s\n", why);
        return SL_EIO;
    }
    w->board = web_board_of(w->web);
    w->id = web_board_session(w->board, peer);
    const char *names[NAMES_SHOWN] = {0};
    for (size_t i = 0; i < in->n && i < NAMES_SHOWN; i++) names[i] = in->v[i].name;
    bytebuf packed = {0};   /* the recipe as it crosses the wire */
    recipe_pack(rp, &packed);
    web_board_manifest(w->board, w->id, (uint32_t)in->n, names, in->total, packed.len, 0);
    bytebuf_fini(&packed);
    fprintf(stderr, "satyad: dashboard at %s\n", web_url(w->web));
    return 0;
}

void snd_web_chunk(void *arg, const uint8_t *raw, const uint32_t *costs, size_t n)
{
    snd_web *w = arg;
    web_board_bytes(w->board, w->id, raw, costs, n);
}

void snd_web_update(snd_web *w, const snd_status *st, uint64_t delivered, uint64_t wire,
                    uint64_t rate_bps)
{
    if (!w->web) return;
    web_board_link(w->board, w->id, delivered, wire, st->transcript, st->raw_done, rate_bps);
    if (st->xz) web_board_baselines(w->board, w->id, st->gzip, st->xz, st->zstd);
    if (st->prior_bytes != w->prior_shown) {
        w->prior_shown = st->prior_bytes;
        web_board_prior(w->board, w->id, st->prior_bytes);
    }
}

void snd_web_end(snd_web *w, const sl_stats *s, const char *err)
{
    if (w->web) web_board_end(w->board, w->id, s, err);
}

void snd_web_stop(snd_web *w, unsigned hold_s)
{
    if (!w->web) return;
    if (hold_s) {
        fprintf(stderr, "satyad: the dashboard stays up for %u s at %s\n", hold_s,
                web_url(w->web));
        sleep(hold_s);
    }
    web_stop(w->web);
    w->web = NULL;
}
