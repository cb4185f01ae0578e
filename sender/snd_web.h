/* sender/snd_web.h — satyad's run on the dashboard (--web, net/web.h): one
 * session for the whole encode, its peer the receivers (or the --out file).
 *
 *   snd_web w;
 *   snd_web_start(&w, where, peer, &inputs, &recipe);       // serves the page
 *   opts.on_chunk = snd_web_chunk; opts.arg = &w;             // the encoder's bytes
 *   snd_web_update(&w, &status, delivered, wire, rate_bps);   // from the loop, often
 *   snd_web_end(&w, &stats, err);                             // the figures of --json
 *   snd_web_stop(&w, hold_s);                                 // page up hold_s more
 * Every call does nothing when --web was not given (w.web == NULL). */
#ifndef SL_SND_WEB_H
#define SL_SND_WEB_H

#include "snd_encode.h"
#include "../net/web.h"

typedef struct snd_web {
    web       *web;
    web_board *board;
    int        id;
    uint64_t   prior_shown;
} snd_web;

int  snd_web_start(snd_web *w, const char *where, const char *peer, const snd_inputs *in,
                   const recipe_params *rp);
void snd_web_chunk(void *arg, const uint8_t *raw, const uint32_t *costs, size_t n);
void snd_web_update(snd_web *w, const snd_status *st, uint64_t delivered, uint64_t wire,
                    uint64_t rate_bps);
void snd_web_end(snd_web *w, const sl_stats *s, const char *err);
void snd_web_stop(snd_web *w, unsigned hold_s);

#endif
