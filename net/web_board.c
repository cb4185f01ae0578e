/* net/web_board.c — see web_board.h. JSON only through jansson. */
#include "web_board.h"
#include "../common/codec.h"
#include "../util/clock.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define MAX_NAMES 50            /* file names shown per session */

typedef struct sess {
    int       id, ended;
    char      peer[96], state[12], err[256];
    uint32_t  nfiles;
    char     *names[MAX_NAMES];
    uint64_t  total, model_bytes, delivered, wire, transcript, coded, recipe, prior, rate_bps;
    uint64_t  gzip, xz, zstd, cost_units;
    double    t0, t1;
    uint64_t  bin_bytes;
    int       nbins;
    uint64_t  bin_units[WEB_BINS], bin_count[WEB_BINS];
    uint8_t   heat_b[WEB_HEAT];
    uint32_t  heat_c[WEB_HEAT];
    size_t    heat_n, heat_at;    /* bytes held; where the next one goes */
    json_t   *final;
    uint64_t  version;            /* the board's version at its last change */
} sess;

struct web_board {
    uv_mutex_t lock;
    uv_cond_t  changed;
    char       role[16];
    sess      *s[WEB_SESSIONS];
    int        n, next_id, stopping;
    uint64_t   version;
};

web_board *web_board_new(const char *role)
{
    web_board *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    if (uv_mutex_init(&b->lock)) { free(b); return NULL; }
    if (uv_cond_init(&b->changed)) { uv_mutex_destroy(&b->lock); free(b); return NULL; }
    snprintf(b->role, sizeof b->role, "%s", role);
    b->version = 1;
    return b;
}

static void sess_free(sess *s)
{
    for (int i = 0; i < MAX_NAMES; i++) free(s->names[i]);
    json_decref(s->final);
    free(s);
}

void web_board_free(web_board *b)
{
    if (!b) return;
    for (int i = 0; i < b->n; i++) sess_free(b->s[i]);
    uv_cond_destroy(&b->changed);
    uv_mutex_destroy(&b->lock);
    free(b);
}

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (s[0] >= 0xf5) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))) return 0;
    if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))) return 0;
    return n;
}

/* Text from the wire made safe for a JSON string: well-formed UTF-8 stays,
 * control bytes and broken sequences become '?', so jansson never refuses
 * it; cut short to fit cap. */
static void safe_copy(char *dst, size_t cap, const char *src)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t o = 0;
    while (*s && o + 1 < cap) {
        size_t n = *s < 0x80 ? (*s >= 0x20 && *s != 0x7f) : utf8_len(s);
        if (n == 0 || o + n >= cap) {
            if (n && o + n >= cap) break;
            dst[o++] = '?';
            s++;
            continue;
        }
        memcpy(dst + o, s, n);
        o += n;
        s += n;
    }
    dst[o] = 0;
}

static sess *find(web_board *b, int id)
{
    for (int i = 0; i < b->n; i++)
        if (b->s[i]->id == id) return b->s[i];
    return NULL;
}

/* Call with the lock held, after changing s. */
static void touch(web_board *b, sess *s)
{
    s->version = ++b->version;
    uv_cond_broadcast(&b->changed);
}

int web_board_session(web_board *b, const char *peer)
{
    sess *s = calloc(1, sizeof *s);
    if (!s) return 0;
    safe_copy(s->peer, sizeof s->peer, peer);
    snprintf(s->state, sizeof s->state, "starting");
    s->t0 = now_s();
    s->bin_bytes = 64;
    uv_mutex_lock(&b->lock);
    if (b->n == WEB_SESSIONS) {   /* make room: the oldest ended session, else the oldest */
        int drop = 0;
        for (int i = b->n - 1; i >= 0; i--)
            if (b->s[i]->ended) drop = i;
        sess_free(b->s[drop]);
        memmove(&b->s[drop], &b->s[drop + 1], (size_t)(b->n - drop - 1) * sizeof b->s[0]);
        b->n--;
    }
    s->id = ++b->next_id;
    b->s[b->n++] = s;
    touch(b, s);
    uv_mutex_unlock(&b->lock);
    return s->id;
}

void web_board_manifest(web_board *b, int id, uint32_t nfiles, const char *const *names,
                        uint64_t total, uint64_t recipe_bytes, uint64_t prior_bytes)
{
    uv_mutex_lock(&b->lock);
    sess *s = find(b, id);
    if (s) {
        s->nfiles = nfiles;
        for (uint32_t i = 0; names && i < nfiles && i < MAX_NAMES && names[i]; i++) {
            char tmp[256];
            safe_copy(tmp, sizeof tmp, names[i]);
            free(s->names[i]);
            s->names[i] = strdup(tmp);
        }
        s->total = total;
        s->recipe = recipe_bytes;
        s->prior = prior_bytes;
        if (!s->model_bytes && total / WEB_BINS + 1 > s->bin_bytes)
            s->bin_bytes = total / WEB_BINS + 1;
        snprintf(s->state, sizeof s->state, strcmp(b->role, "satyad") ? "receiving" : "sending");
        touch(b, s);
    }
    uv_mutex_unlock(&b->lock);
}

/* Halves the curve's resolution when it is full. */
static void curve_fold(sess *s)
{
    for (int i = 0; i < WEB_BINS / 2; i++) {
        s->bin_units[i] = s->bin_units[2 * i] + s->bin_units[2 * i + 1];
        s->bin_count[i] = s->bin_count[2 * i] + s->bin_count[2 * i + 1];
    }
    memset(&s->bin_units[WEB_BINS / 2], 0, WEB_BINS / 2 * sizeof s->bin_units[0]);
    memset(&s->bin_count[WEB_BINS / 2], 0, WEB_BINS / 2 * sizeof s->bin_count[0]);
    s->bin_bytes *= 2;
    s->nbins = (s->nbins + 1) / 2;
}

void web_board_bytes(web_board *b, int id, const uint8_t *p, const uint32_t *costs, size_t n)
{
    uv_mutex_lock(&b->lock);
    sess *s = find(b, id);
    for (size_t i = 0; s && i < n; i++) {
        uint64_t bin = s->model_bytes / s->bin_bytes;
        if (bin >= WEB_BINS) {
            curve_fold(s);
            bin = s->model_bytes / s->bin_bytes;
        }
        s->bin_units[bin] += costs[i];
        s->bin_count[bin]++;
        s->nbins = (int)bin + 1;
        s->cost_units += costs[i];
        s->model_bytes++;
        s->heat_b[s->heat_at] = p[i];
        s->heat_c[s->heat_at] = costs[i];
        s->heat_at = (s->heat_at + 1) % WEB_HEAT;
        if (s->heat_n < WEB_HEAT) s->heat_n++;
    }
    uv_mutex_unlock(&b->lock);   /* shown with the next web_board_link, in step with it */
}

void web_board_link(web_board *b, int id, uint64_t delivered, uint64_t wire,
                    uint64_t transcript, uint64_t coded, uint64_t rate_bps)
{
    uv_mutex_lock(&b->lock);
    sess *s = find(b, id);
    if (s) {
        s->delivered = delivered;
        s->wire = wire;
        s->transcript = transcript;
        s->coded = coded;
        s->rate_bps = rate_bps;
        touch(b, s);
    }
    uv_mutex_unlock(&b->lock);
}

void web_board_prior(web_board *b, int id, uint64_t prior_bytes)
{
    uv_mutex_lock(&b->lock);
    sess *s = find(b, id);
    if (s) {
        s->prior = prior_bytes;
        touch(b, s);
    }
    uv_mutex_unlock(&b->lock);
}

void web_board_baselines(web_board *b, int id, uint64_t gzip, uint64_t xz, uint64_t zstd)
{
    uv_mutex_lock(&b->lock);
    sess *s = find(b, id);
    if (s) {
        s->gzip = gzip;
        s->xz = xz;
        s->zstd = zstd;
        touch(b, s);
    }
    uv_mutex_unlock(&b->lock);
}

void web_board_end(web_board *b, int id, const sl_stats *st, const char *err)
{
    json_t *final = err ? NULL : report_to_json(st);
    uv_mutex_lock(&b->lock);
    sess *s = find(b, id);
    if (s) {
        s->ended = 1;
        s->t1 = now_s();
        snprintf(s->state, sizeof s->state, err ? "failed" : "finished");
        if (err) safe_copy(s->err, sizeof s->err, err);
        if (!err) {   /* the final figures are those of --json */
            s->delivered = s->model_bytes = s->coded = st->raw;
            s->wire = st->wire;
            s->transcript = st->transcript;
            s->recipe = st->recipe;
            s->prior = st->prior;
            s->gzip = st->zlib;
            s->xz = st->xz;
            s->zstd = st->zstd;
            if (st->rate_bps) s->rate_bps = st->rate_bps;
        }
        json_decref(s->final);
        s->final = final;
        final = NULL;
        touch(b, s);
    }
    uv_mutex_unlock(&b->lock);
    json_decref(final);
}

static json_t *names_json(const sess *s)
{
    json_t *a = json_array();
    for (int i = 0; a && i < MAX_NAMES && s->names[i]; i++)
        json_array_append_new(a, json_string(s->names[i]));
    return a;
}

static json_t *summary_json(const web_board *b, const sess *s)
{
    double el = (s->ended ? s->t1 : now_s()) - s->t0;
    uint64_t rate = s->rate_bps ? s->rate_bps
                  : el > 0 ? (uint64_t)((double)s->wire * 8.0 / el) : 0;
    sl_stats dl = {0};
    dl.recipe = s->recipe;
    dl.prior = s->prior;
    dl.transcript = s->transcript;
    json_t *o = json_pack(
        "{s:i, s:s, s:s, s:s, s:s, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:I, s:I, s:I,"
        " s:I, s:I, s:f, s:{s:I, s:I, s:I}}",
        "id", s->id, "peer", s->peer, "role", b->role, "state", s->state, "error", s->err,
        "files", (json_int_t)s->nfiles, "names", names_json(s),
        "raw_bytes", (json_int_t)s->total, "decoded_bytes", (json_int_t)s->delivered,
        "model_bytes", (json_int_t)s->model_bytes, "wire_bytes", (json_int_t)s->wire,
        "transcript_bytes", (json_int_t)s->transcript,
        "bits_per_byte", s->coded ? (double)s->transcript * 8.0 / (double)s->coded : 0.0,
        "ideal_bits_per_byte", s->model_bytes ? (double)s->cost_units / CODEC_COST_ONE /
                                                (double)s->model_bytes : 0.0,
        "recipe_bytes", (json_int_t)s->recipe, "code_bytes", (json_int_t)report_code_bytes(),
        "prior_bytes", (json_int_t)s->prior,
        "description_length", (json_int_t)report_description_length(&dl),
        "rate_bps", (json_int_t)rate, "elapsed_s", el,
        "baselines", "gzip", (json_int_t)s->gzip, "xz", (json_int_t)s->xz,
        "zstd", (json_int_t)s->zstd);
    if (o) json_object_set(o, "final", s->final ? s->final : json_null());
    return o;
}

/* Costs in bits, rounded to 1/1000 to keep the events short; the figures
 * themselves keep the precision of --json (JSON_REAL_PRECISION(6)). */
static json_t *bits3(uint64_t units, uint64_t count)
{
    if (!count) return json_real(0.0);
    uint64_t milli = (units * 1000 + (uint64_t)CODEC_COST_ONE * count / 2) /
                     ((uint64_t)CODEC_COST_ONE * count);
    return json_real((double)milli / 1000.0);
}

/* The summary plus the loss curve and the heat-map. */
static json_t *detail_json(const web_board *b, const sess *s)
{
    json_t *o = summary_json(b, s), *bpb = json_array(), *hb = json_array(),
           *hc = json_array();
    for (int i = 0; bpb && i < s->nbins; i++)
        json_array_append_new(bpb, bits3(s->bin_units[i], s->bin_count[i]));
    size_t first = (s->heat_at + WEB_HEAT - s->heat_n) % WEB_HEAT;
    for (size_t i = 0; hb && hc && i < s->heat_n; i++) {
        size_t k = (first + i) % WEB_HEAT;
        json_array_append_new(hb, json_integer(s->heat_b[k]));
        json_array_append_new(hc, bits3(s->heat_c[k], 1));
    }
    if (o)
        json_object_set_new(o, "curve", json_pack("{s:I, s:o}", "bin_bytes",
                                                  (json_int_t)s->bin_bytes, "bpb", bpb));
    if (o)
        json_object_set_new(o, "heat", json_pack("{s:I, s:o, s:o}", "offset",
                                                 (json_int_t)(s->model_bytes - s->heat_n),
                                                 "bytes", hb, "bits", hc));
    return o;
}

uint64_t web_board_wait(web_board *b, uint64_t seen, double timeout_s)
{
    uv_mutex_lock(&b->lock);
    uint64_t deadline = uv_hrtime() + (uint64_t)(timeout_s * 1e9);
    while (!b->stopping && b->version <= seen) {
        uint64_t now = uv_hrtime();
        if (now >= deadline || uv_cond_timedwait(&b->changed, &b->lock, deadline - now)) break;
    }
    uint64_t v = b->stopping ? 0 : b->version;
    uv_mutex_unlock(&b->lock);
    return v;
}

char *web_board_events(web_board *b, uint64_t seen)
{
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    out[0] = 0;
    uv_mutex_lock(&b->lock);
    for (int i = 0; i < b->n; i++) {
        if (b->s[i]->version <= seen) continue;
        json_t *o = detail_json(b, b->s[i]);
        char *text = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
        json_decref(o);
        if (!text) continue;
        size_t need = len + strlen(text) + 32;
        if (need > cap) {
            char *p = realloc(out, need * 2);
            if (!p) { free(text); break; }
            out = p;
            cap = need * 2;
        }
        /* json_dumps(JSON_COMPACT) writes one line: newlines inside strings are escaped. */
        len += (size_t)snprintf(out + len, cap - len, "event: session\ndata: %s\n\n", text);
        free(text);
    }
    uv_mutex_unlock(&b->lock);
    return out;
}

char *web_board_sessions_json(web_board *b)
{
    json_t *a = json_array();
    uv_mutex_lock(&b->lock);
    for (int i = 0; a && i < b->n; i++) json_array_append_new(a, summary_json(b, b->s[i]));
    uv_mutex_unlock(&b->lock);
    char *text = a ? json_dumps(a, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(a);
    return text;
}

void web_board_stop(web_board *b)
{
    uv_mutex_lock(&b->lock);
    b->stopping = 1;
    uv_cond_broadcast(&b->changed);
    uv_mutex_unlock(&b->lock);
}
